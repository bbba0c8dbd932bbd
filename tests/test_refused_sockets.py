"""A socket refused for want of ownership does nothing: frames sent right after the
handshake (before or after the 4403) store nothing, start nothing, send nothing of the
adventure and log no traceback. And "feedback once per visitor" holds in the database."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from adventures import services
from adventures.models import Chapter, Feedback
from adventures.operations import telemetry
from adventures.runtime import background
from storyweb.asgi import application
from tests.consumer_support import ORIGIN, Player
from tests.factories import start_adventure, visitor_session

pytestmark = [pytest.mark.django_db(transaction=True)]

FEEDBACK = json.dumps({"action": "feedback", "rating": "down", "comment": "spam", "contact": "x@y"})
RESUME = json.dumps({"action": "resume"})


async def refused_socket(adventure_id, cookie: str | None) -> list[dict]:
    headers = [(b"origin", ORIGIN.encode())]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    comm = WebsocketCommunicator(application, f"/ws/adventures/{adventure_id}/", headers=headers)
    # The frames go in with the handshake, before the consumer has answered it.
    await comm.send_input({"type": "websocket.connect"})
    await comm.send_input({"type": "websocket.receive", "text": FEEDBACK})
    await comm.send_input({"type": "websocket.receive", "text": RESUME})
    await comm.send_input({"type": "websocket.receive", "text": json.dumps({"action": "retry"})})
    got = [await comm.receive_output(timeout=20)]  # the answer to the handshake
    while not await comm.receive_nothing(timeout=0.3):
        got.append(await comm.receive_output())
    await comm.send_input({"type": "websocket.disconnect", "code": 1000})
    await comm.wait(timeout=5)
    return got


async def test_two_hundred_cookieless_sockets_store_nothing_start_nothing_and_log_nothing(caplog):
    owner_key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor, length=6)
    # The owner reads chapter 1, so chapter 2 is due once a choice is made; the strangers
    # must not be able to start anything either way.
    owner = Player(adventure.id, owner_key)
    await owner.connect()
    await owner.receive_chapter(1)
    await owner.settle()
    await owner.close()
    caplog.clear()

    with caplog.at_level(logging.INFO):
        answers = []
        for _ in range(4):
            answers += await asyncio.gather(*(refused_socket(adventure.id, None) for _ in range(50)))
    stranger_key, _ = await database_sync_to_async(visitor_session)()
    answers.append(await refused_socket(adventure.id, stranger_key))

    assert len(answers) == 201
    for got in answers:
        assert got == [{"type": "websocket.accept", "subprotocol": None}, {"type": "websocket.close", "code": 4403}]
    await background.drain()
    await telemetry.flush()
    assert await database_sync_to_async(Feedback.objects.count)() == 0
    assert await database_sync_to_async(Chapter.objects.filter(adventure=adventure).count)() == 1
    assert [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info] == []


def test_feedback_once_per_visitor_is_a_database_rule(monkeypatch):
    _, visitor = visitor_session()
    adventure = start_adventure(visitor=visitor, length=6)
    services.feedback_give(visitor=visitor, adventure_id=adventure.id, chapter_number=1, rating="up")
    # The race: both requests asked "given already?" before either stored its row.
    monkeypatch.setattr(services.play, "feedback_given", lambda **kwargs: False)
    with pytest.raises(services.FeedbackAlreadyGiven):
        services.feedback_give(visitor=visitor, adventure_id=adventure.id, chapter_number=2, rating="down")
    assert list(Feedback.objects.values_list("visitor", "rating")) == [(visitor, "up")]
