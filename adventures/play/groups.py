"""The channel-layer group of an adventure: every page watching it listens there, and
the writer and the after-chapter work (pictures, titles, narration) announce to it.

What comes after a chapter is announced with its fragment already rendered
(`save_and_show`): one trip to a thread saves it and renders it, and every page showing
the chapter, in any process, sends the same HTML without querying again."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from channels.layers import get_channel_layer

from adventures.play import reader
from adventures.runtime import workers


def group_name(adventure_id: Any) -> str:
    return f"adventure-{uuid.UUID(str(adventure_id)).hex}"


async def announce(adventure_id: Any, event: dict[str, Any]) -> None:
    """Send one event to every page watching this adventure (in any process)."""
    await get_channel_layer().group_send(group_name(adventure_id), event)


async def save_and_show[T](adventure_id: Any, number: int, part: str, save: Callable[[], T]) -> T:
    """Save a part of chapter `number` (a service call), render it as it now is, and
    announce it to the pages showing that chapter (`adventure.chapter_updated`). A save
    that returns False changed nothing: nothing is rendered or announced."""
    event = {"type": "adventure.chapter_updated", "number": number, "part": part}
    return await _save_and_announce(adventure_id, save, partial(reader.chapter_part, adventure_id, number, part), event)


async def show_agency_picture(adventure_id: Any, index: int, save: Callable[[], None]) -> None:
    """Save chapter 1's option picture `index` and show it on the pages still choosing
    (nothing once a choice was made: `reader.agency_picture` renders "")."""
    event = {"type": "adventure.agency_picture_ready", "index": index}
    await _save_and_announce(adventure_id, save, partial(reader.agency_picture, adventure_id, index), event)


async def _save_and_announce[T](
    adventure_id: Any, save: Callable[[], T], render: Callable[[], str], event: dict[str, Any]
) -> T:
    """`save` and `render` in one trip to a thread, then `event` with the HTML, unless
    the save changed nothing (False) or there is nothing to show ("")."""

    def saved_and_rendered() -> tuple[T, str]:
        saved = save()
        return saved, "" if saved is False else render()

    saved, html = await workers.database(saved_and_rendered)()
    if html:
        await announce(adventure_id, {**event, "html": html})
    return saved
