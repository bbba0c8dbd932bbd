"""The project's settings plus the benchmark's probe (bench/probe.py), which records
server-side timings and write transactions when BENCH_EVENTS_FILE is set. Used only
by the daphne process that `python -m bench.play` starts."""

from __future__ import annotations

from storyweb.settings import *  # noqa: F403
from storyweb.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.probe.ProbeConfig"]
