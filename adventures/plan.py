"""The chapter plan and phases of an adventure: pure rules, no Django, no I/O.

A plan is a list of chapter kinds, fixed when an adventure starts (DESIGN §3):
chapter 1 is STORY, the last is CONCLUSION and the one before it STORY; LESSON
chapters (three in ten, same proportion for other lengths) are never two in a row;
exactly one REFLECT comes right after a LESSON and is followed by a STORY.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from enum import StrEnum
from functools import cache


class ChapterKind(StrEnum):
    """The four kinds of chapter, stored by value ("story", ...): the one spelling of a
    kind everywhere (the models' choices, the briefs, the pages)."""

    STORY = "story"
    LESSON = "lesson"
    REFLECT = "reflect"
    CONCLUSION = "conclusion"

    @property
    def label(self) -> str:
        return self.value.capitalize()


EXPOSITION = "exposition"
RISING = "rising"
TRIALS = "trials"
CLIMAX = "climax"
RETURN = "return"
PHASE_LABELS = {
    EXPOSITION: "Beginning",
    RISING: "Rising action",
    TRIALS: "Trials",
    CLIMAX: "Climax",
    RETURN: "Homecoming",
}

LENGTH_NAMES = {6: "Short", 10: "Classic", 14: "Long"}
LENGTH_LABELS = {length: f"{name} ({length} chapters)" for length, name in LENGTH_NAMES.items()}
LENGTHS = tuple(LENGTH_LABELS)
DEFAULT_LENGTH = 10
# Three lessons in ten chapters, kept in proportion for fourteen (4.2 -> 4). Six would
# round to two, but the rules leave only chapters 2-4 free, and two lessons plus the
# reflect cannot fit there without a lesson right after a lesson or a reflect: one.
LESSONS_BY_LENGTH = {6: 1, 10: 3, 14: 4}

# What the plot twist is doing in each phase.
TWIST_STAGE = {EXPOSITION: None, RISING: "hint", TRIALS: "build", CLIMAX: "reveal", RETURN: "resolution"}


def _check_length(length: int) -> None:
    if length not in LESSONS_BY_LENGTH:
        raise ValueError(f"Unknown adventure length {length}; choose one of {sorted(LESSONS_BY_LENGTH)}.")


def is_valid_plan(plan: Sequence[str]) -> bool:
    """True when the plan follows every rule of DESIGN §3 for its length."""
    length = len(plan)
    if length not in LESSONS_BY_LENGTH:
        return False
    if plan[0] != ChapterKind.STORY or plan[-1] != ChapterKind.CONCLUSION or plan[-2] != ChapterKind.STORY:
        return False
    if ChapterKind.CONCLUSION in plan[:-1]:
        return False
    if plan.count(ChapterKind.LESSON) != LESSONS_BY_LENGTH[length] or plan.count(ChapterKind.REFLECT) != 1:
        return False
    for i, kind in enumerate(plan):
        if kind not in tuple(ChapterKind):
            return False
        if kind == ChapterKind.LESSON and plan[i + 1] == ChapterKind.LESSON:
            return False
        if kind == ChapterKind.REFLECT and (plan[i - 1] != ChapterKind.LESSON or plan[i + 1] != ChapterKind.STORY):
            return False
    return True


@cache
def all_plans(length: int) -> tuple[tuple[ChapterKind, ...], ...]:
    """Every plan the rules allow for this length, in a stable order."""
    _check_length(length)
    lessons = LESSONS_BY_LENGTH[length]
    middle = length - 3  # chapters 2 .. length-2; chapter length-1 is always a story
    found: list[tuple[ChapterKind, ...]] = []

    def extend(prefix: list[ChapterKind], lessons_left: int, reflects_left: int) -> None:
        if len(prefix) == middle + 1:  # prefix includes chapter 1
            if lessons_left == 0 and reflects_left == 0:
                found.append((*prefix, ChapterKind.STORY, ChapterKind.CONCLUSION))
            return
        last = prefix[-1]
        for kind in (ChapterKind.STORY, ChapterKind.LESSON, ChapterKind.REFLECT):
            if kind == ChapterKind.LESSON and (lessons_left == 0 or last in (ChapterKind.LESSON, ChapterKind.REFLECT)):
                continue
            if kind == ChapterKind.REFLECT and (reflects_left == 0 or last != ChapterKind.LESSON):
                continue
            prefix.append(kind)
            extend(prefix, lessons_left - (kind == ChapterKind.LESSON), reflects_left - (kind == ChapterKind.REFLECT))
            prefix.pop()

    extend([ChapterKind.STORY], lessons, 1)
    return tuple(found)


def make_plan(length: int = DEFAULT_LENGTH, *, seed: int) -> list[ChapterKind]:
    """Draw one of the allowed plans, every allowed plan equally likely."""
    return list(random.Random(seed).choice(all_plans(length)))


def phase_boundaries(length: int) -> tuple[int, int]:
    """(last chapter of Rising, first chapter of Climax) for this length."""
    _check_length(length)
    inner = length - 2
    quarter = max(1, round(inner / 4))
    return 1 + quarter, length - quarter


def phase_of(number: int, length: int) -> str:
    if not 1 <= number <= length:
        raise ValueError(f"Chapter {number} is outside an adventure of {length} chapters.")
    rising_end, climax_start = phase_boundaries(length)
    if number == 1:
        return EXPOSITION
    if number == length:
        return RETURN
    if number <= rising_end:
        return RISING
    if number >= climax_start:
        return CLIMAX
    return TRIALS


def twist_stage(number: int, length: int) -> str | None:
    return TWIST_STAGE[phase_of(number, length)]


def lesson_before(plan: Sequence[str], number: int) -> int | None:
    """The number of the latest LESSON chapter before chapter `number`, if any."""
    for n in range(number - 1, 0, -1):
        if plan[n - 1] == ChapterKind.LESSON:
            return n
    return None
