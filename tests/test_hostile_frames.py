"""1,000 hostile frames on one socket: random bytes, truncated JSON, deep nesting,
100 KB strings, wrong types, unknown actions, HTML in every field. Each gets exactly
one answer, none echoes the markup, the socket (and a new one) keeps working, and not
one row of the game changes. The no-JavaScript forms get the same treatment."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator

import pytest
from channels.db import database_sync_to_async

from adventures.models import Adventure, Chapter, CharacterVisual, Feedback
from adventures.operations import telemetry
from adventures.runtime import background
from tests.consumer_support import Player, choice_ids, htmx_message
from tests.factories import start_adventure, visitor_session

pytestmark = [pytest.mark.django_db(transaction=True)]

FRAMES = 1000
HTML = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    '<a href="javascript:alert(3)">x</a>',
    '"><svg onload=alert(4)>',
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
]
UNKNOWN_ACTIONS = ["CHOOSE", "choose ", "fly", "__init__", "_handle_choose", "connect", "disconnect", "send"]
ODD_VALUES = [None, True, False, 0, -1, 1.5, 10**30, "", " ", "1e3", "0x1", [], {}, [1], {"a": 1}, "\u0000", "\ud800"]


def frames(valid: str, real_choice: str, seed: int = 20261124) -> Iterator[tuple[str, str | bytes]]:
    """(kind, frame) pairs, FRAMES of them, the kinds taking turns. None may record a
    choice or feedback: every `choose` names a choice that is not the chapter's."""
    rng = random.Random(seed)

    def junk_id() -> str:
        while True:
            candidate = "".join(rng.choice("abcdefghijkLMNOP0123456789-_") for _ in range(rng.randint(1, 32)))
            if candidate != real_choice:
                return candidate

    def random_bytes() -> bytes:
        return rng.randbytes(rng.randint(0, 600))

    def random_text() -> str:
        return rng.randbytes(rng.randint(1, 600)).decode("latin-1")

    def truncated() -> str:
        return valid[: rng.randint(0, len(valid) - 1)]

    def deep() -> str:
        depth = rng.choice([50, 500, 900, 2000, 4000])
        shape = rng.choice(["list", "object", "inside"])
        if shape == "list":
            return "[" * depth + "]" * depth
        if shape == "object":
            return '{"a":' * min(depth, 800) + "1" + "}" * min(depth, 800)
        return json.dumps({"action": "choose", "chapter": 1, "choice": "x"})[:-1] + ', "HEADERS": ' + "[" * depth

    def huge() -> str:
        field = rng.choice(["choice", "action", "HEADERS", "comment", "extra"])
        message = {"action": "choose", "chapter": 1, "choice": "abc"}
        message[field] = rng.choice(["x", "<b>", "é", "😀"]) * (100_000 // 4)
        return json.dumps(message)

    def wrong_types() -> str:
        message: dict[str, object] = {"action": rng.choice(["choose", "resume", "summary", "feedback", "retry"])}
        for key in rng.sample(["action", "chapter", "choice", "HEADERS", "rating", "comment"], rng.randint(1, 3)):
            message[key] = rng.choice(ODD_VALUES)
        if message.get("action") == "feedback" and message.get("rating") in ("up", "down"):
            message["rating"] = None
        return json.dumps(message)

    def unknown_action() -> str:
        action = rng.choice([*UNKNOWN_ACTIONS, junk_id()])
        return json.dumps({"action": action, "chapter": 1, "choice": junk_id()})

    def html_everywhere() -> str:
        markup = rng.choice(HTML)
        message: dict[str, object] = {
            "action": rng.choice(["choose", "resume", "summary", "feedback", markup]),
            "chapter": rng.choice([1, markup]),
            "choice": rng.choice([junk_id(), markup]),
            "HEADERS": {"HX-Trigger": markup, "HX-Current-URL": markup},
        }
        if message["action"] == "feedback":
            message.update(rating=markup, comment=markup)  # a rating that is not one
            del message["chapter"], message["choice"]
        if rng.random() < 0.3:
            message[markup] = markup
        return json.dumps(message)

    def not_this_choice() -> str:
        # Well formed, but a choice the chapter does not have, or a chapter not due.
        return htmx_message({"action": "choose", "chapter": rng.randint(1, 99), "choice": junk_id()}, adventure_id="x")

    kinds = [
        ("random bytes", random_bytes),
        ("random text", random_text),
        ("truncated JSON", truncated),
        ("deep nesting", deep),
        ("100 KB", huge),
        ("wrong types", wrong_types),
        ("unknown action", unknown_action),
        ("HTML everywhere", html_everywhere),
        ("not this choice", not_this_choice),
    ]
    for n in range(FRAMES):
        name, make = kinds[n % len(kinds)]
        yield name, make()


def game_rows(adventure_id) -> tuple[object, ...]:
    """Every row of the game that a frame could touch."""
    return (
        list(Adventure.objects.filter(pk=adventure_id).values()),
        list(Chapter.objects.filter(adventure_id=adventure_id).order_by("number").values()),
        list(CharacterVisual.objects.filter(adventure_id=adventure_id).order_by("name").values()),
        Feedback.objects.count(),
    )


async def test_a_thousand_hostile_frames_change_nothing(settings):
    settings.STORYWEB_FEEDBACK_AFTER_CHAPTER = 1  # the feedback form is open: hostile feedback is tried
    settings.STORYWEB_SOCKET_FRAMES_PER_10S = 10**6  # the parser is under test here, not the pace (test_bounds.py)
    session_key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor, length=6)
    player = Player(adventure.id, session_key)
    await player.connect()
    _, final = await player.receive_chapter(1)
    await player.settle()  # chapter 1's title and pictures: nothing left to arrive
    real_choice = choice_ids(final)[0]
    before = await database_sync_to_async(game_rows)(adventure.id)

    valid = htmx_message({"action": "choose", "chapter": 1, "choice": real_choice}, adventure_id=str(adventure.id))
    sent: Counter[str] = Counter()
    answers: Counter[str] = Counter()
    for kind, frame in frames(valid, real_choice):
        if isinstance(frame, bytes):
            await player.comm.send_to(bytes_data=frame)
        else:
            await player.comm.send_to(text_data=frame)
        sent[kind] += 1
        answer = await player.receive(timeout=10)
        for markup in HTML:
            assert markup not in answer, (kind, frame[:200], answer[:300])
        answers[answer.split(">", 1)[0]] += 1
    assert await player.nothing_more()  # exactly one answer per frame
    assert sum(sent.values()) == FRAMES == sum(answers.values())
    # Only the answers the protocol knows: an error or a notice in #status, or (for a
    # well-formed resume, summary or feedback) the fragment it asks for.
    assert set(answers) <= {
        '<div id="status" class="status status--error" role="status" aria-live="polite"',
        '<div id="status" class="status status--notice" role="status" aria-live="polite"',
        '<article id="chapter" class="chapter chapter--story" data-chapter="1" data-kind="story" '
        'aria-labelledby="chapter-title"',
        '<ol id="story-so-far" class="story-so-far-list"',
        '<aside id="feedback" class="feedback feedback--ask" aria-labelledby="feedback-heading"',
    }
    assert answers['<div id="status" class="status status--error" role="status" aria-live="polite"'] > 800
    assert len(sent) == 9 and min(sent.values()) >= 111

    await background.drain()
    await telemetry.flush()
    assert await database_sync_to_async(game_rows)(adventure.id) == before

    # The same socket still plays, and so does a new one.
    await player.send({"action": "resume"})
    state = await player.receive()
    assert state.startswith('<article id="chapter" class="chapter chapter--story" data-chapter="1"')
    second = Player(adventure.id, session_key)
    await second.connect()
    assert (await second.receive()).startswith('<article id="chapter" class="chapter chapter--story" data-chapter="1"')
    await player.choose(1, real_choice)
    await player.receive_chapter(2)
    await player.close()
    await second.close()
    await background.drain()
    chapters = await database_sync_to_async(
        lambda: list(Chapter.objects.filter(adventure=adventure).order_by("number"))
    )()
    assert [c.number for c in chapters] == [1, 2] and chapters[0].chosen_choice == real_choice


def test_hostile_form_posts_without_javascript_change_nothing():
    """The no-JavaScript forms get the same treatment: odd chapter numbers and choices,
    markup and 5 KB values answer with the reader again, never an error page."""
    from tests.support.story import client_for, write_chapters

    session_key, visitor = visitor_session()
    adventure = start_adventure(visitor=visitor, length=6)
    write_chapters(adventure, 1)
    before = game_rows(adventure.id)
    client = client_for(session_key)
    base = f"/adventures/{adventure.id}"
    odd = ["9" * 30, "-5", "0", "1e3", "1.0", *HTML, "x" * 5000, ""]
    statuses: Counter[int] = Counter()
    for chapter in odd:
        for choice in ["x", "abc-DEF_123", *HTML, "é" * 2000, ""]:
            statuses[client.post(f"{base}/choose/", {"chapter": chapter, "choice": choice}).status_code] += 1
    for value in odd:
        statuses[client.post(f"{base}/feedback/", {"rating": value, "comment": value}).status_code] += 1
        statuses[client.post("/preferences/text-size/", {"size": value, "next": value}).status_code] += 1
    assert statuses == {302: len(odd) * (len(HTML) + 4) + 2 * len(odd)}
    assert game_rows(adventure.id) == before
