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
_WORD = re.compile(r"[a-z0-9]+")  # anything else (spaces, apostrophes, @) is a boundary


@dataclass(frozen=True)
class Flag:
    category: str  # one of CATEGORIES
    severity: int  # 1 (mild) .. 5 (severe)
    term: str  # what matched, as it reads in the (normalised) text

    @property
    def category_name(self) -> str:
        return CATEGORY_NAMES.get(self.category, self.category)


@dataclass(frozen=True)
class _List:
    category: str
    severity: int
    # Phrases as word tuples, found by their first word: a sentence is checked with one
    # dictionary look-up per word rather than a regular expression per phrase.
    by_first_word: dict[str, tuple[tuple[str, ...], ...]]
    patterns: tuple[re.Pattern[str], ...]  # the "re:" lines


_SPELLINGS: dict[str, str | int | None] = {"’": "'", "‘": "'", "-": " ", "_": " ", "‐": " ", "–": " "}


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, hyphens and underscores as spaces, one space
    between words (so a phrase matches across a line break)."""
    text = text.lower().translate(str.maketrans(_SPELLINGS))
    return " ".join(text.split())


def _read(path: Path) -> tuple[int, list[tuple[str, ...]], list[re.Pattern[str]]]:
    severity, phrases, patterns = 3, [], []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            found = _SEVERITY.match(line)
            severity = int(found[1]) if found else severity
        elif line.startswith("re:"):
            patterns.append(re.compile(line[3:]))
        else:
            phrases.append(tuple(_WORD.findall(normalise(line))))
    return severity, phrases, patterns


def _index(phrases: list[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    found: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):  # the whole phrase before a part of it
        found.setdefault(phrase[0], []).append(phrase)
    return {word: tuple(items) for word, items in found.items()}


@cache
def _lists() -> tuple[tuple[_List, ...], dict[str, tuple[tuple[str, ...], ...]]]:
    lists = []
    for category in CATEGORIES:
        severity, phrases, patterns = _read(LISTS / f"{category}.txt")
        lists.append(_List(category, severity, _index(phrases), tuple(patterns)))
    _, allowed, _ = _read(LISTS / "allow.txt")
    return tuple(lists), _index(allowed)


def reload_lists() -> None:
    """Read the lists again (after an operator edited them, or in a test)."""
    _lists.cache_clear()


def _matches(words: list[str], at: int, index: dict[str, tuple[tuple[str, ...], ...]]) -> tuple[str, ...] | None:
    for phrase in index.get(words[at], ()):
        if tuple(words[at : at + len(phrase)]) == phrase:
            return phrase
    return None


def check(text: str) -> Flag | None:
    """The first flag in `text` (in the order of CATEGORIES), or None when it is clean."""
    lists, allow = _lists()
    plain = normalise(text)
    spans = [(m.start(), m.end()) for m in _WORD.finditer(plain)]
    words = [plain[a:b] for a, b in spans]
    allowed = [False] * len(words)  # words inside an allow-listed phrase match nothing
    for at in range(len(words)):
        phrase = _matches(words, at, allow)
        if phrase:
            allowed[at : at + len(phrase)] = [True] * len(phrase)
    searchable = plain  # for the "re:" lines: the allow-listed words blanked out
    for i, (a, b) in enumerate(spans):
        if allowed[i]:
            searchable = searchable[:a] + " " * (b - a) + searchable[b:]
    for item in lists:
        for at in range(len(words)):
            phrase = None if allowed[at] else _matches(words, at, item.by_first_word)
            if phrase and not any(allowed[at : at + len(phrase)]):
                term = plain[spans[at][0] : spans[at + len(phrase) - 1][1]]
                return Flag(category=item.category, severity=item.severity, term=term)
        for pattern in item.patterns:
            found = pattern.search(searchable)
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
