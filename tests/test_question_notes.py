"""Each question's misconception note and real-life hook: in the brief, the prompt and the recap."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from adventures.models import Chapter
from adventures.plan import ChapterKind
from adventures.storytellers import briefs as storyteller
from adventures.storytellers import prompts
from tests.factories import start_adventure, visitor_session
from tests.llm import briefs
from tests.test_views import visitor_of, write_chapters

# Transactional like tests/test_views.py: the pages run async views on other threads.
db = pytest.mark.django_db(transaction=True)


@pytest.fixture
def player(client):
    # A browser that has started an adventure before (looking at / gives no visitor id).
    session_key, _ = visitor_session()
    client.cookies["sessionid"] = session_key
    return client


@pytest.fixture
def adventure(player):
    return start_adventure(visitor=visitor_of(player))


def _lessons(adventure) -> list[Chapter]:
    return list(
        Chapter.objects.filter(adventure=adventure, kind="lesson").select_related("question").order_by("number")
    )


@db
def test_the_brief_carries_the_notes_of_the_question_asked_and_of_the_one_answered(adventure):
    lesson = adventure.plan.index("lesson") + 1
    write_chapters(adventure, lesson + 1)
    asked = Chapter.objects.select_related("question").get(adventure=adventure, number=lesson).question

    brief, _ = storyteller.brief_for_written_chapter(adventure.id, lesson)
    assert brief.question is not None
    assert (brief.question.misconception, brief.question.hook) == (asked.misconception, asked.hook)
    assert brief.question.misconception and brief.question.hook

    after, _ = storyteller.brief_for_written_chapter(adventure.id, lesson + 1)
    assert after.answered is not None
    assert (after.answered.question.misconception, after.answered.question.hook) == (asked.misconception, asked.hook)


@db
def test_recap_shows_the_note_on_a_wrong_answer_and_the_hook_of_every_question(player, adventure):
    write_chapters(adventure, adventure.length)
    lessons = _lessons(adventure)
    wrong, right = lessons[0], lessons[1]
    # Whatever the first choices happened to be, make one lesson wrong and one right.
    missed = next(c for c in wrong.choices if not c.correct)
    Chapter.objects.filter(pk=wrong.pk).update(chosen_choice=missed.id, is_correct=False)
    Chapter.objects.filter(pk=right.pk).update(chosen_choice=right.correct_choice.id, is_correct=True)

    html = player.get(f"/adventures/{adventure.id}/recap/").content.decode()

    assert f'<p class="review-mistake">{escape(wrong.question.misconception)}</p>' in html
    assert escape(right.question.misconception) not in html
    for lesson in lessons:
        assert f'<p class="review-hook">In real life: {escape(lesson.question.hook)}</p>' in html


@db
def test_recap_keeps_the_notes_of_an_unanswered_question_back(player, adventure):
    lesson = adventure.plan.index("lesson") + 1
    write_chapters(adventure, lesson)
    question = Chapter.objects.select_related("question").get(adventure=adventure, number=lesson).question
    html = player.get(f"/adventures/{adventure.id}/recap/").content.decode()
    assert "Not answered yet." in html
    assert escape(question.misconception) not in html
    assert escape(question.hook) not in html
    assert 'class="review-mistake"' not in html and 'class="review-hook"' not in html


def test_a_wrong_answer_gives_the_next_chapter_the_misconception_note():
    brief = briefs.make_brief(number=4, kind=ChapterKind.STORY, answered_correctly=False)
    assert brief.answered is not None
    q = brief.answered.question
    assert q.misconception
    user = prompts.chapter(brief).user
    assert f"{q.explanation} Weave in this gentle note: {q.misconception} Be kind and encouraging" in user


def test_a_right_answer_needs_no_misconception_note():
    brief = briefs.make_brief(number=4, kind=ChapterKind.STORY, answered_correctly=True)
    assert brief.answered is not None
    user = prompts.chapter(brief).user
    assert brief.answered.question.misconception not in user
    assert "Weave in this gentle note" not in user
