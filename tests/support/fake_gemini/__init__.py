"""A fake Gemini HTTP server (loopback only) that the real google-genai SDK can talk to.

It speaks `POST /{version}/models/{model}:generateContent` and
`:streamGenerateContent?alt=sse`, answers chapters with streamed prose and a choices
block, JSON-schema requests with JSON that fits the schema, image requests with a
real PNG in `inlineData`, and speech requests (the AUDIO modality) with 24 kHz 16-bit
PCM (`audio/L16;codec=pcm;rate=24000`, or a WAV with `speech_format="wav"`): a hum per
sentence, as long as its letters, with quiet between sentences (`replies.speech_pcm`).
Latency and faults (429 with RetryInfo, per-minute or per-day
quota, 500, 503, hangs, pauses, dropped streams, malformed choices, menus without the
marker, bad JSON, prompt blocks, safety / MAX_TOKENS / RECITATION stops before or after
text, unknown models) are settable at runtime from any thread, and every request is
recorded so tests can assert on the calls. It answers Vertex AI's paths too, and
`models.get` (for check_gemini).

In tests: the `fake_gemini_server` fixture (tests/llm/conftest.py adds `fake_gemini`,
which also points the app at it). By hand or for the benchmark:

    python -m tests.support.fake_gemini --port 8765 --ttft-ms 300 --chunk-delay-ms 20
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_gemini.faults import (
    OK,
    FakeSettings,
    Fault,
    RecordedRequest,
    bad_json,
    drop_after,
    error_event_after,
    hang,
    malformed_choices,
    menu_choices,
    pause_after,
    prompt_block,
    quota_per_day,
    status,
    stop_after,
)
from tests.support.fake_gemini.server import LOOPBACK, FakeGemini

__all__ = [
    "LOOPBACK",
    "OK",
    "FakeGemini",
    "FakeSettings",
    "Fault",
    "RecordedRequest",
    "bad_json",
    "drop_after",
    "error_event_after",
    "fake_gemini_server",
    "hang",
    "malformed_choices",
    "menu_choices",
    "pause_after",
    "prompt_block",
    "quota_per_day",
    "status",
    "stop_after",
]


@pytest.fixture
def fake_gemini_server() -> Iterator[FakeGemini]:
    """A running fake on a free loopback port, stopped after the test."""
    with FakeGemini() as server:
        yield server
