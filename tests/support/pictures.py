"""What a gemini picture is stored as, on each route the tests run (tests/llm/conftest.py)."""

from __future__ import annotations

from typing import Any


def web_format(settings: Any) -> tuple[str, str, str]:
    """(type, Pillow's format, file extension): Vertex AI is asked for a JPEG and it is
    kept as it came; the Gemini API sends a PNG, converted to WebP."""
    if settings.GEMINI_USE_VERTEXAI:
        return "image/jpeg", "JPEG", "jpg"
    return "image/webp", "WEBP", "webp"
