"""A daphne process killed (SIGKILL) in the middle of a chapter, then restarted: the
player reconnects and carries on from the last saved chapter, and nothing saved is lost.

Runs on both passes: on SQLite with the in-memory cache the restarted process starts
with no writing lock; on PostgreSQL + Redis the dead process's lock may still be in
Redis when the player reconnects, and it expires within STORYWEB_WRITING_LOCK_SECONDS
(3 here) of the last heartbeat. tests/test_scale_out.py kills a writer while a second
process is already serving, and checks the "still writing" path on purpose.
"""

from __future__ import annotations

import uuid

import pytest

from tests.consumer_support import choice_ids
from tests.support.live import Browser, LivePlayer
from tests.support.servers import Server, prepare, query, scratch_database, server_env

pytestmark = [pytest.mark.slow]

LENGTH = 6
PIECE = '<div id="chapter-text" hx-swap-oob="beforeend">'


def saved_chapters(database_url: str, adventure_id: str) -> list[tuple[object, ...]]:
    """(number, kind, text, choices, chosen choice) of every saved chapter, from the database."""
    key = adventure_id if database_url.startswith("postgres") else uuid.UUID(adventure_id).hex
    return query(
        database_url,
        "SELECT number, kind, text, CAST(choices AS TEXT), chosen_choice FROM adventures_chapter "
        "WHERE adventure_id = %s ORDER BY number",
        (key,),
    )


def adventure_status(database_url: str, adventure_id: str) -> str:
    key = adventure_id if database_url.startswith("postgres") else uuid.UUID(adventure_id).hex
    return query(database_url, "SELECT status FROM adventures_adventure WHERE id = %s", (key,))[0][0]


@pytest.fixture
def server(tmp_path):
    """One daphne process whose chapters take about two seconds to stream."""
    with scratch_database(tmp_path) as database_url:
        env = server_env(
            database_url,
            tmp_path / "media",
            STORYWEB_OFFLINE_DELAY_MS="25",
            STORYWEB_WRITING_LOCK_SECONDS="3",
            STORYWEB_REDIS_PREFIX=f"restart-{uuid.uuid4().hex[:8]}",
        )
        prepare(env)
        running = [Server(env, tmp_path / "daphne.log").start()]
        try:
            yield database_url, running
        finally:
            for process in running:
                process.stop()


async def play_on(player: LivePlayer, first: int, last: int) -> None:
    """Read chapters first..last, choosing the second option at the end of each."""
    for number in range(first, last + 1):
        _, final = await player.receive_chapter(number, timeout=60)
        if number < LENGTH:
            await player.choose(number, choice_ids(final)[1])


async def test_a_killed_process_restarted_carries_on_from_the_last_saved_chapter(server):
    database_url, running = server
    daphne = running[0]
    browser = Browser(daphne.url)
    adventure_id = browser.start_adventure(length=LENGTH)
    player = LivePlayer(daphne.url, adventure_id, browser)
    await player.connect()
    await play_on(player, 1, 2)
    # Chapter 3 is streaming: a few pieces have reached the player.
    await player.receive_until(PIECE)
    for _ in range(3):
        assert (await player.receive()).startswith(PIECE)
    saved = saved_chapters(database_url, adventure_id)
    assert [row[0] for row in saved] == [1, 2] and all(row[4] for row in saved)

    daphne.kill()
    assert await player.closed_with() is None  # dropped, no close frame: the process is gone
    assert saved_chapters(database_url, adventure_id) == saved  # half a chapter is never saved

    restarted = daphne.restart()
    running.append(restarted)
    again = LivePlayer(restarted.url, adventure_id, browser)
    await again.connect()
    messages, final = await again.receive_chapter(3, timeout=60)
    # It starts again from the beginning of chapter 3, streamed afresh.
    assert messages[0].startswith('<article id="chapter"')
    assert sum(m.startswith(PIECE) for m in messages) > 10
    await again.choose(3, choice_ids(final)[1])
    await play_on(again, 4, LENGTH)
    await again.close()

    after = saved_chapters(database_url, adventure_id)
    assert [row[0] for row in after] == list(range(1, LENGTH + 1))  # each chapter exactly once
    assert after[:2] == saved  # chapters 1 and 2, their choices and the choices made: as they were
    assert all(row[4] for row in after[:-1]) and after[-1][4] is None
    assert adventure_status(database_url, adventure_id) == "completed"
