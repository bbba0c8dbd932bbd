from __future__ import annotations

from django.apps import AppConfig


class AdventuresConfig(AppConfig):
    name = "adventures"
    verbose_name = "StoryWeb adventures"

    def ready(self) -> None:
        from adventures import checks, signals  # noqa: F401  (registers checks and signal handlers)
