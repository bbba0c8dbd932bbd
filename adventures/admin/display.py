"""Small helpers for showing untrusted text and pictures in the admin: everything goes
through `format_html` arguments, never `mark_safe`."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.html import format_html

THUMBNAIL_WIDTH = 96
SHORT_TEXT = 80


def short(text: str, length: int = SHORT_TEXT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def thumbnail(name: str, alt: str = "", *, width: int = THUMBNAIL_WIDTH) -> str:
    """A small picture linking to the full one, or '' when there is none."""
    if not name:
        return ""
    url = default_storage.url(name)
    return format_html(
        '<a href="{}" class="storyweb-thumb"><img src="{}" alt="{}" width="{}" loading="lazy"></a>',
        url,
        url,
        alt,
        width,
    )


def adventure_link(adventure_id: Any) -> str:
    if not adventure_id:
        return "-"
    url = reverse("admin:adventures_adventure_change", args=[adventure_id])
    return format_html('<a href="{}">{}</a>', url, str(adventure_id)[:8])


def pretty_json(value: Any) -> str:
    return format_html('<pre class="storyweb-json">{}</pre>', json.dumps(value, indent=2, ensure_ascii=False))
