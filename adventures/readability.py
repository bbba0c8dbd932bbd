"""Reading measures for the storyteller quality report and its tests: sentences, a
syllable count by rule of thumb, the Flesch-Kincaid grade, and how much prose repeats
within one adventure and across several. Pure Python, no Django.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


def sentences(text: str) -> list[str]:
    """The sentences of a text, whitespace tidied, quotes kept: a sentence ends at . ! or ?
    (a closing quote may follow) before a space and a capital or an opening quote, or at
    a paragraph break."""
    parts = []
    for part in re.split(r"\n\s*\n", text):
        start = 0
        for match in re.finditer(r"[.!?]+[”’\"']?(?=\s+[“\"'A-Z0-9]|\s*$)", part):
            parts.append(part[start : match.end()])
            start = match.end()
        parts.append(part[start:])
    return [" ".join(p.split()) for p in parts if p.strip()]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def syllables(word: str) -> int:
    """Vowel groups, less a silent final e, at least one: good to a syllable or so for
    the plain words children's stories use."""
    w = word.lower().replace("’", "'").split("'")[0]
    if not w:
        return 1
    if len(w) <= 3:
        return 1
    groups = re.findall(r"[aeiouy]+", w)
    count = len(groups)
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    if w.endswith(("ed",)) and not w.endswith(("ted", "ded")) and count > 1:
        count -= 1
    return max(1, count)


def fk_grade(text: str) -> float:
    """Flesch-Kincaid grade level: 0.39 words/sentence + 11.8 syllables/word - 15.59."""
    found = sentences(text)
    all_words = words(text)
    if not found or not all_words:
        return 0.0
    syllable_count = sum(syllables(w) for w in all_words)
    return 0.39 * len(all_words) / len(found) + 11.8 * syllable_count / len(all_words) - 15.59


@dataclass(frozen=True)
class Repetition:
    shared_share: float  # of all sentences read, the share also found in another adventure
    most_in_one: int  # the most times one sentence appears within one adventure
    worst_sentence: str  # that sentence
    top_shared: tuple[tuple[str, int], ...]  # sentences in the most adventures, with counts


def repetition(adventures: Sequence[Iterable[str]]) -> Repetition:
    """`adventures`: each adventure's chapter texts."""
    per_adventure = [[s for text in texts for s in sentences(text)] for texts in adventures]
    in_adventures: Counter[str] = Counter()
    for found in per_adventure:
        in_adventures.update(set(found))
    total = sum(len(found) for found in per_adventure)
    shared = sum(1 for found in per_adventure for s in found if in_adventures[s] > 1)
    most, worst = 0, ""
    for found in per_adventure:
        for sentence, count in Counter(found).items():
            if count > most:
                most, worst = count, sentence
    top = tuple((s, n) for s, n in in_adventures.most_common(10) if n > 1)
    return Repetition(shared / total if total else 0.0, most, worst, top)
