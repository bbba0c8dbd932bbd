"""Every write the game makes (STYLE: reads are QuerySet methods, writes are services).

Views, consumers, background jobs and management commands call these; none of them
writes to the ORM directly. `play` holds what a game does, `cleanup` what an operator
does; both are reached as `services.<name>`.
"""

from __future__ import annotations

from adventures.services.accounts import account_delete
from adventures.services.cleanup import (
    UNFINISHED,
    CleanupReport,
    adventures_delete,
    adventures_delete_expired,
    feedback_delete_older,
    sessions_delete_expired,
    telemetry_delete_older,
)
from adventures.services.narration import chapter_narration_failed, chapter_narration_save
from adventures.services.play import (
    ChapterAlreadyWritten,
    ChapterNotDue,
    ChoiceOutcome,
    ChoiceResult,
    FeedbackAlreadyGiven,
    adventure_abandon,
    adventure_start,
    adventures_claim,
    agency_picture_save,
    chapter_choice_check,
    chapter_picture_failed,
    chapter_picture_save,
    chapter_record_choice,
    chapter_replace_provisional_choices,
    chapter_save,
    chapter_set_title_summary,
    character_visuals_save,
    content_load,
    feedback_give,
    feedback_given,
    new_choice_id,
)

__all__ = [
    "UNFINISHED",
    "ChapterAlreadyWritten",
    "ChapterNotDue",
    "ChoiceOutcome",
    "ChoiceResult",
    "CleanupReport",
    "FeedbackAlreadyGiven",
    "account_delete",
    "adventure_abandon",
    "adventure_start",
    "adventures_claim",
    "adventures_delete",
    "adventures_delete_expired",
    "agency_picture_save",
    "chapter_choice_check",
    "chapter_narration_failed",
    "chapter_narration_save",
    "chapter_picture_failed",
    "chapter_picture_save",
    "chapter_record_choice",
    "chapter_replace_provisional_choices",
    "chapter_save",
    "chapter_set_title_summary",
    "character_visuals_save",
    "content_load",
    "feedback_delete_older",
    "feedback_give",
    "feedback_given",
    "new_choice_id",
    "sessions_delete_expired",
    "telemetry_delete_older",
]
