"""The site's daily cap on LLM calls, end to end with the gemini storyteller against the
fake server: exactly N calls a day reach the model, the player is told kindly, the
refusals are recorded, and the next day the storyteller writes again."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from adventures.models import Chapter, TelemetryEvent
from adventures.operations import limits, telemetry
from adventures.plan import ChapterKind
from adventures.runtime import background
from adventures.storytellers import get_provider
from adventures.storytellers.base import LimitReached
from tests.consumer_support import Player
from tests.factories import start_adventure, visitor_session
from tests.llm import briefs

pytestmark = [pytest.mark.django_db(transaction=True)]

DAY = 86400
START = 1_767_225_600 + 1  # one second into 2026-01-01 (UTC)
RESTING = "The storyteller has told so many stories today that it needs a rest. Please come back tomorrow."


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(START)
    monkeypatch.setattr(limits, "time", clock)
    return clock


@database_sync_to_async
def refusals() -> int:
    return TelemetryEvent.objects.filter(name="rate_limited", details__limit="llm").count()


async def test_exactly_the_cap_reaches_the_model_each_day(fake_gemini, settings, clock):
    settings.STORYWEB_LLM_CALLS_PER_DAY = 3
    brief = briefs.make_brief(number=3, kind=ChapterKind.STORY, seed=41)
    gemini = get_provider()
    for n in range(3):  # different chapters: one chapter's notes are asked for once
        await gemini.title_and_summary(brief, f"The end of part {n}.")
    with pytest.raises(LimitReached, match="needs a rest"):
        await gemini.title_and_summary(brief, "The end of part 3.")
    assert len(fake_gemini.requests) == 3
    clock.now += DAY  # tomorrow
    await gemini.title_and_summary(brief, "The end of part 4.")
    assert len(fake_gemini.requests) == 4
    await telemetry.flush()
    assert await refusals() == 1


async def test_a_player_meets_the_cap_with_a_kind_message_and_nothing_half_saved(fake_gemini, settings, clock):
    settings.STORYWEB_LLM_CALLS_PER_DAY = 0
    session_key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor, length=6)
    player = Player(adventure.id, session_key)
    await player.connect()
    message = await player.receive_until("status--error")
    assert message[-1].startswith('<div id="status" class="status status--error" role="status" aria-live="polite">')
    assert f'<p class="status-message">{RESTING}</p>' in message[-1]
    assert "Try again" in message[-1]
    await background.drain()
    assert fake_gemini.requests == []
    assert not await database_sync_to_async(Chapter.objects.filter(adventure=adventure).exists)()

    settings.STORYWEB_LLM_CALLS_PER_DAY = 100
    clock.now += DAY
    await player.send({"action": "retry"})
    _, final = await player.receive_chapter(1)
    assert 'name="choice"' in final
    await player.close()
    await background.drain()
    await telemetry.flush()
    # The chapter's stream; chapter 1's option pictures start only with its first words.
    assert await refusals() == 1
