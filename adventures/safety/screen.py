"""The local screen: a fast check of a sentence (or a name, or a comment) against the
word and phrase lists kept as data in adventures/safety/lists/. Pure Python, no ORM,
no network, so it runs on every sentence of every chapter before it is sent.

Matching is on whole words, in any case, with curly quotes straightened and hyphens
read as spaces ("self-harm" is "self harm"). Phrases of the allow-list are blanked
out first, so "a killer whale" or "the naked eye" never flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LISTS = Path(__file__).parent / "lists"
# The order decides the category of a text that matches two lists ("kill myself" is
# self-harm before it is violence).
CATEGORIES = ("self_harm", "sexual", "contact", "personal_data", "slurs", "violence")
CATEGORY_NAMES = {
    "self_harm": "self-harm",
    "sexual": "sexual content",
    "contact": "contact-seeking",
    "personal_data": "a request for personal details",
    "slurs": "slurs or swearing",
    "violence": "violence",
}
_SEVERITY = re.compile(r"^#\s*severity:\s*([1-5])\s*$")
_EDGE_BEFORE, _EDGE_AFTER = r"(?<![a-z0-9])", r"(?![a-z0-9])"


@dataclass(frozen=True)
class Flag:
    category: str  # one of CATEGORIES
    severity: int  # 1 (mild) .. 5 (severe)
    term: str  # what matched, as it reads in the text

    @property
    def category_name(self) -> str:
        return CATEGORY_NAMES.get(self.category, self.category)


@dataclass(frozen=True)
class _List:
    category: str
    severity: int
    pattern: re.Pattern[str]


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, hyphens and underscores as spaces, one space
    between words (so a phrase matches across a line break)."""
    text = text.lower().translate(str.maketrans({"’": "'", "‘": "'", "-": " ", "_": " ", "‐": " ", "–": " "}))
    return " ".join(text.split())


def _phrase(line: str) -> str:
    if line.startswith("re:"):
        return f"(?:{line[3:]})"
    words = normalise(line).split(" ")
    return _EDGE_BEFORE + r"\s+".join(re.escape(w) for w in words) + _EDGE_AFTER


def _read(path: Path) -> tuple[int, list[str]]:
    severity, phrases = 3, []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            found = _SEVERITY.match(line)
            severity = int(found[1]) if found else severity
            continue
        phrases.append(_phrase(line))
    return severity, phrases


@cache
def _lists() -> tuple[tuple[_List, ...], re.Pattern[str] | None]:
    lists = []
    for category in CATEGORIES:
        severity, phrases = _read(LISTS / f"{category}.txt")
        # Longest first, so the reported term is the whole phrase rather than a part.
        phrases.sort(key=len, reverse=True)
        lists.append(_List(category, severity, re.compile("|".join(phrases))))
    _, allowed = _read(LISTS / "allow.txt")
    allow = re.compile("|".join(sorted(allowed, key=len, reverse=True))) if allowed else None
    return tuple(lists), allow


def reload_lists() -> None:
    """Read the lists again (after an operator edited them, or in a test)."""
    _lists.cache_clear()


def check(text: str) -> Flag | None:
    """The first flag in `text`, or None when it is clean."""
    lists, allow = _lists()
    plain = normalise(text)
    if allow is not None:
        plain = allow.sub(lambda m: " " * len(m[0]), plain)
    for item in lists:
        found = item.pattern.search(plain)
        if found:
            return Flag(category=item.category, severity=item.severity, term=found[0].strip())
    return None


_SENTENCE_END = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s)""")


def split_sentences(text: str) -> tuple[list[str], str]:
    """Complete sentences at the start of `text` (each with the space after it), and
    the unfinished rest. A sentence ends at . ! ? or … (and any closing quote) followed
    by whitespace; `text` joins back from the parts exactly."""
    sentences: list[str] = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        stop = end.end()
        while stop < len(text) and text[stop].isspace():
            stop += 1
        sentences.append(text[start:stop])
        start = stop
    return sentences, text[start:]
