"""Provider fixtures: the fake Gemini server, with the app pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adventures.llm import get_provider, reset_providers
from tests.support.fake_gemini import FakeGemini, fake_gemini_server  # noqa: F401 (a fixture)


@pytest.fixture
async def fake_gemini(fake_gemini_server: FakeGemini, settings) -> AsyncIterator[FakeGemini]:  # noqa: F811
    """The fake server, with STORYWEB_LLM=gemini pointed at it and tiny backoffs."""
    settings.GEMINI_BASE_URL = fake_gemini_server.url
    settings.GEMINI_API_KEY = "fake-key"
    settings.STORYWEB_LLM = "gemini"
    settings.GEMINI_BACKOFF_BASE = 0.005
    settings.GEMINI_MAX_ATTEMPTS = 4
    reset_providers()
    yield fake_gemini_server
    await get_provider("gemini").aclose()  # the SDK's HTTP session of this test's loop
    reset_providers()
