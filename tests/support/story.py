"""Writing chapters for a test without a socket: the services and the writer, as the
no-JavaScript path uses them, with the background work (titles, pictures) finished."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from django.test import Client

from adventures import services
from adventures.models import Chapter
from adventures.operations import telemetry
from adventures.play import writing
from adventures.runtime import background


async def _write(adventure_id: Any) -> None:
    await writing.write_and_wait(adventure_id)
    await background.drain()
    await telemetry.flush()


def write_chapters(adventure: Any, upto: int, *, pick: int = 0) -> list[Chapter]:
    """Choose option `pick` at the end of each chapter and write the next, up to `upto`."""
    for number in range(Chapter.objects.filter(adventure_id=adventure.id).count() + 1, upto + 1):
        if number > 1:
            previous = Chapter.objects.get(adventure_id=adventure.id, number=number - 1)
            services.chapter_record_choice(
                adventure_id=adventure.id, number=number - 1, choice_id=previous.choices[pick].id
            )
        async_to_sync(_write)(adventure.id)
    return list(Chapter.objects.filter(adventure_id=adventure.id).order_by("number"))


def client_for(session_key: str) -> Client:
    """A browser holding this session cookie."""
    client = Client()
    client.cookies["sessionid"] = session_key
    return client
