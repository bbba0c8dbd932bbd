"""Faults on the writer's and the socket's path, in process (the real outages are in
tests/test_outages.py): each ends in a kind message and a socket the page reconnects,
never in "writing..." forever; pages answer a static 503 or 500."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import OperationalError
from django.template.loader import render_to_string

from adventures import services
from adventures.models import Chapter
from adventures.operations import telemetry
from adventures.play import consumer_faults, writing
from adventures.play.consumers import AdventureConsumer
from adventures.runtime import background
from tests.consumer_support import Player, choice_ids
from tests.factories import start_adventure, visitor_session

pytestmark = [pytest.mark.django_db(transaction=True)]

INTERRUPTED_STATUS = (
    '<div id="status" class="status status--error" role="status" aria-live="polite">\n    '
    '<p class="status-message">Something went wrong on our side while this chapter was being written. '
    "Nothing is lost: the story will try again by itself in a few seconds.</p>\n    "
)


@pytest.fixture
async def game(settings):
    settings.STORYWEB_RECONNECT_PAUSE_SECONDS = 0
    session_key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor, length=6)
    yield session_key, adventure
    await background.drain()
    await telemetry.flush()


def broken(*args, **kwargs):
    raise OperationalError("connection refused")


async def test_a_chapter_that_cannot_be_saved_says_so_and_asks_again_by_itself(game, monkeypatch):
    session_key, adventure = game
    monkeypatch.setattr(services, "chapter_save", broken)
    player = Player(adventure.id, session_key)
    await player.connect()
    got = await player.receive_until('class="status status--error"')
    assert got[-1].startswith(INTERRUPTED_STATUS)
    assert (
        '<span class="status-again" hidden ws-send hx-trigger="load delay:5s" '
        "hx-vals='{&quot;action&quot;: &quot;retry&quot;}'></span>"
    ) in got[-1]
    monkeypatch.undo()
    await player.send({"action": "retry"})  # what the page sends after 5 s
    await player.receive_chapter(1)
    await player.close()


async def test_the_channel_layer_down_the_watchers_here_still_hear_the_end(game, monkeypatch):
    session_key, adventure = game

    async def no_layer(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(get_channel_layer(), "group_send", no_layer)
    player = Player(adventure.id, session_key)
    await player.connect()
    _, final = await player.receive_chapter(1)  # straight from this process's writer
    assert len(choice_ids(final)) == 3
    await player.close()


async def test_a_choice_that_cannot_be_recorded_says_so_and_ends_the_socket(game, monkeypatch):
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()
    _, final = await player.receive_chapter(1)
    await player.settle()
    monkeypatch.setattr(services, "chapter_record_choice", broken)
    await player.choose(1, choice_ids(final)[0])
    said = await player.receive()
    assert said == (
        '<div id="status" class="status status--error" role="status" aria-live="polite">\n    '
        f'<p class="status-message">{consumer_faults.CHOICE_NOT_SAVED}</p>\n    \n    \n  </div>'
    )
    with pytest.raises(consumer_faults.Interrupted, match="OperationalError: connection refused"):
        await player.comm.receive_output(timeout=5)
    assert writing.being_written_here(adventure.id) is False
    assert (
        await database_sync_to_async(Chapter.objects.filter(adventure=adventure, chosen_choice__isnull=False).count)()
        == 0
    )


async def test_a_database_down_at_connect_says_so_and_ends_the_socket(game, monkeypatch):
    session_key, adventure = game
    monkeypatch.setattr(AdventureConsumer, "_load_owned", broken)
    player = Player(adventure.id, session_key)
    await player.connect()
    said = await player.receive()
    assert consumer_faults.INTERRUPTED in said and said.startswith('<div id="status" class="status status--error"')
    with pytest.raises(consumer_faults.Interrupted):
        await player.comm.receive_output(timeout=5)


def test_pages_answer_a_kind_503_when_the_database_is_down(client, monkeypatch):
    from adventures.play import views

    monkeypatch.setattr(views, "_home_context", broken)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "<h1>The storytellers are taking a short break</h1>" in response.content.decode()


def test_the_500_page_needs_no_request_and_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "<h1>Oops, a page went missing from our book</h1>" in html
