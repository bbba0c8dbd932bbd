"""Recording what happens, off the critical path.

`record()` never waits on the database when called from the event loop: events go
into a buffer that a background task writes in one bulk insert every half second.
Called from plain synchronous code (a view thread, a management command), it writes
at once. Durations are passed in by the caller, computed from stored timestamps.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from typing import Any

from django.utils import timezone

from adventures.runtime import coordination, workers

logger = logging.getLogger(__name__)

FLUSH_DELAY = 0.5
EVENT_NAMES = (
    "adventure_started",
    "chapter_viewed",
    "choice_made",
    "lesson_answered",
    "adventure_completed",
    "adventure_abandoned",
    "recap_viewed",
    "llm_call",
    "image_generated",
    "narration_made",
    "narration_failed",
    "rate_limited",
    "chapter_rewound",
    "choices_fallback",
    "safety_stop",
    "feedback_given",
    "safety_flag",
    "error",
)

_buffer: deque[Any] = deque()
_lock = threading.Lock()
_flusher: asyncio.Task[None] | None = None
_writing: set[asyncio.Future[None]] = set()  # batches being written now


def _event(name: str, **fields: Any) -> Any:
    from adventures.models import TelemetryEvent

    if name not in EVENT_NAMES:
        raise ValueError(f"Unknown telemetry event {name!r}")
    details = fields.pop("details")
    adventure_id = fields.pop("adventure_id")
    return TelemetryEvent(
        name=name,
        created_at=timezone.now(),
        adventure_id=str(adventure_id) if adventure_id else None,
        details={k: v for k, v in details.items() if v is not None},
        **fields,
    )


def record(
    name: str,
    *,
    adventure_id: Any = None,
    chapter_number: int | None = None,
    chapter_kind: str = "",
    duration_ms: int | float | None = None,
    **details: Any,
) -> None:
    event = _event(
        name,
        adventure_id=adventure_id,
        chapter_number=chapter_number,
        chapter_kind=chapter_kind or "",
        duration_ms=None if duration_ms is None else max(0, round(duration_ms)),
        details=details,
    )
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        sender = _loop_of_this_worker_thread()
        if sender is None:
            _write([event])
            return
        # A service running in a worker thread for the event loop (a choice being
        # recorded, a chapter being saved): buffer, so no extra write sits on the
        # player's path; the loop writes it with the next batch.
        _buffer.append(event)
        sender.call_soon_threadsafe(_schedule_flush, sender)
        return
    _buffer.append(event)
    _schedule_flush(loop)


def _loop_of_this_worker_thread() -> asyncio.AbstractEventLoop | None:
    """The running event loop that sent this thread its work (sync_to_async), if any."""
    from asgiref.sync import SyncToAsync

    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


def _schedule_flush(loop: asyncio.AbstractEventLoop) -> None:
    global _flusher
    with _lock:
        if _flusher is None or _flusher.done():
            _flusher = loop.create_task(_flush_soon(), name="telemetry-flush")


async def _flush_soon() -> None:
    await asyncio.sleep(FLUSH_DELAY)
    await flush()


async def flush() -> None:
    """Write everything buffered so far, and wait for writes already under way: the
    timed flusher may have taken the last events a moment ago (tests call this to see
    their events)."""
    batch = []
    while _buffer:
        batch.append(_buffer.popleft())
    if batch:
        write = asyncio.ensure_future(_write_batch(batch))
        _writing.add(write)
        write.add_done_callback(_writing.discard)
    loop = asyncio.get_running_loop()
    if under_way := [w for w in _writing if w.get_loop() is loop]:
        await asyncio.wait(under_way)


async def _write_batch(batch: list[Any]) -> None:
    try:
        await workers.database(_write)(batch)
    except Exception:
        logger.exception("could not write %d telemetry events; keeping them for the next flush", len(batch))
        _buffer.extendleft(reversed(batch))


def _write(events: list[Any]) -> None:
    from adventures.models import TelemetryEvent

    try:
        TelemetryEvent.objects.bulk_create(events)
    except Exception:  # telemetry must never break play
        logger.exception("could not write %d telemetry events", len(events))


VIEWED_MARK_SECONDS = 7 * 86400


def record_chapter_viewed(*, adventure_id: Any, chapter_number: int, chapter_kind: str) -> None:
    """`chapter_viewed`, once per chapter however often it is shown again (reloads,
    reconnects, other processes: the mark lives in the shared cache)."""
    from django.core.cache import cache

    try:
        first = cache.add(f"viewed:{adventure_id}:{chapter_number}", 1, timeout=VIEWED_MARK_SECONDS)
    except Exception as error:  # the cache (Redis) is down: the reader must still open
        logger.warning("chapter_viewed not recorded: %r", error)
        return
    if first:
        record("chapter_viewed", adventure_id=adventure_id, chapter_number=chapter_number, chapter_kind=chapter_kind)


async def arecord_chapter_viewed(*, adventure_id: Any, chapter_number: int, chapter_kind: str) -> None:
    """The same, from the event loop (the event is buffered, not written inline)."""
    try:
        first = await coordination.shared.add(f"viewed:{adventure_id}:{chapter_number}", 1, expires=VIEWED_MARK_SECONDS)
    except Exception as error:
        logger.warning("chapter_viewed not recorded: %r", error)
        return
    if first:
        record("chapter_viewed", adventure_id=adventure_id, chapter_number=chapter_number, chapter_kind=chapter_kind)
