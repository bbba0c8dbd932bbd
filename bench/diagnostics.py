"""Where the server's time goes, for explaining the figures (part of the probe, so
only in the benchmark's server): how late the event loop runs its callbacks, and
how long each hop to a worker thread (database_sync_to_async, Django's async cache
methods, sync_to_async) waits in line before its thread starts it.

asgiref runs every thread-sensitive call made outside a request (all of a consumer's
database work and every `cache.a*()` call) on one single thread, so a busy moment
anywhere makes every socket wait there.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.probe import EventLog

LAG_TICK = 0.05  # seconds between the loop-lag monitor's wake-ups

_hop: contextvars.ContextVar[dict[str, float] | None] = contextvars.ContextVar("bench_hop", default=None)
_monitoring: set[asyncio.AbstractEventLoop] = set()
_monitors: list[asyncio.Task[None]] = []


def watch_loop(log: EventLog) -> None:
    """Start the loop-lag monitor on the running loop (once)."""
    loop = asyncio.get_running_loop()
    if loop in _monitoring:
        return
    _monitoring.add(loop)

    async def monitor() -> None:
        while True:
            before = loop.time()
            await asyncio.sleep(LAG_TICK)
            late = loop.time() - before - LAG_TICK
            if late > 0.005:
                log.write("loop_lag", ms=round(late * 1000, 1))

    _monitors.append(loop.create_task(monitor(), name="bench-loop-lag"))  # a strong reference


def watch_gc(log: EventLog) -> None:
    """Log each garbage collection that stops the process for over 5 ms (the loop waits
    through it as it does through a long callback)."""
    started: list[float] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            ms = (time.perf_counter() - started.pop()) * 1000
            if ms > 5:
                log.write("gc", gen=info["generation"], ms=round(ms, 1), collected=info["collected"])

    gc.callbacks.append(callback)


def watch_thread_hops(log: EventLog) -> None:
    from asgiref.sync import SyncToAsync

    original_call = SyncToAsync.__call__
    original_handler = SyncToAsync.thread_handler

    async def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        timing = {"called": time.monotonic()}
        token = _hop.set(timing)
        try:
            return await original_call(self, *args, **kwargs)
        finally:
            _hop.reset(token)
            done = time.monotonic()
            started = timing.get("started", done)
            log.write(
                "hop",
                fn=getattr(self.func, "__qualname__", "?"),
                wait=round((started - timing["called"]) * 1000, 2),
                busy=round((timing.get("ended", done) - started) * 1000, 2),
                total=round((done - timing["called"]) * 1000, 2),
            )

    def handler(self: Any, loop: Any, exc_info: Any, task_context: Any, func: Any, *args: Any, **kwargs: Any) -> Any:
        # `func(child)` runs `child` inside a copy of the caller's context, where the
        # caller's timing dict is visible: time `child` there.
        def timed(child: Any) -> Any:
            def inner() -> Any:
                timing = _hop.get()
                if timing is not None:
                    timing["started"] = time.monotonic()
                try:
                    return child()
                finally:
                    if timing is not None:
                        timing["ended"] = time.monotonic()

            return func(inner)

        return original_handler(self, loop, exc_info, task_context, timed, *args, **kwargs)

    SyncToAsync.__call__ = call
    SyncToAsync.thread_handler = handler
