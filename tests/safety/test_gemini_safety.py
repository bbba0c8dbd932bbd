"""The safety layers on the gemini path: the real google-genai SDK against the fake
server, whose model writes an unsafe sentence into 30 % of chapters and an unsafe scene
into 30 % of picture prompts. Obvious ones are the local screen's to catch, subtle ones
(no listed word) the moderation call's. Either way: never on a socket, never saved,
never sent to the image model, and all three adventures complete."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from adventures.models import Adventure, AdventureStatus, Chapter, TelemetryEvent
from adventures.operations import telemetry
from adventures.runtime import background
from tests.consumer_support import Player
from tests.factories import start_adventure, visitor_session
from tests.llm.conftest import fake_gemini  # noqa: F401  (a fixture)
from tests.safety.play import LENGTH, play_to_the_end
from tests.support.fake_gemini import fake_gemini_server  # noqa: F401  (a fixture)
from tests.support.fake_gemini.moderation import UNSAFE_MARKS

pytestmark = [pytest.mark.django_db(transaction=True)]

WORDS = ("stabbed", "bubbles stopped", "pool of blood", "severed")


def shown_for_good(frames: list[str]) -> list[str]:
    """Frames with an unsafe word that no rewind took back from the page."""
    kept, pending = [], []
    for frame in frames:
        if any(word in frame for word in WORDS):
            pending.append(frame)
        if "rewriting this part" in frame:
            pending = []  # the page swapped in the empty chapter: the draft is gone
        elif 'class="chapter chapter--' in frame and "chapter--writing" not in frame:
            kept += pending  # a finished chapter replaced the stream with what was saved
            pending = []
    return kept + pending


@pytest.mark.parametrize(
    ("subtle", "hold", "layer"),
    [(False, False, "screen"), (True, True, "moderation"), (True, False, "moderation")],
    ids=["obvious-streamed", "subtle-held-for-moderation", "subtle-streamed"],
)
async def test_unsafe_chapters_and_picture_prompts_never_reach_a_child(fake_gemini, settings, subtle, hold, layer):  # noqa: F811
    settings.STORYWEB_MODERATE_BEFORE_SHOWING = hold
    fake_gemini.configure(chunk_chars=40)
    fake_gemini.unsafe.configure(chapter_rate=0.3, picture_rate=0.3, subtle=subtle, seed=5)
    games = []
    for seed in (31, 32, 33):
        session_key, visitor = await database_sync_to_async(visitor_session)()
        games.append((session_key, await database_sync_to_async(start_adventure)(visitor=visitor, seed=seed)))
    frames = []
    for session_key, adventure in games:
        frames += await play_to_the_end(Player(adventure.id, session_key))
    await background.drain()
    await telemetry.flush()

    written = fake_gemini.unsafe.written
    assert written["chapter"] >= 5 and written["picture"] >= 5  # the model misbehaved, often
    if subtle and not hold:
        # Streamed before the whole chapter could be moderated: the moderation call then
        # withdrew it from the page (and nothing of it was saved, see below).
        assert [f for f in frames if any(word in f for word in WORDS)]
        assert shown_for_good(frames) == []
    else:
        assert not [f for f in frames if any(word in f for word in WORDS)]
    for _, adventure in games:
        done = await database_sync_to_async(Adventure.objects.get)(pk=adventure.id)
        assert done.status == AdventureStatus.COMPLETED
    saved = await database_sync_to_async(list)(Chapter.objects.values_list("text", "title", "summary", "image_alt"))
    assert len(saved) == 3 * LENGTH
    assert not [row for row in saved if any(word in str(row) for word in WORDS)]
    drawn = fake_gemini.calls(model=settings.GEMINI_IMAGE_MODEL)
    assert not [r for r in drawn if any(mark in r.prompt for mark in UNSAFE_MARKS)]

    flags = await database_sync_to_async(list)(
        TelemetryEvent.objects.filter(name="safety_flag").values_list("details", flat=True)
    )
    chapter_flags = [f for f in flags if f["where"] == "chapter"]
    picture_flags = [f for f in flags if f["where"] == "picture"]
    assert len(chapter_flags) == written["chapter"]
    assert len(picture_flags) == written["picture"]
    assert {(f["layer"], f["category"]) for f in flags} == {(layer, "violence")}
    assert {f["action"] for f in chapter_flags} <= {"rewritten", "stopped"}
    # Every flagged prompt was written again; a rewrite flagged too left the chapter its
    # fallback art (a page shown later may ask for that picture again, through the same checks).
    actions = [f["action"] for f in picture_flags]
    assert set(actions) <= {"prompt rewritten", "fallback art"}
    assert actions.count("prompt rewritten") >= actions.count("fallback art")
