"""The chapter plan and phases (DESIGN §3): pure rules, checked exhaustively."""

from __future__ import annotations

import itertools

import pytest

from adventures import plan
from adventures.plan import ChapterKind

STORY, LESSON, REFLECT, CONCLUSION = ChapterKind  # short names for the plans written out below


def brute_force_plans(length: int) -> set[tuple[str, ...]]:
    """Every sequence of kinds that satisfies the written rules, found by trying all."""
    found = set()
    for middle in itertools.product((STORY, LESSON, REFLECT), repeat=length - 3):
        candidate = (STORY, *middle, STORY, CONCLUSION)
        if plan.is_valid_plan(candidate):
            found.add(candidate)
    return found


def rules_hold(p: list[str]) -> None:
    """The rules of DESIGN §3, spelled out independently of is_valid_plan."""
    n = len(p)
    assert p[0] == STORY
    assert p[-1] == CONCLUSION and p.count(CONCLUSION) == 1
    assert p[-2] == STORY
    assert p.count(LESSON) == plan.LESSONS_BY_LENGTH[n]
    assert p.count(REFLECT) == 1
    for i in range(n - 1):
        assert not (p[i] == LESSON and p[i + 1] == LESSON), p
    r = p.index(REFLECT)
    assert p[r - 1] == LESSON and p[r + 1] == STORY, p
    assert set(p) <= {STORY, LESSON, REFLECT, CONCLUSION}


def test_length_ten_draws_exactly_the_allowed_plans():
    drawn = {tuple(plan.make_plan(10, seed=seed)) for seed in range(20_000)}
    allowed = brute_force_plans(10)
    assert len(allowed) == 12
    assert drawn == allowed


def test_all_plans_matches_brute_force_for_every_length():
    for length in plan.LENGTHS:
        assert set(plan.all_plans(length)) == brute_force_plans(length)


@pytest.mark.parametrize("length", [6, 10, 14])
def test_rules_hold_on_thousands_of_seeds(length):
    for seed in range(5_000):
        rules_hold(plan.make_plan(length, seed=seed))


def test_lesson_counts_keep_the_proportion():
    assert plan.LESSONS_BY_LENGTH == {6: 1, 10: 3, 14: 4}
    assert set(plan.all_plans(6)) == {
        (STORY, LESSON, REFLECT, STORY, STORY, CONCLUSION),
        (STORY, STORY, LESSON, REFLECT, STORY, CONCLUSION),
    }


def test_same_seed_same_plan():
    assert plan.make_plan(10, seed=42) == plan.make_plan(10, seed=42)


def test_unknown_length_is_refused():
    with pytest.raises(ValueError, match="Unknown adventure length 7"):
        plan.make_plan(7, seed=1)


@pytest.mark.parametrize(
    "candidate",
    [
        [STORY, LESSON, LESSON, REFLECT, STORY, LESSON, STORY, STORY, STORY, CONCLUSION],  # two lessons in a row
        [STORY, REFLECT, LESSON, STORY, LESSON, STORY, LESSON, STORY, STORY, CONCLUSION],  # reflect not after lesson
        [STORY, LESSON, REFLECT, LESSON, STORY, LESSON, STORY, STORY, STORY, CONCLUSION],  # reflect then lesson
        [STORY, LESSON, STORY, LESSON, STORY, LESSON, STORY, STORY, STORY, CONCLUSION],  # no reflect
        [LESSON, STORY, LESSON, REFLECT, STORY, LESSON, STORY, STORY, STORY, CONCLUSION],  # starts with a lesson
        [STORY, LESSON, REFLECT, STORY, LESSON, STORY, STORY, LESSON, CONCLUSION, STORY],  # ends wrong
    ],
)
def test_invalid_plans_are_recognised(candidate):
    assert not plan.is_valid_plan(candidate)


def test_phases_for_ten():
    phases = [plan.phase_of(n, 10) for n in range(1, 11)]
    assert phases == [
        plan.EXPOSITION,
        plan.RISING,
        plan.RISING,
        plan.TRIALS,
        plan.TRIALS,
        plan.TRIALS,
        plan.TRIALS,
        plan.CLIMAX,
        plan.CLIMAX,
        plan.RETURN,
    ]


def test_phases_for_six_and_fourteen_keep_proportions():
    assert [plan.phase_of(n, 6) for n in range(1, 7)] == [
        plan.EXPOSITION,
        plan.RISING,
        plan.TRIALS,
        plan.TRIALS,
        plan.CLIMAX,
        plan.RETURN,
    ]
    fourteen = [plan.phase_of(n, 14) for n in range(1, 15)]
    assert fourteen.count(plan.RISING) == 3 and fourteen.count(plan.CLIMAX) == 3
    assert fourteen.count(plan.TRIALS) == 6


def test_twist_stages_follow_phases():
    assert [plan.twist_stage(n, 10) for n in (1, 2, 5, 9, 10)] == [None, "hint", "build", "reveal", "resolution"]


def test_lesson_before():
    p = [STORY, LESSON, REFLECT, STORY, LESSON, STORY, LESSON, STORY, STORY, CONCLUSION]
    assert plan.lesson_before(p, 3) == 2
    assert plan.lesson_before(p, 2) is None
    assert plan.lesson_before(p, 10) == 7
