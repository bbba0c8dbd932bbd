"""Cleanup: removing what nobody will play again, in batches, with the files.

Used by `manage.py cleanup_adventures` and the admin's delete action.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet

from adventures.models import Adventure, AdventureStatus, Chapter, CharacterVisual, Feedback, TelemetryEvent

UNFINISHED = (AdventureStatus.IN_PROGRESS, AdventureStatus.ABANDONED)


@dataclass(frozen=True)
class CleanupReport:
    """What a cleanup removed or, in a dry run, would remove."""

    adventures: int = 0
    chapters: int = 0
    visuals: int = 0
    files: int = 0
    batches: int = 0

    def __add__(self, other: CleanupReport) -> CleanupReport:
        return CleanupReport(
            adventures=self.adventures + other.adventures,
            chapters=self.chapters + other.chapters,
            visuals=self.visuals + other.visuals,
            files=self.files + other.files,
            batches=self.batches + other.batches,
        )


def _expired(*, older_than: datetime, statuses: Sequence[str], guests_only: bool = False) -> QuerySet[Adventure]:
    """Adventures in `statuses` untouched since `older_than`; a completed one must also
    have been completed before it. `guests_only`: only those of no account."""
    expired = Adventure.objects.filter(
        Q(completed_at__isnull=True) | Q(completed_at__lt=older_than),
        status__in=list(statuses),
        updated_at__lt=older_than,
    ).order_by()
    return expired.filter(user__isnull=True) if guests_only else expired


def _picture_names(adventure_ids: list[Any], agency_options: list[Any]) -> list[str]:
    """The stored files of these adventures: every chapter's picture and narration, and
    every agency option's picture."""
    names = [option.image for options in agency_options for option in options or [] if option.image]
    chapters = Chapter.objects.filter(adventure_id__in=adventure_ids).exclude(image="", narration="").order_by()
    for picture, narration in chapters.values_list("image", "narration"):  # narration: the Gemini voice's
        names += [name for name in (picture, narration) if name]
    return names


def _remove_empty_folders(adventure_ids: list[Any]) -> None:
    """On a local file system, the adventure's folder goes too once it is empty."""
    import contextlib
    import os

    for adventure_id in adventure_ids:
        # Remote storage has no path; a folder may be missing or hold something else.
        with contextlib.suppress(NotImplementedError, OSError):
            os.rmdir(default_storage.path(f"adventures/{adventure_id}"))


def _count_batch(ids: list[Any], agency_options: list[Any]) -> CleanupReport:
    names = _picture_names(ids, agency_options)
    return CleanupReport(
        adventures=len(ids),
        chapters=Chapter.objects.filter(adventure_id__in=ids).count(),
        visuals=CharacterVisual.objects.filter(adventure_id__in=ids).count(),
        files=sum(1 for name in names if default_storage.exists(name)),
        batches=1,
    )


def _delete_batch(ids: list[Any], candidates: QuerySet[Adventure]) -> CleanupReport:
    """Delete these adventures (those still among `candidates`) with their rows, then their files.

    The rows go in one transaction that first re-reads the batch through `candidates`
    under a row lock: an adventure played since the batch was picked no longer matches
    and survives, and a player arriving now waits for the commit instead of racing it.
    (SQLite has no row locks; its immediate transactions already keep writers out.)
    Files go only after the commit, so a rolled-back batch keeps its pictures.
    """
    from adventures import picture_store

    with transaction.atomic():
        rows = list(candidates.filter(pk__in=ids).select_for_update().values_list("pk", "agency_options"))
        ids = [pk for pk, _ in rows]
        if not ids:
            return CleanupReport(batches=1)
        names = _picture_names(ids, [options for _, options in rows])
        # The same conditions again in the statement that deletes.
        _, deleted = candidates.filter(pk__in=ids).delete()
    files = picture_store.delete_files(names)
    _remove_empty_folders(ids)
    return CleanupReport(
        adventures=deleted.get(Adventure._meta.label, 0),
        chapters=deleted.get(Chapter._meta.label, 0),
        visuals=deleted.get(CharacterVisual._meta.label, 0),
        files=files,
        batches=1,
    )


def adventures_delete_expired(
    *,
    older_than: datetime,
    statuses: Sequence[str] = UNFINISHED,
    batch_size: int = 200,
    dry_run: bool = False,
    guests_only: bool = False,
) -> CleanupReport:
    """Delete adventures in `statuses` untouched (updated_at) since `older_than` (completed
    ones: also completed before it), with their chapters, character visuals and pictures,
    `batch_size` adventures at a time; in a dry run, count what would go.

    Each batch costs a fixed number of queries, whatever its size. Batches walk the
    primary key, so a re-checked survivor is never picked again.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    candidates = _expired(older_than=older_than, statuses=statuses, guests_only=guests_only)
    report = CleanupReport()
    after = None
    while True:
        page = candidates.order_by("pk")
        if after is not None:
            page = page.filter(pk__gt=after)
        rows = list(page.values_list("pk", "agency_options")[:batch_size])
        if not rows:
            return report
        after = rows[-1][0]
        ids = [pk for pk, _ in rows]
        if dry_run:
            report += _count_batch(ids, [options for _, options in rows])
        else:
            report += _delete_batch(ids, candidates)


def adventures_delete(*, adventure_ids: Sequence[Any]) -> CleanupReport:
    """Delete these adventures now, whatever their state, with their rows and pictures
    (the admin's delete action)."""
    return _delete_batch(list(adventure_ids), Adventure.objects.order_by())


def feedback_delete_older(*, older_than: datetime, dry_run: bool = False) -> int:
    """Delete guests' feedback given before `older_than` (an account holder's goes with
    the account). Returns how many (would) go."""
    old = Feedback.objects.filter(created_at__lt=older_than, user__isnull=True).order_by()
    return old.count() if dry_run else old.delete()[0]


def telemetry_delete_older(*, older_than: datetime, dry_run: bool = False, batch_size: int = 1000) -> int:
    """Delete telemetry events recorded before `older_than`, `batch_size` at a time so
    that no single statement holds the table for long. Returns how many (would) go."""
    old = TelemetryEvent.objects.filter(created_at__lt=older_than).order_by()
    if dry_run:
        return old.count()
    removed = 0
    while ids := list(old.values_list("pk", flat=True)[:batch_size]):
        removed += TelemetryEvent.objects.filter(pk__in=ids).delete()[0]
    return removed


def sessions_delete_expired(*, now: datetime, dry_run: bool = False, batch_size: int = 1000) -> int:
    """Delete sessions past their expiry date (what `clearsessions` does, counted and in
    batches). Returns how many (would) go."""
    from django.contrib.sessions.models import Session

    expired = Session.objects.filter(expire_date__lt=now).order_by()
    if dry_run:
        return expired.count()
    removed = 0
    while keys := list(expired.values_list("pk", flat=True)[:batch_size]):
        removed += Session.objects.filter(pk__in=keys).delete()[0]
    return removed
