"""The geometry of the dashboard's bars: the page draws them as SVG rectangles whose
sizes are attributes (the Content Security Policy forbids inline styles); these compute
them, as strings with a dot decimal."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from adventures.operations.dashboard.figures import Day


def bar_length(value: float | None, maximum: float, *, scale: float = 100) -> str:
    """Length of a bar on a 0..`scale` axis."""
    if not value or maximum <= 0:
        return "0"
    return f"{scale * min(value, maximum) / maximum:.2f}"


@dataclass(frozen=True)
class Column:
    x: str
    y: str
    height: str


@dataclass(frozen=True)
class DayColumns:
    day: Day
    started: Column
    completed: Column
    label: str  # a date under the axis, on a few columns only
    label_x: str


@dataclass(frozen=True)
class DayChart:
    width: int
    height: int
    top: int  # the value at the top of the axis
    bar_width: str
    columns: list[DayColumns]

    @property
    def view_box(self) -> str:  # room above for the scale, below for the dates
        return f"0 -16 {self.width} {self.height + 36}"

    @property
    def view_height(self) -> int:
        return self.height + 36

    @property
    def label_y(self) -> int:
        return self.height + 14


def day_chart(days: Sequence[Day], *, height: int = 160, width: int = 720) -> DayChart:
    """Two columns (started, completed) per day, at most 96 wide; about eight dates labelled."""
    top = max([1, *(d.started for d in days), *(d.completed for d in days)])
    column_width = min(96, width / max(1, len(days)))
    half = column_width / 2 - 1
    every = max(1, math.ceil(len(days) / 8))
    columns = []

    def column(value: int, x: float) -> Column:
        size = float(bar_length(value, top, scale=height))
        return Column(x=f"{x:.2f}", y=f"{height - size:.2f}", height=f"{size:.2f}")

    for index, day in enumerate(days):
        x = index * column_width
        columns.append(
            DayColumns(
                day=day,
                started=column(day.started, x + 1),
                completed=column(day.completed, x + 1 + half),
                label=day.day.strftime("%d %b") if index % every == 0 else "",
                label_x=f"{x + column_width / 2:.2f}",
            )
        )
    return DayChart(
        width=math.ceil(max(1, len(days)) * column_width),
        height=height,
        top=top,
        bar_width=f"{max(half - 0.5, 0.5):.2f}",
        columns=columns,
    )
