"""Cost limits trigger at exactly the set numbers, say so kindly, are recorded in
telemetry, and reset when their window (fixed, keyed by time) moves on. Time is moved
by replacing adventures.operations.limits' clock, never by sleeping."""

from __future__ import annotations

import html
import json
import re

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from adventures.models import Adventure, Chapter, TelemetryEvent
from adventures.operations import limits, telemetry
from adventures.runtime import background
from tests.consumer_support import Player, choice_ids
from tests.factories import start_adventure, visitor_session
from tests.support.story import client_for

# 2026-01-01 00:00:01 UTC: one second into a new minute, hour and day.
START = 1_767_225_600 + 1
FORM = {"world": "pearlwater-deep", "topic": "ocean-life", "difficulty": "standard", "length": "6"}


class Clock:
    """Stands in for the `time` module inside adventures.operations.limits."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(START)
    monkeypatch.setattr(limits, "time", clock)
    return clock


def limited_events(limit: str) -> list[TelemetryEvent]:
    return list(TelemetryEvent.objects.filter(name="rate_limited", details__limit=limit))


# --- The counters ----------------------------------------------------------------------


_visitors = iter(range(10**6))


def new_visitor_take(ip: str) -> bool:
    """A chapter for a child never seen before, behind `ip`."""
    return limits.chapter_take(visitor=f"child{next(_visitors)}", ip=ip).allowed


@pytest.mark.parametrize(
    ("setting", "check", "window"),
    [
        ("STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE", lambda: limits.chapter_take(visitor="v1", ip="a").allowed, 60),
        ("STORYWEB_CHAPTERS_PER_IP_PER_MINUTE", lambda: new_visitor_take("a"), 60),
        ("STORYWEB_CHAPTERS_PER_IP_PER_DAY", lambda: new_visitor_take("a"), 86400),
        (
            "STORYWEB_ADVENTURES_PER_VISITOR_PER_HOUR",
            lambda: limits.adventure_start_allowed(visitor="v1", ip="10.0.0.1"),
            3600,
        ),
        ("STORYWEB_LLM_CALLS_PER_DAY", limits.llm_call_allowed, 86400),
    ],
)
def test_each_limit_allows_exactly_its_number_then_resets_with_the_next_window(settings, clock, setting, check, window):
    setattr(settings, setting, 3)
    assert [check() for _ in range(5)] == [True, True, True, False, False]
    clock.now = START + window - 2  # the last second of the same window
    assert check() is False
    clock.now = START + window - 1  # the next window
    assert [check() for _ in range(4)] == [True, True, True, False]


def test_per_ip_counts_every_visitor_behind_one_address(settings, clock):
    settings.STORYWEB_ADVENTURES_PER_IP_PER_HOUR = 4
    allowed = [limits.adventure_start_allowed(visitor=f"v{n}", ip="10.0.0.9") for n in range(6)]
    assert allowed == [True, True, True, True, False, False]
    assert limits.adventure_start_allowed(visitor="v7", ip="10.0.0.10") is True  # another address
    clock.now += 3600
    assert limits.adventure_start_allowed(visitor="v8", ip="10.0.0.9") is True


def test_a_visitor_over_their_limit_does_not_use_up_the_classrooms_address(settings, clock):
    settings.STORYWEB_ADVENTURES_PER_VISITOR_PER_HOUR = 2
    settings.STORYWEB_ADVENTURES_PER_IP_PER_HOUR = 5
    assert [limits.adventure_start_allowed(visitor="keen", ip="10.0.0.9") for _ in range(10)] == [True] * 2 + [
        False
    ] * 8
    # Three more children behind the same address still get their adventures.
    assert [limits.adventure_start_allowed(visitor=f"child{n}", ip="10.0.0.9") for n in range(4)] == [
        True,
        True,
        True,
        False,
    ]


@pytest.mark.django_db  # database_sync_to_async closes the thread's old connections
async def test_the_async_checks_share_the_counters_of_the_sync_ones(settings, clock):
    settings.STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE = 3
    settings.STORYWEB_LLM_CALLS_PER_DAY = 2
    assert (await database_sync_to_async(limits.chapter_take)(visitor="v1", ip="a")).allowed is True
    assert [(await limits.achapter_take(visitor="v1", ip="a")).allowed for _ in range(3)] == [True, True, False]
    assert (await limits.allm_call_and_flags([]))[0] is True
    assert await database_sync_to_async(limits.llm_call_allowed)() is True
    assert (await limits.allm_call_and_flags([]))[0] is False
    clock.now += 86400
    assert (await limits.allm_call_and_flags([]))[0] is True
    assert await limits.aadventure_start_allowed(visitor="v1", ip="10.0.0.1") is True


@pytest.mark.django_db(transaction=True)
def test_the_daily_llm_cap_records_every_refusal(settings, clock):
    settings.STORYWEB_LLM_CALLS_PER_DAY = 1
    assert [limits.llm_call_allowed() for _ in range(3)] == [True, False, False]
    assert len(limited_events("llm")) == 2


# --- Starting adventures (the home page's form) ---------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_new_adventures_per_visitor_stop_at_the_limit_with_a_friendly_page(client, settings, clock):
    settings.STORYWEB_ADVENTURES_PER_VISITOR_PER_HOUR = 2
    client.get("/")
    assert [client.post("/adventures/", FORM).status_code for _ in range(2)] == [302, 302]
    refused = client.post("/adventures/", FORM)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert (
        '<div class="form-errors" role="alert"><p>You have started lots of adventures in the last hour. '
        "Finish one of them, or come back a little later to begin a new one.</p></div>"
    ) in html
    assert Adventure.objects.count() == 2
    assert len(limited_events("adventures")) == 1
    clock.now += 3600
    assert client.post("/adventures/", FORM).status_code == 302
    assert Adventure.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_new_adventures_per_ip_stop_at_the_limit_for_every_visitor(client, django_user_model, settings, clock):
    from django.test import Client

    settings.STORYWEB_ADVENTURES_PER_IP_PER_HOUR = 3
    visitors = [Client(REMOTE_ADDR="203.0.113.7") for _ in range(4)]
    statuses = []
    for visitor in visitors:
        visitor.get("/")
        statuses.append(visitor.post("/adventures/", FORM).status_code)
    assert statuses == [302, 302, 302, 429]
    elsewhere = Client(REMOTE_ADDR="198.51.100.1")
    elsewhere.get("/")
    assert elsewhere.post("/adventures/", FORM).status_code == 302
    clock.now += 3600
    assert visitors[3].post("/adventures/", FORM).status_code == 302


# --- Chapters: over the socket and without JavaScript ---------------------------------------


@pytest.fixture
async def game():
    session_key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor, length=6)
    yield session_key, adventure
    await background.drain()
    await telemetry.flush()


def chapter_rows(adventure_id):
    return list(
        Chapter.objects.filter(adventure_id=adventure_id).order_by("number").values_list("number", "chosen_choice")
    )


FRIENDLY_CHAPTERS = "Whoa, you are reading fast! Take a breath: your story carries on by itself in 59 seconds."
AGAIN = re.compile(
    r"""<span class="status-again" hidden ws-send hx-trigger="load delay:(\d+)s" hx-vals='([^']*)'></span>"""
)


def offered_again(fragment: str) -> tuple[int, dict]:
    """What the page sends by itself, and after how many seconds."""
    found = AGAIN.search(fragment)
    assert found, fragment
    return int(found.group(1)), json.loads(html.unescape(found.group(2)))


@pytest.mark.django_db(transaction=True)
async def test_chapters_per_minute_on_the_socket_stop_at_the_limit_and_reset(game, settings, clock):
    settings.STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE = 2
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()  # chapter 1 is due: the first of two
    _, final = await player.receive_chapter(1)
    await player.choose(1, choice_ids(final)[0])  # the second
    _, final = await player.receive_chapter(2)
    await player.settle()
    second = choice_ids(final)[1]
    await player.choose(2, second)  # the third: refused, nothing recorded
    refused = await player.receive()
    assert refused == (
        '<div id="status" class="status status--limited" role="status" aria-live="polite">\n    '
        f'<p class="status-message">{FRIENDLY_CHAPTERS}</p>\n    '
        '<span class="status-again" hidden ws-send hx-trigger="load delay:59s" hx-vals=\''
        f"{{&quot;action&quot;: &quot;choose&quot;, &quot;chapter&quot;: 2, &quot;choice&quot;: &quot;{second}&quot;}}"
        "'></span>\n    \n  </div>"
    )
    rows = await database_sync_to_async(chapter_rows)(adventure.id)
    assert [n for n, _ in rows] == [1, 2] and rows[1][1] is None
    clock.now += 59
    await player.send(offered_again(refused)[1])  # what the page sends by itself after 59 s
    await player.receive_chapter(3)
    rows = await database_sync_to_async(chapter_rows)(adventure.id)
    assert rows[1] == (2, second) and [n for n, _ in rows] == [1, 2, 3]
    await player.close()
    await telemetry.flush()
    assert len(await database_sync_to_async(limited_events)("chapters")) == 1


@pytest.mark.django_db(transaction=True)
async def test_a_reconnect_over_the_limit_offers_to_try_again(game, settings, clock):
    settings.STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE = 0
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()
    message = await player.receive()
    assert message.startswith('<div id="status" class="status status--limited"')
    assert FRIENDLY_CHAPTERS in message
    assert offered_again(message) == (59, {"action": "resume"})
    assert await player.nothing_more()
    settings.STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE = 1
    clock.now += 59
    await player.send({"action": "resume"})
    await player.receive_chapter(1)
    await player.close()


@pytest.mark.django_db(transaction=True)
async def test_at_the_limit_a_double_click_or_stale_choice_hears_what_it_is_not_wait(game, settings, clock):
    # The limit counts chapters: a choice that would write nothing is not told to wait
    # a minute (it would never write anything), and it uses up nothing.
    settings.STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE = 2
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()  # chapter 1: the first of two
    _, final = await player.receive_chapter(1)
    first = choice_ids(final)[0]
    await player.choose(1, first)  # chapter 2: the second, the last this minute
    await player.choose(1, first)  # the double click, at the limit
    messages = await player.receive_until("status--notice")
    notice = messages[-1]
    assert "Your choice is already on its way" in notice and LIMITED_CLASS not in notice
    if not any(
        m.startswith('<article id="chapter" class="chapter chapter--')
        and 'data-chapter="2"' in m
        and "chapter--writing" not in m
        for m in messages
    ):  # chapter 2 may come before the notice or after
        await player.receive_chapter(2)
    await player.settle()
    await player.choose(1, choice_ids(final)[1])  # chapter 1's other choice: chosen already
    assert "Your choice is already on its way" in await player.receive()
    await player.choose(5, first)  # a chapter not written (an old page's message): stale
    stale = await player.receive()
    assert "That part of the story is already behind you." in stale and LIMITED_CLASS not in stale
    rows = await database_sync_to_async(chapter_rows)(adventure.id)
    assert rows == [(1, first), (2, None)]
    await player.close()
    await telemetry.flush()
    assert await database_sync_to_async(limited_events)("chapters") == []


LIMITED_CLASS = "status--limited"


@pytest.mark.django_db(transaction=True)
def test_chapters_per_minute_without_javascript_stop_at_the_limit_and_reset(settings, clock):
    settings.STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE = 2
    session_key, visitor = visitor_session()
    adventure = start_adventure(visitor=visitor, length=6)
    client = client_for(session_key)
    url = f"/adventures/{adventure.id}/choose/"
    assert client.post(url).status_code == 302  # chapter 1
    first = Chapter.objects.get(adventure=adventure, number=1)
    assert client.post(url, {"chapter": 1, "choice": first.choices[0].id}).status_code == 302  # chapter 2
    second = Chapter.objects.get(adventure=adventure, number=2)
    response = client.post(url, {"chapter": 2, "choice": second.choices[0].id})
    assert response.status_code == 302 and response["Location"] == f"/adventures/{adventure.id}/#chapter"
    assert chapter_rows(adventure.id) == [(1, first.choices[0].id), (2, None)]
    page = client.get(f"/adventures/{adventure.id}/").content.decode()
    assert f'<p class="message message--info">{FRIENDLY_CHAPTERS}</p>' in page
    assert f'name="choice" value="{second.choices[0].id}"' in page  # the choices are still there
    async_to_sync(telemetry.flush)()  # the test client ran the view's thread inside an event loop
    assert len(limited_events("chapters")) == 1
    # At the limit, a choice that would write nothing says so, not "wait".
    client.post(url, {"chapter": 1, "choice": first.choices[1].id})
    page = client.get(f"/adventures/{adventure.id}/").content.decode()
    assert "That choice was already made" in page and FRIENDLY_CHAPTERS not in page
    clock.now += 60
    client.post(url, {"chapter": 2, "choice": second.choices[0].id})
    assert [n for n, _ in chapter_rows(adventure.id)] == [1, 2, 3]
