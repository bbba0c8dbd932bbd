"""Writes for playing: starting, choosing, saving chapters, pictures, feedback.

Each is one function with its own transaction; guards live here too: a duplicate or
stale choice, or a chapter written twice, changes nothing.
"""

from __future__ import annotations

import enum
import random
import secrets
from dataclasses import dataclass, replace
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from adventures import content_load as content_loader
from adventures import library, plan
from adventures.models import (
    Adventure,
    AdventureStatus,
    AgeBand,
    Chapter,
    ChapterKind,
    CharacterVisual,
    Feedback,
    ImageStatus,
    LessonTopic,
    StoryWorld,
)
from adventures.operations import telemetry
from adventures.shapes import AgencyOption, Choice


def new_choice_id() -> str:
    """An opaque id for a choice: says nothing about the choice or its correctness."""
    return secrets.token_urlsafe(9)


# --- Content -------------------------------------------------------------------------


def content_load(*, worlds: list[dict[str, Any]], topics: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    return content_loader.load(worlds=worlds, topics=topics)


# --- Starting and ending -------------------------------------------------------------


def _draw_elements(world: StoryWorld, rng: random.Random) -> dict[str, Any]:
    return {
        "quest": rng.choice(world.quests),
        "setting": rng.choice(world.settings),
        "theme": rng.choice(world.themes),
        "moral": rng.choice(world.morals),
        "plot_twist": (twist := rng.choice(world.plot_twists)),
        "obstacle": rng.choice(world.obstacles),
        "sight": rng.choice(world.sights),
        "sound": rng.choice(world.sounds),
        "smell": rng.choice(world.smells),
        "companion": rng.choice(library.companions_for(world.characters, twist)),
    }


def adventure_start(
    *,
    visitor: str,
    user: Any = None,
    world: StoryWorld,
    topic: LessonTopic,
    difficulty: str,
    length: int,
    seed: int | None = None,
    pronouns: str = "they",
    age_band: str = AgeBand.YOUNGER,
    member: Any = None,
) -> Adventure:
    """Draw everything that stays fixed for the whole adventure and store it.

    The agency options are drawn here, before chapter 1 is written, so that a retry of
    chapter 1 can never offer different ones.
    """
    seed = secrets.randbits(48) if seed is None else seed
    rng = random.Random(seed)
    names, looks = library.protagonists()
    category = library.agency_categories()[rng.choice(library.AGENCY_CATEGORIES)]
    # An option that makes no sense in this world is never offered.
    options = rng.sample([o for o in category.options if world.slug not in o.not_in], 3)
    adventure = Adventure.objects.create(
        visitor=visitor,
        user=user if user is not None and user.is_authenticated else None,
        member=member,
        world=world,
        topic=topic,
        difficulty=difficulty,
        age_band=age_band,
        length=length,
        plan=plan.make_plan(length, seed=seed),
        seed=seed,
        elements=_draw_elements(world, rng),
        protagonist_name=rng.choice(names),
        protagonist_look=rng.choice(looks),
        pronouns=pronouns,
        agency_category=category.key,
        agency_options=[
            {"id": new_choice_id(), "name": option.name, "visual": option.visual, "image": ""} for option in options
        ],
    )
    telemetry.record(
        "adventure_started",
        adventure_id=adventure.id,
        world=world.slug,
        topic=topic.slug,
        difficulty=difficulty,
        length=length,
    )
    return adventure


def adventure_abandon(*, adventure: Adventure) -> bool:
    """Stop an adventure in progress. False when it was not in progress."""
    changed = Adventure.objects.filter(pk=adventure.pk, status=AdventureStatus.IN_PROGRESS).update(
        status=AdventureStatus.ABANDONED, version=F("version") + 1, updated_at=timezone.now()
    )
    if changed:
        telemetry.record("adventure_abandoned", adventure_id=adventure.pk)
    return bool(changed)


def adventures_claim(*, visitor: str, user: Any) -> int:
    """Move a guest's adventures into the account they just logged in to."""
    # A class member's adventures stay in the class, whoever logs in on that device.
    guests = Adventure.objects.filter(visitor=visitor, user__isnull=True, member__isnull=True)
    return guests.update(user=user, updated_at=timezone.now())


# --- Choosing ------------------------------------------------------------------------


class ChoiceOutcome(enum.Enum):
    RECORDED = "recorded"
    ALREADY_CHOSEN = "already_chosen"  # a duplicate: this chapter was answered before
    STALE = "stale"  # not the latest chapter, or the adventure is over
    UNKNOWN_CHOICE = "unknown_choice"  # no such choice in that chapter


@dataclass(frozen=True)
class ChoiceResult:
    outcome: ChoiceOutcome
    chapter: Chapter | None = None

    @property
    def recorded(self) -> bool:
        return self.outcome is ChoiceOutcome.RECORDED


def _choice_guard(*, adventure_id: Any, number: int, choice_id: str) -> tuple[ChoiceResult, Choice | None]:
    """Whether choosing `choice_id` at the end of chapter `number` would be recorded
    (RECORDED, with the choice) or why not."""
    later = Chapter.objects.filter(adventure_id=OuterRef("adventure_id"), number__gt=OuterRef("number"))
    chapter = (
        Chapter.objects.select_related("adventure__world", "adventure__topic", "question")
        .annotate(has_later=Exists(later))
        .filter(adventure_id=adventure_id, number=number)
        .first()
    )  # one query: what the guard, the telemetry and the next chapter's brief read
    if chapter is None or chapter.adventure.status != AdventureStatus.IN_PROGRESS:
        return ChoiceResult(ChoiceOutcome.STALE), None
    if chapter.chosen_choice is not None:
        return ChoiceResult(ChoiceOutcome.ALREADY_CHOSEN, chapter), None
    if chapter.number >= chapter.adventure.length or chapter.has_later:
        return ChoiceResult(ChoiceOutcome.STALE, chapter), None
    choice = next((c for c in chapter.choices if c.id == choice_id), None)
    if choice is None:
        return ChoiceResult(ChoiceOutcome.UNKNOWN_CHOICE, chapter), None
    return ChoiceResult(ChoiceOutcome.RECORDED, chapter), choice


def chapter_choice_check(*, adventure_id: Any, number: int, choice_id: str) -> ChoiceOutcome:
    """What `chapter_record_choice` would answer now, changing nothing (RECORDED: it
    would record it). For a choice held back by a limit, to tell a stale or duplicate
    one from one that waits its turn."""
    return _choice_guard(adventure_id=adventure_id, number=number, choice_id=choice_id)[0].outcome


def chapter_record_choice(*, adventure_id: Any, number: int, choice_id: str) -> ChoiceResult:
    """Record the player's choice at the end of chapter `number`, exactly once.

    `UPDATE ... WHERE chosen_choice IS NULL` decides a race: of ten identical messages
    (or two tabs) one updates a row, the others change nothing.
    """
    guard, choice = _choice_guard(adventure_id=adventure_id, number=number, choice_id=choice_id)
    if choice is None or guard.chapter is None:
        return guard
    chapter = guard.chapter

    now = timezone.now()
    is_correct = bool(choice.correct) if chapter.kind == ChapterKind.LESSON else None
    with transaction.atomic(savepoint=False):  # inside the caller's transaction, no savepoint round trips
        updated = Chapter.objects.filter(pk=chapter.pk, chosen_choice__isnull=True).update(
            chosen_choice=choice_id, chosen_at=now, is_correct=is_correct
        )
        if not updated:
            return ChoiceResult(ChoiceOutcome.ALREADY_CHOSEN, chapter)
        adventure_changes: dict[str, Any] = {"version": F("version") + 1, "updated_at": now}
        if chapter.number == 1:
            option = next(o for o in chapter.adventure.agency_options if o.id == choice_id)
            adventure_changes["agency"] = AgencyOption(id=option.id, name=option.name, visual=option.visual)
        Adventure.objects.filter(pk=chapter.adventure_id).update(**adventure_changes)
    chapter.chosen_choice, chapter.chosen_at, chapter.is_correct = choice_id, now, is_correct
    if "agency" in adventure_changes:  # `chapter.adventure` stays true for the next chapter's brief
        chapter.adventure.agency = adventure_changes["agency"]

    telemetry.record(
        "choice_made",
        adventure_id=adventure_id,
        chapter_number=number,
        chapter_kind=chapter.kind,
        duration_ms=(now - chapter.created_at).total_seconds() * 1000,
    )
    if chapter.kind == ChapterKind.LESSON:
        telemetry.record(
            "lesson_answered",
            adventure_id=adventure_id,
            chapter_number=number,
            chapter_kind=chapter.kind,
            correct=is_correct,
            topic=chapter.adventure.topic.slug if chapter.adventure.topic_id else None,
            difficulty=chapter.adventure.difficulty,
            question=chapter.question.key if chapter.question else None,
        )
    return ChoiceResult(ChoiceOutcome.RECORDED, chapter)


# --- Writing -------------------------------------------------------------------------


class ChapterAlreadyWritten(Exception):
    """Another writer saved this chapter first."""


class ChapterNotDue(Exception):
    """The chapter before has no choice yet (or the adventure is over)."""


def chapter_save(
    *,
    adventure_id: Any,
    number: int,
    kind: str,
    text: str,
    choices: list[Choice],
    question_id: int | None,
) -> Chapter:
    """Save a finished chapter, whole, in one transaction; the conclusion also
    completes the adventure."""
    now = timezone.now()
    chosen_before = Chapter.objects.filter(adventure_id=adventure_id, number=number - 1, chosen_choice__isnull=False)
    with transaction.atomic():
        adventure = (
            Adventure.objects.annotate(chosen_before=Exists(chosen_before))
            .filter(pk=adventure_id, status=AdventureStatus.IN_PROGRESS)
            .first()
        )
        if adventure is None:
            raise ChapterNotDue(f"adventure {adventure_id} is not in progress")
        if number > 1 and not adventure.chosen_before:
            raise ChapterNotDue(f"chapter {number - 1} of {adventure_id} has no choice yet")
        try:
            with transaction.atomic(savepoint=False):  # a duplicate rolls the whole save back
                chapter = Chapter.objects.create(
                    adventure_id=adventure_id,
                    number=number,
                    kind=kind,
                    text=text,
                    choices=choices,
                    question_id=question_id,
                )
        except IntegrityError as error:
            raise ChapterAlreadyWritten(f"chapter {number} of {adventure_id} exists") from error
        finished = kind == ChapterKind.CONCLUSION
        changes: dict[str, Any] = {"version": F("version") + 1, "updated_at": now}
        if finished:
            changes.update(status=AdventureStatus.COMPLETED, completed_at=now)
        Adventure.objects.filter(pk=adventure_id).update(**changes)
    if finished:
        telemetry.record(
            "adventure_completed",
            adventure_id=adventure_id,
            chapter_number=number,
            chapter_kind=kind,
            duration_ms=(now - adventure.created_at).total_seconds() * 1000,
        )
    return chapter


def chapter_replace_provisional_choices(*, chapter_id: int, provisional: list[str], choices: list[str]) -> bool:
    """Put the repaired choices in place of the stand-in ones, keeping their ids (so a
    button pressed while the new ones were on their way still counts). Nothing happens
    once a choice is made or when the choices are no longer the stand-in ones."""
    with transaction.atomic():
        chapter = Chapter.objects.select_for_update().filter(pk=chapter_id, chosen_choice__isnull=True).first()
        if chapter is None or [c.text for c in chapter.choices] != provisional or len(choices) != len(provisional):
            return False
        chapter.choices = [replace(old, text=text) for old, text in zip(chapter.choices, choices, strict=True)]
        chapter.save(update_fields=["choices"])
        return True


def chapter_set_title_summary(*, chapter_id: int, title: str, summary: str) -> None:
    Chapter.objects.filter(pk=chapter_id).update(title=title[:120], summary=summary)


def character_visuals_save(*, adventure_id: Any, visuals: dict[str, str]) -> None:
    """Create or update the looks of the characters met so far."""
    with transaction.atomic():
        existing = {v.name: v for v in CharacterVisual.objects.filter(adventure_id=adventure_id)}
        for name, description in visuals.items():
            name, description = name.strip()[:80], description.strip()
            if not name or not description:
                continue
            visual = existing.get(name)
            if visual is None:
                CharacterVisual.objects.create(adventure_id=adventure_id, name=name, description=description)
            elif visual.description != description:
                visual.description = description
                visual.save(update_fields=["description", "updated_at"])


# --- Feedback ------------------------------------------------------------------------


class FeedbackAlreadyGiven(Exception):
    """This visitor (or account) has told us once already."""


def feedback_given(*, visitor: str | None, user: Any = None) -> bool:
    owner = Q(pk__in=[])
    if visitor:
        owner |= Q(visitor=visitor)
    if user is not None and getattr(user, "is_authenticated", False):
        owner |= Q(user=user)
    return Feedback.objects.filter(owner).exists()


def feedback_give(
    *,
    visitor: str,
    user: Any = None,
    adventure_id: Any,
    chapter_number: int | None,
    rating: str,
    comment: str = "",
) -> Feedback:
    """Store a visitor's thumbs up or down, once per visitor."""
    try:
        with transaction.atomic():
            if feedback_given(visitor=visitor, user=user):
                raise FeedbackAlreadyGiven
            feedback = Feedback.objects.create(
                rating=rating,
                comment=comment,
                adventure_id=adventure_id,
                chapter_number=chapter_number,
                visitor=visitor,
                user=user if user is not None and user.is_authenticated else None,
            )
    except IntegrityError as error:  # a twin request got there first (the unique constraints)
        raise FeedbackAlreadyGiven from error
    telemetry.record("feedback_given", adventure_id=adventure_id, chapter_number=chapter_number, rating=rating)
    return feedback


# --- Pictures ------------------------------------------------------------------------


def chapter_picture_save(*, chapter_id: int, name: str, alt: str, width: int, height: int) -> None:
    Chapter.objects.filter(pk=chapter_id).update(
        image=name, image_alt=alt[:300], image_width=width, image_height=height, image_status=ImageStatus.READY
    )


def chapter_picture_failed(*, chapter_id: int) -> None:
    Chapter.objects.filter(pk=chapter_id).exclude(image_status=ImageStatus.READY).update(
        image_status=ImageStatus.FAILED
    )


def agency_picture_save(*, adventure_id: Any, option_id: str, name: str, alt: str) -> None:
    """Attach a picture to one of the three agency options (the three arrive in
    parallel, so each update locks the row)."""
    with transaction.atomic():
        adventure = Adventure.objects.select_for_update().get(pk=adventure_id)
        options = [
            replace(option, image=name, alt=alt[:300]) if option.id == option_id else option
            for option in adventure.agency_options
        ]
        Adventure.objects.filter(pk=adventure_id).update(agency_options=options)
