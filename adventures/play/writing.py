"""Writing the next chapter of an adventure, once, whoever is watching.

One `ChapterWriter` per adventure per process writes the due chapter and publishes
what happens as events: `Started` (with the pieces so far, for whoever subscribes
late), `Piece`, `Rewound`, and one end: `Saved` (with the reader's state, built on
the same thread call as the save), `Failed`, `Elsewhere` (another process holds the
pen) or `NotDue`. Each socket of this process that watches the adventure iterates
`writer.subscribe()`; nothing here calls a socket.

The end is also announced on the adventure's channel-layer group, for sockets on
other processes: they render the chapter from the database. A lock in shared state
(Redis in production) keeps a second process from writing the same chapter; it
expires if its holder dies, so a restarted or other process can take over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from adventures import services
from adventures.models import Chapter
from adventures.operations import telemetry
from adventures.play import extras, groups, reader
from adventures.runtime import background, coordination, workers
from adventures.safety.stream import safe_chapter
from adventures.shapes import Choice
from adventures.storytellers import briefs, get_provider
from adventures.storytellers.base import (
    ChapterDone,
    LimitReached,
    ProviderError,
    Rewind,
    SafetyStop,
    StoryLost,
    StorytellerBusy,
    TextPiece,
)
from adventures.storytellers.chapter_text import ChoicesInvalid

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


# --- What a writer publishes -------------------------------------------------------


@dataclass(frozen=True)
class Started:
    number: int
    kind: str
    pieces: tuple[str, ...] = ()  # streamed before this subscriber came


@dataclass(frozen=True)
class Piece:
    number: int
    text: str


@dataclass(frozen=True)
class Rewound:
    """The draft so far was withdrawn (a safety layer caught it): a new one follows."""

    number: int


@dataclass(frozen=True)
class Saved:
    number: int
    state: reader.ReaderState  # the reader's state just after the save


@dataclass(frozen=True)
class Failed:
    number: int | None
    reason: str  # a key of MESSAGES


@dataclass(frozen=True)
class Elsewhere:
    """Another process holds the pen for this adventure."""


@dataclass(frozen=True)
class NotDue:
    """Nothing to write: the chapter was written meanwhile, or no choice is made yet."""


type Event = Started | Piece | Rewound | Saved | Failed | Elsewhere | NotDue
type End = Saved | Failed | Elsewhere | NotDue


class ChapterWriter:
    def __init__(self, adventure_id: str, job: briefs.ChapterJob | None = None) -> None:
        self.adventure_id = adventure_id
        self.id = uuid.uuid4().hex  # in its group announcements: its own subscribers heard them already
        self.job = job  # prepared with the choice, on the same thread call; else read here
        self.number: int | None = None
        self.kind = ""
        self.pieces: list[str] = []
        self.started = False
        self.ended: End | None = None
        self._subscribers: set[asyncio.Queue[Event]] = set()
        self.task: asyncio.Task[None] | None = None

    @property
    def finished(self) -> bool:
        """Set at the chapter's end: the writer lets go of its lock just after, and a
        choice arriving meanwhile must start a new writer, not subscribe to this one
        (it would wait for a chapter that never comes)."""
        return self.ended is not None

    def subscribe(self) -> AsyncIterator[Event]:
        """Everything from now to the end: first the chapter so far (if it has
        started), then each event as it happens; the end event comes last. Subscribed
        from the moment of the call, so nothing published after it is missed."""
        queue: asyncio.Queue[Event] = asyncio.Queue()
        if self.ended is not None:
            queue.put_nowait(self.ended)
        elif self.started and self.number is not None:
            queue.put_nowait(Started(self.number, self.kind, tuple(self.pieces)))
        self._subscribers.add(queue)
        return self._events(queue)

    async def _events(self, queue: asyncio.Queue[Event]) -> AsyncIterator[Event]:
        try:
            while True:
                event = await queue.get()
                yield event
                if isinstance(event, Saved | Failed | Elsewhere | NotDue):
                    return
        finally:
            self._subscribers.discard(queue)

    def _publish(self, event: Event) -> None:
        if isinstance(event, Saved | Failed | Elsewhere | NotDue):
            self.ended = event
        for queue in self._subscribers:
            queue.put_nowait(event)

    async def run(self) -> None:
        try:
            await self._run_locked()
        except Exception as error:
            # The database, Redis or the channel layer failed on the way: whoever watches
            # hears so, instead of "writing..." forever. Nothing half-written was saved
            # (chapter_save is one transaction), so trying again is always safe.
            logger.warning("chapter of %s interrupted: %r", self.adventure_id, error)
            await self._end(Failed(self.number, "interrupted"))
        finally:
            if self.ended is None:  # cancelled: nobody may wait for an end that never comes
                self._publish(Failed(self.number, "interrupted"))

    async def _run_locked(self) -> None:
        key = lock_key(self.adventure_id)
        if not await coordination.shared.add(key, PROCESS_TOKEN, expires=settings.STORYWEB_WRITING_LOCK_SECONDS):
            self._publish(Elsewhere())
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
        job = self.job
        if job is None:
            try:
                job = await workers.database(briefs.prepare_chapter)(self.adventure_id)
            except briefs.NothingToWrite:
                self._publish(NotDue())
                return
        self.number, self.kind, self.started = job.number, job.brief.kind, True
        self._publish(Started(job.number, job.brief.kind))
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
                    self._publish(Piece(job.number, event.text))
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
                    self._publish(Rewound(job.number))
                elif isinstance(event, ChapterDone):
                    done = event
            if done is None:
                raise ProviderError("the stream ended without a chapter")
            choices = briefs.chapter_choices(job, done)
            chapter, state = await workers.database(_save)(job, done.text, choices)
        except services.ChapterAlreadyWritten:
            await self._end(NotDue())
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
            await self._end(Failed(job.number, reason))
            return
        logger.info(
            "chapter %s of %s written in %.0f ms", job.number, self.adventure_id, (time.monotonic() - began) * 1000
        )
        await self._end(Saved(job.number, state))
        extras.start_after_chapter(chapter.pk, job.brief, done.text)
        if done.provisional:
            extras.start_choices_repair(chapter.pk, job.brief, done.text, [c.text for c in choices])

    async def _end(self, event: End) -> None:
        """This process's sockets hear the end first, then the group (other processes)."""
        self._publish(event)
        announced: dict[str, Any]
        if isinstance(event, Failed):
            announced = {"type": "adventure.chapter_failed", "number": event.number, "reason": event.reason}
        else:  # saved, or saved by another writer meanwhile
            announced = {"type": "adventure.chapter_ready", "number": self.number}
        announced["writer"] = self.id
        try:
            await groups.announce(self.adventure_id, announced)
        except Exception as error:  # without the layer, sockets elsewhere catch up when they reconnect
            logger.warning("could not announce %s for %s: %r", announced["type"], self.adventure_id, error)


def _save(job: briefs.ChapterJob, text: str, choices: list[Choice]) -> tuple[Chapter, reader.ReaderState]:
    """Save the chapter and read the reader's state after it: one thread call. The state
    is read afresh once the save has committed: an agency picture saved meanwhile (which
    found no chapter to show itself in) is in it."""
    chapter = services.chapter_save(
        adventure_id=job.adventure_id,
        number=job.number,
        kind=job.brief.kind,
        text=text,
        choices=choices,
        question_id=job.question_id,
    )
    return chapter, reader.read_by_id(job.adventure_id)


def record_choice(
    *, adventure_id: Any, number: int, choice_id: str
) -> tuple[services.ChoiceResult, briefs.ChapterJob | None]:
    """Record a choice and, when it was recorded, read everything the next chapter
    needs: one transaction, one thread call. Synchronous."""
    with transaction.atomic():
        result = services.chapter_record_choice(adventure_id=adventure_id, number=number, choice_id=choice_id)
        if not result.recorded:
            return result, None
        read = result.chapter.adventure if result.chapter else None  # with its content, as recorded
        try:
            return result, briefs.prepare_chapter(adventure_id, loaded=read)
        except briefs.NothingToWrite:  # the adventure ended with this choice's chapter
            return result, None


# --- This process's writers --------------------------------------------------------

_writers: dict[str, ChapterWriter] = {}


async def ensure_writing(adventure_id: Any, job: briefs.ChapterJob | None = None) -> ChapterWriter:
    """The writer of the adventure's due chapter in this process: the one at work, or
    a new one (given the `job` when the caller prepared it already)."""
    adventure_id = str(adventure_id)
    writer = await current_writer(adventure_id)
    if writer is not None:
        return writer
    writer = ChapterWriter(adventure_id, job)
    _writers[adventure_id] = writer
    writer.task = background.spawn(_run(writer), name=f"chapter:{adventure_id}")
    return writer


async def current_writer(adventure_id: Any) -> ChapterWriter | None:
    """This process's writer of the adventure's due chapter, if one is at work (once
    one that has finished has let go of its lock)."""
    adventure_id = str(adventure_id)
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


async def write_and_wait(adventure_id: Any, job: briefs.ChapterJob | None = None) -> None:
    """Write the due chapter (or wait for the one being written here) to the end: the
    no-JavaScript path, whose page comes back once the chapter is saved."""
    writer = await ensure_writing(adventure_id, job)
    if writer.task is not None:
        await asyncio.shield(writer.task)


async def being_written_elsewhere(adventure_id: Any) -> bool:
    return str(adventure_id) not in _writers and await coordination.shared.get(lock_key(adventure_id)) is not None


def being_written_here(adventure_id: Any) -> bool:
    return str(adventure_id) in _writers
