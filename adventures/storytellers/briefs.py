"""Turns the stored adventure into a chapter brief, and a provider's output into a
saveable chapter.

`prepare_chapter` does every read a chapter needs in one go (adventure, chapters,
character visuals, a fresh lesson question); `chapter_choices` turns the provider's
result into stored choices: the lesson's answers or the agency options with their
opaque ids, or the provider's three choices with new ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from adventures import library, plan, services
from adventures.models import Adventure, Chapter, ChapterKind, Question, StoryWorld
from adventures.shapes import Choice
from adventures.storytellers import base
from adventures.storytellers.chapter_text import validate_choices


class NothingToWrite(Exception):
    """The adventure is over, or its latest chapter still waits for a choice."""


@dataclass(frozen=True)
class ChapterJob:
    """A chapter about to be written: the brief plus what the storyteller keeps back
    from the provider (the question row, the lesson's answers with their ids)."""

    brief: base.ChapterBrief
    question_id: int | None
    fixed_choices: tuple[Choice, ...]  # lessons and chapter 1; empty otherwise

    @property
    def adventure_id(self) -> str:
        return self.brief.adventure_id

    @property
    def number(self) -> int:
        return self.brief.number


def next_chapter_number(adventure: Adventure, chapters: list[Chapter]) -> int | None:
    """The chapter to write now, or None when nothing is due."""
    if not adventure.is_in_progress:
        return None
    if not chapters:
        return 1
    last = chapters[-1]
    if last.chosen_choice is None or last.number >= adventure.length:
        return None
    return last.number + 1


def _question_brief(question: Question) -> base.Question:
    return base.Question(
        text=question.text,
        answer=question.answer,
        wrong=(question.wrong_answer_1, question.wrong_answer_2),
        explanation=question.explanation,
        misconception=question.misconception,
        hook=question.hook,
    )


def _draw_question(adventure: Adventure, number: int, used: list[int]) -> Question:
    """A question from the topic's bank at the adventure's difficulty, never one asked
    before in this adventure; the same draw on a retry (seeded by chapter)."""
    candidates = list(
        Question.objects.for_lesson(topic_id=adventure.topic_id, difficulty=adventure.difficulty, exclude_ids=used)
    )
    if not candidates:  # a tiny bank: fall back to the other difficulty
        candidates = list(Question.objects.active().filter(topic_id=adventure.topic_id).exclude(id__in=used))
    if not candidates:
        raise NothingToWrite(f"topic {adventure.topic_id} has no unused questions left")
    question: Question = random.Random(f"{adventure.seed}:question:{number}").choice(candidates)
    return question


def world_brief(world: StoryWorld) -> base.WorldBrief:
    return base.WorldBrief(
        slug=world.slug,
        name=world.name,
        description=world.description,
        look=world.look,
        palette=world.palette,
        characters=tuple(world.character_list),
        settings=tuple(world.settings),
        obstacles=tuple(world.obstacles),
        sights=tuple(world.sights),
        sounds=tuple(world.sounds),
        smells=tuple(world.smells),
    )


def agency_option_briefs(adventure: Adventure) -> tuple[base.AgencyOption, ...]:
    return tuple(adventure.agency_options)


def build_brief(
    adventure: Adventure,
    chapters: list[Chapter],
    number: int,
    *,
    question: Question | None,
    visuals: list[tuple[str, str]],
) -> base.ChapterBrief:
    """The brief for chapter `number`, from loaded rows (no queries of its own except
    the `question` relations already selected)."""
    kind = adventure.kind_of(number)
    previous = chapters[number - 2] if number > 1 else None
    answered = None
    if previous is not None and previous.kind == ChapterKind.LESSON and previous.question is not None:
        answered = base.Answered(
            question=_question_brief(previous.question),
            chosen=previous.chosen.text if previous.chosen else "",
            correct=bool(previous.is_correct),
        )
    category = library.agency_categories()[adventure.agency_category]
    return base.ChapterBrief(
        adventure_id=str(adventure.id),
        seed=adventure.seed,
        number=number,
        length=adventure.length,
        kind=kind,
        phase=plan.phase_of(number, adventure.length),
        twist_stage=plan.twist_stage(number, adventure.length),
        world=world_brief(adventure.world),
        elements=adventure.elements,
        topic_name=adventure.topic.name,
        protagonist_name=adventure.protagonist_name,
        protagonist_look=adventure.protagonist_look,
        agency_label=category.label,
        agency_prompt=category.prompt,
        agency_options=agency_option_briefs(adventure),
        agency=adventure.agency,
        question=_question_brief(question) if question else None,
        answered=answered,
        previous_choice=previous.chosen.text if previous is not None and previous.chosen else None,
        story_so_far=tuple(
            base.PastChapter(
                number=c.number,
                kind=ChapterKind(c.kind),
                title=c.title,
                summary=c.summary or c.text[:400],
                choice_made=c.chosen.text if c.chosen else None,
            )
            for c in chapters[: max(0, number - 2)]
        ),
        last_chapter_text=previous.text if previous is not None else "",
        character_visuals=tuple(visuals),
        pronouns=adventure.pronouns,
        age_band=adventure.age_band,
    )


def prepare_chapter(adventure_id: Any, *, number: int | None = None, loaded: Adventure | None = None) -> ChapterJob:
    """Read everything chapter `number` (default: the one due) needs (`loaded`: the
    adventure with its content, when the caller has just read it in the same
    transaction). Synchronous: call it on a worker thread."""
    adventure: Adventure = loaded or Adventure.objects.with_content().get(pk=adventure_id)
    chapters = list(adventure.chapters.select_related("question").order_by("number"))
    due = next_chapter_number(adventure, chapters)
    if due is None or (number is not None and number != due):
        raise NothingToWrite(f"chapter {number or '?'} of {adventure_id} is not due")
    kind = adventure.kind_of(due)
    question = None
    fixed: tuple[Choice, ...] = ()
    if kind == ChapterKind.LESSON:
        used = [c.question_id for c in chapters if c.question_id]
        question = _draw_question(adventure, due, used)
        answers = [(question.answer, True), (question.wrong_answer_1, False), (question.wrong_answer_2, False)]
        random.Random(f"{adventure.seed}:answers:{due}").shuffle(answers)
        fixed = tuple(Choice(id=services.new_choice_id(), text=t, correct=ok) for t, ok in answers)
    elif kind == ChapterKind.REFLECT:
        lesson = plan.lesson_before(adventure.plan, due)
        question = chapters[lesson - 1].question if lesson else None
    elif due == 1:
        fixed = tuple(Choice(id=o.id, text=o.name) for o in adventure.agency_options)
    visuals = list(adventure.character_visuals.values_list("name", "description"))
    brief = build_brief(adventure, chapters, due, question=question, visuals=visuals)
    return ChapterJob(brief=brief, question_id=question.pk if question else None, fixed_choices=fixed)


def chapter_choices(job: ChapterJob, done: base.ChapterDone) -> list[Choice]:
    """The choices to store with the chapter."""
    if job.fixed_choices:
        return list(job.fixed_choices)
    if not job.brief.wants_choices:
        return []
    return [Choice(id=services.new_choice_id(), text=text) for text in validate_choices(done.choices)]


def brief_for_written_chapter(adventure_id: Any, number: int) -> tuple[base.ChapterBrief, Chapter]:
    """The brief chapter `number` was written from, rebuilt for work that comes after
    it (a title, a picture). Synchronous."""
    adventure = Adventure.objects.with_content().get(pk=adventure_id)
    chapters = list(adventure.chapters.select_related("question").order_by("number"))
    chapter = chapters[number - 1]
    visuals = list(adventure.character_visuals.values_list("name", "description"))
    brief = build_brief(adventure, chapters[: number - 1], number, question=chapter.question, visuals=visuals)
    return brief, chapter


def world_preview_brief(world: StoryWorld) -> base.ChapterBrief:
    """A brief for the picture of a world on the picker: its first setting in the
    morning light, a hero setting out, nothing chosen yet."""
    names, looks = library.protagonists()
    category = library.agency_categories()[library.AGENCY_CATEGORIES[0]]
    return base.ChapterBrief(
        adventure_id="00000000-0000-4000-8000-000000000000",
        seed=sum(world.slug.encode()),
        number=1,
        length=plan.DEFAULT_LENGTH,
        kind=ChapterKind.STORY,
        phase=plan.EXPOSITION,
        twist_stage=None,
        world=world_brief(world),
        elements=base.Elements(
            quest=world.quests[0],
            setting=world.settings[0],
            theme=world.themes[0],
            moral=world.morals[0],
            plot_twist=world.plot_twist_list[0],
            obstacle=world.obstacles[0],
            sight=world.sights[0],
            sound=world.sounds[0],
            smell=world.smells[0],
            companion=world.character_list[0],
        ),
        topic_name="",
        protagonist_name=names[0],
        protagonist_look=looks[0],
        agency_label=category.label,
        agency_prompt=category.prompt,
        agency_options=(),
        agency=None,
        question=None,
        answered=None,
        previous_choice=None,
    )
