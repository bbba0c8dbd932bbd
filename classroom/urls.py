"""The teacher's pages (/teach/). The children's /join/ is in storyweb/urls.py."""

from __future__ import annotations

from django.urls import path

from classroom import views

app_name = "classroom"

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("classes/new/", views.class_new, name="class_new"),
    path("classes/<int:class_id>/", views.class_page, name="class"),
    path("classes/<int:class_id>/settings/", views.class_settings, name="class_settings"),
    path("classes/<int:class_id>/code/", views.class_code, name="class_code"),
    path("classes/<int:class_id>/close/", views.class_close, name="class_close"),
    path("classes/<int:class_id>/results.csv", views.class_csv, name="class_csv"),
    path("classes/<int:class_id>/cards/", views.class_cards, name="class_cards"),
    path("classes/<int:class_id>/children/<int:member_id>/", views.child_page, name="child"),
    path(
        "classes/<int:class_id>/children/<int:member_id>/adventures/<uuid:adventure_id>/",
        views.child_recap,
        name="child_recap",
    ),
    path("classes/<int:class_id>/children/<int:member_id>/remove/", views.child_remove, name="child_remove"),
]
