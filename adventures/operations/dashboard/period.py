"""The dashboard's period: a range of whole days, read from the page's query."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

PERIOD_DAYS = (7, 30, 90)
DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    """Whole days from `start` to `end`, both included, in the current time zone."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def ends_before(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def range_q(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.starts_at, f"{field}__lt": self.ends_before})


def last_days(days: int, *, today: date) -> Period:
    return Period(start=today - timedelta(days=days - 1), end=today)


def period_from_query(query: Mapping[str, str], *, today: date) -> tuple[Period, str]:
    """The period a dashboard URL asks for (`?days=7|30|90` or `?start=...&end=...`,
    ISO dates), and a message when it asked for something unusable (then: the default)."""
    default = last_days(DEFAULT_DAYS, today=today)
    if query.get("start") or query.get("end"):
        try:
            start = date.fromisoformat(query.get("start", ""))
            end = date.fromisoformat(query.get("end", ""))
        except ValueError:
            return default, "Give both dates as YYYY-MM-DD."
        if end < start:
            return default, "The end date is before the start date."
        if (end - start).days + 1 > MAX_DAYS:
            return default, f"Choose at most {MAX_DAYS} days."
        return Period(start=start, end=end), ""
    if "days" in query:
        if query["days"] in {str(days) for days in PERIOD_DAYS}:
            return last_days(int(query["days"]), today=today), ""
        return default, f"Choose 7, 30 or 90 days; showing the last {DEFAULT_DAYS}."
    return default, ""
