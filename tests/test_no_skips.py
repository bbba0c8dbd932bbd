"""The guards around skipping: `@pytest.mark.postgres` tests skip, saying why, unless
DATABASE_URL points at PostgreSQL and REDIS_URL is set; and with STORYWEB_NO_SKIPS=1
(CI's PostgreSQL pass) any skip fails the run."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import NEEDS_POSTGRES_AND_REDIS
from tests.support.servers import ROOT

PROBE = """
import pytest

def test_runs():
    pass

def test_skips():
    pytest.skip("the fake service is not running")

@pytest.mark.xfail(reason="an expected failure is not a skip", strict=True)
def test_expected_failure():
    assert False
"""


def pytest_run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfEs", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )


def plain_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "STORYWEB_NO_SKIPS")}
    env.pop("PYTEST_CURRENT_TEST", None)
    return {**env, **extra}


def empty_config(tmp_path) -> str:
    """A config file with nothing in it, so the probe runs without the project's
    settings (pytest 9 refuses os.devnull as a config file: it has no known extension)."""
    config = tmp_path / "pytest.ini"
    config.write_text("[pytest]\n")
    return str(config)


def test_a_skip_fails_the_run_only_when_skips_are_forbidden(tmp_path):
    (tmp_path / "test_probe.py").write_text(PROBE)
    args = (
        "-p",
        "no:django",
        "-p",
        "tests.support.no_skips",
        "-c",
        empty_config(tmp_path),
        "--rootdir",
        str(tmp_path),
        str(tmp_path),
    )
    allowed = pytest_run(*args, env=plain_env())
    assert allowed.returncode == 0, allowed.stdout
    assert "1 passed, 1 skipped, 1 xfailed" in allowed.stdout
    forbidden = pytest_run(*args, env=plain_env(STORYWEB_NO_SKIPS="1"))
    assert forbidden.returncode == 1
    assert "1 failed, 1 passed, 1 xfailed" in forbidden.stdout
    assert "skipped, but STORYWEB_NO_SKIPS=1 forbids skips here: Skipped: the fake service is not running" in (
        forbidden.stdout
    )


def test_a_module_level_skip_fails_too(tmp_path):
    (tmp_path / "test_probe.py").write_text('import pytest\npytest.skip("no driver", allow_module_level=True)\n')
    args = (
        "-p",
        "no:django",
        "-p",
        "tests.support.no_skips",
        "-c",
        empty_config(tmp_path),
        "--rootdir",
        str(tmp_path),
        str(tmp_path),
    )
    assert pytest_run(*args, env=plain_env()).returncode == 5  # nothing ran, nothing failed
    forbidden = pytest_run(*args, env=plain_env(STORYWEB_NO_SKIPS="1"))
    assert forbidden.returncode != 0 and "forbids skips here" in forbidden.stdout


def test_postgres_tests_skip_on_sqlite_saying_why_and_fail_when_skips_are_forbidden():
    target = "tests/test_postgres_redis.py"
    on_sqlite = pytest_run(target, env=plain_env())
    assert on_sqlite.returncode == 0, on_sqlite.stdout
    skipped = re.match(r"(\d+) skipped in ", on_sqlite.stdout.splitlines()[-1])
    assert skipped and int(skipped.group(1)) >= 5  # every test in the file, none run
    assert NEEDS_POSTGRES_AND_REDIS in on_sqlite.stdout
    forbidden = pytest_run(target, env=plain_env(STORYWEB_NO_SKIPS="1"))
    assert forbidden.returncode == 1
    # A skip mark acts in the setup phase, so pytest counts these as errors: the run fails.
    assert forbidden.stdout.splitlines()[-1].startswith(f"{skipped.group(1)} errors in ")
    assert f"STORYWEB_NO_SKIPS=1 forbids skips here: Skipped: {NEEDS_POSTGRES_AND_REDIS}" in forbidden.stdout
