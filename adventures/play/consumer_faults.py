"""When the database, Redis or the channel layer fails under a socket: the player is
told kindly, and the socket ends so that the page reconnects by itself and is shown
what the database holds once it answers again (issue 18)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels.exceptions import StopConsumer
from django.conf import settings
from django.template.loader import render_to_string

from adventures.play import pages

logger = logging.getLogger(__name__)

INTERRUPTED = (
    "The story is taking a short break because something went wrong on our side. "
    "Nothing is lost: it will carry on by itself in a moment."
)
CHOICE_NOT_SAVED = (
    "Your choice could not be saved just now, so nothing has changed. "
    "The story will be back in a moment: then choose again."
)


class ChoiceNotRecorded(Exception):
    """The database or cache failed while a choice was being recorded."""


class Interrupted(Exception):
    """Ends a socket after an outage. Daphne closes a socket whose application raised
    with code 1011, after which htmx's ws extension reconnects by itself; it does not
    after a clean close, and daphne lets an application send no other 1xxx code."""


class Interruptible:
    """Mixed into the adventure consumer, before AsyncWebsocketConsumer."""

    adventure_id: str
    accepted = False
    group: str | None = None

    async def dispatch(self, message: dict[str, Any]) -> None:
        try:
            await super().dispatch(message)  # type: ignore[misc]
        except StopConsumer:
            raise
        except ChoiceNotRecorded as error:
            await self._interrupted(error.__cause__ or error, CHOICE_NOT_SAVED)
        except Exception as error:
            if message.get("type") == "websocket.disconnect":
                raise
            await self._interrupted(error, INTERRUPTED)

    async def _interrupted(self, error: BaseException, message: str) -> None:
        """Say so, then end the socket."""
        logger.warning("socket for %s interrupted: %r", getattr(self, "adventure_id", "?"), error)
        try:
            if not self.accepted:
                await self.accept()  # type: ignore[attr-defined]
                self.accepted = True
            status = pages.status("error", message)
            html = render_to_string("adventures/play.html#status", {"status": status, "meta": None}).strip()
            await self.send(text_data=html)  # type: ignore[attr-defined]
        except Exception:  # noqa: S110 - the socket itself is gone; ending it below is all that is left
            pass
        await asyncio.sleep(settings.STORYWEB_RECONNECT_PAUSE_SECONDS)
        await self.disconnect(1011)  # type: ignore[attr-defined]  # daphne sends none to an application that raised
        self.group = None
        raise Interrupted(f"{type(error).__name__}: {error}") from None
