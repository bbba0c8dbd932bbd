"""The writer publishes, sockets subscribe (issue 12): what a subscriber hears, early or
late; how many trips to a database thread a choice costs on its way to the first words
and to the finished chapter; and that the page and the socket show one reader state."""

from __future__ import annotations

import inspect
import re

import pytest
from asgiref.sync import SyncToAsync, sync_to_async
from channels.db import database_sync_to_async

from adventures.models import Chapter
from adventures.operations import telemetry
from adventures.play import writing
from adventures.runtime import background
from tests.consumer_support import Player, choice_ids
from tests.factories import start_adventure, visitor_session
from tests.support.story import client_for

pytestmark = [pytest.mark.django_db(transaction=True)]

PIECE = '<div id="chapter-text" hx-swap-oob="beforeend">'


@pytest.fixture
async def game():
    session_key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor, length=6)
    yield session_key, adventure
    await background.drain()
    await telemetry.flush()


async def test_an_early_and_a_late_subscriber_hear_the_same_chapter_and_one_end(game, settings):
    settings.STORYWEB_OFFLINE_DELAY_MS = 3
    _, adventure = game
    writer = await writing.ensure_writing(adventure.id)
    early_events = writer.subscribe()
    early: list[writing.Event] = []
    async for event in early_events:
        early.append(event)
        if sum(isinstance(e, writing.Piece) for e in early) == 5:
            break
    late: list[writing.Event] = [event async for event in writer.subscribe()]
    early += [event async for event in early_events]

    assert early[0] == writing.Started(1, "story", ())
    assert isinstance(late[0], writing.Started) and late[0].number == 1
    assert len(late[0].pieces) >= 5  # what was streamed before it came, in one go
    early_text = "".join(e.text for e in early if isinstance(e, writing.Piece))
    late_text = "".join(late[0].pieces) + "".join(e.text for e in late if isinstance(e, writing.Piece))
    assert late_text == early_text
    # One end each, last, carrying the reader's state as saved.
    for events in (early, late):
        ends = [e for e in events if isinstance(e, writing.Saved | writing.Failed | writing.Elsewhere)]
        assert ends == [events[-1]] and isinstance(events[-1], writing.Saved)
    end = early[-1]
    assert isinstance(end, writing.Saved) and end is late[-1]
    saved = await database_sync_to_async(Chapter.objects.get)(adventure=adventure, number=1)
    assert end.state.written is not None and end.state.written.text == saved.text
    assert end.state.due is None and end.state.chapter.choices  # chapter 1's options, on show
    assert early_text.split() == saved.text.split()
    # Subscribing after the end hears just the end (nobody waits for a chapter that came).
    assert [event async for event in writer.subscribe()] == [end]


async def test_a_choice_costs_one_thread_hop_to_the_first_words_and_one_to_the_chapter(game, monkeypatch):
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()
    _, final = await player.receive_chapter(1)
    await player.settle()  # chapter 1's titles and pictures are done

    # Every trip to a thread, by whatever road (workers.database, sync_to_async, channels),
    # but telemetry's batch write: the events wait in a buffer and are written together
    # FLUSH_DELAY later, off the path (on a slow machine that falls while chapter 2 streams).
    calls: list[str] = []
    real = SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        if inspect.unwrap(self.func) is not telemetry._write:
            calls.append(getattr(self.func, "__name__", repr(self.func)))
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)
    await player.choose(1, choice_ids(final)[0])
    await player.receive_until(PIECE)
    assert calls == ["record_choice"]  # the choice recorded and chapter 2's brief read, together
    await player.receive_chapter(2)
    # The save and the reader's state after it, together; the socket renders that state.
    assert calls == ["record_choice", "_save"]
    await player.close()


def _article(page: str) -> str:
    found = re.search(r'<article id="chapter".*?</article>', page, re.S)
    assert found, page
    # The page's forms carry a CSRF token for the no-JavaScript path; the socket's cannot.
    return re.sub(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">', "", found.group(0))


async def test_a_reload_shows_exactly_the_chapter_the_socket_showed(game):
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()
    _, final = await player.receive_chapter(1)
    await player.choose(1, choice_ids(final)[0])
    _, streamed = await player.receive_chapter(2)
    await player.close()
    await background.drain()
    page = await sync_to_async(lambda: client_for(session_key).get(f"/adventures/{adventure.id}/"))()
    from_socket, from_page = _article(streamed), _article(page.content.decode())
    # The title and picture may have been made between the two: compare without them.
    figure = re.compile(r'<figure id="chapter-image".*?</figure>|<h1 id="chapter-title".*?</h1>', re.S)
    assert figure.sub("", from_socket) == figure.sub("", from_page)
    assert 'data-chapter="2"' in from_page


def test_a_choice_and_the_next_brief_are_one_transaction_of_few_statements(django_assert_max_num_queries):
    """Recording a choice reads the chapter with its adventure once and builds the next
    brief from that read: the same brief as one read afresh, in one transaction with no
    savepoints (each statement is a round trip to the database on the first words' path).
    Saving a chapter: one query for the save's checks, no savepoint."""
    from adventures.storytellers import briefs
    from adventures.storytellers.base import ChapterDone

    _, visitor = visitor_session()
    adventure = start_adventure(visitor=visitor, length=6)
    for number in (1, 2):  # the agency choice, then a lesson's answer
        job = briefs.prepare_chapter(adventure.id)
        done = ChapterDone(text="The path bent west. ", choices=["Go on", "Wait", "Look back"])
        with django_assert_max_num_queries(7):  # the save's transaction, then the reader's state
            chapter, state = writing._save(job, done.text, briefs.chapter_choices(job, done))
        assert state.chapters[-1] == chapter
        with django_assert_max_num_queries(9) as queries:
            result, next_job = writing.record_choice(
                adventure_id=adventure.id, number=number, choice_id=chapter.choices[0].id
            )
        assert result.recorded and next_job is not None
        statements = [q["sql"].split()[0] for q in queries.captured_queries]
        assert statements.count("BEGIN") <= 1 and not any("SAVEPOINT" in q["sql"] for q in queries.captured_queries)
        assert next_job.brief == briefs.prepare_chapter(adventure.id).brief
        if number == 1:
            assert next_job.brief.agency is not None and next_job.brief.agency.id == chapter.choices[0].id


def test_the_state_after_a_save_holds_an_agency_picture_saved_as_the_chapter_was(monkeypatch):
    """An agency picture saved between chapter 1's save and the reader's state found no
    chapter to show itself in (nothing is announced then): the state, read after the
    save, must hold it, or the player never sees that picture."""
    from adventures import services
    from adventures.storytellers import briefs
    from adventures.storytellers.base import ChapterDone

    _, visitor = visitor_session()
    adventure = start_adventure(visitor=visitor, length=6)
    option = adventure.agency_options[0]
    save = services.chapter_save

    def save_then_a_picture_arrives(**fields):
        chapter = save(**fields)
        services.agency_picture_save(adventure_id=adventure.id, option_id=option.id, name="a.webp", alt="a lantern")
        return chapter

    monkeypatch.setattr(services, "chapter_save", save_then_a_picture_arrives)
    job = briefs.prepare_chapter(adventure.id)
    done = ChapterDone(text="The path bent west. ")
    _, state = writing._save(job, done.text, briefs.chapter_choices(job, done))
    assert state.adventure.agency_options[0].image == "a.webp"
