"""The admin (DESIGN §9): content editable, play read-mostly, telemetry, feedback and
the dashboard at /admin/dashboard/ (the site itself: adventures/operations/admin_site.py).

Model and player text is untrusted: it reaches the page only through the admin's own
escaping or as arguments of `format_html`, never through `mark_safe`.
"""

from __future__ import annotations

from adventures.admin import content, play, records, safety  # noqa: F401  (each module registers its models)
