"""The fake Gemini server from the command line, for the benchmark and for trying the
gemini storyteller by hand:

    python -m tests.support.fake_gemini --port 8765 --ttft-ms 300 --chunk-delay-ms 20 --image-latency-ms 500
"""

from __future__ import annotations

import argparse
import contextlib

from tests.support.fake_gemini.faults import REAL_PICTURE_SIZE, picture_size
from tests.support.fake_gemini.server import LOOPBACK, FakeGemini


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.fake_gemini", description="A fake Gemini API server on loopback."
    )
    parser.add_argument("--host", default="127.0.0.1", choices=LOOPBACK)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--ttft-ms", type=float, default=300.0)
    parser.add_argument("--chunk-delay-ms", type=float, default=20.0)
    parser.add_argument("--chunk-chars", type=int, default=48)
    parser.add_argument("--prose-words", type=int, default=320)
    parser.add_argument("--image-latency-ms", type=float, default=500.0)
    parser.add_argument(
        "--image-size", type=picture_size, default=REAL_PICTURE_SIZE, help="the pictures' WIDTHxHEIGHT (default: real)"
    )
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of requests answered 429/503")
    parser.add_argument("--retry-delay-s", type=float, default=None, help="RetryInfo delay on those 429s")
    parser.add_argument("--safety-rate", type=float, default=0.0, help="share of text replies stopped for SAFETY")
    parser.add_argument("--block-rate", type=float, default=0.0, help="share of text prompts blocked")
    parser.add_argument("--models", default="", help="comma-separated models that exist (default: any name)")
    parser.add_argument("--choices", choices=("ok", "malformed", "missing", "menu"), default="ok")
    parser.add_argument("--decorate", action="store_true", help='add "## Chapter N" headings and markdown')
    parser.add_argument(
        "--script",
        default="",
        help="faults for the first requests, e.g. 429@1,503,drop:3,hang,safety:2,block,max_tokens:3,quota_day,menu",
    )
    args = parser.parse_args(argv)
    fake = FakeGemini(
        host=args.host,
        port=args.port,
        max_records=1000,
        ttft_ms=args.ttft_ms,
        chunk_delay_ms=args.chunk_delay_ms,
        chunk_chars=args.chunk_chars,
        prose_words=args.prose_words,
        image_latency_ms=args.image_latency_ms,
        image_size=args.image_size,
        fault_rate=args.fault_rate,
        retry_delay_s=args.retry_delay_s,
        safety_rate=args.safety_rate,
        block_rate=args.block_rate,
        models=tuple(args.models.split(",")) if args.models else None,
        choices=args.choices,
        decorate=args.decorate,
    )
    if args.script:
        fake.script(*args.script.split(","))

    def ready(server: FakeGemini) -> None:
        print(f"Fake Gemini listening on {server.url} (Ctrl-C to stop). Point StoryWeb at it with:")
        print(f"  STORYWEB_LLM=gemini GEMINI_API_KEY=fake GOOGLE_GEMINI_BASE_URL={server.url}", flush=True)

    try:
        with contextlib.suppress(KeyboardInterrupt):
            fake.serve_forever(on_ready=ready)
    except OSError as exc:  # most often: the port is taken
        raise SystemExit(f"Cannot listen on {fake.url}: {exc.strerror or exc}. Try another --port.") from None


if __name__ == "__main__":
    main()
