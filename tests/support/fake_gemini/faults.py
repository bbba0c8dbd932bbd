"""What can be set on the fake Gemini server: its settings, the faults a test scripts,
and the record of each request it received."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MID_STREAM = ("pause", "drop", "error_event")
# How a reply can end short of STOP, as `stop:<chunks>` faults (and `safety_rate`) send them.
STOP_REASONS = {
    "safety": "SAFETY",
    "max_tokens": "MAX_TOKENS",
    "recitation": "RECITATION",
    "prohibited": "PROHIBITED_CONTENT",
}


@dataclass(frozen=True)
class FakeSettings:
    ttft_ms: float = 0.0  # before the first streamed chunk, or before a whole text/JSON reply
    chunk_delay_ms: float = 0.0  # between streamed chunks
    chunk_chars: int = 48  # characters per streamed chunk (cut anywhere, like real tokens)
    prose_words: int = 320
    image_latency_ms: float = 0.0
    # The pictures' size in pixels: the benchmark and the command line use the real one
    # (REAL_PICTURE_SIZE, about 1.5 MB of PNG); tests keep them small.
    image_size: tuple[int, int] = (64, 48)
    fault_rate: float = 0.0  # share of requests answered with a random status from fault_statuses
    fault_statuses: tuple[int, ...] = (429, 503)
    retry_delay_s: float | None = None  # RetryInfo delay on the random 429s
    # Shares of text requests (not pictures) stopped by the safety filter part-way (the
    # stream stops at a random chunk, possibly before any text) or blocked at the prompt.
    safety_rate: float = 0.0
    block_rate: float = 0.0
    # ok / malformed / missing, or menu: "Choice A: ..." lines with no marker, as models do.
    choices: str = "ok"
    models: tuple[str, ...] | None = None  # the models that exist (None: any name)
    decorate: bool = False  # start prose with "## Chapter N" and add markdown, to exercise cleaning
    seed: int = 7
    # How speech comes back: "pcm" (audio/L16;codec=pcm;rate=24000, as the Gemini API
    # documents) or "wav" (audio/wav, as the Gemini 3.8 TTS models send it).
    speech_format: str = "pcm"


# What the image models send for the 4:3 the game asks for (in the Gemini API's table
# of aspect ratios and resolutions).
REAL_PICTURE_SIZE = (1184, 864)


def picture_size(text: str) -> tuple[int, int]:
    """ "1184x864" as (1184, 864), for the command lines' --image-size."""
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit() and int(width) > 0 and int(height) > 0):
        raise ValueError(f"a picture size is WIDTHxHEIGHT in pixels, such as 1184x864, not {text!r}")
    return int(width), int(height)


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour, used by the first request it matches."""

    kind: str  # status / hang / pause / drop / error_event / malformed / bad_json / ok / block / stop / menu
    status: int = 0
    after_chunks: int = 0  # pause / drop / error_event: how many chunks go out first
    retry_delay: float | None = None  # seconds, as google.rpc.RetryInfo in the error details
    retry_after: float | None = None  # seconds, as a Retry-After header
    stream: bool | None = None  # only streamed (True) or only unary (False) requests; None: any
    model: str | None = None  # only requests for this model
    reason: str = ""  # block / stop: the blockReason or finishReason sent
    per_day: bool = False  # status 429: the quota broken is a per-day one

    def matches(self, model: str, stream: bool) -> bool:
        return (self.stream is None or self.stream == stream) and (self.model is None or self.model == model)

    @property
    def label(self) -> str:
        if self.kind == "status":
            return f"{self.status}{'/day' if self.per_day else ''}"
        if self.kind == "block":
            return f"block:{self.reason}"
        if self.kind == "stop":
            return f"{self.reason}@{self.after_chunks}"
        return f"{self.kind}@{self.after_chunks}" if self.kind in MID_STREAM else self.kind

    @classmethod
    def parse(cls, text: str) -> Fault:
        """From text: "429", "429@0.5" (RetryInfo seconds), "503", "hang", "pause:2", "drop:2",
        "error_event:2", "malformed", "bad_json", "ok", "menu", "block", "block:PROHIBITED_CONTENT",
        "safety:2", "max_tokens:3", "recitation:0", "prohibited:1" or "quota_day"."""
        head, _, arg = text.strip().replace("@", ":").partition(":")
        if head.isdigit():
            return cls("status", status=int(head), retry_delay=float(arg) if arg else None)
        if head == "quota_day":
            return quota_per_day()
        if head == "block":
            return prompt_block(arg or "SAFETY")
        if head in STOP_REASONS:
            return stop_after(int(arg or 0), STOP_REASONS[head])
        if head in MID_STREAM:
            status = 503 if head == "error_event" else 0
            return cls(head, status=status, after_chunks=int(arg or 0), stream=True)
        if head in ("hang", "malformed", "bad_json", "ok", "menu"):
            return cls(head)
        raise ValueError(f"Unknown fault {text!r}")


def status(code: int, *, retry_delay: float | None = None, retry_after: float | None = None, **only: Any) -> Fault:
    return Fault("status", status=code, retry_delay=retry_delay, retry_after=retry_after, **only)


def hang(**only: Any) -> Fault:
    """Never answer (until the server stops)."""
    return Fault("hang", **only)


def pause_after(chunks: int, **only: Any) -> Fault:
    """Stream `chunks` chunks, then wait for `FakeGemini.release()` before the rest."""
    return Fault("pause", after_chunks=chunks, stream=True, **only)


def drop_after(chunks: int, **only: Any) -> Fault:
    """Stream `chunks` chunks, then drop the connection (before the final chunk)."""
    return Fault("drop", after_chunks=chunks, stream=True, **only)


def error_event_after(chunks: int, code: int = 503, **only: Any) -> Fault:
    """Stream `chunks` chunks, then an SSE `data: {"error": ...}` event, as the API does."""
    return Fault("error_event", status=code, after_chunks=chunks, stream=True, **only)


def prompt_block(reason: str = "SAFETY", **only: Any) -> Fault:
    """Refuse the prompt: promptFeedback.blockReason and no candidate, as the API does."""
    return Fault("block", reason=reason, **only)


def stop_after(chunks: int, reason: str = "SAFETY", **only: Any) -> Fault:
    """Send `chunks` chunks of text, then end with finishReason `reason` (SAFETY,
    MAX_TOKENS, RECITATION, PROHIBITED_CONTENT, ...); 0 ends before any text."""
    return Fault("stop", after_chunks=chunks, reason=reason, **only)


def quota_per_day(retry_delay: float = 40.0, **only: Any) -> Fault:
    """A 429 whose QuotaFailure names a per-day quota."""
    return Fault("status", status=429, retry_delay=retry_delay, per_day=True, **only)


def menu_choices(**only: Any) -> Fault:
    """This chapter writes its choices as a menu without the marker."""
    return Fault("menu", **only)


def malformed_choices(**only: Any) -> Fault:
    return Fault("malformed", **only)


def bad_json(**only: Any) -> Fault:
    return Fault("bad_json", **only)


OK = Fault("ok")


@dataclass(frozen=True)
class RecordedRequest:
    at: float  # time.monotonic() when it arrived
    path: str
    version: str
    model: str
    stream: bool
    body: dict[str, Any]
    headers: dict[str, str]
    reply: str  # "ok", "429", "hang", "drop@2", "block:SAFETY", "SAFETY@2", ...
    vertex: bool = False  # the Vertex AI form of the path (projects/.../publishers/google/models/...)

    @property
    def config(self) -> dict[str, Any]:
        return self.body.get("generationConfig") or {}

    @property
    def system(self) -> str:
        return _texts(self.body.get("systemInstruction"))

    @property
    def prompt(self) -> str:
        return "\n".join(_texts(content) for content in self.body.get("contents") or [])

    @property
    def text(self) -> str:
        return f"{self.system}\n{self.prompt}"

    @property
    def schema(self) -> dict[str, Any] | None:
        return self.config.get("responseJsonSchema") or self.config.get("responseSchema")

    @property
    def wants_json(self) -> bool:
        return self.config.get("responseMimeType") == "application/json"

    @property
    def safety_settings(self) -> list[dict[str, Any]]:
        return self.body.get("safetySettings") or []

    @property
    def max_output_tokens(self) -> int | None:
        return self.config.get("maxOutputTokens")

    @property
    def wants_audio(self) -> bool:
        return "AUDIO" in [str(m).upper() for m in self.config.get("responseModalities") or []]

    @property
    def speech_config(self) -> dict[str, Any]:
        """generationConfig.speechConfig with camelCase names: the SDK sends some of its
        inner names in snake_case, which the API's JSON parser accepts as well."""
        return _camel(self.config.get("speechConfig") or {})

    @property
    def voice_name(self) -> str | None:
        return ((self.speech_config.get("voiceConfig") or {}).get("prebuiltVoiceConfig") or {}).get("voiceName")

    @property
    def wants_image(self) -> bool:
        modalities = [str(m).upper() for m in self.config.get("responseModalities") or []]
        return "IMAGE" in modalities or ("image" in self.model and "TEXT" not in modalities)

    @property
    def image_format(self) -> tuple[str, int]:
        """The picture's type and JPEG quality asked for (Vertex AI's
        imageConfig.imageOutputOptions: mimeType, compressionQuality); PNG when not asked."""
        options = (self.config.get("imageConfig") or {}).get("imageOutputOptions") or {}
        return str(options.get("mimeType") or "image/png"), int(options.get("compressionQuality") or 75)


def _texts(content: Any) -> str:
    if isinstance(content, str):
        return content
    if not isinstance(content, dict):
        return ""
    return "".join(part.get("text", "") for part in content.get("parts") or [] if isinstance(part, dict))


def _camel(value: Any) -> Any:
    if isinstance(value, dict):
        return {_camel_name(k): _camel(v) for k, v in value.items()}
    return [_camel(v) for v in value] if isinstance(value, list) else value


def _camel_name(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)
