"""A visitor on real daphne processes: HTTP with a cookie jar (one jar for every
server, as behind a load balancer), and sockets over the network that speak exactly
what htmx sends (the messages of tests/consumer_support.py)."""

from __future__ import annotations

import asyncio
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.consumer_support import Player, htmx_message

ADVENTURE_URL = re.compile(r"^/adventures/([0-9a-f-]{36})/$")


@dataclass(frozen=True)
class Response:
    status: int
    headers: Any  # http.client.HTTPMessage: .get(), .get_all()
    text: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 30x comes back as the response


class _TlsAtTheBalancer(http.cookiejar.DefaultCookiePolicy):
    """TLS ends at the load balancer: the browser's https request carried its Secure
    cookies, though the hop to daphne is plain HTTP."""

    def return_ok_secure(self, cookie: Any, request: Any) -> bool:
        return True


class Browser:
    """Cookies and CSRF like a browser with JavaScript off; `base` picks the server.

    `behind_tls`: as if a load balancer ended HTTPS in front of the server (it sends
    X-Forwarded-Proto: https; the browser sends Secure cookies and an https Origin)."""

    def __init__(self, base: str, *, behind_tls: bool = False) -> None:
        self.base = base
        self.behind_tls = behind_tls
        self.jar = http.cookiejar.CookieJar(_TlsAtTheBalancer() if behind_tls else None)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects())

    def origin(self, base: str | None = None) -> str:
        base = base or self.base
        return base.replace("http://", "https://") if self.behind_tls else base

    def request(
        self, method: str, path: str, data: dict[str, Any] | None = None, *, base: str | None = None, **headers: str
    ) -> Response:
        if self.behind_tls:
            headers = {"X-Forwarded-Proto": "https", **headers}
            if method == "POST":
                headers.setdefault("Origin", self.origin(base))
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        url = f"{base or self.base}{path}"  # always one of our own http:// servers
        request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as response:
                return Response(response.status, response.headers, response.read().decode())
        except urllib.error.HTTPError as error:
            with error:
                return Response(error.code, error.headers, error.read().decode())

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, data: dict[str, Any], **kw: Any) -> Response:
        return self.request("POST", path, {"csrfmiddlewaretoken": self.cookie("csrftoken"), **data}, **kw)

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def start_adventure(
        self, *, world: str = "pearlwater-deep", topic: str = "ocean-life", length: int = 6, base: str | None = None
    ) -> str:
        """The home page's form, posted: the new adventure's id."""
        assert self.get("/", base=base).status == 200  # the visitor id and the CSRF cookie
        response = self.post(
            "/adventures/",
            {"world": world, "topic": topic, "difficulty": "standard", "length": str(length)},
            base=base,
        )
        assert response.status == 302, response.text[:2000]
        match = ADVENTURE_URL.match(response.headers["Location"])
        assert match, response.headers["Location"]
        return match.group(1)


class LivePlayer(Player):
    """tests.consumer_support.Player over a real socket to a real server."""

    def __init__(self, server_url: str, adventure_id: Any, browser: Browser, *, origin: str | None = None) -> None:
        self.adventure_id = str(adventure_id)
        self.url = f"{server_url.replace('http://', 'ws://')}/ws/adventures/{self.adventure_id}/"
        self.origin = origin or browser.origin(server_url)
        self.cookies = browser.cookie_header()
        self.received: list[str] = []
        self.ws: ClientConnection | None = None

    async def connect(self) -> None:
        self.ws = await connect(
            self.url,
            origin=self.origin,  # type: ignore[arg-type]
            additional_headers={"Cookie": self.cookies},
            open_timeout=10,
            max_size=None,
        )

    async def receive(self, timeout: float = 20) -> str:
        assert self.ws is not None
        message = await asyncio.wait_for(self.ws.recv(), timeout)
        assert isinstance(message, str)
        self.received.append(message)
        return message

    async def send(self, values: dict[str, Any], **kw: Any) -> None:
        assert self.ws is not None
        await self.ws.send(htmx_message(values, adventure_id=self.adventure_id, **kw))

    async def send_raw(self, frame: str | bytes) -> None:
        assert self.ws is not None
        await self.ws.send(frame)

    async def nothing_more(self, wait: float = 0.3) -> bool:
        try:
            await self.receive(timeout=wait)
        except TimeoutError:
            return True
        return False

    async def closed_with(self, timeout: float = 10) -> int | None:
        """Wait for the server to close the socket: its close code."""
        assert self.ws is not None
        try:
            async with asyncio.timeout(timeout):
                while True:
                    self.received.append(await self.ws.recv())  # type: ignore[arg-type]
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else None

    async def settle(self) -> list[str]:
        raise NotImplementedError("background work runs in the server process: wait for its fragments instead")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
