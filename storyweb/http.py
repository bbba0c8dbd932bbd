"""Page requests in one trip to a thread.

Django's ASGI handler builds an async middleware chain: every synchronous middleware
method (sessions, CSRF, auth, messages, ... all of Django's own) then runs as its own
`sync_to_async` call, about 17 trips to a thread and back through the event loop for
one page. `PageHandler` builds the synchronous chain instead and runs it, with the
view, as one call on the request's own thread (Django's thread-sensitive context gives
each request one), so a page costs the event loop three hand-offs (the request_started
signal, this call, closing the response) and never queues behind a socket's database
work, which runs on `adventures.runtime.workers`' pool.

Views are plain synchronous functions; the few that start work on the event loop (a
chapter to write, pictures still missing) reach it with `async_to_sync`, which from
this thread runs the coroutine on the server's loop.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase


class PageHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        response: Any = await sync_to_async(self.get_response, thread_sensitive=True)(request)
        return response  # type: ignore[no-any-return]
