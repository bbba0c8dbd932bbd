"""How the gemini storyteller meets the real API's behaviours, through the real SDK and
the fake server: safety settings and output caps on every request, every finish reason
and prompt block, menus without the marker, lost choices, unknown models, quotas."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import io
import logging
import re

import pytest
from channels.db import database_sync_to_async
from PIL import Image

from adventures.models import TelemetryEvent
from adventures.operations import telemetry
from adventures.plan import ChapterKind
from adventures.runtime import coordination
from adventures.storytellers import get_provider, prompts
from adventures.storytellers.base import (
    AgencyOption,
    ChapterDone,
    ProviderError,
    Rewind,
    SafetyStop,
    SceneRequest,
    StorytellerBusy,
    TextPiece,
)
from adventures.storytellers.fallback_choices import fallback_choices
from adventures.storytellers.gemini.calls import BUSY, quota_key
from adventures.storytellers.gemini.outcomes import CAUTIONS
from tests.llm import briefs
from tests.support import fake_gemini as fg
from tests.support.fake_gemini import replies
from tests.support.pictures import web_format

make_brief = functools.cache(briefs.make_brief)
BRIEF = make_brief(number=3, kind=ChapterKind.STORY)
GOOD = tuple(replies.GOOD_CHOICES)
FOUR_CATEGORIES = [
    "HARM_CATEGORY_HARASSMENT",
    "HARM_CATEGORY_HATE_SPEECH",
    "HARM_CATEGORY_SEXUALLY_EXPLICIT",
    "HARM_CATEGORY_DANGEROUS_CONTENT",
]


async def run(stream) -> tuple[list[object], ProviderError | None]:
    """Every event of a stream, and the error it ended with."""
    events: list[object] = []
    try:
        async with asyncio.timeout(10):
            async for event in stream:
                events.append(event)
    except ProviderError as exc:
        return events, exc
    return events, None


def after_last_rewind(events: list[object]) -> str:
    last = max((i for i, e in enumerate(events) if isinstance(e, Rewind)), default=-1)
    return "".join(e.text for e in events[last + 1 :] if isinstance(e, TextPiece))


def camel(fields: dict) -> dict:
    """Field names as proto JSON spells them (the SDK sends some in snake case, which the
    API also accepts)."""
    return {re.sub(r"_([a-z])", lambda m: m[1].upper(), key): value for key, value in fields.items()}


def chapter_requests(server, settings):
    return server.calls(model=settings.GEMINI_TEXT_MODEL, stream=True)


# --- what every request carries ----------------------------------------------------------


async def test_every_request_carries_safety_settings_and_every_text_request_an_output_cap(fake_gemini, settings):
    provider = get_provider()
    await run(provider.stream_chapter(BRIEF))
    await provider.title_and_summary(BRIEF, "The bridge sang softly.")
    await provider.agency_picture(BRIEF, AgencyOption(id="a", name="a lantern", visual="a brass lantern"))
    requests = fake_gemini.requests
    assert len(requests) == 3
    for request in requests:
        assert request.safety_settings == [
            {"category": category, "threshold": "BLOCK_LOW_AND_ABOVE"} for category in FOUR_CATEGORIES
        ]
    chapter, small, picture = requests
    assert chapter.max_output_tokens == settings.GEMINI_CHAPTER_MAX_TOKENS == 2048
    assert small.max_output_tokens == settings.GEMINI_SMALL_MAX_TOKENS == 1024
    assert picture.wants_image and picture.max_output_tokens is None
    # Gemini 3 models take a thinking level, never a budget (sending both is a 400).
    assert camel(chapter.config["thinkingConfig"]) == {"thinkingLevel": "LOW"}


async def test_a_gemini_2_5_model_gets_a_thinking_budget_instead(fake_gemini, settings):
    settings.GEMINI_TEXT_MODEL = "gemini-2.5-flash"
    await run(get_provider().stream_chapter(BRIEF))
    (request,) = fake_gemini.requests
    assert camel(request.config["thinkingConfig"]) == {"thinkingBudget": 0}


# --- finish reasons and prompt blocks ------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "caution"),
    [
        (fg.prompt_block("SAFETY"), "safety"),
        (fg.prompt_block("PROHIBITED_CONTENT"), "safety"),
        (fg.stop_after(0, "SAFETY"), "safety"),
        (fg.stop_after(0, "RECITATION"), "recitation"),
    ],
)
async def test_a_stop_before_any_text_is_asked_again_once_with_a_gentler_prompt(fake_gemini, settings, fault, caution):
    fake_gemini.script(fault)
    events, error = await run(get_provider().stream_chapter(BRIEF))
    assert error is None
    assert not any(isinstance(e, Rewind) for e in events)  # nothing had been shown
    first, second = chapter_requests(fake_gemini, settings)
    assert first.reply == fault.label and second.reply == "ok"
    assert first.prompt == prompts.chapter(BRIEF).user
    assert second.prompt.startswith(f"Important: {CAUTIONS[caution]}\n\n")  # not the same prompt
    assert events[-1] == ChapterDone(text=events[-1].text, choices=GOOD)


@pytest.mark.parametrize(
    ("reason", "caution"), [("SAFETY", "safety"), ("MAX_TOKENS", "length"), ("RECITATION", "recitation")]
)
async def test_a_stop_after_text_withdraws_the_shown_words_and_rewrites(fake_gemini, settings, reason, caution):
    fake_gemini.configure(chunk_chars=30)
    fake_gemini.script(fg.stop_after(4, reason))
    events, error = await run(get_provider().stream_chapter(BRIEF))
    assert error is None
    rewind = next(i for i, e in enumerate(events) if isinstance(e, Rewind))
    assert events[rewind] == Rewind(reason)
    assert all(isinstance(e, TextPiece) for e in events[:rewind]) and rewind >= 3  # the child saw a draft
    done = events[-1]
    assert isinstance(done, ChapterDone)
    # What is saved is the new draft only, exactly what was shown after the rewind.
    assert done.text.split() == after_last_rewind(events).split()
    assert len(done.text.split()) > 200  # a whole chapter: the cut-off draft is never the saved one
    _first, second = chapter_requests(fake_gemini, settings)
    assert second.prompt.startswith(f"Important: {CAUTIONS[caution]}")


@pytest.mark.django_db(transaction=True)
async def test_every_draft_stopped_fails_kindly_and_try_again_starts_gentler(fake_gemini, settings):
    settings.GEMINI_REWRITES = 1
    fake_gemini.script(fg.stop_after(2, "SAFETY"), fg.prompt_block("SAFETY"))
    events, error = await run(get_provider().stream_chapter(BRIEF))
    assert isinstance(error, SafetyStop)
    assert sum(isinstance(e, Rewind) for e in events) == 1  # the first draft's words were withdrawn
    assert len(chapter_requests(fake_gemini, settings)) == 2
    # Try again (the same chapter) starts from the gentler prompt, not the refused one.
    events, error = await run(get_provider().stream_chapter(BRIEF))
    assert error is None and isinstance(events[-1], ChapterDone)
    third = chapter_requests(fake_gemini, settings)[2]
    assert third.prompt.startswith(f"Important: {CAUTIONS['safety']}")
    # Once told, the chapter is forgotten: a fresh chapter later starts from the plain prompt.
    await run(get_provider().stream_chapter(BRIEF))
    assert chapter_requests(fake_gemini, settings)[3].prompt == prompts.chapter(BRIEF).user

    await telemetry.flush()
    rows = await database_sync_to_async(
        lambda: list(TelemetryEvent.objects.filter(name="llm_call").order_by("created_at", "id"))
    )()
    first = rows[0].details
    assert first["outcome"] == "error" and first["stops"] == ["SAFETY", "blocked:SAFETY"]
    assert first["finish_reason"] == "blocked:SAFETY"
    assert {"category": "DANGEROUS_CONTENT", "probability": "MEDIUM", "blocked": True} in first["safety_ratings"]
    assert rows[1].details["finish_reason"] == "STOP" and rows[1].details["stops"] == []


# --- choices ----------------------------------------------------------------------


@pytest.mark.parametrize("chunk_chars", [1, 7, 48])
async def test_a_menu_without_the_marker_is_held_back_and_becomes_the_choices(fake_gemini, settings, chunk_chars):
    fake_gemini.configure(chunk_chars=chunk_chars, choices="menu")
    events, error = await run(get_provider().stream_chapter(BRIEF))
    assert error is None
    shown = "".join(e.text for e in events if isinstance(e, TextPiece))
    for word in ("Choice", "Option", "1.", "**", "A)", *replies.MENU_CHOICES):
        assert word not in shown
    done = events[-1]
    assert done.choices == replies.MENU_CHOICES
    assert "Slide down" not in done.text and done.text.endswith("What should they do now?")
    assert fake_gemini.calls(stream=False) == []  # no repair call


async def test_choices_that_cannot_be_repaired_fall_back_on_ones_that_fit_the_story(fake_gemini, settings):
    fake_gemini.configure(choices="missing")
    fake_gemini.script(*[fg.status(400, stream=False)])
    events, error = await run(get_provider().stream_chapter(BRIEF))
    assert error is None
    done = events[-1]
    assert done.choices == fallback_choices(BRIEF)
    assert done.provisional is True  # saved with these, repaired later in the background
    companion = BRIEF.elements.companion.name.split()[0]
    assert done.choices[0] == f"Ask {companion} what they think is best"
    assert not any(c.lower().startswith(("choice", "option")) for c in done.choices)


# --- errors, models and quotas -----------------------------------------------------


async def test_an_unknown_model_is_named_with_the_setting_to_change(fake_gemini, settings, caplog):
    fake_gemini.configure(models=(settings.GEMINI_LITE_MODEL, settings.GEMINI_IMAGE_MODEL))
    settings.GEMINI_TEXT_MODEL = "gemini-2.5-flash"
    with caplog.at_level(logging.ERROR):
        _events, error = await run(get_provider().stream_chapter(BRIEF))
    assert type(error) is ProviderError
    assert str(error).startswith(
        "The model 'gemini-2.5-flash' does not exist (retired?): set GEMINI_TEXT_MODEL to a current model"
    )
    assert "HTTP 404 NOT_FOUND: models/gemini-2.5-flash is not found for API version" in str(error)
    assert str(error) in caplog.text
    assert len(fake_gemini.requests) == 1  # a 404 is not retried


async def test_a_long_retry_delay_fails_fast_as_busy(fake_gemini, settings):
    fake_gemini.script(fg.status(429, retry_delay=53, stream=True))
    started = asyncio.get_running_loop().time()
    _events, error = await run(get_provider().stream_chapter(BRIEF))
    assert isinstance(error, StorytellerBusy) and str(error) == BUSY
    assert asyncio.get_running_loop().time() - started < 2
    assert len(fake_gemini.requests) == 1


async def test_a_short_retry_delay_is_still_honoured(fake_gemini, settings):
    fake_gemini.script(fg.status(429, retry_delay=0.3, stream=True))
    started = asyncio.get_running_loop().time()
    _events, error = await run(get_provider().stream_chapter(BRIEF))
    assert error is None and asyncio.get_running_loop().time() - started >= 0.3


async def test_a_per_day_quota_stops_calls_to_that_model_until_it_resets(fake_gemini, settings):
    fake_gemini.script(fg.quota_per_day(model=settings.GEMINI_TEXT_MODEL))
    _events, error = await run(get_provider().stream_chapter(BRIEF))
    assert isinstance(error, StorytellerBusy)
    assert await coordination.shared.get(quota_key(settings.GEMINI_TEXT_MODEL)) == 1
    _events, error = await run(get_provider().stream_chapter(BRIEF))
    assert isinstance(error, StorytellerBusy)
    assert len(fake_gemini.requests) == 1  # the second chapter never reached the API
    # The other models have their own quotas and carry on.
    await get_provider().title_and_summary(BRIEF, "x")
    assert len(fake_gemini.requests) == 2


async def test_pictures_back_off_for_everyone_on_a_429(fake_gemini, settings):
    fake_gemini.script(fg.status(429, retry_delay=20, model=settings.GEMINI_IMAGE_MODEL))
    option = AgencyOption(id="a", name="a lantern", visual="a brass lantern")
    with pytest.raises(StorytellerBusy):
        await get_provider().agency_picture(BRIEF, option)
    with pytest.raises(StorytellerBusy):
        await get_provider().chapter_picture(SceneRequest(brief=BRIEF, chapter_text="A calm day."))
    assert [r.model for r in fake_gemini.requests if "image" in r.model] == [settings.GEMINI_IMAGE_MODEL]


# --- cost ---------------------------------------------------------------------------


async def test_an_agency_picture_is_made_once_per_world_and_option_and_then_reused(fake_gemini, settings):
    lantern = AgencyOption(id="a", name="a lantern", visual="a brass lantern")
    first = await get_provider().agency_picture(BRIEF, lantern)
    again = await get_provider().agency_picture(BRIEF, lantern)  # a retry, or another adventure in this world
    assert again == first
    # It is kept as its web version, so an adventure that reuses it stores it without converting it.
    assert (first.mime_type, Image.open(io.BytesIO(first.data)).format) == web_format(settings)[:2]
    other_adventure = dataclasses.replace(BRIEF, adventure_id="00000000-0000-4000-8000-000000000099", seed=99)
    assert await get_provider().agency_picture(other_adventure, lantern) == first
    assert len(fake_gemini.calls(model=settings.GEMINI_IMAGE_MODEL)) == 1
    # Another option, or the same option in another world, is a new picture.
    await get_provider().agency_picture(BRIEF, AgencyOption(id="b", name="a kite", visual="a red kite"))
    other_world = make_brief(number=3, kind=ChapterKind.STORY, world="frostpaw-hollow")
    assert other_world.world.slug != BRIEF.world.slug
    await get_provider().agency_picture(other_world, lantern)
    assert len(fake_gemini.calls(model=settings.GEMINI_IMAGE_MODEL)) == 3
