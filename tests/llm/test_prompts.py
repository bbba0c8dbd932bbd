"""The Gemini prompts: what each one must carry, word for word where it matters."""

from __future__ import annotations

import dataclasses
import functools
import subprocess
import sys

import pytest

from adventures import plan
from adventures.plan import ChapterKind
from adventures.storytellers import chapter_notes, prompts
from adventures.storytellers.base import PastChapter
from adventures.storytellers.chapter_text import CHOICES_MARKER
from tests.llm import briefs

# Briefs are frozen, so tests can share them; building one parses the content files.
make_brief = functools.cache(briefs.make_brief)


def test_system_instruction_sets_the_storyteller_rules():
    system = prompts.chapter(make_brief(number=3, kind=ChapterKind.STORY)).system
    assert "aged 8 to 13" in system
    assert "never frightening" in system
    assert "Between 300 and 450 words" in system
    assert 'Never begin with "Chapter"' in system
    assert "No markdown" in system
    assert "No title and no headings" in system
    assert "Never write choice labels" in system


def test_lesson_asks_the_question_word_for_word_and_knows_the_answers_only_as_context():
    brief = make_brief(number=3, kind=ChapterKind.LESSON, seed=4)
    q = brief.question
    assert q is not None
    user = prompts.chapter(brief).user
    assert f'word for word:\n"{q.text}"' in user
    assert "Do not answer it, do not hint which answer is right" in user
    context = (
        f"For you alone, the three answers the reader will see: {q.answer!r} (right), {q.wrong[0]!r} and "
        f"{q.wrong[1]!r} (both wrong). Nothing in the story may state a wrong one as a fact."
    )
    assert context in user
    for answer in (q.answer, *q.wrong):  # only there, so the story cannot take them from elsewhere
        assert user.count(repr(answer)) == 1
    assert q.explanation not in user
    assert CHOICES_MARKER not in user  # a lesson's choices are the question's answers


def test_reflect_revisits_the_question_from_a_new_angle_and_asks_for_choices():
    brief = make_brief(number=5, kind=ChapterKind.REFLECT, answered_correctly=True)
    q = brief.question
    assert q is not None
    user = prompts.chapter(brief).user
    assert f'Revisit the question from the last lesson, "{q.text}", from a new angle' in user
    assert f"The answer: {q.answer}. Why: {q.explanation}" in user
    assert CHOICES_MARKER in user


@pytest.mark.parametrize("correct", [True, False])
def test_previous_answer_is_told_with_its_explanation(correct):
    brief = make_brief(number=4, kind=ChapterKind.STORY, answered_correctly=correct)
    answered = brief.answered
    assert answered is not None
    user = prompts.chapter(brief).user
    assert answered.question.text in user
    assert repr(answered.chosen) in user
    assert answered.question.explanation in user
    assert "Open this chapter by telling, inside the story" in user
    if correct:
        assert "which was right." in user
    else:
        assert f"which was not right (the right answer is {answered.question.answer!r})" in user


def test_previous_choice_is_continued():
    user = prompts.chapter(make_brief(number=4, kind=ChapterKind.STORY, previous_choice="climb the glass stairs")).user
    assert "the reader chose: 'climb the glass stairs'. Continue from that choice." in user


def test_story_so_far_has_summaries_and_only_the_last_chapter_in_full():
    past = (
        PastChapter(
            1, ChapterKind.STORY, "The Humming Lanterns", "Inés found a lantern that hummed.", "the silver key"
        ),
        PastChapter(
            2, ChapterKind.STORY, "Down to the Water", "Inés followed the lanterns to the shore.", "cross the bridge"
        ),
    )
    brief = make_brief(number=4, kind=ChapterKind.STORY, story_so_far=past, last_chapter_text="The bridge sang softly.")
    user = prompts.chapter(brief).user
    assert (
        "- Chapter 1, The Humming Lanterns: Inés found a lantern that hummed. The reader chose: the silver key." in user
    )
    assert "- Chapter 2, Down to the Water: Inés followed the lanterns to the shore." in user
    assert "The last chapter (chapter 3) in full:\n<<<\nThe bridge sang softly.\n>>>" in user
    assert user.count("in full") == 1


def test_a_runaway_last_chapter_is_cut_so_prompts_stay_bounded():
    long_text = "Once upon a time. " * 2000 + "THE VERY END."
    user = prompts.chapter(make_brief(number=9, kind=ChapterKind.STORY, last_chapter_text=long_text)).user
    assert "THE VERY END." in user
    assert "Once upon a time. " * 1000 not in user
    assert len(user) < 12_000


@pytest.mark.parametrize(
    ("number", "kind", "wants"),
    [
        (1, ChapterKind.STORY, False),
        (3, ChapterKind.STORY, True),
        (3, ChapterKind.LESSON, False),
        (10, ChapterKind.CONCLUSION, False),
    ],
)
def test_choices_block_is_asked_for_only_when_the_brief_wants_choices(number, kind, wants):
    brief = make_brief(number=number, kind=kind)
    assert brief.wants_choices is wants
    user = prompts.chapter(brief).user
    if wants:
        assert f"write {CHOICES_MARKER} on a line of its own, then exactly three lines, one choice per line" in user
    else:
        assert CHOICES_MARKER not in user
        assert "Write only the story" in user


def test_chapter_one_ends_at_the_agency_choice():
    brief = make_brief(number=1)
    user = prompts.chapter(brief).user
    assert brief.agency_prompt in user
    for option in brief.agency_options:
        assert option.name in user
    assert "end before the hero chooses" in user


def test_the_agency_shows_up_later_and_is_decisive_in_the_climax():
    brief = make_brief(number=4, kind=ChapterKind.STORY)
    assert brief.agency is not None
    user = prompts.chapter(brief).user
    assert (
        f"chose in chapter 1, {brief.agency_label}: {brief.agency.name} (it looks like {brief.agency.visual})." in user
    )
    assert "It must show up and make a difference in this chapter." in user
    climax = make_brief(number=8, kind=ChapterKind.STORY)
    assert climax.phase == plan.CLIMAX
    assert "It must be decisive in this chapter" in prompts.chapter(climax).user
    assert "Honour it" in prompts.chapter(make_brief(number=10, kind=ChapterKind.CONCLUSION)).user


@pytest.mark.parametrize(("number", "stage"), [(1, None), (3, "hint"), (5, "build"), (8, "reveal"), (10, "resolution")])
def test_the_plot_twist_follows_its_stage(number, stage):
    brief = make_brief(number=number)
    assert brief.twist_stage == stage
    twist = brief.elements.plot_twist
    user = prompts.chapter(brief).user
    sentences = {"hint": twist.hint, "build": twist.build, "reveal": twist.reveal, "resolution": twist.resolution}
    for name, sentence in sentences.items():
        assert (sentence in user) is (name == stage)
    assert (twist.summary in user) is (stage == "reveal")


def test_world_and_drawn_elements_are_all_there():
    brief = make_brief(number=2, kind=ChapterKind.STORY)
    user = prompts.chapter(brief).user
    drawn = brief.elements
    for value in (brief.world.name, drawn.quest, drawn.setting, drawn.theme, drawn.moral, drawn.obstacle):
        assert value in user
    for value in (drawn.sight, drawn.sound, drawn.smell, drawn.companion.name, brief.protagonist_name):
        assert value in user
    assert brief.protagonist_look in user
    assert brief.topic_name in user


def test_repair_asks_for_json_of_the_right_shape():
    brief = make_brief(number=3, kind=ChapterKind.STORY)
    repair = prompts.choices_repair(brief, "The bridge sang softly.")
    assert "The bridge sang softly." in repair.user
    assert repair.schema is not None
    choices = repair.schema["properties"]["choices"]
    assert (choices["minItems"], choices["maxItems"]) == (3, 3)


def test_chapter_notes_ask_for_everything_after_a_chapter_in_one_reply():
    brief = make_brief(number=3, kind=ChapterKind.STORY, character_visuals=(("Quill", "a fox in a blue waistcoat"),))
    assert brief.agency is not None
    user = chapter_notes.prompt_text(brief, "Inés held up the key.")
    assert "<<<\nInés held up the key.\n>>>" in user
    assert f"- {brief.protagonist_name}: {brief.protagonist_look}\n- Quill: a fox in a blue waistcoat" in user
    assert f"- {brief.agency.name}: {brief.agency.visual}" in user
    assert brief.world.look in user
    assert set(chapter_notes.SCHEMA["required"]) == set(chapter_notes.ChapterNotes.model_fields)
    assert prompts.picture("A bridge.") == f"A bridge.\n\n{prompts.NO_TEXT}"


def test_chapter_notes_replies_are_tidied_and_refused_when_empty():
    notes = chapter_notes.ChapterNotes.model_validate(
        {
            "title": '"**The Singing Bridge**"',
            "summary": "Inés  crossed\nthe bridge.",
            "characters": [{"name": "Quill", "look": "A fox."}],
            "scene": "A bridge.",
            "picture_prompt": "A bridge at dawn.",
            "alt": "A child on a bridge.",
        }
    )
    assert (notes.title, notes.summary) == ("The Singing Bridge", "Inés crossed the bridge.")
    with pytest.raises(ValueError, match="empty text"):
        chapter_notes.ChapterNotes.model_validate({**notes.model_dump(), "alt": "  "})


def test_agency_picture_prompt_shows_the_option_in_the_world_style():
    brief = make_brief(number=1)
    option = brief.agency_options[0]
    text = prompts.agency_picture(brief, option)
    assert option.visual[1:] in text
    assert option.name in text
    assert brief.world.look in text
    assert text.endswith(prompts.NO_TEXT)


def test_prompt_builders_and_stream_cleaning_import_neither_the_orm_nor_the_network():
    code = (
        "import sys; import adventures.storytellers.prompts, adventures.storytellers.gemini.stream; "
        "bad = [m for m in sys.modules if m.startswith(('django.db', 'adventures.models', 'google', 'aiohttp', "
        "'httpx2'))]; "
        "sys.exit(f'imports {bad}' if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_every_chapter_prompt_carries_plain_content_rules_and_the_band_s_reading_level():
    system = prompts.chapter(make_brief(number=2, kind=ChapterKind.STORY, age_band="8-10")).system
    assert "no romance or crushes; no real people, celebrities or brands; no weapons used on anyone" in system
    assert "no dangerous stunts a child could copy" in system
    assert "Reading level: for readers aged 8 to 10: short sentences" in system
    older = prompts.chapter(make_brief(number=2, kind=ChapterKind.STORY, age_band="11-13")).system
    assert "Reading level: for readers aged 11 to 13: varied sentences" in older
    assert "for readers aged 8 to 10" not in older


def test_a_rewrite_puts_its_caution_first_and_the_looks_so_far_are_given():
    brief = make_brief(number=4, kind=ChapterKind.STORY, character_visuals=(("Quill", "A fox in a blue waistcoat."),))
    plain = prompts.chapter(brief).user
    assert "How the characters look (keep them so):\n- Quill: A fox in a blue waistcoat." in plain
    assert not plain.startswith("Important:")
    careful = prompts.chapter(dataclasses.replace(brief, caution="Keep it calm.")).user
    assert careful.startswith("Important: Keep it calm.\n\n")
    assert careful != plain
