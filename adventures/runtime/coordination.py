"""Shared state for the event loop: locks, counters and flags that every process sees
(issue 12). One small interface, two implementations:

- with Redis (the default cache is Django's RedisCache: REDIS_URL is set), the calls go
  to Redis through redis-py's asyncio client, on the event loop itself: no worker
  thread, one round trip each. Keys and values are written exactly as Django's cache
  writes them (its key prefix and version, integers as plain numbers, anything else
  pickled), so the page views' synchronous `cache` calls and these agree on every key;
- without Redis (the default install: one process, the local-memory cache), the calls
  go straight to Django's in-process cache, which never waits on anything.

Locks are atomic: `add` is SET NX with an expiry, and `release` deletes a key only while
it still holds the caller's token (a compare-and-delete script in Redis), so a lock that
expired and was taken by someone else is never removed by its old holder.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from django.core.cache import cache as django_cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisSerializer

_INCR_EXISTING = """
if redis.call('exists', KEYS[1]) == 0 then return nil end
return redis.call('incrby', KEYS[1], ARGV[1])
"""
# Counters in one round trip: each key starts at 0 with its expiry if missing (SET NX EX),
# then is incremented; ARGV: the delta, then each key's seconds.
_COUNT = """
local values = {}
for i, key in ipairs(KEYS) do
    redis.call('set', key, 0, 'EX', ARGV[i + 1], 'NX')
    values[i] = redis.call('incrby', key, ARGV[1])
end
return values
"""
# Counters given back in one round trip: only those that still exist (an expired one
# stays gone, never a fresh counter without expiry).
_UNCOUNT = """
for _, key in ipairs(KEYS) do
    if redis.call('exists', key) == 1 then redis.call('decrby', key, ARGV[1]) end
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class SharedState(Protocol):
    async def add(self, key: str, value: Any, expires: float | None = ...) -> bool: ...
    async def get(self, key: str, default: Any = None) -> Any: ...
    async def set(self, key: str, value: Any, expires: float | None = ...) -> None: ...
    async def delete(self, key: str) -> bool: ...
    async def touch(self, key: str, expires: float | None = ...) -> bool: ...
    async def incr(self, key: str, delta: int = 1) -> int: ...
    async def decr(self, key: str, delta: int = 1) -> int: ...
    async def release(self, key: str, token: Any) -> bool: ...
    async def count(self, counters: Sequence[tuple[str, float]], delta: int = 1) -> list[int]: ...
    async def uncount(self, keys: Sequence[str], delta: int = 1) -> None: ...
    async def count_and_read(
        self, counters: Sequence[tuple[str, float]], keys: Sequence[str], delta: int = 1
    ) -> tuple[list[int], list[Any]]: ...


class LocalState:
    """The in-process cache, called directly (it holds nothing but a dict and a lock)."""

    async def add(self, key: str, value: Any, expires: float | None = DEFAULT_TIMEOUT) -> bool:
        return bool(django_cache.add(key, value, timeout=expires))

    async def get(self, key: str, default: Any = None) -> Any:
        return django_cache.get(key, default)

    async def set(self, key: str, value: Any, expires: float | None = DEFAULT_TIMEOUT) -> None:
        django_cache.set(key, value, timeout=expires)

    async def delete(self, key: str) -> bool:
        return bool(django_cache.delete(key))

    async def touch(self, key: str, expires: float | None = DEFAULT_TIMEOUT) -> bool:
        return bool(django_cache.touch(key, timeout=expires))

    async def incr(self, key: str, delta: int = 1) -> int:
        return int(django_cache.incr(key, delta))

    async def decr(self, key: str, delta: int = 1) -> int:
        return int(django_cache.decr(key, delta))

    async def release(self, key: str, token: Any) -> bool:
        # No await between the two: no other task of this loop runs in between.
        if django_cache.get(key) != token:
            return False
        return bool(django_cache.delete(key))

    async def count(self, counters: Sequence[tuple[str, float]], delta: int = 1) -> list[int]:
        values = []
        for key, seconds in counters:  # no await inside: atomic for this loop
            django_cache.add(key, 0, timeout=seconds)
            try:
                values.append(int(django_cache.incr(key, delta)))
            except ValueError:  # expired between the two
                django_cache.add(key, delta, timeout=seconds)
                values.append(delta)
        return values

    async def uncount(self, keys: Sequence[str], delta: int = 1) -> None:
        for key in keys:
            with contextlib.suppress(ValueError):  # expired: nothing to give back
                django_cache.decr(key, delta)

    async def count_and_read(
        self, counters: Sequence[tuple[str, float]], keys: Sequence[str], delta: int = 1
    ) -> tuple[list[int], list[Any]]:
        return await self.count(counters, delta), [django_cache.get(key) for key in keys]


class RedisState:
    """Redis through redis.asyncio, with Django's cache's keys and values."""

    def __init__(self, backend: RedisCache) -> None:
        self._backend = backend
        self._serializer = RedisSerializer()
        # redis.asyncio's connections belong to the event loop that opened them: one client
        # per loop (daphne runs one; tests start a loop per test).
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()

    def _client(self) -> Any:
        from django.conf import settings
        from redis import asyncio as aredis

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            location = settings.CACHES["default"]["LOCATION"]  # REDIS_URL (one server)
            # A bounded pool whose callers wait for a free connection (up to the timeout)
            # rather than fail with "Too many connections" when a crowd arrives at once.
            pool = aredis.BlockingConnectionPool.from_url(
                location,
                max_connections=settings.STORYWEB_REDIS_CONNECTIONS,
                timeout=settings.STORYWEB_REDIS_POOL_TIMEOUT,
            )
            client = self._clients[loop] = aredis.Redis.from_pool(pool)
        return client

    def _key(self, key: str) -> str:
        return str(self._backend.make_and_validate_key(key))

    def _seconds(self, expires: float | None) -> int | None:
        seconds = self._backend.get_backend_timeout(expires)
        return None if seconds is None else max(1, int(seconds))

    async def add(self, key: str, value: Any, expires: float | None = DEFAULT_TIMEOUT) -> bool:
        return bool(
            await self._client().set(self._key(key), self._serializer.dumps(value), ex=self._seconds(expires), nx=True)
        )

    async def get(self, key: str, default: Any = None) -> Any:
        value = await self._client().get(self._key(key))
        return default if value is None else self._serializer.loads(value)

    async def set(self, key: str, value: Any, expires: float | None = DEFAULT_TIMEOUT) -> None:
        await self._client().set(self._key(key), self._serializer.dumps(value), ex=self._seconds(expires))

    async def delete(self, key: str) -> bool:
        return bool(await self._client().delete(self._key(key)))

    async def touch(self, key: str, expires: float | None = DEFAULT_TIMEOUT) -> bool:
        seconds = self._seconds(expires)
        if seconds is None:
            return bool(await self._client().persist(self._key(key)))
        return bool(await self._client().expire(self._key(key), seconds))

    async def incr(self, key: str, delta: int = 1) -> int:
        # As Django's cache: a missing key is an error, never a fresh counter without expiry.
        script = (
            "if redis.call('exists', KEYS[1]) == 0 then return nil end return redis.call('incrby', KEYS[1], ARGV[1])"
        )
        value = await self._client().eval(script, 1, self._key(key), delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(value)

    async def decr(self, key: str, delta: int = 1) -> int:
        return await self.incr(key, -delta)

    async def release(self, key: str, token: Any) -> bool:
        return bool(await self._client().eval(_RELEASE, 1, self._key(key), self._serializer.dumps(token)))

    async def count(self, counters: Sequence[tuple[str, float]], delta: int = 1) -> list[int]:
        keys = [self._key(key) for key, _ in counters]
        seconds = [self._seconds(expires) or 0 for _, expires in counters]
        if not keys:
            return []
        values = await self._client().eval(_COUNT, len(keys), *keys, delta, *seconds)
        return [int(value) for value in values]

    async def uncount(self, keys: Sequence[str], delta: int = 1) -> None:
        if keys:
            await self._client().eval(_UNCOUNT, len(keys), *[self._key(key) for key in keys], delta)

    async def count_and_read(
        self, counters: Sequence[tuple[str, float]], keys: Sequence[str], delta: int = 1
    ) -> tuple[list[int], list[Any]]:
        """`count` and a `get` of each of `keys`, in one round trip (a pipeline)."""
        counted = [self._key(key) for key, _ in counters]
        seconds = [self._seconds(expires) or 0 for _, expires in counters]
        async with self._client().pipeline(transaction=False) as pipe:
            if counted:
                pipe.eval(_COUNT, len(counted), *counted, delta, *seconds)
            if keys:
                pipe.mget([self._key(key) for key in keys])
            replies = list(await pipe.execute()) if counted or keys else []
        values = [int(value) for value in replies.pop(0)] if counted else []
        read = [None if value is None else self._serializer.loads(value) for value in replies.pop(0)] if keys else []
        return values, read


class _Shared:
    """The implementation for the current cache setting, chosen on first use and again
    whenever the setting changes (tests switch between the two)."""

    def __init__(self) -> None:
        self._state: SharedState | None = None
        self._for: Any = None

    def _current(self) -> SharedState:
        from django.conf import settings
        from django.core.cache import caches

        configured = repr(settings.CACHES["default"])
        if self._state is None or self._for != configured:
            backend = caches["default"]
            self._state = RedisState(backend) if isinstance(backend, RedisCache) else LocalState()
            self._for = configured
        return self._state

    def __getattr__(self, name: str) -> Any:
        return getattr(self._current(), name)


shared: Any = _Shared()


async def once(key: str, work: Callable[[], Awaitable[None]], *, expires: float) -> None:
    """Run `work` unless another task (here or in another process) holds `key`; the lock
    is released only by its own holder, and expires if the holder dies."""
    token = uuid.uuid4().hex
    if not await shared.add(key, token, expires=expires):
        return
    try:
        await work()
    finally:
        await shared.release(key, token)
