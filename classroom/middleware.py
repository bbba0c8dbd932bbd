"""Who is playing, for a class member: the device's signed class cookie names the
membership; while it is valid (the child is still in the class, the class is open and
no account is signed in) the member's own visitor id is the session's player id."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin

from adventures.operations import outages
from adventures.play import visitors
from classroom import codes

logger = logging.getLogger(__name__)

COOKIE = "storyweb_class"
SALT = "storyweb.classroom.member"
COOKIE_AGE = 60 * 60 * 24 * 365  # a school year and a bit


def set_member_cookie(response: HttpResponse, member: Any) -> None:
    response.set_signed_cookie(
        COOKIE,
        member.rejoin_token,
        salt=SALT,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def become_member(request: HttpRequest, member: Any) -> None:
    """This device plays as `member` from now on (the response must set the cookie)."""
    request.session[visitors.SESSION_KEY] = member.visitor
    request.class_member = member  # type: ignore[attr-defined]


class ClassMemberMiddleware(MiddlewareMixin):
    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        request.class_member = None  # type: ignore[attr-defined]
        try:
            self._settle(request)
        except outages.OUTAGES as error:
            # The session or the class lives in the database: without it, the kind 503
            # page (a middleware's exception never reaches OutageMiddleware's handler).
            logger.warning("%s %s: service unavailable: %r", request.method, request.path, error)
            return outages.unavailable_page()
        return None

    def _settle(self, request: HttpRequest) -> None:
        from classroom.models import ClassMember

        token = request.get_signed_cookie(COOKIE, default=None, salt=SALT)
        member = None
        if token and not request.user.is_authenticated:
            member = ClassMember.objects.active().select_related("school_class").filter(rejoin_token=token).first()
        playing_as = request.session.get(visitors.SESSION_KEY)
        if member is not None:
            request.class_member = member  # type: ignore[attr-defined]
            if playing_as != member.visitor:
                request.session[visitors.SESSION_KEY] = member.visitor
            return
        if token and not request.user.is_authenticated:
            request.drop_class_cookie = True  # type: ignore[attr-defined]
        if playing_as and playing_as.startswith(codes.MEMBER_PREFIX):
            # Removed from the class, the class closed, or an account signed in: this
            # device is no longer that child, and a new guest id comes when one is needed.
            del request.session[visitors.SESSION_KEY]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(request, "drop_class_cookie", False):
            response.delete_cookie(COOKIE, samesite="Lax")
        return response
