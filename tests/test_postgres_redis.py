"""CI's second pass really runs on PostgreSQL (through Django's psycopg pool) and Redis
(channel layer and cache, on a Redis database of its own that the tests empty), and the
Redis settings hold up: a socket with nothing to say for longer than redis-py's default
read timeout (5 s) stays open, and group messages cross between layer instances."""

from __future__ import annotations

import asyncio
import os

import pytest
import redis
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from adventures.operations import telemetry
from adventures.runtime import background
from tests.conftest import redis_db_index
from tests.consumer_support import Player
from tests.factories import start_adventure, visitor_session

pytestmark = [pytest.mark.postgres]


@pytest.mark.django_db
def test_this_pass_runs_on_postgresql_through_the_pool():
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["NAME"] == f"test_storyweb_{os.getpid()}"  # this run's own database
    assert (
        connection.pool is not None
        and connection.pool.max_size == settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        assert cursor.fetchone()[0] == f"test_storyweb_{os.getpid()}"


def test_this_pass_runs_on_redis_in_a_database_the_tests_own():
    url = os.environ["REDIS_URL"]
    index = redis_db_index(url)
    assert index != 0
    layer = get_channel_layer()
    assert type(layer).__module__ == "channels_redis.pubsub"
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    client = redis.Redis.from_url(url)
    cache.set("probe", "here", 30)
    assert client.connection_pool.connection_kwargs.get("db", 0) == index
    assert any(key.endswith(b":probe") for key in client.keys("*probe"))
    cache.clear()  # what the autouse fixture does around every test
    assert client.dbsize() == 0


@pytest.mark.django_db(transaction=True)
async def test_a_socket_quiet_for_longer_than_a_read_timeout_stays_open():
    session_key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor, length=6)
    player = Player(adventure.id, session_key)
    await player.connect()
    await player.receive_chapter(1)
    await player.settle()
    # A child reading chapter 1: nothing travels on the socket for a while.
    assert await player.comm.receive_nothing(timeout=7)
    await player.send({"action": "resume"})
    state = await player.receive()
    assert state.startswith('<article id="chapter" class="chapter chapter--story" data-chapter="1"')
    await player.close()
    await background.drain()
    await telemetry.flush()


async def test_the_channel_layer_carries_group_messages_between_two_layers():
    """Two layer instances stand in for two processes: one as configured (the same Redis
    as several shards, each with its own connections and lock), one with a single shard,
    as a process with another STORYWEB_CHANNEL_LAYER_SHARDS would have. A group message
    published on any shard reaches the subscriber, whichever shard its group hashes to."""
    from channels_redis.pubsub import RedisPubSubChannelLayer

    config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    assert len(config["hosts"]) == settings.CHANNEL_LAYER_SHARDS > 1
    one = RedisPubSubChannelLayer(**{**config, "hosts": config["hosts"][:1]})
    two = RedisPubSubChannelLayer(**config)
    groups = [f"adventure-probe-{n}" for n in range(12)]
    assert len({two._get_shard(two._get_group_channel_name(g)) for g in groups}) > 1  # several shards in play
    channel = await two.new_channel()
    for group in groups:
        await two.group_add(group, channel)
    for number, group in enumerate(groups):
        await one.group_send(group, {"type": "adventure.chapter_ready", "number": number})
    async with asyncio.timeout(5):
        received = [await two.receive(channel) for _ in groups]
    assert sorted(m["number"] for m in received) == list(range(len(groups)))
    for group in groups:
        await two.group_discard(group, channel)
    await one.flush()
    await two.flush()


@pytest.mark.slow
async def test_a_small_pool_queues_a_crowd_instead_of_failing(tmp_path):
    """One daphne process with a pool of 3 connections: 40 page loads and 10 sockets at
    once all succeed; they wait their turn for a connection (pool timeout 10 s)."""
    import uuid
    from concurrent.futures import ThreadPoolExecutor

    from tests.support.live import Browser, LivePlayer
    from tests.support.servers import Server, prepare, scratch_database, server_env

    with scratch_database(tmp_path) as database_url:
        env = server_env(
            database_url,
            tmp_path / "media",
            STORYWEB_DB_POOL_MIN="1",
            STORYWEB_DB_POOL_MAX="3",
            STORYWEB_REDIS_PREFIX=f"pool-{uuid.uuid4().hex[:8]}",
        )
        prepare(env)
        server = Server(env, tmp_path / "daphne.log").start()
        try:
            browsers = [Browser(server.url) for _ in range(10)]
            adventures = [b.start_adventure() for b in browsers]
            pages = [(b, f"/adventures/{a}/") for b, a in zip(browsers, adventures, strict=True)] * 4
            with ThreadPoolExecutor(max_workers=40) as crowd:
                statuses = list(crowd.map(lambda page: page[0].get(page[1]).status, pages))
            assert statuses == [200] * 40
            players = [LivePlayer(server.url, a, b) for b, a in zip(browsers, adventures, strict=True)]
            await asyncio.gather(*(p.connect() for p in players))
            finals = await asyncio.gather(*(p.receive_chapter(1, timeout=60) for p in players))
            assert all('name="choice"' in final for _, final in finals)
            for player in players:
                await player.close()
        finally:
            server.stop()
        assert "PoolTimeout" not in (tmp_path / "daphne.log").read_text()
