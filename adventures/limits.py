"""Cost limits, counted in the cache (Redis when REDIS_URL is set, so every process
shares the counters): new adventures per visitor and per IP per hour, chapters per
visitor per minute, and a daily cap on LLM calls for the whole site.

Counters use fixed windows keyed by the window's start, so they reset on their own.
Each check has an `a`-prefixed twin for the event loop: with Redis behind the cache a
plain call would block every socket of the process for a round trip.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from adventures import telemetry, workers


@dataclass(frozen=True)
class Limit:
    name: str
    window_seconds: int

    def key(self, who: str, now: float) -> str:
        return f"limit:{self.name}:{who}:{int(now // self.window_seconds)}"

    @property
    def timeout(self) -> int:
        # The key names its window, so it only has to outlive it (a little slack for clocks).
        return self.window_seconds + 5


ADVENTURES_PER_VISITOR = Limit("adventures-visitor", 3600)
ADVENTURES_PER_IP = Limit("adventures-ip", 3600)
CHAPTERS_PER_VISITOR = Limit("chapters-visitor", 60)
LLM_CALLS_PER_DAY = Limit("llm-calls", 86400)

FRIENDLY_MESSAGES = {
    "adventures": "You have started lots of adventures in the last hour. Finish one of them, "
    "or come back a little later to begin a new one.",
    "chapters": "Whoa, you are reading fast! Take a breath and try again in a minute.",
    "llm": "The storyteller has told so many stories today that it needs a rest. Please come back tomorrow.",
}


def _count(limit: Limit, who: str, allowed: int) -> bool:
    """Count one more; True when still within `allowed`."""
    key = limit.key(who, time.time())
    cache.add(key, 0, timeout=limit.timeout)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=limit.timeout)
        used = 1
    return used <= allowed


async def _acount(limit: Limit, who: str, allowed: int) -> bool:
    """`_count` for the event loop."""
    key = limit.key(who, time.time())
    await workers.cache.add(key, 0, timeout=limit.timeout)
    try:
        used = await workers.cache.incr(key)
    except ValueError:
        await workers.cache.add(key, 1, timeout=limit.timeout)
        used = 1
    return used <= allowed


def adventure_start_allowed(*, visitor: str, ip: str) -> bool:
    # A visitor already refused does not use up the IP's budget: behind a school's one
    # address, one child hammering the button must not lock out the class.
    if not _count(ADVENTURES_PER_VISITOR, visitor, settings.STORYWEB_ADVENTURES_PER_VISITOR_PER_HOUR):
        return False
    return _count(ADVENTURES_PER_IP, ip or "unknown", settings.STORYWEB_ADVENTURES_PER_IP_PER_HOUR)


async def aadventure_start_allowed(*, visitor: str, ip: str) -> bool:
    if not await _acount(ADVENTURES_PER_VISITOR, visitor, settings.STORYWEB_ADVENTURES_PER_VISITOR_PER_HOUR):
        return False
    return await _acount(ADVENTURES_PER_IP, ip or "unknown", settings.STORYWEB_ADVENTURES_PER_IP_PER_HOUR)


def chapter_allowed(*, visitor: str) -> bool:
    return _count(CHAPTERS_PER_VISITOR, visitor, settings.STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE)


async def achapter_allowed(*, visitor: str) -> bool:
    return await _acount(CHAPTERS_PER_VISITOR, visitor, settings.STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE)


def llm_call_allowed() -> bool:
    if _count(LLM_CALLS_PER_DAY, "site", settings.STORYWEB_LLM_CALLS_PER_DAY):
        return True
    telemetry.record("rate_limited", limit="llm")
    return False


async def allm_call_allowed() -> bool:
    if await _acount(LLM_CALLS_PER_DAY, "site", settings.STORYWEB_LLM_CALLS_PER_DAY):
        return True
    telemetry.record("rate_limited", limit="llm")
    return False
