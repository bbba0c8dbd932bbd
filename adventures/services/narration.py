"""Writes for a chapter's narration (adventures/play/narration.py makes it)."""

from __future__ import annotations

from django.db import transaction

from adventures.models import Chapter, NarrationStatus


def chapter_narration_save(*, chapter_id: int, name: str, timings: list[list[float]]) -> bool:
    """Keep the stored narration and its sentence timings, unless the chapter already has
    one (or is gone): then False, and the caller removes its file."""
    with transaction.atomic():
        updated = Chapter.objects.filter(pk=chapter_id, narration_status=NarrationStatus.NONE).update(
            narration=name, narration_status=NarrationStatus.READY, narration_timings=timings
        )
    return bool(updated)


def chapter_narration_failed(*, chapter_id: int) -> None:
    """No narration for this chapter: the reader keeps the browser's voice."""
    Chapter.objects.filter(pk=chapter_id, narration_status=NarrationStatus.NONE).update(
        narration_status=NarrationStatus.FAILED
    )
