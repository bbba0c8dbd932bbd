"""StoryWeb's admin site: Django's, with its own titles, the throttled login form and
the dashboard page (admin:dashboard, /admin/dashboard/) before the site's catch-all URL.

It is the default site (adventures.apps.StoryWebAdminConfig), so `admin.site` and
`@admin.register` in adventures/admin/ mean this one. It lives outside that package
because Django imports the site while the package is still registering its models.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone

from adventures.accounts import AdminLoginForm
from adventures.operations import dashboard


class StoryWebAdminSite(admin.AdminSite):
    site_header = "StoryWeb admin"  # instead of "Django administration"
    site_title = "StoryWeb admin"
    index_title = "Stories, players and figures"
    login_form = AdminLoginForm

    def get_urls(self) -> list[URLPattern | URLResolver]:
        return [path("dashboard/", self.admin_view(dashboard_view), name="dashboard"), *super().get_urls()]


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
        "safety_rows": [
            (day, stops, dashboard.bar_length(stops, max([1, *(n for _, n in figures.safety_stops)])))
            for day, stops in figures.safety_stops
        ],
        "safety_total": sum(n for _, n in figures.safety_stops),
        "cleanup_days": settings.STORYWEB_CLEANUP_DAYS,
    }
    return TemplateResponse(request, "admin/adventures/dashboard.html", context)
