"""The fake Gemini server: an aiohttp app on a loopback port, run from a background
thread (tests) or from the main thread (the command line)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import re
import socket
import threading
import time
from collections import deque
from typing import Any

from aiohttp import web

from tests.support.fake_gemini import replies
from tests.support.fake_gemini.faults import (
    MID_STREAM,
    OK,
    FakeSettings,
    Fault,
    RecordedRequest,
    prompt_block,
    status,
    stop_after,
)
from tests.support.fake_gemini.moderation import Unsafe

LOOPBACK = ("127.0.0.1", "::1", "localhost")
# The Gemini API's paths (/v1beta/models/...) and Vertex AI's, with a project and
# location or without (express mode): /v1beta1/projects/p/locations/l/publishers/google/models/...
_PATH = re.compile(
    r"^/(?P<version>v1\w*)/(?P<vertex>(?:projects/[^/]+/locations/[^/]+/)?publishers/google/)?"
    r"models/(?P<model>[^/:]+)(?::(?P<method>generateContent|streamGenerateContent))?$"
)


class FakeGemini:
    """The server, its settings, its script of faults and its request log."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, max_records: int = 10_000, **settings: Any):
        if host not in LOOPBACK:
            raise ValueError(f"The fake Gemini server listens on loopback only, not {host!r}.")
        self.host = host
        self.port = port
        self._defaults = FakeSettings(**settings)
        self._settings = self._defaults
        self._faults: list[Fault] = []
        self._records: deque[RecordedRequest] = deque(maxlen=max_records)
        self._lock = threading.Lock()  # the test thread and the server's loop share the state
        self._rng = random.Random(self._defaults.seed)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._stopping: asyncio.Event | None = None
        self._released: asyncio.Event | None = None
        self._serving_loop: asyncio.AbstractEventLoop | None = None
        self.unsafe = Unsafe()  # the safety tests' misbehaving model (moderation.py)

    # --- control, from any thread ---------------------------------------------------

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def settings(self) -> FakeSettings:
        return self._settings

    def configure(self, **changes: Any) -> FakeSettings:
        with self._lock:
            self._settings = dataclasses.replace(self._settings, **changes)
            if "seed" in changes:
                self._rng.seed(changes["seed"])
            return self._settings

    def script(self, *faults: Fault | str) -> None:
        """Queue faults; each is used once, by the first later request it matches."""
        with self._lock:
            self._faults.extend(f if isinstance(f, Fault) else Fault.parse(f) for f in faults)

    def release(self) -> None:
        """Let streams held by a `pause_after` fault carry on."""
        if self._serving_loop and self._released:
            self._serving_loop.call_soon_threadsafe(self._released.set)

    def reset(self) -> None:
        """Back to the starting settings, no faults queued, an empty log."""
        with self._lock:
            self._settings = self._defaults
            self._faults.clear()
            self._records.clear()
            self._rng.seed(self._defaults.seed)
        self.unsafe.configure(chapter_rate=0.0, picture_rate=0.0, subtle=False)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._records)

    def calls(self, *, model: str | None = None, stream: bool | None = None) -> list[RecordedRequest]:
        return [
            r for r in self.requests if (model is None or r.model == model) and (stream is None or r.stream == stream)
        ]

    # --- life -----------------------------------------------------------------------

    def start(self) -> FakeGemini:
        """Serve from a background thread with its own event loop."""
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="fake-gemini", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start_async(), loop).result(timeout=10)
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._stop_async(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        self._loop = self._thread = None

    def __enter__(self) -> FakeGemini:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_forever(self, on_ready: Any = None) -> None:
        """Serve from this thread until interrupted (the command line)."""

        async def serve() -> None:
            await self._start_async()
            if on_ready:
                on_ready(self)
            try:
                await asyncio.Event().wait()
            finally:
                await self._stop_async()

        asyncio.run(serve())

    async def _start_async(self) -> None:
        self._serving_loop = asyncio.get_running_loop()
        self._stopping, self._released = asyncio.Event(), asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def _stop_async(self) -> None:
        if self._stopping and self._released:
            self._stopping.set()  # hung and paused requests end now, so shutdown does not wait on them
            self._released.set()
        if self._runner:
            await self._runner.cleanup()

    # --- answering ------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        match = _PATH.match(request.path)
        if not match or request.method != ("POST" if match["method"] else "GET"):
            return _error(404)
        authorization = request.headers.get("Authorization", "")
        if not (
            request.headers.get("x-goog-api-key") or request.query.get("key") or authorization.startswith("Bearer ")
        ):
            return _error(403)
        model, known = match["model"], self._settings.models
        missing = known is not None and model not in known
        if missing and not match["method"]:
            return _error(404, message=f"models/{model} is not found.")
        if not match["method"]:  # models.get
            return web.Response(
                text=replies.model_info(model, vertex=bool(match["vertex"])), content_type="application/json"
            )
        try:
            body = await request.json()
        except ValueError:
            return _error(400)
        stream = match["method"] == "streamGenerateContent"
        if stream and request.query.get("alt") != "sse":
            return _error(400)  # we speak server-sent events only, as the SDK asks for
        fault, settings = (status(404), self._settings) if missing else self._decide(match["model"], stream)
        record = RecordedRequest(
            at=time.monotonic(),
            path=request.path_qs,
            version=match["version"],
            model=match["model"],
            stream=stream,
            body=body,
            headers=dict(request.headers),
            reply=fault.label,
            vertex=bool(match["vertex"]),
        )
        with self._lock:
            self._records.append(record)
        if missing:
            version = match["version"]
            message = f"models/{model} is not found for API version {version}, or is not supported for generateContent."
            return _error(404, message=message)
        if fault.kind == "status":
            return _error(
                fault.status, retry_delay=fault.retry_delay, retry_after=fault.retry_after, per_day=fault.per_day
            )
        if fault.kind == "pause" and self._released:
            self._released.clear()  # each paused stream waits for its own release()
        if fault.kind == "hang":
            assert self._stopping is not None
            await self._stopping.wait()
            return _error(503)
        prompt_tokens = replies.tokens(record.text)
        if fault.kind == "block":
            await asyncio.sleep(settings.ttft_ms / 1000)
            reply = replies.blocked_prompt(
                fault.reason, usage_metadata=replies.usage(prompt_tokens, 0), model=record.model
            )
            return await _whole(request, reply, stream)
        if fault.kind == "stop" and not stream:
            reply = replies.response(
                [], model=record.model, usage_metadata=replies.usage(prompt_tokens, 0), finish=fault.reason
            )
            return await _whole(request, reply, stream=False)
        if record.wants_audio:
            pcm, _ = replies.speech_pcm(record.prompt)
            if settings.speech_format == "wav":
                part = replies.audio_part(replies.wav_bytes(pcm), "audio/wav")
            else:
                part = replies.audio_part(pcm, f"audio/L16;codec=pcm;rate={replies.SPEECH_RATE}")
            usage = replies.usage(prompt_tokens, len(pcm) // 2 // replies.SPEECH_RATE * 25 + 1)  # 25 a second
            reply = replies.response([part], model=record.model, usage_metadata=usage, finish="STOP")
            return await _whole(request, reply, stream)
        if record.wants_image:
            mime_type, quality = record.image_format
            if mime_type != "image/png" and not record.vertex:
                # The Gemini API has no image output options (google-genai refuses them first).
                return _error(400, message='Invalid JSON payload received. Unknown name "imageOutputOptions"')
            await asyncio.sleep(settings.image_latency_ms / 1000)
            width, height = settings.image_size
            variant = len(self._records) % 4
            if mime_type == "image/jpeg":
                data = await asyncio.to_thread(replies.picture_jpeg, width, height, variant, quality)
            else:
                data = await asyncio.to_thread(replies.picture_png, width, height, variant)
            usage = replies.usage(prompt_tokens, 1290)  # what one generated image costs
            part = replies.image_part(data, mime_type)
            reply = replies.response([part], model=record.model, usage_metadata=usage, finish="STOP")
            return await _whole(request, reply, stream)
        text = self._reply_text(record, fault, settings)
        if stream:
            return await self._stream(request, record, text, fault, settings)
        await asyncio.sleep(settings.ttft_ms / 1000)
        reply = replies.response(
            [{"text": text}],
            model=record.model,
            usage_metadata=replies.usage(prompt_tokens, replies.tokens(text)),
            finish="STOP",
        )
        return await _whole(request, reply, stream=False)

    def _decide(self, model: str, stream: bool) -> tuple[Fault, FakeSettings]:
        with self._lock:
            settings = self._settings
            for i, fault in enumerate(self._faults):
                if fault.matches(model, stream):
                    del self._faults[i]
                    return fault, settings
            if settings.fault_rate and self._rng.random() < settings.fault_rate:
                code = self._rng.choice(settings.fault_statuses)
                return status(code, retry_delay=settings.retry_delay_s if code == 429 else None), settings
            if not self._is_picture_model(model):
                if settings.block_rate and self._rng.random() < settings.block_rate:
                    return prompt_block("SAFETY"), settings
                if settings.safety_rate and self._rng.random() < settings.safety_rate:
                    return stop_after(self._rng.randrange(0, 12), "SAFETY"), settings
            return OK, settings

    @staticmethod
    def _is_picture_model(model: str) -> bool:
        return "image" in model or "tts" in model  # the safety rates are about text

    def _reply_text(self, record: RecordedRequest, fault: Fault, settings: FakeSettings) -> str:
        if record.wants_json:
            if fault.kind == "bad_json":
                return '{"title": "The Gate by the'  # cut short, as a truncated reply would be
            return self.unsafe.json_reply(record.schema, record.prompt) or json.dumps(
                replies.json_for_schema(record.schema)
            )
        seed = settings.seed + len(record.prompt)
        text = self.unsafe.prose(replies.prose(words=settings.prose_words, seed=seed, decorate=settings.decorate))
        if replies.CHOICES_MARKER in record.text:  # the prompt asks for the choices block
            mode = {"malformed": "malformed", "menu": "menu"}.get(fault.kind, settings.choices)
            text += replies.choices_block(mode, seed=seed)
        return text

    def _streamed(self, request: web.Request, piece: str) -> None:
        """Called as each piece of a streamed text has gone out: a hook for the benchmark's log."""

    async def _stream(
        self, request: web.Request, record: RecordedRequest, text: str, fault: Fault, settings: FakeSettings
    ) -> web.StreamResponse:
        size = max(1, settings.chunk_chars)
        pieces = [text[i : i + size] for i in range(0, len(text), size)]
        # A failure always comes before the final chunk, or it would be a normal ending.
        fail_at = min(fault.after_chunks, len(pieces) - 1) if fault.kind in (*MID_STREAM, "stop") else None
        prompt_tokens, output_tokens = replies.tokens(record.text), 0
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await asyncio.sleep(settings.ttft_ms / 1000)
        try:
            await response.prepare(request)
            for i, piece in enumerate(pieces):
                if i:
                    await asyncio.sleep(settings.chunk_delay_ms / 1000)
                if i == fail_at and fault.kind == "pause":
                    assert self._released is not None
                    await self._released.wait()
                elif i == fail_at and fault.kind == "drop":
                    if request.transport:
                        request.transport.abort()  # the client sees a broken chunked body
                    return response
                elif i == fail_at and fault.kind == "stop":  # the model stops: a final chunk, no text
                    usage = replies.usage(prompt_tokens, output_tokens)
                    chunk = replies.response([], model=record.model, usage_metadata=usage, finish=fault.reason)
                    await response.write(_sse(chunk))
                    break
                elif i == fail_at:
                    await response.write(_sse(replies.error_body(fault.status)))
                    break
                output_tokens += replies.tokens(piece)
                finish = "STOP" if i == len(pieces) - 1 else None
                usage = replies.usage(prompt_tokens, output_tokens)
                chunk = replies.response([{"text": piece}], model=record.model, usage_metadata=usage, finish=finish)
                await response.write(_sse(chunk))
                self._streamed(request, piece)
            await response.write_eof()
        except ConnectionError:
            pass  # the client went away (its deadline fired): nothing to tell it
        return response


def _sse(data: str) -> bytes:
    return f"data: {data}\n\n".encode()


async def _whole(request: web.Request, reply: str, stream: bool) -> web.StreamResponse:
    if not stream:
        return web.Response(text=reply, content_type="application/json")
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    await response.write(_sse(reply))
    await response.write_eof()
    return response


def _error(
    code: int,
    *,
    retry_delay: float | None = None,
    retry_after: float | None = None,
    per_day: bool = False,
    message: str = "",
) -> web.Response:
    headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None
    body = replies.error_body(code, retry_delay=retry_delay, per_day=per_day, message=message)
    return web.Response(status=code, text=body, content_type="application/json", headers=headers)
