"""Remove adventures nobody will come back to, with their pictures (DESIGN §9), and
apply the retention periods of the privacy notice: guests' adventures and comments,
and telemetry, go after STORYWEB_RETENTION_GUEST_DAYS / _TELEMETRY_DAYS (90 by default).

Safe from cron while players play: only adventures untouched for the whole window go,
and each batch re-checks that in the transaction that deletes it.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from adventures import services
from adventures.models import AdventureStatus


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _plural(count: int, word: str, many: str = "") -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def _describe(report: services.CleanupReport) -> str:
    return (
        f"{_plural(report.adventures, 'adventure')}, {_plural(report.chapters, 'chapter')}, "
        f"{_plural(report.visuals, 'character visual')}, {_plural(report.files, 'picture file')}"
    )


class Command(BaseCommand):
    help = (
        "Remove adventures that were never finished and have not been touched for --days days, "
        "with their chapters, character visuals and picture files; guests' adventures (finished or not) "
        "and comments after --guest-days, telemetry after --telemetry-days; optionally completed "
        "adventures of accounts too; and expired sessions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=_positive,
            default=None,
            help="Unfinished (in progress or abandoned) adventures untouched for this many days go "
            f"(default: STORYWEB_CLEANUP_DAYS, now {settings.STORYWEB_CLEANUP_DAYS}).",
        )
        parser.add_argument(
            "--completed-days",
            type=_positive,
            default=None,
            help="Also remove completed adventures finished (and untouched) more than this many days ago.",
        )
        parser.add_argument(
            "--guest-days",
            type=_positive,
            default=None,
            help="Guests' adventures (any status) untouched for this many days go, and guests' comments "
            f"older than that (default: STORYWEB_RETENTION_GUEST_DAYS, now {settings.STORYWEB_RETENTION_GUEST_DAYS}).",
        )
        parser.add_argument(
            "--telemetry-days",
            type=_positive,
            default=None,
            help="Telemetry events (safety flags included) older than this many days go "
            f"(default: STORYWEB_RETENTION_TELEMETRY_DAYS, now {settings.STORYWEB_RETENTION_TELEMETRY_DAYS}).",
        )
        parser.add_argument(
            "--class-days",
            type=_positive,
            default=None,
            help="Classes closed more than this many days ago go, with their children and adventures "
            f"(default: STORYWEB_RETENTION_CLOSED_CLASS_DAYS, now {settings.STORYWEB_RETENTION_CLOSED_CLASS_DAYS}).",
        )
        parser.add_argument(
            "--batch-size", type=_positive, default=200, help="Adventures deleted per transaction (default 200)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; delete nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        dry_run: bool = options["dry_run"]
        batch_size: int = options["batch_size"]
        days: int = options["days"] or settings.STORYWEB_CLEANUP_DAYS
        verb = "would remove" if dry_run else "removed"
        if dry_run:
            self.stdout.write("Dry run: nothing is deleted.")

        unfinished = services.adventures_delete_expired(
            older_than=now - timedelta(days=days),
            statuses=services.UNFINISHED,
            batch_size=batch_size,
            dry_run=dry_run,
        )
        self.stdout.write(
            f"Unfinished adventures untouched for {_plural(days, 'day')}: {verb} {_describe(unfinished)} "
            f"({_plural(unfinished.batches, 'batch', 'batches')})."
        )

        guest_days: int = options["guest_days"] or settings.STORYWEB_RETENTION_GUEST_DAYS
        guests = services.adventures_delete_expired(
            older_than=now - timedelta(days=guest_days),
            # Unfinished ones older than --days went above already (unless guests' time is shorter).
            statuses=[AdventureStatus.COMPLETED, *(services.UNFINISHED if guest_days < days else ())],
            batch_size=batch_size,
            dry_run=dry_run,
            guests_only=True,
        )
        comments = services.feedback_delete_older(older_than=now - timedelta(days=guest_days), dry_run=dry_run)
        self.stdout.write(
            f"Guests' adventures untouched for {_plural(guest_days, 'day')}: {verb} {_describe(guests)} "
            f"({_plural(guests.batches, 'batch', 'batches')}), and {_plural(comments, 'comment')}."
        )

        if options["completed_days"]:
            completed_days: int = options["completed_days"]
            completed = services.adventures_delete_expired(
                older_than=now - timedelta(days=completed_days),
                statuses=[AdventureStatus.COMPLETED],
                batch_size=batch_size,
                dry_run=dry_run,
            )
            self.stdout.write(
                f"Completed adventures finished more than {_plural(completed_days, 'day')} ago: "
                f"{verb} {_describe(completed)} ({_plural(completed.batches, 'batch', 'batches')})."
            )

        # Classes closed long enough ago, with their children and what they played (classroom/).
        from classroom import services as classroom_services

        class_days: int = options["class_days"] or settings.STORYWEB_RETENTION_CLOSED_CLASS_DAYS
        classes = classroom_services.classes_delete_closed(older_than=now - timedelta(days=class_days), dry_run=dry_run)
        self.stdout.write(
            f"Classes closed more than {_plural(class_days, 'day')} ago: "
            f"{verb} {_plural(classes.classes, 'class', 'classes')} with "
            f"{_plural(classes.members, 'child', 'children')} and {_plural(classes.adventures, 'adventure')}."
        )

        telemetry_days: int = options["telemetry_days"] or settings.STORYWEB_RETENTION_TELEMETRY_DAYS
        events = services.telemetry_delete_older(older_than=now - timedelta(days=telemetry_days), dry_run=dry_run)
        self.stdout.write(f"Telemetry older than {_plural(telemetry_days, 'day')}: {verb} {_plural(events, 'event')}.")

        # Sessions of visitors who never came back (Django's clearsessions, counted).
        sessions = services.sessions_delete_expired(now=now, dry_run=dry_run)
        self.stdout.write(f"Expired sessions: {verb} {_plural(sessions, 'session')}.")
