"""Places: a fixed number of places, taken first come, first served, one or several at
a time; and groups of tasks that take their places together.

Pictures use it (picture_store.in_flight): a process has STORYWEB_IMAGES_IN_FLIGHT places,
and a picture holds one from its request to the picture model until it is converted.
Chapter 1's three agency pictures are a group (`Together`): each first looks for a
picture made before (which needs no place), and the ones that must be made take their
places in one request, so they are asked for at once, as DESIGN §10 wants ("made in
parallel"), and not one now and two when later places free up.

asyncio's Semaphore cannot do that: it has no "n at once", and a request for three at
the head of the line must keep later single requests from overtaking it, or it waits
for ever under load.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections import deque
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import TypeVar

T = TypeVar("T")


class Places:
    """`size` places on one event loop, given in the order they were asked for."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a Places needs at least one place")
        self.size = size
        self._free = size
        self._waiting: deque[tuple[int, asyncio.Future[None]]] = deque()

    @property
    def free(self) -> int:
        return self._free

    async def acquire(self, count: int = 1) -> None:
        """Wait until `count` places are free and every earlier request has had its own.
        `count` may be at most `size`."""
        if not 1 <= count <= self.size:
            raise ValueError(f"cannot take {count} of {self.size} places")
        if not self._waiting and self._free >= count:
            self._free -= count
            return
        entry = (count, asyncio.get_running_loop().create_future())
        self._waiting.append(entry)
        try:
            await entry[1]
        except asyncio.CancelledError:
            if entry[1].done() and not entry[1].cancelled():
                self.release(count)  # given just as the waiter was cancelled: back they go
            else:
                if entry in self._waiting:  # (`_wake` drops it if it came first)
                    self._waiting.remove(entry)
                self._wake()  # a large request that blocked smaller ones is gone
            raise

    def release(self, count: int = 1) -> None:
        if self._free + count > self.size:
            raise RuntimeError("more places released than were taken")
        self._free += count
        self._wake()

    def _wake(self) -> None:
        while self._waiting:
            count, waiter = self._waiting[0]
            if waiter.done():  # cancelled, its task not told yet: it takes nothing
                self._waiting.popleft()
            elif count <= self._free:
                self._waiting.popleft()
                self._free -= count
                waiter.set_result(None)
            else:
                break

    @asynccontextmanager
    async def place(self) -> AsyncIterator[None]:
        """Hold one place for the block: the group's, if this task is a member of a group
        on these places that has not asked for its place yet, else one of its own."""
        member = _member.get()
        if member is not None and member.group.places is self and not member.decided:
            async with member.group.place_for(member):
                yield
            return
        await self.acquire(1)
        try:
            yield
        finally:
            self.release(1)


class _Member:
    def __init__(self, group: Together) -> None:
        self.group = group
        self.decided = False

    def decide(self, *, wants_place: bool) -> None:
        if self.decided:
            return
        self.decided = True
        self.group.decided(wants_place=wants_place)


_member: contextvars.ContextVar[_Member | None] = contextvars.ContextVar("places_member", default=None)


class Together:
    """`members` tasks whose places are taken in one request.

    Each member runs its work through `run`. A member that asks for a place (`Places.place`)
    has decided it wants one; a member that ends without asking has decided it does not.
    Once every member has decided, the places wanted are taken at once and each member
    that asked gets one, which it gives back when its block ends. A group larger than the
    places there are is no group: its members take their places one by one."""

    def __init__(self, places: Places, members: int) -> None:
        self.places = places
        self._undecided = members
        self._wanted = 0
        self._all_decided = asyncio.Event()
        self._taking: asyncio.Task[None] | None = None
        self._grouped = members <= places.size

    async def run(self, work: Awaitable[T]) -> T:
        """Run one member's work (in its own task: the membership is in the task's context)."""
        member = _Member(self)
        if self._grouped:
            _member.set(member)
        try:
            return await work
        finally:
            member.decide(wants_place=False)  # a member that never asked: no place

    def decided(self, *, wants_place: bool) -> None:
        self._wanted += wants_place
        self._undecided -= 1
        if self._undecided <= 0:
            self._all_decided.set()

    async def _take(self) -> None:
        await self._all_decided.wait()
        await self.places.acquire(self._wanted)

    def _give_back(self, taking: asyncio.Task[None]) -> None:
        if not taking.cancelled() and taking.exception() is None:  # the places were taken
            self.places.release(1)

    @asynccontextmanager
    async def place_for(self, member: _Member) -> AsyncIterator[None]:
        member.decide(wants_place=True)
        if self._taking is None:
            self._taking = asyncio.ensure_future(self._take())
        taking = self._taking
        try:
            await asyncio.shield(taking)
        except asyncio.CancelledError:
            # This member gives up; the place taken for it (now or later) goes back.
            if not taking.done():
                taking.add_done_callback(self._give_back)
            else:
                self._give_back(taking)
            raise
        try:
            yield
        finally:
            self.places.release(1)
