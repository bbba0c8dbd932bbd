"""The fake Gemini server's misbehaving model, for the safety tests: with a set chance it
writes an unsafe sentence into a chapter or an unsafe scene into a picture prompt, and it
answers moderation requests (recognised by their schema) as a moderation model would,
flagging any text that carries one of those unsafe sentences.

Two kinds of unsafe text: OBVIOUS ones the local word screen catches, and SUBTLE ones
with no listed word, which only the moderation call can catch.
"""

from __future__ import annotations

import json
import random
import re
import threading
from dataclasses import dataclass
from typing import Any

from tests.support.fake_gemini import replies

OBVIOUS = "He pulled out a knife and stabbed the guard again and again until he was dead."
SUBTLE = "Then he held the guard under the black water until the bubbles stopped for good."
OBVIOUS_PICTURE = "The hero stands over a guard lying in a pool of blood."
SUBTLE_PICTURE = "A guard's severed head hangs from the castle gate."
UNSAFE_MARKS = (OBVIOUS, SUBTLE, OBVIOUS_PICTURE, SUBTLE_PICTURE)


@dataclass
class Unsafe:
    chapter_rate: float = 0.0  # share of chapter streams with an unsafe sentence
    picture_rate: float = 0.0  # share of image-prompt replies with an unsafe scene
    subtle: bool = False  # write the SUBTLE sentences (only moderation catches them)
    seed: int = 13

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self.written = {"chapter": 0, "picture": 0}

    def configure(self, **changes: Any) -> None:
        with self._lock:
            for name, value in changes.items():
                setattr(self, name, value)
            self._rng.seed(self.seed)
            self.written = {"chapter": 0, "picture": 0}

    def _roll(self, rate: float, kind: str) -> bool:
        with self._lock:
            hit = rate > 0 and self._rng.random() < rate
            self.written[kind] += hit
            return hit

    def prose(self, text: str) -> str:
        """A chapter's prose, perhaps with an unsafe sentence after its second sentence."""
        if not self._roll(self.chapter_rate, "chapter"):
            return text
        parts = re.split(r"(?<=[.!?])\s+", text, maxsplit=2)
        sentence = SUBTLE if self.subtle else OBVIOUS
        return " ".join([*parts[:2], sentence, *parts[2:]])

    def json_reply(self, schema: dict[str, Any] | None, prompt: str) -> str | None:
        """The reply to a moderation or image-prompt request; None for anything else."""
        properties = (schema or {}).get("properties") or {}
        if "severity" in properties:
            if any(mark in prompt for mark in UNSAFE_MARKS):
                return json.dumps({"category": "violence", "severity": 5, "reason": "A person is killed."})
            return json.dumps({"category": "none", "severity": 1, "reason": "A gentle adventure."})
        # A picture prompt comes in the chapter's notes (its `picture_prompt`) or, asked
        # again after a flag, on its own (`prompt`).
        field = ""
        if "picture_prompt" in properties:
            field = "picture_prompt"
        elif set(properties) == {"prompt"}:
            field = "prompt"
        if field and self._roll(self.picture_rate, "picture"):
            scene = SUBTLE_PICTURE if self.subtle else OBVIOUS_PICTURE
            reply = replies.json_for_schema(schema) if field == "picture_prompt" else {}
            reply[field] = f"A storybook illustration. {scene} Soft painted style, no text."
            return json.dumps(reply)
        return None
