"""Every page works under the Content Security Policy (no 'unsafe-inline', no
'unsafe-eval'): the game's pages, the account pages, and the admin with its own
JavaScript (changelists, filters, inlines, the slug that fills itself in, the
dashboard). Chromium reports each blocked script, style or image as a
`securitypolicyviolation` event; there must be none."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import shot
from tests.browser.test_play import begin, choose, wait_for_chapter
from tests.support.servers import Server, create_superuser, prepare, scratch_database, server_env

ADMIN, PASSWORD = "keeper", "a-long-Passphrase-for-the-admin-42"
# Record violations from the first moment of every document (init scripts run before
# the page's own, and are not subject to its policy).
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture(scope="module")
def server_with_admin(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("csp-server")
    with scratch_database(tmp) as database_url:
        env = server_env(database_url, tmp / "media")
        prepare(env)
        create_superuser(env, ADMIN, PASSWORD)
        server = Server(env, tmp / "daphne.log").start()
        try:
            yield server.url
        finally:
            server.stop()


@pytest.fixture
def watched(page):
    page.add_init_script(WATCH)
    responses = []
    page.on("response", lambda r: responses.append(r) if r.request.resource_type == "document" else None)
    page.documents = responses
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


def assert_clean(page, where: str) -> None:
    assert violations(page) == [], where
    refused = [e for e in page.console_errors if "Content Security Policy" in e or "Refused to" in e]
    assert refused == [], where
    policy = page.documents[-1].headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy, where


def test_the_game_and_account_pages_run_under_the_policy(watched, server_with_admin):
    page, base = watched, server_with_admin
    for path in ("/", "/accounts/signup/", "/accounts/login/", "/adventures/", "/privacy/"):
        page.goto(f"{base}{path}")
        assert_clean(page, path)
    reader = begin(page, base)
    wait_for_chapter(page, 1)
    page.wait_for_selector("#agency-image-3 img", timeout=60_000)
    assert_clean(page, "reader, chapter 1 streamed over the socket")
    choose(page, 1)
    wait_for_chapter(page, 2)
    page.locator("details.story-so-far summary").click()  # a ws-send from a <summary>
    page.wait_for_selector("#story-so-far li strong", timeout=30_000)
    assert_clean(page, "reader, chapter 2")
    page.goto(reader.rstrip("/") + "/recap/")
    assert page.locator("[data-recap-chapter]").count() == 2
    assert_clean(page, "recap")
    # Signing up (the guest's adventure comes along) and logging out.
    page.goto(f"{base}/accounts/signup/")
    page.fill("input[name=username]", "river")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(f"{base}/adventures/")
    assert page.locator(".adventure-card").count() == 1
    assert_clean(page, "my adventures, signed in")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("link", name="Log in").count() == 1
    assert_clean(page, "after log out")


def test_the_admin_runs_under_the_policy(watched, server_with_admin):
    page, base = watched, server_with_admin
    # Something to show: an adventure with two chapters, played by a guest.
    begin(page, base)
    wait_for_chapter(page, 1)
    choose(page, 1)
    wait_for_chapter(page, 2)

    page.goto(f"{base}/admin/")
    page.fill("input[name=username]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{base}/admin/")
    assert_clean(page, "admin index")

    for path in (
        "/admin/dashboard/",
        "/admin/adventures/adventure/",
        "/admin/adventures/adventure/?status__exact=in_progress",
        "/admin/adventures/telemetryevent/",
        "/admin/adventures/question/",
        "/admin/adventures/feedback/",
        "/admin/adventures/safetyflag/",
        "/admin/auth/user/",
    ):
        page.goto(f"{base}{path}")
        assert page.locator("#content").count() == 1, path
        assert_clean(page, path)

    # A changelist's JavaScript: select all, then the action bar counts them.
    page.goto(f"{base}/admin/adventures/adventure/")
    page.locator("#action-toggle").check()
    assert re.fullmatch(r"(\d+) of \1 selected", page.locator(".action-counter").inner_text().strip())
    assert_clean(page, "changelist actions")

    # An adventure with its chapters inline.
    page.locator("#result_list tbody a").first.click()
    page.wait_for_selector(".inline-group")
    assert page.locator(".inline-related").count() >= 2
    shot(page, "csp-admin-adventure")
    assert_clean(page, "adventure with inlines")

    # A form whose slug fills itself in from the name (prepopulated fields are JavaScript).
    page.goto(f"{base}/admin/adventures/storyworld/add/")
    page.locator("input[name=name]").press_sequentially("Cloud Harbour Test")
    assert page.input_value("input[name=slug]") == "cloud-harbour-test"
    assert_clean(page, "storyworld add form")
    page.goto(f"{base}/admin/adventures/question/add/")
    assert_clean(page, "question add form")
