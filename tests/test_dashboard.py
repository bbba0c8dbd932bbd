"""The admin dashboard's figures: known rows in, hand-computed numbers out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.urls import reverse

from adventures import services
from adventures.models import (
    Adventure,
    Chapter,
    ChapterKind,
    Feedback,
    LessonTopic,
    Question,
    StoryWorld,
    TelemetryEvent,
)
from adventures.operations import dashboard, telemetry
from adventures.operations.dashboard import Day, Period, Ratio
from tests.factories import start_adventure

pytestmark = pytest.mark.django_db

PERIOD = Period(start=date(2025, 3, 1), end=date(2025, 3, 3))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def play(
    adventure: Adventure,
    *,
    chapters: int,
    correct: Sequence[bool] = (),
    text: str = "The wind turned.",
    choice_text: str = "Go on",
) -> list[Chapter]:
    """Write chapters 1..`chapters` through the services, choosing at the end of each
    but the last one written; lesson answers follow `correct`, in order (then: right)."""
    answers = iter(correct)
    questions = Question.objects.filter(topic_id=adventure.topic_id, difficulty=adventure.difficulty).order_by("pk")
    written = []
    for number in range(1, chapters + 1):
        kind = adventure.kind_of(number)
        question = questions[number] if kind == ChapterKind.LESSON else None
        if number == 1:
            choices = [{"id": option.id, "text": option.name} for option in adventure.agency_options]
        elif question is not None:
            choices = [
                {"id": f"right-{number}", "text": question.answer, "correct": True},
                {"id": f"wrong-{number}", "text": question.wrong_answer_1, "correct": False},
                {"id": f"other-{number}", "text": question.wrong_answer_2, "correct": False},
            ]
        elif kind == ChapterKind.CONCLUSION:
            choices = []
        else:
            choices = [{"id": f"c{number}-{i}", "text": f"{choice_text} {i}"} for i in range(3)]
        chapter = services.chapter_save(
            adventure_id=adventure.id,
            number=number,
            kind=kind,
            text=text,
            choices=choices,
            question_id=question.pk if question else None,
        )
        if number < chapters:
            if question is not None:
                pick = f"right-{number}" if next(answers, True) else f"wrong-{number}"
            else:
                pick = choices[0]["id"]
            assert services.chapter_record_choice(adventure_id=adventure.id, number=number, choice_id=pick).recorded
        written.append(chapter)
    adventure.refresh_from_db()
    return written


def event(name: str, when: str, *, duration_ms: int | None = None, **details: Any) -> None:
    """A telemetry event recorded through telemetry.record, then moved to `when`."""
    telemetry.record(name, duration_ms=duration_ms, **details)
    TelemetryEvent.objects.filter(pk=TelemetryEvent.objects.latest("pk").pk).update(created_at=at(when))


def topic(slug_index: int) -> LessonTopic:
    return LessonTopic.objects.order_by("slug")[slug_index]


@pytest.fixture
def seeded() -> dict[str, Adventure]:
    """Five adventures around PERIOD (1-3 March 2025, UTC) and telemetry and feedback.

    With seed 7 the plans are: length 6 - lesson at 2; length 10 - lessons at 2, 4, 7.
    """
    first, second = topic(0), topic(1)
    # A: in the period, played to the end (6 chapters), lesson 2 right; completed 2 March.
    a = start_adventure(visitor="va", topic=first.slug, length=6)
    assert a.plan == ["story", "lesson", "reflect", "story", "story", "conclusion"]
    play(a, chapters=6, correct=[True])
    # B: in the period, challenging, 5 chapters: lessons 2 wrong, 4 right (7 not reached).
    b = start_adventure(visitor="vb", topic=first.slug, length=10, difficulty="challenging")
    assert [n for n, kind in enumerate(b.plan, 1) if kind == "lesson"] == [2, 4, 7]
    play(b, chapters=5, correct=[False, True])
    # C: the period's last second, chapter 1 only.
    c = start_adventure(visitor="vc", topic=second.slug, length=10)
    play(c, chapters=1)
    # D: a second before the period; completed at its first instant; answered before it.
    d = start_adventure(visitor="vd", topic=second.slug, length=6)
    play(d, chapters=6, correct=[False])
    # E: the instant after the period: started, lesson 2 answered right.
    e = start_adventure(visitor="ve", topic=second.slug, length=10)
    play(e, chapters=3, correct=[True])

    Adventure.objects.filter(pk=a.pk).update(created_at=at("2025-03-01 10:00"), completed_at=at("2025-03-02 09:00"))
    Adventure.objects.filter(pk=b.pk).update(created_at=at("2025-03-01 12:00"))
    Adventure.objects.filter(pk=c.pk).update(created_at=at("2025-03-03 23:59:59"))
    Adventure.objects.filter(pk=d.pk).update(
        created_at=at("2025-02-28 23:59:59"), completed_at=at("2025-03-01 00:00:00")
    )
    Adventure.objects.filter(pk=e.pk).update(created_at=at("2025-03-04 00:00:00"))
    Chapter.objects.filter(adventure__in=[a, b]).exclude(chosen_at=None).update(chosen_at=at("2025-03-02 08:00"))
    Chapter.objects.filter(adventure=d).exclude(chosen_at=None).update(chosen_at=at("2025-02-28 23:59:59"))
    Chapter.objects.filter(adventure=e).exclude(chosen_at=None).update(chosen_at=at("2025-03-04 00:00:00"))

    # LLM calls. chapter: 4 ok, 1 error, 1 timeout; summary: 20 ok; title: 1 ok.
    for ttft, total in [(100, 1000), (300, 4000), (200, 2000), (400, 3000)]:
        event("llm_call", "2025-03-01 10:00", duration_ms=total, kind="chapter", outcome="ok", ttft_ms=ttft)
    event("llm_call", "2025-03-02 10:00", duration_ms=50, kind="chapter", outcome="error")
    event("llm_call", "2025-03-03 23:00", duration_ms=90000, kind="chapter", outcome="timeout", ttft_ms=900)
    for n in range(1, 21):
        event("llm_call", "2025-03-02 11:00", duration_ms=10 * n, kind="summary", outcome="ok", ttft_ms=n)
    event("llm_call", "2025-03-03 12:00", duration_ms=80, kind="title", outcome="ok", ttft_ms=50)
    event("llm_call", "2025-03-04 00:00", duration_ms=99999, kind="chapter", outcome="ok", ttft_ms=9999)  # after
    event("llm_call", "2025-02-28 23:59:59", duration_ms=1, kind="chapter", outcome="ok", ttft_ms=1)  # before

    # Pictures: chapter ok, ok, timeout; agency ok, error; one outside.
    for purpose, outcome in [("chapter", "ok"), ("chapter", "ok"), ("chapter", "timeout")]:
        event("image_generated", "2025-03-02 12:00", outcome=outcome, purpose=purpose)
    for purpose, outcome in [("agency", "ok"), ("agency", "error")]:
        event("image_generated", "2025-03-01 12:00", outcome=outcome, purpose=purpose)
    event("image_generated", "2025-03-04 00:00", outcome="error", purpose="chapter")

    # Rate limits: chapters 3, adventures 1; one outside.
    for _ in range(3):
        event("rate_limited", "2025-03-01 13:00", limit="chapters")
    event("rate_limited", "2025-03-03 13:00", limit="adventures")
    for when in ("2025-03-01 09:00", "2025-03-03 10:00", "2025-03-03 11:00", "2025-03-04 11:00"):
        event("safety_stop", when, kind="chapter", reason="SAFETY")
    event("rate_limited", "2025-02-28 13:00", limit="adventures")

    # Feedback (once per visitor): up, up, down in the period; up before it.
    for n, (rating, when) in enumerate(
        [("up", "2025-03-01 10:00"), ("up", "2025-03-02 10:00"), ("down", "2025-03-03 10:00")]
    ):
        feedback = Feedback.objects.create(rating=rating, adventure=a, visitor=f"va{n}")
        Feedback.objects.filter(pk=feedback.pk).update(created_at=at(when))
    feedback = Feedback.objects.create(rating="up", adventure=d, visitor="vd")
    Feedback.objects.filter(pk=feedback.pk).update(created_at=at("2025-02-28 10:00"))
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_adventures_started_and_completed_per_day(seeded):
    assert dashboard.adventures_per_day(PERIOD) == [
        Day(day=date(2025, 3, 1), started=2, completed=1),
        Day(day=date(2025, 3, 2), started=0, completed=1),
        Day(day=date(2025, 3, 3), started=1, completed=0),
    ]


def test_chapter_funnels_count_each_lengths_adventures_reaching_each_chapter(seeded):
    short, classic = dashboard.chapter_funnels(PERIOD)  # nobody started a long one: no funnel
    assert (short.length, short.label, short.started) == (6, "Short", 1)
    assert [(step.number, step.adventures) for step in short.steps] == [(n, 1) for n in range(1, 7)]
    assert (classic.length, classic.label, classic.started) == (10, "Classic", 2)
    assert [(step.number, step.adventures) for step in classic.steps] == [
        (1, 2),
        (2, 1),
        (3, 1),
        (4, 1),
        (5, 1),
        *((n, 0) for n in range(6, 11)),
    ]
    assert classic.steps[1].of_started == Ratio(1, 2)


def test_answer_accuracy_per_topic_and_difficulty(seeded):
    first = topic(0).name
    assert [(row.topic, row.difficulty, row.answers) for row in dashboard.answer_accuracy(PERIOD)] == [
        (first, "Challenging", Ratio(1, 2)),
        (first, "Standard", Ratio(1, 1)),
    ]


def test_llm_timings_are_nearest_rank_median_and_p95_per_kind(seeded):
    timings = {row.kind: row for row in dashboard.llm_timings(PERIOD)}
    assert list(timings) == ["chapter", "summary", "title"]
    chapter = timings["chapter"]
    assert (chapter.calls, chapter.ok, chapter.failures) == (6, 4, {"error": 1, "timeout": 1})
    assert (chapter.ttft_median, chapter.ttft_p95) == (200, 400)
    assert (chapter.total_median, chapter.total_p95) == (2000, 4000)
    summary = timings["summary"]
    assert (summary.calls, summary.ok, summary.failures) == (20, 20, {})
    # 20 values: the median is the 10th, p95 the 19th.
    assert (summary.ttft_median, summary.ttft_p95, summary.total_median, summary.total_p95) == (10, 19, 100, 190)
    title = timings["title"]
    assert (title.ttft_median, title.ttft_p95, title.total_median, title.total_p95) == (50, 50, 80, 80)


def test_picture_success_rate_overall_and_per_purpose(seeded):
    pictures = dashboard.picture_success(PERIOD)
    assert pictures.overall == Ratio(3, 5)
    assert pictures.overall.percent == 60
    assert pictures.by_purpose == {"agency": Ratio(1, 2), "chapter": Ratio(2, 3)}


def test_rate_limit_hits_per_limit(seeded):
    assert dashboard.rate_limit_hits(PERIOD) == {"chapters": 3, "adventures": 1}


def test_safety_stops_per_day_with_zeros(seeded):
    assert dashboard.safety_stops_per_day(PERIOD) == [
        (date(2025, 3, 1), 1),
        (date(2025, 3, 2), 0),
        (date(2025, 3, 3), 2),
    ]


def test_feedback_ratio(seeded):
    assert dashboard.feedback_ratio(PERIOD) == Ratio(2, 3)


def test_the_whole_dashboard_adds_up(seeded):
    figures = dashboard.dashboard(PERIOD)
    assert (figures.started, figures.completed) == (3, 2)
    assert figures.accuracy_overall == Ratio(2, 3)


def test_an_empty_period_has_zeros_and_no_percentages():
    figures = dashboard.dashboard(Period(start=date(2001, 1, 1), end=date(2001, 1, 2)))
    assert figures.per_day == [Day(date(2001, 1, 1), 0, 0), Day(date(2001, 1, 2), 0, 0)]
    assert figures.funnels == []
    assert (figures.accuracy, figures.llm, figures.rate_limits) == ([], [], {})
    assert figures.pictures.overall == Ratio(0, 0)
    assert figures.feedback.percent is None


def test_the_page_shows_the_seeded_figures(seeded, admin_client):
    response = admin_client.get(reverse("admin:dashboard"), {"start": "2025-03-01", "end": "2025-03-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="dash-card-value" data-figure="started">3</span>' in html
    assert '<span class="dash-card-value" data-figure="completed">2</span>' in html
    assert '<span class="dash-card-value" data-figure="accuracy">66.7%</span>' in html
    assert '<span class="dash-card-value" data-figure="pictures">60.0%</span>' in html
    assert '<span class="dash-card-value" data-figure="feedback">66.7%</span>' in html
    assert '<tr data-day="2025-03-01"><td>Sat 1 Mar 2025</td><td class="num">2</td><td class="num">1</td></tr>' in html
    assert (
        '<table class="dash-table dash-bars" data-funnel-length="10">\n      <caption>Classic (10 chapters)</caption>'
    ) in html
    assert 'data-funnel-length="14"' not in html
    assert (
        '<tr data-funnel="started"><th scope="row">Started</th><td class="num">2</td><td class="num">100.0%</td>'
        in html
    )
    assert '<tr data-funnel="2"><th scope="row">Chapter 2</th><td class="num">1</td><td class="num">50.0%</td>' in html
    assert '<tr data-funnel="10"><th scope="row">Chapter 10</th><td class="num">0</td><td class="num">0.0%</td>' in html
    assert "Chapter 11" not in html and "medium" not in html
    assert (
        '<tr data-llm="chapter"><th scope="row">chapter</th><td class="num">6</td><td class="num">4</td>'
        '<td class="num">200</td><td class="num">400</td><td class="num">2000</td><td class="num">4000</td>'
        "<td>error 1, timeout 1</td></tr>"
    ) in html
    assert '<tr data-limit="chapters"><th scope="row">chapters</th><td class="num">3</td>' in html
    assert '<span data-figure="safety-stops">3</span> in this period.' in html
    assert (
        '<tr data-safety-stop-day="2025-03-03"><th scope="row">Mon 3 Mar</th><td class="num">2</td>'
        '<td class="dash-bar-cell">'
        '<svg class="dash-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
        '<rect class="dash-bar-track" width="100" height="10"/><rect class="dash-bar-fill" width="100.00" height="10"/>'
    ) in html
    # Bars are sized by SVG attributes, never by style attributes (the CSP forbids them).
    assert 'class="dash-bar-fill" width="50.00"' in html and 'class="dash-bar-fill" width="66.67"' in html
    assert "style=" not in html
    assert "<script>" not in html


@pytest.mark.parametrize(
    ("query", "expected", "problem"),
    [
        ({}, Period(date(2025, 2, 4), date(2025, 3, 5)), ""),
        ({"days": "7"}, Period(date(2025, 2, 27), date(2025, 3, 5)), ""),
        ({"days": "90"}, Period(date(2024, 12, 6), date(2025, 3, 5)), ""),
        ({"days": "5"}, Period(date(2025, 2, 4), date(2025, 3, 5)), "Choose 7, 30 or 90 days; showing the last 30."),
        ({"start": "2025-01-01", "end": "2025-01-31"}, Period(date(2025, 1, 1), date(2025, 1, 31)), ""),
        ({"start": "2025-01-01"}, Period(date(2025, 2, 4), date(2025, 3, 5)), "Give both dates as YYYY-MM-DD."),
        (
            {"start": "1/1/2025", "end": "2025-01-31"},
            Period(date(2025, 2, 4), date(2025, 3, 5)),
            "Give both dates as YYYY-MM-DD.",
        ),
        (
            {"start": "2025-02-01", "end": "2025-01-31"},
            Period(date(2025, 2, 4), date(2025, 3, 5)),
            "The end date is before the start date.",
        ),
        (
            {"start": "2020-01-01", "end": "2025-01-31"},
            Period(date(2025, 2, 4), date(2025, 3, 5)),
            "Choose at most 366 days.",
        ),
    ],
)
def test_period_from_the_query(query, expected, problem):
    assert dashboard.period_from_query(query, today=date(2025, 3, 5)) == (expected, problem)


def test_period_bounds_are_whole_days():
    assert PERIOD.days == 3
    assert PERIOD.starts_at == at("2025-03-01 00:00")
    assert PERIOD.ends_before == at("2025-03-04 00:00")


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([15, 20, 35, 40, 50], 30, 20),
        ([15, 20, 35, 40, 50], 40, 20),
        ([15, 20, 35, 40, 50], 50, 35),
        ([15, 20, 35, 40, 50], 100, 50),
        ([3, 1, 2, 4], 50, 2),  # even count: the lower middle, always a measured value
        ([3, 1, 2, 4], 95, 4),
        ([7], 95, 7),
        ([], 50, None),
    ],
)
def test_nearest_rank_percentile(values, p, expected):
    assert dashboard.percentile(values, p) == expected


def test_day_chart_geometry():
    chart = dashboard.day_chart([Day(date(2025, 3, 1), 4, 2), Day(date(2025, 3, 2), 0, 1)], height=100, width=96)
    assert (chart.width, chart.top, chart.bar_width) == (96, 4, "22.50")
    first, second = chart.columns
    assert (first.started.x, first.started.y, first.started.height) == ("1.00", "0.00", "100.00")
    assert (first.completed.x, first.completed.y, first.completed.height) == ("24.00", "50.00", "50.00")
    assert (second.started.height, second.completed.height, second.completed.x) == ("0.00", "25.00", "72.00")
    assert (first.label, first.label_x) == ("01 Mar", "24.00")


def test_world_and_topic_names_are_escaped_on_the_page(seeded, admin_client):
    StoryWorld.objects.filter(pk=seeded["a"].world_id).update(name="<b>World</b>")
    LessonTopic.objects.filter(pk=seeded["a"].topic_id).update(name="<script>alert(1)</script>")
    html = admin_client.get(reverse("admin:dashboard"), {"start": "2025-03-01", "end": "2025-03-03"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_narrations_made_failed_their_minutes_and_making_time(admin_client):
    for seconds, making_ms in [(150.0, 20000), (90.0, 10000), (120.0, 30000)]:
        event("narration_made", "2025-03-02 10:00", duration_ms=making_ms, audio_seconds=seconds, pieces=5)
    event("narration_failed", "2025-03-02 11:00", duration_ms=400, outcome="busy")
    event("narration_made", "2025-03-05 10:00", duration_ms=1, audio_seconds=600.0, pieces=5)  # after
    period = Period(start=date(2025, 3, 1), end=date(2025, 3, 3))
    assert dashboard.narrations(period) == dashboard.Narrations(
        made=3, failed=1, audio_minutes=6.0, making_median_ms=20000.0, making_p95_ms=30000.0
    )
    html = admin_client.get(reverse("admin:dashboard"), {"start": "2025-03-01", "end": "2025-03-03"}).content.decode()
    assert '<td class="num" data-narrations="made">3</td>' in html
    assert '<td class="num" data-narrations="failed">1</td>' in html
    assert '<td class="num" data-narrations="minutes">6.0</td>' in html
    assert '<td class="num" data-narrations="median">20000 ms</td>' in html
    empty = admin_client.get(reverse("admin:dashboard"), {"start": "2001-01-01", "end": "2001-01-02"}).content.decode()
    assert "No narrations were made in this period" in empty
