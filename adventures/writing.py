"""Writing the next chapter of an adventure, once, whoever is watching.

One `ChapterWriter` per adventure per process streams the chapter to every socket of
this process that watches the adventure (a reconnect attaches and gets the pieces so
far), then saves it and announces it on the adventure's group, so that sockets on
other processes render it from the database. A lock in the cache (Redis in
production) keeps a second process from writing the same chapter; it expires if its
holder dies, so a restarted or other process can take over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Any, Protocol

from django.conf import settings

from adventures import background, coordination, extras, groups, services, storyteller, telemetry, workers
from adventures.chapter_text import ChoicesInvalid
from adventures.llm import get_provider
from adventures.llm.base import (
    ChapterDone,
    LimitReached,
    ProviderError,
    Rewind,
    SafetyStop,
    StoryLost,
    StorytellerBusy,
    TextPiece,
)
from adventures.safety.stream import safe_chapter

logger = logging.getLogger(__name__)

PROCESS_TOKEN = uuid.uuid4().hex  # tells this process's locks from the others'

MESSAGES = {
    "lost": "Oh no, the story got lost on its way to you. Nothing was saved, so nothing is missing: "
    "press Try again and the storyteller will start this chapter afresh.",
    "unavailable": "The storyteller could not be reached just now. Press Try again in a moment.",
    "limited": "The storyteller has told so many stories today that it needs a rest. Please come back tomorrow.",
    "busy": "So many stories are being told right now that the storyteller is busy. Press Try again in a minute.",
    "safety": "The storyteller wanted to make this part of the story just right for you and could not finish it "
    "this time. Press Try again and it will tell it a new way.",
    "interrupted": "Something went wrong on our side while this chapter was being written. Nothing is lost: "
    "the story will try again by itself in a few seconds.",
}
# Provider errors that carry their own reason (checked in order: the most specific first).
_REASONS: tuple[tuple[type[ProviderError], str], ...] = (
    (LimitReached, "limited"),
    (SafetyStop, "safety"),
    (StorytellerBusy, "busy"),
    (StoryLost, "lost"),
)
# Seconds before the page asks again by itself after an "interrupted" chapter.
RETRY_AFTER_INTERRUPTION = 5


def lock_key(adventure_id: Any) -> str:
    return f"writing:{adventure_id}"


class Watcher(Protocol):
    """A socket watching an adventure (the consumer)."""

    async def writing_started(self, number: int, kind: str, pieces: list[str]) -> None: ...

    async def writing_piece(self, number: int, text: str) -> None: ...

    async def writing_rewound(self, number: int) -> None: ...

    async def writing_elsewhere(self) -> None: ...

    async def writing_not_due(self) -> None: ...

    # The group events, delivered straight to this process's watchers when the channel
    # layer cannot carry them (Redis down).
    async def adventure_chapter_ready(self, event: dict[str, Any]) -> None: ...

    async def adventure_chapter_failed(self, event: dict[str, Any]) -> None: ...


class ChapterWriter:
    def __init__(self, adventure_id: str) -> None:
        self.adventure_id = adventure_id
        self.number: int | None = None
        self.kind = ""
        self.pieces: list[str] = []
        self.watchers: set[Watcher] = set()
        self.started = False
        # Set when the chapter's end is announced: the writer only lets go of its lock
        # after that, and a choice arriving meanwhile must start a new writer, not
        # attach to this one (it would wait for a chapter that never comes).
        self.finished = False
        self.task: asyncio.Task[None] | None = None

    async def attach(self, watcher: Watcher) -> None:
        self.watchers.add(watcher)
        if self.started and self.number is not None:
            await watcher.writing_started(self.number, self.kind, list(self.pieces))

    async def _each(self, method: str, *args: Any) -> None:
        for watcher in list(self.watchers):
            try:
                await getattr(watcher, method)(*args)
            except Exception:  # one broken socket must not stop the chapter
                logger.exception("watcher %r failed in %s", watcher, method)
                self.watchers.discard(watcher)

    async def run(self) -> None:
        try:
            await self._run_locked()
        except Exception as error:
            # The database, Redis or the channel layer failed on the way: whoever watches
            # hears so, instead of "writing..." forever. Nothing half-written was saved
            # (chapter_save is one transaction), so trying again is always safe.
            logger.warning("chapter of %s interrupted: %r", self.adventure_id, error)
            await self._announce("adventure.chapter_failed", number=self.number, reason="interrupted")

    async def _run_locked(self) -> None:
        key = lock_key(self.adventure_id)
        if not await coordination.shared.add(key, PROCESS_TOKEN, expires=settings.STORYWEB_WRITING_LOCK_SECONDS):
            await self._each("writing_elsewhere")
            return
        heartbeat = asyncio.get_running_loop().create_task(self._heartbeat(key))
        try:
            await self._write()
        finally:
            heartbeat.cancel()
            try:
                await coordination.shared.release(key, PROCESS_TOKEN)
            except Exception as error:  # Redis is gone: the lock expires with it
                logger.warning("could not release %s: %r", key, error)

    async def _heartbeat(self, key: str) -> None:
        while True:
            await asyncio.sleep(settings.STORYWEB_WRITING_LOCK_SECONDS / 3)
            try:
                await coordination.shared.touch(key, expires=settings.STORYWEB_WRITING_LOCK_SECONDS)
            except Exception as error:  # the chapter goes on; the lock will be missed only if this lasts
                logger.warning("could not keep %s: %r", key, error)

    async def _write(self) -> None:
        try:
            job = await workers.database(storyteller.prepare_chapter)(self.adventure_id)
        except storyteller.NothingToWrite:
            await self._each("writing_not_due")
            return
        self.number, self.kind, self.started = job.number, job.brief.kind, True
        await self._each("writing_started", job.number, job.brief.kind, [])
        provider = get_provider()
        began = time.monotonic()
        try:
            done = None
            async for event in safe_chapter(provider, job.brief):
                if isinstance(event, TextPiece):
                    if job.number == 1 and not self.pieces:
                        # Chapter 1's option pictures, while the rest of its text streams:
                        # the chapter's own request always goes out first.
                        extras.start_agency_pictures(job.brief)
                    self.pieces.append(event.text)
                    await self._each("writing_piece", job.number, event.text)
                elif isinstance(event, Rewind):
                    # The draft so far is withdrawn: no watcher, nor a reconnect, may keep it.
                    self.pieces.clear()
                    telemetry.record(
                        "chapter_rewound",
                        adventure_id=self.adventure_id,
                        chapter_number=job.number,
                        chapter_kind=job.brief.kind,
                        reason=event.reason,
                    )
                    await self._each("writing_rewound", job.number)
                elif isinstance(event, ChapterDone):
                    done = event
            if done is None:
                raise ProviderError("the stream ended without a chapter")
            choices = storyteller.chapter_choices(job, done)
            chapter = await workers.database(services.chapter_save)(
                adventure_id=self.adventure_id,
                number=job.number,
                kind=job.brief.kind,
                text=done.text,
                choices=choices,
                question_id=job.question_id,
            )
        except services.ChapterAlreadyWritten:
            await self._announce("adventure.chapter_ready", number=job.number)
            return
        except (ProviderError, ChoicesInvalid, services.ChapterNotDue) as error:
            reason = next((r for kind, r in _REASONS if isinstance(error, kind)), "")
            reason = reason or ("lost" if self.pieces else "unavailable")
            logger.warning("chapter %s of %s failed: %s", job.number, self.adventure_id, error)
            telemetry.record(
                "error",
                adventure_id=self.adventure_id,
                chapter_number=job.number,
                chapter_kind=job.brief.kind,
                where="chapter",
                reason=reason,
                error=str(error)[:300],
            )
            await self._announce("adventure.chapter_failed", number=job.number, reason=reason)
            return
        logger.info(
            "chapter %s of %s written in %.0f ms", job.number, self.adventure_id, (time.monotonic() - began) * 1000
        )
        await self._announce("adventure.chapter_ready", number=job.number)
        extras.start_after_chapter(chapter.pk, job.brief, done.text)
        if done.provisional:
            extras.start_choices_repair(chapter.pk, job.brief, done.text, [c.text for c in choices])

    async def _announce(self, event_type: str, **payload: Any) -> None:
        self.finished = True
        event = {"type": event_type, **payload}
        try:
            await groups.announce(self.adventure_id, event)
        except Exception as error:
            # Without the layer, sockets elsewhere catch up when they reconnect; this
            # process's own watchers hear it straight away.
            logger.warning("could not announce %s for %s: %r", event_type, self.adventure_id, error)
            await self._each(event_type.replace(".", "_"), event)


_writers: dict[str, ChapterWriter] = {}


async def ensure_writing(adventure_id: Any, watcher: Watcher) -> None:
    """Write the adventure's due chapter, or attach to the one being written here.

    The watcher hears `writing_started` (with the pieces so far) and each piece; the end
    comes as an `adventure.chapter_ready` or `adventure.chapter_failed` group event.
    """
    adventure_id = str(adventure_id)
    writer = await _current_writer(adventure_id)
    if writer is not None:
        await writer.attach(watcher)
        return
    writer = ChapterWriter(adventure_id)
    writer.watchers.add(watcher)
    _writers[adventure_id] = writer
    writer.task = background.spawn(_run(writer), name=f"chapter:{adventure_id}")


async def _current_writer(adventure_id: str) -> ChapterWriter | None:
    """This process's writer of the adventure's due chapter, once one that has finished
    has let go of its lock."""
    writer = _writers.get(adventure_id)
    if writer is not None and writer.finished and writer.task is not None:
        with contextlib.suppress(Exception):  # its failure was logged; we only wait for its end
            await asyncio.shield(writer.task)
        writer = _writers.get(adventure_id)
    return writer


async def _run(writer: ChapterWriter) -> None:
    try:
        await writer.run()
    finally:
        _writers.pop(writer.adventure_id, None)


class _NobodyWatching:
    """For the no-JavaScript path: the page comes back once the chapter is saved."""

    async def writing_started(self, number: int, kind: str, pieces: list[str]) -> None:
        pass

    async def writing_piece(self, number: int, text: str) -> None:
        pass

    async def writing_rewound(self, number: int) -> None:
        pass

    async def writing_elsewhere(self) -> None:
        pass

    async def writing_not_due(self) -> None:
        pass

    async def adventure_chapter_ready(self, event: dict[str, Any]) -> None:
        pass

    async def adventure_chapter_failed(self, event: dict[str, Any]) -> None:
        pass


async def write_and_wait(adventure_id: Any) -> None:
    """Write the due chapter (or wait for the one being written here) to the end."""
    adventure_id = str(adventure_id)
    await ensure_writing(adventure_id, _NobodyWatching())
    writer = _writers.get(adventure_id)
    if writer is not None and writer.task is not None:
        await asyncio.shield(writer.task)


async def attach_if_writing(adventure_id: Any, watcher: Watcher) -> bool:
    """Attach to a chapter being written in this process; False when there is none."""
    writer = await _current_writer(str(adventure_id))
    if writer is None:
        return False
    await writer.attach(watcher)
    return True


def stop_watching(adventure_id: Any, watcher: Watcher) -> None:
    writer = _writers.get(str(adventure_id))
    if writer is not None:
        writer.watchers.discard(watcher)


async def being_written_elsewhere(adventure_id: Any) -> bool:
    return str(adventure_id) not in _writers and await coordination.shared.get(lock_key(adventure_id)) is not None


def being_written_here(adventure_id: Any) -> bool:
    return str(adventure_id) in _writers
