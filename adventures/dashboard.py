"""The figures on the admin dashboard, for a range of days, as plain data.

Each function takes a `Period` and returns dataclasses; counting happens in the database
(grouped and conditional counts), percentiles in Python over the period's values. The
last section turns figures into the geometry of the page's SVG bars.

Percentiles are nearest-rank: the p-th percentile of n sorted values is the value at
rank ceil(p/100 * n), so it is always a measured value (the median of an even count is
the lower of the middle two).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.fields.json import KT
from django.db.models.functions import TruncDate
from django.utils import timezone

from adventures import plan as plan_rules
from adventures.models import Adventure, Chapter, Difficulty, Feedback, FeedbackRating, TelemetryEvent
from adventures.safety import review

PERIOD_DAYS = (7, 30, 90)
DEFAULT_DAYS = 30
MAX_DAYS = 366


# --- The period ------------------------------------------------------------------------


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


# --- Figures ---------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (see the module's docstring); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Ratio:
    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return None if not self.whole else 100 * self.part / self.whole


@dataclass(frozen=True)
class Day:
    day: date
    started: int
    completed: int


def adventures_per_day(period: Period) -> list[Day]:
    """Adventures started (created_at) and completed (completed_at) on each day, zeros included."""

    def per_day(field: str) -> dict[date, int]:
        rows = (
            Adventure.objects.filter(period.range_q(field))
            .annotate(day=TruncDate(field))
            .values("day")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {row["day"]: row["n"] for row in rows}

    started, completed = per_day("created_at"), per_day("completed_at")
    return [Day(day=d, started=started.get(d, 0), completed=completed.get(d, 0)) for d in period.dates()]


@dataclass(frozen=True)
class FunnelStep:
    number: int
    adventures: int
    of_started: Ratio


@dataclass(frozen=True)
class Funnel:
    """One adventure length: a 6-chapter adventure can never reach chapter 7, so each
    length has its own funnel."""

    length: int
    label: str  # what players see on the start page: "Short", "Classic", "Long"
    started: int
    steps: list[FunnelStep]


def chapter_funnels(period: Period) -> list[Funnel]:
    """Of the adventures of each length started in the period, how many have a chapter
    1, 2, ... up to their length (chapter n exists once the player has reached it).
    Lengths nobody started are left out."""
    started = dict(
        Adventure.objects.filter(period.range_q("created_at"))
        .values("length")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("length", "n")
    )
    reached = {
        (length, number): n
        for length, number, n in Chapter.objects.filter(period.range_q("adventure__created_at"))
        .values("adventure__length", "number")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("adventure__length", "number", "n")
    }
    return [
        Funnel(
            length=length,
            label=plan_rules.LENGTH_NAMES[length],
            started=started[length],
            steps=[
                FunnelStep(
                    number=n,
                    adventures=reached.get((length, n), 0),
                    of_started=Ratio(reached.get((length, n), 0), started[length]),
                )
                for n in range(1, length + 1)
            ],
        )
        for length in plan_rules.LENGTHS
        if started.get(length)
    ]


@dataclass(frozen=True)
class Accuracy:
    topic: str
    difficulty: str
    answers: Ratio  # correct of answered


def answer_accuracy(period: Period) -> list[Accuracy]:
    """Lesson questions answered in the period (chosen_at), per topic and difficulty."""
    rows = (
        Chapter.objects.answered_lessons()
        .filter(period.range_q("chosen_at"))
        .values("adventure__topic__name", "adventure__difficulty")
        .annotate(answered=Count("pk"), correct=Count("pk", filter=Q(is_correct=True)))
        .order_by("adventure__topic__name", "adventure__difficulty")
    )
    labels = dict(Difficulty.choices)
    return [
        Accuracy(
            topic=row["adventure__topic__name"],
            difficulty=labels.get(row["adventure__difficulty"], row["adventure__difficulty"]),
            answers=Ratio(row["correct"], row["answered"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class LlmTimings:
    """One kind of LLM call. Times in milliseconds over the successful calls."""

    kind: str
    calls: int
    ok: int
    failures: dict[str, int]  # outcome -> count, for outcomes other than "ok"
    ttft_median: float | None
    ttft_p95: float | None
    total_median: float | None
    total_p95: float | None


def llm_timings(period: Period) -> list[LlmTimings]:
    """`llm_call` telemetry per call kind: time to first token (details.ttft_ms) and
    total time (duration_ms), median and p95 of the calls whose outcome is ok; the other
    outcomes (error, timeout, lost, limited) are counted, not timed."""
    rows = (
        TelemetryEvent.objects.filter(period.range_q("created_at"), name="llm_call")
        .order_by()
        .values_list(KT("details__kind"), KT("details__outcome"), KT("details__ttft_ms"), "duration_ms")
    )
    calls: dict[str, int] = defaultdict(int)
    failures: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ttft: dict[str, list[float]] = defaultdict(list)
    total: dict[str, list[float]] = defaultdict(list)
    for kind, outcome, ttft_ms, duration_ms in rows.iterator(chunk_size=2000):
        kind = kind or "unknown"
        calls[kind] += 1
        if outcome != "ok":
            failures[kind][outcome or "unknown"] += 1
            continue
        if ttft_ms not in (None, ""):
            ttft[kind].append(float(ttft_ms))
        if duration_ms is not None:
            total[kind].append(float(duration_ms))
    return [
        LlmTimings(
            kind=kind,
            calls=calls[kind],
            ok=calls[kind] - sum(failures[kind].values()),
            failures=dict(sorted(failures[kind].items())),
            ttft_median=percentile(ttft[kind], 50),
            ttft_p95=percentile(ttft[kind], 95),
            total_median=percentile(total[kind], 50),
            total_p95=percentile(total[kind], 95),
        )
        for kind in sorted(calls)
    ]


@dataclass(frozen=True)
class Pictures:
    overall: Ratio  # ok of all
    by_purpose: dict[str, Ratio]


def picture_success(period: Period) -> Pictures:
    """`image_generated` telemetry: outcome ok of all, overall and per purpose (chapter, agency)."""
    rows = (
        TelemetryEvent.objects.filter(period.range_q("created_at"), name="image_generated")
        .values(purpose=KT("details__purpose"))
        .annotate(total=Count("pk"), ok=Count("pk", filter=Q(details__outcome="ok")))
        .order_by("purpose")
    )
    by_purpose = {row["purpose"] or "unknown": Ratio(row["ok"], row["total"]) for row in rows}
    overall = Ratio(sum(r.part for r in by_purpose.values()), sum(r.whole for r in by_purpose.values()))
    return Pictures(overall=overall, by_purpose=by_purpose)


@dataclass(frozen=True)
class Narrations:
    """Gemini narrations (`narration_made` / `narration_failed` telemetry)."""

    made: int
    failed: int
    audio_minutes: float  # of the narrations made
    making_median_ms: float | None  # from the chapter saved to the narration stored
    making_p95_ms: float | None


def narrations(period: Period) -> Narrations:
    rows = (
        TelemetryEvent.objects.filter(period.range_q("created_at"), name__in=("narration_made", "narration_failed"))
        .order_by()
        .values_list("name", "duration_ms", KT("details__audio_seconds"))
    )
    failed, seconds, making = 0, 0.0, []
    for name, duration_ms, audio_seconds in rows.iterator(chunk_size=2000):
        if name == "narration_failed":
            failed += 1
            continue
        seconds += float(audio_seconds or 0)
        if duration_ms is not None:
            making.append(float(duration_ms))
    return Narrations(len(making), failed, seconds / 60, percentile(making, 50), percentile(making, 95))


def rate_limit_hits(period: Period) -> dict[str, int]:
    """`rate_limited` telemetry per limit (details.limit), most hit first."""
    rows = (
        TelemetryEvent.objects.filter(period.range_q("created_at"), name="rate_limited")
        .values(limit=KT("details__limit"))
        .annotate(hits=Count("pk"))
        .order_by("-hits", "limit")
    )
    return {row["limit"] or "unknown": row["hits"] for row in rows}


def safety_stops_per_day(period: Period) -> list[tuple[date, int]]:
    """Replies the model's safety filter stopped or blocked (`safety_stop` telemetry) on
    each day, zeros included: a rise means prompts or content need a look."""
    rows = (
        TelemetryEvent.objects.filter(period.range_q("created_at"), name="safety_stop")
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["day"]: row["n"] for row in rows}
    return [(day, counts.get(day, 0)) for day in period.dates()]


def feedback_ratio(period: Period) -> Ratio:
    """Feedback given in the period: thumbs up of all."""
    counts = Feedback.objects.filter(period.range_q("created_at")).aggregate(
        total=Count("pk"), up=Count("pk", filter=Q(rating=FeedbackRating.UP))
    )
    return Ratio(counts["up"], counts["total"])


@dataclass(frozen=True)
class Dashboard:
    period: Period
    per_day: list[Day]
    funnels: list[Funnel]
    accuracy: list[Accuracy]
    accuracy_overall: Ratio
    llm: list[LlmTimings]
    pictures: Pictures
    narrations: Narrations
    rate_limits: dict[str, int]
    feedback: Ratio
    safety_flags: list[review.FlagDay]
    safety_stops: list[tuple[date, int]]

    @property
    def started(self) -> int:
        return sum(day.started for day in self.per_day)

    @property
    def completed(self) -> int:
        return sum(day.completed for day in self.per_day)


def dashboard(period: Period) -> Dashboard:
    accuracy = answer_accuracy(period)
    return Dashboard(
        period=period,
        per_day=adventures_per_day(period),
        funnels=chapter_funnels(period),
        accuracy=accuracy,
        accuracy_overall=Ratio(sum(a.answers.part for a in accuracy), sum(a.answers.whole for a in accuracy)),
        llm=llm_timings(period),
        pictures=picture_success(period),
        narrations=narrations(period),
        rate_limits=rate_limit_hits(period),
        feedback=feedback_ratio(period),
        safety_flags=review.flags_per_day(period),
        safety_stops=safety_stops_per_day(period),
    )


# --- Chart geometry --------------------------------------------------------------------
# The page draws bars as SVG rectangles whose sizes are attributes (the Content Security
# Policy forbids inline styles); these compute them, as strings with a dot decimal.


def bar_length(value: float | None, maximum: float, *, scale: float = 100) -> str:
    """Length of a bar on a 0..`scale` axis."""
    if not value or maximum <= 0:
        return "0"
    return f"{scale * min(value, maximum) / maximum:.2f}"


@dataclass(frozen=True)
class Column:
    x: str
    y: str
    height: str


@dataclass(frozen=True)
class DayColumns:
    day: Day
    started: Column
    completed: Column
    label: str  # a date under the axis, on a few columns only
    label_x: str


@dataclass(frozen=True)
class DayChart:
    width: int
    height: int
    top: int  # the value at the top of the axis
    bar_width: str
    columns: list[DayColumns]

    @property
    def view_box(self) -> str:  # room above for the scale, below for the dates
        return f"0 -16 {self.width} {self.height + 36}"

    @property
    def view_height(self) -> int:
        return self.height + 36

    @property
    def label_y(self) -> int:
        return self.height + 14


def day_chart(days: Sequence[Day], *, height: int = 160, width: int = 720) -> DayChart:
    """Two columns (started, completed) per day, at most 96 wide; about eight dates labelled."""
    top = max([1, *(d.started for d in days), *(d.completed for d in days)])
    column_width = min(96, width / max(1, len(days)))
    half = column_width / 2 - 1
    every = max(1, math.ceil(len(days) / 8))
    columns = []

    def column(value: int, x: float) -> Column:
        size = float(bar_length(value, top, scale=height))
        return Column(x=f"{x:.2f}", y=f"{height - size:.2f}", height=f"{size:.2f}")

    for index, day in enumerate(days):
        x = index * column_width
        columns.append(
            DayColumns(
                day=day,
                started=column(day.started, x + 1),
                completed=column(day.completed, x + 1 + half),
                label=day.day.strftime("%d %b") if index % every == 0 else "",
                label_x=f"{x + column_width / 2:.2f}",
            )
        )
    return DayChart(
        width=math.ceil(max(1, len(days)) * column_width),
        height=height,
        top=top,
        bar_width=f"{max(half - 0.5, 0.5):.2f}",
        columns=columns,
    )
