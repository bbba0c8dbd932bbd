"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

TEXT_SIZES = ("small", "medium", "large", "x-large")


def reader_preferences(request: HttpRequest) -> dict[str, Any]:
    size = request.session.get("text_size", "medium") if hasattr(request, "session") else "medium"
    return {"text_size": size if size in TEXT_SIZES else "medium", "text_sizes": TEXT_SIZES}
