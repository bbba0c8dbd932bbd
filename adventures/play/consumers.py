"""The adventure socket (DESIGN §5-6): thin. It checks who is asking, parses each
message, calls a service or the writer, renders the shared partials and sends them.

While this process writes the adventure's chapter, the socket iterates the writer's
events (`writing.ChapterWriter.subscribe`): the chapter so far, each piece, and the
end, which carries the reader's state saved with the chapter (no second query). A
chapter written by another process arrives as a group event; titles and pictures too,
and they come rendered by whoever saved them (groups.save_and_show). What a written chapter
looks like comes from `reader.ReaderState`, which the page view uses too.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils.html import escape

from adventures import services
from adventures.models import Adventure
from adventures.operations import limits, telemetry
from adventures.play import extras, groups, pages, protocol, reader, socket_bounds, visitors, writing
from adventures.play.consumer_faults import INTERRUPTED, ChoiceNotRecorded, Interruptible
from adventures.runtime import workers

logger = logging.getLogger(__name__)

REFUSED = 4403
TOO_MANY_TABS = "This adventure is open in lots of windows at once. Close the others, then reload this one."

CHOICE_MESSAGES = {
    services.ChoiceOutcome.ALREADY_CHOSEN: "Your choice is already on its way: the story carries on from it.",
    services.ChoiceOutcome.STALE: "That part of the story is already behind you.",
    services.ChoiceOutcome.UNKNOWN_CHOICE: "That is not one of the choices in this chapter.",
}


render = reader.render


class _OnTheLoop:
    """channels' `AsyncConsumer.dispatch` closes stale database connections before every
    handler, on the one thread asgiref keeps for thread-sensitive calls (shared with the
    page views): a thread hop before each message and each group event. This consumer
    never touches a database connection on the event loop's side: all its database work
    runs on `workers`' pool, which closes its own connections around each call."""

    async def dispatch(self, message: dict[str, Any]) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)


class AdventureConsumer(Interruptible, _OnTheLoop, AsyncWebsocketConsumer):
    adventure_id: str
    meta: pages.AdventureMeta
    visitor: str | None
    user: Any = None  # the signed-in user or AnonymousUser, read at connect with the adventure
    authorised = False  # True once the adventure is known to be this socket's
    showing: int | None = None  # the chapter number on the player's screen
    group: str | None = None
    poller: asyncio.Task[None] | None = None
    ip = "unknown"  # the client address the per-address limits count
    accepted = False
    admitted: tuple[str, ...] = ()  # the socket_bounds keys this socket counts under
    pace: socket_bounds.FramePace | None = None
    following: asyncio.Task[None] | None = None  # showing what this process's writer publishes
    followed: collections.deque[str]  # the ids of the last writers this socket followed, newest last
    shown_written = 0  # the last written chapter this socket has shown
    feedback_given = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.followed = collections.deque(maxlen=4)

    # --- Connecting --------------------------------------------------------------

    async def connect(self) -> None:
        self.adventure_id = str(self.scope["url_route"]["kwargs"]["adventure_id"])
        # Ownership is settled before the handshake completes, so no frame can arrive
        # ahead of the answer; a refused socket is accepted only to hear 4403, and
        # whatever it sends meanwhile is dropped (`authorised` stays False).
        owned = await workers.database(self._load_owned)()
        await self.accept()
        self.accepted = True
        if owned is None:
            await self.close(code=REFUSED)
            return
        self.meta, state = owned
        user = self.user
        keys = socket_bounds.socket_keys(
            adventure_id=self.adventure_id,
            visitor=self.visitor,
            user_id=user.pk if user is not None and user.is_authenticated else None,
        )
        if not socket_bounds.admit(keys):
            await self._send_status("error", TOO_MANY_TABS)
            await self.close(code=socket_bounds.TOO_MANY_SOCKETS)
            return
        self.admitted, self.pace = keys, socket_bounds.FramePace()
        self.authorised = True
        self.ip = visitors.socket_client_ip(self.scope)
        self.group = groups.group_name(self.adventure_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self._show(state)

    def _load_owned(self) -> tuple[pages.AdventureMeta, reader.ReaderState | None] | None:
        """Who is playing (the session's visitor and user) and the adventure if it is
        theirs, with the reader's state: one thread call."""
        session = self.scope.get("session")
        self.visitor = visitors.visitor_of_session(session)
        self.user = user = visitors.user_of_session(session)
        adventure = (
            Adventure.objects.owned_by(visitor=self.visitor, user=user)
            .with_content()
            .filter(pk=self.adventure_id)
            .first()
        )
        if adventure is None:
            return None
        meta = pages.AdventureMeta.of(adventure)
        return meta, self._read_of(adventure, meta)

    async def disconnect(self, code: int) -> None:
        self.authorised = False  # frames still queued are dropped unread
        if self.admitted:
            socket_bounds.release(self.admitted)
            self.admitted = ()
        if self.poller is not None:
            self.poller.cancel()
        if self.following is not None:
            self.following.cancel()
        if self.group is not None:
            try:
                await self.channel_layer.group_discard(self.group, self.channel_name)
            except Exception as error:  # the layer is down: its groups went with it
                logger.warning("could not leave %s: %r", self.group, error)

    # --- Showing the state --------------------------------------------------------

    def _read(self) -> reader.ReaderState | None:
        """The reader's state as the page shows it. Synchronous: a worker thread."""
        return self._read_of(Adventure.objects.with_content().get(pk=self.adventure_id), self.meta)

    def _read_of(self, adventure: Adventure, meta: pages.AdventureMeta) -> reader.ReaderState | None:
        """`reader.read`, None for an adventure with nothing to show; also whether this
        visitor has given feedback already (the feedback box depends on it)."""
        self.feedback_given = services.feedback_given(visitor=self.visitor, user=self.user)
        try:
            return reader.read(adventure, meta)
        except reader.NothingToShow:
            return None

    async def _send_written(self, state: reader.ReaderState) -> None:
        """The written chapter of `state`, with everything around it."""
        written = state.written
        if written is None:
            return
        self.showing = self.shown_written = written.number
        signed_in = bool(self.user and self.user.is_authenticated)
        await self.send(text_data=state.fragments(feedback_given=self.feedback_given, signed_in=signed_in))
        await telemetry.arecord_chapter_viewed(
            adventure_id=self.adventure_id, chapter_number=written.number, chapter_kind=written.kind
        )

    async def _show_state(self) -> None:
        await self._show(await workers.database(self._read)())

    async def _show(self, state: reader.ReaderState | None) -> None:
        if state is None:
            return
        if state.due is None:
            await self._send_written(state)
            await extras.request_missing(self.adventure_id, state.chapters[-1:], state.adventure.agency_options)
        else:
            await self._continue_writing(state.due)

    async def _continue_writing(self, due: int) -> None:
        writer = await writing.current_writer(self.adventure_id)
        if writer is not None:
            self._follow(writer)
            return
        if await writing.being_written_elsewhere(self.adventure_id):
            await self._written_elsewhere(due)
            return
        ticket = await limits.achapter_take(visitor=self.visitor or self.adventure_id, ip=self.ip)
        if not ticket.allowed:
            await self._send_limited(ticket, {"action": "resume"})
            return
        self._follow(await writing.ensure_writing(self.adventure_id))

    async def _send_limited(self, ticket: limits.ChapterTicket, again: dict[str, Any]) -> None:
        """Say how long to wait; for the reading pace, the page asks `again` by itself then."""
        telemetry.record("rate_limited", adventure_id=self.adventure_id, limit=ticket.refused)
        pace = ticket.refused == "chapters"
        status = pages.status(
            "limited", ticket.message, retry=not pace, again=again if pace else None, after=ticket.retry_after
        )
        await self.send(text_data=render("status", status=status, meta=self.meta))

    async def _send_status(self, kind: str, message: str = "", *, retry: bool = False) -> None:
        await self.send(text_data=render("status", status=pages.status(kind, message, retry=retry), meta=self.meta))

    # --- Following this process's writer ----------------------------------------------

    def _follow(self, writer: writing.ChapterWriter) -> None:
        """Show what `writer` publishes, from its chapter so far to its end, in a task of
        this socket's own (the socket goes on hearing messages meanwhile)."""
        if self.following is not None and not self.following.done():
            if self.followed[-1] == writer.id:
                return
            self.following.cancel()
        self.followed.append(writer.id)
        self.following = asyncio.get_running_loop().create_task(self._show_writing(writer.subscribe()))

    async def _show_writing(self, events: AsyncIterator[writing.Event]) -> None:
        try:
            async for event in events:
                await self._show_event(event)
        except Exception as error:
            # Not inside a handler, so it cannot end the socket: the page asks again
            # shortly, and that message meets the outage (or the story) in a handler.
            logger.warning("following the writer of %s failed: %r", self.adventure_id, error)
            await self._send_interrupted()

    async def _show_event(self, event: writing.Event) -> None:
        match event:
            case writing.Started(number=number, pieces=pieces):
                self.showing = number
                await self.send(text_data=reader.being_written(self.meta, number, pieces, status="writing"))
            case writing.Piece(number=number, text=text):
                await self._send_piece(number, text)
            case writing.Rewound(number=number):
                # The draft on screen was withdrawn: show the chapter empty again; the new
                # draft streams into it.
                self.showing = number
                await self.send(text_data=reader.being_written(self.meta, number, status="rewriting", progress=False))
            case writing.Saved(state=state):
                if self.poller is not None:
                    self.poller.cancel()
                await self._send_written(state)
            case writing.Failed(reason=reason):
                await self._send_failed(reason)
            case writing.Elsewhere():
                await self._written_elsewhere(None)
            case writing.NotDue():
                await self._show_state()

    async def _send_piece(self, number: int, text: str) -> None:
        await self.send(text_data=f'<div id="chapter-text" hx-swap-oob="beforeend">{escape(text)}</div>')

    async def _send_failed(self, reason: str) -> None:
        message = writing.MESSAGES.get(reason, writing.MESSAGES["unavailable"])
        if reason == "interrupted":  # our own fault, not the storyteller's: ask again by ourselves
            status = pages.status(
                "error", message, retry=True, again={"action": "retry"}, after=writing.RETRY_AFTER_INTERRUPTION
            )
            await self.send(text_data=render("status", status=status, meta=self.meta))
            return
        await self._send_status("error", message, retry=True)

    async def _send_interrupted(self) -> None:
        status = pages.status("error", INTERRUPTED, again={"action": "retry"}, after=writing.RETRY_AFTER_INTERRUPTION)
        with contextlib.suppress(Exception):
            await self.send(text_data=render("status", status=status, meta=self.meta))

    async def _written_elsewhere(self, due: int | None) -> None:
        """Another process holds the pen: say so, and take over if it lets go."""
        if due is None:
            await self._send_status("elsewhere")
        else:
            self.showing = due
            await self.send(text_data=reader.being_written(self.meta, due, status="elsewhere"))
        if self.poller is None or self.poller.done():
            self.poller = asyncio.get_running_loop().create_task(self._wait_for_other_writer())

    async def _wait_for_other_writer(self) -> None:
        # The other process's lock lives in shared state, which has no way to notify us.
        try:
            while await writing.being_written_elsewhere(self.adventure_id):  # noqa: ASYNC110
                await asyncio.sleep(max(0.5, settings.STORYWEB_WRITING_LOCK_SECONDS / 4))
            await self._show_state()
        except Exception as error:
            logger.warning("waiting for the writer of %s failed: %r", self.adventure_id, error)
            await self._send_interrupted()

    # --- Group events (from whichever process did the work) ----------------------------

    def _heard_from_the_writer(self, event: dict[str, Any]) -> bool:
        """The group's copy of an end this socket heard from this process's writer."""
        return event.get("writer") in self.followed

    async def adventure_chapter_ready(self, event: dict[str, Any]) -> None:
        number = event.get("number")
        if self._heard_from_the_writer(event) or (number is not None and number <= self.shown_written):
            return
        if self.poller is not None:
            self.poller.cancel()
        state = await workers.database(self._read)()
        if state is not None:
            await self._send_written(state)

    async def adventure_chapter_failed(self, event: dict[str, Any]) -> None:
        if self._heard_from_the_writer(event):
            return
        await self._send_failed(event.get("reason", "unavailable"))

    async def adventure_chapter_updated(self, event: dict[str, Any]) -> None:
        # A part saved after the chapter (title, picture, choices, narration), rendered
        # once by whoever saved it (groups.save_and_show).
        if event.get("number") == self.showing:
            await self.send(text_data=event["html"])

    async def adventure_agency_picture_ready(self, event: dict[str, Any]) -> None:
        if self.showing == 1:
            await self.send(text_data=event["html"])

    # --- Messages from the browser ---------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self.authorised:
            return
        if self.pace is not None and not self.pace.allows_one_more():
            logger.warning("socket for %s closed: flooding", self.adventure_id)
            await self.close(code=socket_bounds.FLOODING)
            await self.disconnect(socket_bounds.FLOODING)
            return
        try:
            message = protocol.parse(text_data, bytes_data)
        except protocol.BadMessage as error:
            await self._send_status("error", str(error))
            return
        await getattr(self, f"_handle_{message.action}")(message)

    async def _handle_choose(self, message: protocol.Message) -> None:
        """Record the choice and write the next chapter. The chapters-per-minute limit
        counts chapters: a choice that writes nothing (a double click, a stale or unknown
        choice) gives its ticket back, and at the limit it hears what it is, not "wait"."""
        number, choice_id = message.chapter, message.choice
        if number is None or choice_id is None:  # protocol.parse gives neither for a choice
            await self._send_status("error", "A choice needs a chapter and an option.")
            return
        ticket = limits.ChapterTicket()
        try:
            ticket = await limits.achapter_take(visitor=self.visitor or self.adventure_id, ip=self.ip)
            if not ticket.allowed:
                outcome = await workers.database(services.chapter_choice_check)(
                    adventure_id=self.adventure_id, number=number, choice_id=choice_id
                )
                if outcome is services.ChoiceOutcome.RECORDED:  # it would write a chapter: wait
                    again = {"action": "choose", "chapter": number, "choice": choice_id}
                    await self._send_limited(ticket, again)
                else:
                    await self._send_status("notice", CHOICE_MESSAGES[outcome])
                return
            result, job = await workers.database(writing.record_choice)(
                adventure_id=self.adventure_id, number=number, choice_id=choice_id
            )
        except Exception as error:
            with contextlib.suppress(Exception):
                await limits.achapter_refund(ticket)
            raise ChoiceNotRecorded from error
        if result.recorded:
            self._follow(await writing.ensure_writing(self.adventure_id, job))
            return
        await limits.achapter_refund(ticket)  # a double click or a stale choice writes nothing
        await self._send_status("notice", CHOICE_MESSAGES[result.outcome])

    async def _handle_resume(self, message: protocol.Message) -> None:
        await self._show_state()

    async def _handle_retry(self, message: protocol.Message) -> None:
        await self._show_state()

    async def _handle_feedback(self, message: protocol.Message) -> None:
        html, given = await workers.database(reader.feedback_reply)(
            dict(message.fields),
            visitor=self.visitor or "",
            user=self.user,
            adventure_id=self.adventure_id,
            chapter_number=self.showing,
            meta=self.meta,
        )
        # Not offered again under this socket's next chapters (another tab's feedback
        # shows here after a reload; giving it twice stores nothing).
        self.feedback_given = self.feedback_given or given
        await self.send(text_data=html)

    async def _handle_summary(self, message: protocol.Message) -> None:
        await self.send(text_data=await workers.database(reader.story_so_far)(self.adventure_id, self.showing))
