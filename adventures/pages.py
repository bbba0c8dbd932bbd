"""What the pages and the socket show: plain view-models for the shared partials.

Pages and the consumer build their template context here, so that a reload shows
exactly what the stream showed. Nothing here queries the database lazily: callers
pass rows they loaded (the consumer renders on the event loop).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.urls import reverse

from adventures import library, plan
from adventures.models import Adventure, Chapter, ChapterKind, ImageStatus

# Time between two chapters counts as reading time up to this much; longer gaps are
# breaks (a child went to dinner) and do not count.
READING_CAP = timedelta(minutes=10)

STATUS_MESSAGES = {
    "writing": "The storyteller is writing…",
    "elsewhere": "Still writing your next chapter… it will appear here in a moment.",
    "finished": "The end! Your adventure is complete.",
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
    choices = [{"id": c["id"], "text": c["text"]} for c in chapter.choices]
    if chapter.number == 1:
        pictures = {o["id"]: o for o in adventure.agency_options}
        for index, choice in enumerate(choices, start=1):
            option = pictures.get(choice["id"], {})
            choice.update(
                index=index,
                visual=option.get("visual", ""),
                image_url=_media_url(option.get("image", "")),
                image_alt=option.get("alt", ""),
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
    STORYWEB_FEEDBACK_AFTER_CHAPTER on. Guests may leave a contact."""
    from django.conf import settings

    due = chapter_number >= settings.STORYWEB_FEEDBACK_AFTER_CHAPTER and not already_given
    return {"state": "ask" if due else "", "ask_contact": not signed_in}


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


def time_spent(adventure: Adventure, chapters: list[Chapter]) -> timedelta:
    """Reading time: from each chapter's arrival to the choice made at its end (or the
    next chapter), each gap capped so breaks do not count."""
    total = timedelta()
    for index, chapter in enumerate(chapters):
        end = chapter.chosen_at
        if end is None and index + 1 < len(chapters):
            end = chapters[index + 1].created_at
        if end is None and chapter.kind == ChapterKind.CONCLUSION:
            end = chapter.created_at + timedelta(minutes=2)  # reading the ending
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
                "chosen": chosen["text"] if chosen else "",
                # Never shown before the question has been answered.
                "right_answer": (correct["text"] if correct else chapter.question.answer) if chosen else "",
                "is_correct": bool(chapter.is_correct),
                "explanation": chapter.question.explanation,
            }
        )
    return reviews
