"""The threads that do the game's blocking database work for the event loop. (Shared
state, such as locks, counters and flags, goes to Redis from the loop itself, without a
thread: adventures/runtime/coordination.py.)

Left to themselves, channels' `database_sync_to_async` and Django's async cache
methods (`cache.aadd()`, ...) are thread-sensitive: outside an HTTP request, asgiref
runs every such call of the whole process, from every socket and background task, on
one single thread, so one player's slow moment makes every other player wait in line
(the benchmark measured 45 calls a chapter there). None of the game's calls needs that
thread: each service call is a complete transaction of its own and each cache call
stands alone. So they run on a small pool of STORYWEB_WORKER_THREADS threads instead.
Page requests run on a pool of their own (STORYWEB_PAGE_THREADS, storyweb/http.py), and
so do the pictures' conversions (STORYWEB_PICTURE_THREADS, `picture()`).

Each database call closes stale connections before and after, as channels does. A
PostgreSQL connection goes back to its pool after every call (`CONN_MAX_AGE=0`); a
worker thread keeps its SQLite connection open for its next call instead, because
opening the file and running its pragmas cost more than most calls (at most one open
file per worker thread; a connection that failed is closed as usual).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import os
import sys
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from channels.db import DatabaseSyncToAsync
from django.conf import settings
from django.db import connections

# How much lower the pictures' threads run than the rest of the process (Linux `nice`):
# the scheduler gives the text's threads, the database and Redis a core first, and the
# conversions what is left.
PICTURE_NICENESS = 10


class _Pool:
    """A pool of threads, started on first use (each thread opens its own database
    connection if its calls use one); its threads run `niceness` lower than the rest
    of the process (Linux only)."""

    def __init__(self, prefix: str, size_setting: str, niceness: int = 0) -> None:
        self.prefix, self.size_setting, self.niceness = prefix, size_setting, niceness
        self._executor: ThreadPoolExecutor | None = None
        self._threads = 0  # how many threads the current pool has started
        self._lock = threading.Lock()

    def _thread_started(self) -> None:
        if self.niceness and sys.platform == "linux":  # there a thread has a priority of its own
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), os.nice(0) + self.niceness)
        with self._lock:
            self._threads += 1

    def executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=getattr(settings, self.size_setting),
                    thread_name_prefix=self.prefix,
                    initializer=self._thread_started,
                )
            return self._executor

    def shutdown(self) -> None:
        with self._lock:
            stopping, threads = self._executor, self._threads
            self._executor, self._threads = None, 0
        if stopping is None:
            return
        if threads:
            everyone = threading.Barrier(threads)  # so that each thread takes one close

            def close_mine() -> None:
                connections.close_all()
                everyone.wait(timeout=30)

            for future in [stopping.submit(close_mine) for _ in range(threads)]:
                future.result()
        stopping.shutdown(wait=True)


_sockets = _Pool("storyweb-worker", "STORYWEB_WORKER_THREADS")
_pages = _Pool("storyweb-page", "STORYWEB_PAGE_THREADS")
_pictures = _Pool("storyweb-picture", "STORYWEB_PICTURE_THREADS", niceness=PICTURE_NICENESS)


def executor() -> ThreadPoolExecutor:
    return _sockets.executor()


def shutdown() -> None:
    """Close every pool thread's database connection and stop the pools, waiting for
    calls under way (tests do this before they drop the test database). The next call
    starts new pools."""
    _sockets.shutdown()
    _pages.shutdown()
    _pictures.shutdown()


def _keeping_sqlite_open[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(function)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        finally:
            for connection in connections.all(initialized_only=True):
                if connection.vendor == "sqlite" and connection.connection is not None:
                    connection.close_at = None  # not obsolete: close_old_connections() keeps it

    return call


def database[**P, R](function: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
    """`database_sync_to_async(function)`, on the sockets' pool."""
    return _on(_sockets, function)


def page[**P, R](function: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
    """The same, on the pages' own pool (storyweb/http.py): a page never waits for a
    socket's thread, nor a socket for a page's."""
    return _on(_pages, function)


def picture[**P, R](function: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
    """`function` (blocking picture work: Pillow's reading and converting, about a tenth
    of a second of CPU for a picture of the size the image models send) on the
    pictures' own pool of STORYWEB_PICTURE_THREADS threads. Pillow lets go of the
    interpreter lock while it works, so each thread can keep a core busy: a bounded
    pool, run at a lower priority (PICTURE_NICENESS), keeps a burst of pictures (four
    for every new adventure) from taking the cores the event loop, the database and
    Redis need. No database work here: that goes through `database()`."""

    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        work = functools.partial(contextvars.copy_context().run, function, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(_pictures.executor(), work)

    return call


def _on[**P, R](pool: _Pool, function: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
    call = DatabaseSyncToAsync(_keeping_sqlite_open(function), thread_sensitive=False, executor=pool.executor())
    return cast(Callable[P, Coroutine[Any, Any, R]], call)
