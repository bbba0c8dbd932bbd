"""Shared fixtures: the content library in the test database, fast storytelling.

Also: `@pytest.mark.postgres` tests run only on PostgreSQL + Redis; STORYWEB_NO_SKIPS=1
(CI's PostgreSQL pass) turns every skip into a failure; on PostgreSQL each run gets a
test database of its own; and the Redis database the tests flush must not be DB 0.
"""

from __future__ import annotations

import gc
import io
import os
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command

from tests.support.no_skips import pytest_make_collect_report, pytest_runtest_makereport  # noqa: F401 (hooks)

POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://", "psql://")
NEEDS_POSTGRES_AND_REDIS = (
    "needs PostgreSQL + Redis: runs only when DATABASE_URL points at PostgreSQL and REDIS_URL is set (CI's second pass)"
)


def postgres_and_redis() -> bool:
    """Is this run on PostgreSQL with Redis (CI's second pass)?"""
    return os.environ.get("DATABASE_URL", "").startswith(POSTGRES_SCHEMES) and bool(os.environ.get("REDIS_URL"))


def redis_db_index(url: str) -> int:
    parsed = urlparse(url)
    if "db" in parse_qs(parsed.query):
        return int(parse_qs(parsed.query)["db"][0])
    return int(parsed.path.strip("/") or 0)


def pytest_collection_modifyitems(config, items):
    if postgres_and_redis():
        return
    skip = pytest.mark.skip(reason=NEEDS_POSTGRES_AND_REDIS)
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL, a test database per run (`test_storyweb_<pid>`): two runs on one
    server (two engineers, CI and a benchmark) must not drop each other's database."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("TEST", {})["NAME"] = f"{TEST_DATABASE_PREFIX}{os.getpid()}"
        _drop_stale_test_databases(database)


TEST_DATABASE_PREFIX = "test_storyweb_"


def _drop_stale_test_databases(database: dict) -> None:
    """Test databases of runs that died before dropping theirs (their process is gone)."""
    import psycopg

    if not os.path.exists("/proc/self"):  # no way to tell a live run from a dead one here
        return

    params = {"dbname": database["NAME"], "user": database["USER"], "password": database["PASSWORD"]}
    params.update(host=database["HOST"], port=database["PORT"] or None)
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        names = [row[0] for row in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'test_storyweb_%'")]
        for name in names:
            pid = name.removeprefix(TEST_DATABASE_PREFIX)
            if pid.isdecimal() and not os.path.exists(f"/proc/{pid}"):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real content library once for the whole session, as `make run` does."""
    from django.db import connections

    with django_db_blocker.unblock():
        call_command("load_content", stdout=io.StringIO())
    yield
    # The test database cannot be dropped while anyone is connected: hand back the
    # connection of asgiref's shared worker thread, stop the game's worker threads, let
    # go of connections stranded in dead threads (see _pool_hygiene), and close the
    # PostgreSQL pool's idle ones.
    from asgiref.sync import SyncToAsync

    from adventures.runtime import workers

    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=30)
    workers.shutdown()
    gc.collect()
    for connection in connections.all():
        if hasattr(connection, "close_pool"):
            connection.close()
            connection.close_pool()


# Connections checked out of the PostgreSQL pool but not handed back, between tests.
STRANDED_CONNECTIONS_LIMIT = 4


@pytest.fixture(autouse=True)
def _pool_hygiene():
    """A fresh PostgreSQL pool when the old one has lost connections.

    channels' test communicators replace `channels.db.close_old_connections` with a
    no-op (globally, for every thread) while they run, so a worker thread that dies
    during a consumer test (asyncio's default executor is shut down with the test's
    loop) strands its pooled connection: the pool still counts it, and after enough
    tests it has no room left (PoolTimeout). Real servers do not patch it; their pool
    is exercised by the daphne processes of the browser, restart and scale-out tests.
    """
    yield
    from django.db import connections

    pools = [c.pool for c in connections.all(initialized_only=True) if getattr(c, "pool", None) is not None]
    for pool in pools:
        stats = pool.get_stats()
        if stats["pool_size"] - stats["pool_available"] >= STRANDED_CONNECTIONS_LIMIT:
            gc.collect()  # the stranded connections close as their dead threads' objects go
            connections["default"].close_pool()


@pytest.fixture(scope="session")
def _dedicated_redis():
    """The tests empty their cache before and after each test; with Redis that is a
    FLUSHDB, so it must be a database the tests own (CI uses DB 1)."""
    url = os.environ.get("REDIS_URL", "")
    if url and redis_db_index(url) == 0:
        pytest.exit(
            f"REDIS_URL={url} is Redis database 0: the tests flush their database after every test, so give "
            "them one of their own, e.g. redis://127.0.0.1:6379/1",
            returncode=4,
        )


@pytest.fixture(autouse=True)
def _content_library(request):
    """Transactional tests empty every table afterwards: put the content back."""
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
        from adventures.models import StoryWorld

        if not StoryWorld.objects.exists():
            call_command("load_content", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _fast_storyteller(settings):
    settings.STORYWEB_OFFLINE_DELAY_MS = 0


@pytest.fixture(autouse=True)
def _fresh_limits(settings, _dedicated_redis):
    """Counters and locks live in the cache: every test starts with an empty one and
    limits high enough not to get in the way (rate-limit tests lower them)."""
    from django.core.cache import cache

    cache.clear()
    settings.STORYWEB_ADVENTURES_PER_VISITOR_PER_HOUR = 1000
    settings.STORYWEB_ADVENTURES_PER_IP_PER_HOUR = 1000
    settings.STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE = 1000
    settings.STORYWEB_CHAPTERS_PER_IP_PER_MINUTE = 1000
    settings.STORYWEB_CHAPTERS_PER_IP_PER_DAY = 10000
    settings.STORYWEB_LLM_CALLS_PER_DAY = 100000
    yield
    cache.clear()
