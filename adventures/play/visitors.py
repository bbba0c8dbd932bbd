"""Who is playing: an anonymous visitor id kept in the session (it survives the session
key being rotated at log-in), and the signed-in user if any.

A child in a class plays as a class member: classroom.middleware puts the member's own
visitor id in the session (from the device's signed class cookie), so their adventures
are theirs by the same rule as a guest's, on pages and on the socket alike."""

from __future__ import annotations

import ipaddress
import secrets
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest

SESSION_KEY = "storyweb_visitor"


def visitor_id(request: HttpRequest) -> str:
    """This browser's visitor id, created on first use."""
    visitor = request.session.get(SESSION_KEY)
    if not visitor:
        visitor = secrets.token_hex(16)
        request.session[SESSION_KEY] = visitor
    return visitor


def known_visitor(request: HttpRequest) -> str | None:
    """This browser's visitor id if it has one; never creates one (nor a session row):
    looking at the pages costs nothing, starting an adventure makes a visitor."""
    return request.session.get(SESSION_KEY)


def class_member(request: HttpRequest) -> Any:
    """The class member playing on this device (classroom.models.ClassMember), or None."""
    return getattr(request, "class_member", None)


def visitor_of_session(session: Any) -> str | None:
    """The visitor id in a socket's session (never creates one)."""
    return session.get(SESSION_KEY) if session is not None else None


def user_of_session(session: Any) -> Any:
    """The signed-in user of a socket's session, or AnonymousUser: Django's own
    `auth.get_user` (the session's auth hash checked, fallback secrets too), read on the
    caller's thread. Synchronous: the consumer calls it in its one thread call at
    connect, with the adventure, instead of a thread hop of its own in the routing."""
    return auth.get_user(SimpleNamespace(session={} if session is None else session))  # type: ignore[arg-type]


def forwarded_client(remote: str, forwarded_for: str, trusted_proxies: int) -> str:
    """The player's address, for the per-address limits.

    Each of our `trusted_proxies` balancers appends the address it was reached from to
    X-Forwarded-For, so the entry the outermost one added, `trusted_proxies` from the
    right, is the client as the internet sees it; everything left of it was written by
    the client and proves nothing. Without trusted proxies the header is ignored.
    """
    if trusted_proxies > 0:
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        if len(hops) >= trusted_proxies:
            hop = hops[-trusted_proxies]
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                pass
    return remote or "unknown"


def client_ip(request: HttpRequest) -> str:
    return forwarded_client(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        settings.STORYWEB_TRUSTED_PROXIES,
    )


def socket_client_ip(scope: dict[str, Any]) -> str:
    client = scope.get("client") or ("", 0)
    # Repeated headers count as one list, as HTTP says (and as Django joins them).
    forwarded = ",".join(
        value.decode("latin-1") for name, value in scope.get("headers", []) if name.lower() == b"x-forwarded-for"
    )
    return forwarded_client(str(client[0] or ""), forwarded, settings.STORYWEB_TRUSTED_PROXIES)
