"""Child safety: the local screen on every sentence, the independent moderation call,
the stream wrapper that holds back one sentence and rewrites what is flagged, and the
checks on what players type. See README "Child safety and privacy"."""

from __future__ import annotations

from collections.abc import Callable

from adventures.safety.screen import Flag, check

__all__ = ["Flag", "check", "player_text_ok", "player_text_validator"]


def player_text_ok(text: str) -> bool:
    """May this name, nickname or comment be stored and shown? (The local screen; a
    flagged one is refused, never cleaned up and kept.)"""
    return check(text) is None


def player_text_validator(where: str) -> Callable[[str], None]:
    """A form validator for player text (`where`: username, feedback, nickname): a flagged
    text is refused with a kind message, and the flag is recorded for grown-ups."""
    from django.core.exceptions import ValidationError

    from adventures.safety.flags import flag_record

    def validate(value: str) -> None:
        flag = check(value or "")
        if flag is None:
            return
        flag_record(
            where=where,
            layer="screen",
            category=flag.category,
            severity=flag.severity,
            action="refused",
            text=value,
        )
        raise ValidationError(REFUSED.get(where, REFUSED["text"]), code="unsafe")

    return validate


REFUSED = {
    "username": "Please pick a different name: that one has words we don't use in StoryWeb. A made-up name "
    "like StarFox or Captain Acorn is perfect (and safer than your real name).",
    "nickname": "Please pick a different name: that one has words we don't use in StoryWeb. "
    "Your first name or a nickname your teacher is happy with is perfect.",
    "feedback": "Please say that without those words, or without any addresses or numbers, and send it again.",
    "text": "Please try different words: some of these are not used in StoryWeb.",
}
