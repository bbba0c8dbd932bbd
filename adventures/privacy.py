"""What an account holder can take away: every adventure as JSON, and each one's recap
as a small HTML storybook, in one zip file. Reads only."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from adventures.models import Adventure, Feedback
from adventures.play import pages

EXPORT_VERSION = 1


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def account_data(user: Any) -> dict[str, Any]:
    """Everything StoryWeb keeps about this account, in plain JSON values."""
    adventures = (
        Adventure.objects.filter(user=user)
        .select_related("world", "topic")
        .prefetch_related("chapters__question", "character_visuals")
        .order_by("created_at")
    )
    return {
        "export": {"version": EXPORT_VERSION, "made_at": timezone.now().isoformat(), "by": "StoryWeb"},
        "account": {"username": user.get_username(), "joined": _iso(user.date_joined)},
        "adventures": [_adventure(a) for a in adventures],
        "feedback": [
            {"given_at": _iso(f.created_at), "rating": f.rating, "comment": f.comment, "adventure": str(f.adventure_id)}
            for f in Feedback.objects.filter(user=user).order_by("created_at")
        ],
    }


def _adventure(adventure: Adventure) -> dict[str, Any]:
    chapters = sorted(adventure.chapters.all(), key=lambda c: c.number)
    return {
        "id": str(adventure.id),
        "world": adventure.world.name,
        "topic": adventure.topic.name,
        "difficulty": adventure.difficulty,
        "length": adventure.length,
        "status": adventure.status,
        "started": _iso(adventure.created_at),
        "completed": _iso(adventure.completed_at),
        "hero": {"name": adventure.protagonist_name, "look": adventure.protagonist_look},
        "chosen": adventure.agency.name if adventure.agency else None,
        "characters": {v.name: v.description for v in adventure.character_visuals.all()},
        "chapters": [
            {
                "number": c.number,
                "kind": c.kind,
                "title": c.title,
                "summary": c.summary,
                "text": c.text,
                "choices": [choice.text for choice in c.choices],
                "chose": c.chosen.text if c.chosen else None,
                "answered_correctly": c.is_correct,
                "written": _iso(c.created_at),
            }
            for c in chapters
        ],
        "questions": pages.question_reviews(chapters),
    }


def account_archive(user: Any) -> bytes:
    """A zip: adventures.json and recaps/<n>-<world>.html for every adventure."""
    data = account_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("adventures.json", json.dumps(data, indent=2, ensure_ascii=False))
        for index, adventure in enumerate(data["adventures"], start=1):
            slug = "".join(ch if ch.isalnum() else "-" for ch in adventure["world"].lower())
            html = render_to_string("adventures/recap_download.html", {"adventure": adventure})
            archive.writestr(f"recaps/{index:02d}-{slug}.html", html)
    return buffer.getvalue()
