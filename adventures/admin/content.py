"""Content admin: story worlds, lesson topics and questions, editable and validated."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from adventures.models import (
    LessonTopic,
    Question,
    StoryWorld,
)


class LinesField(forms.Field):
    """A list of texts edited as one item per line; blank lines are dropped."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 100})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value  # the text as typed, shown again after an error

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list):
            return value
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class PrettyJSONField(forms.JSONField):
    """JSON shown indented, so that a list of objects can be read and edited."""

    widget = forms.Textarea(attrs={"rows": 14, "cols": 100})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False, cls=self.encoder)


ONE_PER_LINE = "One per line."
STRING_LISTS = ("quests", "settings", "themes", "morals", "obstacles", "sights", "sounds", "smells")


class StoryWorldForm(forms.ModelForm):
    quests = LinesField(help_text=f"{ONE_PER_LINE} What the hero sets out to do.")
    settings = LinesField(help_text=f"{ONE_PER_LINE} Places where chapters happen.")
    themes = LinesField(help_text=ONE_PER_LINE)
    morals = LinesField(help_text=f"{ONE_PER_LINE} A sentence each.")
    obstacles = LinesField(help_text=ONE_PER_LINE)
    sights = LinesField(help_text=ONE_PER_LINE)
    sounds = LinesField(help_text=ONE_PER_LINE)
    smells = LinesField(help_text=ONE_PER_LINE)
    characters = PrettyJSONField(
        help_text='A JSON list of characters: [{"name": "…", "role": "…", "look": "…"}, …].',
    )
    plot_twists = PrettyJSONField(
        help_text='A JSON list: [{"summary": "…", "hint": "…", "build": "…", "reveal": "…", "resolution": "…"}, …].',
    )
    palette = PrettyJSONField(
        help_text='Six colours as JSON: {"sky": "#f7c59f", "horizon": …, "ground": …, "accent": …, '
        '"dark": …, "light": …}.',
    )

    class Meta:
        model = StoryWorld
        fields = ["name", "slug", "is_active", "description", "look", "palette", "characters", "plot_twists"]
        fields += list(STRING_LISTS)


@admin.register(StoryWorld)
class StoryWorldAdmin(admin.ModelAdmin):
    form = StoryWorldForm
    list_display = ["name", "slug", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_active", "description", "look", "palette"]}),
        ("Story material", {"fields": ["quests", "characters", "settings", "themes", "morals", "plot_twists"]}),
        ("Obstacles and senses", {"fields": ["obstacles", "sights", "sounds", "smells"]}),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]


class QuestionForm(forms.ModelForm):
    """Checked by `Question.clean()`: three different answers and an explanation."""

    class Meta:
        model = Question
        fields = [
            "topic",
            "key",
            "difficulty",
            "text",
            "answer",
            "wrong_answer_1",
            "wrong_answer_2",
            "explanation",
            "misconception",
            "hook",
            "is_active",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3, "cols": 60}),
            "explanation": forms.Textarea(attrs={"rows": 3, "cols": 60}),
            "misconception": forms.Textarea(attrs={"rows": 2, "cols": 60}),
            "hook": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "key" in self.fields:
            self.fields["key"].required = False  # Question.save() makes one


class QuestionInlineForm(QuestionForm):
    class Meta(QuestionForm.Meta):
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2, "cols": 36}),
            "explanation": forms.Textarea(attrs={"rows": 2, "cols": 30}),
        }


class QuestionInline(admin.TabularInline):
    model = Question
    form = QuestionInlineForm
    extra = 0
    fields = ["difficulty", "text", "answer", "wrong_answer_1", "wrong_answer_2", "explanation", "is_active"]
    show_change_link = True


@admin.register(LessonTopic)
class LessonTopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "questions", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [QuestionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[LessonTopic]:
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(ordering="question_count")
    def questions(self, topic: LessonTopic) -> int:
        count: int = getattr(topic, "question_count")  # noqa: B009 - annotated by get_queryset
        return count


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionForm
    list_display = ["text", "topic", "difficulty", "answer", "is_active"]
    list_filter = ["topic", "difficulty", "is_active"]
    list_select_related = ["topic"]
    search_fields = ["text", "answer", "key", "misconception", "hook"]
    readonly_fields = ["created_at", "updated_at"]
