"""A provider may withdraw a draft mid-stream (base.Rewind): the words already shown
leave the page, a reconnect never sees them, and only the new draft is saved."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async

from adventures.models import Chapter, TelemetryEvent
from adventures.operations import telemetry
from adventures.runtime import background
from adventures.storytellers.base import ChapterDone, Rewind, TextPiece
from adventures.storytellers.offline import provider as offline
from tests.consumer_support import Player
from tests.factories import start_adventure, visitor_session

pytestmark = [pytest.mark.django_db(transaction=True)]

PIECE = '<div id="chapter-text" hx-swap-oob="beforeend">{}</div>'
# The safety screen passes the story on a whole sentence at a time.
FIRST_SENTENCE = "A first draft that must go. "


@pytest.fixture
async def game():
    session_key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor)
    yield session_key, adventure
    await background.drain()
    await telemetry.flush()


@pytest.fixture
def gate(monkeypatch):
    """A stream that sends a first draft, waits, rewinds, waits, and sends a second."""
    release, second_draft = asyncio.Event(), asyncio.Event()

    async def stream(self, brief):
        yield TextPiece("A first draft ")
        yield TextPiece("that must go. ")
        await release.wait()
        yield Rewind("test")
        await second_draft.wait()
        yield TextPiece("The second draft stays.")
        yield ChapterDone(text="The second draft stays.")

    monkeypatch.setattr(offline.OfflineProvider, "stream_chapter", stream)
    return release, second_draft


async def test_a_rewind_empties_the_chapter_and_only_the_new_draft_is_saved(game, gate):
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()
    await player.receive_until(PIECE.format(FIRST_SENTENCE))
    for event in gate:
        event.set()
    messages, final = await player.receive_chapter(1)

    rewound = next(i for i, m in enumerate(messages) if "rewriting this part" in m)
    empty_chapter = messages[rewound]
    assert empty_chapter.startswith(
        '<article id="chapter" class="chapter chapter--story chapter--writing" data-chapter="1"'
    )
    assert "first draft" not in empty_chapter
    assert '<p class="status-message"><span class="quill" aria-hidden="true"></span>The storyteller is rewriting' in (
        empty_chapter
    )
    assert messages[rewound + 1] == PIECE.format("The second draft stays.")
    assert "first draft" not in final and "The second draft stays." in final

    chapter = await database_sync_to_async(Chapter.objects.get)(adventure=adventure, number=1)
    assert chapter.text == "The second draft stays."
    await player.close()
    await telemetry.flush()
    events = await database_sync_to_async(list)(
        TelemetryEvent.objects.filter(name="chapter_rewound").values_list("chapter_number", "details")
    )
    assert events == [(1, {"reason": "test"})]


async def test_a_reconnect_after_a_rewind_never_sees_the_withdrawn_words(game, gate):
    session_key, adventure = game
    first = Player(adventure.id, session_key)
    await first.connect()
    await first.receive_until(PIECE.format(FIRST_SENTENCE))
    release, second_draft = gate
    release.set()
    await first.receive_until("rewriting this part")
    # The writer is now between drafts: a socket attaching here gets the pieces so far.
    second = Player(adventure.id, session_key)
    await second.connect()
    attached = await second.receive_until("chapter--writing")
    second_draft.set()
    messages, final = await second.receive_chapter(1)
    messages = attached + messages
    assert not any("first draft" in m or "must go" in m for m in messages)
    assert "The second draft stays." in final
    await first.close()
    await second.close()
