"""How the Gemini storyteller talks to the API: one SDK client per event loop (AI Studio
or Vertex AI), and the request configs every call sends: the thinking control of the
model's family, explicit safety settings, an output cap.
"""

from __future__ import annotations

import asyncio
import importlib
import threading
from typing import Any

from django.conf import settings
from google import genai
from google.genai import types
from google.genai.client import AsyncClient

from adventures.storytellers.base import ProviderError
from adventures.storytellers.prompts import Prompt

# Storybook pages are landscape; a supported ratio of the Gemini image models.
IMAGE_ASPECT_RATIO = "4:3"
# On Vertex AI pictures come as JPEG of this quality (0-100), kept as they come: no
# conversion on our side (a PNG costs 70 ms of CPU to read and encode as WebP).
JPEG_QUALITY = 85


class Clients:
    """One SDK client per event loop: its HTTP sessions belong to the loop that opened them."""

    def __init__(self, http_backend: str = "auto") -> None:
        self.http_backend = http_backend  # "auto" (the SDK picks aiohttp when installed) or "httpx"
        self._by_loop: dict[asyncio.AbstractEventLoop, AsyncClient] = {}
        self._lock = threading.Lock()

    def get(self) -> AsyncClient:
        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._by_loop.get(loop)
            if client is None:
                for closed in [other for other in self._by_loop if other.is_closed()]:
                    del self._by_loop[closed]
                client = self._by_loop[loop] = self._make().aio
            return client

    async def aclose(self) -> None:
        """Close the running loop's client (tests and shutdown)."""
        with self._lock:
            client = self._by_loop.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()

    def _make(self) -> genai.Client:
        options = types.HttpOptions(
            base_url=settings.GEMINI_BASE_URL or None,
            retry_options=types.HttpRetryOptions(attempts=1),
        )
        if self.http_backend == "httpx":
            httpx2 = importlib.import_module("httpx2")
            options.async_client_args = {"transport": httpx2.AsyncHTTPTransport()}
        return make_client(options)


def make_client(options: types.HttpOptions) -> genai.Client:
    """An AI Studio client (API key) or a Vertex AI one (project + location with Google
    Cloud credentials, or an API key on Vertex AI's express mode)."""
    if settings.GEMINI_USE_VERTEXAI:
        if settings.GEMINI_VERTEX_PROJECT:
            return genai.Client(
                vertexai=True,
                project=settings.GEMINI_VERTEX_PROJECT,
                location=settings.GEMINI_VERTEX_LOCATION,
                credentials=vertex_credentials(),
                http_options=options,
            )
        if not settings.GEMINI_API_KEY:
            raise ProviderError("GOOGLE_GENAI_USE_VERTEXAI is set: set GOOGLE_CLOUD_PROJECT (or an API key).")
        return genai.Client(vertexai=True, api_key=settings.GEMINI_API_KEY, http_options=options)
    if not settings.GEMINI_API_KEY:
        raise ProviderError("GEMINI_API_KEY (or GOOGLE_API_KEY) is not set: the gemini storyteller needs it.")
    return genai.Client(api_key=settings.GEMINI_API_KEY, http_options=options)


def vertex_credentials() -> Any:
    """None: google-auth finds the service's credentials itself (the usual case). A hook
    so that tests against the fake server can hand in anonymous ones."""
    return None


def _thinking(model: str) -> types.ThinkingConfig | None:
    """The thinking control the model's family understands (sending the other one is a
    400): a budget for Gemini 2.x, a level for Gemini 3 and later."""
    if model.startswith(("gemini-2.", "gemini-1.")):
        budget = settings.GEMINI_THINKING_BUDGET
        return None if budget is None else types.ThinkingConfig(thinking_budget=budget)
    level = settings.GEMINI_THINKING_LEVEL
    return types.ThinkingConfig(thinking_level=level.upper()) if level else None


# The four categories the API lets us adjust (civic integrity is deprecated).
SAFETY_CATEGORIES = (
    types.HarmCategory.HARM_CATEGORY_HARASSMENT,
    types.HarmCategory.HARM_CATEGORY_HATE_SPEECH,
    types.HarmCategory.HARM_CATEGORY_SEXUALLY_EXPLICIT,
    types.HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT,
)


def safety_settings() -> list[types.SafetySetting]:
    threshold = types.HarmBlockThreshold(settings.GEMINI_SAFETY_THRESHOLD)
    return [types.SafetySetting(category=category, threshold=threshold) for category in SAFETY_CATEGORIES]


# We use no tools, and the SDK resends nothing on its own: retries are ours to count.
NO_AUTOMATION: dict[str, Any] = {
    "automatic_function_calling": types.AutomaticFunctionCallingConfig(disable=True),
    "automatic_continuation": False,
}


def text_config(prompt: Prompt, model: str, *, max_tokens: int) -> types.GenerateContentConfig:
    return types.GenerateContentConfig(
        system_instruction=prompt.system,
        thinking_config=_thinking(model),
        safety_settings=safety_settings(),
        max_output_tokens=max_tokens,
        **NO_AUTOMATION,
    )


def json_config(prompt: Prompt, model: str) -> types.GenerateContentConfig:
    config = text_config(prompt, model, max_tokens=settings.GEMINI_SMALL_MAX_TOKENS)
    config.response_mime_type = "application/json"
    config.response_json_schema = prompt.schema
    return config


def image_config() -> types.GenerateContentConfig:
    """Pictures in 4:3. Vertex AI can send a JPEG, which is stored as it comes
    (picture_store.web_version); the Gemini API only sends PNG (google-genai refuses the
    option there), which is converted to WebP on our side."""
    image = types.ImageConfig(aspect_ratio=IMAGE_ASPECT_RATIO)
    if settings.GEMINI_USE_VERTEXAI:
        image.output_mime_type = "image/jpeg"
        image.output_compression_quality = JPEG_QUALITY
    return types.GenerateContentConfig(
        response_modalities=["IMAGE"],
        image_config=image,
        safety_settings=safety_settings(),
        **NO_AUTOMATION,
    )
