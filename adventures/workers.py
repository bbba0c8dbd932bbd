"""The threads that do the game's blocking work (database, cache) for the event loop.

Left to themselves, channels' `database_sync_to_async` and Django's async cache
methods (`cache.aadd()`, ...) are thread-sensitive: outside an HTTP request, asgiref
runs every such call of the whole process, from every socket and background task, on
one single thread, so one player's slow moment makes every other player wait in line
(the benchmark measured 45 calls a chapter there). None of the game's calls needs that
thread: each service call is a complete transaction of its own and each cache call
stands alone. So they run on a small pool of STORYWEB_WORKER_THREADS threads instead.

Each database call closes stale connections before and after, as channels does
(`CONN_MAX_AGE=0`: SQLite reopens its file, PostgreSQL borrows from the pool).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import SyncToAsync
from channels.db import DatabaseSyncToAsync
from django.conf import settings
from django.core.cache import cache as django_cache

_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def executor() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=settings.STORYWEB_WORKER_THREADS, thread_name_prefix="storyweb-worker"
            )
        return _executor


def shutdown() -> None:
    """Stop the pool's threads, waiting for calls under way (tests, before they drop
    the test database); each thread's database connection is let go with it. The
    next call starts a new pool."""
    global _executor
    with _lock:
        stopping, _executor = _executor, None
    if stopping is not None:
        stopping.shutdown(wait=True)


def database[**P, R](function: Callable[P, R]) -> Callable[P, Any]:
    """`database_sync_to_async(function)`, on the pool."""
    return DatabaseSyncToAsync(function, thread_sensitive=False, executor=executor())


class _Cache:
    """The default cache's `add`, `get`, ... as coroutines on the pool."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name not in ("add", "get", "set", "delete", "touch", "incr"):
            raise AttributeError(name)
        return SyncToAsync(getattr(django_cache, name), thread_sensitive=False, executor=executor())


cache = _Cache()
