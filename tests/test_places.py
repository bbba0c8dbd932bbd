"""runtime/places.py: places taken first come, first served, several at once, and groups
of tasks (chapter 1's agency pictures) that take theirs together."""

from __future__ import annotations

import asyncio

import pytest

from adventures.runtime.places import Places, Together


async def turn() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_places_are_given_in_the_order_asked_and_a_large_request_is_not_overtaken():
    places = Places(3)
    await places.acquire(2)
    got: list[str] = []

    async def take(name: str, count: int) -> None:
        await places.acquire(count)
        got.append(name)

    three = asyncio.create_task(take("three", 3))
    await turn()
    one = asyncio.create_task(take("one", 1))  # one place is free, but "three" asked first
    await turn()
    assert got == [] and places.free == 1
    places.release(2)
    await turn()
    assert got == ["three"] and places.free == 0
    places.release(3)
    await asyncio.gather(three, one)
    assert got == ["three", "one"] and places.free == 2


async def test_a_cancelled_request_lets_the_ones_behind_it_go_and_places_given_to_it_come_back():
    places = Places(2)
    await places.acquire(1)
    blocked = asyncio.create_task(places.acquire(2))
    behind = asyncio.create_task(places.acquire(1))
    await turn()
    assert not behind.done()
    blocked.cancel()
    await turn()
    assert behind.done() and places.free == 0
    places.release(2)

    # Given its places in the same turn of the loop as it was cancelled: they go back.
    await places.acquire(2)
    late = asyncio.create_task(places.acquire(2))
    await turn()
    places.release(2)  # `late` is given both places now...
    late.cancel()  # ...and cancelled before it could run
    with pytest.raises(asyncio.CancelledError):
        await late
    assert places.free == 2


async def test_places_freed_before_a_cancelled_waiter_has_run_go_to_the_next_one():
    """Cancelling a task cancels the future it waits on at once, but the task hears of
    it only on its next turn: places released in between skip it (none are lost, and
    the releasing task does not fail)."""
    places = Places(1)
    await places.acquire(1)
    cancelled = asyncio.create_task(places.acquire(1))
    behind = asyncio.create_task(places.acquire(1))
    await turn()
    cancelled.cancel()
    places.release(1)  # before `cancelled` has run again
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    await asyncio.wait_for(behind, 1)
    assert places.free == 0
    places.release(1)
    assert places.free == 1


async def test_places_refuse_what_they_cannot_give():
    places = Places(2)
    with pytest.raises(ValueError):
        await places.acquire(3)
    with pytest.raises(RuntimeError):
        places.release(1)


async def test_a_group_asks_for_its_places_at_once_when_every_member_has_decided():
    places = Places(4)
    await places.acquire(3)  # others' pictures: one place free
    together = Together(places, 3)
    started: list[str] = []
    looked_up = asyncio.Event()

    async def picture(name: str) -> None:
        async with places.place():
            started.append(name)
            await asyncio.sleep(0.05)

    async def reused() -> None:
        await looked_up.wait()  # a picture made before: found, no place needed

    members = [
        asyncio.create_task(together.run(picture("a"))),
        asyncio.create_task(together.run(picture("b"))),
        asyncio.create_task(together.run(reused())),
    ]
    await turn()
    assert started == []  # one member is still looking: nobody asks yet
    looked_up.set()
    await turn()
    assert started == [] and places.free == 1  # two places wanted, one free: both wait
    places.release(1)
    await turn()
    assert sorted(started) == ["a", "b"]  # together, once two were free
    await asyncio.gather(*members)
    assert places.free == 2
    places.release(2)


async def test_a_single_place_behind_a_waiting_group_waits_its_turn():
    places = Places(3)
    await places.acquire(2)
    together = Together(places, 3)
    order: list[str] = []

    async def picture(name: str) -> None:
        async with places.place():
            order.append(name)

    members = [asyncio.create_task(together.run(picture(f"agency {n}"))) for n in (1, 2, 3)]
    await turn()
    single = asyncio.create_task(picture("chapter"))
    await turn()
    assert order == []  # a place is free, but the group asked first
    places.release(2)
    await asyncio.gather(*members, single)
    assert order[-1] == "chapter" and places.free == 3


async def test_a_member_that_gives_up_while_waiting_returns_its_place():
    places = Places(3)
    await places.acquire(3)
    together = Together(places, 2)

    async def picture() -> None:
        async with places.place():
            await asyncio.sleep(0)

    first = asyncio.create_task(together.run(picture()))
    second = asyncio.create_task(together.run(picture()))
    await turn()
    first.cancel()  # its deadline passed while the group waited
    await turn()
    places.release(3)
    await second
    with pytest.raises(asyncio.CancelledError):
        await first
    await turn()
    assert places.free == 3


async def test_a_member_that_fails_before_asking_does_not_hold_the_group_up():
    places = Places(2)
    together = Together(places, 2)

    async def broken() -> None:
        raise ValueError("the lookup failed")

    async def picture() -> str:
        async with places.place():
            return "made"

    results = await asyncio.gather(together.run(broken()), together.run(picture()), return_exceptions=True)
    assert isinstance(results[0], ValueError) and results[1] == "made"
    assert places.free == 2


async def test_a_group_larger_than_the_places_takes_them_one_by_one():
    places = Places(2)
    together = Together(places, 3)
    busy = 0
    most = 0

    async def picture() -> None:
        nonlocal busy, most
        async with places.place():
            busy += 1
            most = max(most, busy)
            await asyncio.sleep(0.01)
            busy -= 1

    await asyncio.wait_for(asyncio.gather(*(together.run(picture()) for _ in range(3))), 5)
    assert most == 2 and places.free == 2


async def test_a_second_place_asked_by_a_member_is_its_own():
    places = Places(2)
    together = Together(places, 1)

    async def two_pictures() -> None:
        async with places.place(), places.place():
            assert places.free == 0

    await asyncio.wait_for(together.run(two_pictures()), 5)
    assert places.free == 2
