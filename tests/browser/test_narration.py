"""The stored Gemini narration in Chromium: a real server on the gemini storyteller,
pointed at the fake Gemini server (which writes the chapters and speaks them as a hum
with quiet between sentences), GEMINI_NARRATION on. Listen plays the stored WAV and the
highlight follows the audio's time; when the audio cannot be loaded the browser's voice
(speech_stub.js) reads instead. Screenshot: test-output/screenshots/read-aloud-narration.png.
"""

from __future__ import annotations

import json

import pytest

from adventures.play import narration_timing
from tests.browser.test_play import begin, wait_for_chapter
from tests.browser.test_read_aloud import HIGHLIGHT, STUB, screen
from tests.support.fake_gemini import FakeGemini
from tests.support.servers import Server, prepare, scratch_database, server_env
from tests.test_narration_timing import SPLIT_CASES

# Keeps every media element the page plays, so the test can read its clock.
AUDIO_SPY = """(() => {
  const play = HTMLMediaElement.prototype.play;
  window.__audios = [];
  HTMLMediaElement.prototype.play = function () {
    if (!window.__audios.includes(this)) window.__audios.push(this);
    return play.call(this);
  };
})();"""
NARRATION_TIMEOUT = 60_000


@pytest.fixture(scope="module")
def narrated_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("narrated-server")
    with FakeGemini() as fake, scratch_database(tmp) as database_url:
        env = server_env(
            database_url,
            tmp / "media",
            STORYWEB_LLM="gemini",
            GEMINI_API_KEY="fake-key",
            GOOGLE_GEMINI_BASE_URL=fake.url,
            GEMINI_NARRATION="1",
            GEMINI_BACKOFF_BASE="0.005",
        )
        prepare(env)
        server = Server(env, tmp / "daphne.log").start()
        try:
            yield server.url
        finally:
            server.stop()


@pytest.fixture
def listener(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.add_init_script(STUB)
    context.add_init_script(AUDIO_SPY)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.page_errors = errors
    yield page
    context.close()


def narrated_chapter(page, url: str) -> list[list[float]]:
    begin(page, url)
    wait_for_chapter(page, 1)
    page.wait_for_selector("#chapter-narration[data-audio]", state="attached", timeout=NARRATION_TIMEOUT)
    return json.loads(page.get_attribute("#chapter-narration", "data-timings"))


def sentence_texts(page) -> list[str]:
    script = """() => { const t = [...document.querySelectorAll('#chapter-text p')].map(p => p.textContent).join('\\n');
                       return window.StoryWebSentences.split(t, false).map(s => s.text); }"""
    return page.evaluate(script)


def test_listen_plays_the_stored_narration_and_the_highlight_follows_its_time(listener, narrated_server):
    page = listener
    timings = narrated_chapter(page, narrated_server)
    texts = sentence_texts(page)
    assert len(timings) == len(texts) >= 4

    page.click("#read-aloud-play")  # as the child would: the press allows the audio to play
    page.wait_for_timeout(1000)
    print(
        page.evaluate(
            "() => window.__audios.map(a => [a.src, a.paused, a.error && a.error.code, a.currentTime, a.readyState])"
        )
    )
    page.wait_for_function("() => window.__audios.length === 1 && !window.__audios[0].paused")
    assert page.evaluate("() => window.__audios[0].src").endswith("chapter-1-narration.wav")
    # The audio really advances, and when it is inside the second sentence, so is the highlight.
    second_start = timings[1][1]
    page.wait_for_function(
        f"""() => {{ const a = window.__audios[0];
                    if (a.currentTime > {second_start + 0.1}) {{ a.pause(); return true; }} return false; }}""",
        timeout=NARRATION_TIMEOUT,
    )
    page.wait_for_function("() => document.getElementById('read-aloud').getAttribute('data-sentence') === '2'")
    assert page.evaluate(HIGHLIGHT) == texts[1]
    screen(page, "read-aloud-narration")

    # Moving the audio's clock moves the highlight: to the fourth sentence.
    page.evaluate(f"() => {{ window.__audios[0].currentTime = {timings[3][1] + 0.05}; }}")
    page.wait_for_function("() => document.getElementById('read-aloud').getAttribute('data-sentence') === '4'")
    assert page.evaluate(HIGHLIGHT) == texts[3]

    # Speed is the audio's playback rate; the browser's voice was never used.
    page.click(".comfort-summary")  # the Aa panel holds the speed
    page.select_option("#read-aloud-speed", "1.25")
    assert page.evaluate("() => window.__audios[0].playbackRate") == 1.25
    assert page.evaluate("() => window.__speech.spoken.length") == 0
    assert page.page_errors == []


def test_the_browser_voice_reads_when_the_narration_cannot_be_loaded(listener, narrated_server):
    page = listener
    page.route("**/*-narration.wav", lambda route: route.fulfill(status=404, body=""))
    narrated_chapter(page, narrated_server)
    first = sentence_texts(page)[0]
    page.click("#read-aloud-play")
    page.wait_for_function("() => window.__speech.spoken.length >= 1", timeout=10_000)
    assert page.evaluate("() => window.__speech.spoken[0].text") == first
    assert page.evaluate(HIGHLIGHT) == first
    assert page.page_errors == []


NO_VOICE = "Object.defineProperty(window, 'speechSynthesis', { value: undefined, configurable: true });"


def test_a_browser_without_a_voice_still_plays_the_narration(browser, narrated_server, live_server_url):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.add_init_script(NO_VOICE)
    context.add_init_script(AUDIO_SPY)
    page = context.new_page()
    try:
        begin(page, live_server_url)  # the offline storyteller: no narration, so nothing to press
        wait_for_chapter(page, 1)
        assert page.locator("#read-aloud").is_hidden()
        begin(page, narrated_server)
        wait_for_chapter(page, 1)
        page.wait_for_selector("#chapter-narration[data-audio]", state="attached", timeout=NARRATION_TIMEOUT)
        page.wait_for_selector("#read-aloud", state="visible")  # the narration arrived
        page.click("#read-aloud-play")
        page.wait_for_function("() => window.__audios.length === 1 && !window.__audios[0].paused")
    finally:
        context.close()


@pytest.mark.parametrize(("text", "expected"), SPLIT_CASES)
def test_the_reader_splits_sentences_as_the_server_times_them(page, live_server_url, text, expected):
    page.goto(f"{live_server_url}/")
    page.add_script_tag(url=f"{live_server_url}/static/js/sentences.js")
    split = page.evaluate("(t) => window.StoryWebSentences.split(t, false).map(s => [s.key, s.end, s.text])", text)
    assert split == [[s.key, s.end, s.text] for s in narration_timing.sentences(text)]
    assert [row[2] for row in split] == expected
