"""Child safety: the local screen on every sentence, the independent moderation call,
the stream wrapper that holds back one sentence and rewrites what is flagged, and the
checks on what players type. See README "Child safety and privacy"."""

from __future__ import annotations

from adventures.safety.screen import Flag, check

__all__ = ["Flag", "check", "player_text_ok"]


def player_text_ok(text: str) -> bool:
    """May this name, nickname or comment be stored and shown? (The local screen; a
    flagged one is refused, never cleaned up and kept.)"""
    return check(text) is None
