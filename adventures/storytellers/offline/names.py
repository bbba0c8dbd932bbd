"""How the offline storyteller names people and places: the short name after a first
meeting, whether a text names a character, a name mid-sentence. Pure, no Django."""

from __future__ import annotations

import re

from adventures.storytellers.base import Character

_TITLES = {
    "professor",
    "captain",
    "commander",
    "madame",
    "dr",
    "doctor",
    "lady",
    "lord",
    "sir",
    "queen",
    "king",
    "old",
    "grandmother",
    "grandfather",
    "grandma",
    "grandpa",
    "granny",
    "aunt",
    "uncle",
    "the",
}
# Words of a name too common to pick the character out of a text on their own.
_NOT_DISTINCTIVE = _TITLES | {"and", "of", "mister", "miss", "mr", "mrs", "ms", "young", "little", "big"}
_KIN = {"grandmother", "grandfather", "grandma", "grandpa", "granny", "aunt", "uncle"}
_NOUN_ENDINGS = {"mother", "father", "fox", "bear", "cat", "owl", "dog"}


def short_name(name: str) -> str:
    """How the story calls a character after meeting them: "Hazel Thimblewick" -> "Hazel",
    "Professor Tilda Sprocket" -> "Professor Sprocket", "Grandma Ingrid Snowberry" ->
    "Grandma Ingrid"; names like "Sky Mother" or "Wim and Wen" stay whole."""
    parts = name.split()
    if len(parts) < 2 or " and " in name or parts[-1].lower() in _NOUN_ENDINGS:
        return name
    first = parts[0].lower().rstrip(".")
    if first in _TITLES:
        if len(parts) == 2 or first == "the":
            return name
        return f"{parts[0]} {parts[1]}" if first in _KIN else f"{parts[0]} {parts[-1]}"
    return parts[0] if len(parts) == 2 else name


def named_in(character: Character, text: str) -> bool:
    """Is the character named in the text, by full name or a distinctive part of it
    ("Professor Sprocket" for "Professor Tilda Sprocket", "Wen" for "Wim and Wen")?"""
    if character.name in text:
        return True
    parts = [p for p in re.split(r"[\s-]+", character.name) if len(p) > 2 and p.lower() not in _NOT_DISTINCTIVE]
    return any(re.search(rf"\b{re.escape(p)}\b", text) for p in parts)


def mid_sentence(name: str) -> str:
    """A name as it reads mid-sentence: "The Cirrus Isles" -> "the Cirrus Isles" (the
    capitaliser puts the capital back at the start of a sentence)."""
    return "the " + name[4:] if name.startswith("The ") else name
