"""The benchmark's own logic (bench/): statistics, /proc parsing, and how a benchmark
player reads the server's real fragments and pages and writes htmx's messages.
Nothing here is timed."""

from __future__ import annotations

import asyncio
import json

import pytest
from django.template.loader import render_to_string

from adventures.play import pages
from adventures.play.consumers import AdventureConsumer, render
from bench import figures, protocol, stats
from bench.player import ChapterTiming, PlayerResult
from tests import consumer_support

META = pages.AdventureMeta(
    id="6f1c2a52-4a8e-4c55-9b9e-1f0f3b1e2d3c",
    length=6,
    plan=("story", "lesson", "story", "reflect", "story", "conclusion"),
    world_name="The Whispering Woods",
    topic_name="Fractions",
    agency_prompt="Which friend comes with you?",
)
CHOICES = [{"id": "aB3-x_1", "text": "Follow the lanterns"}, {"id": "Zz9", "text": "Ask"}, {"id": "q-q", "text": "Go"}]


# --- statistics ------------------------------------------------------------------------


def test_percentiles_interpolate_between_closest_ranks():
    values = [4, 1, 3, 2]
    assert stats.percentile(values, 0) == 1
    assert stats.percentile(values, 50) == 2.5
    assert stats.percentile(values, 95) == pytest.approx(3.85)
    assert stats.percentile(values, 100) == 4
    assert stats.percentile([7], 95) == 7
    assert stats.percentile([], 50) is None
    with pytest.raises(ValueError):
        stats.percentile(values, 101)


def test_summary_of_values_and_of_nothing():
    assert stats.Summary.of(range(1, 101)).as_dict() == {
        "count": 100,
        "p50": 50.5,
        "p95": 95.0,
        "max": 100.0,
        "mean": 50.5,
    }
    assert stats.Summary.of([]).as_dict() == {"count": 0, "p50": None, "p95": None, "max": None, "mean": None}


def test_cpu_and_memory_from_proc():
    # A command name with spaces and a parenthesis must not shift the fields.
    line = "4242 (daphne (x) y) S 1 4242 4242 0 -1 4194560 5 0 0 0 250 130 0 0 20 0 3 0 100 1 2 3"
    assert stats.cpu_seconds(line, 100) == pytest.approx(3.8)
    assert stats.rss_kib("Name:\tdaphne\nVmPeak:\t  9 kB\nVmRSS:\t  123456 kB\n") == 123456


# --- what the player reads ---------------------------------------------------------------


async def test_a_streamed_piece_is_read_back_unescaped():
    sent = []
    consumer = AdventureConsumer()

    async def send(text_data=None, bytes_data=None, close=False):
        sent.append(text_data)

    consumer.send = send
    await consumer._send_piece(2, 'Tom & "Jo" <3 ')
    assert protocol.parse_fragment(sent[0]) == protocol.Fragment("piece", text='Tom & "Jo" <3 ')


def test_the_chapter_being_written_is_not_the_finished_chapter():
    message = render("chapter", chapter=pages.writing_view(META, 2, ["Once"]), meta=META) + render(
        "status", status=pages.status("writing"), meta=META
    )
    fragment = protocol.parse_fragment(message)
    assert (fragment.kind, fragment.number, fragment.chapter_kind, fragment.status) == (
        "writing",
        2,
        "lesson",
        "writing",
    )


def test_a_finished_chapter_from_the_socket_has_its_choices_and_no_token():
    chapter = pages.ChapterView(meta=META, number=3, kind="story", text="One.\n\nTwo.", choices=CHOICES)
    message = (
        render("chapter", chapter=chapter, meta=META)
        + render("progress", progress=pages.progress(META, 3))
        + render("status", status=pages.status(""), meta=META)
    )
    assert protocol.parse_fragment(message) == protocol.Fragment(
        "chapter", 3, "story", choices=("aB3-x_1", "Zz9", "q-q"), csrf=None, status=""
    )


def test_a_finished_chapter_from_the_page_carries_the_forms_token():
    chapter = pages.ChapterView(meta=META, number=3, kind="story", text="One.", choices=CHOICES)
    message = render_to_string("adventures/play.html#chapter", {"chapter": chapter, "csrf_token": "t0k3n"}).strip()
    assert protocol.parse_fragment(message).csrf == "t0k3n"


def test_the_conclusion_has_no_choices():
    chapter = pages.ChapterView(meta=META, number=6, kind="conclusion", text="The end.")
    fragment = protocol.parse_fragment(render("chapter", chapter=chapter, meta=META))
    assert (fragment.kind, fragment.number, fragment.chapter_kind, fragment.choices) == ("chapter", 6, "conclusion", ())


def test_an_error_status_is_trouble_with_its_message():
    message = render("status", status=pages.status("error", "The story got lost & more.", retry=True), meta=META)
    fragment = protocol.parse_fragment(message)
    assert (fragment.kind, fragment.status, fragment.status_message) == ("other", "error", "The story got lost & more.")
    assert fragment.status in protocol.TROUBLE


def test_pictures_and_titles_are_recognised():
    chapter = pages.ChapterView(meta=META, number=2, kind="lesson", text="x", title="A Gate")
    assert protocol.parse_fragment(render("chapter-image", chapter=chapter)).kind == "image"
    assert protocol.parse_fragment(render("chapter-title", chapter=chapter)).kind == "title"


# --- what the player sends -----------------------------------------------------------------


@pytest.mark.parametrize("csrf", [None, "tok" * 10])
def test_the_players_message_is_what_the_socket_tests_send(csrf):
    values = {"action": "choose", "chapter": 3, "choice": "aB3-x_1"}
    ours = protocol.htmx_message(values, adventure_id=META.id, origin="http://localhost", csrf=csrf)
    assert json.loads(ours) == json.loads(consumer_support.htmx_message(values, adventure_id=META.id, csrf=csrf))
    assert ours == consumer_support.htmx_message(values, adventure_id=META.id, csrf=csrf)


def test_the_start_form_and_its_redirect():
    page = (
        '<form><input type="hidden" name="csrfmiddlewaretoken" value="abc">'
        '<input type="radio" name="world" value="whispering-woods" required>'
        '<input type="radio" name="topic" value="fractions" required>'
        '<input type="radio" name="difficulty" value="standard" id="id_difficulty_0" required checked>'
        '<input type="radio" name="length" value="10" id="id_length_1" required checked></form>'
    )
    form = protocol.parse_start_form(page)
    assert form.csrf == "abc"
    assert form.options == {
        "world": ["whispering-woods"],
        "topic": ["fractions"],
        "difficulty": ["standard"],
        "length": ["10"],
    }
    assert protocol.adventure_id_from_location(f"/adventures/{META.id}/") == META.id
    with pytest.raises(ValueError):
        protocol.adventure_id_from_location("/")
    assert protocol.cookie_header({"sessionid": "s", "csrftoken": "c"}) == "sessionid=s; csrftoken=c"


@pytest.mark.django_db
def test_the_real_home_page_offers_what_the_player_picks(client):
    form = protocol.parse_start_form(client.get("/").content.decode())
    assert len(form.options["world"]) >= 10 and len(form.options["topic"]) >= 10
    assert set(form.options["length"]) == {"6", "10", "14"}


# --- from records to figures ----------------------------------------------------------------


def test_figures_line_up_the_three_clocks():
    a = META.id
    player = PlayerResult(0)
    player.chapters = [
        ChapterTiming(a, 1, asked=10.0, after_choice=False, kind="story", first_piece=10.33, final=11.0),
        ChapterTiming(a, 2, asked=12.0, after_choice=True, kind="lesson", first_piece=12.32, final=13.05),
    ]
    requests = [
        {"a": a, "n": 1, "k": "chapter", "arrived": 10.01, "ended": 10.95},
        # The chunk that completed chapter 2's first sentence went out 316 ms after its request.
        {"a": a, "n": 2, "k": "chapter", "arrived": 12.01, "ended": 13.0, "first_sentence": 12.326},
        {"a": a, "n": 2, "k": "moderation", "arrived": 13.001, "ended": 13.021},  # model time 20 ms
        {"a": a, "n": 2, "k": "scene", "arrived": 13.04, "ended": 13.4},
        *({"a": a, "n": 1, "k": "agency", "x": str(i), "arrived": 10.02 + i / 1000, "ended": 10.9} for i in range(3)),
    ]
    events = [
        {"e": "tx", "t": 10.5, "crit": a, "what": "INSERT adventures_chapter"},
        {"e": "final_sent", "t": 10.99, "a": a, "n": 1},
        {"e": "tx", "t": 12.001, "crit": a, "what": "UPDATE adventures_chapter"},
        {"e": "tx", "t": 12.002, "crit": None, "what": "INSERT adventures_telemetryevent"},
        {"e": "tx", "t": 13.01, "crit": a, "what": "INSERT adventures_chapter"},
        {"e": "saved", "t": 13.02, "a": a, "n": 2},
        {"e": "final_sent", "t": 13.03, "a": a, "n": 2},
    ]
    meters = figures.Meters(1, 10.0, 0.2, 0.05, 0.1, 0.1, 100_000, 100_500, 101_000)
    result = figures.compute([player], events, requests, meters, ttft_ms=300)
    assert result["first_words_minus_ttft_ms"]["p50"] == pytest.approx(20.0)
    # The budget's line takes the model's time to the first whole sentence out (the
    # server holds back the sentence being written): 320 ms less 316.
    assert result["model_first_sentence_ms"]["p50"] == pytest.approx(316.0)
    assert result["first_words_net_ms"]["count"] == 1 and result["first_words_net_ms"]["p50"] == pytest.approx(4.0)
    assert result["final_sent_after_stream_end_ms"]["max"] == pytest.approx(40.0)
    assert result["saved_after_stream_end_ms"]["count"] == 1  # only chapter 2 has a "saved" event here
    assert result["picture_request_after_stream_end_ms"]["p50"] == pytest.approx(40.0)
    # The budget's lines take the moderation call's model time out (chapter 1 had none).
    assert result["moderation_call_ms"]["max"] == pytest.approx(20.0)
    net = result["final_sent_after_stream_end_net_ms"]
    assert net["count"] == 2 and net["max"] == pytest.approx(40.0) and net["p50"] == pytest.approx(25.0)
    assert result["picture_request_after_stream_end_net_ms"]["p50"] == pytest.approx(20.0)
    assert result["budget"]["final_after_stream_p95"] and result["budget"]["picture_after_chapter_p95"]
    assert result["write_tx_per_chapter_critical"]["max"] == 2
    assert result["write_tx_per_chapter_all"] == 2.0
    assert result["agency_pictures"]["parallel"] == 1
    assert result["server_cpu_ms_per_chapter"] == 100.0
    assert result["server_cpu_ms_per_chapter_net_of_idle"] == 75.0
    assert result["rss_per_connected_player_kib"] == 500.0
    assert result["budget"]["first_words_p50"] and result["budget"]["write_tx_max"]


def test_the_fake_logs_when_a_stream_completed_its_first_sentence(tmp_path):
    import aiohttp

    from adventures.safety.screen import split_sentences
    from bench.fake import LoggingFakeGemini

    log = tmp_path / "requests.jsonl"
    fake = LoggingFakeGemini(log_path=str(log), ttft_ms=50, chunk_delay_ms=20, chunk_chars=10).start()
    body = {"contents": [{"role": "user", "parts": [{"text": f"Write it. [bench {META.id} 2 chapter]"}]}]}

    async def stream() -> str:
        url = fake.url + "/v1/models/m:streamGenerateContent?alt=sse"
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json=body, headers={"x-goog-api-key": "k"}) as response,
        ):
            return await response.text()

    try:
        sse = asyncio.run(stream())
    finally:
        fake.stop()
        fake.flush()
    pieces = [
        json.loads(b.removeprefix("data: "))["candidates"][0]["content"]["parts"][0]["text"]
        for b in sse.split("\n\n")[:-1]
    ]
    # The chunk (counted from 0) whose arrival lets the server show a whole sentence.
    completing = next(i for i in range(len(pieces)) if split_sentences("".join(pieces[: i + 1]))[0])
    assert completing > 0  # ten characters do not hold a whole sentence of the fake's prose
    (entry,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert (entry["a"], entry["n"], entry["k"]) == (META.id, 2, "chapter")
    to_first_sentence = (entry["first_sentence"] - entry["arrived"]) * 1000
    assert 50 + 20 * completing <= to_first_sentence < entry["ended"] * 1000 - entry["arrived"] * 1000


# --- several processes -------------------------------------------------------------------


def test_several_processes_need_postgres_and_redis(capsys):
    from bench import play

    assert play.parse_args(["--postgres", "--processes", "2"]).processes == 2
    assert play.parse_args([]).processes == 1
    for argv in (["--processes", "2"], ["--postgres", "--processes", "0"]):
        with pytest.raises(SystemExit):
            play.parse_args(argv)
    assert "needs --postgres" in capsys.readouterr().err
