"""The offline storyteller: complete, varied, deterministic chapters from the content files."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import re

import pytest

from adventures import art, library, plan
from adventures.plan import ChapterKind
from adventures.storytellers import base
from adventures.storytellers.chapter_text import paragraphs, validate_choices, word_count
from adventures.storytellers.offline import names as offline_names
from adventures.storytellers.offline import plot as offline_plot
from adventures.storytellers.offline import prose as offline_prose
from adventures.storytellers.offline import words as offline_words
from adventures.storytellers.offline.grammar import capitalise_sentences, definite, head, past_tense
from adventures.storytellers.offline.provider import OfflineProvider, pieces
from tests.llm.briefs import make_brief

_WORLDS = library.read_worlds()
_TOPICS = library.read_topics()
WORLDS = [w["slug"] for w in _WORLDS]
TOPICS = [t["slug"] for t in _TOPICS]
# (chapter number, kind) in a ten-chapter adventure: every kind in every phase it can have.
CHAPTERS = [
    (1, ChapterKind.STORY),
    (2, ChapterKind.LESSON),
    (3, ChapterKind.STORY),
    (3, ChapterKind.REFLECT),
    (5, ChapterKind.LESSON),
    (6, ChapterKind.STORY),
    (8, ChapterKind.LESSON),
    (8, ChapterKind.REFLECT),
    (9, ChapterKind.STORY),
    (10, ChapterKind.CONCLUSION),
]


@pytest.fixture(autouse=True)
def _content_read_once(monkeypatch):
    """make_brief reads the content files on every call; these tests make hundreds of briefs."""
    monkeypatch.setattr(library, "read_worlds", lambda: _WORLDS)
    monkeypatch.setattr(library, "read_topics", lambda: _TOPICS)


async def write(brief: base.ChapterBrief) -> tuple[list[str], base.ChapterDone]:
    items = [item async for item in OfflineProvider().stream_chapter(brief)]
    *streamed, done = items
    assert all(isinstance(item, base.TextPiece) for item in streamed)
    assert isinstance(done, base.ChapterDone)
    return [item.text for item in streamed], done


def brief_for(number: int, kind: str, world: str, seed: int = 1, **overrides) -> base.ChapterBrief:
    topic = TOPICS[(WORLDS.index(world) + number) % len(TOPICS)]
    if (
        number > 1
        and kind in (ChapterKind.STORY, ChapterKind.REFLECT, ChapterKind.CONCLUSION)
        and "answered_correctly" not in overrides
    ):
        # A reflect always follows a lesson; the others sometimes do.
        overrides["answered_correctly"] = True if kind == ChapterKind.REFLECT else None
    return make_brief(number=number, kind=kind, world=world, topic=topic, seed=seed, **overrides)


@pytest.mark.parametrize("world", WORLDS)
@pytest.mark.parametrize(("number", "kind"), CHAPTERS)
async def test_every_kind_of_chapter_streams_a_whole_chapter(world, number, kind):
    brief = brief_for(number, kind, world)
    streamed, done = await write(brief)

    assert 250 <= word_count(done.text) <= 450
    assert "".join(streamed).strip() == done.text == done.text.strip()
    assert len(streamed) > 20  # a few words at a time, as if written live
    if brief.wants_choices:
        assert validate_choices(done.choices) == done.choices
        assert all(20 <= len(choice) <= 110 for choice in done.choices)
    else:
        assert done.choices == ()


async def test_the_same_brief_gives_the_same_chapter_and_another_seed_another():
    brief = make_brief(number=4, kind=ChapterKind.STORY, world="mossglow-forest", topic="fractions", seed=7)
    _, first = await write(brief)
    _, again = await write(brief)
    _, other = await write(dataclasses.replace(brief, seed=8))
    _, next_chapter = await write(dataclasses.replace(brief, number=5))

    assert first == again
    assert other.text != first.text
    assert next_chapter.text != first.text


async def test_a_lesson_asks_its_question_word_for_word_at_the_end():
    for world in WORLDS:
        brief = brief_for(5, ChapterKind.LESSON, world)
        _, done = await write(brief)

        assert f"“{brief.question.text}”" in done.text
        assert done.text.endswith(f"“{brief.question.text}”")
        asking = paragraphs(done.text)[-1].replace(brief.question.text, "")
        assert not re.search(rf"\b{re.escape(brief.question.answer)}\b", asking)
        assert done.choices == ()


async def test_chapter_one_introduces_everything_and_ends_on_the_agency_choice():
    for world in WORLDS:
        brief = brief_for(1, ChapterKind.STORY, world)
        _, done = await write(brief)

        for option in brief.agency_options:
            assert option.name in done.text
        assert done.text.endswith(f"“{brief.agency_prompt}”")
        assert brief.protagonist_name in done.text
        assert brief.elements.companion.name in done.text
        assert brief.elements.quest in done.text
        assert brief.elements.setting in done.text
        assert done.choices == ()


@pytest.mark.parametrize("world", WORLDS)
async def test_the_chosen_agency_shows_up_in_every_later_chapter_and_saves_the_day(world):
    for number, kind in CHAPTERS[1:]:
        brief = brief_for(number, kind, world)
        _, done = await write(brief)
        assert brief.agency.name in done.text, (number, kind)

        composition = offline_prose.compose(brief)
        if number == brief.length - 1:
            saving = composition.paragraphs[composition.beats.index("plot.use")]
            words = offline_words.words_for(brief, composition.scene)
            key = {"item": "agency_short", "companion": "agency_short", "role": "a_role", "ability": "can"}
            assert words[key[offline_words.agency_kind(brief)]] in saving


async def test_the_plot_twist_is_hinted_built_revealed_and_resolved():
    stages = {2: "hint", 4: "build", 8: "reveal", 10: "resolution"}
    for world in WORLDS:
        for number, stage in stages.items():
            kind = ChapterKind.CONCLUSION if number == 10 else ChapterKind.STORY
            brief = brief_for(number, kind, world)
            assert brief.twist_stage == stage
            _, done = await write(brief)
            # Told in the past tense, with the hero and the friend for the world file's "the heroes".
            told = offline_words.twist_sentence(brief, stage)
            assert "heroes" not in told
            assert told.split()[-1] == past_tense(getattr(brief.elements.plot_twist, stage)).split()[-1]
            assert told in done.text


async def test_a_conclusion_resolves_the_quest_and_states_the_moral():
    brief = brief_for(10, ChapterKind.CONCLUSION, "brasswind-city")
    _, done = await write(brief)

    # The quest's own ending ("the Great Clock began to tick again"), not "it was done".
    ending = offline_words.words_for(brief, offline_words.scene_for(brief))["done"]
    assert ending == offline_plot.spine_for(brief).done.format(hero=brief.protagonist_name)
    assert ending in done.text
    assert brief.elements.moral in done.text
    assert offline_words.twist_sentence(brief, "resolution") in done.text
    assert done.text.endswith("The end.")


@pytest.mark.parametrize("correct", [True, False])
async def test_after_a_lesson_the_chapter_opens_by_saying_right_or_not_quite_and_why(correct):
    for world in WORLDS:
        brief = brief_for(3, ChapterKind.STORY, world, answered_correctly=correct)
        _, done = await write(brief)
        opening = paragraphs(done.text)[0]
        answered = brief.answered

        assert " ".join(answered.question.explanation.split()) in opening
        assert answered.question.answer in opening
        if correct:
            assert "right" in opening.lower()
            assert "not quite" not in opening.lower()
        else:
            assert "not quite" in opening.lower()


async def test_the_opening_follows_the_choice_just_made():
    brief = brief_for(
        4, ChapterKind.STORY, "mossglow-forest", previous_choice="Follow the humming lanterns down to the water"
    )
    _, done = await write(brief)
    assert "follow the humming lanterns down to the water" in paragraphs(done.text)[0]

    odd = dataclasses.replace(brief, previous_choice="  The big red door!  ")
    _, done = await write(odd)
    assert "“The big red door.”" in paragraphs(done.text)[0]


async def test_a_chosen_place_or_person_is_where_the_next_chapter_goes():
    world = next(w for w in _WORLDS if w["slug"] == "cirrus-isles")
    place = world["settings"][3]
    brief = brief_for(4, ChapterKind.STORY, "cirrus-isles", previous_choice=f"Head for {place}")
    _, done = await write(brief)
    assert offline_words.scene_for(brief).place == place
    assert place in paragraphs(done.text)[1]

    companion = brief.elements.companion.name
    hidden = offline_plot.hidden_until_reveal(brief)  # the twist's character waits for the reveal
    person = next(c["name"] for c in world["characters"] if c["name"] not in {companion, *hidden})
    brief = dataclasses.replace(brief, previous_choice=f"Ask {person} for help")
    assert offline_words.scene_for(brief).local.name == person


async def test_a_reflect_chapter_revisits_the_question_and_ends_with_choices():
    brief = brief_for(5, ChapterKind.REFLECT, "dewdrop-jungle")
    _, done = await write(brief)

    assert f"“{brief.question.text}”" in done.text
    assert brief.question.answer in done.text
    assert len(done.choices) == 3


async def play(
    world: str, seed: int, length: int = 10, companion: base.Character | None = None
) -> list[tuple[base.ChapterBrief, base.ChapterDone]]:
    """A whole adventure as the storyteller would drive it: choices carried over, lessons
    answered (right or wrong), each brief built from the one before."""
    chapter_plan = plan.make_plan(length, seed=seed)
    first = make_brief(number=1, length=length, world=world, seed=seed, kind=ChapterKind.STORY)
    if companion is not None:
        first = dataclasses.replace(first, elements=dataclasses.replace(first.elements, companion=companion))
    topic = next(t for t in _TOPICS if t["name"] == first.topic_name)
    questions = [
        base.Question(q["question"], q["answer"], tuple(q["wrong"]), q["explanation"]) for q in topic["questions"]
    ]
    rng = random.Random(seed)
    rng.shuffle(questions)
    agency = first.agency_options[seed % 3]
    chapters: list[tuple[base.ChapterBrief, base.ChapterDone]] = []
    previous, answered, last_text, lesson_question = None, None, "", None
    past: list[base.PastChapter] = []
    for number, kind in enumerate(chapter_plan, start=1):
        question = None
        if kind == ChapterKind.LESSON:
            question = lesson_question = questions.pop()
        elif kind == ChapterKind.REFLECT:
            question = lesson_question
        brief = dataclasses.replace(
            first,
            number=number,
            kind=kind,
            phase=plan.phase_of(number, length),
            twist_stage=plan.twist_stage(number, length),
            agency=None if number == 1 else agency,
            question=question,
            answered=answered,
            previous_choice=previous,
            last_chapter_text=last_text,
            story_so_far=tuple(past[: max(0, number - 2)]),
        )
        _, done = await write(brief)
        chapters.append((brief, done))
        told = await OfflineProvider().title_and_summary(brief, done.text)
        past.append(base.PastChapter(number, kind, told.title, told.summary, previous))
        last_text, answered = done.text, None
        if number == 1:
            previous = agency.name
        elif kind == ChapterKind.LESSON:
            correct = rng.random() < 0.6
            chosen = question.answer if correct else question.wrong[0]
            answered = base.Answered(question=question, chosen=chosen, correct=correct)
            previous = chosen
        else:
            previous = rng.choice(done.choices) if done.choices else None
    return chapters


_LOWER_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|[.!?][”’]\s+(?!said|asked|whispered|cried|called))[“‘]?[a-z]")


def check_prose(brief: base.ChapterBrief, text: str) -> None:
    where = (brief.world.slug, brief.seed, brief.number, brief.kind)
    assert "{" not in text and "}" not in text, where
    assert "  " not in text, where
    assert "\n\n\n" not in text and "\n" not in text.replace("\n\n", ""), where  # paragraphs only
    blocks = text.split("\n\n")
    assert all(block.strip() == block and block for block in blocks), where
    assert blocks == paragraphs(text), where
    # Question texts, answers and explanations are quoted exactly as the topic wrote them.
    own = text
    for verbatim in _verbatim(brief):
        own = own.replace(verbatim, "“”")
    assert not _LOWER_SENTENCE_START.search(own), (where, _LOWER_SENTENCE_START.search(own))
    # The storyteller's own words stay within 250-450; a lesson's question, answers and
    # explanation, quoted exactly from the bank, may take a reflect chapter a little past it.
    assert word_count(text) >= 250 and word_count(own) <= 450, (where, word_count(text), word_count(own))


def _verbatim(brief: base.ChapterBrief) -> list[str]:
    found = []
    for question in (brief.question, brief.answered.question if brief.answered else None):
        if question is not None:
            found += [question.text, question.answer, *question.wrong, " ".join(question.explanation.split())]
    return found


@pytest.mark.parametrize("world", WORLDS)
async def test_whole_adventures_read_cleanly(world):
    # Every character of the world travels as the companion once ("The Mirage Fox" and
    # "Wim and Wen" need their own grammar), each time with another seed.
    characters = next(w for w in _WORLDS if w["slug"] == world)["characters"]
    for seed, character in enumerate(characters, start=1):
        chapters = await play(world, seed, companion=base.Character(**character))
        assert len(chapters) == 10
        seen_paragraphs: set[str] = set()
        for brief, done in chapters:
            check_prose(brief, done.text)
            if brief.wants_choices:
                validate_choices(done.choices)
            # No paragraph is told twice in one adventure.
            for paragraph in paragraphs(done.text):
                assert paragraph not in seen_paragraphs, (world, seed, brief.number, paragraph)
                seen_paragraphs.add(paragraph)
            ts = await OfflineProvider().title_and_summary(brief, done.text)
            assert 2 <= len(ts.title.split()) <= 6 and "chapter" not in ts.title.lower()
            assert 1 <= len(re.findall(r"[.!?](?:\s|$)", ts.summary)) <= 2


@pytest.mark.parametrize("length", [6, 14])
async def test_short_and_long_adventures_read_cleanly(length):
    for world in WORLDS[::3]:
        for brief, done in await play(world, seed=5, length=length):
            check_prose(brief, done.text)


async def test_title_and_summary_describe_the_chapter():
    brief = brief_for(6, ChapterKind.STORY, "inkwell-library")
    _, done = await write(brief)
    ts = await OfflineProvider().title_and_summary(brief, done.text)
    scene = offline_words.scene_for(brief)

    assert isinstance(ts, base.TitleSummary)
    assert 2 <= len(ts.title.split()) <= 6
    assert ts.title == ts.title.strip() and not ts.title.endswith(".")
    assert ts.summary.endswith(".")
    assert scene.place in ts.summary or brief.protagonist_name in ts.summary
    assert ts == await OfflineProvider().title_and_summary(brief, done.text)


async def test_character_visuals_cover_the_hero_and_everyone_named():
    brief = brief_for(6, ChapterKind.STORY, "mossglow-forest")
    _, done = await write(brief)
    known = {"Someone Else": "a person from an earlier chapter.", brief.protagonist_name: "old look"}
    visuals = await OfflineProvider().character_visuals(brief, done.text, known)

    assert visuals["Someone Else"] == "a person from an earlier chapter."
    hero = visuals[brief.protagonist_name]
    assert hero.startswith(brief.protagonist_look.rstrip("."))
    assert brief.agency.visual.rstrip(".") in hero
    companion = brief.elements.companion
    assert visuals[companion.name] == companion.look[0].upper() + companion.look[1:] + "."
    for character in brief.world.characters:
        assert (character.name in visuals) == offline_names.named_in(character, done.text)


async def test_character_visuals_in_chapter_one_have_no_agency_yet():
    brief = brief_for(1, ChapterKind.STORY, "pearlwater-deep")
    _, done = await write(brief)
    visuals = await OfflineProvider().character_visuals(brief, done.text, {})
    assert visuals[brief.protagonist_name] == brief.protagonist_look


def test_characters_are_recognised_by_the_distinctive_part_of_their_name():
    sprocket = base.Character("Professor Tilda Sprocket", "an inventor", "goggles")
    assert offline_names.named_in(sprocket, "Then Professor Sprocket laughed.")
    assert not offline_names.named_in(sprocket, "The professor laughed.")
    assert offline_names.named_in(base.Character("Wim and Wen", "sprites", "swirly"), "Wen giggled.")


async def test_chapter_picture_is_an_svg_with_a_description():
    brief = brief_for(4, ChapterKind.STORY, "silverdust-moonbase")
    _, done = await write(brief)
    picture = await OfflineProvider().chapter_picture(base.SceneRequest(brief=brief, chapter_text=done.text))

    assert picture.mime_type == "image/svg+xml"
    assert picture.data.decode() == art.draw_chapter_scene(brief, done.text)
    # Said from what the picture of this chapter draws: its obstacle and who is there.
    assert picture.alt == art.scene_alt(brief, done.text)
    assert picture.alt == (
        "Diego in Silverdust Moonbase, on a sunny afternoon, with Commander Juno Reyes, a tall woman, "
        "before a steep, shining, slippery slope, in the role of storyteller."
    )


async def test_agency_picture_is_an_svg_with_a_description():
    brief = brief_for(1, ChapterKind.STORY, "frostpaw-hollow")
    option = brief.agency_options[0]
    picture = await OfflineProvider().agency_picture(brief, option)

    assert picture.mime_type == "image/svg+xml"
    assert picture.data.decode() == art.draw_agency_option(brief, option)
    assert picture.alt == art.agency_alt(brief, option)
    assert picture.alt.endswith(".")


async def test_streams_take_turns_with_other_tasks():
    order: list[str] = []

    async def run(label: str, brief: base.ChapterBrief) -> None:
        async for item in OfflineProvider().stream_chapter(brief):
            if isinstance(item, base.TextPiece):
                order.append(label)

    await asyncio.gather(
        run("a", brief_for(3, ChapterKind.STORY, "mossglow-forest")),
        run("b", brief_for(3, ChapterKind.STORY, "cirrus-isles")),
    )
    assert order[:4] == ["a", "b", "a", "b"]


async def test_the_pace_comes_from_the_setting(settings, monkeypatch):
    settings.STORYWEB_OFFLINE_DELAY_MS = 25
    delays: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        delays.append(seconds)

    monkeypatch.setattr("adventures.storytellers.offline.provider.asyncio.sleep", fake_sleep)
    streamed, _ = await write(brief_for(3, ChapterKind.STORY, "fernback-valley"))
    assert delays == [0.025] * len(streamed)


def test_pieces_join_back_into_the_text_exactly():
    text = "One two three four.\n\nFive six “seven” eight nine ten eleven."
    split = pieces(text, random.Random(1))
    assert "".join(split) == text
    assert all(1 <= len(piece.split()) <= 6 for piece in split)


def test_present_tense_twists_are_told_in_the_past_tense():
    assert past_tense("The heroes open a small panel and find a mouse family asleep.") == (
        "The heroes opened a small panel and found a mouse family asleep."
    )
    assert past_tense("Leaves fall in a neat arrow shape whenever the heroes talk near that tree.") == (
        "Leaves fell in a neat arrow shape whenever the heroes talked near that tree."
    )
    assert past_tense("A bee wiggles in a figure-of-eight every time the heroes walk by.") == (
        "A bee wiggled in a figure-of-eight every time the heroes walked by."
    )
    assert past_tense("Huge drops of water fall from above, and the case splits open.") == (
        "Huge drops of water fell from above, and the case split open."
    )
    assert past_tense("The heroes help Beep-7 finish the model, and it is hung in the dome.") == (
        "The heroes helped Beep-7 finish the model, and it was hung in the dome."
    )


def test_phrases_fit_the_sentences_they_go_into():
    assert head("a huge sleeping bear snoring across the path") == "a huge sleeping bear"
    assert definite("a pair of boots that never slip") == "the boots"
    assert definite("a brass compass whose needle swings toward whatever you need most") == "the brass compass"
    assert offline_names.short_name("Professor Tilda Sprocket") == "Professor Sprocket"
    assert offline_names.short_name("Hazel Thimblewick") == "Hazel"
    assert offline_names.short_name("Grandma Ingrid Snowberry") == "Grandma Ingrid"
    assert offline_names.short_name("Sky Mother") == "Sky Mother"
    assert offline_names.short_name("Wim and Wen") == "Wim and Wen"
    assert capitalise_sentences("“done.” the fox smiled. “Where?” asked Hazel.") == (
        "“Done.” The fox smiled. “Where?” asked Hazel."
    )


def test_a_sentence_after_quoted_text_still_starts_with_a_capital():
    brief = brief_for(4, ChapterKind.STORY, "sunglass-dunes")
    words = {"friend": "the Mirage Fox", "twist": "The heroes found the spring.", "q": "is it 2. or 3?"}
    writer = offline_prose._Writer(brief, words)

    assert writer.fill("{twist} {friend} smiled.") == "The heroes found the spring. The Mirage Fox smiled."
    assert writer.fill("“{twist}” {friend} smiled.") == "“The heroes found the spring.” The Mirage Fox smiled."
    # ...while the quoted text itself stays exactly as written.
    assert writer.fill("{friend} asked, “{q}”") == "The Mirage Fox asked, “is it 2. or 3?”"
