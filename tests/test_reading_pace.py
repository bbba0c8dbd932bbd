"""Chapters are counted, not messages, and per address as well as per visitor.

A brisk reader (a chapter every 12 s) who double-clicks and reconnects now and then
plays a Long adventure to the end under the default limits; a stale or duplicate choice
costs nothing; one address, cookies dropped and X-Forwarded-For forged, reads no more
than the per-address limits allow. Time moves by replacing adventures.operations.limits' clock.
"""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

import storyweb.settings as defaults
from adventures.models import Chapter
from adventures.operations import limits, telemetry
from adventures.play import visitors
from adventures.runtime import background
from tests.consumer_support import Player, choice_ids
from tests.factories import start_adventure, visitor_session
from tests.test_limits import START, Clock, offered_again

pytestmark = [pytest.mark.django_db(transaction=True)]

LIMITED = 'class="status status--limited"'


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(START)
    monkeypatch.setattr(limits, "time", clock)
    return clock


@pytest.fixture
def default_limits(settings):
    for name in (
        "STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE",
        "STORYWEB_CHAPTERS_PER_IP_PER_MINUTE",
        "STORYWEB_CHAPTERS_PER_IP_PER_DAY",
    ):
        setattr(settings, name, getattr(defaults, name))


def player_at(adventure_id, session_key, address: str, forwarded_for: str | None = None) -> Player:
    player = Player(adventure_id, session_key)
    player.comm.scope["client"] = (address, 50000)
    if forwarded_for is not None:
        player.comm.scope["headers"].append((b"x-forwarded-for", forwarded_for.encode()))
    return player


async def new_game(length: int = 6):
    session_key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor, length=length)
    return session_key, adventure


def chosen(adventure_id) -> list[tuple[int, str | None]]:
    return list(
        Chapter.objects.filter(adventure_id=adventure_id).order_by("number").values_list("number", "chosen_choice")
    )


async def test_a_brisk_reader_who_double_clicks_and_reconnects_reads_a_long_adventure(clock, default_limits):
    session_key, adventure = await new_game(length=14)
    player = player_at(adventure.id, session_key, "203.0.113.9")
    await player.connect()
    _, final = await player.receive_chapter(1)
    for number in range(1, 14):
        clock.now += 12  # reading the chapter
        if number % 4 == 0:  # the tablet's wifi drops now and then
            await player.close()
            player = player_at(adventure.id, session_key, "203.0.113.9")
            await player.connect()
            messages, final = await player.receive_chapter(number)
        pick = choice_ids(final)[0]
        await player.choose(number, pick)
        await player.choose(number, pick)  # the double click
        messages, final = await player.receive_chapter(number + 1)
        messages += await player.settle()
        assert not [m for m in messages if LIMITED in m]
    await player.close()
    await background.drain()
    await telemetry.flush()
    rows = await database_sync_to_async(chosen)(adventure.id)
    assert [n for n, _ in rows] == list(range(1, 15))
    assert all(choice for _, choice in rows[:-1])


async def test_duplicate_and_stale_choices_do_not_use_up_the_minute(settings, clock):
    settings.STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE = 3
    session_key, adventure = await new_game()
    player = player_at(adventure.id, session_key, "203.0.113.9")
    await player.connect()
    _, final = await player.receive_chapter(1)  # one
    await player.settle()
    first = choice_ids(final)
    await player.choose(1, first[0])  # two
    for _ in range(5):
        await player.choose(1, first[0])  # double clicks
        await player.choose(1, first[1])  # a second tab's stale choice
    _, final = await player.receive_chapter(2)
    await player.settle()
    await player.choose(2, choice_ids(final)[0])  # three: still allowed
    _, final = await player.receive_chapter(3)
    await player.settle()
    await player.choose(3, choice_ids(final)[0])  # four: the pace limit, with the wait
    refused = await player.receive_until(LIMITED)
    assert offered_again(refused[-1]) == (59, {"action": "choose", "chapter": 3, "choice": choice_ids(final)[0]})
    await player.close()
    await background.drain()


async def test_one_address_reads_no_more_than_its_share_with_cookies_dropped_and_headers_forged(settings, clock):
    settings.STORYWEB_CHAPTERS_PER_IP_PER_MINUTE = 4
    settings.STORYWEB_CHAPTERS_PER_IP_PER_DAY = 6
    written = []
    for n in range(8):  # a new visitor each time (cookies dropped), a forged header each time
        session_key, adventure = await new_game()
        player = player_at(adventure.id, session_key, "192.0.2.50", forwarded_for=f"198.51.100.{n}, 127.0.0.1")
        await player.connect()
        message = await player.receive()
        written.append(LIMITED not in message)
        if n == 4:
            # The pace: wait for the next minute, and the page is told when.
            assert offered_again(message) == (59, {"action": "resume"})
            clock.now += 60
        await player.close()
        await background.drain()
    # 4 in the first minute, the fifth refused; 2 more in the next minute, then the day's share is spent.
    assert written == [True, True, True, True, False, True, True, False]
    assert limits.FRIENDLY_MESSAGES["chapters-today"] in message
    assert "status-again" not in message and "Try again" in message
    assert await database_sync_to_async(Chapter.objects.count)() == 6
    # Another address is not held back by this one.
    session_key, adventure = await new_game()
    player = player_at(adventure.id, session_key, "192.0.2.51")
    await player.connect()
    await player.receive_chapter(1)
    await player.close()
    await background.drain()
    await telemetry.flush()


@pytest.mark.parametrize(
    ("trusted", "remote", "header", "client"),
    [
        (0, "192.0.2.1", "198.51.100.7, 127.0.0.1", "192.0.2.1"),  # no proxies: the header is ignored
        (1, "10.0.0.2", "198.51.100.7, 203.0.113.5", "203.0.113.5"),  # the balancer's own entry
        (2, "10.0.0.3", "198.51.100.7, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "10.0.0.2", "", "10.0.0.2"),  # misconfigured: fewer hops than proxies
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", " 2001:db8::1 ", "2001:db8::1"),
        (0, "", "", "unknown"),
    ],
)
def test_the_client_address_is_the_one_the_outermost_trusted_proxy_saw(trusted, remote, header, client):
    assert visitors.forwarded_client(remote, header, trusted) == client


def test_pages_and_sockets_read_the_address_alike(rf, settings):
    settings.STORYWEB_TRUSTED_PROXIES = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    scope = {
        "client": ("10.0.0.2", 1),
        "headers": [(b"x-forwarded-for", b"1.2.3.4"), (b"x-forwarded-for", b"203.0.113.5")],
    }
    assert visitors.client_ip(request) == visitors.socket_client_ip(scope) == "203.0.113.5"
    settings.STORYWEB_TRUSTED_PROXIES = 0
    assert visitors.client_ip(request) == visitors.socket_client_ip(scope) == "10.0.0.2"
