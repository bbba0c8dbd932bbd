"""The game's content, edited in the admin and loaded from adventures/content/: story
worlds, lesson topics and their questions."""

from __future__ import annotations

import re
import uuid
from typing import Any, Self

import pydantic
from django.core.exceptions import ValidationError
from django.db import models

from adventures.shapes import Character, PlotTwist


def _validate_string_list(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValidationError("Enter a list of non-empty texts.")


def _validate_palette(value: Any) -> None:
    if not isinstance(value, dict) or set(value) != set(PALETTE_KEYS):
        raise ValidationError(f"The palette needs exactly these colours: {', '.join(PALETTE_KEYS)}.")
    for key, colour in value.items():
        if not isinstance(colour, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            raise ValidationError(f"The colour {key} must look like #12ab9f.")


PALETTE_KEYS = ("sky", "horizon", "ground", "accent", "dark", "light")
_CHARACTERS = pydantic.TypeAdapter(list[Character])
_PLOT_TWISTS = pydantic.TypeAdapter(list[PlotTwist])


def _has_shape(adapter: pydantic.TypeAdapter[Any], value: Any) -> bool:
    """Does `value` (JSON) have this shape, with no text left empty?"""
    try:
        typed = adapter.validate_python(value or [])
    except pydantic.ValidationError:
        return False
    return all(isinstance(text, str) and text.strip() for item in typed for text in vars(item).values())


class Difficulty(models.TextChoices):
    STANDARD = "standard", "Standard"
    CHALLENGING = "challenging", "Challenging"


class ContentQuerySet(models.QuerySet):
    def active(self) -> Self:
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
        if not _has_shape(_PLOT_TWISTS, self.plot_twists):
            raise ValidationError({"plot_twists": f"Every plot twist needs {', '.join(PLOT_TWIST_PARTS)}."})
        if not _has_shape(_CHARACTERS, self.characters):
            raise ValidationError({"characters": "Every character needs a name, a role and a look."})

    # The admin edits the characters and twists as JSON (so they are stored and edited
    # as plain lists); these are how the game reads them.
    @property
    def character_list(self) -> list[Character]:
        return _CHARACTERS.validate_python(self.characters)

    @property
    def plot_twist_list(self) -> list[PlotTwist]:
        return _PLOT_TWISTS.validate_python(self.plot_twists)


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
