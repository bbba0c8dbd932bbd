"""What every emblem shares: its colours and the friendly face parts."""

from __future__ import annotations

from collections.abc import Callable

from .svg import Palette, Svg, d

BRASS = "#e3b04b"
SILVER = "#c9d3de"
WOOD = "#a0673a"
PAPER = "#fbf0d4"
LEAF = "#5fb35a"
PINK = "#f6a5c0"
WHITE = "#ffffff"

Emblem = Callable[[Svg, Palette], None]


def eyes(s: Svg, x: float, y: float, gap: float, r: float, colour: str) -> None:
    """Two round eyes with a shine: all the face a friendly creature needs."""
    for ex in (x - gap, x + gap):
        s.circle(ex, y, r, colour, stroke="none")
        s.circle(ex + r * 0.35, y - r * 0.35, r * 0.35, WHITE, stroke="none")


def note(s: Svg, x: float, y: float, colour: str) -> None:
    s.ellipse(x, y, 5, 3.8, colour, transform=f"rotate(-20 {x} {y})")
    s.path(d("M", x + 4.5, y, "L", x + 4.5, y - 18, "Q", x + 12, y - 14, x + 12, y - 8), "none", stroke=colour)
