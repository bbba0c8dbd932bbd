"""The game's data: content (worlds, topics, questions) and play (adventures, chapters).

Reads live on the QuerySets here; every write goes through adventures/services.py.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from adventures import plan as plan_rules


def _validate_string_list(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValidationError("Enter a list of non-empty texts.")


def _validate_palette(value: Any) -> None:
    import re

    if not isinstance(value, dict) or set(value) != set(PALETTE_KEYS):
        raise ValidationError(f"The palette needs exactly these colours: {', '.join(PALETTE_KEYS)}.")
    for key, colour in value.items():
        if not isinstance(colour, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            raise ValidationError(f"The colour {key} must look like #12ab9f.")


PALETTE_KEYS = ("sky", "horizon", "ground", "accent", "dark", "light")


class Difficulty(models.TextChoices):
    STANDARD = "standard", "Standard"
    CHALLENGING = "challenging", "Challenging"


class Pronouns(models.TextChoices):
    """How the story calls the hero, chosen by the player at the start."""

    THEY = "they", "they / them"
    SHE = "she", "she / her"
    HE = "he", "he / him"


class AgeBand(models.TextChoices):
    """The reader's age band (reading_level.AGE_BANDS): the storytellers write to it."""

    YOUNGER = "8-10", "8 to 10"
    OLDER = "11-13", "11 to 13"


# --- Content -------------------------------------------------------------------------


class ContentQuerySet(models.QuerySet):
    def active(self) -> ContentQuerySet:
        return self.filter(is_active=True)


class StoryWorld(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField(help_text="Two sentences, shown in the picker.")
    look = models.TextField(help_text="One sentence on the visual style, for picture prompts.")
    palette = models.JSONField(validators=[_validate_palette], help_text="Colours for the offline pictures.")
    quests = models.JSONField(default=list, validators=[_validate_string_list])
    characters = models.JSONField(default=list, help_text="A list of {name, role, look}.")
    settings = models.JSONField(default=list, validators=[_validate_string_list])
    themes = models.JSONField(default=list, validators=[_validate_string_list])
    morals = models.JSONField(default=list, validators=[_validate_string_list])
    plot_twists = models.JSONField(default=list, help_text="A list of {summary, hint, build, reveal, resolution}.")
    obstacles = models.JSONField(default=list, validators=[_validate_string_list])
    sights = models.JSONField(default=list, validators=[_validate_string_list])
    sounds = models.JSONField(default=list, validators=[_validate_string_list])
    smells = models.JSONField(default=list, validators=[_validate_string_list])
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        for twist in self.plot_twists or []:
            if not isinstance(twist, dict) or any(not twist.get(k) for k in PLOT_TWIST_PARTS):
                raise ValidationError({"plot_twists": f"Every plot twist needs {', '.join(PLOT_TWIST_PARTS)}."})
        for character in self.characters or []:
            if not isinstance(character, dict) or any(not character.get(k) for k in ("name", "role", "look")):
                raise ValidationError({"characters": "Every character needs a name, a role and a look."})


PLOT_TWIST_PARTS = ("summary", "hint", "build", "reveal", "resolution")
WORLD_ELEMENT_LISTS = ("settings", "themes", "morals", "plot_twists", "obstacles", "sights", "sounds", "smells")


class LessonTopic(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QuestionQuerySet(ContentQuerySet):
    def for_lesson(self, *, topic_id: int, difficulty: str, exclude_ids: list[int]) -> QuestionQuerySet:
        return self.active().filter(topic_id=topic_id, difficulty=difficulty).exclude(id__in=exclude_ids)


class Question(models.Model):
    topic = models.ForeignKey(LessonTopic, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(
        max_length=80, help_text="Stable id from the content file; questions added here get one automatically."
    )
    difficulty = models.CharField(max_length=12, choices=Difficulty.choices, default=Difficulty.STANDARD)
    text = models.TextField()
    answer = models.CharField(max_length=200, help_text="The one correct answer.")
    wrong_answer_1 = models.CharField(max_length=200)
    wrong_answer_2 = models.CharField(max_length=200)
    explanation = models.TextField(help_text="One or two sentences on why the answer is right.")
    misconception = models.TextField(
        blank=True,
        help_text="One line on the most tempting wrong answer: why a child might pick it and why it is not right.",
    )
    hook = models.TextField(blank=True, help_text="One line linking the fact to everyday life.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "difficulty", "key"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "key"], name="question_unique_key_per_topic"),
        ]
        indexes = [models.Index(fields=["topic", "difficulty", "is_active"], name="question_lesson_idx")]

    def __str__(self) -> str:
        return self.text

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.key:
            self.key = f"admin-{uuid.uuid4().hex[:12]}"
        super().save(*args, **kwargs)

    @property
    def answers(self) -> list[str]:
        return [self.answer, self.wrong_answer_1, self.wrong_answer_2]

    def clean(self) -> None:
        answers = [a.strip().casefold() for a in self.answers]
        if len(set(answers)) != 3:
            raise ValidationError("The correct answer and the two wrong answers must all be different.")
        if not (self.explanation or "").strip():
            raise ValidationError({"explanation": "Explain why the answer is right."})


# --- Play ----------------------------------------------------------------------------


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
            owner |= Q(visitor=visitor, user__isnull=True)
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
    world = models.ForeignKey(StoryWorld, on_delete=models.PROTECT, related_name="adventures")
    topic = models.ForeignKey(LessonTopic, on_delete=models.PROTECT, related_name="adventures")
    difficulty = models.CharField(max_length=12, choices=Difficulty.choices, default=Difficulty.STANDARD)
    age_band = models.CharField(max_length=5, choices=AgeBand.choices, default=AgeBand.YOUNGER)
    length = models.PositiveSmallIntegerField(
        choices=[(n, label) for n, label in plan_rules.LENGTH_LABELS.items()], default=plan_rules.DEFAULT_LENGTH
    )
    plan = models.JSONField(help_text="Chapter kinds in order, fixed at the start.")
    seed = models.BigIntegerField(help_text="Seeds every random draw of this adventure.")
    elements = models.JSONField(help_text="The drawn quest, setting, theme, moral, plot twist and senses.")
    protagonist_name = models.CharField(max_length=60)
    protagonist_look = models.TextField()
    pronouns = models.CharField(max_length=4, choices=Pronouns.choices, default=Pronouns.THEY)
    agency_category = models.CharField(max_length=20)
    agency_options = models.JSONField(help_text="The three options offered at the end of chapter 1.")
    agency = models.JSONField(null=True, blank=True, help_text="The option picked: {id, name, visual}.")
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

    def kind_of(self, number: int) -> str:
        return self.plan[number - 1]

    def phase_of(self, number: int) -> str:
        return plan_rules.phase_of(number, self.length)

    @property
    def plot_twist(self) -> dict[str, str]:
        return self.elements["plot_twist"]


class ChapterKind(models.TextChoices):
    STORY = plan_rules.STORY, "Story"
    LESSON = plan_rules.LESSON, "Lesson"
    REFLECT = plan_rules.REFLECT, "Reflect"
    CONCLUSION = plan_rules.CONCLUSION, "Conclusion"


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
    kind = models.CharField(max_length=12, choices=ChapterKind.choices)
    text = models.TextField()
    # [{"id": opaque, "text": ..., "correct": bool (lessons only; never sent to the page)}]
    choices = models.JSONField(default=list, blank=True)
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
    # The Gemini narration (adventures/narration.py): a WAV file beside the picture and,
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
            models.CheckConstraint(condition=Q(kind__in=ChapterKind.values), name="chapter_kind_known"),
        ]

    def __str__(self) -> str:
        return f"Chapter {self.number} of {self.adventure_id}"

    @property
    def chosen(self) -> dict[str, Any] | None:
        return next((c for c in self.choices if c["id"] == self.chosen_choice), None)

    @property
    def correct_choice(self) -> dict[str, Any] | None:
        return next((c for c in self.choices if c.get("correct")), None)

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


class TelemetryEvent(models.Model):
    """One thing that happened. Keeps the adventure's id, not a foreign key, so that
    events outlive the adventures they describe and cleanup never rewrites them."""

    name = models.CharField(max_length=40)
    created_at = models.DateTimeField(db_index=True)
    adventure_id = models.UUIDField(null=True, blank=True, db_index=True)
    chapter_number = models.PositiveSmallIntegerField(null=True, blank=True)
    chapter_kind = models.CharField(max_length=12, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["name", "created_at"], name="telemetry_name_time_idx")]

    def __str__(self) -> str:
        return f"{self.name} at {self.created_at:%Y-%m-%d %H:%M:%S}"


class SafetyFlagManager(models.Manager["SafetyFlag"]):
    def get_queryset(self) -> models.QuerySet[SafetyFlag]:
        return super().get_queryset().filter(name="safety_flag")


class SafetyFlag(TelemetryEvent):
    """The `safety_flag` events (adventures/safety/flags.py), for the admin's review list."""

    objects = SafetyFlagManager()

    class Meta:
        proxy = True
        ordering = ["-created_at"]
        verbose_name = "safety flag"


class FeedbackRating(models.TextChoices):
    UP = "up", "Thumbs up"
    DOWN = "down", "Thumbs down"


class Feedback(models.Model):
    rating = models.CharField(max_length=4, choices=FeedbackRating.choices)
    comment = models.TextField(blank=True, max_length=2000)
    adventure = models.ForeignKey(Adventure, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback")
    chapter_number = models.PositiveSmallIntegerField(null=True, blank=True)
    visitor = models.CharField(max_length=64, blank=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(condition=Q(rating__in=FeedbackRating.values), name="feedback_rating_known"),
            # "Once per visitor" holds even for two requests at the same instant.
            models.UniqueConstraint(fields=["visitor"], condition=~Q(visitor=""), name="feedback_once_per_visitor"),
            models.UniqueConstraint(fields=["user"], condition=Q(user__isnull=False), name="feedback_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} ({self.created_at:%Y-%m-%d})"
