"""The admin (DESIGN §9): content editable, play read-mostly, telemetry, feedback and
the dashboard at /admin/dashboard/.

Model and player text is untrusted: it reaches the page only through the admin's own
escaping or as arguments of `format_html`, never through `mark_safe`.
"""

from __future__ import annotations

from django.contrib import admin

from adventures.admin import content, play, records  # noqa: F401  (each module registers its models)

# Say whose admin this is (instead of "Django administration").
admin.site.site_header = "StoryWeb admin"
admin.site.site_title = "StoryWeb admin"
admin.site.index_title = "Stories, players and figures"
