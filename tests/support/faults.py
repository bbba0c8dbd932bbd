"""Infrastructure to break on purpose, the suite's own: a redis-server on a free port
(killed and started again by the test), and a throwaway PostgreSQL cluster (initdb and
pg_ctl under /tmp, on a free port) that the test really stops and starts again.

Neither ever touches the machine's shared services (Redis on 6379, PostgreSQL on 5432):
OwnPostgres runs pg_ctl only with `-D` pointing at the data directory it created itself.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.servers import free_port


def wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing answered on port {port}")


class OwnRedis:
    """A redis-server of the test's own, without persistence."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    def kill(self) -> None:
        """kill -9: the process and everything it held are gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def postgres_program(name: str) -> str:
    """initdb or pg_ctl: Debian keeps them under /usr/lib/postgresql/<version>/bin/
    (the newest wins), elsewhere they are on PATH."""
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[-3].split(".")[0])
    )
    found = candidates[-1] if candidates else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found: install PostgreSQL's server binaries (Debian: postgresql)")
    return found


class OwnPostgres:
    """A throwaway PostgreSQL cluster: initdb into a fresh directory under /tmp, trust
    authentication, listening on 127.0.0.1 and a free port only, no fsync. PostgreSQL
    refuses to run as root, so as root it runs as the `postgres` OS user."""

    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="storyweb-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.root, user="postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *args] if self.as_postgres else list(args)
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=self.root)
        if result.returncode != 0:
            log = self.root / "postgres.log"
            raise RuntimeError(
                f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}\n{log.read_text() if log.exists() else ''}"
            )

    def init(self) -> OwnPostgres:
        self._run(
            postgres_program("initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        return self

    def start(self) -> OwnPostgres:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
        self._run(
            postgres_program("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "postgres.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        return self

    def stop(self, mode: str = "immediate") -> None:
        """pg_ctl stop: `immediate` ends every backend at once without a checkpoint (as a
        crash would; the next start recovers from the WAL), `fast` disconnects the clients
        and shuts down cleanly."""
        self._run(postgres_program("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
