from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AdventuresConfig(AppConfig):
    default = True  # this module also holds the admin's config
    name = "adventures"
    verbose_name = "StoryWeb adventures"

    def ready(self) -> None:
        from adventures import signals  # noqa: F401  (registers the signal handlers)
        from adventures.operations import checks  # noqa: F401  (registers the system checks)


class StoryWebAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with StoryWeb's site as the default `admin.site`."""

    default = False  # named in INSTALLED_APPS; "adventures" itself means AdventuresConfig
    default_site = "adventures.operations.admin_site.StoryWebAdminSite"
