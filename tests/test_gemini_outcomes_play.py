"""What a player sees and what is saved when Gemini behaves as the real API does: safety
stops before and after text, prompt blocks, MAX_TOKENS, RECITATION, menus without the
marker, lost choices, a retired model, long retry delays and a used-up daily quota.
The real SDK against the fake server, through the real socket, on both routes."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from adventures import services
from adventures.models import Adventure, TelemetryEvent
from adventures.plan import ChapterKind
from adventures.play.writing import MESSAGES
from adventures.storytellers.briefs import brief_for_written_chapter
from adventures.storytellers.fallback_choices import fallback_choices
from adventures.storytellers.gemini.outcomes import CAUTIONS
from tests.consumer_support import Player, choice_ids
from tests.llm.conftest import fake_gemini  # noqa: F401  (a fixture)
from tests.support import fake_gemini as fg
from tests.support.fake_gemini import fake_gemini_server, replies  # noqa: F401  (a fixture)
from tests.test_gemini_play import STORY_FIRST, chapters_of, finish, new_game

pytestmark = [pytest.mark.django_db(transaction=True)]

PIECE = 'hx-swap-oob="beforeend"'


async def at_chapter_two(fake, settings):
    """A player who has read chapter 1 and is about to choose."""
    session_key, adventure = await new_game(length=6, plan_override=STORY_FIRST)
    player = Player(adventure.id, session_key)
    await player.connect()
    _, final = await player.receive_chapter(1)
    await player.settle()
    return player, adventure, choice_ids(final)


def saved(adventure_id):
    return database_sync_to_async(chapters_of)(adventure_id)


def chapter_prompts(fake, settings):
    return [r.prompt for r in fake.calls(model=settings.GEMINI_TEXT_MODEL, stream=True)]


async def test_a_safety_stop_after_text_replaces_the_shown_words_with_a_new_draft(fake_gemini, settings):  # noqa: F811
    fake_gemini.configure(chunk_chars=30)
    player, adventure, ids = await at_chapter_two(fake_gemini, settings)
    # Enough text for a few sentences: the safety screen holds back one at a time.
    fake_gemini.script(fg.stop_after(25, "SAFETY", model=settings.GEMINI_TEXT_MODEL))
    await player.choose(1, ids[0])
    messages, final = await player.receive_chapter(2)
    rewound = next(i for i, m in enumerate(messages) if "rewriting this part" in m)
    assert sum(PIECE in m for m in messages[:rewound]) >= 3  # the child was reading the first draft
    assert messages[rewound].startswith('<article id="chapter" class="chapter chapter--story chapter--writing"')
    assert "The storyteller is rewriting this part to make it just right…" in messages[rewound]
    shown_after = "".join(m for m in messages[rewound + 1 :] if PIECE in m)
    chapter = (await saved(adventure.id))[1]
    # Saved: the second draft, whole, with its own choices; nothing of the first one.
    assert len(chapter.text.split()) > 200
    assert chapter.text.split()[:2] == shown_after.split(">", 1)[1].split()[:2]  # it opens as the new draft did
    assert [c.text for c in chapter.choices] == list(replies.GOOD_CHOICES)
    assert choice_ids(final) == [c.id for c in chapter.choices]
    first, second = chapter_prompts(fake_gemini, settings)[-2:]
    assert second.startswith(f"Important: {CAUTIONS['safety']}") and not first.startswith("Important:")
    await player.close()
    await finish()
    reasons = await database_sync_to_async(
        lambda: list(TelemetryEvent.objects.filter(name="chapter_rewound").values_list("details__reason", flat=True))
    )()
    assert reasons == ["SAFETY"]


@pytest.mark.parametrize("fault", [fg.prompt_block("SAFETY"), fg.stop_after(0, "SAFETY")], ids=["block", "stop"])
async def test_a_stop_before_text_is_invisible_to_the_player(fake_gemini, settings, fault):  # noqa: F811
    player, adventure, ids = await at_chapter_two(fake_gemini, settings)
    fake_gemini.script(dataclass_for(fault, settings.GEMINI_TEXT_MODEL))
    await player.choose(1, ids[1])
    messages, final = await player.receive_chapter(2)
    assert not any("rewriting" in m or "status--error" in m for m in messages)
    assert len(choice_ids(final)) == 3
    assert [c.number for c in await saved(adventure.id)] == [1, 2]
    assert chapter_prompts(fake_gemini, settings)[-1].startswith("Important: ")
    await player.close()
    await finish()


def dataclass_for(fault, model):
    import dataclasses

    return dataclasses.replace(fault, model=model)


async def test_every_draft_stopped_shows_a_kind_message_and_try_again_asks_differently(fake_gemini, settings):  # noqa: F811
    settings.GEMINI_REWRITES = 1
    fake_gemini.configure(chunk_chars=30)
    player, adventure, ids = await at_chapter_two(fake_gemini, settings)
    model = settings.GEMINI_TEXT_MODEL
    fake_gemini.script(fg.stop_after(3, "SAFETY", model=model), fg.stop_after(3, "PROHIBITED_CONTENT", model=model))
    await player.choose(1, ids[2])
    messages = await player.receive_until("status--error")
    error = messages[-1]
    assert MESSAGES["safety"] in error
    assert 'hx-vals=\'{"action": "retry"}\'' in error and ">Try again</button>" in error
    assert "the story got lost" not in error
    assert [c.number for c in await saved(adventure.id)] == [1]  # nothing half-done was saved
    refused = chapter_prompts(fake_gemini, settings)[-2:]

    await player.send({"action": "retry"})
    _, final = await player.receive_chapter(2)
    assert len(choice_ids(final)) == 3
    retry_prompt = chapter_prompts(fake_gemini, settings)[-1]
    assert retry_prompt not in refused
    assert retry_prompt.startswith(f"Important: {CAUTIONS['safety']} {CAUTIONS['fresh']}")
    assert [c.number for c in await saved(adventure.id)] == [1, 2]
    await player.close()
    await finish()


@pytest.mark.parametrize("reason", ["MAX_TOKENS", "RECITATION"])
async def test_a_cut_or_recited_draft_is_never_saved(fake_gemini, settings, reason):  # noqa: F811
    fake_gemini.configure(chunk_chars=30)
    player, adventure, ids = await at_chapter_two(fake_gemini, settings)
    fake_gemini.script(fg.stop_after(6, reason, model=settings.GEMINI_TEXT_MODEL))
    await player.choose(1, ids[0])
    messages, _ = await player.receive_chapter(2)
    assert any("rewriting this part" in m for m in messages)
    chapter = (await saved(adventure.id))[1]
    cut = replies.prose(words=settings_words(fake_gemini), seed=0)[: 6 * 30]
    assert len(chapter.text) > len(cut)  # the whole new draft, not the first 180 characters
    assert chapter.text.endswith(".")
    await player.close()
    await finish()


def settings_words(fake):
    return fake.settings.prose_words


async def test_menus_without_the_marker_never_reach_the_page_and_become_the_buttons(fake_gemini, settings):  # noqa: F811
    fake_gemini.configure(chunk_chars=9, choices="menu")
    player, adventure, ids = await at_chapter_two(fake_gemini, settings)
    before = len(fake_gemini.requests)
    await player.choose(1, ids[0])
    messages, final = await player.receive_chapter(2)
    streamed = "".join(m for m in messages if PIECE in m)
    for word in ("Choice", "Option", "Slide down", "Knock three"):
        assert word not in streamed
    chapter = (await saved(adventure.id))[1]
    assert "Choice" not in chapter.text and "Slide down" not in chapter.text
    assert [c.text for c in chapter.choices] == list(replies.MENU_CHOICES)
    assert choice_ids(final) == [c.id for c in chapter.choices]
    assert '<span class="choice-text">Slide down the mossy bank to the river</span>' in final
    repairs = [r for r in fake_gemini.requests[before:] if r.wants_json and "choices" in str(r.schema)]
    assert repairs == []
    await player.close()
    await finish()


async def test_a_read_chapter_is_kept_with_fallback_choices_and_the_buttons_swap_when_a_repair_lands(
    fake_gemini,  # noqa: F811
    settings,
):
    player, adventure, ids = await at_chapter_two(fake_gemini, settings)
    fake_gemini.script(fg.malformed_choices(model=settings.GEMINI_TEXT_MODEL, stream=True))
    fake_gemini.script(*[fg.status(503, model=settings.GEMINI_LITE_MODEL, stream=False)] * settings.GEMINI_MAX_ATTEMPTS)
    await player.choose(1, ids[0])
    messages, final = await player.receive_chapter(2)
    assert not any("status--error" in m for m in messages)
    brief, _ = await database_sync_to_async(brief_for_written_chapter)(adventure.id, 2)
    fallback = fallback_choices(brief)
    for text in fallback:  # the chapter stands, with choices that fit it
        assert f'<span class="choice-text">{text}</span>' in final
    stand_in_ids = choice_ids(final)
    # The repair runs again in the background; when it lands the buttons swap.
    swapped = await player.receive_until('<div id="choices" class="choices">')
    for text in replies.GOOD_CHOICES:
        assert f'<span class="choice-text">{text}</span>' in swapped[-1]
    assert choice_ids(swapped[-1]) == stand_in_ids  # a button pressed meanwhile still counts
    chapter = (await saved(adventure.id))[1]
    assert [c.text for c in chapter.choices] == list(replies.GOOD_CHOICES)
    await player.choose(2, stand_in_ids[1])  # the adventure moves on
    await player.receive_chapter(3)
    chapter = (await saved(adventure.id))[1]
    assert chapter.chosen_choice == stand_in_ids[1]
    await player.close()
    await finish()


async def test_stand_in_choices_stay_when_the_child_chose_before_the_repair(fake_gemini, settings):  # noqa: F811
    settings.GEMINI_SMALL_DEADLINE = 1.0
    # The lite model's scripted replies below are for the repair; the moderation call
    # (adventures/safety) would take some of them first.
    settings.STORYWEB_SAFETY_MODERATION = False
    player, adventure, ids = await at_chapter_two(fake_gemini, settings)
    lite = settings.GEMINI_LITE_MODEL
    fake_gemini.script(fg.malformed_choices(model=settings.GEMINI_TEXT_MODEL, stream=True))
    fake_gemini.script(*[fg.status(503, model=lite, stream=False)] * settings.GEMINI_MAX_ATTEMPTS)
    fake_gemini.script(fg.hang(model=lite, stream=False), fg.hang(model=lite, stream=False))  # notes and repair wait
    await player.choose(1, ids[0])
    _, final = await player.receive_chapter(2)
    brief, chapter = await database_sync_to_async(brief_for_written_chapter)(adventure.id, 2)
    fallback = list(fallback_choices(brief))
    await player.choose(2, choice_ids(final)[2])
    await player.receive_chapter(3)
    # The repair lands only now: the child's choice was made on the stand-in buttons, and stays.
    replaced = await database_sync_to_async(services.chapter_replace_provisional_choices)(
        chapter_id=chapter.pk, provisional=fallback, choices=list(replies.GOOD_CHOICES)
    )
    assert replaced is False
    chapter = (await saved(adventure.id))[1]
    assert [c.text for c in chapter.choices] == fallback
    assert chapter.chosen_choice == choice_ids(final)[2]
    await player.close()
    await finish()


async def test_a_retired_model_tells_the_player_it_could_not_be_reached(fake_gemini, settings):  # noqa: F811
    settings.GEMINI_TEXT_MODEL = "gemini-2.5-flash"
    fake_gemini.configure(models=(settings.GEMINI_LITE_MODEL, settings.GEMINI_IMAGE_MODEL))
    session_key, adventure = await new_game(length=6, plan_override=STORY_FIRST)
    player = Player(adventure.id, session_key)
    await player.connect()
    messages = await player.receive_until("status--error")
    assert MESSAGES["unavailable"] in messages[-1]
    assert await saved(adventure.id) == []
    await player.close()
    await finish()
    errors = await database_sync_to_async(
        lambda: list(TelemetryEvent.objects.filter(name="llm_call").values_list("details__error", flat=True))
    )()
    assert errors[0].startswith(
        "ProviderError: The model 'gemini-2.5-flash' does not exist (retired?): set GEMINI_TEXT_MODEL"
    )
    assert "HTTP 404 NOT_FOUND: models/gemini-2.5-flash is not found for API version" in errors[0]


@pytest.mark.parametrize("fault", [fg.status(429, retry_delay=53), fg.quota_per_day()], ids=["53s", "per-day"])
async def test_a_long_wait_or_a_spent_daily_quota_says_busy_at_once(fake_gemini, settings, fault):  # noqa: F811
    player, adventure, ids = await at_chapter_two(fake_gemini, settings)
    fake_gemini.script(dataclass_for(fault, settings.GEMINI_TEXT_MODEL))
    await player.choose(1, ids[0])
    messages = await player.receive_until("status--error", timeout=5)  # no 53-second silence
    assert MESSAGES["busy"] in messages[-1] and ">Try again</button>" in messages[-1]
    assert [c.number for c in await saved(adventure.id)] == [1]
    await player.close()
    await finish()


async def test_chapters_are_asked_for_with_the_reading_level_and_content_rules(fake_gemini, settings):  # noqa: F811
    player, adventure, _ = await at_chapter_two(fake_gemini, settings)
    (chapter_one,) = fake_gemini.calls(model=settings.GEMINI_TEXT_MODEL, stream=True)
    assert "Reading level: for readers aged 8 to 10" in chapter_one.system
    assert "no weapons used on anyone" in chapter_one.system
    assert (await saved(adventure.id))[0].kind == ChapterKind.STORY
    await player.close()
    await finish()


async def test_a_retried_chapter_one_does_not_pay_for_its_option_pictures_again(fake_gemini, settings):  # noqa: F811
    fake_gemini.configure(chunk_chars=30)
    fake_gemini.script(fg.drop_after(6, model=settings.GEMINI_TEXT_MODEL))
    session_key, adventure = await new_game(length=6, plan_override=STORY_FIRST)
    player = Player(adventure.id, session_key)
    await player.connect()
    messages = await player.receive_until("status--error")
    assert "the story got lost" in messages[-1]
    await player.settle()  # the three option pictures were made while the first draft streamed
    assert len(option_pictures(fake_gemini, settings)) == 3
    await player.send({"action": "retry"})
    await player.receive_chapter(1)
    await player.settle()
    assert len(option_pictures(fake_gemini, settings)) == 3  # reused, not made again
    assert len(fake_gemini.calls(model=settings.GEMINI_IMAGE_MODEL)) == 4  # and the chapter's own picture
    options = await database_sync_to_async(lambda: Adventure.objects.get(pk=adventure.id).agency_options)()
    assert all(option.image for option in options)  # every option has its picture
    await player.close()
    await finish()


def option_pictures(fake, settings):
    return [r for r in fake.calls(model=settings.GEMINI_IMAGE_MODEL) if "shown on its own in the middle" in r.prompt]
