"""WebSocket routes, under /ws/."""

from __future__ import annotations

from django.urls import path

from adventures.play.consumers import AdventureConsumer

websocket_urlpatterns = [
    path("ws/adventures/<uuid:adventure_id>/", AdventureConsumer.as_asgi()),
]
