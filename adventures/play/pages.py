"""What the pages and the socket show: plain view-models for the shared partials.

Pages and the consumer build their template context here, so that a reload shows
exactly what the stream showed. Nothing here queries the database lazily: callers
pass rows they loaded, and call `chapter_view` (which counts the answers for the
ending) on a worker thread, never on the event loop.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.urls import reverse

from adventures import library, plan
from adventures.models import Adventure, Chapter, ChapterKind, ImageStatus

# Time between two chapters counts as reading time up to this much; longer gaps are
# breaks (a child went to dinner) and do not count.
READING_CAP = timedelta(minutes=10)

# A finished adventure has no status line: the ending card under the last chapter says it.
STATUS_MESSAGES = {
    "writing": "The storyteller is writing…",
    "rewriting": "The storyteller is rewriting this part to make it just right…",
    "elsewhere": "Still writing your next chapter… it will appear here in a moment.",
}


@dataclass(frozen=True)
class AdventureMeta:
    """The parts of an adventure that never change during play (kept by the socket)."""

    id: str
    length: int
    plan: tuple[str, ...]
    world_name: str
    topic_name: str
    agency_prompt: str

    @classmethod
    def of(cls, adventure: Adventure) -> AdventureMeta:
        return cls(
            id=str(adventure.id),
            length=adventure.length,
            plan=tuple(adventure.plan),
            world_name=adventure.world.name,
            topic_name=adventure.topic.name,
            agency_prompt=library.agency_categories()[adventure.agency_category].prompt,
        )

    @property
    def recap_url(self) -> str:
        return reverse("adventures:recap", args=[self.id])

    @property
    def choose_url(self) -> str:
        return reverse("adventures:choose", args=[self.id])

    @property
    def feedback_url(self) -> str:
        return reverse("adventures:feedback", args=[self.id])


@dataclass(frozen=True)
class Ending:
    """What the card under the last chapter celebrates."""

    hero: str
    world: str
    chapters: int
    questions: int
    right: int
    chosen: str


@dataclass
class ChapterView:
    meta: AdventureMeta
    number: int
    kind: str
    text: str = ""
    title: str = ""
    writing: bool = False
    streamed: str = ""
    choices: list[dict[str, Any]] = field(default_factory=list)
    image_url: str = ""
    image_alt: str = ""
    image_width: int | None = None
    image_height: int | None = None
    image_status: str = ImageStatus.PENDING
    ending: Ending | None = None
    narration_url: str = ""  # the stored Gemini narration, when it is ready
    narration_timings: list[list[float]] = field(default_factory=list)

    @property
    def phase_label(self) -> str:
        return plan.PHASE_LABELS[plan.phase_of(self.number, self.meta.length)]

    @property
    def is_agency(self) -> bool:
        return self.number == 1

    @property
    def is_conclusion(self) -> bool:
        return self.kind == ChapterKind.CONCLUSION

    @property
    def is_lesson(self) -> bool:
        return self.kind == ChapterKind.LESSON

    @property
    def choices_prompt(self) -> str:
        if self.is_agency:
            return self.meta.agency_prompt
        if self.is_lesson:
            return "What is your answer?"
        return "What will you do next?"


def chapter_view(meta: AdventureMeta, adventure: Adventure, chapter: Chapter) -> ChapterView:
    """A written chapter. Lesson choices lose their `correct` flag here: the page never
    learns the right answer before it has been given."""
    choices: list[dict[str, Any]] = [{"id": c.id, "text": c.text} for c in chapter.choices]
    if chapter.number == 1:
        pictures = {o.id: o for o in adventure.agency_options}
        for index, choice in enumerate(choices, start=1):
            option = pictures.get(choice["id"])
            choice.update(
                index=index,
                visual=option.visual if option else "",
                image_url=_media_url(option.image or "" if option else ""),
                image_alt=option.alt or "" if option else "",
            )
    return ChapterView(
        meta=meta,
        number=chapter.number,
        kind=chapter.kind,
        text=chapter.text,
        title=chapter.title,
        choices=choices if chapter.chosen_choice is None else [],
        image_url=chapter.image.url if chapter.image else "",
        image_alt=chapter.image_alt,
        image_width=chapter.image_width,
        image_height=chapter.image_height,
        image_status=chapter.image_status,
        ending=_ending(meta, adventure, chapter) if chapter.kind == ChapterKind.CONCLUSION else None,
        narration_url=chapter.narration.url if chapter.narration and chapter.narration_status == "ready" else "",
        narration_timings=chapter.narration_timings if chapter.narration_status == "ready" else [],
    )


def _ending(meta: AdventureMeta, adventure: Adventure, chapter: Chapter) -> Ending:
    lessons = adventure.chapters.filter(kind=ChapterKind.LESSON)
    return Ending(
        hero=adventure.protagonist_name,
        world=meta.world_name,
        chapters=chapter.number,
        questions=lessons.count(),
        right=lessons.filter(is_correct=True).count(),
        chosen=adventure.agency.name if adventure.agency else "",
    )


@dataclass(frozen=True)
class AdventureCard:
    """One adventure on My adventures: the picture of its newest chapter (or of its
    world), and where the player is."""

    adventure: Adventure
    picture_url: str
    chapter: int


def adventure_card(adventure: Adventure) -> AdventureCard:
    """`adventure` comes from `Adventure.objects.with_progress()`."""
    picture = getattr(adventure, "latest_picture", "")
    return AdventureCard(
        adventure=adventure,
        picture_url=_media_url(picture) or reverse("adventures:world_picture", args=[adventure.world.slug]),
        chapter=max(1, getattr(adventure, "chapters_written", 0)),
    )


def writing_view(meta: AdventureMeta, number: int, pieces: list[str] | None = None) -> ChapterView:
    """A chapter being written: the pieces streamed so far."""
    return ChapterView(
        meta=meta, number=number, kind=meta.plan[number - 1], writing=True, streamed="".join(pieces or [])
    )


def _media_url(name: str) -> str:
    from django.core.files.storage import default_storage

    return default_storage.url(name) if name else ""


def feedback(*, chapter_number: int, already_given: bool, signed_in: bool) -> dict[str, Any]:
    """The little thumbs up / down box: asked once per visitor, from chapter
    STORYWEB_FEEDBACK_AFTER_CHAPTER on. It never asks for contact details."""
    from django.conf import settings

    due = chapter_number >= settings.STORYWEB_FEEDBACK_AFTER_CHAPTER and not already_given
    return {"state": "ask" if due else ""}


def status(
    kind: str = "", message: str = "", *, retry: bool = False, again: dict[str, Any] | None = None, after: int = 0
) -> dict[str, Any]:
    """`again`: a message (hx-vals) the page sends by itself `after` seconds, e.g. the
    choice a reading-pace limit held back."""
    found = {"kind": kind, "message": message or STATUS_MESSAGES.get(kind, ""), "retry": retry}
    if again is not None:
        found["again"] = {"vals": json.dumps(again), "after": after}
    return found


def progress(meta: AdventureMeta, number: int, *, finished: bool = False) -> dict[str, Any]:
    done = meta.length if finished else max(0, number - 1)
    return {"number": number, "length": meta.length, "percent": round(100 * done / meta.length)}


# --- Recap ---------------------------------------------------------------------------


def time_spent(chapters: list[Chapter], *, recap_opened: datetime | None = None) -> timedelta:
    """Reading time: from each chapter's arrival to the choice made at its end (or the
    next chapter), each gap capped so breaks do not count. The last chapter has no
    choice: it counts until the recap was first opened (`recap_opened`)."""
    total = timedelta()
    for index, chapter in enumerate(chapters):
        end = chapter.chosen_at
        if end is None and index + 1 < len(chapters):
            end = chapters[index + 1].created_at
        if end is None and chapter.kind == ChapterKind.CONCLUSION:
            end = recap_opened
        if end is not None and end > chapter.created_at:
            total += min(end - chapter.created_at, READING_CAP)
    return total


def question_reviews(chapters: list[Chapter]) -> list[dict[str, Any]]:
    reviews = []
    for chapter in chapters:
        if chapter.kind != ChapterKind.LESSON or chapter.question is None:
            continue
        chosen = chapter.chosen
        correct = chapter.correct_choice
        reviews.append(
            {
                "number": chapter.number,
                "question": chapter.question.text,
                "answered": chosen is not None,
                "chosen": chosen.text if chosen else "",
                # Never shown before the question has been answered.
                "right_answer": (correct.text if correct else chapter.question.answer) if chosen else "",
                "is_correct": bool(chapter.is_correct),
                "explanation": chapter.question.explanation,
                # The note on the tempting mistake only helps someone who made one.
                "misconception": chapter.question.misconception if chosen and not chapter.is_correct else "",
                "hook": chapter.question.hook,
            }
        )
    return reviews
