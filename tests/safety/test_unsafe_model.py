"""The done-when of the safety layers: a model that writes an unsafe sentence into 30 %
of its replies. Over three whole adventures the sentence never reaches a socket nor a
saved chapter, and all three adventures complete (the flagged drafts are rewritten)."""

from __future__ import annotations

import random
import re

import pytest
from channels.db import database_sync_to_async

from adventures.models import Adventure, AdventureStatus, Chapter, TelemetryEvent
from adventures.operations import telemetry
from adventures.runtime import background
from adventures.storytellers.base import ChapterDone, TextPiece
from adventures.storytellers.offline import provider as offline
from tests.consumer_support import Player
from tests.factories import start_adventure, visitor_session
from tests.safety.play import LENGTH, play_to_the_end

pytestmark = [pytest.mark.django_db(transaction=True)]

UNSAFE = "He pulled out a knife and stabbed the guard again and again until he was dead."


def with_unsafe_sentence(text: str) -> str:
    """The text with UNSAFE after its second sentence (so part of it was shown first)."""
    parts = re.split(r"(?<=[.!?”])\s+", text, maxsplit=2)
    return f"{parts[0]} {parts[1]} {UNSAFE} {parts[2]}" if len(parts) == 3 else f"{text} {UNSAFE}"


@pytest.fixture
def unsafe_model(monkeypatch):
    """The offline storyteller, but 30 % of its replies carry UNSAFE, streamed in small
    pieces cut anywhere (as a model's tokens are)."""
    original = offline.OfflineProvider.stream_chapter
    rng = random.Random(13)
    replies = {"all": 0, "unsafe": 0}

    async def stream(self, brief):
        done = [e async for e in original(self, brief)][-1]
        assert isinstance(done, ChapterDone)
        replies["all"] += 1
        text = done.text
        if rng.random() < 0.3:
            replies["unsafe"] += 1
            text = with_unsafe_sentence(text)
        for i in range(0, len(text), 17):
            yield TextPiece(text[i : i + 17])
        yield ChapterDone(text=text, choices=done.choices)

    monkeypatch.setattr(offline.OfflineProvider, "stream_chapter", stream)
    return replies


async def test_an_unsafe_sentence_in_30_percent_of_replies_never_reaches_a_child(unsafe_model, settings):
    games = []
    for seed in (21, 22, 23):
        session_key, visitor = await database_sync_to_async(visitor_session)()
        adventure = await database_sync_to_async(start_adventure)(visitor=visitor, length=LENGTH, seed=seed)
        games.append((session_key, adventure))
    frames = []
    for session_key, adventure in games:
        frames += await play_to_the_end(Player(adventure.id, session_key))
    await background.drain()
    await telemetry.flush()

    assert unsafe_model["unsafe"] >= 5  # the model really misbehaved, often
    assert unsafe_model["all"] == 3 * LENGTH + unsafe_model["unsafe"]  # each unsafe draft was rewritten once
    assert not [f for f in frames if "stabbed" in f or "knife" in f]
    for _, adventure in games:
        done = await database_sync_to_async(Adventure.objects.get)(pk=adventure.id)
        assert done.status == AdventureStatus.COMPLETED
    saved = await database_sync_to_async(list)(Chapter.objects.values_list("text", "title", "summary", "choices"))
    assert len(saved) == 3 * LENGTH
    assert not [row for row in saved if "stabbed" in str(row) or "knife" in str(row)]
    # Grown-ups can review every flag: one event per unsafe draft, with what was done.
    flags = await database_sync_to_async(list)(
        TelemetryEvent.objects.filter(name="safety_flag").values_list("details", flat=True)
    )
    assert len(flags) == unsafe_model["unsafe"]
    assert {(f["where"], f["layer"], f["category"], f["severity"]) for f in flags} == {
        ("chapter", "screen", "violence", 4)
    }
    # A chapter flagged STORYWEB_SAFETY_REWRITES + 1 times in a row stops with the usual
    # "Try again" (with this seed, once: four unsafe replies in a row); every other
    # flagged draft was rewritten while the child watched the chapter continue.
    stopped = [f for f in flags if f["action"] == "stopped"]
    assert len(stopped) == sum("status--error" in f for f in frames) == 1
    assert len(flags) - len(stopped) == sum(f["action"] == "rewritten" for f in flags)
    assert all(f["text"].endswith(UNSAFE) for f in flags)  # the flagged sentence, for review
    rewinds = await database_sync_to_async(TelemetryEvent.objects.filter(name="chapter_rewound").count)()
    assert rewinds == unsafe_model["unsafe"]  # two sentences had been shown each time
