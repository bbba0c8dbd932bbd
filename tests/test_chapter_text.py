"""Cleaning model prose and checking choices: pure rules."""

from __future__ import annotations

import random

import pytest

from adventures.storytellers.chapter_text import (
    CHOICES_MARKER,
    ChoicesInvalid,
    clean_prose,
    paragraphs,
    split_choices_block,
    validate_choices,
)


def test_three_good_choices_pass_cleaned():
    assert validate_choices(["Follow the  lanterns", "Ask the owl for help", "Climb the tower"]) == (
        "Follow the lanterns",
        "Ask the owl for help",
        "Climb the tower",
    )


@pytest.mark.parametrize(
    ("choices", "why"),
    [
        (["Go left", "Go right"], "exactly three"),
        (["Go left", "Go right", "Go up", "Go down"], "exactly three"),
        (["A) Go left", "B) Go right", "C) Go up"], "label"),
        (["1. Go left", "2. Go right", "3. Go up"], "label"),
        (["- Go left", "- Go right", "- Go up"], "label"),
        (["Option 1: Go left", "Go right", "Go up"], "label"),
        (["Go left", "Go left.", "Go up"], "distinct"),
        (["Go left", "GO LEFT", "Go up"], "distinct"),
        (["Choice 1", "Go right", "Go up"], "label|placeholder"),
        (["...", "Go right", "Go up"], "placeholder"),
        (["[choice]", "Go right", "Go up"], "placeholder"),
        (["Go", "Go right", "Go up"], "length"),
        (["x" * 200, "Go right", "Go up"], "length"),
    ],
)
def test_bad_choices_are_refused(choices, why):
    with pytest.raises(ChoicesInvalid, match=why):
        validate_choices(choices)


def test_a_cat_is_not_a_label():
    assert validate_choices(["A cat follows you home", "Ask the owl", "Climb up"])[0] == "A cat follows you home"


def test_split_choices_block():
    prose, choices = split_choices_block(f"It was dark.\n\nThe end.\n{CHOICES_MARKER}\nRun\n\nHide\nSing\n")
    assert prose == "It was dark.\n\nThe end.\n"
    assert choices == ["Run", "Hide", "Sing"]
    assert split_choices_block("No marker here.") == ("No marker here.", None)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Chapter 3\n\nIt began.", "It began."),
        ("**Chapter Three: The Door**\n\nIt began.", "It began."),
        ("## Chapter 3: X\n\nHello **there**.", "Hello there."),
        ("# The Door\n\nIt *was* __big__.", "The Door\n\nIt was big."),
        ("One.\n\n***\n\nTwo.\n\n* * *\n\nThree.", "One.\n\nTwo.\n\nThree."),
        ("A line\nwrapped.\n\n\n\nNext.", "A line wrapped.\n\nNext."),
        ("The chapter ends here.", "The chapter ends here."),
    ],
)
def test_clean_prose(raw, clean):
    assert clean_prose(raw) == clean


def test_clean_prose_is_idempotent_on_thousands_of_random_texts():
    rng = random.Random(5)
    words = ["the", "owl", "**bold**", "_soft_", "#", "Chapter", "2", "\n", "\n\n", "---", "*", "door.", "“Hi!”"]
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 40)))
        once = clean_prose(text)
        assert clean_prose(once) == once
        assert "**" not in once and "\n\n\n" not in once
        assert all(p.strip() for p in paragraphs(once))
