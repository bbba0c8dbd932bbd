"""Scale-out is configuration only (DESIGN §8): two daphne processes sharing PostgreSQL,
Redis and the media folder, with no sticky sessions. A player starts on one process,
moves to the other mid-adventure and finishes there; what one process makes (a
chapter, its picture, its title) reaches a socket on the other through Redis; and when
the writing process dies, the other takes over once the dead one's lock expires.
"""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest

from tests.consumer_support import choice_ids
from tests.support.live import Browser, LivePlayer
from tests.support.servers import Server, prepare, scratch_database, server_env
from tests.test_restart import PIECE, adventure_status, saved_chapters

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

LENGTH = 6
ELSEWHERE = '<div id="status" class="status status--elsewhere" role="status" aria-live="polite">'
IMAGE = re.compile(r'<figure id="chapter-image" class="chapter-image chapter-image--ready">\s*<img src="([^"]+)"')


@pytest.fixture
def two_servers(tmp_path):
    """Processes A and B on one PostgreSQL database, one Redis and one media folder."""
    with scratch_database(tmp_path) as database_url:
        env = server_env(
            database_url,
            tmp_path / "shared-media",
            STORYWEB_OFFLINE_DELAY_MS="25",
            STORYWEB_WRITING_LOCK_SECONDS="3",
            STORYWEB_REDIS_PREFIX=f"scale-{uuid.uuid4().hex[:8]}",
        )
        assert env["REDIS_URL"] and env["DATABASE_URL"].startswith("postgres")
        prepare(env)
        a = Server(env, tmp_path / "a.log").start()
        b = Server(env, tmp_path / "b.log").start()
        try:
            yield database_url, a, b
        finally:
            a.stop()
            b.stop()


async def test_a_player_moves_to_the_other_process_mid_adventure_and_finishes(two_servers):
    database_url, a, b = two_servers
    browser = Browser(a.url)  # one cookie jar for both: a load balancer without sticky sessions
    adventure_id = browser.start_adventure(length=LENGTH)
    # The session and the adventure live in the shared database: B serves the reader.
    page = browser.get(f"/adventures/{adventure_id}/", base=b.url)
    assert page.status == 200 and f'ws-connect="/ws/adventures/{adventure_id}/"' in page.text

    on_a = LivePlayer(a.url, adventure_id, browser)
    await on_a.connect()
    _, final = await on_a.receive_chapter(1)
    await on_a.choose(1, choice_ids(final)[0])
    await on_a.receive_until(PIECE)  # A holds the pen for chapter 2

    # A second tab, on B, while A writes: B says "still writing", streams nothing itself,
    # and shows chapter 2 from the database when A announces it over Redis.
    on_b = LivePlayer(b.url, adventure_id, browser)
    await on_b.connect()
    messages, chapter_two = await on_b.receive_chapter(2, timeout=30)
    assert any(ELSEWHERE in m for m in messages)
    assert not any(m.startswith(PIECE) for m in messages)
    _, on_a_final = await on_a.receive_chapter(2)
    assert choice_ids(chapter_two) == choice_ids(on_a_final)

    # A paints chapter 2's picture and names it; both are pushed to the socket on B.
    pushed: dict[str, str] = {}
    while len(pushed) < 2:
        message = await on_b.receive(timeout=30)
        if message.startswith('<figure id="chapter-image"') and IMAGE.match(message):
            pushed["picture"] = message
        elif message.startswith('<h1 id="chapter-title" class="chapter-title">'):
            pushed["title"] = message
    assert pushed["title"] != '<h1 id="chapter-title" class="chapter-title">Chapter 2</h1>'
    image = browser.get(IMAGE.match(pushed["picture"]).group(1), base=b.url)  # from the shared media folder
    assert image.status == 200 and image.headers["Content-Type"] == "image/svg+xml"

    # The tab on A closes; the player carries on on B, which now writes (and streams) itself.
    await on_a.close()
    await on_b.choose(2, choice_ids(chapter_two)[1])
    for number in range(3, LENGTH + 1):
        messages, final = await on_b.receive_chapter(number, timeout=30)
        assert sum(m.startswith(PIECE) for m in messages) > 10  # streamed by B
        if number < LENGTH:
            await on_b.choose(number, choice_ids(final)[1])
    await on_b.close()

    chapters = saved_chapters(database_url, adventure_id)
    assert [row[0] for row in chapters] == list(range(1, LENGTH + 1))
    assert all(row[4] for row in chapters[:-1])
    assert adventure_status(database_url, adventure_id) == "completed"
    recap = browser.get(f"/adventures/{adventure_id}/recap/", base=a.url)
    assert recap.status == 200 and recap.text.count("data-recap-chapter=") == LENGTH


async def test_when_the_writing_process_dies_the_other_takes_over_after_its_lock_expires(two_servers):
    database_url, a, b = two_servers
    browser = Browser(a.url)
    adventure_id = browser.start_adventure(length=LENGTH)
    on_a = LivePlayer(a.url, adventure_id, browser)
    await on_a.connect()
    _, final = await on_a.receive_chapter(1)
    await on_a.choose(1, choice_ids(final)[2])
    await on_a.receive_until(PIECE)
    saved = saved_chapters(database_url, adventure_id)

    a.kill()  # mid chapter 2, its lock still in Redis
    on_b = LivePlayer(b.url, adventure_id, browser)
    await on_b.connect()
    messages, final = await on_b.receive_chapter(2, timeout=30)
    assert messages[0].startswith('<article id="chapter"') and "chapter--writing" in messages[0]
    assert any(ELSEWHERE in m for m in messages)  # until A's lock expired
    assert sum(m.startswith(PIECE) for m in messages) > 10  # then B wrote it, from the start
    for number in range(2, LENGTH + 1):
        if number > 2:
            _, final = await on_b.receive_chapter(number, timeout=30)
        if number < LENGTH:
            await on_b.choose(number, choice_ids(final)[0])
    await on_b.close()

    chapters = saved_chapters(database_url, adventure_id)
    assert [row[0] for row in chapters] == list(range(1, LENGTH + 1))
    assert chapters[:1] == saved  # chapter 1 and the choice made in it: untouched
    assert adventure_status(database_url, adventure_id) == "completed"


async def test_ten_tabs_on_two_processes_choosing_at_once_write_one_chapter(two_servers):
    """Five tabs on each process click the same choice at the same moment: one choice is
    recorded, one process writes chapter 2 (the other waits for its lock), and every tab
    ends up showing the same chapter 2."""
    database_url, a, b = two_servers
    browser = Browser(a.url)
    adventure_id = browser.start_adventure(length=LENGTH)
    first = LivePlayer(a.url, adventure_id, browser)
    await first.connect()
    _, final = await first.receive_chapter(1)
    choice = choice_ids(final)[1]
    tabs = [first] + [LivePlayer((a, b)[n % 2].url, adventure_id, browser) for n in range(1, 10)]
    for tab in tabs[1:]:
        await tab.connect()
        await tab.receive_chapter(1)

    await asyncio.gather(*(tab.choose(1, choice) for tab in tabs))
    finals = await asyncio.gather(*(tab.receive_chapter(2, timeout=30) for tab in tabs))
    assert len({tuple(choice_ids(final)) for _, final in finals}) == 1  # the same chapter 2 everywhere
    told = sum(any("already on its way" in m for m in messages) for messages, _ in finals)
    assert told == 9
    for tab in tabs:
        await tab.close()

    chapters = saved_chapters(database_url, adventure_id)
    assert [row[0] for row in chapters] == [1, 2]
    assert chapters[0][4] == choice
    # One process wrote it (its log says so); the other never started a second stream.
    written = [server.log_path.read_text().count(f"chapter 2 of {adventure_id} written") for server in (a, b)]
    assert sorted(written) == [0, 1]
