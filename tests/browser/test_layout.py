"""Layout where a newcomer notices it: a 360 px phone, 200 % zoom (a 1280 x 800 screen
at 200 % is a 640 x 400 layout at scale 2), the admin on a 390 px phone and at 1280 px.
Each test saves screenshots (test-output/screenshots/layout-*.png) to look at."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import shot
from tests.browser.test_play import choose, wait_for_chapter
from tests.support.servers import Server, create_superuser, prepare, scratch_database, server_env

ADMIN, PASSWORD = "keeper", "a-long-Passphrase-for-the-admin-42"
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
ZOOM_200 = {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1100, "height": 900}}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("layout-server")
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
def open_page(browser):
    contexts = []

    def open_page(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def start(page, base: str, *, world: str, topic: str, length: int = 10) -> str:
    page.goto(f"{base}/")
    page.locator(f'label.option-card:has(input[value="{world}"])').click()
    page.locator(f'label.option-card:has(input[value="{topic}"])').click()
    page.locator(f'label.pill:has(input[name=length][value="{length}"])').click()
    page.get_by_role("button", name="Begin the adventure").click()
    page.wait_for_url(re.compile(r"/adventures/[0-9a-f-]{36}/$"))
    return page.url


def overflow(page) -> int:
    """How many pixels the page is wider than the screen (sideways scrolling; a phone
    would zoom out to show it all, so compare with the screen, not the window)."""
    return page.evaluate("() => document.documentElement.scrollWidth") - page.viewport_size["width"]


def box(page, selector: str) -> dict[str, float]:
    return page.locator(selector).first.bounding_box()


# --- The start page ----------------------------------------------------------------------


# About 3.8 and 5.9 screens with four questions (it was about ten); the hero's pronouns and
# the reader's age band then added two small ones.
@pytest.mark.parametrize(("name", "options", "most_screens"), [("360", PHONE, 4.6), ("zoom-200", ZOOM_200, 7.2)])
def test_the_start_page_is_short_and_its_cards_are_one_line(open_page, site, name, options, most_screens):
    page = open_page(**options)
    page.goto(f"{site}/")
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    screens = page.evaluate("() => document.documentElement.scrollHeight / window.innerHeight")
    shot(page, f"layout-home-{name}")
    assert overflow(page) <= 0
    assert screens <= most_screens, f"the start page is {screens:.1f} screens long"
    # Descriptions wait behind "Tell me more" (and are read out with the choice).
    assert page.locator(".pick-more p:visible").count() == 0
    world = page.locator('input[name="world"][value="pearlwater-deep"]')
    assert world.get_attribute("aria-describedby") == "about-world-pearlwater-deep"
    assert page.locator("#about-world-pearlwater-deep").count() == 1
    page.locator(".pick-card:has(input[value=pearlwater-deep]) summary").click()
    assert page.locator("#about-world-pearlwater-deep").is_visible()
    assert not world.is_checked()  # opening the details does not pick the world
    # The radio circle sits beside the name, never on the picture.
    radio = box(page, 'input[name="world"][value="pearlwater-deep"]')
    picture = box(page, ".pick-card:has(input[value=pearlwater-deep]) img")
    assert radio["y"] >= picture["y"] + picture["height"]


# --- The reader's bar --------------------------------------------------------------------


@pytest.mark.parametrize(("name", "options"), [("360", PHONE), ("zoom-200", ZOOM_200)])
def test_on_small_and_zoomed_screens_the_bar_scrolls_away(open_page, site, name, options):
    page = open_page(**options)
    start(page, site, world="cirrus-isles", topic="solar-system")
    wait_for_chapter(page, 1)
    height = page.viewport_size["height"]
    bar = box(page, ".reader-bar")
    assert page.evaluate("() => getComputedStyle(document.querySelector('.reader-bar')).position") == "static"
    assert bar["height"] <= 0.2 * height, f"the bar is {bar['height']:.0f} px of {height}"
    page.screenshot(path=str(shot(page, f"layout-reader-{name}")).replace(".png", "-screen.png"))
    # Read on: the bar has gone with the page, nothing covers the story.
    page.locator("#choices").scroll_into_view_if_needed()
    assert box(page, ".reader-bar")["y"] + bar["height"] <= 0
    assert overflow(page) <= 0
    # The next chapter comes into view from its top line, "Chapter 2 of 10 · ...".
    choose(page, 1)
    wait_for_chapter(page, 2)
    page.wait_for_timeout(1200)  # the smooth scroll to the new chapter
    kicker = box(page, ".chapter-kicker")
    assert kicker["y"] >= 0 and kicker["y"] + kicker["height"] <= height / 2, kicker
    assert page.locator(".chapter-kicker").inner_text().upper().startswith("CHAPTER 2 OF 10")
    page.screenshot(path=str(shot(page, f"layout-reader-{name}-chapter-2")).replace(".png", "-screen.png"))


def test_on_a_desktop_the_bar_stays_small_and_never_hides_the_chapter_line(open_page, site):
    page = open_page(**DESKTOP)
    start(page, site, world="brasswind-city", topic="times-tables")
    wait_for_chapter(page, 1)
    assert page.evaluate("() => getComputedStyle(document.querySelector('.reader-bar')).position") == "sticky"
    assert box(page, ".reader-bar")["height"] <= 0.08 * 900
    # "Chapter N of 10" is said once on screen: the bar's copy is for screen readers.
    assert page.locator(".progress-label").inner_text() == "Chapter 1 of 10"
    assert page.evaluate("() => document.querySelector('.progress-label').getBoundingClientRect().width") <= 1
    page.locator("#choices").scroll_into_view_if_needed()
    choose(page, 1)
    wait_for_chapter(page, 2)
    page.wait_for_timeout(1200)  # the smooth scroll to the new chapter
    kicker, bar = box(page, ".chapter-kicker"), box(page, ".reader-bar")
    assert kicker["y"] >= bar["y"] + bar["height"], "the bar covers the chapter's first line"
    page.screenshot(path=str(shot(page, "layout-reader-desktop-chapter-2")).replace(".png", "-screen.png"))


# --- The ending, the recap and My adventures -----------------------------------------------


def test_a_short_adventure_ends_with_one_celebration_and_a_tidy_recap(open_page, site):
    page = open_page(**PHONE)
    reader = start(page, site, world="frostpaw-hollow", topic="fractions", length=6)
    for number in range(1, 6):
        wait_for_chapter(page, number)
        choose(page, number)
    wait_for_chapter(page, 6)
    hero = page.title().split(" in ")[0]
    ending = page.locator(".the-end")
    assert ending.count() == 1
    assert page.locator("#the-end-heading").inner_text() == f"Well done, {hero}!"
    feats = page.locator(".the-end-feats li").all_inner_texts()
    assert feats[0] == "6 chapters read"
    assert re.fullmatch(r"[01] of 1 question right", feats[1])
    assert feats[2].startswith("Your chapter 1 choice: ")
    assert page.locator("#status").inner_text().strip() == ""  # no second "The end!" box
    assert page.get_by_role("link", name="See your adventure recap").count() == 1
    ending.scroll_into_view_if_needed()
    page.screenshot(path=str(shot(page, "layout-ending-360")).replace(".png", "-screen.png"))

    page.get_by_role("link", name="See your adventure recap").click()
    page.wait_for_url(reader + "recap/")
    assert page.locator("[data-recap-score]").inner_text() == feats[1].split(" question")[0]
    assert overflow(page) <= 0
    # The long chapter-1 choice has a row of its own; the figures stay short cards.
    figures = page.locator(".recap-stats > div:not(.recap-stat--wide)").evaluate_all(
        "cards => cards.map(c => c.getBoundingClientRect()).map(r => [r.height, r.bottom])"
    )
    chosen = box(page, ".recap-stat--wide")
    assert max(height for height, _ in figures) < 110, figures
    assert chosen["y"] >= max(bottom for _, bottom in figures)
    assert chosen["width"] > 300
    # A test player reads fast: the ending counts until the recap opened, not a fixed 2 minutes.
    assert page.locator(".recap-stats div:has(dt:text('Time spent')) dd").inner_text() == "less than a minute"
    shot(page, "layout-recap-360")
    page.emulate_media(media="print")
    assert page.locator(".recap-site").is_visible()
    assert page.locator(".recap-site").inner_text() == "StoryWeb"
    assert re.fullmatch(r"Played on \d+ \w+ \d{4}", page.locator(".recap-dates").inner_text())
    assert page.locator(".site-header").is_hidden()
    shot(page, "layout-recap-print")
    page.emulate_media(media="screen")

    # My adventures: a picture and the chapter for each; the buttons on one line.
    start(page, site, world="dewdrop-jungle", topic="plants")
    wait_for_chapter(page, 1)
    choose(page, 1)
    wait_for_chapter(page, 2)
    page.goto(f"{site}/adventures/")
    cards = page.locator(".adventure-card")
    assert cards.count() == 2
    reading, finished = page.locator(".adventure-card--in_progress"), page.locator(".adventure-card--completed")
    assert reading.locator(".adventure-status").inner_text() == "Reading chapter 2 of 10"
    assert finished.locator(".adventure-status").inner_text().startswith("Finished ")
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert reading.locator("img.adventure-picture").count() == 1
    buttons = reading.locator(".card-actions .button").evaluate_all(
        "bs => bs.map(b => Math.round(b.getBoundingClientRect().top))"
    )
    shot(page, "layout-my-adventures-360")
    assert len(buttons) == 3 and len(set(buttons)) == 1, f"the buttons wrap: tops {buttons}"
    assert overflow(page) <= 0


# --- Accounts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "options"), [("360", PHONE), ("zoom-200", ZOOM_200)])
def test_account_forms_explain_themselves_and_keep_their_distance(open_page, site, name, options):
    page = open_page(**options)
    page.goto(f"{site}/accounts/signup/")
    for field in page.locator("form input[aria-describedby]").all():
        for help_id in field.get_attribute("aria-describedby").split():
            assert page.locator(f"#{help_id}").count() == 1, help_id
    assert page.locator("#id_username_helptext").inner_text().startswith("Make one up, like a nickname")
    assert overflow(page) <= 0
    shot(page, f"layout-signup-{name}")

    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", "nobody")
    page.fill("input[name=password]", "not-the-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector(".form-errors")
    errors, label = box(page, ".form-errors"), box(page, "label[for=id_username]")
    assert label["y"] - (errors["y"] + errors["height"]) >= 12
    assert page.locator(".skip-link").inner_text() == "Skip to the main content"
    shot(page, f"layout-login-error-{name}")


# --- The admin ------------------------------------------------------------------------------


def log_in_to_admin(page, base: str) -> None:
    page.goto(f"{base}/admin/")
    page.fill("input[name=username]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{base}/admin/")


def test_the_admin_fits_a_phone_and_a_laptop(open_page, site):
    page = open_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    log_in_to_admin(page, site)
    assert page.locator("#site-name").inner_text() == "StoryWeb admin"
    page.goto(f"{site}/admin/dashboard/")
    assert overflow(page) <= 0
    shot(page, "layout-dashboard-390")

    page = open_page(viewport={"width": 1280, "height": 800})
    log_in_to_admin(page, site)
    page.goto(f"{site}/admin/adventures/telemetryevent/")
    assert page.locator("#result_list tbody tr").count() > 0
    # Every column shows: the list does not scroll sideways inside its box.
    hidden = page.evaluate(
        "() => { const r = document.querySelector('#changelist .results'); return r.scrollWidth - r.clientWidth; }"
    )
    assert hidden <= 0, f"{hidden} px of the list are cut off"
    assert overflow(page) <= 0
    shot(page, "layout-telemetry-1280")
    response = page.request.get(f"{site}/favicon.ico")
    assert response.ok and response.url.endswith(".svg")
