"""The game's data: content (worlds, topics, questions), play (adventures, chapters)
and records (telemetry, feedback). Reads live on the QuerySets; every write goes
through adventures/services/. The JSON fields hold typed shapes (adventures/shapes.py).
"""

from __future__ import annotations

from adventures.models.content import (
    PALETTE_KEYS,
    PLOT_TWIST_PARTS,
    WORLD_ELEMENT_LISTS,
    ContentQuerySet,
    Difficulty,
    LessonTopic,
    Question,
    QuestionQuerySet,
    StoryWorld,
    _validate_palette,  # named by migration 0001
    _validate_string_list,  # named by migration 0001
)
from adventures.models.play import (
    Adventure,
    AdventureQuerySet,
    AdventureStatus,
    AgeBand,
    Chapter,
    ChapterQuerySet,
    CharacterVisual,
    ImageStatus,
    NarrationStatus,
    Pronouns,
    chapter_image_path,  # named by migration 0001
)
from adventures.models.records import Feedback, FeedbackRating, SafetyFlag, SafetyFlagManager, TelemetryEvent
from adventures.plan import ChapterKind

__all__ = [
    "PALETTE_KEYS",
    "PLOT_TWIST_PARTS",
    "WORLD_ELEMENT_LISTS",
    "Adventure",
    "AdventureQuerySet",
    "AdventureStatus",
    "AgeBand",
    "Chapter",
    "ChapterKind",
    "ChapterQuerySet",
    "CharacterVisual",
    "ContentQuerySet",
    "Difficulty",
    "Feedback",
    "FeedbackRating",
    "ImageStatus",
    "LessonTopic",
    "NarrationStatus",
    "Pronouns",
    "Question",
    "QuestionQuerySet",
    "SafetyFlag",
    "SafetyFlagManager",
    "StoryWorld",
    "TelemetryEvent",
    "_validate_palette",
    "_validate_string_list",
    "chapter_image_path",
]
