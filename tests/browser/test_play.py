"""A player in Chromium: pick a world and a topic, play every chapter by clicking,
reload in the middle, open the recap. Plus keyboard play, phones and axe-core."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import shot

CHAPTER_TIMEOUT = 60_000


def begin(page, base_url: str, *, world: str = "pearlwater-deep", topic: str = "ocean-life") -> str:
    page.goto(f"{base_url}/")
    page.locator(f'label.option-card:has(input[value="{world}"])').click()
    page.locator(f'label.option-card:has(input[value="{topic}"])').click()
    page.get_by_role("button", name="Begin the adventure").click()
    page.wait_for_url(re.compile(r"/adventures/[0-9a-f-]{36}/$"))
    return page.url


def wait_for_chapter(page, number: int) -> None:
    page.wait_for_selector(
        f'#chapter[data-chapter="{number}"]:not(.chapter--writing)', state="attached", timeout=CHAPTER_TIMEOUT
    )


def choose(page, number: int, index: int = 0) -> None:
    page.locator("#choices button.choice").nth(index).click()
    page.wait_for_selector(f'#chapter[data-chapter="{number + 1}"]', state="attached", timeout=CHAPTER_TIMEOUT)


def assert_no_axe_violations(page, name: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"


def test_a_whole_adventure_in_the_browser(page, live_server_url):
    page.goto(f"{live_server_url}/")
    assert page.locator("label.option-card input[name=world]").count() >= 10
    assert page.locator("label.option-card input[name=topic]").count() >= 10
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    shot(page, "01-home")

    reader_url = begin(page, live_server_url)

    # Chapter 1 streams in: catch it mid-sentence for the screenshot.
    page.wait_for_function(
        "() => { const t = document.querySelector('.chapter-text--streaming');"
        " return t && t.textContent.length > 200; }",
        timeout=CHAPTER_TIMEOUT,
    )
    shot(page, "02-chapter-mid-stream")
    wait_for_chapter(page, 1)
    assert page.locator("#choices button.choice").count() == 3
    # The three agency options arrive with their pictures.
    page.wait_for_selector("#agency-image-3 img", timeout=CHAPTER_TIMEOUT)
    shot(page, "03-agency-choice")

    lessons_seen = 0
    for number in range(1, 10):
        wait_for_chapter(page, number)
        kind = page.get_attribute("#chapter", "data-kind")
        if kind == "lesson":
            lessons_seen += 1
            if lessons_seen == 1:
                shot(page, "04-lesson-chapter")
        if number == 5:
            # Reload in the middle of the adventure: the page shows exactly where we are.
            page.reload()
            wait_for_chapter(page, 5)
            assert page.url == reader_url
        choose(page, number, index=number % 3)

    wait_for_chapter(page, 10)
    assert page.get_attribute("#chapter", "data-kind") == "conclusion"
    assert page.locator("#choices button.choice").count() == 0
    page.wait_for_selector("#chapter-image img", timeout=CHAPTER_TIMEOUT)
    shot(page, "05-conclusion")
    assert lessons_seen == 3

    page.get_by_role("link", name="See your adventure recap").click()
    page.wait_for_url(re.compile(r"/recap/$"))
    assert page.locator("[data-recap-chapter]").count() == 10
    assert page.locator("[data-recap-question]").count() == 3
    assert page.locator(".timeline-picture img").count() == 10
    shot(page, "06-recap")
    assert not page.console_errors, page.console_errors


def test_keyboard_alone_plays_a_chapter(page, live_server_url):
    begin(page, live_server_url, world="frostpaw-hollow", topic="fractions")
    wait_for_chapter(page, 1)
    first_choice = page.locator("#choices button.choice").first
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('choice')"):
            break
    else:
        pytest.fail("Tab never reached a choice")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")  # visible focus
    assert first_choice.evaluate("b => b === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_selector('#chapter[data-chapter="2"]', state="attached", timeout=CHAPTER_TIMEOUT)
    wait_for_chapter(page, 2)
    # The new chapter's title takes the focus, so reading carries on from the top.
    assert page.evaluate("() => document.activeElement.id") == "chapter-title"


def test_a_phone_screen_has_no_sideways_scrolling(browser, live_server_url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server_url}/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    shot(page, "07-home-phone")
    begin(page, live_server_url, world="cirrus-isles", topic="solar-system")
    wait_for_chapter(page, 1)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    shot(page, "08-reader-phone")
    context.close()


def test_pages_have_no_axe_violations(page, live_server_url):
    page.goto(f"{live_server_url}/")
    assert_no_axe_violations(page, "home")
    reader_url = begin(page, live_server_url, world="inkwell-library", topic="words-grammar")
    wait_for_chapter(page, 1)
    page.wait_for_selector("#agency-image-1 img", timeout=CHAPTER_TIMEOUT)
    assert_no_axe_violations(page, "reader")
    page.goto(reader_url + "recap/")
    assert_no_axe_violations(page, "recap")
    page.goto(f"{live_server_url}/adventures/")
    assert_no_axe_violations(page, "my adventures")


def test_text_is_readable_at_double_zoom(browser, live_server_url):
    # 200 % zoom on a 1280 px screen is a 640 px wide layout at scale 2.
    context = browser.new_context(viewport={"width": 640, "height": 800}, device_scale_factor=2)
    page = context.new_page()
    begin(page, live_server_url, world="sunglass-dunes", topic="plants")
    wait_for_chapter(page, 1)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 640
    size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.chapter-text')).fontSize)")
    assert size >= 18
    context.close()
