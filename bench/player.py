"""One benchmark player: a browser as the server sees it. It loads the home page,
posts the start form (cookies and CSRF token as a browser sends them), loads the
reader, opens the adventure's socket with the page's Origin and the cookies, reads
the fragments as htmx would, and answers each chapter's choice with exactly the JSON
htmx's ws extension sends. It times what a player sees, with `time.monotonic()`.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

import aiohttp

from bench import protocol


class PlayerError(Exception):
    """Something a real player would have noticed went wrong."""


@dataclass
class ChapterTiming:
    adventure: str
    number: int
    asked: float  # the choice was sent (chapter 1: the socket was open)
    after_choice: bool
    kind: str = ""
    started: float | None = None  # the "writing" fragment arrived
    first_piece: float | None = None
    final: float | None = None  # the finished chapter's fragment arrived
    pieces: int = 0


@dataclass
class PlayerResult:
    index: int
    chapters: list[ChapterTiming] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    adventures: list[str] = field(default_factory=list)
    pictures: int = 0  # chapter picture fragments received
    agency_pictures: int = 0


@dataclass(frozen=True)
class PlayOptions:
    base_url: str
    length: int
    adventures: int
    think_ms: float  # mean pause before each choice (uniform within ±50%)
    chapter_timeout: float = 120.0
    recap: bool = True


class Player:
    def __init__(self, index: int, http: aiohttp.ClientSession, options: PlayOptions, rng: random.Random) -> None:
        self.index = index
        self.http = http
        self.options = options
        self.origin = options.base_url.rstrip("/")
        self.rng = rng
        self.cookies: dict[str, str] = {}
        self.result = PlayerResult(index)

    # --- HTTP, as a browser ----------------------------------------------------------

    def _headers(self, **extra: str) -> dict[str, str]:
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = protocol.cookie_header(self.cookies)
        headers.update(extra)
        return headers

    def _keep_cookies(self, response: aiohttp.ClientResponse) -> None:
        # The cookies are Secure outside DEBUG; a browser on plain http would drop them,
        # so the player keeps them itself (the benchmark has no TLS in front).
        for name, morsel in response.cookies.items():
            self.cookies[name] = morsel.value

    async def _get(self, path: str) -> str:
        async with self.http.get(self.origin + path, headers=self._headers(), allow_redirects=False) as response:
            self._keep_cookies(response)
            body = await response.text()
            if response.status != 200:
                raise PlayerError(f"GET {path} answered {response.status}")
            return body

    async def start_adventure(self) -> str:
        form = protocol.parse_start_form(await self._get("/"))
        data = {
            "csrfmiddlewaretoken": form.csrf,
            "world": self.rng.choice(form.options["world"]),
            "topic": self.rng.choice(form.options["topic"]),
            "difficulty": self.rng.choice(form.options["difficulty"]),
            "length": str(self.options.length),
        }
        headers = self._headers(Origin=self.origin, Referer=self.origin + "/")
        async with self.http.post(
            self.origin + "/adventures/", data=data, headers=headers, allow_redirects=False
        ) as response:
            self._keep_cookies(response)
            await response.read()
            if response.status != 302:
                raise PlayerError(f"POST /adventures/ answered {response.status}, not a redirect")
            adventure_id = protocol.adventure_id_from_location(response.headers["Location"])
        if "sessionid" not in self.cookies:
            raise PlayerError("no session cookie after starting an adventure")
        await self._get(f"/adventures/{adventure_id}/")  # the reader page, before htmx connects
        return adventure_id

    # --- The socket, as htmx -----------------------------------------------------------

    async def connect(self, adventure_id: str) -> aiohttp.ClientWebSocketResponse:
        url = self.origin.replace("http", "ws", 1) + f"/ws/adventures/{adventure_id}/"
        headers = {"Origin": self.origin, "Cookie": protocol.cookie_header(self.cookies)}
        return await self.http.ws_connect(url, headers=headers, max_msg_size=0, autoping=True, heartbeat=None)

    async def _next(self, socket: aiohttp.ClientWebSocketResponse, within: float, where: str) -> protocol.Fragment:
        """The next fragment (TimeoutError when none came in time). A picture or a
        title is noted; a closed socket or a troubled status is an error."""
        # Not receive(timeout=...): aiohttp restarts that timeout after each ping it
        # answers, and daphne pings every 20 s, so a longer wait would never end.
        async with asyncio.timeout(max(0.01, within)):
            message = await socket.receive()
        if message.type != aiohttp.WSMsgType.TEXT:
            raise PlayerError(f"the socket sent {message.type.name} ({socket.close_code}) {where}")
        fragment = protocol.parse_fragment(message.data)
        if fragment.status in protocol.TROUBLE:
            raise PlayerError(f"{where}: status {fragment.status}: {fragment.status_message}")
        if fragment.kind == "image":
            self.result.pictures += 1
        elif fragment.kind == "agency-image":
            self.result.agency_pictures += 1
        return fragment

    async def _read(self, socket: aiohttp.ClientWebSocketResponse, seconds: float, until: asyncio.Event | None) -> None:
        """Read on for `seconds` (or until `until` is set), as a page does while its
        reader reads: pictures and titles arrive, and pings get their pongs."""
        deadline = time.monotonic() + seconds
        while (until is None or not until.is_set()) and (left := deadline - time.monotonic()) > 0:
            try:
                fragment = await self._next(socket, min(left, 0.25) if until else left, "while reading")
            except TimeoutError:
                continue
            if fragment.kind in ("piece", "writing", "chapter"):
                raise PlayerError(f"a {fragment.kind} fragment arrived while no chapter was asked for")

    async def play(
        self,
        adventure_id: str,
        socket: aiohttp.ClientWebSocketResponse,
        first_shown: asyncio.Event | None = None,
        go: asyncio.Event | None = None,
    ) -> None:
        """Read and choose until the last chapter. `first_shown` is set when chapter 1 is
        on screen; the player then waits for `go` before its first choice."""
        current = ChapterTiming(adventure_id, 1, time.monotonic(), after_choice=False)
        self.result.chapters.append(current)
        while True:
            remaining = current.asked + self.options.chapter_timeout - time.monotonic()
            try:
                fragment = await self._next(socket, remaining, f"in chapter {current.number}")
            except TimeoutError:
                raise PlayerError(f"chapter {current.number} did not arrive in time") from None
            now = time.monotonic()
            if fragment.kind == "piece":
                current.pieces += 1
                if current.first_piece is None:
                    current.first_piece = now
            elif fragment.kind == "writing" and fragment.number == current.number:
                current.started = current.started or now
            elif fragment.kind == "chapter" and fragment.number == current.number:
                current.final, current.kind = now, fragment.chapter_kind
                if current.first_piece is None:
                    raise PlayerError(f"chapter {current.number} arrived finished but was never streamed")
                if not fragment.choices:
                    if fragment.chapter_kind != "conclusion" or current.number != self.options.length:
                        raise PlayerError(f"chapter {current.number} ({fragment.chapter_kind}) has no choices")
                    return
                if len(fragment.choices) != 3:
                    raise PlayerError(f"chapter {current.number} offers {len(fragment.choices)} choices")
                if current.number == 1 and first_shown is not None and go is not None:
                    first_shown.set()
                    await self._read(socket, self.options.chapter_timeout * 10, until=go)
                mean = self.options.think_ms / 1000
                await self._read(socket, self.rng.uniform(mean * 0.5, mean * 1.5), until=None)
                values = {"action": "choose", "chapter": current.number, "choice": self.rng.choice(fragment.choices)}
                text = protocol.htmx_message(values, adventure_id=adventure_id, origin=self.origin, csrf=fragment.csrf)
                current = ChapterTiming(adventure_id, current.number + 1, time.monotonic(), after_choice=True)
                self.result.chapters.append(current)
                await socket.send_str(text)

    # --- A whole visit -------------------------------------------------------------------

    async def run(self, first_shown: asyncio.Event, go: asyncio.Event) -> PlayerResult:
        """Play `adventures` adventures; chapter 1 of the first one is the rendezvous."""
        try:
            for round_ in range(self.options.adventures):
                adventure_id = await self.start_adventure()
                self.result.adventures.append(adventure_id)
                socket = await self.connect(adventure_id)
                try:
                    if round_ == 0:
                        await self.play(adventure_id, socket, first_shown, go)
                    else:
                        await self.play(adventure_id, socket)
                finally:
                    await socket.close()
                if self.options.recap:
                    await self._get(f"/adventures/{adventure_id}/recap/")
        except (PlayerError, aiohttp.ClientError, ValueError, OSError) as error:
            self.result.errors.append(f"player {self.index}: {type(error).__name__}: {error}")
        except Exception as error:
            self.result.errors.append(f"player {self.index}: unexpected {type(error).__name__}: {error!r}")
        finally:
            first_shown.set()  # never keep the others waiting
        return self.result


def new_http_session() -> aiohttp.ClientSession:
    """One HTTP client for every player: cookies are kept per player, by hand."""
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    return aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar(), timeout=aiohttp.ClientTimeout(total=120)
    )
