"""Parsing socket messages: every shape htmx sends is understood, anything else is
refused with words a player can read."""

from __future__ import annotations

import json
import random

import pytest

from adventures.play import protocol


def test_what_htmx_sends_for_a_choice():
    message = protocol.parse(
        json.dumps(
            {
                "csrfmiddlewaretoken": "abc",
                "chapter": 3,
                "choice": "Zx_9-a",
                "action": "choose",
                "HEADERS": {"HX-Request": "true", "HX-Trigger": None, "HX-Current-URL": "http://x/"},
            }
        )
    )
    assert message == protocol.Message(action="choose", chapter=3, choice="Zx_9-a")


def test_the_form_field_text_number_is_accepted():
    assert protocol.parse(json.dumps({"action": "choose", "chapter": "7", "choice": "abc"})).chapter == 7


@pytest.mark.parametrize("action", ["resume", "retry", "summary"])
def test_other_actions(action):
    assert protocol.parse(json.dumps({"action": action, "HEADERS": {}})) == protocol.Message(action=action)


def test_thousands_of_random_frames_never_crash_the_parser():
    rng = random.Random(11)
    pieces = [
        "{",
        "}",
        "[",
        "]",
        '"action"',
        ":",
        '"choose"',
        ",",
        '"chapter"',
        "1",
        '"choice"',
        '"abc"',
        "null",
        "true",
        '"\\u0000"',
        "1e999",
        "-1",
        '"HEADERS"',
        "{}",
        '"<script>"',
    ]
    accepted = 0
    for _ in range(5000):
        frame = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        try:
            protocol.parse(frame)
            accepted += 1
        except protocol.BadMessage as error:
            assert str(error)
    assert accepted < 5000


def test_random_bytes_are_refused():
    rng = random.Random(3)
    for _ in range(500):
        with pytest.raises(protocol.BadMessage):
            protocol.parse(None, bytes(rng.randrange(256) for _ in range(rng.randint(0, 64))))
