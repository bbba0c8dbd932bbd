"""Rules for chapter text and choices: cleaning prose, splitting the choices block off
a model's output, validating choices. Pure Python, no Django, no I/O.
"""

from __future__ import annotations

import re

CHOICES_MARKER = "[[CHOICES]]"
MAX_CHOICE_LENGTH = 160
MIN_CHOICE_LENGTH = 3

_LABEL = re.compile(
    r"^\s*(?:[-*\u2022]|\(?[A-Ca-c1-3][\).:]|option\s+[a-c1-3]\s*[:.)-]?|choice\s+[a-c1-3]\s*[:.)-]?)\s*", re.I
)
_PLACEHOLDER = re.compile(r"^(?:choice|option)\s*\d*$|^\.\.\.$|^\[.*\]$|^<.*>$|^(?:tbd|todo|n/?a|lorem ipsum)", re.I)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_CHAPTER_OPENING = re.compile(r"^\s*(?:\*\*|__)?\s*chapter\s+(?:\d+|[a-z]+)\b[^\n]*\n+", re.I)
_RULE = re.compile(r"[-*_]{3,}|(?:[-*_]\s+){2,}[-*_]")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(\S(?:.*?\S)?)\1")


class ChoicesInvalid(ValueError):
    """The choices are not three distinct, clean, meaningful options."""


def strip_label(choice: str) -> str:
    return _LABEL.sub("", choice, count=1).strip().strip('"').strip()


def validate_choices(choices: list[str] | tuple[str, ...]) -> tuple[str, str, str]:
    """Return the three choices cleaned, or raise ChoicesInvalid saying what is wrong."""
    if len(choices) != 3:
        raise ChoicesInvalid(f"expected exactly three choices, got {len(choices)}")
    cleaned = []
    for choice in choices:
        if not isinstance(choice, str):
            raise ChoicesInvalid("every choice must be text")
        text = " ".join(choice.split())
        if _LABEL.match(text) and strip_label(text) != text:
            raise ChoicesInvalid(f"choice carries a label: {text!r}")
        if _PLACEHOLDER.search(text):
            raise ChoicesInvalid(f"choice is a placeholder: {text!r}")
        if not MIN_CHOICE_LENGTH <= len(text) <= MAX_CHOICE_LENGTH:
            raise ChoicesInvalid(f"choice length {len(text)} is out of range")
        cleaned.append(text)
    if len({c.casefold().rstrip(".!") for c in cleaned}) != 3:
        raise ChoicesInvalid("choices are not distinct")
    return cleaned[0], cleaned[1], cleaned[2]


def split_choices_block(raw: str) -> tuple[str, list[str] | None]:
    """Split a model's whole output into prose and the choices after CHOICES_MARKER.

    Returns (prose, choices); choices is None when there is no marker. Choices are one
    per line; labels are kept so that validation can refuse them.
    """
    head, marker, tail = raw.partition(CHOICES_MARKER)
    if not marker:
        return raw, None
    lines = [line.strip() for line in tail.splitlines()]
    return head, [line for line in lines if line]


def clean_prose(text: str) -> str:
    """Tidy model prose: no markdown headings or emphasis, no leading "Chapter N" line,
    paragraphs separated by one blank line. Repeated until nothing changes, because
    removing one marker can bring another to the start of a line."""
    for _ in range(4):
        cleaned = _clean_once(text)
        if cleaned == text:
            break
        text = cleaned
    return text


def _clean_once(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in text.split("\n"):
        if _RULE.fullmatch(line.strip()):
            continue
        line = _HEADING.sub("", line)
        line = _EMPHASIS.sub(r"\2", line)
        lines.append(line.rstrip())
    text = _CHAPTER_OPENING.sub("", "\n".join(lines).lstrip(), count=1)
    return "\n\n".join(paragraphs(text))


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a chapter: split on blank lines, inner line breaks joined."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return [" ".join(block.split()) for block in blocks if block.strip()]


def word_count(text: str) -> int:
    return len(text.split())
