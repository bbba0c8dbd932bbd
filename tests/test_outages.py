"""Redis killed, or PostgreSQL gone, in the middle of a chapter (issue 18): the player
sees a kind message within seconds, a choice that could not be saved says so, and after
recovery the page (reconnecting by itself, as htmx's ws extension does after close
code 1011) carries on from the last saved chapter; nothing is lost or doubled.

Real daphne processes; the Redis is the test's own redis-server (killed with -9 and
started again on the same port); the PostgreSQL is a throwaway cluster of the test's own
(initdb under /tmp, a free port) that it really stops (`pg_ctl stop -m immediate`) and
starts again. Both run on every pass, SQLite's too: they bring their own services and
never touch the machine's shared ones.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.consumer_support import choice_ids
from tests.support.faults import OwnPostgres, OwnRedis
from tests.support.live import Browser, LivePlayer
from tests.support.servers import Server, prepare, query, scratch_database, server_env
from tests.test_restart import PIECE, saved_chapters

pytestmark = [pytest.mark.slow]

NOT_SAVED = "Your choice could not be saved just now, so nothing has changed."
SHORT_BREAK = "The story is taking a short break because something went wrong on our side."
INTERRUPTED = "Something went wrong on our side while this chapter was being written."
INTERNAL_ERROR = 1011  # daphne's close code for an application that raised; htmx reconnects after it


class Listener(LivePlayer):
    async def receive_until_any(self, markers: tuple[str, ...], timeout: float = 20) -> str:
        """The first message holding one of `markers`."""
        async with asyncio.timeout(timeout):
            while True:
                message = await self.receive(timeout=timeout)
                if any(marker in message for marker in markers):
                    return message


async def background_done(database_url: str, adventure_id: str, number: int, within: float = 30) -> None:
    key = adventure_id if database_url.startswith("postgres") else uuid.UUID(adventure_id).hex
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        rows = query(
            database_url,
            "SELECT title, image_status FROM adventures_chapter WHERE adventure_id = %s AND number = %s",
            (key, number),
        )
        if rows and rows[0][0] and rows[0][1] == "ready":
            await asyncio.sleep(1)  # their events on their way to the socket
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"chapter {number}'s title and picture never arrived")


async def reconnect(server_url: str, adventure_id: str, browser: Browser, *, within: float = 60) -> LivePlayer:
    """As htmx does after 1011 or 1006: connect again, and again, until the story answers."""
    deadline = time.monotonic() + within
    while True:
        player = LivePlayer(server_url, adventure_id, browser)
        try:
            await player.connect()
            first = await player.receive(timeout=15)
            if SHORT_BREAK not in first:
                player.received = [first]
                return player
            await player.closed_with()
        except (OSError, TimeoutError, InvalidStatus, ConnectionClosed):
            # A handshake refused (500: the session could not be read) or a socket cut
            # short: the browser sees 1006 and reconnects too.
            pass
        assert time.monotonic() < deadline, "the story never came back"
        await asyncio.sleep(0.5)


async def chapter_from(player: LivePlayer, number: int, timeout: float = 30) -> str:
    """The final fragment of chapter `number`, counting what reconnect() already took."""
    for message in player.received:
        if f'data-chapter="{number}"' in message and "chapter--writing" not in message and "<article" in message:
            return message
    _, final = await player.receive_chapter(number, timeout=timeout)
    return final


@pytest.fixture
def redis_server():
    redis = OwnRedis().start()
    yield redis
    redis.kill()


@pytest.fixture
def on_own_redis(tmp_path, redis_server):
    with scratch_database(tmp_path) as database_url:
        env = server_env(
            database_url,
            tmp_path / "media",
            REDIS_URL=redis_server.url,
            STORYWEB_OFFLINE_DELAY_MS="40",
            STORYWEB_RECONNECT_PAUSE_SECONDS="0.5",
            STORYWEB_WRITING_LOCK_SECONDS="3",
            STORYWEB_REDIS_PREFIX=f"outage-{uuid.uuid4().hex[:8]}",
        )
        prepare(env)
        server = Server(env, tmp_path / "daphne.log").start()
        try:
            yield server, database_url, redis_server
        finally:
            server.stop()


async def test_redis_killed_mid_chapter(on_own_redis):
    server, database_url, redis = on_own_redis
    browser = Browser(server.url)
    adventure_id = browser.start_adventure(length=6)
    player = LivePlayer(server.url, adventure_id, browser)
    await player.connect()
    _, final = await player.receive_chapter(1)
    first_pick = choice_ids(final)[0]
    await player.choose(1, first_pick)
    await player.receive_until(PIECE)  # chapter 2 is streaming...
    redis.kill()  # ...when Redis dies

    # The chapter needs no Redis to be written and saved; this process shows it itself.
    started = time.monotonic()
    final = await chapter_from(player, 2, timeout=20)
    assert time.monotonic() - started < 10
    second_pick = choice_ids(final)[0]

    # A choice made while Redis is down is not lost silently: the page says so, then reconnects.
    await player.choose(2, second_pick)
    said = await player.receive_until(NOT_SAVED, timeout=10)
    assert said[-1].startswith('<div id="status" class="status status--error"')
    assert await player.closed_with() == INTERNAL_ERROR
    assert [row[4] for row in saved_chapters(database_url, adventure_id)] == [first_pick, None]

    # The reader page still opens (sessions and adventures live in the database).
    page = browser.get(f"/adventures/{adventure_id}/")
    assert page.status == 200 and f'name="choice" value="{second_pick}"' in page.text
    # Beginning a new one cannot be counted against its limits: a kind 503, not a bare 500.
    refused = browser.post(
        "/adventures/", {"world": "pearlwater-deep", "topic": "ocean-life", "difficulty": "standard", "length": "6"}
    )
    assert refused.status == 503 and "The storytellers are taking a short break" in refused.text

    # Redis comes back (empty); the page, reconnecting by itself, offers the choice again.
    OwnRedisOnPort(redis.port).start()
    player = await reconnect(server.url, adventure_id, browser)
    final = await chapter_from(player, 2)
    assert choice_ids(final)[0] == second_pick
    await player.choose(2, second_pick)
    await player.receive_chapter(3)
    await player.close()
    rows = saved_chapters(database_url, adventure_id)
    assert [(row[0], row[4]) for row in rows] == [(1, first_pick), (2, second_pick), (3, None)]


class OwnRedisOnPort(OwnRedis):
    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port


@pytest.fixture
def own_postgres():
    postgres = OwnPostgres().init().start()
    yield postgres
    postgres.destroy()


@pytest.fixture
def on_own_postgres(tmp_path, own_postgres, redis_server):
    """A daphne process on a PostgreSQL cluster of the test's own."""
    env = server_env(
        own_postgres.url,
        tmp_path / "media",
        REDIS_URL=redis_server.url,
        STORYWEB_OFFLINE_DELAY_MS="40",
        STORYWEB_RECONNECT_PAUSE_SECONDS="0.5",
        STORYWEB_DB_POOL_TIMEOUT="3",
        STORYWEB_REDIS_PREFIX=f"outage-{uuid.uuid4().hex[:8]}",
    )
    prepare(env)
    server = Server(env, tmp_path / "daphne.log").start()
    try:
        yield server, own_postgres.url, own_postgres
    finally:
        server.stop()


async def test_postgresql_stopped_mid_chapter(on_own_postgres):
    server, database_url, postgres = on_own_postgres
    browser = Browser(server.url)
    adventure_id = browser.start_adventure(length=6)
    player = Listener(server.url, adventure_id, browser)
    await player.connect()
    _, final = await player.receive_chapter(1)
    first_pick = choice_ids(final)[0]
    await player.choose(1, first_pick)
    await player.receive_until(PIECE)  # chapter 2 is streaming...
    postgres.stop("immediate")  # ...when PostgreSQL stops (every backend ends at once)

    # The player hears within seconds: the writer's "chapter failed" (and the page asks
    # again by itself), or, when a background event (chapter 1's picture or title)
    # reaches the socket first, the socket's own kind message before it ends.
    started = time.monotonic()
    said = await player.receive_until_any((INTERRUPTED, SHORT_BREAK), timeout=20)
    assert time.monotonic() - started < 8
    assert said.startswith('<div id="status" class="status status--error"')
    if INTERRUPTED in said:
        assert 'hx-trigger="load delay:5s"' in said
        # Asking again while PostgreSQL is still away: the kind message, then the socket ends.
        await player.send({"action": "retry"})
        await player.receive_until_any((SHORT_BREAK,), timeout=20)
    assert await player.closed_with() == INTERNAL_ERROR
    # Pages: a kind 503, not a bare 500.
    page = browser.get(f"/adventures/{adventure_id}/")
    assert page.status == 503 and "The storytellers are taking a short break" in page.text

    postgres.start()  # crash recovery from the WAL, then it answers again
    started = time.monotonic()
    player = await reconnect(server.url, adventure_id, browser)
    final = await chapter_from(player, 2)
    recovered_in = time.monotonic() - started
    assert recovered_in < 20, recovered_in
    second_pick = choice_ids(final)[0]

    # A choice made while PostgreSQL is away says so, and is offered again afterwards.
    # (First let chapter 2's title and picture land, so that no background event meets
    # the outage on this socket before the choice does.)
    await background_done(database_url, adventure_id, 2)
    postgres.stop("fast")  # a clean shutdown this time: clients are told and disconnected
    await player.choose(2, second_pick)
    await player.receive_until(NOT_SAVED, timeout=20)
    assert await player.closed_with() == INTERNAL_ERROR
    postgres.start()
    player = await reconnect(server.url, adventure_id, browser)
    final = await chapter_from(player, 2)
    assert choice_ids(final)[0] == second_pick
    await player.choose(2, second_pick)
    await player.receive_chapter(3)
    await player.close()
    rows = saved_chapters(database_url, adventure_id)
    assert [(row[0], row[4]) for row in rows] == [(1, first_pick), (2, second_pick), (3, None)]
