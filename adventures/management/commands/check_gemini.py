"""Ask the Gemini API about every model StoryWeb is configured to use (run once per
release: Google retires models every few months, and a retired model is a 404 for
every player).

    python manage.py check_gemini

Prints one line per model: whether it exists and supports the methods we call; exits
non-zero when any does not, naming the setting to change.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from google.genai import errors as genai_errors
from google.genai import types

from adventures.storytellers.base import ProviderError
from adventures.storytellers.gemini.calls import describe
from adventures.storytellers.gemini.config import make_client

# What the storyteller calls on each model.
NEEDS = {
    "GEMINI_TEXT_MODEL": ("generateContent", "streamGenerateContent"),
    "GEMINI_LITE_MODEL": ("generateContent",),
    "GEMINI_IMAGE_MODEL": ("generateContent",),
}
# Only when narration is on (GEMINI_NARRATION).
NARRATION_NEEDS = {"GEMINI_TTS_MODEL": ("generateContent",)}


class Command(BaseCommand):
    help = "Check that every configured Gemini model exists and supports the methods StoryWeb calls."

    def handle(self, *args: Any, **options: Any) -> None:
        http = types.HttpOptions(base_url=settings.GEMINI_BASE_URL or None, timeout=30_000)
        try:
            client = make_client(http)
        except ProviderError as exc:
            raise CommandError(str(exc)) from exc
        route = "Vertex AI" if settings.GEMINI_USE_VERTEXAI else "the Gemini API"
        self.stdout.write(f"Checking models on {route}:")
        needs = NEEDS | (NARRATION_NEEDS if settings.GEMINI_NARRATION else {})
        problems = [problem for name, methods in needs.items() if (problem := self._check(client, name, methods))]
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(self.style.SUCCESS("All configured models are available."))

    def _check(self, client: Any, setting: str, methods: tuple[str, ...]) -> str:
        model = getattr(settings, setting)
        try:
            info = client.models.get(model=model)
        except genai_errors.APIError as exc:
            if exc.code == 404:
                self.stdout.write(f"  {setting} = {model}: NOT FOUND")
                return f"{setting}: the model {model!r} does not exist (retired?). Set {setting} to a current model."
            self.stdout.write(f"  {setting} = {model}: could not be checked ({describe(exc)})")
            return f"{setting}: the model {model!r} could not be checked: {describe(exc)}"
        supported = info.supported_actions
        if supported is None:  # Vertex AI does not list methods: existing is all it says
            self.stdout.write(f"  {setting} = {model}: exists")
            return ""
        missing = [method for method in methods if method not in supported]
        if missing:
            self.stdout.write(f"  {setting} = {model}: does not support {', '.join(missing)}")
            return f"{setting}: the model {model!r} does not support {', '.join(missing)}."
        self.stdout.write(f"  {setting} = {model}: exists, supports {', '.join(methods)}")
        return ""
