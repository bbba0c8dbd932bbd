"""What one visitor can make a process hold: sockets per adventure and per visitor,
frames per socket, request bodies, and session rows (none for just looking)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.models import Session

from adventures.operations import telemetry
from adventures.play import socket_bounds
from adventures.runtime import background
from tests.consumer_support import Player
from tests.factories import start_adventure, visitor_session

pytestmark = [pytest.mark.django_db(transaction=True)]

FORM = {"world": "pearlwater-deep", "topic": "ocean-life", "difficulty": "standard", "length": "6"}


@pytest.fixture
async def game():
    session_key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor, length=6)
    yield session_key, adventure
    await background.drain()
    await telemetry.flush()


async def test_sockets_per_adventure_stop_at_the_cap_and_free_their_place_on_closing(game, settings):
    settings.STORYWEB_SOCKETS_PER_ADVENTURE = 3
    session_key, adventure = game
    players = [Player(adventure.id, session_key) for _ in range(3)]
    for player in players:
        await player.connect()
    assert socket_bounds.open_sockets(f"adventure:{adventure.id}") == 3
    fourth = Player(adventure.id, session_key)
    await fourth.connect()
    said = await fourth.receive()
    assert "This adventure is open in lots of windows at once." in said
    assert await fourth.comm.receive_output(timeout=5) == {"type": "websocket.close", "code": 4429}
    await players[0].close()
    fifth = Player(adventure.id, session_key)
    await fifth.connect()
    await fifth.receive_chapter(1)
    for player in (*players[1:], fifth):
        await player.close()
    assert socket_bounds.open_sockets(f"adventure:{adventure.id}") == 0


async def test_sockets_per_visitor_count_across_their_adventures(settings):
    settings.STORYWEB_SOCKETS_PER_VISITOR = 2
    session_key, visitor = await database_sync_to_async(visitor_session)()
    adventures = [await database_sync_to_async(start_adventure)(visitor=visitor, length=6) for _ in range(3)]
    players = [Player(adventure.id, session_key) for adventure in adventures]
    for player in players[:2]:
        await player.connect()
    await players[2].connect()
    await players[2].receive()
    assert await players[2].comm.receive_output(timeout=5) == {"type": "websocket.close", "code": 4429}
    for player in players[:2]:
        await player.close()
    await background.drain()
    assert socket_bounds.open_sockets(f"visitor:{visitor}") == 0


async def test_a_flooding_socket_is_closed_and_what_it_queued_is_dropped(game, settings):
    settings.STORYWEB_SOCKET_FRAMES_PER_10S = 5
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()
    await player.receive_chapter(1)
    await player.settle()
    for _ in range(200):
        await player.comm.send_to(text_data="not json")
    answers = []
    while True:
        output = await player.comm.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
        answers.append(output["text"])
    assert output == {"type": "websocket.close", "code": 4008}
    assert len(answers) == 5  # one error each for the five frames allowed, nothing after
    assert await player.comm.receive_nothing(timeout=0.5)
    assert socket_bounds.open_sockets(f"adventure:{adventure.id}") == 0


def test_looking_around_makes_no_session_starting_makes_one(client):
    for path in ("/", "/adventures/", "/worlds/pearlwater-deep/picture.svg"):
        client.get(path)
    assert Session.objects.count() == 0
    assert "sessionid" not in client.cookies
    assert client.post("/adventures/", FORM).status_code == 302
    assert Session.objects.count() == 1


def test_a_body_over_the_limit_is_refused_before_it_is_parsed(client, settings):
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post("/adventures/", {**FORM, "pad": big})
    assert response.status_code == 400
    assert Session.objects.count() == 0


class Recorder:
    """An ASGI app that reads the whole body and says what it got."""

    def __init__(self) -> None:
        self.body: bytes | None = None

    async def __call__(self, scope, receive, send):
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.body = body
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def through_body_limit(headers, chunks):
    from storyweb.bounds import BodyLimit

    app = Recorder()
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    read = []

    async def receive():
        read.append(1)
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/adventures/", "headers": headers}
    await BodyLimit(app)(scope, receive, send)
    return sent[0]["status"], app.body, len(read)


async def test_body_limit_refuses_by_length_unread_and_counts_chunks(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    # Declared over the limit: 413, and not one message of the body read.
    assert await through_body_limit([(b"content-length", b"101")], [b"x" * 101]) == (413, None, 0)
    # Declared within: handed on untouched.
    assert await through_body_limit([(b"content-length", b"100")], [b"x" * 100]) == (200, b"x" * 100, 1)
    # No length: counted, refused at the chunk that passes the limit (the rest never read).
    assert await through_body_limit([], [b"x" * 60, b"x" * 60, b"x" * 60]) == (413, None, 2)
    # No length, within: every chunk replayed to the app in order.
    assert await through_body_limit([], [b"a" * 50, b"b" * 50]) == (200, b"a" * 50 + b"b" * 50, 2)
