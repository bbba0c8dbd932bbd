"""Closing an account: everything in it goes, at once (README "Child safety and privacy")."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from adventures.models import Adventure, Feedback, TelemetryEvent
from adventures.services.cleanup import CleanupReport, adventures_delete


def account_delete(*, user: Any) -> CleanupReport:
    """Delete the user, their adventures (chapters, characters, pictures), their feedback
    and the telemetry of their adventures. Their session ends with the user row. A
    teacher's classes go too (with the user row), so their children's adventures go here
    with their pictures."""
    owned = Q(user=user) | Q(member__school_class__teacher=user)
    adventure_ids = list(Adventure.objects.filter(owned).values_list("pk", flat=True))
    report = adventures_delete(adventure_ids=adventure_ids) if adventure_ids else CleanupReport()
    with transaction.atomic():
        TelemetryEvent.objects.filter(adventure_id__in=adventure_ids).delete()
        Feedback.objects.filter(user=user).delete()
        user.delete()
    return report
