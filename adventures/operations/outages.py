"""When the database or Redis does not answer, a page says so kindly (503, a static
page that needs neither) instead of Django's bare "Server Error (500)"."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.deprecation import MiddlewareMixin
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

OUTAGES = (DatabaseError, RedisError, ConnectionError, TimeoutError)
# Seconds a browser (or a crawler) is told to wait before asking again.
RETRY_AFTER = 30


def unavailable_page() -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class OutageMiddleware(MiddlewareMixin):
    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OUTAGES):
            return None  # a bug: Django's 500 handling (templates/500.html) and a traceback
        logger.warning("%s %s: service unavailable: %r", request.method, request.path, exception)
        return unavailable_page()
