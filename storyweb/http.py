"""Page requests in one trip to a thread, on a pool of page threads.

Django's ASGI handler builds an async middleware chain: every synchronous middleware
method (sessions, CSRF, auth, messages, ... all of Django's own) then runs as its own
`sync_to_async` call, about 17 trips to a thread and back through the event loop for
one page. `PageHandler` builds the synchronous chain instead and runs it, with the
view, as one call on a thread of `adventures.runtime.workers`' page pool
(STORYWEB_PAGE_THREADS), which closes stale database connections before and after it
as channels does; a page never queues behind a socket's database work, which has a
pool of its own.

Django would also open a thread-sensitive context per request, which starts a new
thread for every page and stops it afterwards (a profile of 200 players arriving put
about a tenth of the event loop's time into starting those threads). Nothing of ours
needs it: the view runs on the page pool, and what Django still sends thread-sensitive
(the request_started and request_finished signals, closing the response) is small and
goes to asgiref's one shared thread.

Views are plain synchronous functions; the few that start work on the event loop (a
chapter to write, pictures still missing) reach it with `async_to_sync`, which from a
pool thread runs the coroutine on the server's loop.
"""

from __future__ import annotations

from typing import Any

from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase

from adventures.runtime import workers


class PageHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)  # without a thread-sensitive context: see above

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await workers.page(self.get_response)(request)
