"""Background work on the server's event loop: tasks that outlive the socket that
started them (pictures, titles, summaries, a chapter being written).

asyncio keeps only weak references to tasks, so we hold them here until they end;
tests call `drain()` to wait for everything started so far.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Coroutine
from typing import Any

logger = logging.getLogger(__name__)

_tasks: set[asyncio.Task[Any]] = set()


def spawn(coroutine: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
    # In a context of its own: the task outlives its starter, so it must not inherit a
    # request's (asgiref would send its thread-sensitive calls to the request's thread,
    # which ends with the request).
    task = asyncio.get_running_loop().create_task(coroutine, name=name, context=contextvars.Context())
    _tasks.add(task)
    task.add_done_callback(_finished)
    return task


def _finished(task: asyncio.Task[Any]) -> None:
    _tasks.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("background task %s failed", task.get_name(), exc_info=task.exception())


def _of_this_loop() -> list[asyncio.Task[Any]]:
    # A server has one loop for its whole life; tests and sync views run short-lived
    # loops, whose unfinished tasks must not be mistaken for this loop's.
    loop = asyncio.get_running_loop()
    return [t for t in _tasks if t.get_loop() is loop]


def running(prefix: str = "") -> list[asyncio.Task[Any]]:
    return [t for t in _of_this_loop() if t.get_name().startswith(prefix)]


async def drain(seconds: float = 30.0) -> None:
    """Wait until no background task of this loop is left, including ones spawned meanwhile."""
    async with asyncio.timeout(seconds):
        # Finished tasks leave the set in a done-callback, which needs the loop to turn;
        # waiting only on unfinished ones keeps this from spinning.
        while tasks := [t for t in _of_this_loop() if not t.done()]:
            await asyncio.gather(*tasks, return_exceptions=True)
