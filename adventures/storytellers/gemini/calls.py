"""The plumbing under the Gemini storyteller: our own retries (exponential backoff with
full jitter, honouring the server's retry delay up to what a waiting child can bear),
quota handling shared through the cache (a spent daily quota, pictures stepping back on
a 429), one deadline per call that covers its retries, and the telemetry row of every
call with its finish reason and safety ratings.

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
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from google.genai import errors as genai_errors
from google.genai import types
from google.genai.client import AsyncClient

from adventures.operations import limits, telemetry
from adventures.runtime import coordination
from adventures.storytellers.base import ChapterBrief, LimitReached, ProviderError, StoryLost, StorytellerBusy
from adventures.storytellers.gemini import outcomes as gemini_outcomes
from adventures.storytellers.gemini.config import image_config, json_config
from adventures.storytellers.prompts import Prompt

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")
# Calls a child is waiting on: a long server delay fails them fast instead.
INTERACTIVE = frozenset({"chapter", "repair"})
# Per-day quotas are reset at midnight Pacific time (the Gemini API's rate-limit docs).
QUOTA_DAY_ZONE = ZoneInfo("America/Los_Angeles")
# Extras (pictures, narration) step back from their model on a 429, for everyone.
PICTURE_KINDS = frozenset({"image", "agency_image", "narration"})
# How long extras keep away from their model after a 429 that names no delay.
PICTURE_COOL_DOWN = 30.0
BUSY = "The storyteller is very busy right now. Please try again in a minute."


class DeadlinePassed(ProviderError):
    """The call's overall deadline passed (retries included)."""


class BadReply(ProviderError):
    """The model answered, but not in a shape we can use (bad JSON, no image)."""


class Unfinished(ProviderError):
    """A stream ended without finishing its text (no finish reason, no prose): the same
    prompt may be tried again."""


class Stopped(ProviderError):
    """A reply ended in a way that needs a different prompt (gemini_outcomes.REWRITE)."""

    def __init__(self, verdict: gemini_outcomes.Verdict) -> None:
        super().__init__(f"the model stopped: {verdict.reason}")
        self.verdict = verdict


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
        # The API's own message says what is wrong ("models/x is not found ..."): keep it.
        head = " ".join(f"HTTP {exc.code} {exc.status or ''}".split())
        return f"{head}: {exc.message}"[:300] if exc.message else head
    return f"{type(exc).__name__}: {exc}"[:500]


def _settings_naming(model: str) -> str:
    names = ("GEMINI_TEXT_MODEL", "GEMINI_LITE_MODEL", "GEMINI_IMAGE_MODEL", "GEMINI_TTS_MODEL")
    return " / ".join(name for name in names if getattr(settings, name) == model) or "GEMINI_*_MODEL"


def refused(call: Call, exc: BaseException) -> ProviderError:
    """The error for a request the API refused; a missing model names the setting to change."""
    if isinstance(exc, genai_errors.APIError) and exc.code == 404:
        message = (
            f"The model {call.model!r} does not exist (retired?): set {_settings_naming(call.model)} to a current "
            f"model (manage.py check_gemini lists what is wrong). {describe(exc)}"
        )
        logger.error("%s", message)
        return ProviderError(message)
    logger.error("the storyteller's %s call was refused: %s", call.kind, describe(exc))
    return ProviderError(f"The storyteller's {call.kind} call was refused: {describe(exc)}")


def _error_details(exc: BaseException) -> list[dict[str, Any]]:
    if not isinstance(exc, genai_errors.APIError):
        return []
    details = exc.details if isinstance(exc.details, dict) else {}
    error = details.get("error", details)
    items = error.get("details") if isinstance(error, dict) else None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def quota_per_day(exc: BaseException) -> bool:
    """Is this a 429 for a per-day quota (google.rpc.QuotaFailure with a quotaId such as
    GenerateRequestsPerDayPerProjectPerModel), which no short wait will cure?"""
    if not isinstance(exc, genai_errors.APIError) or exc.code != 429:
        return False
    for item in _error_details(exc):
        if str(item.get("@type", "")).endswith("google.rpc.QuotaFailure"):
            for violation in item.get("violations") or []:
                if isinstance(violation, dict) and "perday" in str(violation.get("quotaId", "")).casefold():
                    return True
    return False


def quota_key(model: str) -> str:
    return f"gemini:quota-day:{model}"


def cool_key(model: str) -> str:
    return f"gemini:cool:{model}"


def seconds_to_quota_reset(now: datetime | None = None) -> int:
    now = (now or datetime.now(QUOTA_DAY_ZONE)).astimezone(QUOTA_DAY_ZONE)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(60, int((midnight - now).total_seconds()) + 1)


def server_delay(exc: BaseException) -> float | None:
    """The wait the server asked for: google.rpc.RetryInfo in the error details, or a
    Retry-After header (in seconds)."""
    if not isinstance(exc, genai_errors.APIError):
        return None
    for item in _error_details(exc):
        if str(item.get("@type", "")).endswith("google.rpc.RetryInfo"):
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
        self.finish: str | None = None  # the finish reason or "blocked:<reason>" of the last reply
        self.stops: list[str] = []  # every reason a reply of this call was refused or cut
        self.ratings: list[dict[str, object]] = []

    async def __aenter__(self) -> Call:
        # A used-up daily quota (or a picture model that just said 429) is shared by every
        # process through the cache: no call is sent until it has passed. The flags are
        # read with the daily cap's count, in one round trip.
        flags = [quota_key(self.model)] + ([cool_key(self.model)] if self.kind in PICTURE_KINDS else [])
        allowed, raised = await limits.allm_call_and_flags(flags)
        if not allowed:
            self._record("limited", None)
            raise LimitReached(limits.FRIENDLY_MESSAGES["llm"])
        if any(raised):
            self._record("busy", None)
            raise StorytellerBusy(BUSY)
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
        elif isinstance(exc, StorytellerBusy):
            self._record("busy", exc)
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
            finish_reason=self.finish,
            stops=self.stops,
            safety_ratings=self.ratings,
        )

    def note_reply(self, reply: types.GenerateContentResponse) -> None:
        """Keep what a reply (or a streamed chunk) says about how it ended and how safe it was."""
        feedback = reply.prompt_feedback
        if feedback is not None and feedback.block_reason:
            self.finish = gemini_outcomes.judge(finish=None, block=feedback.block_reason).reason
            self.ratings = gemini_outcomes.safety_ratings(feedback.safety_ratings) or self.ratings
        candidate = reply.candidates[0] if reply.candidates else None
        if candidate is not None:
            if candidate.finish_reason:
                self.finish = gemini_outcomes.judge(finish=candidate.finish_reason).reason
            self.ratings = gemini_outcomes.safety_ratings(candidate.safety_ratings) or self.ratings

    def stopped(self, verdict: gemini_outcomes.Verdict) -> None:
        self.stops.append(verdict.reason)
        if verdict.is_safety:  # counted per day on the dashboard
            brief = self.brief
            telemetry.record(
                "safety_stop",
                adventure_id=brief.adventure_id,
                chapter_number=brief.number,
                chapter_kind=brief.kind,
                kind=self.kind,
                model=self.model,
                reason=verdict.reason,
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
        asked = server_delay(exc)
        if quota_per_day(exc):
            logger.warning("the daily quota of %s is used up: %s", self.model, describe(exc))
            await coordination.shared.set(quota_key(self.model), 1, expires=seconds_to_quota_reset())
            raise StorytellerBusy(BUSY) from exc
        if self.kind in PICTURE_KINDS and isinstance(exc, genai_errors.APIError) and exc.code == 429:
            # Pictures are extras: they step back for everyone and leave the quota to the text.
            await coordination.shared.set(cool_key(self.model), 1, expires=max(1, round(asked or PICTURE_COOL_DOWN)))
            raise StorytellerBusy(BUSY) from exc
        if self.kind in INTERACTIVE and asked is not None and asked > settings.GEMINI_MAX_RETRY_DELAY:
            raise StorytellerBusy(BUSY) from exc
        if attempt >= settings.GEMINI_MAX_ATTEMPTS:
            raise ProviderError(f"The storyteller's {self.kind} call failed {attempt} times: {describe(exc)}") from exc
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


async def generate(
    call: Call, client: AsyncClient, contents: str | types.Content, config: types.GenerateContentConfig
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
                raise refused(call, exc) from exc
            await call.pause(attempt, exc)
            continue
        call.usage(response.usage_metadata)
        call.note_reply(response)
        call.first_text()  # a unary reply's first token arrives with the whole reply
        return response


async def generate_json[T](call: Call, client: AsyncClient, prompt: Prompt, parse: Callable[[Any], T]) -> T:
    """A JSON-schema request whose reply `parse` turns into a result (raising ValueError,
    KeyError or TypeError when it cannot). A bad reply gets one more try."""
    config = json_config(prompt, call.model)
    for round_ in (1, 2):
        response = await generate(call, client, prompt.user, config)
        verdict = _verdict(response)
        if verdict.outcome == gemini_outcomes.REWRITE:
            # A small call's subject is a finished chapter: a refusal will not go away by
            # asking again, so the caller falls back (no title, no picture) instead.
            call.stopped(verdict)
            raise Stopped(verdict)
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
        verdict = _verdict(response)
        if verdict.outcome == gemini_outcomes.REWRITE:
            call.stopped(verdict)
            raise Stopped(verdict)
        for candidate in response.candidates or []:
            for part in (candidate.content.parts if candidate.content else None) or []:
                if part.inline_data and part.inline_data.data:
                    return part.inline_data.data, part.inline_data.mime_type or "image/png"
        if round_ == 2:
            raise BadReply(f"The image model sent no picture for the {call.kind} call.")
        call.retries += 1
    raise AssertionError("unreachable")


def _verdict(response: types.GenerateContentResponse) -> gemini_outcomes.Verdict:
    feedback = response.prompt_feedback
    candidate = response.candidates[0] if response.candidates else None
    return gemini_outcomes.judge(
        finish=candidate.finish_reason if candidate else None,
        block=feedback.block_reason if feedback else None,
    )
