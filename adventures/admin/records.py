"""Telemetry and feedback (read-only), and the dashboard page inside the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format

from adventures.admin.display import adventure_link, pretty_json, short
from adventures.models import (
    Feedback,
    TelemetryEvent,
)


class OutcomeFilter(admin.SimpleListFilter):
    """`details.outcome` of llm_call and image_generated events."""

    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(o, o) for o in ("ok", "error", "timeout", "lost", "limited")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[TelemetryEvent]) -> QuerySet[TelemetryEvent]:
        if self.value():
            return queryset.filter(details__outcome=self.value())
        return queryset


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TelemetryEvent)
class TelemetryEventAdmin(ReadOnlyAdmin):
    # Short columns: the list has to fit beside the admin's menu and the filters at 1280 px.
    list_display = ["when", "name", "adventure", "chapter", "duration", "outcome"]
    list_display_links = ["when"]
    list_filter = ["name", "chapter_kind", OutcomeFilter]
    date_hierarchy = "created_at"
    search_fields = ["adventure_id__exact"]
    search_help_text = "An adventure id."
    show_full_result_count = False  # counting a big table on every page is slow
    readonly_fields = [
        "name",
        "created_at",
        "adventure",
        "chapter_number",
        "chapter_kind",
        "duration_ms",
        "details_json",
    ]
    fields = list(readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # old events go with `cleanup_adventures --telemetry-days`

    @admin.display(description="When", ordering="created_at")
    def when(self, event: TelemetryEvent) -> str:
        return date_format(timezone.localtime(event.created_at), "j M H:i:s")

    @admin.display(description="Adventure", ordering="adventure_id")
    def adventure(self, event: TelemetryEvent) -> str:
        return adventure_link(event.adventure_id)

    @admin.display(description="Chapter", ordering="chapter_number")
    def chapter(self, event: TelemetryEvent) -> str:
        return " ".join(str(part) for part in (event.chapter_number, event.chapter_kind) if part) or "-"

    @admin.display(description="ms", ordering="duration_ms")
    def duration(self, event: TelemetryEvent) -> str:
        return "-" if event.duration_ms is None else str(event.duration_ms)

    @admin.display(description="Outcome")
    def outcome(self, event: TelemetryEvent) -> str:
        return str(event.details.get("outcome", "")) if isinstance(event.details, dict) else ""

    @admin.display(description="Details")
    def details_json(self, event: TelemetryEvent) -> str:
        return pretty_json(event.details)


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "rating", "comment_excerpt", "chapter_number", "adventure_link"]
    list_filter = ["rating", "created_at"]
    date_hierarchy = "created_at"
    search_fields = ["comment", "=visitor", "adventure__id__exact"]
    search_help_text = "Words of a comment, a visitor id or an adventure id."
    readonly_fields = ["created_at", "rating", "comment", "adventure_link", "chapter_number", "visitor", "user"]
    fields = list(readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser  # e.g. to remove a comment on request

    @admin.display(description="Comment")
    def comment_excerpt(self, feedback: Feedback) -> str:
        return short(feedback.comment)

    @admin.display(description="Adventure", ordering="adventure_id")
    def adventure_link(self, feedback: Feedback) -> str:
        return adventure_link(feedback.adventure_id)
