"""Every write of the classroom: teachers, classes, members, housekeeping (STYLE:
writes are services with their own transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from adventures import services as adventure_services
from adventures.models import Adventure, LessonTopic, StoryWorld
from classroom import codes
from classroom.models import ClassMember, SchoolClass, TeacherProfile


class NicknameTaken(Exception):
    """Someone in the class already has this nickname."""


def teacher_make(*, user: Any) -> TeacherProfile:
    profile, _ = TeacherProfile.objects.get_or_create(user=user)
    return profile


def _with_fresh_code(save: Any) -> None:
    """Run `save(code)` with new codes until one is not taken (a clash is rare)."""
    for _ in range(20):
        try:
            with transaction.atomic():
                save(codes.new_code())
            return
        except IntegrityError:
            continue
    raise RuntimeError("could not find a free class code")


def class_create(*, teacher: Any, name: str) -> SchoolClass:
    created: list[SchoolClass] = []
    _with_fresh_code(lambda code: created.append(SchoolClass.objects.create(teacher=teacher, name=name, code=code)))
    return created[0]


def class_regenerate_code(*, school_class: SchoolClass) -> str:
    """A new join code; the old one stops working. Children already in keep playing."""

    def save(code: str) -> None:
        SchoolClass.objects.filter(pk=school_class.pk).update(code=code)
        school_class.code = code

    _with_fresh_code(save)
    return school_class.code


def class_close(*, school_class: SchoolClass) -> bool:
    """Nobody joins or plays any more; the teacher still sees the results until
    cleanup_adventures removes the class after the retention period."""
    changed = SchoolClass.objects.filter(pk=school_class.pk, closed_at__isnull=True).update(closed_at=timezone.now())
    return bool(changed)


def class_settings_save(
    *,
    school_class: SchoolClass,
    worlds: list[StoryWorld],
    topics: list[LessonTopic],
    difficulty: str,
    length: int | None,
    age_band: str,
) -> None:
    with transaction.atomic():
        school_class.difficulty, school_class.length, school_class.age_band = difficulty, length, age_band
        school_class.save(update_fields=["difficulty", "length", "age_band"])
        school_class.worlds.set(worlds)
        school_class.topics.set(topics)


def member_join(*, school_class: SchoolClass, nickname: str) -> ClassMember:
    """A child joins with a nickname (nothing else is kept)."""
    try:
        with transaction.atomic():
            member = ClassMember.objects.create(school_class=school_class, nickname=nickname)
    except IntegrityError as error:
        raise NicknameTaken(nickname) from error
    return member


def member_remove(*, member: ClassMember) -> int:
    """Remove a child and everything they played (chapters, pictures). Returns how many
    adventures went."""
    ids = list(Adventure.objects.filter(member=member).values_list("pk", flat=True))
    report = adventure_services.adventures_delete(adventure_ids=ids) if ids else adventure_services.CleanupReport()
    member.delete()
    return report.adventures


@dataclass(frozen=True)
class ClassCleanup:
    classes: int = 0
    members: int = 0
    adventures: int = 0


def classes_delete_closed(*, older_than: datetime, dry_run: bool = False) -> ClassCleanup:
    """Delete classes closed before `older_than`, with their members and everything
    the members played (pictures included)."""
    closed = SchoolClass.objects.filter(closed_at__lt=older_than).order_by()
    members = ClassMember.objects.filter(school_class__in=closed)
    adventure_ids = list(Adventure.objects.filter(member__in=members).values_list("pk", flat=True))
    if dry_run:
        return ClassCleanup(classes=closed.count(), members=members.count(), adventures=len(adventure_ids))
    removed = adventure_services.adventures_delete(adventure_ids=adventure_ids).adventures if adventure_ids else 0
    with transaction.atomic():
        _, deleted = closed.delete()
    return ClassCleanup(
        classes=deleted.get(SchoolClass._meta.label, 0),
        members=deleted.get(ClassMember._meta.label, 0),
        adventures=removed,
    )
