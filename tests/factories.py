"""Making adventures and visitors for tests, through the same services the game uses."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.sessions.backends.db import SessionStore

from adventures import services
from adventures.models import Adventure, LessonTopic, StoryWorld
from adventures.play import visitors


def visitor_session(visitor: str | None = None) -> tuple[str, str]:
    """A saved session holding a visitor id: (session key, visitor id)."""
    session = SessionStore()
    session[visitors.SESSION_KEY] = visitor or secrets.token_hex(16)
    session.save()
    return session.session_key, session[visitors.SESSION_KEY]


def start_adventure(
    *, visitor: str, world: str | None = None, topic: str | None = None, length: int = 10, seed: int = 7, **kw: Any
) -> Adventure:
    world_row = StoryWorld.objects.get(slug=world) if world else StoryWorld.objects.order_by("slug").first()
    topic_row = LessonTopic.objects.get(slug=topic) if topic else LessonTopic.objects.order_by("slug").first()
    return services.adventure_start(
        visitor=visitor,
        world=world_row,
        topic=topic_row,
        difficulty=kw.pop("difficulty", "standard"),
        length=length,
        seed=seed,
        **kw,
    )
