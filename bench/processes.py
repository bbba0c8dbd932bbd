"""The benchmark's processes: the fake Gemini server and the daphne server under test,
each in its own process, with a fresh database; and what /proc says about them."""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench import stats
from tests.support.fake_gemini.faults import REAL_PICTURE_SIZE
from tests.support.servers import ROOT, Server, free_port, prepare, scratch_database, server_env

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/2"


@dataclass(frozen=True)
class FakeOptions:
    ttft_ms: float
    chunk_delay_ms: float
    image_latency_ms: float
    image_size: tuple[int, int] = REAL_PICTURE_SIZE
    prose_words: int = 320


def cpu_seconds(pid: int) -> float:
    return stats.cpu_seconds(Path(f"/proc/{pid}/stat").read_text(), CLOCK_TICKS)


def rss_kib(pid: int) -> int:
    return stats.rss_kib(Path(f"/proc/{pid}/status").read_text())


@contextlib.contextmanager
def fake_gemini(work: Path, options: FakeOptions) -> Iterator[tuple[str, int, Path]]:
    """The fake Gemini server in its own process: (its URL, its pid, its request log)."""
    port = free_port()
    log = work / "fake-requests.jsonl"
    command = [
        sys.executable,
        "-m",
        "bench.fake",
        f"--port={port}",
        f"--log={log}",
        f"--ttft-ms={options.ttft_ms}",
        f"--chunk-delay-ms={options.chunk_delay_ms}",
        f"--image-latency-ms={options.image_latency_ms}",
        "--image-size={}x{}".format(*options.image_size),
        f"--prose-words={options.prose_words}",
    ]
    output = (work / "fake.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=output)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode()
        if "ready" not in line:
            process.wait(5)
            raise RuntimeError(f"the fake Gemini server did not start:\n{(work / 'fake.log').read_text()}")
        yield f"http://127.0.0.1:{port}", process.pid, log
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        output.close()


def collect_static(static_root: Path) -> None:
    """Production static files (manifest storage needs them even to render a page)."""
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(48)}
    env["DJANGO_STATIC_ROOT"] = str(static_root)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


@contextlib.contextmanager
def database(work: Path, postgres: bool) -> Iterator[str]:
    """A fresh, empty database: SQLite by default, PostgreSQL with --postgres."""
    saved = os.environ.get("DATABASE_URL")
    if postgres:
        os.environ["DATABASE_URL"] = POSTGRES_URL
    else:
        os.environ.pop("DATABASE_URL", None)
    try:
        with scratch_database(work) as url:
            yield url
    finally:
        if saved is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = saved


def server_environment(
    *, database_url: str, work: Path, static_root: Path, fake_url: str, events: Path, redis: bool
) -> dict[str, str]:
    """Production settings (DEBUG off), the gemini storyteller pointed at the fake,
    limits out of the way, and the probe on."""
    extra = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_EVENTS_FILE": str(events),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(static_root),
        "STORYWEB_LLM": "gemini",
        "GEMINI_API_KEY": "bench-fake-key",
        "GOOGLE_GEMINI_BASE_URL": fake_url,
        "STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE": "1000000",
        "STORYWEB_ADVENTURES_PER_VISITOR_PER_HOUR": "1000000",
        "STORYWEB_ADVENTURES_PER_IP_PER_HOUR": "1000000",
        # Every simulated player comes from this machine's one address.
        "STORYWEB_CHAPTERS_PER_IP_PER_MINUTE": "1000000",
        "STORYWEB_CHAPTERS_PER_IP_PER_DAY": "1000000",
        "STORYWEB_LLM_CALLS_PER_DAY": "100000000",
    }
    if redis:
        extra["REDIS_URL"] = REDIS_URL
        extra["STORYWEB_REDIS_PREFIX"] = f"bench-{uuid.uuid4().hex[:8]}"
    else:
        extra["STORYWEB_ALLOW_MEMORY_LAYER_IN_PRODUCTION"] = "1"
    env = server_env(database_url, work / "media", **extra)
    if not redis:
        env.pop("REDIS_URL", None)  # the caller's shell may have one
    return env


def prepare_database(env: dict[str, str]) -> None:
    """migrate + load_content, with the plain project settings (not the probe)."""
    plain = {**env, "DJANGO_SETTINGS_MODULE": "storyweb.settings", "DJANGO_DEBUG": "1"}
    plain.pop("BENCH_EVENTS_FILE", None)
    prepare(plain)


def start_server(env: dict[str, str], work: Path, suffix: str = "") -> Server:
    return Server(env, work / f"daphne{suffix}.log").start(timeout=60)


def wait_quiet(log: Path, *, quiet: float, limit: float) -> bool:
    """Wait until the fake's log has not grown for `quiet` seconds (background work done);
    False if that took longer than `limit`."""
    deadline = time.monotonic() + limit
    size, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        current = log.stat().st_size if log.exists() else 0
        if current != size:
            size, since = current, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return True
        time.sleep(0.1)
    return False
