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


# Phrases as word tuples, found by their first word: a text is checked with one
# dictionary look-up per word rather than a regular expression per phrase.
_Index = dict[str, tuple[tuple[str, ...], ...]]


@dataclass(frozen=True)
class _Lists:
    # Every category's phrases in one index, each with its category's place in CATEGORIES,
    # by category and then the longest phrase first: one look-up per word for them all.
    phrases: dict[str, tuple[tuple[int, tuple[str, ...]], ...]]
    severities: tuple[int, ...]  # by category
    patterns: tuple[tuple[re.Pattern[str], ...], ...]  # the "re:" lines, by category
    allowed: _Index


_SPELLINGS: dict[str, str] = {"’": "'", "‘": "'", "-": " ", "_": " ", "‐": " ", "–": " "}


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, hyphens and underscores as spaces, one space
    between words (so a phrase matches across a line break)."""
    text = text.lower()
    for spelling, plain in _SPELLINGS.items():  # str.replace: far faster than translate
        text = text.replace(spelling, plain)
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


def _index(phrases: list[tuple[str, ...]]) -> _Index:
    found: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):  # the whole phrase before a part of it
        found.setdefault(phrase[0], []).append(phrase)
    return {word: tuple(items) for word, items in found.items()}


@cache
def _lists() -> _Lists:
    phrases: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    severities, patterns = [], []
    for rank, category in enumerate(CATEGORIES):
        severity, listed, expressions = _read(LISTS / f"{category}.txt")
        for word, items in _index(listed).items():
            phrases.setdefault(word, []).extend((rank, phrase) for phrase in items)
        severities.append(severity)
        patterns.append(tuple(expressions))
    _, allowed, _ = _read(LISTS / "allow.txt")
    return _Lists(
        phrases={word: tuple(items) for word, items in phrases.items()},
        severities=tuple(severities),
        patterns=tuple(patterns),
        allowed=_index(allowed),
    )


def reload_lists() -> None:
    """Read the lists again (after an operator edited them, or in a test)."""
    _lists.cache_clear()


def check(text: str) -> Flag | None:
    """The first flag in `text` (in the order of CATEGORIES; within a category, the
    phrase found first, then the "re:" lines), or None when it is clean."""
    lists = _lists()
    plain = normalise(text)
    words = _WORD.findall(plain)
    present = set(words)  # most texts hold no listed word: two set look-ups say so
    allowed = [False] * len(words)  # words inside an allow-listed phrase match nothing
    if not present.isdisjoint(lists.allowed):
        for at, word in enumerate(words):
            for phrase in lists.allowed.get(word, ()):
                if tuple(words[at : at + len(phrase)]) == phrase:
                    allowed[at : at + len(phrase)] = [True] * len(phrase)
                    break
    first: dict[int, tuple[int, int]] = {}  # category's rank -> (where, how many words)
    if not present.isdisjoint(lists.phrases):
        for at, word in enumerate(words):
            if allowed[at]:
                continue
            for rank, phrase in lists.phrases.get(word, ()):
                if rank in first or tuple(words[at : at + len(phrase)]) != phrase:
                    continue
                if not any(allowed[at : at + len(phrase)]):
                    first[rank] = (at, len(phrase))
    spans = [(m.start(), m.end()) for m in _WORD.finditer(plain)] if first or any(allowed) else []
    searchable = plain  # for the "re:" lines: the allow-listed words blanked out
    for i, (a, b) in enumerate(spans):
        if allowed[i]:
            searchable = searchable[:a] + " " * (b - a) + searchable[b:]
    for rank, category in enumerate(CATEGORIES):
        severity = lists.severities[rank]
        if rank in first:
            at, length = first[rank]
            return Flag(category=category, severity=severity, term=plain[spans[at][0] : spans[at + length - 1][1]])
        for pattern in lists.patterns[rank]:
            found = pattern.search(searchable)
            if found:
                return Flag(category=category, severity=severity, term=found[0].strip())
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
