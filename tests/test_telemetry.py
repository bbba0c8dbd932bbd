"""Telemetry over a whole adventure: each event once, with the right fields,
durations from stored timestamps (so a reconnect changes nothing)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from adventures.models import Adventure, Chapter, TelemetryEvent
from adventures.operations import telemetry
from adventures.runtime import background
from tests.consumer_support import Player, choice_ids
from tests.factories import start_adventure, visitor_session

pytestmark = [pytest.mark.django_db(transaction=True)]


async def test_each_event_once_across_a_reconnect():
    session_key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor)
    player = Player(adventure.id, session_key)
    await player.connect()
    for number in range(1, 11):
        _, final = await player.receive_chapter(number)
        if number == 4:
            await player.settle()
            await player.close()  # the connection drops, the player comes back
            player = Player(adventure.id, session_key)
            await player.connect()
            _, final = await player.receive_chapter(4)
        if number < 10:
            await player.choose(number, choice_ids(final)[number % 3])
    await player.settle()
    await player.close()

    def open_recap():
        client = Client()
        client.cookies["sessionid"] = session_key
        assert client.get(f"/adventures/{adventure.id}/recap/").status_code == 200

    await background.drain()
    await database_sync_to_async(open_recap)()
    await telemetry.flush()
    events = await database_sync_to_async(
        lambda: list(TelemetryEvent.objects.filter(adventure_id=adventure.id).order_by("created_at", "pk"))
    )()
    counts = Counter(e.name for e in events)
    assert counts == {
        "adventure_started": 1,
        "chapter_viewed": 10,
        "choice_made": 9,
        "lesson_answered": 3,
        "adventure_completed": 1,
        "image_generated": 13,  # ten chapters and the three agency options
        "recap_viewed": 1,
    }

    chapters, done = await database_sync_to_async(
        lambda: (
            list(Chapter.objects.filter(adventure=adventure).order_by("number")),
            Adventure.objects.with_content().get(pk=adventure.id),
        )
    )()
    viewed = sorted((e.chapter_number, e.chapter_kind) for e in events if e.name == "chapter_viewed")
    assert viewed == [(c.number, c.kind) for c in chapters]
    for event in (e for e in events if e.name == "choice_made"):
        chapter = chapters[event.chapter_number - 1]
        assert event.duration_ms == round((chapter.chosen_at - chapter.created_at).total_seconds() * 1000)
    lessons = {e.chapter_number: e for e in events if e.name == "lesson_answered"}
    for chapter in (c for c in chapters if c.kind == "lesson"):
        assert lessons[chapter.number].details["correct"] is chapter.is_correct
        assert lessons[chapter.number].details["topic"] == done.topic.slug
        assert lessons[chapter.number].details["difficulty"] == "standard"
    completed = next(e for e in events if e.name == "adventure_completed")
    assert completed.duration_ms == round((done.completed_at - done.created_at).total_seconds() * 1000)
    started = next(e for e in events if e.name == "adventure_started")
    assert started.details == {
        "world": done.world.slug,
        "topic": done.topic.slug,
        "difficulty": "standard",
        "length": 10,
    }
    assert all(e.details["outcome"] == "ok" for e in events if e.name == "image_generated")


async def test_recording_from_the_event_loop_never_writes_inline():
    telemetry.record("error", where="test")
    # Buffered: nothing is in the database until the flush.
    assert await database_sync_to_async(TelemetryEvent.objects.filter(name="error").count)() == 0
    await telemetry.flush()
    assert await database_sync_to_async(TelemetryEvent.objects.filter(name="error").count)() == 1


async def test_flush_waits_for_a_batch_the_timed_flusher_is_writing(monkeypatch):
    # The timed flusher takes the buffer, then writes it in a thread; a flush in that
    # moment finds the buffer empty, yet must not return before those events are stored.
    monkeypatch.setattr(telemetry, "FLUSH_DELAY", 0)
    writing = asyncio.Event()
    write = telemetry._write

    def slow_write(events):
        loop.call_soon_threadsafe(writing.set)
        time.sleep(0.3)
        write(events)

    loop = asyncio.get_running_loop()
    monkeypatch.setattr(telemetry, "_write", slow_write)
    telemetry.record("error", where="test")
    await asyncio.wait_for(writing.wait(), 5)
    await telemetry.flush()
    assert await database_sync_to_async(TelemetryEvent.objects.filter(name="error").count)() == 1


def test_unknown_event_names_are_refused():
    with pytest.raises(ValueError, match="Unknown telemetry event"):
        telemetry.record("made_up")
