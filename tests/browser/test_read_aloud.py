"""Read aloud and reading comfort in Chromium.

Chromium here has no voice (speechSynthesis.getVoices() is empty), so speech_stub.js
stands in for it: it records each sentence it is asked to say and ends one when the test
says so. The highlight, the scrolling, the streaming and the reconnect are the page's own.
Screenshots: test-output/screenshots/comfort-*.png and read-aloud-*.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import SHOTS
from tests.browser.test_play import CHAPTER_TIMEOUT, assert_no_axe_violations, begin, wait_for_chapter

STUB = (Path(__file__).parent / "speech_stub.js").read_text()

HIGHLIGHT = "() => { const h = CSS.highlights.get('read-aloud'); return h ? [...h][0].toString() : null; }"
HIGHLIGHT_CONNECTED = (
    "() => { const h = CSS.highlights.get('read-aloud'); return !!h && [...h][0].startContainer.isConnected; }"
)


@pytest.fixture
def reader(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.add_init_script(STUB)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    yield page
    context.close()


def spoken(page) -> list[str]:
    return page.evaluate("() => window.__speech.spoken.map(s => s.text)")


def wait_spoken(page, count: int) -> None:
    page.wait_for_function(f"() => window.__speech.spoken.length >= {count}", timeout=10_000)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def screen(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_read_aloud_highlights_each_sentence_in_turn_by_keyboard(reader, live_server_url):
    page = reader
    begin(page, live_server_url, world="pearlwater-deep", topic="ocean-life")
    wait_for_chapter(page, 1)
    control = page.locator("#read-aloud")
    assert control.is_visible()
    text = page.locator("#chapter-text").inner_text()

    page.focus("#read-aloud-play")
    page.keyboard.press("Enter")
    wait_spoken(page, 1)
    first = spoken(page)[0]
    # The first sentence of the chapter, as the reader sees it, highlighted.
    assert squash(text).startswith(squash(first))
    assert re.search(r"[.!?…]['\"”’)]*$", first), first
    assert page.evaluate(HIGHLIGHT) == first
    assert control.get_attribute("data-sentence") == "1"
    assert page.locator("#read-aloud-play .read-aloud-label").inner_text() == "Pause"

    page.evaluate("() => window.__speech.finish()")
    wait_spoken(page, 2)
    second = spoken(page)[1]
    assert second != first
    assert squash(text).startswith(squash(first + second))
    assert page.evaluate(HIGHLIGHT) == second
    assert control.get_attribute("data-sentence") == "2"
    screen(page, "read-aloud-sentence-2")

    # Space on the focused button pauses; pressing again says the same sentence again.
    page.keyboard.press("Space")
    assert page.locator("#read-aloud-play .read-aloud-label").inner_text() == "Listen"
    page.keyboard.press("Space")
    wait_spoken(page, 3)
    assert spoken(page)[2] == second
    # The cancelled utterance's late "end" did not skip a sentence.
    page.wait_for_timeout(200)
    assert len(spoken(page)) == 3

    # Speed, by keyboard: open the Aa panel (the next stop after the button), Tab to the
    # slow / normal / fast list and choose Fast.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "comfort-summary"
    page.keyboard.press("Enter")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "read-aloud-speed":
            break
    assert page.evaluate("() => document.activeElement.id") == "read-aloud-speed"
    page.keyboard.press("ArrowDown")
    assert page.locator("#read-aloud-speed").input_value() == "1.25"
    wait_spoken(page, 4)
    assert page.evaluate("() => window.__speech.spoken[3]") == {"text": second, "rate": 1.25, "streaming": False}

    # Escape pauses from anywhere.
    page.keyboard.press("Escape")
    assert page.locator("#read-aloud-play .read-aloud-label").inner_text() == "Listen"
    # The speed is remembered by this browser.
    page.reload()
    wait_for_chapter(page, 1)
    assert page.locator("#read-aloud-speed").input_value() == "1.25"
    assert page.console_errors == []


def test_read_aloud_follows_the_stream_and_keeps_going_after_a_reconnect(reader, live_server_url):
    page = reader
    begin(page, live_server_url, world="cirrus-isles", topic="solar-system")
    page.wait_for_function(
        "() => { const t = document.querySelector('.chapter-text--streaming'); return t && t.textContent.length > 0; }",
        timeout=CHAPTER_TIMEOUT,
    )
    page.click("#read-aloud-play")
    # Finish each sentence as soon as it is said, faster than the words arrive: the
    # reader waits for more words, then goes on, until the chapter's end.
    for _ in range(400):
        if page.locator("#read-aloud-play .read-aloud-label").inner_text() == "Listen":
            break
        page.wait_for_function(
            "() => window.__speech.pending !== null ||"
            " document.querySelector('#read-aloud-play .read-aloud-label').textContent === 'Listen'",
            timeout=CHAPTER_TIMEOUT,
        )
        page.evaluate("() => window.__speech.finish()")
    wait_for_chapter(page, 1)
    said = page.evaluate("() => window.__speech.spoken")
    assert any(s["streaming"] for s in said) and not said[-1]["streaming"]
    # Every word of the chapter, once each and in order.
    assert "".join(squash(s["text"]) for s in said) == squash(page.locator("#chapter-text").inner_text())

    # Again from the start, then the connection drops in the middle of a sentence.
    page.click("#comfort summary")
    page.click("#read-aloud-restart")
    wait_spoken(page, len(said) + 1)
    page.evaluate("() => window.__speech.finish()")
    wait_spoken(page, len(said) + 2)
    second = spoken(page)[-1]
    page.evaluate("() => { document.getElementById('chapter').dataset.old = 'yes'; window.__dropConnection(); }")
    # htmx reconnects and the server sends the chapter afresh: new elements, new text nodes.
    page.wait_for_function("() => !document.getElementById('chapter').dataset.old", timeout=CHAPTER_TIMEOUT)
    assert page.evaluate("() => window.__sockets.length") == 2
    page.wait_for_function(HIGHLIGHT_CONNECTED)
    assert page.evaluate(HIGHLIGHT) == second
    page.evaluate("() => window.__speech.finish()")
    wait_spoken(page, len(said) + 3)
    assert spoken(page)[-1] == said[2]["text"]
    assert page.evaluate(HIGHLIGHT) == said[2]["text"]
    assert page.locator("#read-aloud").get_attribute("data-sentence") == "3"
    assert page.console_errors == []


COMFORT = [
    ("paper", {}),
    ("easy-read", {"font": "easy-read"}),
    ("roomy", {"font": "easy-read", "spacing": "roomy"}),
    ("cream", {"colours": "cream"}),
    ("dark", {"colours": "dark"}),
    ("line-focus", {"focus": "line"}),
]


@pytest.mark.parametrize("name, comfort", COMFORT, ids=[name for name, _ in COMFORT])
def test_each_reading_comfort_setting_looks_right_and_passes_axe(reader, live_server_url, name, comfort):
    page = reader
    begin(page, live_server_url, world="inkwell-library", topic="words-grammar")
    wait_for_chapter(page, 1)
    for setting, value in comfort.items():
        if not page.locator("#comfort").evaluate("d => d.open"):
            page.click("#comfort summary")
        with page.expect_navigation():
            page.click(f'#comfort button[name="{setting}"][value="{value}"]')
        wait_for_chapter(page, 1)
        assert page.locator(f'#comfort button[name="{setting}"][value="{value}"]').get_attribute("aria-pressed") == (
            "true"
        )
    html_class = page.evaluate("() => document.documentElement.className")
    for setting, value in comfort.items():
        assert f"{setting}-{value}" in html_class.split()
    story = page.locator("#chapter-text")
    family = story.evaluate("e => getComputedStyle(e).fontFamily")
    if comfort.get("font") == "easy-read":
        assert family.startswith('"Atkinson Hyperlegible"')
        page.wait_for_function("() => document.fonts.check('1rem \"Atkinson Hyperlegible\"')")
        assert page.evaluate(
            "() => [...document.fonts].some(f => f.family.includes('Atkinson') && f.status === 'loaded')"
        )
    else:
        assert "Atkinson" not in family
    leading = story.evaluate(
        "e => parseFloat(getComputedStyle(e).lineHeight) / parseFloat(getComputedStyle(e).fontSize)"
    )
    assert round(leading, 1) == (2.1 if comfort.get("spacing") == "roomy" else 1.7)
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == {"cream": "rgb(247, 239, 216)", "dark": "rgb(29, 28, 34)"}.get(
        comfort.get("colours"), "rgb(253, 248, 239)"
    )
    assert page.locator(".line-focus").count() == (1 if comfort.get("focus") == "line" else 0)
    page.locator("#comfort").evaluate("d => { d.open = false; }")
    if name != "line-focus":
        # (The line-focus band dims the page on purpose; axe would measure the dimmed colours.)
        assert_no_axe_violations(page, f"reader, {name}")
    # The reader as a child sees it: read aloud on, its second sentence highlighted.
    page.evaluate("() => document.getElementById('chapter').scrollIntoView()")
    page.click("#read-aloud-play")
    wait_spoken(page, 1)
    page.evaluate("() => window.__speech.finish()")
    wait_spoken(page, 2)
    page.wait_for_timeout(400)
    screen(page, f"comfort-{name}")
    assert page.console_errors == []
