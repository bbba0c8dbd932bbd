"""adventures/runtime/coordination.py: the same small interface in process and on Redis, atomic
where it matters (counters, locks), and in agreement with Django's cache on every key."""

from __future__ import annotations

import asyncio
import os

import pytest
from django.core.cache import cache

from adventures.runtime import coordination

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture(params=["in-process", "redis"])
def state(request, settings):
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("needs REDIS_URL (CI's PostgreSQL + Redis pass)")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": "coordination-test",
            }
        }
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield coordination.shared
    cache.clear()


async def test_counters_are_atomic_under_concurrency(state):
    assert await state.add("count", 0, expires=30)
    values = await asyncio.gather(*(state.incr("count") for _ in range(50)))
    assert sorted(values) == list(range(1, 51))
    assert await state.decr("count") == 49


async def test_a_crowd_larger_than_the_pool_waits_its_turn(state, settings):
    """More calls at once than the process has Redis connections: each waits for a free
    one instead of failing (redis-py's default pool refuses the call past its size)."""

    def forget_clients() -> None:  # the next call makes a client with the pool as now set
        current = coordination.shared._current()
        if isinstance(current, coordination.RedisState):
            current._clients.clear()

    settings.STORYWEB_REDIS_CONNECTIONS = 2
    forget_clients()
    try:
        assert await state.add("crowd", 0, expires=30)
        # 150 at once: more than redis-py's default pool of 100 would lend.
        values = await asyncio.gather(*(state.incr("crowd") for _ in range(150)))
        assert sorted(values) == list(range(1, 151))
    finally:
        forget_clients()


async def test_a_missing_counter_is_an_error_not_a_counter_without_expiry(state):
    with pytest.raises(ValueError):
        await state.incr("never-added")
    assert await state.get("never-added") is None


async def test_a_lock_is_released_only_by_its_holder(state):
    assert await state.add("lock", "mine", expires=30)
    assert not await state.add("lock", "theirs", expires=30)
    assert not await state.release("lock", "theirs")
    assert await state.get("lock") == "mine"
    assert await state.release("lock", "mine")
    assert await state.add("lock", "theirs", expires=30)


async def test_once_runs_the_work_a_single_time_while_held(state):
    ran, gate = [], asyncio.Event()

    async def work() -> None:
        ran.append(1)
        await gate.wait()

    first = asyncio.ensure_future(coordination.once("job", work, expires=30))
    await asyncio.sleep(0.05)
    await coordination.once("job", work, expires=30)  # held: returns at once
    gate.set()
    await first
    assert ran == [1]
    assert await state.get("job") is None  # released by its holder


async def test_values_agree_with_djangos_cache(state):
    await state.set("flag", {"model": "x"}, expires=30)
    assert await asyncio.to_thread(cache.get, "flag") == {"model": "x"}
    await asyncio.to_thread(cache.set, "number", 7, 30)
    assert await state.get("number") == 7
    assert await state.incr("number") == 8
    assert await asyncio.to_thread(cache.get, "number") == 8


async def test_keys_expire(state):
    await state.set("short", 1, expires=1)
    assert await state.touch("short", expires=1)
    await asyncio.sleep(1.3)
    assert await state.get("short") is None


async def test_counters_counted_together_start_with_their_expiry_and_agree_with_djangos_cache(state):
    await asyncio.to_thread(cache.set, "a", 5, 30)
    values = await asyncio.gather(*(state.count([("a", 30), ("b", 1)]) for _ in range(20)))
    assert sorted(v[0] for v in values) == list(range(6, 26))
    assert sorted(v[1] for v in values) == list(range(1, 21))
    assert await asyncio.to_thread(cache.get, "b") == 20  # a plain number, as Django writes it
    await state.uncount(["a", "b", "never-counted"])
    assert await state.get("a") == 24 and await state.get("b") == 19
    assert await state.get("never-counted") is None  # giving back never makes a counter
    await asyncio.sleep(1.3)
    assert await state.get("b") is None  # "b" kept the expiry it started with
    assert await state.count([("b", 30)]) == [1]  # and starts afresh


async def test_a_count_and_flags_read_together(state):
    """The daily cap's count and the flags that may hold a model call back come in one
    call (one round trip to Redis): values as Django's cache wrote them, None if unset."""
    await asyncio.to_thread(cache.set, "flag", {"until": "tomorrow"}, 30)
    counted, read = await state.count_and_read([("calls", 30)], ["flag", "unset"])
    assert counted == [1] and read == [{"until": "tomorrow"}, None]
    counted, read = await state.count_and_read([("calls", 30)], [])
    assert counted == [2] and read == []
    assert await asyncio.to_thread(cache.get, "calls") == 2
