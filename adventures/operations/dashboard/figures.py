"""The figures on the admin dashboard, for a range of days, as plain data.

Each function takes a `Period` and returns dataclasses; counting happens in the database
(grouped and conditional counts), percentiles in Python over the period's values.

Percentiles are nearest-rank: the p-th percentile of n sorted values is the value at
rank ceil(p/100 * n), so it is always a measured value (the median of an even count is
the lower of the middle two).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.db.models.fields.json import KT
from django.db.models.functions import TruncDate

from adventures import plan as plan_rules
from adventures.models import Adventure, Chapter, Difficulty, Feedback, FeedbackRating, TelemetryEvent
from adventures.operations.dashboard.period import Period
from adventures.safety import review


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
