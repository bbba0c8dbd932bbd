"""Who is playing: an anonymous visitor id kept in the session (it survives the session
key being rotated at log-in), and the signed-in user if any."""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest

SESSION_KEY = "storyweb_visitor"


def visitor_id(request: HttpRequest) -> str:
    """This browser's visitor id, created on first use."""
    visitor = request.session.get(SESSION_KEY)
    if not visitor:
        visitor = secrets.token_hex(16)
        request.session[SESSION_KEY] = visitor
    return visitor


def visitor_of_session(session: Any) -> str | None:
    """The visitor id in a socket's session (never creates one)."""
    return session.get(SESSION_KEY) if session is not None else None


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"
