"""pytest hooks for CI's PostgreSQL + Redis pass: with STORYWEB_NO_SKIPS=1 a skipped
test (or module) is reported as a failure, so that a missing service or dependency can
never hide behind a skip. tests/conftest.py imports these hooks; a test runs them as a
plugin (`-p tests.support.no_skips`).

Expected failures (xfail) are not skips and pass through.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

ENV = "STORYWEB_NO_SKIPS"


def _forbidden() -> bool:
    return os.environ.get(ENV) == "1"


def _reason(report: Any) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def _fail(report: Any) -> None:
    report.outcome = "failed"
    report.longrepr = f"skipped, but {ENV}=1 forbids skips here: {_reason(report)}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Any:
    outcome = yield
    report = outcome.get_result()
    if _forbidden() and report.skipped and not hasattr(report, "wasxfail"):
        _fail(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: Any) -> Any:
    outcome = yield
    report = outcome.get_result()
    if _forbidden() and report.skipped:
        _fail(report)
