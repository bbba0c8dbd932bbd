"""What a flag leaves behind for grown-ups: a `safety_flag` telemetry event (the admin's
"Safety flags" list and the dashboard's daily count read these), and for a severe flag
an email to the operator when STORYWEB_SAFETY_EMAIL is set."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from adventures.operations import telemetry
from adventures.runtime import background

logger = logging.getLogger(__name__)

TEXT_LIMIT = 500  # enough for a grown-up to judge the flag, not a copy of the chapter


def flag_record(
    *,
    where: str,
    layer: str,
    category: str,
    severity: int,
    action: str,
    text: str,
    adventure_id: Any = None,
    chapter_number: int | None = None,
    chapter_kind: str = "",
) -> None:
    """Record one flag. `where`: chapter / picture / username / feedback; `layer`:
    screen / moderation; `action`: what was done (rewritten, fallback art, refused...)."""
    shown = text.strip()
    shown = shown if len(shown) <= TEXT_LIMIT else shown[: TEXT_LIMIT - 1] + "…"
    telemetry.record(
        "safety_flag",
        adventure_id=adventure_id,
        chapter_number=chapter_number,
        chapter_kind=chapter_kind,
        where=where,
        layer=layer,
        category=category,
        severity=severity,
        action=action,
        text=shown,
    )
    logger.info("safety flag: %s %s in %s by the %s (%s)", category, severity, where, layer, action)
    if settings.STORYWEB_SAFETY_EMAIL and severity >= settings.STORYWEB_SAFETY_EMAIL_SEVERITY:
        subject = f"StoryWeb safety flag: {category} ({severity}/5) in a {where}"
        body = (
            f"The {layer} flagged {category} with severity {severity} in a {where}.\n"
            f"What was done: {action}. Nothing flagged was shown to the player or saved.\n"
            f"Adventure: {adventure_id or '-'}, chapter {chapter_number or '-'}.\n\n"
            f"The text:\n{shown}\n\nReview every flag in the admin under Safety flags."
        )
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            _mail(subject, body)
        else:  # on the event loop: the mail server must not hold up the story
            background.spawn(asyncio.to_thread(_mail, subject, body), name="safety-mail")


def _mail(subject: str, body: str) -> None:
    try:
        send_mail(subject, body, None, [settings.STORYWEB_SAFETY_EMAIL])
    except Exception:  # a mail server that is down must not break play; the event is recorded
        logger.exception("could not email the safety flag")
