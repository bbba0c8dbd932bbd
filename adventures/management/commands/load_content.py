"""Load the content library (adventures/content/) into the database.

Idempotent: a second run changes nothing; an edited file updates its rows. Rows that
admins added in /admin/ are left alone.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from adventures import library, services


class Command(BaseCommand):
    help = "Load story worlds, lesson topics and questions from adventures/content/."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            worlds = library.read_worlds()
            topics = library.read_topics()
            library.agency_categories()
            library.protagonists()
        except library.ContentError as error:
            raise CommandError(f"The content library has a problem: {error}") from error
        report = services.content_load(worlds=worlds, topics=topics)
        for kind, counts in report.items():
            self.stdout.write(
                f"{kind}: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
            )
