"""Provider fixtures: the fake Gemini server, with the app pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from django.core.cache import cache
from google.oauth2.credentials import Credentials

from adventures.storytellers import get_provider, reset_providers
from adventures.storytellers.gemini import config as gemini_config
from tests.support.fake_gemini import FakeGemini, fake_gemini_server  # noqa: F401 (a fixture)

ROUTES = ("ai-studio", "vertex-ai")


@pytest.fixture(params=ROUTES)
async def fake_gemini(
    request,
    fake_gemini_server: FakeGemini,  # noqa: F811
    settings,
    monkeypatch,
    tmp_path,
) -> AsyncIterator[FakeGemini]:
    """The fake server, with STORYWEB_LLM=gemini pointed at it and tiny backoffs; every
    test runs once on each route: the Gemini API with a key, and Vertex AI with a
    project, a location and (stand-in) Google Cloud credentials."""
    settings.MEDIA_ROOT = tmp_path / "media"  # pictures, and those kept for reuse, start afresh
    settings.GEMINI_BASE_URL = fake_gemini_server.url
    settings.GEMINI_API_KEY = "fake-key"
    settings.STORYWEB_LLM = "gemini"
    settings.GEMINI_BACKOFF_BASE = 0.005
    settings.GEMINI_MAX_ATTEMPTS = 4
    vertex = request.param == "vertex-ai"
    settings.GEMINI_USE_VERTEXAI = vertex
    if vertex:
        settings.GEMINI_API_KEY = ""  # Vertex AI with a project authenticates with credentials
        settings.GEMINI_VERTEX_PROJECT = "storyweb-test"
        settings.GEMINI_VERTEX_LOCATION = "europe-west4"
        monkeypatch.setattr(gemini_config, "vertex_credentials", lambda: Credentials(token="fake-vertex-token"))
    reset_providers()
    cache.clear()  # quota marks, picture cool-downs and cautions live in the shared cache
    yield fake_gemini_server
    cache.clear()
    await get_provider("gemini").aclose()  # the SDK's HTTP session of this test's loop
    reset_providers()
    # Every request took the route of this run (Vertex AI: projects/.../publishers/google/models/...).
    assert {r.vertex for r in fake_gemini_server.requests} <= {vertex}
