"""Cost limits, counted in the cache (Redis when REDIS_URL is set, so every process
shares the counters): new adventures per visitor and per IP per hour; chapters per
visitor and per IP per minute and per IP per day (one address's share of the site's
model budget); and a daily cap on LLM calls for the whole site.

Chapters are counted when one is about to be written, not per message: a stale,
duplicate or malformed choice is refunded or never counted, and a refused attempt
takes nothing, so a double click or a reconnect costs the child no reading time.

Counters use fixed windows keyed by the window's start, so they reset on their own.
Each check has an `a`-prefixed twin for the event loop: with Redis behind the cache a
plain call would block every socket of the process for a round trip.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from adventures.operations import telemetry
from adventures.runtime import coordination


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

    def seconds_left(self, now: float) -> int:
        """Until this window ends and a fresh count begins."""
        return max(1, math.ceil(self.window_seconds - now % self.window_seconds))


ADVENTURES_PER_VISITOR = Limit("adventures-visitor", 3600)
ADVENTURES_PER_IP = Limit("adventures-ip", 3600)
CHAPTERS_PER_VISITOR = Limit("chapters-visitor", 60)
CHAPTERS_PER_IP = Limit("chapters-ip", 60)
CHAPTERS_PER_IP_PER_DAY = Limit("chapters-ip-day", 86400)
LLM_CALLS_PER_DAY = Limit("llm-calls", 86400)
LOGIN_FAILURES_PER_USERNAME = Limit("login-user", 900)
LOGIN_FAILURES_PER_IP = Limit("login-ip", 900)

FRIENDLY_MESSAGES = {
    "adventures": "You have started lots of adventures in the last hour. Finish one of them, "
    "or come back a little later to begin a new one.",
    "chapters": "Whoa, you are reading fast! Take a breath: your story carries on by itself in {seconds} seconds.",
    "chapters-today": "So many chapters have been read from your school or home today that the storyteller "
    "is resting until tomorrow. Your adventure is saved: come back tomorrow to carry on.",
    "login": "Too many wrong passwords. Please wait a quarter of an hour, then try again.",
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
    """`_count` for the event loop (one round trip)."""
    [used] = await coordination.shared.count([(limit.key(who, time.time()), limit.timeout)])
    return bool(used <= allowed)


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


@dataclass(frozen=True)
class ChapterTicket:
    """One chapter counted against the reading-pace and per-address limits, or refused."""

    keys: tuple[str, ...] = ()  # the counters it took, for `chapter_refund`
    refused: str = ""  # "", "chapters" (the pace: wait `retry_after` s) or "chapters-today"
    retry_after: int = 0

    @property
    def allowed(self) -> bool:
        return not self.refused

    @property
    def message(self) -> str:
        return FRIENDLY_MESSAGES[self.refused].format(seconds=self.retry_after) if self.refused else ""


def _chapter_limits(visitor: str, ip: str) -> list[tuple[Limit, str, int, str]]:
    ip = ip or "unknown"
    return [
        (CHAPTERS_PER_VISITOR, visitor, settings.STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE, "chapters"),
        (CHAPTERS_PER_IP, ip, settings.STORYWEB_CHAPTERS_PER_IP_PER_MINUTE, "chapters"),
        (CHAPTERS_PER_IP_PER_DAY, ip, settings.STORYWEB_CHAPTERS_PER_IP_PER_DAY, "chapters-today"),
    ]


def chapter_take(*, visitor: str, ip: str) -> ChapterTicket:
    """Count a chapter about to be written. Each counter is taken with an atomic
    increment and given back when any of them says no, so concurrent attempts never
    overshoot a limit and a refused one costs nothing."""
    now, taken = time.time(), []
    for limit, who, allowed, name in _chapter_limits(visitor, ip):
        key = limit.key(who, now)
        taken.append(key)
        if _incr(key, limit.timeout) > allowed:
            _give_back(taken)
            return ChapterTicket(refused=name, retry_after=limit.seconds_left(now))
    return ChapterTicket(keys=tuple(taken))


async def achapter_take(*, visitor: str, ip: str) -> ChapterTicket:
    """`chapter_take` for the event loop: every counter taken at once (one round trip
    to Redis), all given back (one more) when any says no."""
    now = time.time()
    limits = _chapter_limits(visitor, ip)
    counters = [(limit.key(who, now), limit.timeout) for limit, who, _, _ in limits]
    keys = [key for key, _ in counters]
    used = await coordination.shared.count(counters)
    for count, (limit, _, allowed, name) in zip(used, limits, strict=True):
        if count > allowed:
            await coordination.shared.uncount(keys)
            return ChapterTicket(refused=name, retry_after=limit.seconds_left(now))
    return ChapterTicket(keys=tuple(keys))


def chapter_refund(ticket: ChapterTicket) -> None:
    """The chapter was not written after all (a stale or duplicate choice)."""
    _give_back(list(ticket.keys))


async def achapter_refund(ticket: ChapterTicket) -> None:
    await coordination.shared.uncount(list(ticket.keys))


def _incr(key: str, seconds: int) -> int:
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return 1


def _give_back(keys: list[str]) -> None:
    for key in keys:
        with contextlib.suppress(ValueError):  # its window has ended meanwhile: nothing to give back
            cache.decr(key)


def llm_call_allowed() -> bool:
    if _count(LLM_CALLS_PER_DAY, "site", settings.STORYWEB_LLM_CALLS_PER_DAY):
        return True
    telemetry.record("rate_limited", limit="llm")
    return False


async def allm_call_and_flags(flags: Sequence[str]) -> tuple[bool, list[Any]]:
    """Count one more call to the model against the daily cap (True while within it) and
    read the shared `flags` that may hold the call back: one round trip to Redis."""
    key = LLM_CALLS_PER_DAY.key("site", time.time())
    [used], values = await coordination.shared.count_and_read([(key, LLM_CALLS_PER_DAY.timeout)], flags)
    if used <= settings.STORYWEB_LLM_CALLS_PER_DAY:
        return True, values
    telemetry.record("rate_limited", limit="llm")
    return False, values


def login_allowed(*, ip: str, username: str) -> bool:
    """False once this user name or this address has had too many wrong passwords."""
    now = time.time()
    failures = cache.get_many(
        [LOGIN_FAILURES_PER_USERNAME.key(username, now), LOGIN_FAILURES_PER_IP.key(ip or "unknown", now)]
    )
    by_username = int(failures.get(LOGIN_FAILURES_PER_USERNAME.key(username, now), 0))
    by_ip = int(failures.get(LOGIN_FAILURES_PER_IP.key(ip or "unknown", now), 0))
    return bool(
        by_username < settings.STORYWEB_LOGIN_FAILURES_PER_USERNAME and by_ip < settings.STORYWEB_LOGIN_FAILURES_PER_IP
    )


def login_failed(*, ip: str, username: str) -> None:
    now = time.time()
    _incr(LOGIN_FAILURES_PER_USERNAME.key(username, now), LOGIN_FAILURES_PER_USERNAME.timeout)
    _incr(LOGIN_FAILURES_PER_IP.key(ip or "unknown", now), LOGIN_FAILURES_PER_IP.timeout)
