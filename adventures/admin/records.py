"""Telemetry and feedback (read-only), and the dashboard page inside the admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.formats import date_format

from adventures import dashboard
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
    fields = ["name", "created_at", "adventure", "chapter_number", "chapter_kind", "duration_ms", "details_json"]
    readonly_fields = fields

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
    list_display = ["created_at", "rating", "comment_excerpt", "contact", "chapter_number", "adventure_link"]
    list_filter = ["rating", "created_at"]
    date_hierarchy = "created_at"
    search_fields = ["comment", "contact", "=visitor", "adventure__id__exact"]
    search_help_text = "Words of a comment or contact, a visitor id or an adventure id."
    fields = ["created_at", "rating", "comment", "contact", "adventure_link", "chapter_number", "visitor", "user"]
    readonly_fields = fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser  # e.g. to remove a contact on request

    @admin.display(description="Comment")
    def comment_excerpt(self, feedback: Feedback) -> str:
        return short(feedback.comment)

    @admin.display(description="Adventure", ordering="adventure_id")
    def adventure_link(self, feedback: Feedback) -> str:
        return adventure_link(feedback.adventure_id)


# --- The dashboard -------------------------------------------------------------------

DASHBOARD_PERMISSION = "adventures.view_telemetryevent"


def dashboard_view(request: HttpRequest) -> HttpResponse:
    """/admin/dashboard/: play, learning and storyteller figures for a period."""
    if not request.user.has_perm(DASHBOARD_PERMISSION):
        raise PermissionDenied
    today = timezone.localdate()
    period, problem = dashboard.period_from_query(request.GET, today=today)
    figures = dashboard.dashboard(period)
    limits_top = max([0, *figures.rate_limits.values()])
    context = {
        **admin.site.each_context(request),
        "title": "Dashboard",
        "figures": figures,
        "period": period,
        "problem": problem,
        "period_links": [
            (days, f"?days={days}", period == dashboard.last_days(days, today=today)) for days in dashboard.PERIOD_DAYS
        ],
        "day_chart": dashboard.day_chart(figures.per_day),
        "funnels": [
            (
                funnel,
                dashboard.bar_length(funnel.started, funnel.started),
                [(step, dashboard.bar_length(step.adventures, funnel.started)) for step in funnel.steps],
            )
            for funnel in figures.funnels
        ],
        "accuracy_rows": [(row, dashboard.bar_length(row.answers.percent, 100)) for row in figures.accuracy],
        "limit_rows": [
            (limit, hits, dashboard.bar_length(hits, limits_top)) for limit, hits in figures.rate_limits.items()
        ],
        "picture_rows": [
            (purpose, ratio, dashboard.bar_length(ratio.percent, 100))
            for purpose, ratio in figures.pictures.by_purpose.items()
        ],
        "feedback_bar": dashboard.bar_length(figures.feedback.percent, 100),
        "cleanup_days": settings.STORYWEB_CLEANUP_DAYS,
    }
    return TemplateResponse(request, "admin/adventures/dashboard.html", context)


def _with_dashboard(site_urls: Callable[[], list[URLPattern | URLResolver]]) -> Callable[[], list[Any]]:
    def get_urls() -> list[URLPattern | URLResolver]:
        return [path("dashboard/", admin.site.admin_view(dashboard_view), name="dashboard"), *site_urls()]

    return get_urls


# The dashboard lives on the default site, before its catch-all, as admin:dashboard.
admin.site.get_urls = _with_dashboard(admin.site.get_urls)
