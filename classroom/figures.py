"""What a teacher sees: per child and per question, read from the chapters the
class's children played (reads only; the class page, the child's page and the CSV)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from adventures.models import Adventure, AdventureStatus, Chapter, ChapterKind
from classroom.models import ClassMember, SchoolClass


@dataclass
class ChildFigures:
    member: ClassMember
    started: int = 0
    finished: int = 0
    chapters: int = 0  # chapters read (written for them)
    right: int = 0
    asked: int = 0  # questions answered


@dataclass
class QuestionFigures:
    text: str
    answer: str
    asked: int = 0  # how many answers (a child meeting it twice counts twice)
    right: int = 0
    wrong: Counter[str] = field(default_factory=Counter)

    @property
    def common_wrong(self) -> tuple[str, int] | None:
        """The most chosen wrong answer (the misconception) and how often; ties go to
        the one first met."""
        return self.wrong.most_common(1)[0] if self.wrong else None


@dataclass
class TopicFigures:
    name: str
    questions: list[QuestionFigures]


@dataclass
class ClassFigures:
    children: list[ChildFigures]
    topics: list[TopicFigures]


def class_figures(school_class: SchoolClass) -> ClassFigures:
    members = list(school_class.members.all())
    children = {member.pk: ChildFigures(member) for member in members}
    adventures = Adventure.objects.filter(member__school_class=school_class).order_by()
    for member_id, status in adventures.values_list("member_id", "status"):
        children[member_id].started += 1
        children[member_id].finished += status == AdventureStatus.COMPLETED
    chapters = Chapter.objects.filter(adventure__member__school_class=school_class).order_by()
    questions: dict[int, QuestionFigures] = {}
    by_topic: dict[str, list[QuestionFigures]] = defaultdict(list)
    for member_id, kind, chosen, is_correct, question_id in chapters.values_list(
        "adventure__member_id", "kind", "chosen_choice", "is_correct", "question_id"
    ):
        child = children[member_id]
        child.chapters += 1
        if kind != ChapterKind.LESSON or chosen is None or question_id is None:
            continue
        child.asked += 1
        child.right += bool(is_correct)
    # Per question: a second pass with the question's words (only answered lessons).
    answered = (
        Chapter.objects.filter(
            adventure__member__school_class=school_class,
            kind=ChapterKind.LESSON,
            chosen_choice__isnull=False,
            question__isnull=False,
        )
        .select_related("question__topic")
        .order_by("question__topic__name", "question__key", "chosen_at")
    )
    for chapter in answered:
        question = chapter.question
        if question is None:  # filtered out above; for the type checker
            continue
        figures = questions.get(question.pk)
        if figures is None:
            figures = questions[question.pk] = QuestionFigures(text=question.text, answer=question.answer)
            by_topic[question.topic.name].append(figures)
        figures.asked += 1
        if chapter.is_correct:
            figures.right += 1
        else:
            picked = chapter.chosen
            figures.wrong[picked.text if picked else "?"] += 1
    return ClassFigures(
        children=[children[member.pk] for member in members],
        topics=[TopicFigures(name, qs) for name, qs in sorted(by_topic.items())],
    )


def member_adventures(member: ClassMember) -> Any:
    return Adventure.objects.filter(member=member).with_content().with_progress().order_by("-created_at")
