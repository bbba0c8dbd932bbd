"""In Chromium: Redis dies under the reader; a choice made then says it could not be
saved; the page reconnects by itself (htmx's ws extension, after daphne's 1011) and,
once Redis is back, offers the choice again and carries on, with no reload."""

from __future__ import annotations

import uuid

import pytest

from tests.browser.conftest import shot
from tests.browser.test_play import CHAPTER_TIMEOUT, begin, wait_for_chapter
from tests.support.faults import OwnRedis
from tests.support.servers import Server, prepare, scratch_database, server_env

NOT_SAVED = "Your choice could not be saved just now, so nothing has changed."


class RedisOnPort(OwnRedis):
    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port


@pytest.fixture
def server_on_own_redis(tmp_path):
    redis = OwnRedis().start()
    with scratch_database(tmp_path) as database_url:
        env = server_env(
            database_url,
            tmp_path / "media",
            REDIS_URL=redis.url,
            STORYWEB_RECONNECT_PAUSE_SECONDS="0.5",
            STORYWEB_REDIS_PREFIX=f"browser-outage-{uuid.uuid4().hex[:8]}",
        )
        prepare(env)
        server = Server(env, tmp_path / "daphne.log").start()
        try:
            yield server.url, redis
        finally:
            server.stop()
            redis.kill()


def test_the_page_carries_on_by_itself_after_redis_comes_back(page, server_on_own_redis):
    base_url, redis = server_on_own_redis
    reader_url = begin(page, base_url)
    wait_for_chapter(page, 1)
    redis.kill()
    page.locator("#choices button.choice").first.click()
    page.wait_for_selector(f'#status:has-text("{NOT_SAVED}")', timeout=CHAPTER_TIMEOUT)
    shot(page, "outage-choice-not-saved")
    restarted = RedisOnPort(redis.port).start()
    try:
        # The page reconnects by itself and shows chapter 1 with its choices again.
        page.wait_for_selector(f'#status:not(:has-text("{NOT_SAVED}"))', timeout=CHAPTER_TIMEOUT)
        page.wait_for_selector("#choices button.choice", timeout=CHAPTER_TIMEOUT)
        page.locator("#choices button.choice").first.click()
        wait_for_chapter(page, 2)
        assert page.url == reader_url
    finally:
        restarted.kill()
