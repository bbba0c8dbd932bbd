"""Template filters for story text. Model and player text is escaped here before any
markup is added around it; nothing is ever marked safe as it is."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from adventures.storytellers.chapter_text import paragraphs as split_paragraphs

register = template.Library()


@register.filter
def paragraphs(text: str | None) -> SafeString:
    """Chapter text as escaped <p> paragraphs."""
    return format_html_join("\n", "<p>{}</p>", ((p,) for p in split_paragraphs(text or "")))


@register.filter
def as_json(value: Any) -> str:
    """A value as JSON text for an attribute (autoescaping then escapes the quotes)."""
    return json.dumps(value, separators=(", ", ": "))


@register.filter
def minutes(seconds: float | int | None) -> str:
    """A friendly duration: "12 minutes", "1 hour 5 minutes", "less than a minute"."""
    if not seconds or seconds < 60:
        return "less than a minute"
    total = round(seconds / 60)
    hours, mins = divmod(total, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts)
