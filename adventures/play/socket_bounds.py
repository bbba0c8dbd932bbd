"""What one visitor's sockets may cost a process: how many may be open at once (per
adventure and per visitor), and how fast one may send. Counted per process, in memory:
the bound is on this process's memory and work (with N processes, a visitor may hold N
times as many sockets, still a fixed number).
"""

from __future__ import annotations

import time
from collections import Counter, deque

from django.conf import settings

_open: Counter[str] = Counter()

TOO_MANY_SOCKETS = 4429  # an application close code: htmx does not reconnect after it
FLOODING = 4008  # likewise (1008 itself is reserved for the server, daphne refuses to send it)


def socket_keys(*, adventure_id: str, visitor: str | None, user_id: int | None) -> tuple[str, ...]:
    owner = f"user:{user_id}" if user_id is not None else f"visitor:{visitor}"
    return (f"adventure:{adventure_id}", owner)


def admit(keys: tuple[str, ...]) -> bool:
    """Count one more open socket under each key, unless one of them is full."""
    adventure_key, owner_key = keys
    if (
        _open[adventure_key] >= settings.STORYWEB_SOCKETS_PER_ADVENTURE
        or _open[owner_key] >= settings.STORYWEB_SOCKETS_PER_VISITOR
    ):
        return False
    _open.update(keys)
    return True


def release(keys: tuple[str, ...]) -> None:
    _open.subtract(keys)
    for key in keys:
        if _open[key] <= 0:
            del _open[key]


def open_sockets(key: str) -> int:
    return _open[key]


class FramePace:
    """At most STORYWEB_SOCKET_FRAMES_PER_10S frames in any ten seconds. A player clicks a
    few times a minute; more is a script, and a socket whose frames queue up faster than
    they are handled would grow without bound."""

    WINDOW = 10.0

    def __init__(self) -> None:
        self.times: deque[float] = deque()

    def allows_one_more(self) -> bool:
        now = time.monotonic()
        while self.times and now - self.times[0] > self.WINDOW:
            self.times.popleft()
        self.times.append(now)
        allowed: int = settings.STORYWEB_SOCKET_FRAMES_PER_10S
        return len(self.times) <= allowed
