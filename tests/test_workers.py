"""adventures/runtime/workers.py: the sockets' database and cache calls run on a small pool of
threads of the game's own, never on asgiref's one shared thread."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
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


async def test_pictures_are_converted_on_their_own_pool_never_more_at_once_than_it_has_threads(pool):
    pool.STORYWEB_PICTURE_THREADS = 1
    lock = threading.Lock()
    at_once, most = 0, 0

    def convert() -> str:
        nonlocal at_once, most
        with lock:
            at_once += 1
            most = max(most, at_once)
        threading.Event().wait(0.05)  # the conversion's moment on a core
        with lock:
            at_once -= 1
        return thread_name()

    names = await asyncio.gather(*(workers.picture(convert)() for _ in range(4)))  # a new adventure's four
    assert most == 1 and {name.split("_")[0] for name in names} == {"storyweb-picture"}

    workers.shutdown()
    pool.STORYWEB_PICTURE_THREADS = 2
    together = threading.Barrier(2)  # passes only when two run at once

    def meet() -> str:
        together.wait(timeout=10)
        return thread_name()

    assert len(set(await asyncio.gather(workers.picture(meet)(), workers.picture(meet)()))) == 2


@pytest.mark.skipif(sys.platform != "linux", reason="a thread has a CPU priority of its own on Linux only")
async def test_the_pictures_threads_give_way_to_the_rest_of_the_process(pool):
    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    process = os.nice(0)
    assert await workers.picture(niceness)() == min(19, process + workers.PICTURE_NICENESS)
    assert await workers.database(niceness)() == process  # the database calls do not
    assert os.nice(0) == process  # nor the event loop's thread
