"""The sceneries up high: sky islands, and the Moon under the stars."""

from __future__ import annotations

from adventures.art.stage import (
    GROUND_Y,
    WHITE,
    WOOD,
    Stage,
    W,
    birds,
    cloud,
    dome,
    flowers,
    hill,
    round_tree,
    soil,
)
from adventures.art.svg import d, lighten, mix, smooth_ridge, sparkle

# --- Sky islands ------------------------------------------------------------------


def island(st: Stage, x: float, y: float, w: float, grass: str, rock: str) -> None:
    with st.s.at(x, y, w / 100):
        st.s.path("M -50 0 Q -30 30 0 55 Q 30 30 50 0 Z", rock)
        st.s.ellipse(0, 0, 50, 9, grass)
        round_tree(st.s, -15, 0, 35, mix(grass, st.pal.dark, 0.2), mix(rock, st.pal.dark, 0.3))


def rainbow(st: Stage, cx: float, cy: float, r: float) -> None:
    for i, colour in enumerate(("#ff595e", "#ffca3a", "#8ac926", "#1982c4", "#6a4c93")):
        arc = d("M", cx - r + i * 12, cy, "A", r - i * 12, r - i * 12, 0, 0, 1, cx + r - i * 12, cy)
        st.s.path(arc, "none", stroke=colour, stroke_width=12, stroke_opacity=0.45)


def sky_far(st: Stage) -> None:
    rainbow(st, st.rng.uniform(300, 900), 560, st.rng.uniform(300, 380))
    rock = mix(st.far, st.pal.dark, 0.2)
    for _ in range(3):
        island(st, st.rng.uniform(80, W - 80), st.rng.uniform(330, 430), st.rng.uniform(90, 140), st.far, rock)
    for x in range(-60, W + 100, 150):  # a sea of clouds below the islands
        cloud(st.s, x, 560 + st.rng.uniform(-15, 15), st.rng.uniform(1.1, 1.5), lighten(st.light.bottom, 0.55), 1)


def sky_mid(st: Stage) -> None:
    rock = mix(st.pal.dark, st.mid, 0.45)
    for x in (st.rng.uniform(80, 300), st.rng.uniform(900, 1120)):
        island(st, x, st.rng.uniform(470, 520), st.rng.uniform(160, 220), st.mid, rock)


def sky_ground(st: Stage) -> None:
    """The hero's own island: a grassy top over a rocky underside, clouds below."""
    s = st.s
    s.path("M 40 650 Q 300 980 600 900 Q 900 980 1160 650 Z", mix(st.pal.dark, st.near, 0.4))
    top = [(40, 660), *((x, GROUND_Y + st.rng.uniform(-10, 10)) for x in range(140, 1100, 200)), (1160, 660)]
    s.path(smooth_ridge(top, 690), s.linear([(0, lighten(st.near, 0.15)), (1, st.near)]))
    s.rect(40, 689, 1120, 120, st.near)
    for x in (0, 1200):
        cloud(s, x, 780, 1.6, lighten(st.light.bottom, 0.6), 1)
    flowers(st, (st.pal.accent, WHITE, lighten(st.pal.accent, 0.5)), 10)


def balloon(st: Stage, x: float, y: float, k: float) -> None:
    s = st.s
    colour = st.rng.choice((st.pal.accent, "#ff595e", "#8ac926", "#1982c4"))
    with s.at(x, y, k):
        s.path("M -14 30 L -8 52 M 14 30 L 8 52", "none", stroke=st.pal.dark, stroke_width=1.5)
        s.path("M 0 40 C -70 -10 -30 -60 0 -60 C 30 -60 70 -10 0 40 Z", colour)
        s.path("M 0 40 C -20 0 -12 -60 0 -60 C 12 -60 20 0 0 40 Z", lighten(colour, 0.45))
        s.rect(-9, 50, 18, 13, WOOD, rx=3)


def sky_air(st: Stage) -> None:
    balloon(st, st.rng.uniform(150, 450), st.rng.uniform(150, 260), 0.9)
    balloon(st, st.rng.uniform(750, 1050), st.rng.uniform(120, 220), 0.6)
    birds(st, 2)


# --- Moon and stars -----------------------------------------------------------------


def planet(st: Stage, x: float, y: float, r: float) -> None:
    """A blue marble with green lands and a swirl of cloud: the Earth seen from the Moon."""
    s = st.s
    with s.at(x, y, r / 100):
        s.circle(0, 0, 150, s.glow(lighten("#4d96ff", 0.4), 0.35))
        s.circle(0, 0, 100, s.radial([(0, "#7cc6fe"), (1, "#1d4e89")], 0.35, 0.35, 0.75))
        s.path("M -50 -40 Q 0 -70 20 -20 Q -10 30 -60 10 Z", "#63c26a")
        s.ellipse(35, 40, 30, 18, "#63c26a")
        s.path(
            "M -80 10 Q -20 -10 70 -45",
            "none",
            stroke=WHITE,
            stroke_width=10,
            stroke_opacity=0.7,
            stroke_linecap="round",
        )


def space_far(st: Stage) -> None:
    planet(st, st.rng.choice((240, 960)), st.rng.uniform(170, 230), 70)
    x, y = st.rng.uniform(500, 700), st.rng.uniform(90, 150)
    st.s.circle(x, y, 18, st.pal.accent)
    st.s.ellipse(x, y, 34, 8, "none", stroke=lighten(st.pal.accent, 0.4), stroke_width=3)
    hill(st, 480, 22, st.far, 200)


def signal_dish(st: Stage, x: float) -> None:
    with st.s.at(x, 600):
        st.s.line(0, 0, 0, -80, mix(st.pal.ground, st.pal.dark, 0.3), 6)
        st.s.path("M -40 -100 Q 0 -40 40 -100 Z", lighten(st.pal.ground, 0.3), stroke=st.pal.dark, stroke_width=2)
        st.s.circle(0, -110, 5, st.pal.accent)


def space_mid(st: Stage) -> None:
    hill(st, 560, 12, st.mid, 260)
    for x, r in ((st.rng.uniform(80, 300), 70), (st.rng.uniform(880, 1120), 90), (st.rng.uniform(560, 700), 45)):
        dome(st, x, 600, r)
    signal_dish(st, st.free_x(420, 600, 780))


def space_ground(st: Stage) -> None:
    soil(st)
    for _ in range(5):
        x, y, r = st.aside_x(), st.rng.uniform(660, 780), st.rng.uniform(24, 50)
        st.s.ellipse(x, y, r, r * 0.3, mix(st.near, st.pal.dark, 0.25))
        st.s.ellipse(x, y + r * 0.06, r * 0.85, r * 0.22, mix(st.near, st.pal.dark, 0.12))


def space_air(st: Stage) -> None:
    x, y = st.rng.uniform(300, 900), st.rng.uniform(60, 160)
    st.s.line(x, y, x - 90, y + 30, st.pal.light, 3, stroke_linecap="round", stroke_opacity=0.6)
    st.s.path(sparkle(x, y, 8), WHITE)
