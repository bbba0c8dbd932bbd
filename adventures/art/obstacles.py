"""The chapter's obstacle, drawn big in the middle of the picture by its kind (see
adventures/content/offline/plots.yaml): a locked gate, a tall wall, a dark fog, a wide
water, a tangle, a sleeping creature, a slippery slope, a load stuck fast or a wild whirl."""

from __future__ import annotations

import math

from .stage import Stage, W
from .svg import darken, lighten, mix

WORDS = {
    "locked": "a great locked gate",
    "high": "a wall of rock far taller than the hero",
    "dark": "a thick, dark cloud that hides the way",
    "wide": "a wide stretch of water",
    "tangled": "a thorny tangle",
    "creature": "a huge sleeping creature",
    "slippery": "a steep, shining, slippery slope",
    "stuck": "a heavy load stuck fast in the way",
    "wild": "a wild, spinning whirl",
}


def draw_obstacle(st: Stage, kind: str, x: float, ground: float) -> None:
    {
        "locked": _locked,
        "high": _high,
        "dark": _dark,
        "wide": _wide,
        "tangled": _tangled,
        "creature": _creature,
        "slippery": _slippery,
        "stuck": _stuck,
    }.get(kind, _wild)(st, x, ground)


def _locked(st: Stage, x: float, y: float) -> None:
    s, stone = st.s, mix(st.pal.horizon, "#9a9a9a", 0.6)
    s.rect(x - 150, y - 330, 300, 330, stone, rx=12, stroke=darken(stone, 0.35), stroke_width=4)
    s.path(f"M {x - 95} {y} L {x - 95} {y - 200} A 95 95 0 0 1 {x + 95} {y - 200} L {x + 95} {y} Z", "#6b3f26")
    for bx in (-50, 0, 50):
        s.line(x + bx, y - 270, x + bx, y, darken("#6b3f26", 0.3), 5)
    s.circle(x, y - 150, 20, st.pal.accent, stroke=st.pal.dark, stroke_width=3)
    s.path(f"M {x - 6} {y - 150} L {x + 6} {y - 150} L {x + 9} {y - 112} L {x - 9} {y - 112} Z", st.pal.dark)


def _high(st: Stage, x: float, y: float) -> None:
    s, rock = st.s, mix(st.pal.ground, "#8a8a8a", 0.5)
    s.path(f"M {x - 220} {y} L {x - 190} {y - 470} L {x - 40} {y - 520} L {x + 160} {y - 480} L {x + 230} {y} Z", rock)
    rng = st.rng
    for _ in range(14):
        rx, ry = x + rng.uniform(-170, 170), y - rng.uniform(30, 450)
        s.ellipse(rx, ry, rng.uniform(18, 40), rng.uniform(8, 16), darken(rock, 0.2), fill_opacity=0.6)


def _dark(st: Stage, x: float, y: float) -> None:
    s, fog = st.s, mix(st.pal.dark, "#6c7a89", 0.4)
    for i in range(5):
        s.ellipse(x + (i - 2) * 160, y - 120 - (i % 2) * 60, 260, 120, fog, fill_opacity=0.55)
    s.rect(0, y - 260, W, 320, s.linear([(0, fog, 0), (0.4, fog, 0.7), (1, fog, 0.2)]))


def _wide(st: Stage, x: float, y: float) -> None:
    s, water = st.s, mix(st.pal.horizon, "#4d96ff", 0.55)
    s.path(f"M 0 {y - 10} Q {W / 2} {y - 60} {W} {y - 10} L {W} {y + 90} Q {W / 2} {y + 40} 0 {y + 90} Z", water)
    for i in range(9):
        wx = 60 + i * 130
        s.path(
            f"M {wx} {y + 25} q 20 -12 40 0 q 20 12 40 0",
            "none",
            stroke=lighten(water, 0.5),
            stroke_width=4,
            stroke_linecap="round",
        )


def _tangled(st: Stage, x: float, y: float) -> None:
    s, vine = st.s, darken(mix(st.pal.horizon, "#2d6a4f", 0.6), 0.2)
    rng = st.rng
    with s.group(fill="none", stroke=vine, stroke_width=9, stroke_linecap="round"):
        for _ in range(16):
            x0, y0 = x + rng.uniform(-230, 230), y - rng.uniform(0, 260)
            s.path(
                f"M {x0:.0f} {y0:.0f} q {rng.uniform(-120, 120):.0f} {rng.uniform(-140, 40):.0f} "
                f"{rng.uniform(-160, 160):.0f} {rng.uniform(-60, 60):.0f}",
                None,
            )
    for _ in range(20):
        tx, ty = x + rng.uniform(-220, 220), y - rng.uniform(10, 260)
        s.path(f"M {tx:.0f} {ty:.0f} l 8 -16 l 8 16 Z", lighten(vine, 0.2))


def _creature(st: Stage, x: float, y: float) -> None:
    s, fur = st.s, mix(st.pal.ground, "#8d6346", 0.5)
    s.ellipse(x, y - 110, 250, 120, fur, stroke=darken(fur, 0.3), stroke_width=4)
    s.circle(x - 220, y - 120, 80, fur, stroke=darken(fur, 0.3), stroke_width=4)
    for ex in (-245, -195):
        s.path(f"M {x + ex - 14} {y - 130} q 14 10 28 0", "none", stroke=st.pal.dark, stroke_width=4)
    for i, k in enumerate((1.0, 1.3, 1.6)):
        zx, zy = x - 150 + i * 40, y - 240 - i * 50
        s.path(
            f"M {zx} {zy} h {18 * k} l {-18 * k} {20 * k} h {18 * k}",
            "none",
            stroke=st.pal.light,
            stroke_width=4,
            stroke_linejoin="round",
        )


def _slippery(st: Stage, x: float, y: float) -> None:
    s, ice = st.s, lighten(mix(st.pal.horizon, "#a8dadc", 0.6), 0.2)
    s.path(f"M {x - 260} {y} L {x + 120} {y - 380} L {x + 260} {y - 380} L {x + 260} {y} Z", ice)
    for i in range(5):
        sx = x - 180 + i * 70
        s.line(sx, y - 20 - i * 60, sx + 60, y - 80 - i * 60, "#ffffff", 5, stroke_linecap="round", stroke_opacity=0.8)


def _stuck(st: Stage, x: float, y: float) -> None:
    s, load = st.s, mix(st.pal.accent, "#8d6346", 0.5)
    s.ellipse(x, y - 20, 230, 40, lighten(st.pal.ground, 0.5))  # the drift or dust it sank into
    s.rect(x - 170, y - 150, 340, 120, load, rx=18, stroke=darken(load, 0.35), stroke_width=4)
    for wx in (-110, 110):
        s.circle(x + wx, y - 30, 34, st.pal.dark)
        s.circle(x + wx, y - 30, 12, lighten(load, 0.3))
    s.ellipse(x, y - 14, 250, 30, lighten(st.pal.ground, 0.6))


def _wild(st: Stage, x: float, y: float) -> None:
    s, air = st.s, lighten(st.pal.light, 0.2)
    points = []
    for i in range(120):
        a = i * 0.22
        r = 8 + i * 1.9
        points.append(f"{x + r * math.cos(a):.0f},{y - 200 + r * math.sin(a) * 0.7:.0f}")
    s.add(
        "polyline",
        points=" ".join(points),
        fill="none",
        stroke=air,
        stroke_width=7,
        stroke_linecap="round",
        stroke_opacity=0.8,
    )
    for i in range(8):
        s.circle(x + 260 * math.cos(i), y - 200 + 150 * math.sin(i), 9, air, fill_opacity=0.7)
