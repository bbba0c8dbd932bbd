"""Reading level, pure: the offline storyteller's way to write for the younger age band
(shorter sentences, a few plainer words). The grade itself is measured by readability.py."""

from __future__ import annotations

import re

YOUNGER = "8-10"
OLDER = "11-13"
AGE_BANDS = (YOUNGER, OLDER)

# Long words of the offline storyteller's library, with the plainer word a younger reader
# meets first. Only whole words, keeping a capital.
PLAINER_WORDS = {
    "enormous": "huge",
    "extraordinary": "amazing",
    "incredible": "amazing",
    "immediately": "at once",
    "eventually": "at last",
    "discovered": "found",
    "mysterious": "strange",
    "beautiful": "lovely",
    "particular": "special",
    "absolutely": "truly",
    "especially": "most of all",
    "investigate": "look into",
    "exactly": "just",
    "carefully": "with care",
    "wonderful": "great",
    "excitement": "joy",
}
_PLAINER = re.compile(
    r"\b(?:(an?)\s+)?(" + "|".join(sorted(PLAINER_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)

# Where a long sentence can become two: before a joining word after a comma, when what
# follows starts a clause of its own ("..., and the children stepped in", "..., but she
# smiled"). A list ("short hair, round glasses, and a green jumper"; "Mia, Tom, and Sam")
# is left whole: after a comma in the part before, only a pronoun or "the" counts.
_JOIN = re.compile(r",\s+(and|but|so|then)\s+", re.IGNORECASE)
_PRONOUNS = frozenset(
    ["the", "she", "he", "they", "it", "we", "i", "you", "everyone", "nobody", "someone", "everybody", "there"]
)
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_SHORT_ENOUGH = 14  # words: a sentence at most this long is left whole


def _plainer(match: re.Match[str]) -> str:
    article, word = match.group(1), match.group(2)
    plain = PLAINER_WORDS[word.lower()]
    if word[0].isupper():
        plain = plain[0].upper() + plain[1:]
    if article is None:
        return plain
    # "an enormous" -> "a huge"; "a" before a vowel sound -> "an".
    fitting = "an" if plain[0].lower() in "aeiou" else "a"
    if article[0].isupper():
        fitting = fitting.capitalize()
    return f"{fitting} {plain}"


def _starts_a_clause(text: str, *, after_a_list: bool) -> bool:
    first = _WORD.match(text)
    if first is None:
        return False
    word = first.group(0)
    return word.lower() in _PRONOUNS or (not after_a_list and word[0].isupper())


def _split_sentence(sentence: str) -> str:
    if len(_WORD.findall(sentence)) <= _SHORT_ENOUGH or '"' in sentence or "“" in sentence:
        return sentence
    for join in _JOIN.finditer(sentence):
        before, after = sentence[: join.start()], sentence[join.end() :]
        if not _starts_a_clause(after, after_a_list="," in before):
            continue
        if len(_WORD.findall(before)) >= 5 and len(_WORD.findall(after)) >= 5:
            return f"{before}. {join.group(1).capitalize()} {_split_sentence(after)}"
    return sentence


def for_band(text: str, age_band: str) -> str:
    """The text as the offline storyteller gives it to a reader of `age_band`: the older
    band as written; the younger one with long sentences split and a few plainer words.
    Paragraphs and dialogue stay as they are."""
    if age_band != YOUNGER:
        return text
    paragraphs = []
    for paragraph in text.split("\n"):
        parts = re.split(r"(?<=[.!?])\s+", paragraph)
        paragraphs.append(_PLAINER.sub(_plainer, " ".join(_split_sentence(part) for part in parts)))
    return "\n".join(paragraphs)
