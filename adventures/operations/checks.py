"""System checks that keep a production deployment honest.

`configuration_errors` is shared by `manage.py check` (always) and by
`check --deploy` / start-up outside DEBUG (`refuse_unsafe_production`), so that the
same rules refuse a bad environment wherever it shows up.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

LLM_CHOICES = ("offline", "gemini")


def configuration_errors() -> list[checks.CheckMessage]:
    """Wrong in any environment."""
    errors: list[checks.CheckMessage] = []
    if settings.STORYWEB_LLM not in LLM_CHOICES:
        errors.append(
            checks.Error(
                f"STORYWEB_LLM is {settings.STORYWEB_LLM!r}; it must be one of {', '.join(LLM_CHOICES)}.",
                id="storyweb.E001",
            )
        )
    if settings.STORYWEB_LLM == "gemini" and not settings.GEMINI_API_KEY and not settings.GEMINI_USE_VERTEXAI:
        errors.append(
            checks.Error(
                "STORYWEB_LLM is 'gemini' but no key is set: set GEMINI_API_KEY (or GOOGLE_API_KEY), "
                "or GOOGLE_GENAI_USE_VERTEXAI=1 with GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION.",
                id="storyweb.E002",
            )
        )
    thresholds = ("BLOCK_LOW_AND_ABOVE", "BLOCK_MEDIUM_AND_ABOVE", "BLOCK_ONLY_HIGH", "BLOCK_NONE", "OFF")
    if settings.GEMINI_SAFETY_THRESHOLD not in thresholds:
        errors.append(
            checks.Error(
                f"GEMINI_SAFETY_THRESHOLD is {settings.GEMINI_SAFETY_THRESHOLD!r}; it must be one of "
                f"{', '.join(thresholds)} (BLOCK_LOW_AND_ABOVE for children).",
                id="storyweb.E004",
            )
        )
    vertex_unset = not settings.GEMINI_VERTEX_PROJECT and not settings.GEMINI_API_KEY
    if settings.STORYWEB_LLM == "gemini" and settings.GEMINI_USE_VERTEXAI and vertex_unset:
        errors.append(
            checks.Error(
                "GOOGLE_GENAI_USE_VERTEXAI is set but GOOGLE_CLOUD_PROJECT is not (nor an API key for "
                "Vertex AI express mode).",
                id="storyweb.E003",
            )
        )
    return errors


def production_errors() -> list[checks.CheckMessage]:
    """Wrong when DEBUG is off: fine on a laptop, unsafe in front of players."""
    errors: list[checks.CheckMessage] = []
    if settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY or len(settings.SECRET_KEY) < 40:
        errors.append(
            checks.Error(
                "DJANGO_SECRET_KEY is not set (or is shorter than 40 characters) in production.",
                id="storyweb.E010",
            )
        )
    layer = str(settings.CHANNEL_LAYERS["default"]["BACKEND"])
    if layer.endswith("InMemoryChannelLayer") and not settings.STORYWEB_ALLOW_MEMORY_LAYER_IN_PRODUCTION:
        errors.append(
            checks.Error(
                "The in-memory channel layer only works within one process: set REDIS_URL in production "
                "(or STORYWEB_ALLOW_MEMORY_LAYER_IN_PRODUCTION=1 for a single-process deployment).",
                id="storyweb.E011",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        # Every Host header would be accepted, and the socket's Origin check (which reads
        # ALLOWED_HOSTS) would let any web page open a player's socket with their cookie.
        errors.append(
            checks.Error(
                "DJANGO_ALLOWED_HOSTS contains '*': name the site's host names instead (e.g. stories.example.org).",
                id="storyweb.E018",
            )
        )
    if settings.STORYWEB_LLM == "offline" and not settings.STORYWEB_ALLOW_OFFLINE_IN_PRODUCTION:
        errors.append(
            checks.Error(
                "Production is using the offline storyteller: set GEMINI_API_KEY, or "
                "STORYWEB_ALLOW_OFFLINE_IN_PRODUCTION=1 if that is what you want.",
                id="storyweb.E012",
            )
        )
    return errors


@checks.register()
def check_configuration(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return configuration_errors()


@checks.register(deploy=True)
def check_production(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return production_errors()


def refuse_unsafe_production() -> None:
    """Called when the ASGI application loads: outside DEBUG, refuse to serve players
    with a configuration the checks above call an error."""
    problems = configuration_errors() + ([] if settings.DEBUG else production_errors())
    if problems:
        raise ImproperlyConfigured("StoryWeb will not start:\n" + "\n".join(f"- {p.msg}" for p in problems))
