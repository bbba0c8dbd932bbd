"""The fake Gemini server for the benchmark, in its own process (its CPU is not the
server's), logging every request it answers: when it arrived and when its answer
ended (for a stream: after the last chunk), for a stream when the chunk that completes
its first sentence went out (the server shows nothing before: it screens whole
sentences, DESIGN §7a), with `time.monotonic()`, and the tag that bench/probe.py puts
in the prompts of chapters, scenes and agency pictures.

    python -m bench.fake --port P --log requests.jsonl --ttft-ms 300 --chunk-delay-ms 15 --image-latency-ms 800
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import signal
import time
from typing import Any

from aiohttp import web

from adventures.safety.screen import split_sentences
from tests.support.fake_gemini import FakeGemini
from tests.support.fake_gemini.faults import REAL_PICTURE_SIZE, picture_size

STREAMED = web.RequestKey("streamed", str)  # a stream's text so far
FIRST_SENTENCE = web.RequestKey("first_sentence", float)  # when its first whole sentence went out
TAG = re.compile(r"\[bench ([0-9a-f-]{36}) (\d+) (\w+)(?: ([^\]\s]+))?\]")


class LoggingFakeGemini(FakeGemini):
    def __init__(self, *, log_path: str, **kwargs: Any) -> None:
        super().__init__(max_records=1, **kwargs)  # our own log replaces the fake's
        self.log_path = log_path
        self._lines: list[str] = []

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        arrived = time.monotonic()
        tagged = None
        if request.method == "POST" and request.can_read_body:
            tagged = TAG.search(await request.text())  # aiohttp keeps the body for the fake to read again
        try:
            return await super()._handle(request)
        finally:
            entry: dict[str, Any] = {"arrived": arrived, "ended": time.monotonic(), "path": request.path}
            if FIRST_SENTENCE in request:
                entry["first_sentence"] = request[FIRST_SENTENCE]
            if tagged:
                entry.update(a=tagged[1], n=int(tagged[2]), k=tagged[3], x=tagged[4])
            self._lines.append(json.dumps(entry))

    def _streamed(self, request: web.Request, piece: str) -> None:
        if FIRST_SENTENCE in request:
            return
        request[STREAMED] = request.get(STREAMED, "") + piece
        if split_sentences(request[STREAMED])[0]:  # the server's own rule for a whole sentence
            request[FIRST_SENTENCE] = time.monotonic()

    def flush(self) -> None:
        lines, self._lines = self._lines, []
        if lines:
            with open(self.log_path, "a", encoding="utf-8") as out:
                out.write("\n".join(lines) + "\n")

    async def serve(self) -> None:
        await self._start_async()
        print(f"fake-gemini ready on {self.url}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 0.2)
                self.flush()
        finally:
            await self._stop_async()
            self.flush()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fake")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--ttft-ms", type=float, default=300.0)
    parser.add_argument("--chunk-delay-ms", type=float, default=15.0)
    parser.add_argument("--image-latency-ms", type=float, default=800.0)
    parser.add_argument("--prose-words", type=int, default=320)
    parser.add_argument("--image-size", type=picture_size, default=REAL_PICTURE_SIZE)
    args = parser.parse_args(argv)
    fake = LoggingFakeGemini(
        log_path=args.log,
        port=args.port,
        ttft_ms=args.ttft_ms,
        chunk_delay_ms=args.chunk_delay_ms,
        image_latency_ms=args.image_latency_ms,
        prose_words=args.prose_words,
        image_size=args.image_size,
    )
    asyncio.run(fake.serve())


if __name__ == "__main__":
    main()
