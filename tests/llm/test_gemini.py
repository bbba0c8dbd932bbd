"""The gemini storyteller end to end: the real google-genai SDK against the fake server."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import io
import threading

import pytest
from channels.db import database_sync_to_async
from PIL import Image

from adventures import picture_store
from adventures.models import TelemetryEvent
from adventures.operations import telemetry
from adventures.plan import ChapterKind
from adventures.safety import moderation
from adventures.storytellers import chapter_notes, get_provider, prompts
from adventures.storytellers.base import ChapterDone, LimitReached, ProviderError, SceneRequest, StoryLost, TextPiece
from adventures.storytellers.gemini.provider import GeminiProvider
from tests.llm import briefs
from tests.support import fake_gemini as fg
from tests.support.fake_gemini import replies
from tests.support.pictures import web_format

make_brief = functools.cache(briefs.make_brief)  # frozen, so shareable; building one parses YAML
BRIEF = make_brief(number=3, kind=ChapterKind.STORY)
GOOD = tuple(replies.GOOD_CHOICES)


@pytest.fixture(params=["auto", "httpx"])
async def provider(request, fake_gemini):
    """The provider on each HTTP library the SDK may use: aiohttp when installed (dev),
    httpx2 otherwise (requirements.txt alone)."""
    gemini = GeminiProvider(http_backend=request.param)
    yield gemini
    await gemini.aclose()


async def collect(stream) -> tuple[list[str], ChapterDone | None, BaseException | None]:
    """Everything a stream yields, and how it ended; checks that nothing follows the end."""
    pieces: list[str] = []
    done = error = None
    try:
        async with asyncio.timeout(10):
            async for item in stream:
                assert done is None, "nothing may follow ChapterDone"
                if isinstance(item, TextPiece):
                    pieces.append(item.text)
                else:
                    done = item
    except ProviderError as exc:
        error = exc
        with pytest.raises(StopAsyncIteration):
            await anext(stream)  # nothing more after a failure
    return pieces, done, error


def same_words(a: str, b: str) -> bool:
    return a.split() == b.split()


@database_sync_to_async
def llm_rows(adventure_id: str) -> list[TelemetryEvent]:
    return list(TelemetryEvent.objects.filter(name="llm_call", adventure_id=adventure_id).order_by("created_at", "id"))


# --- streaming ------------------------------------------------------------------------


async def test_pieces_reach_the_player_while_the_model_is_still_writing(fake_gemini, provider):
    fake_gemini.configure(chunk_chars=20)
    fake_gemini.script(fg.pause_after(5))  # the fake sends 5 chunks, then waits for release()
    stream = provider.stream_chapter(BRIEF)
    async with asyncio.timeout(5):
        first = await anext(stream)
    assert isinstance(first, TextPiece)
    assert 0 < len(first.text) <= 100  # it can only have come from the first 5 chunks
    fake_gemini.release()
    pieces, done, error = await collect(stream)
    assert error is None and done is not None
    assert pieces  # more pieces followed the first
    assert done.choices == GOOD
    assert same_words(done.text, first.text + "".join(pieces))


@pytest.mark.parametrize("chunk_chars", [2, 3, 7])
async def test_the_choices_marker_never_reaches_the_player_however_it_is_split(fake_gemini, provider, chunk_chars):
    fake_gemini.configure(chunk_chars=chunk_chars)  # shorter than the 11-character marker: always split
    pieces, done, error = await collect(provider.stream_chapter(BRIEF))
    assert error is None and done is not None
    shown = "".join(pieces)
    assert "[" not in shown and "CHOICES" not in shown
    assert not any(choice in shown for choice in GOOD)
    assert done.choices == GOOD
    assert same_words(done.text, shown)
    assert fake_gemini.calls(stream=False) == []  # no repair was needed


async def test_headings_and_markdown_are_cleaned_as_they_stream(fake_gemini, provider):
    fake_gemini.configure(decorate=True, chunk_chars=4)
    pieces, done, _ = await collect(provider.stream_chapter(BRIEF))
    shown = "".join(pieces)
    assert done is not None
    assert not any(mark in shown for mark in ("Chapter", "#", "*"))
    (request,) = fake_gemini.requests
    written = replies.prose(words=fake_gemini.settings.prose_words, seed=7 + len(request.prompt), decorate=True)
    assert written.startswith("## Chapter 2: The Plum Gate\n\n") and "**golden leaves**" in written
    plain = replies.prose(words=fake_gemini.settings.prose_words, seed=7 + len(request.prompt))
    assert same_words(shown, plain)
    assert same_words(done.text, shown)


@pytest.mark.parametrize("fault", [fg.malformed_choices(), None])
async def test_a_bad_or_missing_choices_block_is_repaired_with_one_call(fake_gemini, fault, settings):
    if fault:
        fake_gemini.script(fault)
    else:
        fake_gemini.configure(choices="missing")
    pieces, done, error = await collect(get_provider().stream_chapter(BRIEF))
    assert error is None and done is not None
    assert done.choices == GOOD
    assert "A) Follow" not in "".join(pieces)
    (repair,) = fake_gemini.calls(model=settings.GEMINI_LITE_MODEL)
    assert repair.stream is False
    assert repair.schema == prompts.CHOICES_SCHEMA
    assert done.text in repair.prompt


async def test_chapters_without_choices_ask_for_none_and_need_no_repair(fake_gemini, settings):
    pieces, done, _ = await collect(get_provider().stream_chapter(make_brief(number=1)))
    assert done is not None and pieces
    assert done.choices == ()
    assert [r.model for r in fake_gemini.requests] == [settings.GEMINI_TEXT_MODEL]


# --- faults ---------------------------------------------------------------------------


@pytest.mark.parametrize("fault", [fg.drop_after(4), fg.error_event_after(4)], ids=["dropped", "error-event"])
async def test_a_stream_that_breaks_after_text_was_shown_is_lost(fake_gemini, provider, fault):
    fake_gemini.configure(chunk_chars=40)
    fake_gemini.script(fault)
    pieces, done, error = await collect(provider.stream_chapter(BRIEF))
    assert isinstance(error, StoryLost)
    assert str(error) == "The story got lost on the way. Please try again."
    assert pieces and done is None
    assert len(fake_gemini.calls(stream=True)) == 1  # never restarted once the player has read some


async def test_failures_before_any_text_are_retried_quietly(fake_gemini, provider):
    fake_gemini.script(fg.status(503, stream=True), fg.drop_after(0), fg.status(429, stream=True))
    pieces, done, error = await collect(provider.stream_chapter(BRIEF))
    assert error is None and done is not None
    assert [r.reply for r in fake_gemini.calls(stream=True)] == ["503", "drop@0", "429", "ok"]
    assert done.choices == GOOD
    assert same_words(done.text, "".join(pieces))


async def test_text_held_back_and_never_shown_still_allows_a_quiet_retry(fake_gemini):
    # The first chunk is "## Chapter", held while undecided: the player saw nothing.
    fake_gemini.configure(decorate=True, chunk_chars=10)
    fake_gemini.script(fg.drop_after(1))
    _, done, error = await collect(get_provider().stream_chapter(BRIEF))
    assert error is None and done is not None
    assert [r.reply for r in fake_gemini.requests[:2]] == ["drop@1", "ok"]


async def test_exhausted_retries_before_text_raise_a_clear_error(fake_gemini, settings):
    settings.GEMINI_MAX_ATTEMPTS = 3
    fake_gemini.script(*[fg.status(503, stream=True)] * 3)
    pieces, done, error = await collect(get_provider().stream_chapter(BRIEF))
    assert type(error) is ProviderError
    assert str(error) == (
        "The storyteller's chapter call failed 3 times: "
        "HTTP 503 UNAVAILABLE: The model is overloaded. Please try again later."
    )
    assert pieces == [] and done is None
    assert len(fake_gemini.requests) == 3


async def test_a_refused_request_is_not_retried(fake_gemini):
    fake_gemini.script(fg.status(400))
    with pytest.raises(ProviderError, match="refused: HTTP 400 INVALID_ARGUMENT"):
        await get_provider().title_and_summary(BRIEF, "The end.")
    assert len(fake_gemini.requests) == 1


@pytest.mark.parametrize(
    "fault", [fg.status(429, retry_delay=0.25), fg.status(503, retry_after=0.25)], ids=["RetryInfo", "Retry-After"]
)
async def test_the_servers_retry_delay_is_honoured(fake_gemini, fault):
    fake_gemini.script(fault)  # our own backoff is at most 5 ms in tests
    await get_provider().title_and_summary(BRIEF, "The end.")
    first, second = fake_gemini.requests
    assert (first.reply, second.reply) == (fault.label, "ok")
    assert second.at - first.at >= 0.24


async def test_a_retry_delay_past_the_deadline_gives_up_at_once(fake_gemini, settings):
    settings.GEMINI_SMALL_DEADLINE = 2.0
    fake_gemini.script(fg.status(429, retry_delay=30))
    started = asyncio.get_running_loop().time()
    with pytest.raises(ProviderError, match="ran out of time"):
        await get_provider().title_and_summary(BRIEF, "The end.")
    assert asyncio.get_running_loop().time() - started < 1.0
    assert len(fake_gemini.requests) == 1


async def test_a_hung_call_hits_its_deadline_while_other_calls_carry_on(fake_gemini, settings):
    settings.GEMINI_CHAPTER_DEADLINE = 0.5
    fake_gemini.script(fg.hang(stream=True))
    gemini = get_provider()
    finished: list[str] = []
    ticks = 0

    async def chapter():
        result = await collect(gemini.stream_chapter(BRIEF))
        finished.append("chapter")
        return result

    async def title():
        result = await gemini.title_and_summary(BRIEF, "The end.")
        finished.append("title")
        return result

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    started = asyncio.get_running_loop().time()
    (pieces, done, error), summary = await asyncio.gather(chapter(), title())
    elapsed = asyncio.get_running_loop().time() - started
    ticking.cancel()
    assert type(error).__name__ == "DeadlinePassed" and not isinstance(error, StoryLost)
    assert str(error) == "The storyteller's chapter call took too long."
    assert pieces == [] and done is None
    assert summary.title == "The Gate by the Glass River"
    assert finished == ["title", "chapter"]
    assert 0.45 <= elapsed < 3
    assert ticks >= 20  # the loop kept turning while the call hung


# --- small calls and pictures ---------------------------------------------------------


async def test_after_a_chapter_one_structured_lite_call_gives_title_looks_and_picture(fake_gemini, settings):
    text = "The bridge sang softly."
    scene = SceneRequest(brief=BRIEF, chapter_text=text)
    gemini = get_provider()
    result, looks, picture = await asyncio.gather(
        gemini.title_and_summary(BRIEF, text), gemini.character_visuals(BRIEF, text, {}), gemini.chapter_picture(scene)
    )
    assert result.title == "The Gate by the Glass River"
    assert result.summary.startswith("The hero follows a winding path")
    assert looks["Hazel Thimblewick"].startswith("A tiny pixie")
    assert picture.alt == replies._STRINGS_BY_KEY["alt"]
    # One call for all three, the picture prompt's moderation (adventures/safety), the picture.
    request, moderated, drawn = fake_gemini.requests
    assert moderated.schema == moderation.SCHEMA
    assert (request.model, request.stream) == (settings.GEMINI_LITE_MODEL, False)
    assert request.config["responseMimeType"] == "application/json"
    assert request.schema == chapter_notes.SCHEMA
    assert request.system == chapter_notes.SYSTEM
    assert drawn.prompt == prompts.picture(replies._STRINGS_BY_KEY["picture_prompt"])
    assert "The bridge sang softly." in request.prompt
    if settings.GEMINI_USE_VERTEXAI:  # Google Cloud credentials, on the project's Vertex AI path
        assert request.headers["Authorization"] == "Bearer fake-vertex-token"
        assert request.path.startswith(
            f"/v1beta1/projects/storyweb-test/locations/europe-west4/publishers/google/models/{settings.GEMINI_LITE_MODEL}:"
        )
    else:
        assert request.headers["x-goog-api-key"] == "fake-key"
        assert request.path == f"/v1/models/{settings.GEMINI_LITE_MODEL}:generateContent"


async def test_bad_json_is_asked_for_once_more_then_refused(fake_gemini):
    fake_gemini.script(fg.bad_json())
    assert (await get_provider().title_and_summary(BRIEF, "x")).title == "The Gate by the Glass River"
    fake_gemini.script(fg.bad_json(), fg.bad_json())
    with pytest.raises(ProviderError, match="chapter_notes reply was not usable"):
        await get_provider().title_and_summary(BRIEF, "y")
    assert [r.reply for r in fake_gemini.requests] == ["bad_json", "ok", "bad_json", "bad_json"]


async def test_character_visuals_update_the_known_looks(fake_gemini):
    known = {"Quill": "A fox with a hat.", "Mossbeard": "A tall figure of bark and ivy."}
    brief = dataclasses.replace(BRIEF, character_visuals=tuple(known.items()))
    looks = await get_provider().character_visuals(brief, "Quill and Hazel waved.", known)
    assert looks == {
        "Quill": "A russet fox in a blue waistcoat with a bulging mailbag and no hat at all.",
        "Mossbeard": "A tall figure of bark and ivy.",
        "Hazel Thimblewick": "A tiny pixie with a red spotted mushroom cap for a hat and a flour-dusted apron.",
        BRIEF.protagonist_name: BRIEF.protagonist_look,
    }
    assert "- Quill: A fox with a hat." in fake_gemini.requests[0].prompt


async def test_a_chapter_picture_is_the_notes_call_then_the_image(fake_gemini, settings):
    scene = SceneRequest(brief=BRIEF, chapter_text="Inés held up the key.", character_visuals=(("Quill", "a fox"),))
    picture = await get_provider().chapter_picture(scene)
    noted, moderated, drawn = fake_gemini.requests
    assert (noted.model, noted.schema) == (settings.GEMINI_LITE_MODEL, chapter_notes.SCHEMA)
    assert "Inés held up the key." in noted.prompt
    # The picture prompt is moderated (adventures/safety) before the image model sees it.
    assert (moderated.model, moderated.schema) == (settings.GEMINI_LITE_MODEL, moderation.SCHEMA)
    assert replies._STRINGS_BY_KEY["picture_prompt"] in moderated.prompt
    assert drawn.model == settings.GEMINI_IMAGE_MODEL
    assert drawn.config["responseModalities"] == ["IMAGE"]
    assert drawn.prompt == prompts.picture(replies._STRINGS_BY_KEY["picture_prompt"])
    assert picture.alt == replies._STRINGS_BY_KEY["alt"]
    # The model's PNG, converted (picture_store.web_picture) before its place is let go;
    # on Vertex AI the JPEG it was asked for, kept as it came.
    assert (picture.mime_type, Image.open(io.BytesIO(picture.data)).format) == web_format(settings)[:2]


async def test_an_agency_picture_is_one_image_call(fake_gemini, settings):
    brief = make_brief(number=1)
    option = brief.agency_options[2]
    picture = await get_provider().agency_picture(brief, option)
    (request,) = fake_gemini.requests
    assert request.model == settings.GEMINI_IMAGE_MODEL
    assert request.prompt == prompts.agency_picture(brief, option)
    assert picture.alt.startswith(option.name[:1].upper() + option.name[1:] + ": ")
    # The model's picture, in its web version (kept so for reuse).
    assert (picture.mime_type, Image.open(io.BytesIO(picture.data)).format) == web_format(settings)[:2]


@pytest.mark.django_db(transaction=True)  # the calls' telemetry is written after 0.5 s
async def test_the_cap_on_pictures_in_flight_holds_only_the_picture_model(fake_gemini, settings):
    """STORYWEB_IMAGES_IN_FLIGHT caps requests to the picture model; a chapter's scene
    description (the start of its picture) never waits for a free place."""
    settings.STORYWEB_IMAGES_IN_FLIGHT = 2
    latency = 0.5
    fake_gemini.configure(image_latency_ms=latency * 1000)
    brief = make_brief(number=1)
    agency = [get_provider().agency_picture(brief, option) for _ in range(2) for option in brief.agency_options]
    scene = SceneRequest(brief=BRIEF, chapter_text="Inés held up the key.")
    await asyncio.gather(*agency, get_provider().chapter_picture(scene))
    drawn = [r.at for r in fake_gemini.requests if r.model == settings.GEMINI_IMAGE_MODEL]
    assert len(drawn) == 7
    # A request is in flight from before it arrives until `latency` after: a third one
    # arriving within `latency` of the one two before it would make three at once.
    assert all(later - earlier >= latency * 0.95 for earlier, later in zip(drawn, drawn[2:], strict=False))
    (described,) = [r.at for r in fake_gemini.requests if r.schema == chapter_notes.SCHEMA]
    assert described < sorted(drawn)[2], "the chapter's notes call queued behind pictures"


async def test_a_picture_keeps_its_place_until_it_is_converted(fake_gemini, settings, monkeypatch):
    """No more pictures wait in memory for their conversion than STORYWEB_IMAGES_IN_FLIGHT:
    the next one is not asked for until a converted one lets its place go."""
    settings.STORYWEB_IMAGES_IN_FLIGHT = 1
    converting, go_on = threading.Event(), threading.Event()
    convert = picture_store._web

    def slow_conversion(data: bytes, mime_type: str) -> tuple[bytes, str]:
        converting.set()
        go_on.wait(timeout=10)
        return convert(data, mime_type)

    monkeypatch.setattr(picture_store, "_web", slow_conversion)
    brief = make_brief(number=1)
    both = asyncio.gather(*(get_provider().agency_picture(brief, option) for option in brief.agency_options[:2]))
    await asyncio.to_thread(converting.wait, 10)
    await asyncio.sleep(0.3)  # time enough for a second request, were it let go
    assert len(fake_gemini.calls(model=settings.GEMINI_IMAGE_MODEL)) == 1
    go_on.set()
    pictures = await both
    assert len(fake_gemini.calls(model=settings.GEMINI_IMAGE_MODEL)) == 2
    assert all(picture.mime_type == web_format(settings)[0] for picture in pictures)


async def test_a_missing_api_key_or_project_is_a_clear_error(fake_gemini, settings):
    settings.GEMINI_API_KEY = ""
    settings.GEMINI_VERTEX_PROJECT = ""
    expected = "set GOOGLE_CLOUD_PROJECT" if settings.GEMINI_USE_VERTEXAI else "GEMINI_API_KEY"
    with pytest.raises(ProviderError, match=expected):
        await GeminiProvider().title_and_summary(BRIEF, "x")
    assert fake_gemini.requests == []


# --- limits and telemetry -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_every_call_records_an_llm_call_row(fake_gemini, settings):
    brief = make_brief(number=3, kind=ChapterKind.STORY, seed=901)
    gemini = get_provider()
    fake_gemini.script(fg.status(503, stream=True), fg.status(429, retry_delay=0.1, stream=False))
    await collect(gemini.stream_chapter(brief))
    await gemini.title_and_summary(brief, "The end.")
    fake_gemini.script(fg.drop_after(2))
    await collect(gemini.stream_chapter(brief))
    settings.GEMINI_CHAPTER_DEADLINE = 0.2
    fake_gemini.script(fg.hang())
    await collect(gemini.stream_chapter(brief))
    await telemetry.flush()
    chapter, title, lost, timeout = await llm_rows(brief.adventure_id)
    assert (chapter.chapter_number, chapter.chapter_kind) == (3, ChapterKind.STORY)
    assert chapter.details["kind"] == "chapter"
    assert chapter.details["model"] == settings.GEMINI_TEXT_MODEL
    assert (chapter.details["outcome"], chapter.details["retries"]) == ("ok", 1)
    assert 0 < chapter.details["ttft_ms"] <= chapter.duration_ms
    assert chapter.details["input_tokens"] > 0 and chapter.details["output_tokens"] > 0
    assert title.details["kind"] == "chapter_notes"
    assert title.details["model"] == settings.GEMINI_LITE_MODEL
    assert (title.details["outcome"], title.details["retries"]) == ("ok", 1)
    assert title.details["backoff_ms"] >= 100
    assert lost.details["outcome"] == "lost"
    assert "ClientPayloadError" in lost.details["error"]
    assert timeout.details["outcome"] == "timeout"
    assert "ttft_ms" not in timeout.details
    assert 190 <= timeout.duration_ms < 2000


@pytest.mark.django_db(transaction=True)
async def test_thirty_percent_failures_still_succeed_with_retries_counted(fake_gemini, settings):
    settings.GEMINI_MAX_ATTEMPTS = 8
    fake_gemini.configure(fault_rate=0.3, seed=5)
    brief = make_brief(number=3, kind=ChapterKind.STORY, seed=902)
    gemini = get_provider()
    for n in range(6):
        _, done, error = await collect(gemini.stream_chapter(brief))
        assert error is None and done is not None and done.choices == GOOD
        await gemini.title_and_summary(brief, f"{n}. {done.text}")  # six different chapters
    await telemetry.flush()
    rows = await llm_rows(brief.adventure_id)
    failed = [r for r in fake_gemini.requests if r.reply in ("429", "503")]
    assert len(failed) >= 3
    assert [r.details["outcome"] for r in rows] == ["ok"] * 12
    assert sum(r.details["retries"] for r in rows) == len(failed)


@pytest.mark.django_db(transaction=True)
async def test_the_daily_cap_stops_calls_before_they_are_made(fake_gemini, settings):
    settings.STORYWEB_LLM_CALLS_PER_DAY = 0
    brief = make_brief(number=3, kind=ChapterKind.STORY, seed=903)
    with pytest.raises(LimitReached, match="needs a rest"):
        await get_provider().title_and_summary(brief, "x")
    _, done, error = await collect(get_provider().stream_chapter(brief))
    assert isinstance(error, LimitReached) and done is None
    assert fake_gemini.requests == []
    await telemetry.flush()
    assert [r.details["outcome"] for r in await llm_rows(brief.adventure_id)] == ["limited", "limited"]
