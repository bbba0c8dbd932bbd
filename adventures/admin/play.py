"""Play admin: adventures with their chapters and character looks, read-mostly."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import flatten
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from adventures import services
from adventures.admin.display import pretty_json, thumbnail
from adventures.models import (
    Adventure,
    Chapter,
    CharacterVisual,
)


class ReadOnlyInline(admin.options.InlineModelAdmin):
    """Rows shown as stored: nothing added, changed or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ChapterInline(ReadOnlyInline, admin.StackedInline):
    model = Chapter
    fields = [
        ("number", "kind", "created_at"),
        ("picture", "image_status"),
        "title",
        "summary",
        "text",
        "choice_list",
        ("chosen_at", "is_correct"),
        "question",
    ]
    readonly_fields = flatten(fields)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Chapter]:
        return super().get_queryset(request).select_related("question")

    @admin.display(description="Picture")
    def picture(self, chapter: Chapter) -> str:
        return thumbnail(chapter.image.name or "", chapter.image_alt) or "-"

    @admin.display(description="Choices")
    def choice_list(self, chapter: Chapter) -> str:
        if not chapter.choices:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}{}{}</li>",
                (
                    (
                        choice.text,
                        " (correct)" if choice.correct else "",
                        " ← chosen" if choice.id == chapter.chosen_choice else "",
                    )
                    for choice in chapter.choices
                ),
            ),
        )


class CharacterVisualInline(ReadOnlyInline, admin.TabularInline):
    model = CharacterVisual
    readonly_fields = ["name", "description", "updated_at"]
    fields = list(readonly_fields)


@admin.register(Adventure)
class AdventureAdmin(admin.ModelAdmin):
    """Play data, shown as it was stored. Superusers may delete (pictures go too)."""

    list_display = [
        "short_id",
        "protagonist_name",
        "world",
        "topic",
        "difficulty",
        "length",
        "status",
        "chapters_written",
        "owner",
        "created_at",
        "updated_at",
    ]
    list_display_links = ["short_id"]
    list_filter = ["status", "world", "topic", "difficulty", "length"]
    list_select_related = ["world", "topic", "user"]
    search_fields = ["id__exact", "=visitor", "=user__username", "world__name", "world__slug", "topic__name"]
    search_help_text = "An adventure id, a visitor id, a username, or a world or topic name."
    date_hierarchy = "created_at"
    inlines = [ChapterInline, CharacterVisualInline]

    class Media:
        css = {"all": ["css/dashboard.css"]}  # the thumbnails

    fieldsets = [
        (None, {"fields": ["id", "status", ("visitor", "user"), ("created_at", "updated_at", "completed_at")]}),
        ("Setup", {"fields": [("world", "topic"), ("difficulty", "length"), "plan", "seed", "version"]}),
        (
            "Story",
            {
                "fields": [
                    ("protagonist_name", "protagonist_look"),
                    "story_elements",
                    "agency_category",
                    "agency_option_list",
                    "agency",
                ]
            },
        ),
    ]
    readonly_fields = [
        *(f.name for f in Adventure._meta.fields if f.name != "elements" and f.name != "agency_options"),
        "story_elements",
        "agency_option_list",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Adventure]:
        return super().get_queryset(request).annotate(chapter_count=Count("chapters"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def delete_model(self, request: HttpRequest, obj: Adventure) -> None:
        services.adventures_delete(adventure_ids=[obj.pk])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Adventure]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        for start in range(0, len(ids), 200):
            services.adventures_delete(adventure_ids=ids[start : start + 200])

    @admin.display(description="Adventure", ordering="id")
    def short_id(self, adventure: Adventure) -> str:
        return str(adventure.pk)[:8]

    @admin.display(description="Chapters", ordering="chapter_count")
    def chapters_written(self, adventure: Adventure) -> int:
        count: int = getattr(adventure, "chapter_count")  # noqa: B009 - annotated by get_queryset
        return count

    @admin.display(description="Owner", ordering="visitor")
    def owner(self, adventure: Adventure) -> str:
        if adventure.user is not None:
            return adventure.user.get_username()
        return f"visitor {adventure.visitor[:8]}"

    @admin.display(description="Narrative elements")
    def story_elements(self, adventure: Adventure) -> str:
        return pretty_json(dataclasses.asdict(adventure.elements))

    @admin.display(description="Agency options")
    def agency_option_list(self, adventure: Adventure) -> str:
        return format_html(
            '<ul class="storyweb-agency">{}</ul>',
            format_html_join(
                "",
                "<li>{} {}: {}</li>",
                (
                    (
                        thumbnail(option.image or "", option.alt or ""),
                        option.name,
                        option.visual,
                    )
                    for option in adventure.agency_options or []
                ),
            ),
        )
