"""The Gemini storyteller: google-genai's async client behind the Provider interface.

Chapters stream from the text model; after each chapter one structured call on the lite
model (chapter_notes.py) gives its title, summary, character looks, scene, picture
prompt and alt text, and choice repairs are small JSON-schema calls there too; pictures come from the
image model through `generate_content` with the IMAGE modality. Retries, deadlines and
telemetry live in calls.py, the cleaning of streamed text in stream.py.

A chapter's text is what the player saw: the streamed pieces, cleaned as they went
(no "Chapter N" line, no markdown, nothing from the choices marker or a menu on), joined
and with paragraphs normalised by `clean_prose`.

How a stream ends decides what happens next (outcomes.py): a safety stop, a
blocked prompt, recited text or a draft cut off by the output cap is written again with
a caution in the prompt; when the player had already seen words of that draft they are
withdrawn first (Rewind). A chapter the child has read is never thrown away for want of
choices: the repair call's failure falls back on choices built from the story state.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
from collections.abc import AsyncGenerator, Callable
from typing import Any

from django.conf import settings
from google.genai import types
from google.genai.client import AsyncClient

from adventures import picture_store
from adventures.operations import telemetry
from adventures.runtime import coordination
from adventures.safety import moderation, pictures
from adventures.storytellers import chapter_notes, prompts
from adventures.storytellers.base import (
    AgencyOption,
    ChapterBrief,
    ChapterDone,
    Picture,
    ProviderError,
    Rewind,
    SafetyStop,
    SceneRequest,
    StoryLost,
    TextPiece,
    TitleSummary,
    Verdict,
)
from adventures.storytellers.chapter_text import ChoicesInvalid, validate_choices
from adventures.storytellers.fallback_choices import fallback_choices
from adventures.storytellers.gemini import outcomes as gemini_outcomes
from adventures.storytellers.gemini import speech as gemini_speech
from adventures.storytellers.gemini.calls import (
    Call,
    Stopped,
    Unfinished,
    generate_image,
    generate_json,
    is_retryable,
    refused,
)
from adventures.storytellers.gemini.config import Clients, text_config
from adventures.storytellers.gemini.stream import StreamedChapter

logger = logging.getLogger(__name__)

LOST = "The story got lost on the way. Please try again."
STOPPED = "The storyteller could not find a gentle way to tell this part. Press Try again for a new telling."
# A caution that made a chapter fail is kept this long, so that Try again (from any
# process) starts from a gentler prompt rather than the one that was refused.
CAUTION_SECONDS = 6 * 3600
NOTES_KEPT = 256  # chapters whose notes this process keeps for the calls that share them
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class GeminiProvider:
    name = "gemini"

    def __init__(self, *, http_backend: str = "auto") -> None:
        self._clients = Clients(http_backend)
        self._notes_by_chapter: dict[tuple[Any, ...], asyncio.Future[chapter_notes.ChapterNotes]] = {}

    async def aclose(self) -> None:
        """Close the SDK client of the running event loop."""
        await self._clients.aclose()

    # --- the chapter ----------------------------------------------------------------

    async def stream_chapter(self, brief: ChapterBrief) -> AsyncGenerator[TextPiece | Rewind | ChapterDone, None]:
        model = settings.GEMINI_TEXT_MODEL
        carried = await coordination.shared.get(_caution_key(brief)) or ""
        stops: list[gemini_outcomes.Verdict] = []
        chapter: StreamedChapter | None = None
        async with Call("chapter", model, brief, seconds=settings.GEMINI_CHAPTER_DEADLINE) as call:
            client = self._clients.get()
            attempt = 0
            while chapter is None:
                caution = " ".join(c for c in (brief.caution, carried, gemini_outcomes.caution_for(stops)) if c)
                prompt = prompts.chapter(dataclasses.replace(brief, caution=caution))
                config = text_config(prompt, model, max_tokens=settings.GEMINI_CHAPTER_MAX_TOKENS)
                attempt += 1
                streamed = StreamedChapter()
                try:
                    async with contextlib.aclosing(self._stream_once(call, client, prompt, config, streamed)) as pieces:
                        async for piece in pieces:
                            yield TextPiece(piece)
                    chapter = streamed
                except Stopped as stop:
                    call.stopped(stop.verdict)
                    stops.append(stop.verdict)
                    if streamed.shown:  # the child saw words of a draft that must go
                        yield Rewind(stop.verdict.reason)
                    if len(stops) > settings.GEMINI_REWRITES:
                        await self._give_up(brief, stops)
                    logger.info("chapter %d stopped (%s); writing it again", brief.number, stop.verdict.reason)
                except Exception as exc:
                    if streamed.shown:  # the player has read part of it: no quiet restart
                        raise StoryLost(LOST) from exc
                    if isinstance(exc, ProviderError) and not isinstance(exc, Unfinished):
                        raise
                    if not is_retryable(exc):
                        raise refused(call, exc) from exc
                    await call.pause(attempt, exc)
        if carried:
            await coordination.shared.delete(_caution_key(brief))
        choices, provisional = await self._choices(brief, chapter) if brief.wants_choices else ((), False)
        yield ChapterDone(text=chapter.text, choices=choices, provisional=provisional)

    async def _give_up(self, brief: ChapterBrief, stops: list[gemini_outcomes.Verdict]) -> None:
        """Every draft was stopped: remember the caution for Try again, then fail kindly."""
        caution = f"{gemini_outcomes.caution_for(stops)} {gemini_outcomes.CAUTIONS['fresh']}"
        await coordination.shared.set(_caution_key(brief), caution, expires=CAUTION_SECONDS)
        reasons = ", ".join(v.reason for v in stops)
        if any(v.is_safety for v in stops):
            raise SafetyStop(f"{STOPPED} ({reasons})")
        raise ProviderError(f"every draft of the chapter was stopped ({reasons})")

    async def _stream_once(
        self,
        call: Call,
        client: AsyncClient,
        prompt: prompts.Prompt,
        config: types.GenerateContentConfig,
        streamed: StreamedChapter,
    ) -> AsyncGenerator[str, None]:
        """One attempt: yield cleaned pieces as chunks arrive; raise if it breaks."""
        stream = await call.wait(
            client.models.generate_content_stream(model=call.model, contents=prompt.user, config=config)
        )
        usage = finish = block = None
        # The SDK types its stream as an AsyncIterator; it is an async generator (it has aclose).
        async with contextlib.aclosing(stream):  # type: ignore[type-var]
            try:
                while True:
                    try:
                        chunk = await call.wait(anext(stream))
                    except StopAsyncIteration:
                        break
                    usage = chunk.usage_metadata or usage  # a running total within one stream
                    call.note_reply(chunk)
                    if chunk.prompt_feedback and chunk.prompt_feedback.block_reason:
                        block = chunk.prompt_feedback.block_reason
                    if chunk.candidates and chunk.candidates[0].finish_reason:
                        finish = chunk.candidates[0].finish_reason
                    piece = streamed.feed(_text_of(chunk))
                    if piece:
                        call.first_text()
                        yield piece
            finally:
                call.usage(usage)
        verdict = gemini_outcomes.judge(finish=finish, block=block)
        if verdict.outcome == gemini_outcomes.REWRITE:
            raise Stopped(verdict)
        if verdict.outcome != gemini_outcomes.FINISHED:
            raise Unfinished(f"the stream ended without finishing (finish reason {verdict.reason})")
        tail = streamed.finish()
        if tail:
            call.first_text()
            yield tail
        if not streamed.text:
            raise Unfinished("the model wrote no story")

    async def _choices(self, brief: ChapterBrief, chapter: StreamedChapter) -> tuple[tuple[str, ...], bool]:
        """The streamed choices if valid, else ONE repair call that derives them from the
        text, else provisional choices built from the story (True: repair them later)."""
        try:
            return validate_choices(chapter.choice_lines or []), False
        except ChoicesInvalid as problem:
            logger.info("chapter %d: choices block unusable (%s); repairing", brief.number, problem)
        try:
            return await self.repair_choices(brief, chapter.text), False
        except ProviderError as exc:
            # The child has read the chapter: keep it, with choices that fit the story.
            logger.warning("chapter %d: choices repair failed (%s); using fallback choices", brief.number, exc)
            telemetry.record(
                "choices_fallback",
                adventure_id=brief.adventure_id,
                chapter_number=brief.number,
                chapter_kind=brief.kind,
                error=str(exc)[:300],
            )
            return fallback_choices(brief), True

    async def repair_choices(self, brief: ChapterBrief, text: str) -> tuple[str, str, str]:
        """Three choices made from a chapter's text (base.ChoiceRepairer)."""
        return await self._small(brief, "repair", prompts.choices_repair(brief, text), _parse_choices)

    # --- small calls ----------------------------------------------------------------

    async def _small[T](
        self, brief: ChapterBrief, kind: str, prompt: prompts.Prompt, parse: Callable[[Any], T], model: str = ""
    ) -> T:
        model = model or settings.GEMINI_LITE_MODEL
        async with Call(kind, model, brief, seconds=settings.GEMINI_SMALL_DEADLINE) as call:
            return await generate_json(call, self._clients.get(), prompt, parse)

    async def _notes(self, brief: ChapterBrief, text: str) -> chapter_notes.ChapterNotes:
        """The chapter's one structured call after it is written. Title, looks and picture
        ask for it side by side: the first starts it, the others share it (per event loop;
        a failed one is asked again by whoever comes next)."""
        key = (asyncio.get_running_loop(), brief.adventure_id, brief.number, picture_store.content_key(text))
        task = self._notes_by_chapter.get(key)
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            prompt = prompts.Prompt(
                system=chapter_notes.SYSTEM, user=chapter_notes.prompt_text(brief, text), schema=chapter_notes.SCHEMA
            )
            task = asyncio.ensure_future(
                self._small(brief, "chapter_notes", prompt, chapter_notes.ChapterNotes.model_validate)
            )
            self._notes_by_chapter[key] = task
            while len(self._notes_by_chapter) > NOTES_KEPT:  # the oldest go first
                del self._notes_by_chapter[next(iter(self._notes_by_chapter))]
        return await asyncio.shield(task)

    async def title_and_summary(self, brief: ChapterBrief, text: str) -> TitleSummary:
        notes = await self._notes(brief, text)
        return TitleSummary(title=notes.title, summary=notes.summary)

    async def character_visuals(self, brief: ChapterBrief, text: str, known: dict[str, str]) -> dict[str, str]:
        notes = await self._notes(brief, text)
        looks = dict(known)
        by_folded = {name.casefold(): name for name in looks}
        for character in notes.characters:
            look = " ".join(_SENTENCE_END.split(character.look)[:2])
            looks[by_folded.get(character.name.casefold(), character.name)] = look  # "hazel" updates "Hazel"
        looks.setdefault(brief.protagonist_name, brief.protagonist_look)
        return looks

    # --- pictures -------------------------------------------------------------------

    async def chapter_picture(self, scene: SceneRequest) -> Picture:
        brief = scene.brief
        notes = await self._notes(brief, scene.chapter_text)
        image_prompt = await pictures.checked_picture_prompt(
            self,
            brief,
            notes.picture_prompt,
            rewrite=lambda text, category: self._picture_rewrite(brief, text, category),
        )
        data, mime_type = await self._image(brief, "image", prompts.picture(image_prompt))
        alt = " ".join(_SENTENCE_END.split(notes.alt)[:1])
        return Picture(data=data, mime_type=mime_type, alt=alt)

    async def agency_picture(self, brief: ChapterBrief, option: AgencyOption) -> Picture:
        """Made once per world and option (its request names nothing else), then reused
        by every adventure and every retry of chapter 1."""
        prompt_text = prompts.agency_picture(brief, option)
        key = picture_store.content_key("agency", settings.GEMINI_IMAGE_MODEL, prompt_text)
        made = await picture_store.reused_get(key)
        if made is None:
            made = await self._image(brief, "agency_image", prompt_text)
            await picture_store.reused_put(key, *made)
        name = option.name[:1].upper() + option.name[1:]
        return Picture(data=made[0], mime_type=made[1], alt=f"{name}: {option.visual}.")

    # --- safety (adventures/safety) -----------------------------------------------------

    async def moderate(self, brief: ChapterBrief, text: str, *, kind: str) -> Verdict:
        return await self._small(brief, "moderation", moderation.prompt(text, kind=kind), moderation.parse)

    async def _picture_rewrite(self, brief: ChapterBrief, text: str, category: str) -> str:
        prompt = moderation.picture_rewrite_prompt(text, category)
        return await self._small(brief, "image_prompt", prompt, _parse_image_prompt)

    async def _image(self, brief: ChapterBrief, kind: str, prompt_text: str) -> tuple[bytes, str]:
        """The picture from the image model, in its web version (bytes, type).

        The per-process cap holds a picture from its request to the picture model until
        it is converted: no more pictures (about 1.5 MB each as the model sends them)
        wait in memory for the pictures' threads than the cap, and none is asked for
        faster than they can be converted. The scene description and image prompt
        before it never wait for a free place; chapter 1's agency pictures that must be
        made take theirs together (extras.start_agency_pictures)."""
        async with picture_store.in_flight().place():
            async with Call(kind, settings.GEMINI_IMAGE_MODEL, brief, seconds=settings.GEMINI_IMAGE_DEADLINE) as call:
                made = await generate_image(call, self._clients.get(), prompt_text)
            return await picture_store.web_picture(*made)

    async def speech(self, brief: ChapterBrief, text: str) -> gemini_speech.Speech:
        """`text` (a piece of a saved chapter) read aloud by the TTS model (narration.py)."""
        model = settings.GEMINI_TTS_MODEL
        async with Call("narration", model, brief, seconds=settings.GEMINI_NARRATION_DEADLINE) as call:
            return await gemini_speech.speak(call, self._clients.get(), text)


# --- reading the JSON replies (ValueError/KeyError/TypeError mean "ask again") ----------


def _parse_image_prompt(data: Any) -> str:
    if not isinstance(data["prompt"], str):
        raise TypeError("the picture prompt is not text")
    return chapter_notes.tidy(data["prompt"], 2000)


def _parse_choices(data: Any) -> tuple[str, str, str]:
    return validate_choices(data["choices"])  # ChoicesInvalid is a ValueError


def _caution_key(brief: ChapterBrief) -> str:
    return f"gemini:caution:{brief.adventure_id}:{brief.number}"


def _text_of(chunk: types.GenerateContentResponse) -> str:
    """The text parts of a chunk (not `chunk.text`, which warns on a chunk without any)."""
    candidate = chunk.candidates[0] if chunk.candidates else None
    parts = (candidate.content.parts if candidate and candidate.content else None) or []
    return "".join(part.text for part in parts if part.text and not part.thought)
