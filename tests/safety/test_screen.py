"""The local screen against its sentence suite (sentences.yaml): every unsafe sentence
caught in its own category, no safe sentence flagged. The figures are in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from adventures.safety import player_text_ok, screen

SUITE = yaml.safe_load((Path(__file__).parent / "sentences.yaml").read_text(encoding="utf-8"))
UNSAFE = [(category, s) for category, sentences in SUITE["unsafe"].items() for s in sentences]
SAFE = SUITE["safe"]


def test_the_suite_is_big_enough_and_covers_every_category():
    assert len(UNSAFE) + len(SAFE) >= 200
    assert sorted(SUITE["unsafe"]) == sorted(screen.CATEGORIES)
    assert all(len(sentences) >= 20 for sentences in SUITE["unsafe"].values())
    assert len(SAFE) >= 100


def test_every_unsafe_sentence_is_caught_in_its_category():
    missed = [(c, s) for c, s in UNSAFE if screen.check(s) is None]
    wrong = [(c, s, f.category) for c, s in UNSAFE if (f := screen.check(s)) and f.category != c]
    assert missed == []
    assert wrong == []


def test_no_safe_sentence_is_flagged():
    flagged = [(s, screen.check(s)) for s in SAFE if screen.check(s) is not None]
    assert flagged == []


@pytest.mark.parametrize(
    ("text", "category", "severity", "term"),
    [
        ("He STABBED the guard.", "violence", 4, "stabbed"),
        ("A knife-\nto his throat", "violence", 4, "knife to his throat"),
        ("Don’t tell your parents!", "contact", 5, "don't tell your parents"),
        ("self‐harm", "self_harm", 5, "self harm"),
        ("write to bob.smith@example.org", "contact", 5, "bob.smith@example.org"),
    ],
)
def test_matching_ignores_case_curly_quotes_hyphens_and_line_breaks(text, category, severity, term):
    assert screen.check(text) == screen.Flag(category=category, severity=severity, term=term)


@pytest.mark.parametrize("text", ["stable", "skilled", "Sussex", "a grape", "the scunthorpe bus", "shitake"])
def test_only_whole_words_match(text):
    assert screen.check(text) is None


def test_player_text_ok():
    assert player_text_ok("Luna the Brave")
    assert not player_text_ok("killer_kid")
    assert not player_text_ok("add me on snapchat")


def test_split_sentences_keeps_every_character_and_holds_back_the_unfinished_one():
    text = 'The gate creaked. "Who goes there?" asked Quill.\n\nNobody answered. The wind'
    sentences, rest = screen.split_sentences(text)
    assert sentences == ["The gate creaked. ", '"Who goes there?" ', "asked Quill.\n\n", "Nobody answered. "]
    assert rest == "The wind"
    assert "".join(sentences) + rest == text
    assert screen.split_sentences("No end yet") == ([], "No end yet")
