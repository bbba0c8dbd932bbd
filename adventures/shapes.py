"""The shapes of the game's JSON: what an adventure's drawn elements, its agency options
and a chapter's choices hold. Plain frozen dataclasses (briefs and art use them as they
are); pydantic checks them wherever JSON becomes Python or Python becomes JSON
(adventures/models/fields.py). No Django, no I/O.

The JSON they read and write is the one stored since the first migration: only keys
with a value are written (a story chapter's choice has no `correct`).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ConfigDict

# A stored shape with a key we do not know is a bug, not something to carry along.
_STRICT = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Character:
    """A world's character: who they are and how they look."""

    __pydantic_config__ = _STRICT

    name: str
    role: str
    look: str


@dataclass(frozen=True)
class PlotTwist:
    """A world's plot twist, told in stages as the adventure goes on (plan.TWIST_STAGE)."""

    __pydantic_config__ = _STRICT

    summary: str
    hint: str
    build: str
    reveal: str
    resolution: str


@dataclass(frozen=True)
class Elements:
    """What was drawn from the world when the adventure started (Adventure.elements)."""

    __pydantic_config__ = _STRICT

    quest: str
    setting: str
    theme: str
    moral: str
    plot_twist: PlotTwist
    obstacle: str
    sight: str
    sound: str
    smell: str
    companion: Character  # the world character who travels with the hero


@dataclass(frozen=True)
class AgencyOption:
    """One of the three gifts offered at the end of chapter 1 (Adventure.agency_options),
    or the one picked (Adventure.agency, without a picture). `id` is also the id of the
    chapter-1 choice that picks it."""

    __pydantic_config__ = _STRICT

    id: str
    name: str
    visual: str
    image: str | None = None  # the stored picture's name, once drawn
    alt: str | None = None  # the picture's description, once drawn


@dataclass(frozen=True)
class Choice:
    """One of a chapter's choices (Chapter.choices). `correct` is set on a lesson's
    answers only, and never sent to the page."""

    __pydantic_config__ = _STRICT

    id: str
    text: str
    correct: bool | None = None
