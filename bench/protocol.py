"""What a benchmark player reads and writes: the server's HTML pages and socket
fragments, and the JSON that htmx's ws extension sends. Pure functions, no I/O."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

PIECE_PREFIX = '<div id="chapter-text" hx-swap-oob="beforeend">'
ARTICLE_PREFIX = '<article id="chapter" class="chapter chapter--'

_CHOICE = re.compile(r'name="choice" value="([^"]+)"')
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_DATA_CHAPTER = re.compile(r'data-chapter="(\d+)"')
_DATA_KIND = re.compile(r'data-kind="([^"]*)"')
_STATUS = re.compile(r'<div id="status" class="status(?: status--([\w-]+))?"')
_STATUS_MESSAGE = re.compile(r'<p class="status-message">(?:<span[^>]*></span>)?([^<]*)</p>')
_RADIO = re.compile(r'<input type="radio" name="(\w+)" value="([^"]+)"')
_ADVENTURE_PATH = re.compile(r"^/adventures/([0-9a-f-]{36})/$")
# Statuses a player should never see in a clean run.
TROUBLE = frozenset({"error", "limited", "notice", "elsewhere"})


@dataclass(frozen=True)
class Fragment:
    """One message from the socket, as the benchmark player understands it."""

    kind: str  # piece / writing / chapter / image / title / agency-image / other
    number: int | None = None  # the chapter, for writing / chapter
    chapter_kind: str = ""  # story / lesson / reflect / conclusion
    choices: tuple[str, ...] = ()
    csrf: str | None = None  # the fallback form's token, when the fragment carries one
    status: str = ""  # the #status kind sent along (or alone)
    status_message: str = ""
    text: str = ""  # a streamed piece, unescaped


def parse_fragment(message: str) -> Fragment:
    """Classify one socket message (several top-level elements may come together)."""
    status_match = _STATUS.search(message)
    status = (status_match.group(1) or "") if status_match else ""
    status_message = ""
    if status_match:
        found = _STATUS_MESSAGE.search(message, status_match.end())
        status_message = html.unescape(found.group(1)).strip() if found else ""
    if message.startswith(PIECE_PREFIX):
        return Fragment("piece", text=html.unescape(message[len(PIECE_PREFIX) : -len("</div>")]))
    if message.startswith(ARTICLE_PREFIX):
        head = message[: message.index(">") + 1]
        number_match = _DATA_CHAPTER.search(head)
        kind_match = _DATA_KIND.search(head)
        number = int(number_match.group(1)) if number_match else None
        chapter_kind = kind_match.group(1) if kind_match else ""
        if "chapter--writing" in head:
            return Fragment("writing", number, chapter_kind, status=status, status_message=status_message)
        csrf = _CSRF_INPUT.search(message)
        return Fragment(
            "chapter",
            number,
            chapter_kind,
            choices=tuple(_CHOICE.findall(message)),
            csrf=csrf.group(1) if csrf else None,
            status=status,
            status_message=status_message,
        )
    for prefix, kind in (
        ('<figure id="chapter-image"', "image"),
        ('<h1 id="chapter-title"', "title"),
        ('<span id="agency-image-', "agency-image"),
    ):
        if message.startswith(prefix):
            return Fragment(kind)
    return Fragment("other", status=status, status_message=status_message)


def htmx_message(
    values: dict[str, Any], *, adventure_id: str, origin: str, csrf: str | None = None, trigger_name: str | None = None
) -> str:
    """What htmx 2's ws extension sends for a click on a `ws-send` element: the values
    of the enclosing form (the fallback form of the choices, which carries a CSRF
    token only when the page, not the socket, rendered it), overridden by hx-vals,
    plus HEADERS. The tests' players (tests/consumer_support.py) send it too."""
    body: dict[str, Any] = {}
    if csrf is not None and values.get("action") == "choose":
        body["csrfmiddlewaretoken"] = csrf
        body["chapter"] = str(values["chapter"])  # the hidden input, as text
        body["choice"] = values["choice"]
    body.update(values)
    body["HEADERS"] = {
        "HX-Request": "true",
        "HX-Trigger": None,
        "HX-Trigger-Name": trigger_name or ("choice" if values.get("action") == "choose" else None),
        "HX-Target": None,
        "HX-Current-URL": f"{origin}/adventures/{adventure_id}/",
    }
    return json.dumps(body)


@dataclass(frozen=True)
class StartForm:
    """The home page's form: the token and what can be picked."""

    csrf: str
    options: dict[str, list[str]] = field(default_factory=dict)  # field name -> values


def parse_start_form(page: str) -> StartForm:
    token = _CSRF_INPUT.search(page)
    if token is None:
        raise ValueError("the home page has no CSRF token in its form")
    options: dict[str, list[str]] = {}
    for name, value in _RADIO.findall(page):
        options.setdefault(name, []).append(html.unescape(value))
    for needed in ("world", "topic", "difficulty", "length"):
        if not options.get(needed):
            raise ValueError(f"the home page's form offers no {needed!r}")
    return StartForm(csrf=token.group(1), options=options)


def adventure_id_from_location(location: str) -> str:
    """The adventure's id from the start form's redirect (`/adventures/<uuid>/`)."""
    path = re.sub(r"^https?://[^/]+", "", location)
    match = _ADVENTURE_PATH.match(path)
    if match is None:
        raise ValueError(f"the start form redirected to {location!r}, not to an adventure")
    return match.group(1)


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())
