"""The adventure socket, end to end on the real ASGI app with the offline storyteller:
exactly what htmx sends, exactly what comes back."""

from __future__ import annotations

import asyncio
import html
import json

import pytest
from channels.db import database_sync_to_async

from adventures.models import Adventure, AdventureStatus, Chapter
from adventures.operations import telemetry
from adventures.runtime import background
from tests.consumer_support import Player, choice_ids
from tests.factories import start_adventure, visitor_session

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
async def game():
    """A visitor with a fresh adventure: (session key, adventure)."""
    session_key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor)
    yield session_key, adventure
    await background.drain()
    await telemetry.flush()


def chapters_of(adventure_id):
    return list(Chapter.objects.filter(adventure_id=adventure_id).order_by("number"))


async def test_a_whole_adventure_from_connect_to_recap_link(game):
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()

    for number in range(1, adventure.length + 1):
        messages, final = await player.receive_chapter(number)
        # The first chapter fragment is the empty chapter being written (titles and
        # pictures of the chapter before may still arrive around it).
        articles = [m for m in messages if m.startswith("<article")]
        assert articles[0].startswith(
            f'<article id="chapter" class="chapter chapter--{adventure.plan[number - 1]} chapter--writing" '
            f'data-chapter="{number}"'
        )
        pieces = [m for m in messages if m.startswith('<div id="chapter-text" hx-swap-oob="beforeend">')]
        assert len(pieces) > 5
        chapter = await database_sync_to_async(Chapter.objects.get)(adventure=adventure, number=number)
        prefix, suffix = '<div id="chapter-text" hx-swap-oob="beforeend">', "</div>"
        streamed = html.unescape("".join(p.removeprefix(prefix).removesuffix(suffix) for p in pieces))
        # What was streamed is what was saved (the saved text has tidy paragraphs).
        assert streamed.split() == chapter.text.split()
        if number < adventure.length:
            ids = choice_ids(final)
            assert ids == [c.id for c in chapter.choices]
            await player.choose(number, ids[0])
        else:
            assert choice_ids(final) == []
            assert f'href="/adventures/{adventure.id}/recap/"' in final

    await player.close()
    done = await database_sync_to_async(Adventure.objects.get)(pk=adventure.id)
    assert done.status == AdventureStatus.COMPLETED
    chapters = await database_sync_to_async(chapters_of)(adventure.id)
    assert [c.number for c in chapters] == list(range(1, 11))
    assert all(c.chosen_choice for c in chapters[:-1]) and chapters[-1].chosen_choice is None
    assert done.agency.id == chapters[0].chosen_choice


async def test_streamed_piece_is_escaped_exactly(game, monkeypatch):
    from adventures.storytellers.base import ChapterDone, TextPiece
    from adventures.storytellers.offline import provider as offline

    async def hostile_stream(self, brief):
        yield TextPiece("<script>alert('x')</script> & ")
        yield TextPiece('<img src=x onerror="boom">')
        yield ChapterDone(text="<script>alert('x')</script> & <img src=x onerror=\"boom\">")

    monkeypatch.setattr(offline.OfflineProvider, "stream_chapter", hostile_stream)
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()
    messages, final = await player.receive_chapter(1)
    # The safety screen passes on whole sentences: with no sentence end, the two pieces
    # arrive as one, after the stream's end.
    assert (
        '<div id="chapter-text" hx-swap-oob="beforeend">&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; '
        "&lt;img src=x onerror=&quot;boom&quot;&gt;</div>" in messages
    )
    assert "<script>" not in final and "<img src=x" not in final
    assert (
        "<p>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;img src=x onerror=&quot;boom&quot;&gt;</p>"
        in final
    )
    await player.close()


async def test_choice_buttons_are_exactly_what_htmx_needs(game):
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()
    _, final = await player.receive_chapter(1)
    option = adventure.agency_options[0]
    assert (
        f'<button type="submit" class="choice" name="choice" value="{option.id}" ws-send '
        f'hx-vals=\'{{"action": "choose", "chapter": 1, "choice": "{option.id}"}}\'>'
    ) in final
    await player.close()


async def test_lesson_choices_never_tell_the_page_which_is_right(game):
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()
    lesson = adventure.plan.index("lesson") + 1
    for number in range(1, lesson + 1):
        _, final = await player.receive_chapter(number)
        if number < lesson:
            await player.choose(number, choice_ids(final)[1])
    chapter = await database_sync_to_async(Chapter.objects.select_related("question").get)(
        adventure=adventure, number=lesson
    )
    assert chapter.question.text in chapter.text
    assert sorted(c.text for c in chapter.choices) == sorted(chapter.question.answers)
    assert "correct" not in final.lower()
    for c in chapter.choices:
        assert c.id in final and len(c.id) >= 10
    await player.close()


async def test_ten_identical_choices_record_one_and_write_one_chapter(game):
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()
    _, final = await player.receive_chapter(1)
    first = choice_ids(final)[2]
    for _ in range(10):
        await player.choose(1, first)
    messages, _ = await player.receive_chapter(2)
    messages += await player.settle()
    notices = [m for m in messages if "already on its way" in m]
    assert len(notices) == 9
    await background.drain()
    chapters = await database_sync_to_async(chapters_of)(adventure.id)
    assert [c.number for c in chapters] == [1, 2]
    assert chapters[0].chosen_choice == first
    await player.close()


async def test_two_tabs_racing_record_one_choice(game):
    session_key, adventure = game
    one, two = Player(adventure.id, session_key), Player(adventure.id, session_key)
    await one.connect()
    _, final = await one.receive_chapter(1)
    await two.connect()
    await two.receive_chapter(1)
    a, b = choice_ids(final)[:2]
    await asyncio.gather(one.choose(1, a), two.choose(1, b))
    first, _ = await one.receive_chapter(2)
    second, _ = await two.receive_chapter(2)
    first += await one.settle()
    second += await two.settle()
    chapters = await database_sync_to_async(chapters_of)(adventure.id)
    assert len(chapters) == 2
    assert chapters[0].chosen_choice in (a, b)
    # Whichever tab lost the race was told, and both now show the same chapter 2.
    loser = two if chapters[0].chosen_choice == a else one
    lost_messages = second if loser is two else first
    assert any("already on its way" in m for m in lost_messages)
    await one.close()
    await two.close()


async def test_a_stale_choice_changes_nothing_and_says_so(game):
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()
    _, final = await player.receive_chapter(1)
    ids = choice_ids(final)
    await player.choose(1, ids[0])
    await player.receive_chapter(2)
    await player.settle()
    await player.choose(1, ids[1])
    message = await player.receive()
    assert 'id="status"' in message and "already on its way" in message
    await player.choose(5, ids[1])
    message = await player.receive()
    assert "That part of the story is already behind you." in message
    chapters = await database_sync_to_async(chapters_of)(adventure.id)
    assert chapters[0].chosen_choice == ids[0] and len(chapters) == 2
    await player.close()


async def test_reconnecting_mid_stream_attaches_to_the_running_chapter(game, settings):
    settings.STORYWEB_OFFLINE_DELAY_MS = 5
    session_key, adventure = game
    first = Player(adventure.id, session_key)
    await first.connect()
    got = await first.receive_until('hx-swap-oob="beforeend"')
    for _ in range(3):
        got.append(await first.receive())
    await first.close()  # the tab is closed mid-chapter

    second = Player(adventure.id, session_key)
    await second.connect()
    messages, final = await second.receive_chapter(1)
    # The reconnect gets the chapter so far in one go, then the rest piece by piece.
    assert messages[0].startswith('<article id="chapter" class="chapter chapter--story chapter--writing"')
    chapter = await database_sync_to_async(Chapter.objects.get)(adventure=adventure, number=1)
    assert chapter.text.split()[0] in messages[0]
    assert "<p>" in final
    await second.close()
    assert await database_sync_to_async(Chapter.objects.filter(adventure=adventure).count)() == 1


async def test_generation_outlives_a_closed_socket(game, settings):
    settings.STORYWEB_OFFLINE_DELAY_MS = 2
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()
    await player.receive_until('hx-swap-oob="beforeend"')
    await player.close()
    await background.drain()
    chapter = await database_sync_to_async(Chapter.objects.get)(adventure=adventure, number=1)
    assert len(chapter.text.split()) > 200

    again = Player(adventure.id, session_key)
    await again.connect()
    state = await again.receive()
    assert state.startswith('<article id="chapter" class="chapter chapter--story" data-chapter="1"')
    await again.close()


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ("{not json", "That message could not be read."),
        ("[1, 2, 3]", "That message could not be read."),
        ("[" * 5000, "That message was too long."),
        (json.dumps({"action": "choose", "chapter": 1, "choice": "x" * 5000}), "That message was too long."),
        (json.dumps({"action": "fly"}), "The story does not know how to do that."),
        (json.dumps({"action": "choose", "chapter": "one", "choice": "abc"}), "The chapter number is not right."),
        (json.dumps({"action": "choose", "chapter": True, "choice": "abc"}), "The chapter number is not a number."),
        (json.dumps({"action": "choose", "chapter": 1, "choice": ["abc"]}), "That is not one of the choices."),
        (json.dumps({"action": "choose", "chapter": 1}), "A choice needs a chapter and an option."),
        (json.dumps({"action": "choose", "chapter": 1, "choice": "<b>x</b>"}), "That is not one of the choices."),
        (json.dumps({"action": "resume", "admin": True}), "That message had something unexpected in it."),
        (json.dumps({"action": "resume", "HEADERS": "x"}), "That message could not be read."),
    ],
)
async def test_bad_input_gets_an_error_and_changes_nothing(game, frame, message):
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()
    await player.receive_chapter(1)
    await player.settle()
    before = await database_sync_to_async(
        lambda: (Adventure.objects.get(pk=adventure.id).version, chapters_of(adventure.id))
    )()
    await player.comm.send_to(text_data=frame)
    reply = await player.receive()
    assert reply.startswith('<div id="status" class="status status--error" role="status" aria-live="polite">')
    assert message in reply
    after = await database_sync_to_async(
        lambda: (Adventure.objects.get(pk=adventure.id).version, chapters_of(adventure.id))
    )()
    assert after[0] == before[0]
    assert [(c.number, c.chosen_choice) for c in after[1]] == [(c.number, c.chosen_choice) for c in before[1]]
    # The connection is still usable.
    await player.send({"action": "resume"})
    state = await player.receive()
    assert state.startswith('<article id="chapter" class="chapter chapter--story" data-chapter="1"')
    await player.close()


async def test_binary_frames_are_refused_politely(game):
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()
    await player.receive_chapter(1)
    await player.settle()
    await player.comm.send_to(bytes_data=b"\x00\xff\x10")
    reply = await player.receive()
    assert "The story only understands text messages." in reply
    await player.close()


async def test_an_unknown_choice_id_is_refused(game):
    session_key, adventure = game
    player = Player(adventure.id, session_key)
    await player.connect()
    await player.receive_chapter(1)
    await player.settle()
    await player.choose(1, "not-a-real-choice")
    reply = await player.receive()
    assert "That is not one of the choices in this chapter." in reply
    chapter = await database_sync_to_async(Chapter.objects.get)(adventure=adventure, number=1)
    assert chapter.chosen_choice is None
    await player.close()


async def test_another_visitors_adventure_is_refused_with_4403(game):
    _, adventure = game
    stranger_key, _ = await database_sync_to_async(visitor_session)()
    for key in (stranger_key, None):
        player = Player(adventure.id, key)
        connected, _ = await player.comm.connect(timeout=5)
        assert connected  # accepted, then closed with the refusal code
        closing = await player.comm.receive_output(timeout=5)
        assert closing == {"type": "websocket.close", "code": 4403}
    assert await database_sync_to_async(Chapter.objects.filter(adventure=adventure).count)() == 0


async def test_a_foreign_origin_is_rejected(game):
    session_key, adventure = game
    player = Player(adventure.id, session_key, origin="http://evil.example")
    connected, _ = await player.comm.connect(timeout=5)
    assert not connected


async def test_two_players_at_once_do_not_mix(game):
    session_key, adventure = game
    other_key, other_visitor = await database_sync_to_async(visitor_session)()
    other = await database_sync_to_async(start_adventure)(visitor=other_visitor, seed=99)
    a, b = Player(adventure.id, session_key), Player(other.id, other_key)
    await asyncio.gather(a.connect(), b.connect())
    (_, fa), (_, fb) = await asyncio.gather(a.receive_chapter(1), b.receive_chapter(1))
    ca = await database_sync_to_async(Chapter.objects.get)(adventure=adventure, number=1)
    cb = await database_sync_to_async(Chapter.objects.get)(adventure=other, number=1)
    assert ca.text != cb.text
    assert choice_ids(fa) == [c.id for c in ca.choices]
    assert choice_ids(fb) == [c.id for c in cb.choices]
    await a.close()
    await b.close()
