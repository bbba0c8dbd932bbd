"""Cleaning a streamed chapter as it arrives: the choices marker never leaks, however the
chunks fall, and the saved text is what was shown."""

from __future__ import annotations

import random

import pytest

from adventures.storytellers.chapter_text import clean_prose
from adventures.storytellers.gemini.stream import StreamedChapter

RAW = (
    "## Chapter 3: The Plum Gate\n\n"
    "The **lanterns** hummed along the _path_.\n\n"
    "---\n\n"
    'Quill pointed at a sign marked [EAST]. "This way," he said.\n\n'
    "[[CHOICES]]\n"
    "**Follow the lanterns**\n\n"
    "Ask Quill about the sign\n"
    "Open the gate\n"
)


def stream(raw: str, sizes: list[int]) -> tuple[list[str], StreamedChapter]:
    chapter = StreamedChapter()
    pieces, at, i = [], 0, 0
    while at < len(raw):
        size = sizes[i % len(sizes)]
        pieces.append(chapter.feed(raw[at : at + size]))
        at, i = at + size, i + 1
    pieces.append(chapter.finish())
    return [p for p in pieces if p], chapter


@pytest.mark.parametrize("seed", range(200))
def test_any_chunking_shows_the_same_clean_prose_and_never_the_marker(seed):
    rng = random.Random(seed)
    pieces, chapter = stream(RAW, [rng.randint(1, 9) for _ in range(50)])
    shown = "".join(pieces)
    assert (
        shown == "The lanterns hummed along the path.\n\n\n"
        'Quill pointed at a sign marked [EAST]. "This way," he said.\n\n'
    )
    for piece in pieces:
        assert "[[" not in piece and "CHOICES" not in piece
    assert chapter.choice_lines == ["Follow the lanterns", "Ask Quill about the sign", "Open the gate"]
    assert (
        chapter.text
        == 'The lanterns hummed along the path.\n\nQuill pointed at a sign marked [EAST]. "This way," he said.'
    )


def test_a_marker_split_one_character_at_a_time_is_held_back_until_decided():
    chapter = StreamedChapter()
    assert chapter.feed("Off they went. ") == "Off they went. "
    assert [chapter.feed(c) for c in "[[CHO"] == ["", "", "", "", ""]
    assert chapter.feed("ICES]]\nRun\nHide\nSing") == ""
    assert chapter.finish() == ""
    assert chapter.choice_lines == ["Run", "Hide", "Sing"]


def test_a_held_bracket_that_is_not_the_marker_is_shown_after_all():
    chapter = StreamedChapter()
    assert chapter.feed("They read the sign [") == "They read the sign "
    assert chapter.feed("EAST] and smiled.") == "[EAST] and smiled."
    assert chapter.feed(" At the end: [[") == " At the end: "
    assert chapter.finish() == "[["
    assert chapter.choice_lines is None


@pytest.mark.parametrize("marker", ["[[choices]]", "[[ CHOICES ]]", "[[Choices]]"])
def test_marker_spelling_variants_are_caught(marker):
    pieces, chapter = stream(f"The end.\n{marker}\nA way\nB way\nC way", [4])
    assert "".join(pieces) == "The end.\n"
    assert chapter.choice_lines == ["A way", "B way", "C way"]


@pytest.mark.parametrize(
    "opening", ["Chapter 4\n\n", "**Chapter Four: Home**\n", "# Chapter 4\n", "  \n\nCHAPTER 12 - The End\n\n"]
)
def test_a_leading_chapter_line_is_never_shown(opening):
    pieces, chapter = stream(opening + "The sun rose.", [3])
    assert "".join(pieces) == "The sun rose."
    assert chapter.text == "The sun rose."


def test_the_first_words_are_not_held_longer_than_needed():
    chapter = StreamedChapter()
    assert chapter.feed("Cha") == ""  # could still become "Chapter 4"
    assert chapter.feed("rlie laughed") == "Charlie laughed"
    assert chapter.feed(" at the chapter 2 joke.") == " at the chapter 2 joke."


def test_only_the_first_line_can_be_a_chapter_heading():
    pieces, _ = stream("The sun rose.\nChapter 2 of the book was missing.\n", [5])
    assert "".join(pieces) == "The sun rose.\nChapter 2 of the book was missing.\n"


def test_saved_text_is_the_shown_text_with_paragraphs_normalised():
    pieces, chapter = stream(RAW, [7])
    assert chapter.text == clean_prose("".join(pieces))
    assert " ".join(chapter.text.split()) == " ".join("".join(pieces).split())
