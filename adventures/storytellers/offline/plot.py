"""The offline storyteller's plot spine: which step of the quest each chapter tells,
which obstacle each chapter meets (never one twice, the climax's own kept for the
climax), how the agency picked in chapter 1 beats the climax obstacle, and who may not
appear before the twist is revealed. Content in adventures/content/offline/plots.yaml.
Pure and deterministic, no Django.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from adventures import plan
from adventures.library import CONTENT_DIR
from adventures.plan import ChapterKind
from adventures.storytellers.base import ChapterBrief, Character

PLOTS_FILE = CONTENT_DIR / "offline" / "plots.yaml"
STEPS = 3  # steps told in the middle chapters, before the climax


@lru_cache(maxsize=1)
def plots() -> dict[str, Any]:
    with PLOTS_FILE.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@dataclass(frozen=True)
class Spine:
    goal: str
    steps: tuple[str, ...]  # templates, told in order by the middle chapters
    reach: str
    done: str
    climax_obstacle: str
    climax_kind: str  # locked / high / dark / wide / tangled / creature / slippery / wild


def spine_for(brief: ChapterBrief) -> Spine:
    data = plots()
    quest = data["quests"].get(" ".join(brief.elements.quest.split()).rstrip(".")) or data["generic"]
    obstacle = brief.elements.obstacle
    return Spine(
        goal=quest["goal"],
        steps=tuple(quest["steps"][:STEPS]),
        reach=quest["reach"],
        done=quest["done"],
        climax_obstacle=obstacle,
        climax_kind=obstacle_kind(obstacle),
    )


def obstacle_kind(obstacle: str) -> str:
    return plots()["obstacle_kinds"].get(" ".join(obstacle.split()), "wild")


def _climax_start(length: int) -> int:
    return plan.phase_boundaries(length)[1]


def is_middle(brief: ChapterBrief) -> bool:
    """Between chapter 1 and the climax: where the quest's steps are told."""
    return 1 < brief.number < _climax_start(brief.length)


def steps_in(brief: ChapterBrief) -> tuple[int, ...]:
    """The indexes of the steps this chapter tells: spread over the middle chapters in
    order, the first in chapter 2; a short adventure tells two in one chapter."""
    if not is_middle(brief):
        return ()
    middle = _climax_start(brief.length) - 2
    return tuple(i for i in range(STEPS) if min(i * middle // STEPS, middle - 1) == brief.number - 2)


def is_showdown(brief: ChapterBrief) -> bool:
    """The chapter where the agency beats the climax obstacle: the story chapter just
    before the conclusion."""
    return brief.number == brief.length - 1


def _plan(brief: ChapterBrief) -> list[ChapterKind]:
    # The plan is drawn from the seed when the adventure starts, so it can be drawn again.
    try:
        drawn = plan.make_plan(brief.length, seed=brief.seed)
    except ValueError:
        return []
    return drawn if drawn[brief.number - 1] == brief.kind else []


def chapter_obstacle(brief: ChapterBrief) -> str | None:
    """The obstacle this chapter meets: the climax one in the climax; in the story and
    lesson chapters before it, the world's other obstacles in the adventure's own order, each
    met once; None when they have all been met."""
    if brief.phase in (plan.CLIMAX, plan.RETURN):
        return brief.elements.obstacle
    others = [o for o in brief.world.obstacles if o != brief.elements.obstacle]
    random.Random(f"{brief.seed}:route:plot-obstacles").shuffle(others)
    drawn = _plan(brief)
    # Story and lesson chapters meet one (a lesson's question guards it).
    meets = (ChapterKind.STORY, ChapterKind.LESSON)
    if brief.kind not in meets:
        return None
    turn = sum(1 for kind in drawn[1 : brief.number - 1] if kind in meets) if drawn else brief.number - 2
    if turn < len(others):
        return others[turn]
    # A lesson needs something to guard; the places differ, so no place meets the same
    # obstacle twice. A story chapter this late simply follows the trail.
    return others[turn % len(others)] if brief.kind == ChapterKind.LESSON and others else None


def hidden_until_reveal(brief: ChapterBrief) -> set[str]:
    """Names of the characters the twist is about: before the reveal they may not be met
    (a character who asks questions in chapter 2 cannot be "discovered" in chapter 8)."""
    if brief.number > _climax_start(brief.length):
        return set()
    twist = brief.elements.plot_twist
    text = " ".join((twist.summary, twist.hint, twist.build, twist.reveal))
    return {c.name for c in brief.world.characters if _named(c, text) and c.name != brief.elements.companion.name}


def _named(character: Character, text: str) -> bool:
    if character.name in text:
        return True
    parts = [p for p in re.split(r"[\s-]+", character.name) if len(p) > 3 and p[0].isupper()]
    parts = [p for p in parts if p.lower() not in {"professor", "captain", "grandmother", "grandfather", "commander"}]
    return any(re.search(rf"\b{re.escape(p)}\b", text) for p in parts)


def use_template(brief: ChapterBrief, agency_kind: str, kind: str) -> str:
    return plots()["uses"][agency_kind][kind]


def deal(brief: ChapterBrief, key: str) -> str:
    """One template from a deck in plots.yaml, a different one each chapter."""
    deck = list(plots()[key])
    random.Random(f"{brief.seed}:deck:plot.{key}").shuffle(deck)
    return deck[brief.number % len(deck)]
