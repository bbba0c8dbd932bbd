"""The Gemini narration (adventures/play/narration.py) through the fake Gemini server, on both
routes (AI Studio and Vertex AI): made once from the saved text, stored as a WAV file
beside the pictures, timed per sentence, pushed to the open page, served only to the
owner, counted, cleaned up; and when it fails, no file and the browser's voice."""

from __future__ import annotations

import io
import wave

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from adventures import services
from adventures.models import Chapter, NarrationStatus, TelemetryEvent
from adventures.operations import telemetry
from adventures.operations.dashboard import last_days, narrations
from adventures.play import extras, narration_timing
from adventures.runtime import background
from adventures.storytellers import chapter_text
from tests.consumer_support import Player
from tests.factories import start_adventure, visitor_session
from tests.llm.conftest import fake_gemini  # noqa: F401  (a fixture)
from tests.support.fake_gemini import fake_gemini_server, replies, status, stop_after  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def narrating(fake_gemini, settings, tmp_path):  # noqa: F811
    settings.GEMINI_NARRATION = True
    settings.GEMINI_TTS_VOICE = "Sulafat"
    return fake_gemini


async def play_chapter_1() -> tuple[str, object, list[str]]:
    session_key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor, seed=3)
    player = Player(adventure.id, session_key)
    await player.connect()
    await player.receive_chapter(1)
    pushed = await player.settle()
    await player.close()
    return session_key, adventure, pushed


def first_chapter(adventure_id) -> Chapter:
    return Chapter.objects.get(adventure_id=adventure_id, number=1)


async def events(name: str, adventure) -> list[TelemetryEvent]:
    await telemetry.flush()
    found = TelemetryEvent.objects.filter(name=name, adventure_id=str(adventure.id))
    return await database_sync_to_async(lambda: list(found))()


async def test_the_saved_chapter_is_narrated_once_stored_timed_and_pushed(narrating, settings):
    session_key, adventure, pushed = await play_chapter_1()
    chapter = await database_sync_to_async(first_chapter)(adventure.id)
    assert chapter.narration_status == NarrationStatus.READY
    assert chapter.narration.name == f"adventures/{adventure.id}/chapter-1-narration.wav"

    # What was sent: the saved text (what the child reads), paragraph by paragraph, with
    # the AUDIO modality, the voice and the style; nothing else.
    found = narration_timing.sentences(narration_timing.reader_text(chapter_text.paragraphs(chapter.text)))
    pieces = narration_timing.pieces(found)
    calls = narrating.calls(model=settings.GEMINI_TTS_MODEL)
    assert sorted(r.prompt for r in calls) == sorted(narration_timing.piece_text(p) for p in pieces)
    assert " ".join(narration_timing.piece_text(p) for p in pieces).split() == chapter.text.split()
    for request in calls:
        assert request.config["responseModalities"] == ["AUDIO"]
        assert request.speech_config == {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Sulafat"}}}
        assert request.body["contents"][0]["parts"][0]["speechMetadata"] == {"style": settings.GEMINI_TTS_STYLE}

    # The file: a WAV of the pieces joined with the gap between them.
    with wave.open(io.BytesIO((settings.MEDIA_ROOT / chapter.narration.name).read_bytes())) as audio:
        assert (audio.getnchannels(), audio.getsampwidth(), audio.getframerate()) == (1, 2, replies.SPEECH_RATE)
        seconds = audio.getnframes() / audio.getframerate()
    spoken = [replies.speech_pcm(narration_timing.piece_text(p))[0] for p in pieces]
    expected_seconds = sum(len(pcm) / 2 for pcm in spoken) / replies.SPEECH_RATE
    assert seconds == pytest.approx(expected_seconds + narration_timing.PIECE_GAP * (len(pieces) - 1), abs=1e-3)

    # Timings: every sentence of the page, in order, each within a frame of where the
    # fake voice really said it.
    assert [row[0] for row in chapter.narration_timings] == [s.key for s in found]
    offset = 0.0
    rows = iter(chapter.narration_timings)
    for piece, pcm in zip(pieces, spoken, strict=True):
        _, spans = replies.speech_pcm(narration_timing.piece_text(piece))
        length = len(pcm) / 2 / replies.SPEECH_RATE
        middles = [(spans[n][1] + spans[n + 1][0]) / 2 for n in range(len(spans) - 1)]
        bounds = [0.0, *middles, length]
        for n in range(len(piece)):
            _, start, end = next(rows)
            assert abs(start - (offset + bounds[n])) <= narration_timing.FRAME + 0.001
            assert abs(end - (offset + bounds[n + 1])) <= narration_timing.FRAME + 0.001
        offset += length + narration_timing.PIECE_GAP

    # The open page got the fragment that tells read-aloud.js about it.
    fragment = next(m for m in pushed if m.startswith('<div id="chapter-narration"'))
    assert f'data-audio="/media/{chapter.narration.name}"' in fragment
    assert "data-timings=" in fragment

    # Counted: one narration, its making time and audio length.
    (made,) = await events("narration_made", adventure)
    assert made.chapter_number == 1 and made.duration_ms is not None
    assert made.details["audio_seconds"] == pytest.approx(seconds, abs=0.01)
    assert made.details["pieces"] == len(pieces)
    figures = await database_sync_to_async(narrations)(last_days(1, today=made.created_at.date()))
    assert (figures.made, figures.failed) == (1, 0)
    assert figures.audio_minutes == pytest.approx(seconds / 60, abs=0.001)

    # Once: a page asking for what is missing does not make it again.
    chapters = await database_sync_to_async(lambda: list(Chapter.objects.filter(adventure=adventure)))()
    await extras.request_missing(adventure.id, chapters, [])
    await background.drain()
    assert len(narrating.calls(model=settings.GEMINI_TTS_MODEL)) == len(pieces)

    # Served like the pictures: to the owner only.
    stranger, _ = await database_sync_to_async(visitor_session)()

    def fetch(key: str) -> tuple[int, str]:
        client = Client()
        client.cookies["sessionid"] = key
        response = client.get(f"/media/{chapter.narration.name}")
        return response.status_code, response.get("Content-Type", "")

    assert await database_sync_to_async(fetch)(session_key) == (200, "audio/x-wav")
    assert (await database_sync_to_async(fetch)(stranger))[0] == 404

    # In byte ranges too, so that the audio player can seek (and never to a stranger).
    stored = (settings.MEDIA_ROOT / chapter.narration.name).read_bytes()

    def fetch_range(key: str, asked: str) -> tuple[int, str, bytes]:
        client = Client()
        client.cookies["sessionid"] = key
        response = client.get(f"/media/{chapter.narration.name}", HTTP_RANGE=asked)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, response.get("Content-Range", ""), content

    assert await database_sync_to_async(fetch_range)(session_key, "bytes=100-199") == (
        206,
        f"bytes 100-199/{len(stored)}",
        stored[100:200],
    )
    assert await database_sync_to_async(fetch_range)(session_key, "bytes=-10") == (
        206,
        f"bytes {len(stored) - 10}-{len(stored) - 1}/{len(stored)}",
        stored[-10:],
    )
    assert (await database_sync_to_async(fetch_range)(session_key, f"bytes={len(stored)}-"))[0] == 416
    assert (await database_sync_to_async(fetch_range)(stranger, "bytes=0-99"))[0] == 404

    # The page itself carries it (a reload, a reconnect).
    def page_html() -> str:
        client = Client()
        client.cookies["sessionid"] = session_key
        return client.get(f"/adventures/{adventure.id}/").content.decode()

    assert f'data-audio="/media/{chapter.narration.name}"' in await database_sync_to_async(page_html)()

    # Cleanup takes it with the adventure.
    report = await database_sync_to_async(services.adventures_delete)(adventure_ids=[adventure.id])
    assert report.files >= 2  # the picture and the narration
    assert not (settings.MEDIA_ROOT / chapter.narration.name).exists()


async def test_speech_as_wav_from_the_newer_models_is_read_too(narrating, settings):
    narrating.configure(speech_format="wav")
    _, adventure, _ = await play_chapter_1()
    chapter = await database_sync_to_async(first_chapter)(adventure.id)
    assert chapter.narration_status == NarrationStatus.READY
    assert chapter.narration_timings


@pytest.mark.parametrize(
    ("faults", "outcome"),
    [
        ([lambda model: status(429, model=model)], "busy"),  # the quota: extras step back
        ([lambda model: stop_after(0, "OTHER", model=model)] * 40, "error"),  # replies with no audio
        ([lambda model: stop_after(0, "SAFETY", model=model)], "error"),
    ],
)
async def test_a_failed_narration_leaves_no_file_and_the_browser_voice(narrating, settings, faults, outcome):
    narrating.script(*(fault(settings.GEMINI_TTS_MODEL) for fault in faults))
    settings.GEMINI_NARRATION_DEADLINE = 20
    session_key, adventure, pushed = await play_chapter_1()
    chapter = await database_sync_to_async(first_chapter)(adventure.id)
    assert chapter.narration_status == NarrationStatus.FAILED
    assert not chapter.narration
    assert not list((settings.MEDIA_ROOT / "adventures" / str(adventure.id)).glob("*.wav"))
    assert not [m for m in pushed if m.startswith('<div id="chapter-narration"')]
    (failed,) = await events("narration_failed", adventure)
    assert failed.details["outcome"] == outcome
    assert await events("narration_made", adventure) == []

    def page_html() -> str:
        client = Client()
        client.cookies["sessionid"] = session_key
        return client.get(f"/adventures/{adventure.id}/").content.decode()

    # The reader finds no narration, so Listen uses the browser's voice.
    assert '<div id="chapter-narration" hidden></div>' in await database_sync_to_async(page_html)()
    # A failed narration is not tried again by a page that finds it missing.
    before = len(narrating.calls(model=settings.GEMINI_TTS_MODEL))
    chapters = await database_sync_to_async(lambda: list(Chapter.objects.filter(adventure=adventure)))()
    await extras.request_missing(adventure.id, chapters, [])
    await background.drain()
    assert len(narrating.calls(model=settings.GEMINI_TTS_MODEL)) == before


async def test_without_the_setting_nothing_is_narrated(fake_gemini, settings):  # noqa: F811
    assert settings.GEMINI_NARRATION is False  # off by default
    _, adventure, _pushed = await play_chapter_1()
    chapter = await database_sync_to_async(first_chapter)(adventure.id)
    assert chapter.narration_status == NarrationStatus.NONE
    assert fake_gemini.calls(model=settings.GEMINI_TTS_MODEL) == []
    assert not [r for r in fake_gemini.requests if r.wants_audio]


async def test_a_retired_speech_model_is_named_by_its_setting(narrating, settings):
    known = (settings.GEMINI_TEXT_MODEL, settings.GEMINI_LITE_MODEL, settings.GEMINI_IMAGE_MODEL)
    narrating.configure(models=known)  # the speech model is gone
    _, adventure, _ = await play_chapter_1()
    chapter = await database_sync_to_async(first_chapter)(adventure.id)
    assert chapter.narration_status == NarrationStatus.FAILED
    (failed,) = await events("narration_failed", adventure)
    assert failed.details["outcome"] == "error"
    assert "does not exist (retired?): set GEMINI_TTS_MODEL to a current model" in failed.details["error"]
