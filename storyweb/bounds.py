"""Bounds kept before Django or the game see a byte (issue 18): request bodies over the
limit refused at the ASGI layer, and WebSocket messages over daphne's limit closed with
1009 instead of a dropped connection.

Request bodies: daphne (twisted) receives a whole body before it starts the application
(twisted spools it to a file, parses a form body into a dict the ASGI side never uses,
then daphne queues every byte for the application at once), so an ASGI middleware
alone cannot keep a 50 MB body out of memory. `bound_request_bodies_in_daphne()` makes
daphne's request class keep no more than DATA_UPLOAD_MAX_MEMORY_SIZE of a body (by its
Content-Length, or by counting what arrives without one), skip twisted's form parsing,
and answer 413 without starting the application. `BodyLimit` is the same refusal as ASGI
middleware, for any server (uvicorn too): 413 by Content-Length without reading the
body, or as soon as the chunks of a body without a length pass the limit.

Oversized socket messages: daphne passes `--websocket-max-message-size` and
`--websocket-max-frame-size` to autobahn, whose server factory defaults to
`failByDrop=True`: a message over the limit "fails the connection" by dropping TCP, and
the client sees 1006 (abnormal closure), which looks like a network fault. Daphne has no
option for it, and an application cannot close with 1009 itself (daphne accepts only
1000 and 3000-4999 from it), so `close_oversized_messages_with_1009()` makes daphne's
factory fail connections with a close frame: autobahn then sends 1009 (message too
big), waits a second at most for the client's answer, and drops the connection.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings

TOO_LARGE = b"That request was too large."


def tune_daphne() -> None:
    """Both daphne adjustments below; storyweb/asgi.py calls this on import, which
    daphne does before it builds its protocol factories."""
    close_oversized_messages_with_1009()
    bound_request_bodies_in_daphne()


def _body_limit() -> int | None:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def bound_request_bodies_in_daphne() -> None:
    """When served by daphne: its HTTP requests keep at most the limit of a body and
    answer a longer one with 413, the application never started."""
    try:
        from daphne import http_protocol
    except ImportError:
        return
    base = http_protocol.WebRequest
    if getattr(base, "bounds_bodies", False):
        return

    class WebRequest(base):  # type: ignore[misc, valid-type]
        bounds_bodies = True
        too_large = False
        body_received = 0

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._parsePOSTFormSubmission = False  # twisted's own form parsing: unused by ASGI

        def gotLength(self, length: int | None) -> None:
            limit = _body_limit()
            self.too_large = length is not None and limit is not None and length > limit
            if self.too_large:
                self.content = io.BytesIO()  # stays empty: no spool file for a body that is refused
            else:
                super().gotLength(length)

        def handleContentChunk(self, data: bytes) -> None:
            if self.too_large:
                return  # dropped as it arrives
            self.body_received += len(data)
            limit = _body_limit()
            if limit is not None and self.body_received > limit:
                self.too_large = True
                self.content.seek(0)
                self.content.truncate()
                return
            super().handleContentChunk(data)

        def process(self) -> Any:
            if not self.too_large:
                return super().process()
            self.basic_error(413, b"Payload Too Large", TOO_LARGE.decode())
            return None

    http_protocol.WebRequest = WebRequest  # type: ignore[misc]


def close_oversized_messages_with_1009() -> None:
    """When served by daphne: its WebSocket factory fails connections with a close
    frame (1009 for an oversized message) instead of dropping them. Called by
    storyweb/asgi.py, which daphne imports before it builds the factory."""
    try:
        from daphne import server
    except ImportError:  # another ASGI server (uvicorn closes with 1009 itself)
        return
    base = server.WebSocketFactory
    if getattr(base, "fails_with_close_frame", False):
        return

    class WebSocketFactory(base):  # type: ignore[misc, valid-type]
        fails_with_close_frame = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.setProtocolOptions(failByDrop=False)

    server.WebSocketFactory = WebSocketFactory  # type: ignore[misc]


class BodyLimit:
    """ASGI middleware: HTTP request bodies over DATA_UPLOAD_MAX_MEMORY_SIZE get a 413
    before the application reads them (by Content-Length), or as soon as their chunks
    pass the limit (no Content-Length). Django's own check stays behind it for forms."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if scope["type"] != "http" or limit is None:
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send)
            return
        if declared is not None:
            await self.app(scope, receive, send)
            return
        # No length declared (chunked): read the body here, counting, then hand it on.
        chunks: list[dict[str, Any]] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            received += len(message.get("body", b""))
            if received > limit:
                await _refuse(send)
                return
            chunks.append(message)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(chunks, receive), send)


def _content_length(scope: dict[str, Any]) -> int | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(chunks: list[dict[str, Any]], receive: Any) -> Any:
    async def replayed() -> dict[str, Any]:
        if chunks:
            return chunks.pop(0)
        return await receive()

    return replayed


async def _refuse(send: Any) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(TOO_LARGE)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": TOO_LARGE})
