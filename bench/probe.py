"""Server-side measurements for the benchmark, in the daphne process under test.

Loaded only through `DJANGO_SETTINGS_MODULE=bench.settings` and only when
BENCH_EVENTS_FILE names a file: the app's own modules know nothing of it. It wraps a
few of the app's functions (no behaviour changes) to write timestamped events, one
JSON object a line, with `time.monotonic()` (CLOCK_MONOTONIC, shared by every
process on the machine, so the players' and the fake Gemini's clocks line up):

- `tx`: a database transaction that wrote (INSERT/UPDATE/DELETE), when it committed;
  `crit` names the adventure when the transaction ran on a chapter's critical path;
- `choose`: a choice message reached the consumer;
- `first_sent` / `final_sent`: the first streamed piece / the finished chapter's
  fragment of a chapter was handed to the socket;
- `stream_done`: the provider's stream of a chapter ended (as the server saw it);
- `saved`: the chapter's save transaction committed;
- `loop_lag`, `hop`, `gc`: where the time goes (bench/diagnostics.py).

"On the critical path" is a context variable set while the consumer handles a
connect, a message or the chapter-ready event, and while a chapter writer runs (its
task starts in a context of its own, `background.spawn`); asyncio copies it into the
tasks these start and asgiref into its worker threads, and work that DESIGN §5 keeps
off the path (pictures, titles, visuals, the telemetry flusher) is started with it
cleared. The prompts of chapters, chapter notes (the chapter
picture's first request: its picture prompt), agency pictures and the finished
chapter's moderation call get a tag line naming the adventure, so that the fake
Gemini's request log can be matched to chapters.
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
import json
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from django.apps import AppConfig

EVENTS_ENV = "BENCH_EVENTS_FILE"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")

_critical: contextvars.ContextVar[str | None] = contextvars.ContextVar("bench_critical", default=None)


class EventLog:
    """Events buffered in memory and appended to the file by a daemon thread, so the
    event loop never waits on the disk."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._buffer: list[str] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._flush_forever, name="bench-probe", daemon=True).start()

    def write(self, event: str, **fields: Any) -> None:
        line = json.dumps({"e": event, "t": time.monotonic(), **fields})
        with self._lock:
            self._buffer.append(line)

    def flush(self) -> None:
        with self._lock:
            lines, self._buffer = self._buffer, []
        if lines:
            with open(self.path, "a", encoding="utf-8") as out:
                out.write("\n".join(lines) + "\n")

    def _flush_forever(self) -> None:
        while True:
            time.sleep(0.2)
            self.flush()


def tag(adventure_id: Any, number: int, kind: str, extra: str = "") -> str:
    return f"\n\n[bench {adventure_id} {number} {kind}{' ' + extra if extra else ''}]"


def _statement(sql: str) -> str:
    words = sql.split(None, 3)
    if not words:
        return ""
    verb = words[0].upper()
    table = words[2] if verb in ("INSERT", "DELETE") and len(words) > 2 else words[1] if len(words) > 1 else ""
    return f"{verb} {table.strip(chr(34))}"


def _watch_connection(log: EventLog) -> Callable[..., None]:
    """Count write transactions on every database connection the server opens."""

    def watcher(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        if sql.lstrip()[:7].upper().startswith(_WRITES):
            connection = context["connection"]
            if connection.in_atomic_block:
                if getattr(connection, "_bench_dirty", None) is None:
                    connection._bench_dirty = (_critical.get(), _statement(sql))
            else:  # autocommit: the statement is its own transaction
                result = execute(sql, params, many, context)
                log.write("tx", crit=_critical.get(), what=_statement(sql))
                return result
        return execute(sql, params, many, context)

    def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
        if watcher in connection.execute_wrappers:
            return  # the same wrapper object, reconnected
        connection.execute_wrappers.append(watcher)
        commit, rollback = connection.commit, connection.rollback

        def counted_commit() -> None:
            dirty, connection._bench_dirty = getattr(connection, "_bench_dirty", None), None
            commit()
            if dirty is not None:
                log.write("tx", crit=dirty[0], what=dirty[1])

        def counted_rollback() -> None:
            dirty, connection._bench_dirty = getattr(connection, "_bench_dirty", None), None
            rollback()
            if dirty is not None:
                log.write("tx", crit=dirty[0], what=dirty[1], rolled_back=True)

        connection.commit, connection.rollback = counted_commit, counted_rollback

    return on_connection_created


def _on_path(method: Callable[..., Any]) -> Callable[..., Any]:
    """A consumer handler: what it does (and the tasks it starts) is on the critical path."""

    @functools.wraps(method)
    async def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        token = _critical.set(str(self.scope["url_route"]["kwargs"]["adventure_id"]))
        try:
            return await method(self, *args, **kwargs)
        finally:
            _critical.reset(token)

    return wrapper


def _writer_on_path(method: Callable[..., Any]) -> Callable[..., Any]:
    """`ChapterWriter.run`: writing and saving the chapter is on its adventure's path."""

    @functools.wraps(method)
    async def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        token = _critical.set(str(self.adventure_id))
        try:
            return await method(self, *args, **kwargs)
        finally:
            _critical.reset(token)

    return wrapper


def _off_path(function: Callable[..., Any]) -> Callable[..., Any]:
    """Starts work that runs off the critical path: its tasks get a cleared context."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _critical.set(None)
        try:
            return function(*args, **kwargs)
        finally:
            _critical.reset(token)

    return wrapper


def _off_path_async(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _critical.set(None)
        try:
            return await function(*args, **kwargs)
        finally:
            _critical.reset(token)

    return wrapper


def _wrap(log: EventLog, owner: Any, name: str, make: Callable[[Any], Any]) -> None:
    """Replace `owner.name` by `make(original)`; if the app no longer has it, say so in
    the log (the figures that need it come out empty) instead of breaking the server."""
    original = getattr(owner, name, None)
    if original is None:
        log.write("probe_missing", what=f"{getattr(owner, '__name__', owner)}.{name}")
        return
    setattr(owner, name, make(original))


def _consumer_probes(log: EventLog, consumer: Any) -> None:
    from bench import diagnostics

    for name in ("connect", "receive", "adventure_chapter_ready"):
        _wrap(log, consumer, name, _on_path)

    def connect(original: Any) -> Any:
        async def wrapper(self: Any) -> None:
            diagnostics.watch_loop(log)
            await original(self)

        return wrapper

    def receive(original: Any) -> Any:
        async def wrapper(self: Any, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
            if text_data and '"choose"' in text_data:
                log.write("choose", a=self.adventure_id)
            await original(self, text_data, bytes_data)

        return wrapper

    def writing_piece(original: Any) -> Any:
        async def wrapper(self: Any, number: int, text: str) -> None:
            await original(self, number, text)
            if getattr(self, "_bench_first_piece", None) != number:
                self._bench_first_piece = number
                log.write("first_sent", a=self.adventure_id, n=number)

        return wrapper

    def send(original: Any) -> Any:
        async def wrapper(
            self: Any, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False
        ) -> None:
            await original(self, text_data, bytes_data, close)
            if text_data and text_data.startswith('<article id="chapter"'):
                head = text_data[: text_data.index(">")]
                if "chapter--writing" not in head and 'data-chapter="' in head:
                    number = head.split('data-chapter="', 1)[1].split('"', 1)[0]
                    log.write("final_sent", a=self.adventure_id, n=int(number))

        return wrapper

    _wrap(log, consumer, "connect", connect)
    _wrap(log, consumer, "receive", receive)
    _wrap(log, consumer, "_send_piece", writing_piece)
    _wrap(log, consumer, "send", send)


def _chapter_probes(log: EventLog) -> None:
    from adventures import services
    from adventures.storytellers import base
    from adventures.storytellers.gemini import provider as gemini

    def chapter_save(original: Any) -> Any:
        @functools.wraps(original)
        def wrapper(**kwargs: Any) -> Any:
            chapter = original(**kwargs)
            log.write("saved", a=str(kwargs["adventure_id"]), n=kwargs["number"])
            return chapter

        return wrapper

    def stream_chapter(original: Any) -> Any:
        async def wrapper(self: Any, brief: Any) -> Any:
            async for event in original(self, brief):
                if isinstance(event, base.ChapterDone):
                    log.write("stream_done", a=brief.adventure_id, n=brief.number)
                yield event

        return wrapper

    _wrap(log, services, "chapter_save", chapter_save)
    _wrap(log, gemini.GeminiProvider, "stream_chapter", stream_chapter)


def _prompt_tags(log: EventLog) -> None:
    from adventures.storytellers import chapter_notes, prompts
    from adventures.storytellers.gemini import provider as gemini

    def chapter(original: Any) -> Any:
        def wrapper(brief: Any) -> Any:
            prompt = original(brief)
            return dataclasses.replace(prompt, user=prompt.user + tag(brief.adventure_id, brief.number, "chapter"))

        return wrapper

    def scene(original: Any) -> Any:
        # The chapter picture's first request: the chapter-notes call that gives its
        # picture prompt (shared with the title and looks, so made once per chapter).
        def wrapper(brief: Any, text: str) -> str:
            return original(brief, text) + tag(brief.adventure_id, brief.number, "scene")

        return wrapper

    def moderation(original: Any) -> Any:
        # The finished chapter's moderation call: model time between the stream's end
        # and the save, which the figures take out as they take out the TTFT.
        async def wrapper(self: Any, brief: Any, text: str, *, kind: str) -> Any:
            if kind == "chapter":
                text += tag(brief.adventure_id, brief.number, "moderation")
            return await original(self, brief, text, kind=kind)

        return wrapper

    def agency_picture(original: Any) -> Any:
        def wrapper(brief: Any, option: Any) -> str:
            return original(brief, option) + tag(brief.adventure_id, brief.number, "agency", option.id)

        return wrapper

    _wrap(log, prompts, "chapter", chapter)
    _wrap(log, chapter_notes, "prompt_text", scene)
    _wrap(log, prompts, "agency_picture", agency_picture)
    _wrap(log, gemini.GeminiProvider, "moderate", moderation)


def install(log: EventLog) -> None:
    from django.db.backends.signals import connection_created

    from adventures.operations import telemetry
    from adventures.play import consumers, extras, writing
    from bench import diagnostics

    connection_created.connect(_watch_connection(log), weak=False)
    diagnostics.watch_thread_hops(log)
    diagnostics.watch_gc(log)
    _consumer_probes(log, consumers.AdventureConsumer)
    _wrap(log, writing.ChapterWriter, "run", _writer_on_path)
    # Work that DESIGN §5 keeps off the critical path starts with the path cleared.
    for name in ("start_after_chapter", "start_agency_pictures"):
        _wrap(log, extras, name, _off_path)
    _wrap(log, extras, "request_missing", _off_path_async)
    _wrap(log, telemetry, "_schedule_flush", _off_path)
    _chapter_probes(log)
    _prompt_tags(log)


class ProbeConfig(AppConfig):
    name = "bench"
    label = "bench_probe"
    verbose_name = "Benchmark probe"

    def ready(self) -> None:
        path = os.environ.get(EVENTS_ENV)
        if path:
            install(EventLog(path))
