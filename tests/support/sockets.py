"""One look through the adventure socket from synchronous tests: served (the first
fragment) or refused (the close code)."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync

from adventures.operations import telemetry
from adventures.runtime import background
from tests.consumer_support import Player


async def _first_answer(adventure_id: Any, session_key: str | None) -> tuple[str, Any]:
    player = Player(adventure_id, session_key)
    connected, _ = await player.comm.connect(timeout=10)
    assert connected  # the consumer accepts, then refuses with a close code
    output = await player.comm.receive_output(timeout=10)
    await player.comm.disconnect()
    await background.drain()
    await telemetry.flush()
    if output["type"] == "websocket.close":
        return "refused", output["code"]
    return "served", output["text"]


def socket_answer(adventure_id: Any, session_key: str | None) -> tuple[str, Any]:
    """("served", first fragment) or ("refused", close code)."""
    return async_to_sync(_first_answer)(adventure_id, session_key)
