"""Three sensible choices for a chapter whose own choices were lost (the model wrote none
that could be used, and the repair call failed too). Pure Python, no I/O.

The child has already read the chapter, so it is saved with these instead of being
thrown away. They are built from the story state in the brief (the companion, the
agency pick, the places and obstacles of the world), so they fit the adventure, and
they are deterministic: the same brief always gives the same three.
"""

from __future__ import annotations

import random

from adventures import plan
from adventures.plan import ChapterKind
from adventures.storytellers.base import ChapterBrief
from adventures.storytellers.chapter_text import validate_choices


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def fallback_choices(brief: ChapterBrief) -> tuple[str, str, str]:
    rng = random.Random(f"{brief.seed}:{brief.number}")
    drawn = brief.elements
    companion = _first_name(drawn.companion.name)
    places = [p for p in brief.world.settings if p != drawn.setting] or [drawn.setting]
    place = rng.choice(places)
    if brief.kind == ChapterKind.REFLECT:
        first = f"Talk it over with {companion} on the way"
    elif brief.phase in (plan.CLIMAX, plan.RETURN):
        first = f"Stand together with {companion} and face what comes"
    else:
        first = f"Ask {companion} what they think is best"
    if brief.agency is not None:
        second = f"Trust the {brief.agency.name} to show the way"
    else:
        second = "Look around carefully for a clue"
    third = f"Set off towards {place}"
    try:
        return validate_choices([first, second, third])
    except ValueError:  # an odd name made one too long: plainer words still fit
        return ("Ask a friend for help", "Look around carefully for a clue", "Keep going along the path")
