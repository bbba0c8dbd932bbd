"""Browser tests: a real daphne server (offline storyteller, its own database) and
Debian's Chromium driven by Playwright. Screenshots go to test-output/ (git ignores it).

These tests never skip: without /usr/bin/chromium they fail and say how to get it
(`make test` installs it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.servers import ROOT, Server, prepare, scratch_database, server_env

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def live_server_url(tmp_path_factory):
    """One server per browser test module, on a fresh database of the suite's kind.
    (Module scope: Playwright's sync API must be gone before asyncio tests run.)"""
    tmp = tmp_path_factory.mktemp("browser-server")
    with scratch_database(tmp) as database_url:
        env = server_env(database_url, tmp / "media")
        prepare(env)
        server = Server(env, tmp / "daphne.log").start()
        try:
            yield server.url
        finally:
            server.stop()


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (or apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    yield page
    context.close()


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
