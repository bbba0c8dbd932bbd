"""Play: an adventure (everything fixed at its start plus where the player is), its
chapters and the looks of its characters. Every write goes through adventures/services/."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from adventures import plan as plan_rules
from adventures.models.content import Difficulty, LessonTopic, Question, StoryWorld
from adventures.models.fields import ShapedJSONField
from adventures.plan import ChapterKind
from adventures.shapes import AgencyOption, Choice, Elements, PlotTwist


class Pronouns(models.TextChoices):
    """How the story calls the hero, chosen by the player at the start."""

    THEY = "they", "they / them"
    SHE = "she", "she / her"
    HE = "he", "he / him"


class AgeBand(models.TextChoices):
    """The reader's age band (reading_level.AGE_BANDS): the storytellers write to it."""

    YOUNGER = "8-10", "8 to 10"
    OLDER = "11-13", "11 to 13"


class AdventureStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    ABANDONED = "abandoned", "Abandoned"


class AdventureQuerySet(models.QuerySet):
    def owned_by(self, *, visitor: str | None, user: Any = None) -> AdventureQuerySet:
        """Adventures this visitor (anonymous session) or this signed-in user may see."""
        owner = Q(pk__in=[])
        if user is not None and getattr(user, "is_authenticated", False):
            owner |= Q(user=user)
        if visitor:
            # A class member's adventures are not played once the class is closed (classroom/),
            # even by a socket whose session still holds the member's id.
            open_class = Q(member__isnull=True) | Q(member__school_class__closed_at__isnull=True)
            owner |= Q(visitor=visitor, user__isnull=True) & open_class
        return self.filter(owner)

    def in_progress(self) -> AdventureQuerySet:
        return self.filter(status=AdventureStatus.IN_PROGRESS)

    def with_content(self) -> AdventureQuerySet:
        return self.select_related("world", "topic")

    def with_progress(self) -> AdventureQuerySet:
        """Each with `chapters_written` (the highest chapter number, 0 for none) and
        `latest_picture` (the stored picture of the newest chapter that has one, or "")."""
        pictures = (
            Chapter.objects.filter(adventure=OuterRef("pk"), image_status=ImageStatus.READY)
            .exclude(image="")
            .order_by("-number")
            .values("image")[:1]
        )
        return self.annotate(
            chapters_written=Coalesce(Max("chapters__number"), 0),
            latest_picture=Coalesce(Subquery(pictures), Value(""), output_field=models.CharField()),
        )


class Adventure(models.Model):
    """The AdventureState: everything fixed at the start plus where the player is."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    visitor = models.CharField(max_length=64, db_index=True, help_text="The anonymous visitor who started it.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="adventures"
    )
    # A child in a class plays as a member (classroom/): removing them removes these too.
    member = models.ForeignKey(
        "classroom.ClassMember", null=True, blank=True, on_delete=models.CASCADE, related_name="adventures"
    )
    world = models.ForeignKey(StoryWorld, on_delete=models.PROTECT, related_name="adventures")
    topic = models.ForeignKey(LessonTopic, on_delete=models.PROTECT, related_name="adventures")
    difficulty = models.CharField(max_length=12, choices=Difficulty.choices, default=Difficulty.STANDARD)
    age_band = models.CharField(max_length=5, choices=AgeBand.choices, default=AgeBand.YOUNGER)
    length = models.PositiveSmallIntegerField(
        choices=[(n, label) for n, label in plan_rules.LENGTH_LABELS.items()], default=plan_rules.DEFAULT_LENGTH
    )
    plan = ShapedJSONField[Any, list[ChapterKind]](
        shape=list[ChapterKind], help_text="Chapter kinds in order, fixed at the start."
    )
    seed = models.BigIntegerField(help_text="Seeds every random draw of this adventure.")
    elements = ShapedJSONField[Any, Elements](
        shape=Elements, help_text="The drawn quest, setting, theme, moral, plot twist and senses."
    )
    protagonist_name = models.CharField(max_length=60)
    protagonist_look = models.TextField()
    pronouns = models.CharField(max_length=4, choices=Pronouns.choices, default=Pronouns.THEY)
    agency_category = models.CharField(max_length=20)
    agency_options = ShapedJSONField[Any, list[AgencyOption]](
        shape=list[AgencyOption], help_text="The three options offered at the end of chapter 1."
    )
    agency = ShapedJSONField[Any, AgencyOption | None](
        shape=AgencyOption | None, null=True, blank=True, help_text="The option picked: {id, name, visual}."
    )
    status = models.CharField(
        max_length=12, choices=AdventureStatus.choices, default=AdventureStatus.IN_PROGRESS, db_index=True
    )
    version = models.PositiveIntegerField(default=0, help_text="Bumped by every write; guards concurrent writers.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = AdventureQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["visitor", "status", "-updated_at"], name="adventure_visitor_idx"),
            models.Index(fields=["user", "status", "-updated_at"], name="adventure_user_idx"),
            models.Index(fields=["status", "updated_at"], name="adventure_cleanup_idx"),
            models.Index(fields=["created_at"], name="adventure_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(length__in=plan_rules.LENGTHS), name="adventure_length_known"),
            models.CheckConstraint(condition=Q(status__in=AdventureStatus.values), name="adventure_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.protagonist_name} in {self.world_id and self.world.name} ({self.id})"

    @property
    def is_in_progress(self) -> bool:
        return self.status == AdventureStatus.IN_PROGRESS

    def kind_of(self, number: int) -> ChapterKind:
        return self.plan[number - 1]

    def phase_of(self, number: int) -> str:
        return plan_rules.phase_of(number, self.length)

    @property
    def plot_twist(self) -> PlotTwist:
        return self.elements.plot_twist


class ImageStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class NarrationStatus(models.TextChoices):
    NONE = "none", "Not made"  # narration off, or not asked for yet
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ChapterQuerySet(models.QuerySet):
    def answered_lessons(self) -> ChapterQuerySet:
        return self.filter(kind=ChapterKind.LESSON, chosen_choice__isnull=False)


def chapter_image_path(chapter: Chapter, filename: str) -> str:
    return f"adventures/{chapter.adventure_id}/{filename}"


class Chapter(models.Model):
    adventure = models.ForeignKey(Adventure, on_delete=models.CASCADE, related_name="chapters")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=[(kind.value, kind.label) for kind in ChapterKind])
    text = models.TextField()
    choices = ShapedJSONField[Any, list[Choice]](shape=list[Choice], default=list, blank=True)
    # NULL until chosen: `UPDATE ... WHERE chosen_choice IS NULL` makes a choice count once.
    chosen_choice = models.CharField(max_length=32, null=True, blank=True)  # noqa: DJ001
    chosen_at = models.DateTimeField(null=True, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="chapters")
    title = models.CharField(max_length=120, blank=True)
    summary = models.TextField(blank=True)
    image = models.FileField(upload_to=chapter_image_path, blank=True, max_length=200)
    image_status = models.CharField(max_length=8, choices=ImageStatus.choices, default=ImageStatus.PENDING)
    image_alt = models.CharField(max_length=300, blank=True)
    image_width = models.PositiveSmallIntegerField(null=True, blank=True)
    image_height = models.PositiveSmallIntegerField(null=True, blank=True)
    # The Gemini narration (adventures/play/narration.py): a WAV file beside the picture and,
    # per sentence of the text, [letters before it, start s, end s] for the highlight.
    narration = models.FileField(upload_to=chapter_image_path, blank=True, max_length=200)
    narration_status = models.CharField(max_length=8, choices=NarrationStatus.choices, default=NarrationStatus.NONE)
    narration_timings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the chapter was written and saved.")

    objects = ChapterQuerySet.as_manager()

    class Meta:
        ordering = ["adventure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["adventure", "number"], name="chapter_unique_number"),
            models.CheckConstraint(
                condition=Q(kind__in=[kind.value for kind in ChapterKind]), name="chapter_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Chapter {self.number} of {self.adventure_id}"

    @property
    def chosen(self) -> Choice | None:
        return next((c for c in self.choices if c.id == self.chosen_choice), None)

    @property
    def correct_choice(self) -> Choice | None:
        return next((c for c in self.choices if c.correct), None)

    @property
    def is_question(self) -> bool:
        return self.kind == ChapterKind.LESSON


class CharacterVisual(models.Model):
    adventure = models.ForeignKey(Adventure, on_delete=models.CASCADE, related_name="character_visuals")
    name = models.CharField(max_length=80)
    description = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["adventure", "name"]
        constraints = [models.UniqueConstraint(fields=["adventure", "name"], name="visual_unique_name")]

    def __str__(self) -> str:
        return self.name
