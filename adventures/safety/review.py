"""Reads for grown-ups reviewing flags: the dashboard's daily count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncDate

from adventures.models import SafetyFlag


@dataclass(frozen=True)
class FlagDay:
    day: date
    flags: int
    severe: int  # severity 4 or 5


def flags_per_day(period: Any) -> list[FlagDay]:
    """Safety flags on each day of a dashboard period, zeros included."""
    rows = (
        SafetyFlag.objects.filter(period.range_q("created_at"))
        .annotate(day=TruncDate("created_at"), severity=Cast(KT("details__severity"), IntegerField()))
        .values("day")
        .annotate(flags=Count("pk"), severe=Count("pk", filter=Q(severity__gte=4)))
        .order_by()
    )
    found = {row["day"]: row for row in rows}
    return [
        FlagDay(day=d, flags=found[d]["flags"] if d in found else 0, severe=found[d]["severe"] if d in found else 0)
        for d in period.dates()
    ]
