"""The browser -> server socket protocol (DESIGN §6): parsing and checking one
message. Pure Python; the consumer turns a BadMessage into an error fragment.

htmx's ws extension sends the `hx-vals` of the clicked element plus the values of
its form (our no-JavaScript fallback form adds `csrfmiddlewaretoken`, and `chapter`
and `choice`, which the hx-vals override) and a `HEADERS` object.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

MAX_MESSAGE_BYTES = 4096
ACTIONS = ("choose", "resume", "retry", "summary", "feedback")
ALLOWED_KEYS = {"action", "chapter", "choice", "HEADERS", "csrfmiddlewaretoken"}
FEEDBACK_KEYS = {"rating", "comment"}
CHOICE_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
MAX_CHAPTER = 99


class BadMessage(ValueError):
    """Why a message was refused, in words for the player."""


@dataclass(frozen=True)
class Message:
    action: str
    chapter: int | None = None
    choice: str | None = None
    # feedback: the form's fields, as text (checked by the feedback form)
    fields: tuple[tuple[str, str], ...] = ()


def _chapter_number(value: object) -> int:
    # hx-vals gives a number; a form field gives its digits as text.
    if isinstance(value, bool):
        raise BadMessage("The chapter number is not a number.")
    if isinstance(value, str) and value.isdecimal() and len(value) <= 2:
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= MAX_CHAPTER:
        raise BadMessage("The chapter number is not right.")
    return value


def parse(text: str | None, binary: bytes | None = None) -> Message:
    if binary is not None or text is None:
        raise BadMessage("The story only understands text messages.")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES:
        raise BadMessage("That message was too long.")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise BadMessage("That message could not be read.") from error
    if not isinstance(data, dict):
        raise BadMessage("That message could not be read.")
    allowed = ALLOWED_KEYS | (FEEDBACK_KEYS if data.get("action") == "feedback" else set())
    if not set(data) <= allowed:
        raise BadMessage("That message had something unexpected in it.")
    headers = data.get("HEADERS", {})
    if not isinstance(headers, dict):
        raise BadMessage("That message could not be read.")
    action = data.get("action")
    if action not in ACTIONS:
        raise BadMessage("The story does not know how to do that.")
    if action == "feedback":
        fields = {key: data.get(key, "") for key in sorted(FEEDBACK_KEYS)}
        if not all(isinstance(value, str) for value in fields.values()):
            raise BadMessage("That feedback could not be read.")
        return Message(action=action, fields=tuple(fields.items()))
    if action != "choose":
        if "chapter" in data and data["chapter"] is not None:
            _chapter_number(data["chapter"])
        return Message(action=action)
    if "chapter" not in data or "choice" not in data:
        raise BadMessage("A choice needs a chapter and an option.")
    choice = data["choice"]
    if not isinstance(choice, str) or not CHOICE_ID.fullmatch(choice):
        raise BadMessage("That is not one of the choices.")
    return Message(action=action, chapter=_chapter_number(data["chapter"]), choice=choice)
