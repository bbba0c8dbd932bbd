"""Statistics for the benchmark's figures: percentiles and summaries. Pure functions."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation between closest ranks
    (numpy's default); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0-100")
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    count: int
    p50: float | None
    p95: float | None
    max: float | None
    mean: float | None

    @classmethod
    def of(cls, values: Iterable[float]) -> Summary:
        data = list(values)
        if not data:
            return cls(0, None, None, None, None)
        return cls(len(data), percentile(data, 50), percentile(data, 95), float(max(data)), sum(data) / len(data))

    def as_dict(self, digits: int = 1) -> dict[str, float | int | None]:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, digits)

        return {
            "count": self.count,
            "p50": rounded(self.p50),
            "p95": rounded(self.p95),
            "max": rounded(self.max),
            "mean": rounded(self.mean),
        }


def cpu_seconds(stat_line: str, clock_ticks: int) -> float:
    """User + system CPU seconds of a process from its /proc/<pid>/stat line."""
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    fields = stat_line[stat_line.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of the whole line
    return (utime + stime) / clock_ticks


def rss_kib(status_text: str) -> int:
    """VmRSS in KiB from a /proc/<pid>/status text."""
    for line in status_text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise ValueError("no VmRSS line (is the process a zombie?)")
