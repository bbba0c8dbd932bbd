"""The channel-layer group of an adventure: every page watching it listens there, and
the writer and the after-chapter work (pictures, titles) announce to it."""

from __future__ import annotations

import uuid
from typing import Any

from channels.layers import get_channel_layer


def group_name(adventure_id: Any) -> str:
    return f"adventure-{uuid.UUID(str(adventure_id)).hex}"


async def announce(adventure_id: Any, event: dict[str, Any]) -> None:
    """Send one event to every page watching this adventure (in any process)."""
    await get_channel_layer().group_send(group_name(adventure_id), event)
