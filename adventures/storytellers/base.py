"""The provider interface: what a storyteller back end must do, and the plain data it
gets and gives.

The storyteller (adventures/storytellers/briefs.py) turns the database state into a
`ChapterBrief`; a provider turns a brief into streamed prose and small results. Briefs
are frozen dataclasses of plain values, so providers never touch the ORM and can be
tested with hand-made briefs.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from adventures.plan import ChapterKind

# The shapes a brief is made of (the same ones the models store), offered here with it.
from adventures.shapes import AgencyOption as AgencyOption
from adventures.shapes import Character as Character
from adventures.shapes import Choice as Choice
from adventures.shapes import Elements as Elements
from adventures.shapes import PlotTwist as PlotTwist


class ProviderError(Exception):
    """The provider could not do what was asked (after its own retries)."""


class StoryLost(ProviderError):
    """The stream broke after some text had reached the player: nothing may be saved,
    the player is asked to try again."""


class LimitReached(ProviderError):
    """A cost limit (the daily cap on LLM calls) stops this call."""


class StorytellerBusy(ProviderError):
    """The model's service asked us to wait longer than a child should (a long retry
    delay, a used-up quota): fail fast, the player tries again later."""


class SafetyStop(ProviderError):
    """Every draft of the chapter, each with a gentler prompt, was stopped by the model's
    safety filter: nothing was saved; a Try again starts with a gentler prompt still."""


@dataclass(frozen=True)
class WorldBrief:
    slug: str
    name: str
    description: str
    look: str
    palette: dict[str, str]
    characters: tuple[Character, ...]
    # The whole lists, so a storyteller can travel beyond the drawn elements.
    settings: tuple[str, ...] = ()
    obstacles: tuple[str, ...] = ()
    sights: tuple[str, ...] = ()
    sounds: tuple[str, ...] = ()
    smells: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    text: str
    answer: str
    wrong: tuple[str, str]
    explanation: str
    misconception: str = ""
    hook: str = ""


@dataclass(frozen=True)
class Answered:
    """How the player answered the lesson just before this chapter."""

    question: Question
    chosen: str
    correct: bool


@dataclass(frozen=True)
class PastChapter:
    number: int
    kind: ChapterKind
    title: str
    summary: str
    choice_made: str | None


@dataclass(frozen=True)
class ChapterBrief:
    """Everything a provider needs to write chapter `number`."""

    adventure_id: str
    seed: int
    number: int
    length: int
    kind: ChapterKind
    phase: str  # plan.EXPOSITION / RISING / TRIALS / CLIMAX / RETURN
    twist_stage: str | None  # None / "hint" / "build" / "reveal" / "resolution"
    world: WorldBrief
    elements: Elements
    topic_name: str
    protagonist_name: str
    protagonist_look: str
    agency_label: str  # "a magical item"
    agency_prompt: str  # "Which magical item will travel with you?"
    agency_options: tuple[AgencyOption, ...]  # the three offered at the end of chapter 1
    agency: AgencyOption | None  # the one picked (None while writing chapter 1)
    question: Question | None  # LESSON: the question to ask; REFLECT: the one revisited
    answered: Answered | None  # set when the chapter before was a LESSON
    # The text of the choice made at the end of the chapter before (an agency pick after
    # chapter 1, a lesson answer after a LESSON, a path otherwise); None for chapter 1.
    previous_choice: str | None
    story_so_far: tuple[PastChapter, ...] = ()  # chapters 1 .. number-2, summarised
    last_chapter_text: str = ""  # the full text of chapter number-1
    character_visuals: tuple[tuple[str, str], ...] = ()  # (name, look) known so far
    # Set when a draft of this chapter was thrown away (a safety stop, a flagged
    # sentence): what the rewrite must steer clear of, in words for the model.
    caution: str = ""
    pronouns: str = "they"  # the hero's, chosen at the start: "they", "she" or "he"
    # The reader's age band ("8-10" or "11-13", reading_level.AGE_BANDS): the gemini
    # prompt and the offline storyteller write to it. A brief made outside an adventure
    # (a preview, a test) reads as the older band: the offline library as written.
    age_band: str = "11-13"

    @property
    def wants_choices(self) -> bool:
        """Must the provider write the three choices? (Lessons use the question's
        answers, chapter 1 the agency options, the conclusion has none.)"""
        return self.kind in (ChapterKind.STORY, ChapterKind.REFLECT) and self.number > 1


@dataclass(frozen=True)
class TextPiece:
    """A piece of prose to show the player now."""

    text: str


@dataclass(frozen=True)
class Rewind:
    """Forget every piece of this chapter sent so far: the draft was thrown away
    (unsafe, or cut off) and a new one follows in the same stream. `reason` is for
    telemetry and logs, never shown."""

    reason: str


@dataclass(frozen=True)
class ChapterDone:
    """The end of a stream: the whole prose, and the choices if the brief wanted them."""

    text: str
    choices: tuple[str, ...] = ()
    # The choices are a stand-in (the model's could not be read or repaired): the
    # chapter is saved with them, and a ChoiceRepairer may replace them later.
    provisional: bool = False


@dataclass(frozen=True)
class TitleSummary:
    title: str
    summary: str


@dataclass(frozen=True)
class Picture:
    data: bytes
    mime_type: str  # "image/svg+xml", "image/png", "image/webp", ...
    alt: str


@dataclass(frozen=True)
class Verdict:
    """An independent moderation of a text (adventures/safety/moderation.py): the worst
    category found ("none" when clean) and how bad, 1 (harmless) to 5 (severe)."""

    category: str
    severity: int
    reason: str = ""


@dataclass(frozen=True)
class SceneRequest:
    """What a chapter picture should show."""

    brief: ChapterBrief
    chapter_text: str
    character_visuals: tuple[tuple[str, str], ...] = field(default=())


@runtime_checkable
class ChoiceRepairer(Protocol):
    """A provider whose chapters may come with provisional choices, and that can make
    the real ones from a saved chapter's text afterwards."""

    async def repair_choices(self, brief: ChapterBrief, text: str) -> tuple[str, str, str]: ...


class Provider(Protocol):
    name: str

    def stream_chapter(self, brief: ChapterBrief) -> AsyncGenerator[TextPiece | Rewind | ChapterDone, None]:
        """Yield TextPiece as prose becomes ready, then exactly one ChapterDone. A
        Rewind in between withdraws every TextPiece before it (a new draft follows).

        Raises StoryLost if it fails after a TextPiece was yielded, ProviderError if it
        fails before (after its own quiet retries)."""
        ...

    async def title_and_summary(self, brief: ChapterBrief, text: str) -> TitleSummary: ...

    async def character_visuals(self, brief: ChapterBrief, text: str, known: dict[str, str]) -> dict[str, str]:
        """Updated 1-2 sentence looks of the protagonist and named characters."""
        ...

    async def chapter_picture(self, scene: SceneRequest) -> Picture: ...

    async def agency_picture(self, brief: ChapterBrief, option: AgencyOption) -> Picture: ...

    async def moderate(self, brief: ChapterBrief, text: str, *, kind: str) -> Verdict:
        """Judge `text` (kind "chapter" or "picture") for a children's service, without
        the story's instructions. Raises ProviderError when it cannot."""
        ...
