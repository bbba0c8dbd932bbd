"""A test player on the real ASGI application: the session cookie, the Origin header
and exactly the messages htmx's ws extension sends."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from channels.testing import WebsocketCommunicator

from bench import protocol as bench_protocol
from storyweb.asgi import application

ORIGIN = "http://localhost"
CHOICE_RE = re.compile(r'name="choice" value="([^"]+)"')


def htmx_message(values: dict[str, Any], *, adventure_id: str, csrf: str | None = "tok" * 10) -> str:
    """What htmx 2's ws extension sends for a click on a `ws-send` button inside our
    fallback form: the form's values, overridden by hx-vals, plus HEADERS (written
    once, in the benchmark's player, which speaks to real servers the same way)."""
    return bench_protocol.htmx_message(values, adventure_id=adventure_id, origin=ORIGIN, csrf=csrf)


class Player:
    def __init__(self, adventure_id: Any, session_key: str | None, *, origin: str = ORIGIN) -> None:
        self.adventure_id = str(adventure_id)
        headers = [(b"origin", origin.encode())]
        if session_key:
            headers.append((b"cookie", f"sessionid={session_key}".encode()))
        self.comm = WebsocketCommunicator(application, f"/ws/adventures/{self.adventure_id}/", headers=headers)
        self.received: list[str] = []

    async def connect(self) -> None:
        connected, _ = await self.comm.connect(timeout=10)
        assert connected

    async def receive(self, timeout: float = 10) -> str:
        message = await self.comm.receive_from(timeout=timeout)
        self.received.append(message)
        return message

    async def receive_until(self, marker: str, timeout: float = 20) -> list[str]:
        """Every message up to and including the first one containing `marker`."""
        got = []
        async with asyncio.timeout(timeout):
            while True:
                message = await self.receive(timeout=timeout)
                got.append(message)
                if marker in message:
                    return got

    async def receive_chapter(self, number: int, timeout: float = 20) -> tuple[list[str], str]:
        """Wait for the final fragment of chapter `number`: (everything received, that fragment)."""
        got = []
        async with asyncio.timeout(timeout):
            while True:
                message = await self.receive(timeout=timeout)
                got.append(message)
                if message.startswith('<article id="chapter" class="chapter') and (
                    f'data-chapter="{number}"' in message and "chapter--writing" not in message
                ):
                    return got, message

    async def settle(self) -> list[str]:
        """Let background work (titles, pictures) finish and take what it pushed."""
        from adventures.runtime import background

        await background.drain()
        extra = []
        while not await self.comm.receive_nothing(timeout=0.2):
            extra.append(await self.receive())
        return extra

    async def send(self, values: dict[str, Any], **kw: Any) -> None:
        await self.comm.send_to(text_data=htmx_message(values, adventure_id=self.adventure_id, **kw))

    async def choose(self, chapter: int, choice: str) -> None:
        await self.send({"action": "choose", "chapter": chapter, "choice": choice})

    async def nothing_more(self, wait: float = 0.3) -> bool:
        return await self.comm.receive_nothing(timeout=wait)

    async def close(self) -> None:
        await self.comm.disconnect()


def choice_ids(fragment: str) -> list[str]:
    return CHOICE_RE.findall(fragment)
