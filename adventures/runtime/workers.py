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

Each database call closes stale connections before and after, as channels does. A
PostgreSQL connection goes back to its pool after every call (`CONN_MAX_AGE=0`); a
worker thread keeps its SQLite connection open for its next call instead, because
opening the file and running its pragmas cost more than most calls (at most one open
file per worker thread; a connection that failed is closed as usual).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from channels.db import DatabaseSyncToAsync
from django.conf import settings
from django.db import connections

_executor: ThreadPoolExecutor | None = None
_threads = 0  # how many threads the current pool has started
_lock = threading.Lock()


def _thread_started() -> None:
    global _threads
    with _lock:
        _threads += 1


def executor() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=settings.STORYWEB_WORKER_THREADS,
                thread_name_prefix="storyweb-worker",
                initializer=_thread_started,
            )
        return _executor


def shutdown() -> None:
    """Close every worker thread's database connection and stop the pool, waiting for
    calls under way (tests do this before they drop the test database). The next call
    starts a new pool."""
    global _executor, _threads
    with _lock:
        stopping, threads = _executor, _threads
        _executor, _threads = None, 0
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
    """`database_sync_to_async(function)`, on the pool."""
    call = DatabaseSyncToAsync(_keeping_sqlite_open(function), thread_sensitive=False, executor=executor())
    return cast(Callable[P, Coroutine[Any, Any, R]], call)
