"""Classroom: teachers, their classes and the children in them (DESIGN §7b).

A child is a `ClassMember`: a nickname in one class, nothing else (no email, no
password, no surname). While they play, the member's `visitor` id is the session's
player id, so every adventure page and the socket know them as the owner through the
same rule as any guest (adventures/play/visitors.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from adventures import plan as plan_rules
from adventures.models import AgeBand, Difficulty
from adventures.play.forms import StartOffer
from classroom import codes


class TeacherProfile(models.Model):
    """Makes an account a teacher's. Staff can add one to any account in the admin."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teacher_profile")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Teacher {self.user}"


class SchoolClassQuerySet(models.QuerySet["SchoolClass"]):
    def of_teacher(self, user: Any) -> SchoolClassQuerySet:
        return self.filter(teacher=user) if getattr(user, "is_authenticated", False) else self.none()

    def open(self) -> SchoolClassQuerySet:
        return self.filter(closed_at__isnull=True)


class SchoolClass(models.Model):
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_classes")
    name = models.CharField(max_length=80)
    code = models.CharField(max_length=12, unique=True, help_text="What children type at /join/.")
    # What the class may play. No worlds (or topics) ticked: all of them; one: assigned.
    worlds = models.ManyToManyField("adventures.StoryWorld", blank=True, related_name="+")
    topics = models.ManyToManyField("adventures.LessonTopic", blank=True, related_name="+")
    difficulty = models.CharField(
        max_length=12, choices=Difficulty.choices, blank=True, help_text="Blank: they choose."
    )
    length = models.PositiveSmallIntegerField(
        choices=list(plan_rules.LENGTH_LABELS.items()), null=True, blank=True, help_text="Blank: they choose."
    )
    age_band = models.CharField(max_length=5, choices=AgeBand.choices, blank=True, help_text="Blank: they choose.")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="No joining or playing once closed.")

    objects = SchoolClassQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "school classes"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def spoken_code(self) -> str:
        return codes.spoken(self.code)

    def start_offer(self) -> StartOffer:
        """What the start page offers this class's children."""
        return StartOffer(
            world_ids=list(self.worlds.values_list("pk", flat=True)) or None,
            topic_ids=list(self.topics.values_list("pk", flat=True)) or None,
            difficulty=self.difficulty,
            length=self.length,
            age_band=self.age_band,
        )


class ClassMemberQuerySet(models.QuerySet["ClassMember"]):
    def active(self) -> ClassMemberQuerySet:
        return self.filter(school_class__closed_at__isnull=True)


class ClassMember(models.Model):
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="members")
    nickname = models.CharField(max_length=30, help_text="A first name or nickname; nothing else is kept.")
    visitor = models.CharField(max_length=64, unique=True, default=codes.new_member_visitor)
    rejoin_token = models.CharField(max_length=40, unique=True, default=codes.new_rejoin_token)
    card_code = models.CharField(max_length=8, default=codes.new_card_code, help_text="Printed on the child's card.")
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = ClassMemberQuerySet.as_manager()

    class Meta:
        ordering = [Lower("nickname")]
        constraints = [
            models.UniqueConstraint(Lower("nickname"), "school_class", name="classroom_member_unique_nickname"),
        ]

    def __str__(self) -> str:
        return self.nickname
