"""The admin's "Safety flags": every sentence, chapter, picture prompt, name or comment a
safety layer stopped, with what was done about it (read-only; telemetry retention
removes old ones)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from adventures.admin.display import adventure_link, short
from adventures.admin.records import ReadOnlyAdmin
from adventures.models import SafetyFlag
from adventures.safety import moderation


class _DetailFilter(admin.SimpleListFilter):
    key = ""
    values: tuple[str, ...] = ()

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(v, v.replace("_", " ")) for v in self.values]

    def queryset(self, request: HttpRequest, queryset: QuerySet[SafetyFlag]) -> QuerySet[SafetyFlag]:
        return queryset.filter(**{f"details__{self.key}": self.value()}) if self.value() else queryset


class CategoryFilter(_DetailFilter):
    title = parameter_name = key = "category"
    values = moderation.CATEGORIES[1:]


class WhereFilter(_DetailFilter):
    title = parameter_name = key = "where"
    values = ("chapter", "picture", "username", "feedback")


class SeverityFilter(admin.SimpleListFilter):
    title = parameter_name = "severity"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(n), f"{n} and worse") for n in (3, 4, 5)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[SafetyFlag]) -> QuerySet[SafetyFlag]:
        value = self.value()
        if value in ("3", "4", "5"):
            return queryset.filter(details__severity__gte=int(value))
        return queryset


def _detail(name: str, description: str) -> Any:
    @admin.display(description=description)
    def show(self: Any, flag: SafetyFlag) -> str:
        return str(flag.details.get(name, "")) if isinstance(flag.details, dict) else ""

    return show


@admin.register(SafetyFlag)
class SafetyFlagAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "where", "category", "severity", "layer", "action", "text_excerpt", "adventure"]
    list_filter = [WhereFilter, CategoryFilter, SeverityFilter]
    date_hierarchy = "created_at"
    search_fields = ["adventure_id__exact"]
    search_help_text = "An adventure id."
    show_full_result_count = False
    readonly_fields = [
        "created_at",
        "where",
        "category",
        "severity",
        "layer",
        "action",
        "text",
        "adventure",
        "chapter_number",
    ]
    fields = list(readonly_fields)

    where = _detail("where", "Where")
    category = _detail("category", "Category")
    severity = _detail("severity", "Severity (1-5)")
    layer = _detail("layer", "Caught by")
    action = _detail("action", "What was done")
    text = _detail("text", "The flagged text (never shown to the player)")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Text")
    def text_excerpt(self, flag: SafetyFlag) -> str:
        return short(str(flag.details.get("text", "")) if isinstance(flag.details, dict) else "")

    @admin.display(description="Adventure", ordering="adventure_id")
    def adventure(self, flag: SafetyFlag) -> str:
        return adventure_link(flag.adventure_id)
