"""adventures/runtime/workers.py: the sockets' database and cache calls run on a small pool of
threads of the game's own, never on asgiref's one shared thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest
from django.db import connection

from adventures.models import StoryWorld
from adventures.runtime import workers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pool(settings):
    """A fresh pool of the size the test sets."""
    workers.shutdown()
    yield settings
    workers.shutdown()


def thread_name() -> str:
    return threading.current_thread().name


async def test_calls_run_side_by_side_on_the_pool(pool):
    pool.STORYWEB_WORKER_THREADS = 3
    together = threading.Barrier(3)  # passes only when three calls run at once

    def meet() -> str:
        together.wait(timeout=10)
        return thread_name()

    names = await asyncio.gather(*(workers.database(meet)() for _ in range(3)))
    assert len(set(names)) == 3 and all(name.startswith("storyweb-worker") for name in names)


async def test_a_worker_keeps_its_sqlite_connection(pool):
    pool.STORYWEB_WORKER_THREADS = 1

    def query() -> object:
        StoryWorld.objects.count()
        return connection.connection

    def still_open() -> bool:
        return connection.connection is not None

    first, second = await workers.database(query)(), await workers.database(query)()
    assert first is not None and second is not None
    if connection.vendor == "sqlite":
        assert first is second and await workers.database(still_open)()
    # (PostgreSQL connections go back to their pool after each call, as channels does.)


async def test_shutdown_closes_the_connection_of_every_worker_thread(pool):
    pool.STORYWEB_WORKER_THREADS = 3
    together = threading.Barrier(3)

    def open_one() -> object:
        together.wait(timeout=10)
        StoryWorld.objects.count()
        return connection.connection

    raw = await asyncio.gather(*(workers.database(open_one)() for _ in range(3)))
    workers.shutdown()
    if connection.vendor == "sqlite":
        assert len({id(handle) for handle in raw}) == 3
        for handle in raw:
            with pytest.raises(sqlite3.ProgrammingError):  # closed
                handle.execute("select 1")
    # (PostgreSQL connections went back to their pool after each call: see above.)
    # The next call starts a new pool, and the database is there for it.
    assert await workers.database(StoryWorld.objects.count)() >= 10
