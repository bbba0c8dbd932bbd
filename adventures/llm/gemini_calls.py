"""The plumbing under the Gemini storyteller: one SDK client per event loop, our own
retries (exponential backoff with full jitter, honouring the server's retry delay), one
deadline per call that covers its retries, and the telemetry row of every call.

The SDK's own retries are switched off (`HttpRetryOptions(attempts=1)`, which also stops
its hidden retry of aiohttp connection errors), so that we count every attempt and no
retry can outlive a deadline.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import random
import re
import threading
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

from django.conf import settings
from google import genai
from google.genai import errors as genai_errors
from google.genai import types
from google.genai.client import AsyncClient

from adventures import limits, telemetry
from adventures.llm.base import ChapterBrief, LimitReached, ProviderError, StoryLost
from adventures.llm.prompts import Prompt

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
# Storybook pages are landscape; a supported ratio of the Gemini image models.
IMAGE_ASPECT_RATIO = "4:3"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


class DeadlinePassed(ProviderError):
    """The call's overall deadline passed (retries included)."""


class BadReply(ProviderError):
    """The model answered, but not in a shape we can use (bad JSON, no image)."""


class Unfinished(ProviderError):
    """A stream ended without finishing its text (no finish reason, a safety stop, no prose)."""


def _network_errors() -> tuple[type[BaseException], ...]:
    """Transport failures worth another try, whichever HTTP library the SDK picked
    (aiohttp when installed, httpx2 otherwise)."""
    found: list[type[BaseException]] = [ConnectionError, TimeoutError, genai_errors.UnknownApiResponseError]
    for module, name in (("aiohttp", "ClientError"), ("httpx2", "TransportError"), ("httpx", "TransportError")):
        try:
            found.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(found)


NETWORK_ERRORS = _network_errors()


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, genai_errors.APIError):
        return exc.code in RETRYABLE_STATUS
    return isinstance(exc, (*NETWORK_ERRORS, Unfinished))


def describe(exc: BaseException) -> str:
    if isinstance(exc, (GeneratorExit, asyncio.CancelledError)):
        return "cancelled: the caller stopped listening"
    if isinstance(exc, genai_errors.APIError):
        return f"HTTP {exc.code} {exc.status or ''}".strip()
    return f"{type(exc).__name__}: {exc}"[:200]


def server_delay(exc: BaseException) -> float | None:
    """The wait the server asked for: google.rpc.RetryInfo in the error details, or a
    Retry-After header (in seconds)."""
    if not isinstance(exc, genai_errors.APIError):
        return None
    details = exc.details if isinstance(exc.details, dict) else {}
    error = details.get("error", details)
    items = error.get("details") if isinstance(error, dict) else None
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and str(item.get("@type", "")).endswith("google.rpc.RetryInfo"):
            delay = item.get("retryDelay")
            if isinstance(delay, dict):  # {"seconds": 1, "nanos": 500000000}
                return float(delay.get("seconds", 0)) + float(delay.get("nanos", 0)) / 1e9
            match = _DURATION.match(str(delay))
            if match:
                return float(match[1])
    headers = getattr(exc.response, "headers", None)
    retry_after = headers.get("Retry-After") if headers is not None else None
    try:
        return float(retry_after) if retry_after else None
    except ValueError:  # an HTTP date: rare enough to fall back on our own backoff
        return None


def backoff(attempt: int) -> float:
    """Full jitter: anywhere between 0 and base * 2^(attempt-1) seconds."""
    return random.uniform(0, settings.GEMINI_BACKOFF_BASE * 2 ** (attempt - 1))


class Call:
    """One logical call to the model: the daily cap, the deadline, retries, tokens and,
    when it ends, its `llm_call` telemetry row. Use as `async with Call(...) as call:`."""

    def __init__(self, kind: str, model: str, brief: ChapterBrief, *, seconds: float) -> None:
        self.kind, self.model, self.brief = kind, model, brief
        self.deadline = asyncio.get_running_loop().time() + seconds
        self.started = time.perf_counter()
        self.retries = 0
        self.waited = 0.0  # seconds spent backing off
        self.ttft_ms: float | None = None
        self.input_tokens = self.output_tokens = 0

    async def __aenter__(self) -> Call:
        if not await limits.allm_call_allowed():
            self._record("limited", None)
            raise LimitReached(limits.FRIENDLY_MESSAGES["llm"])
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None:
            self._record("ok", None)
        elif isinstance(exc, StoryLost):
            self._record("lost", exc.__cause__ or exc)
        elif isinstance(exc, DeadlinePassed):
            self._record("timeout", exc)
        else:  # including a caller that stopped listening (GeneratorExit, cancellation)
            self._record("error", exc)

    def _record(self, outcome: str, exc: BaseException | None) -> None:
        brief = self.brief
        telemetry.record(
            "llm_call",
            adventure_id=brief.adventure_id,
            chapter_number=brief.number,
            chapter_kind=brief.kind,
            duration_ms=(time.perf_counter() - self.started) * 1000,
            kind=self.kind,
            model=self.model,
            ttft_ms=None if self.ttft_ms is None else round(self.ttft_ms),
            retries=self.retries,
            backoff_ms=round(self.waited * 1000),
            outcome=outcome,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            error=None if exc is None else describe(exc),
        )

    async def wait[T](self, awaitable: Awaitable[T]) -> T:
        """Await one step of the call within the call's deadline. Only single steps are
        wrapped, never a `yield`, so the deadline cannot fire in the caller's code."""
        try:
            async with asyncio.timeout_at(self.deadline) as scope:
                return await awaitable
        except TimeoutError:
            if scope.expired():
                raise DeadlinePassed(f"The storyteller's {self.kind} call took too long.") from None
            raise

    async def pause(self, attempt: int, exc: BaseException) -> None:
        """Back off before attempt `attempt + 1`, or give up when out of attempts or time."""
        if attempt >= settings.GEMINI_MAX_ATTEMPTS:
            raise ProviderError(f"The storyteller's {self.kind} call failed {attempt} times: {describe(exc)}") from exc
        asked = server_delay(exc)
        delay = backoff(attempt) if asked is None else asked
        if delay >= self.deadline - asyncio.get_running_loop().time():
            raise DeadlinePassed(f"The storyteller's {self.kind} call ran out of time ({describe(exc)}).") from exc
        logger.info("%s call attempt %d failed (%s); retrying in %.2fs", self.kind, attempt, describe(exc), delay)
        self.retries += 1
        self.waited += delay
        await asyncio.sleep(delay)

    def first_text(self) -> None:
        if self.ttft_ms is None:
            self.ttft_ms = (time.perf_counter() - self.started) * 1000

    def usage(self, metadata: types.GenerateContentResponseUsageMetadata | None) -> None:
        """Add one attempt's token counts (every attempt is billed)."""
        if metadata is not None:
            self.input_tokens += metadata.prompt_token_count or 0
            self.output_tokens += (metadata.candidates_token_count or 0) + (metadata.thoughts_token_count or 0)


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
        if not settings.GEMINI_API_KEY:
            raise ProviderError("GEMINI_API_KEY (or GOOGLE_API_KEY) is not set: the gemini storyteller needs it.")
        options = types.HttpOptions(
            base_url=settings.GEMINI_BASE_URL or None,
            retry_options=types.HttpRetryOptions(attempts=1),
        )
        if self.http_backend == "httpx":
            httpx2 = importlib.import_module("httpx2")
            options.async_client_args = {"transport": httpx2.AsyncHTTPTransport()}
        return genai.Client(api_key=settings.GEMINI_API_KEY, http_options=options)


def _thinking() -> types.ThinkingConfig | None:
    budget = settings.GEMINI_THINKING_BUDGET
    return None if budget is None else types.ThinkingConfig(thinking_budget=budget)


# We use no tools, and the SDK resends nothing on its own: retries are ours to count.
_NO_AUTOMATION: dict[str, Any] = {
    "automatic_function_calling": types.AutomaticFunctionCallingConfig(disable=True),
    "automatic_continuation": False,
}


def text_config(prompt: Prompt) -> types.GenerateContentConfig:
    return types.GenerateContentConfig(system_instruction=prompt.system, thinking_config=_thinking(), **_NO_AUTOMATION)


def json_config(prompt: Prompt) -> types.GenerateContentConfig:
    config = text_config(prompt)
    config.response_mime_type = "application/json"
    config.response_json_schema = prompt.schema
    return config


def image_config() -> types.GenerateContentConfig:
    return types.GenerateContentConfig(
        response_modalities=["IMAGE"],
        image_config=types.ImageConfig(aspect_ratio=IMAGE_ASPECT_RATIO),
        **_NO_AUTOMATION,
    )


async def generate(
    call: Call, client: AsyncClient, contents: str, config: types.GenerateContentConfig
) -> types.GenerateContentResponse:
    """One unary request, retried on transient failures."""
    attempt = 0
    while True:
        attempt += 1
        try:
            response = await call.wait(
                client.models.generate_content(model=call.model, contents=contents, config=config)
            )
        except DeadlinePassed:
            raise
        except Exception as exc:
            if not is_retryable(exc):
                raise ProviderError(f"The storyteller's {call.kind} call was refused: {describe(exc)}") from exc
            await call.pause(attempt, exc)
            continue
        call.usage(response.usage_metadata)
        call.first_text()  # a unary reply's first token arrives with the whole reply
        return response


async def generate_json[T](call: Call, client: AsyncClient, prompt: Prompt, parse: Callable[[Any], T]) -> T:
    """A JSON-schema request whose reply `parse` turns into a result (raising ValueError,
    KeyError or TypeError when it cannot). A bad reply gets one more try."""
    config = json_config(prompt)
    for round_ in (1, 2):
        response = await generate(call, client, prompt.user, config)
        try:
            return parse(json.loads(response.text or ""))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            if round_ == 2:
                raise BadReply(f"The storyteller's {call.kind} reply was not usable: {exc}") from exc
            logger.info("%s reply not usable (%s); asking again", call.kind, exc)
            call.retries += 1
    raise AssertionError("unreachable")


async def generate_image(call: Call, client: AsyncClient, prompt_text: str) -> tuple[bytes, str]:
    """An image through generate_content with the IMAGE modality: (bytes, mime type)."""
    for round_ in (1, 2):
        response = await generate(call, client, prompt_text, image_config())
        for candidate in response.candidates or []:
            for part in (candidate.content.parts if candidate.content else None) or []:
                if part.inline_data and part.inline_data.data:
                    return part.inline_data.data, part.inline_data.mime_type or "image/png"
        if round_ == 2:
            raise BadReply(f"The image model sent no picture for the {call.kind} call.")
        call.retries += 1
    raise AssertionError("unreachable")
