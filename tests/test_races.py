"""Races decided by the database (DESIGN §5): ten identical choices arriving at the same
instant from ten threads, each with its own connection, record exactly one. On CI's
PostgreSQL pass this is a real race between concurrent transactions; on SQLite the
immediate transactions queue them. (tests/test_consumers.py sends the ten messages and
the two tabs through the socket; tests/test_scale_out.py races tabs on two processes.)"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from adventures import services
from adventures.models import Adventure, Chapter, TelemetryEvent
from tests.factories import start_adventure
from tests.support.story import write_chapters

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 10


def race(function, arguments: list[dict]) -> list:
    """Call `function(**a)` for each `a` in its own thread, all released at once."""
    start = threading.Barrier(len(arguments))

    def one(kwargs):
        try:
            start.wait(timeout=30)
            return function(**kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        return list(pool.map(one, arguments))


def test_ten_identical_choices_at_the_same_instant_record_one():
    adventure = start_adventure(visitor="racer", length=6)
    (chapter,) = write_chapters(adventure, 1)
    choice = chapter.choices[1].id
    version = Adventure.objects.get(pk=adventure.pk).version
    results = race(
        services.chapter_record_choice, [{"adventure_id": adventure.id, "number": 1, "choice_id": choice}] * RACERS
    )
    outcomes = sorted(r.outcome.value for r in results)
    assert outcomes == ["already_chosen"] * (RACERS - 1) + ["recorded"]
    chapter.refresh_from_db()
    assert chapter.chosen_choice == choice
    assert Adventure.objects.get(pk=adventure.pk).version == version + 1  # one write to the adventure
    assert TelemetryEvent.objects.filter(name="choice_made", adventure_id=adventure.id).count() == 1


def test_ten_different_choices_at_the_same_instant_record_one():
    """Two tabs (or ten) picking different options: one wins, the rest are told."""
    adventure = start_adventure(visitor="racer", length=6)
    (chapter,) = write_chapters(adventure, 1)
    ids = [c.id for c in chapter.choices]
    results = race(
        services.chapter_record_choice,
        [{"adventure_id": adventure.id, "number": 1, "choice_id": ids[n % 3]} for n in range(RACERS)],
    )
    winners = [r for r in results if r.recorded]
    assert len(winners) == 1
    chapter.refresh_from_db()
    assert chapter.chosen_choice == winners[0].chapter.chosen_choice
    assert Adventure.objects.get(pk=adventure.pk).agency.id == chapter.chosen_choice


def test_ten_writers_of_the_same_chapter_save_it_once():
    adventure = start_adventure(visitor="racer", length=6)
    (chapter,) = write_chapters(adventure, 1)
    services.chapter_record_choice(adventure_id=adventure.id, number=1, choice_id=chapter.choices[0].id)

    def save(n: int):
        try:
            services.chapter_save(
                adventure_id=adventure.id,
                number=2,
                kind=adventure.plan[1],
                text=f"Writer {n} was here.",
                choices=[{"id": f"c{n}-{k}", "text": f"Option {k} of writer {n}"} for k in range(3)],
                question_id=None,
            )
            return "saved"
        except services.ChapterAlreadyWritten:
            return "already written"

    results = race(save, [{"n": n} for n in range(RACERS)])
    assert sorted(results) == ["already written"] * (RACERS - 1) + ["saved"]
    assert Chapter.objects.filter(adventure=adventure, number=2).count() == 1
