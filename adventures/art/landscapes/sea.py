"""The sceneries by and under the sea."""

from __future__ import annotations

import math

from adventures.art.stage import (
    GREEN,
    Stage,
    W,
    birds,
    flowers,
    glow_dots,
    hill,
    soil,
)
from adventures.art.svg import d, lighten, mix

# --- Under the sea ------------------------------------------------------------------


def sea_far(st: Stage) -> None:
    s = st.s
    for i in range(5):  # sunbeams slanting down from the surface
        x = 120 + i * 230 + st.rng.uniform(-40, 40)
        s.polygon([(x, 0), (x + 70, 0), (x - 60, 620), (x - 200, 620)], st.pal.light, fill_opacity=0.09)
    hill(st, 470, 35, st.far)
    for _ in range(4):  # rock towers with rounded tops
        x, h = st.rng.uniform(60, W - 60), st.rng.uniform(90, 180)
        s.rect(x - 28, 480 - h, 56, h + 60, st.far, rx=28)


def kelp(st: Stage, x: float, top: float, colour: str) -> None:
    parts: list[object] = ["M", x, 640]
    for i in range(1, 7):
        y = 640 - (640 - top) * i / 6
        parts += ["Q", x + (22 if i % 2 else -22), y + (640 - top) / 12, x, y]
    st.s.path(d(*parts), "none", stroke=colour, stroke_width=14, stroke_linecap="round")


def coral(st: Stage, x: float, y: float, colour: str) -> None:
    branches = "M 0 0 Q -4 -40 -30 -70 M 0 -30 Q 20 -50 28 -86 M -14 -50 L -8 -92 M 12 -48 L 42 -56"
    st.s.path(
        branches, "none", stroke=colour, stroke_width=11, stroke_linecap="round", transform=f"translate({x:.0f} {y})"
    )


def sea_mid(st: Stage) -> None:
    hill(st, 570, 15, st.mid, 240)
    green = mix(GREEN, st.pal.horizon, 0.35)
    for _ in range(6):
        kelp(st, st.rng.uniform(30, W - 30), st.rng.uniform(280, 420), green)
    for _ in range(3):
        coral(st, st.rng.uniform(60, W - 60), 620, mix(st.pal.accent, st.pal.light, st.rng.uniform(0, 0.4)))


def fish_school(st: Stage, count: int) -> None:
    colours = (st.pal.accent, "#ffd23f", lighten(st.pal.accent, 0.45), st.pal.light)
    for _ in range(count):
        x, y, k = st.rng.uniform(80, W - 80), st.rng.uniform(150, 520), st.rng.uniform(0.6, 1.2)
        colour = st.rng.choice(colours)
        with st.s.at(x, y, k, flip=st.rng.choice((-1, 1))):
            st.s.path("M 16 0 L 32 -11 L 32 11 Z", colour)
            st.s.ellipse(0, 0, 20, 11, colour)
            st.s.circle(-9, -2, 2.4, st.pal.dark)


def starfish(st: Stage, x: float, y: float) -> None:
    points = [(14 if i % 2 == 0 else 6, i * math.pi / 5 - math.pi / 2) for i in range(10)]
    corners = [(x + r * math.cos(a), y + r * math.sin(a)) for r, a in points]
    st.s.polygon(corners, st.pal.accent, stroke=st.pal.accent, stroke_width=4, stroke_linejoin="round")


def sea_ground(st: Stage) -> None:
    soil(st)
    with st.s.group(stroke=lighten(st.near, 0.25), stroke_width=3, fill="none", stroke_linecap="round"):
        for _ in range(8):  # ripples in the sand
            x, y = st.rng.uniform(40, W - 40), st.rng.uniform(650, 780)
            st.s.path("M -30 0 Q 0 -8 30 0", None, transform=f"translate({x:.0f} {y:.0f})")
    for _ in range(3):
        starfish(st, st.aside_x(), st.rng.uniform(660, 780))


def bubbles(st: Stage, count: int) -> None:
    with st.s.group(fill=st.pal.light, fill_opacity=0.18, stroke=st.pal.light, stroke_width=2, stroke_opacity=0.7):
        for _ in range(count):
            st.s.circle(st.rng.uniform(30, W - 30), st.rng.uniform(60, 700), st.rng.uniform(4, 13), None)


def sea_air(st: Stage) -> None:
    fish_school(st, 6)
    bubbles(st, 22)
    if st.light.dusk > 0.3:
        glow_dots(st, st.pal.light, 12, 100, 600, 2)


# --- The seaside ------------------------------------------------------------------


def sailboat(st: Stage, x: float, y: float) -> None:
    with st.s.at(x, y):
        st.s.path("M -24 0 L 24 0 L 16 10 L -16 10 Z", st.pal.dark)
        st.s.polygon([(0, -46), (0, -4), (26, -4)], st.pal.light)


def coast_far(st: Stage) -> None:
    s = st.s
    sea = s.linear([(0, mix(st.pal.sky, st.pal.dark, 0.25)), (1, mix(st.pal.sky, st.pal.light, 0.2))])
    s.rect(0, 470, W, 200, sea)
    s.path("M 780 472 Q 860 420 960 472 Z", st.far)
    for _ in range(2):
        sailboat(st, st.rng.uniform(150, 1050), st.rng.uniform(490, 520))


def coast_mid(st: Stage) -> None:
    with st.s.group(stroke=st.pal.light, stroke_width=3, fill="none", stroke_opacity=0.6, stroke_linecap="round"):
        for row in range(5):
            for _ in range(4):
                x = st.rng.uniform(0, W)
                st.s.path("M -30 0 Q -15 -8 0 0 Q 15 8 30 0", None, transform=f"translate({x:.0f} {500 + row * 22})")


def coast_ground(st: Stage) -> None:
    soil(st)
    hill(st, 607, 10, "none", 200, stroke=st.pal.light, stroke_width=6, stroke_opacity=0.6)  # foam on the sand
    flowers(st, (lighten(st.pal.accent, 0.4), st.pal.light), 8)


def coast_air(st: Stage) -> None:
    birds(st, 4)
