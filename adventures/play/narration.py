"""A chapter's narration by a Gemini voice (GEMINI_NARRATION, gemini storyteller only).

Made once, after the chapter is saved, from the saved text: the text the child reads,
which has passed the safety layers; never from streamed pieces. The chapter is spoken
piece by piece (narration_timing.py says how the sentence timings are measured), stored
as one WAV file beside the chapter's picture (media/adventures/<uuid>/), and announced on
the adventure's group so that an open page gets the new #chapter-narration fragment.
Until then, or when it fails, the reader uses the browser's voice.

Telemetry: `narration_made` (duration_ms to make it, audio_seconds, pieces) or
`narration_failed` (duration_ms, outcome: error / timeout / busy, error).
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import re
import time
from collections.abc import Sequence
from functools import partial
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse

from adventures import services
from adventures.models import Chapter, NarrationStatus
from adventures.operations import telemetry
from adventures.play import groups, narration_timing
from adventures.runtime import background, coordination, workers
from adventures.storytellers import chapter_text, get_provider
from adventures.storytellers.base import ChapterBrief, StorytellerBusy

logger = logging.getLogger(__name__)

LOCK_SECONDS = 300
PIECES_AT_ONCE = 3  # calls to the speech model in flight for one chapter


class Spoken(Protocol):
    pcm: bytes
    rate: int


@runtime_checkable
class Narrator(Protocol):
    async def speech(self, brief: ChapterBrief, text: str) -> Spoken: ...


def wanted() -> bool:
    return bool(settings.GEMINI_NARRATION) and settings.STORYWEB_LLM == "gemini"


def task_name(chapter_id: int) -> str:
    return f"narration:{chapter_id}"


def start(chapter_id: int, brief: ChapterBrief) -> None:
    """After a chapter is saved (extras.start_after_chapter): narrate it, in the background."""
    if wanted():
        background.spawn(narrate(chapter_id, brief), name=task_name(chapter_id))


def missing(chapters: Sequence[Chapter]) -> list[Chapter]:
    """The chapters a page showed whose narration was never made nor is being made."""
    if not wanted():
        return []
    return [
        c for c in chapters if c.narration_status == NarrationStatus.NONE and not background.running(task_name(c.pk))
    ]


def _text_to_narrate(chapter_id: int) -> tuple[str, bool]:
    """The saved text, and whether it still needs a narration."""
    chapter = Chapter.objects.filter(pk=chapter_id).values("text", "narration_status").first()
    if chapter is None:
        return "", False
    return chapter["text"], chapter["narration_status"] == NarrationStatus.NONE


def _store(name: str, data: bytes) -> str:
    return default_storage.save(name, ContentFile(data))


def _delete(name: str) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)


async def _speak(provider: Narrator, brief: ChapterBrief, pieces: list[list[narration_timing.Sentence]]) -> list[Any]:
    """Every piece spoken, a few at a time; the first failure cancels the rest."""
    places = asyncio.Semaphore(PIECES_AT_ONCE)

    async def one(piece: list[narration_timing.Sentence]) -> Spoken:
        async with places:
            return await provider.speech(brief, narration_timing.piece_text(piece))

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(piece)) for piece in pieces]
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return [task.result() for task in tasks]


async def narrate(chapter_id: int, brief: ChapterBrief) -> None:
    # Once: another task (here or in another process) may be making it.
    await coordination.once(
        f"extras:{task_name(chapter_id)}", lambda: _narrate(chapter_id, brief), expires=LOCK_SECONDS
    )


async def _narrate(chapter_id: int, brief: ChapterBrief) -> None:
    text, needed = await workers.database(_text_to_narrate)(chapter_id)
    provider = get_provider()
    if not needed or not isinstance(provider, Narrator):
        return
    began = time.monotonic()
    where: dict[str, Any] = {
        "adventure_id": brief.adventure_id,
        "chapter_number": brief.number,
        "chapter_kind": brief.kind,
    }
    try:
        async with asyncio.timeout(settings.GEMINI_NARRATION_DEADLINE):
            found = narration_timing.sentences(narration_timing.reader_text(chapter_text.paragraphs(text)))
            pieces = narration_timing.pieces(found)
            spoken = await _speak(provider, brief, pieces)
            rates = {speech.rate for speech in spoken}
            if len(rates) != 1:
                raise ValueError(f"the pieces came at different rates: {sorted(rates)}")
            rate = rates.pop()
            pcm, rows = await asyncio.to_thread(
                narration_timing.timings, [(p, s.pcm) for p, s in zip(pieces, spoken, strict=True)], rate
            )
            name = await asyncio.to_thread(
                _store,
                f"adventures/{brief.adventure_id}/chapter-{brief.number}-narration.wav",
                narration_timing.wav(pcm, rate),
            )
        save = partial(services.chapter_narration_save, chapter_id=chapter_id, name=name, timings=rows)
        if not await groups.save_and_show(brief.adventure_id, brief.number, "narration", save):
            await asyncio.to_thread(_delete, name)
            return
    except Exception as error:
        outcome = (
            "timeout" if isinstance(error, TimeoutError) else "busy" if isinstance(error, StorytellerBusy) else "error"
        )
        logger.warning("narration of chapter %s of %s failed: %r", brief.number, brief.adventure_id, error)
        await workers.database(services.chapter_narration_failed)(chapter_id=chapter_id)
        telemetry.record(
            "narration_failed",
            **where,
            duration_ms=(time.monotonic() - began) * 1000,
            outcome=outcome,
            error=str(error)[:300],
        )
        return
    telemetry.record(
        "narration_made",
        **where,
        duration_ms=(time.monotonic() - began) * 1000,
        audio_seconds=round(len(pcm) / 2 / rate, 2),
        pieces=len(pieces),
    )


# --- Serving: browsers seek in audio by asking for byte ranges ---------------------------
# Django's static `serve` (the media view) sends whole files only, and Chromium cannot
# seek in audio served so (pausing and going on, following a sentence). One range is enough.

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def partial_response(name: str, header: str) -> HttpResponse | None:
    """A 206 with the asked-for bytes of a stored narration, or None to serve it whole."""
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    try:
        path = default_storage.path(name)
        size = default_storage.size(name)
    except (NotImplementedError, OSError, ValueError):
        return None
    first, last = match.groups()
    if first:
        start, end = int(first), min(size - 1, int(last)) if last else size - 1
    else:
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    with open(path, "rb") as stored:
        stored.seek(start)
        data = stored.read(end - start + 1)
    response = HttpResponse(data, status=206, content_type=mimetypes.guess_type(name)[0] or "audio/wav")
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
