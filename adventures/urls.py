"""The game's pages (DESIGN §6)."""

from __future__ import annotations

from django.urls import path

from adventures.play import views

app_name = "adventures"

urlpatterns = [
    path("", views.home, name="home"),
    path("adventures/", views.adventures, name="list"),
    path("adventures/<uuid:adventure_id>/", views.play, name="play"),
    path("adventures/<uuid:adventure_id>/choose/", views.choose, name="choose"),
    path("adventures/<uuid:adventure_id>/recap/", views.recap, name="recap"),
    path("adventures/<uuid:adventure_id>/abandon/", views.abandon, name="abandon"),
    path("adventures/<uuid:adventure_id>/feedback/", views.feedback, name="feedback"),
    path("preferences/text-size/", views.text_size, name="text_size"),
    path("preferences/comfort/", views.comfort, name="comfort"),
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("worlds/<slug:slug>/picture.svg", views.world_picture, name="world_picture"),
]
