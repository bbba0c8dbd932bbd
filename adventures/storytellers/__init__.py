"""Storyteller back ends ("providers"): offline (built in) and gemini (google-genai)."""

from __future__ import annotations

from django.conf import settings

from adventures.storytellers.base import Provider

_providers: dict[str, Provider] = {}


def get_provider(name: str | None = None) -> Provider:
    """The provider named by STORYWEB_LLM (one instance per process)."""
    name = name or settings.STORYWEB_LLM
    if name not in _providers:
        if name == "offline":
            from adventures.storytellers.offline.provider import OfflineProvider

            _providers[name] = OfflineProvider()
        elif name == "gemini":
            from adventures.storytellers.gemini.provider import GeminiProvider

            _providers[name] = GeminiProvider()
        else:
            raise ValueError(f"Unknown storyteller {name!r}: STORYWEB_LLM must be 'offline' or 'gemini'.")
    return _providers[name]


def reset_providers() -> None:
    """Forget provider instances (tests that change settings call this)."""
    _providers.clear()
