"""Real servers for browser, scale-out and benchmark runs: daphne processes on
loopback, each with the project's settings from the environment, sharing a database
prepared for them (a fresh SQLite file, or a fresh PostgreSQL database when
DATABASE_URL points at PostgreSQL).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
DAPHNE = str(Path(sys.executable).with_name("daphne"))
# Daphne's own cap on what a client may send over a socket, as `make run` and the
# README's production command set it: above the game's 4 KB (which gets a polite error
# fragment), far below daphne's default of 1 MiB per message.
DAPHNE_LIMITS = ["--websocket-max-message-size", "16384", "--websocket-max-frame-size", "16384"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def scratch_database(tmp_dir: Path) -> Iterator[str]:
    """A DATABASE_URL for an empty database of the kind the suite runs on."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_dir / 'server.sqlite3'}"
        return
    import psycopg

    name = f"storyweb_srv_{uuid.uuid4().hex[:10]}"
    parsed = urlparse(base)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(parsed._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(database_url: str, media_root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "STORYWEB_", "GEMINI_", "PYTEST"))}
    env.pop("DATABASE_URL", None)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "1",
            "DJANGO_MEDIA_ROOT": str(media_root),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "STORYWEB_LLM": "offline",
            "STORYWEB_OFFLINE_DELAY_MS": "12",
            "PYTHONUNBUFFERED": "1",
            # A test player clicks faster than any child reads.
            "STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE": "1000",
            "STORYWEB_ADVENTURES_PER_VISITOR_PER_HOUR": "1000",
            "STORYWEB_ADVENTURES_PER_IP_PER_HOUR": "1000",
            "STORYWEB_CHAPTERS_PER_IP_PER_MINUTE": "1000",
            "STORYWEB_CHAPTERS_PER_IP_PER_DAY": "10000",
        }
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`manage.py <args>` with the servers' environment; fails loudly with its output."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def prepare(env: dict[str, str]) -> None:
    """migrate + load_content, as `make run` does."""
    for command in (["migrate", "--no-input", "-v0"], ["load_content"]):
        manage(env, *command)


def collect_static(env: dict[str, str]) -> None:
    """`collectstatic` into the environment's DJANGO_STATIC_ROOT, as a deployment does."""
    manage(env, "collectstatic", "--no-input", "-v0")


def create_superuser(env: dict[str, str], username: str, password: str) -> None:
    manage(
        {**env, "DJANGO_SUPERUSER_PASSWORD": password},
        "createsuperuser",
        "--no-input",
        f"--username={username}",
        f"--email={username}@example.com",
    )


def query(database_url: str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Rows from the servers' database (SQLite file or PostgreSQL), read from outside
    the servers the way an operator would. `sql` uses %s placeholders."""
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as conn:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]


class Server:
    """One daphne process."""

    def __init__(
        self, env: dict[str, str], log_path: Path, port: int | None = None, args: tuple[str, ...] = ()
    ) -> None:
        self.env = env
        self.port = port or free_port()
        self.log_path = log_path
        self.args = args  # more daphne options, e.g. ("--proxy-headers",)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> Server:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [DAPHNE, "-b", "127.0.0.1", "-p", str(self.port), *DAPHNE_LIMITS, *self.args, "storyweb.asgi:application"],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited with {self.process.returncode}:\n{self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz/", timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"daphne did not answer on {self.url}:\n{self.log_path.read_text()}")

    def restart(self, timeout: float = 30) -> Server:
        """A new process on the same port, environment and log (after a kill or stop)."""
        return Server(self.env, self.log_path, port=self.port, args=self.args).start(timeout)

    def kill(self) -> None:
        """Kill -9, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
