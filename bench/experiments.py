"""Candidate fixes, tried on the benchmark's server only, to measure what a proposed
change to the app would buy before anyone makes it. Off unless named with
`python -m bench.play --experiment NAME` (BENCH_EXPERIMENTS in the server's
environment); the run's parameters list them, so their figures are never mistaken
for the app's.

- sqlite-persistent: keep SQLite connections open (CONN_MAX_AGE=None) instead of
  opening one per database_sync_to_async call (bench/settings.py applies it).
- cache-direct: the in-memory cache's async methods call the sync ones on the loop
  instead of hopping to the single worker thread.
- background-thread: the database work of what comes after a chapter (titles,
  looks, pictures: adventures/extras.py) runs on a thread of its own instead of the
  single worker thread that every socket's critical path waits for.
"""

from __future__ import annotations

import os
from typing import Any

ENV = "BENCH_EXPERIMENTS"
KNOWN = ("sqlite-persistent", "cache-direct", "background-thread")


def enabled() -> set[str]:
    names = {name.strip() for name in os.environ.get(ENV, "").split(",") if name.strip()}
    unknown = names - set(KNOWN)
    if unknown:
        raise ValueError(f"Unknown experiment(s) {sorted(unknown)}; known: {', '.join(KNOWN)}")
    return names


def apply(names: set[str]) -> None:
    """Everything but sqlite-persistent (a setting): called from the probe's ready()."""
    if "cache-direct" in names:
        _direct_memory_cache()
    if "background-thread" in names:
        _background_thread()


def _direct_memory_cache() -> None:
    from django.core.cache.backends.locmem import LocMemCache

    for name in ("add", "get", "set", "delete", "touch", "incr", "get_many", "has_key"):
        sync = getattr(LocMemCache, name)

        def make(sync: Any) -> Any:
            async def direct(self: Any, *args: Any, **kwargs: Any) -> Any:
                return sync(self, *args, **kwargs)

            return direct

        setattr(LocMemCache, f"a{name}", make(sync))


def _background_thread() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from channels.db import DatabaseSyncToAsync

    from adventures import extras

    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="background-db")

    def background_database_sync_to_async(function: Any) -> Any:
        return DatabaseSyncToAsync(function, thread_sensitive=False, executor=executor)

    extras.database_sync_to_async = background_database_sync_to_async
