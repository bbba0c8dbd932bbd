"""The sceneries of the very small and the very old: a garden seen by an ant, a valley of dinosaurs."""

from __future__ import annotations

import math

from adventures.art.stage import (
    GREEN,
    WHITE,
    Stage,
    W,
    cloud,
    hill,
    mushroom,
    soil,
)
from adventures.art.svg import d, lighten, mix

# --- Tiny worlds: a garden seen by an ant -------------------------------------------


def blade(st: Stage, x: float, h: float, bend: float, colour: str) -> None:
    """A blade of grass as tall as a tree."""
    st.s.path(
        d("M", -16, 0, "Q", -10, -h * 0.6, bend, -h, "Q", 6, -h * 0.6, 16, 0),
        colour,
        transform=f"translate({x:.0f} 640)",
    )


def jungle_far(st: Stage) -> None:
    for _ in range(16):
        blade(st, st.rng.uniform(-20, W + 20), st.rng.uniform(260, 460), st.rng.uniform(-80, 80), st.far)


def giant_leaf(st: Stage, x: float, y: float, k: float, colour: str) -> None:
    s = st.s
    dew = s.radial([(0, WHITE, 0.9), (0.7, st.pal.light, 0.5), (1, st.pal.sky, 0.6)], 0.35, 0.3)
    with s.at(x, y, k):
        s.path("M 0 0 Q 20 -80 10 -150", "none", stroke=mix(colour, st.pal.dark, 0.3), stroke_width=8)
        s.path("M 10 -150 Q -110 -190 -150 -300 Q 30 -310 10 -150 Z", colour)
        s.path("M 10 -150 Q -60 -230 -150 -300", "none", stroke=lighten(colour, 0.3), stroke_width=4)
        s.circle(-40, -235, 18, dew, stroke=WHITE, stroke_width=2)  # a dewdrop as big as a ball


def dandelion(st: Stage, x: float) -> None:
    with st.s.at(x, 620):
        st.s.line(0, 0, 20, -320, mix(GREEN, st.mid, 0.5), 6)
        angles = [i * math.tau / 18 for i in range(18)]
        seeds = " ".join(f"M 20 -320 l {50 * math.cos(a):.0f} {50 * math.sin(a):.0f}" for a in angles)
        st.s.path(seeds, "none", stroke=st.pal.light, stroke_width=2, stroke_opacity=0.8)


def jungle_mid(st: Stage) -> None:
    hill(st, 575, 12, st.mid, 240)
    for x in (st.rng.uniform(120, 300), st.rng.uniform(700, 1100)):
        giant_leaf(st, x, 620, st.rng.uniform(1, 1.3), mix(GREEN, st.mid, 0.4))
    dandelion(st, st.free_x(400, 600, 800))


def dragonfly(st: Stage, x: float, y: float) -> None:
    s = st.s
    with s.at(x, y):
        with s.group(fill=WHITE, fill_opacity=0.5, stroke=st.pal.light):
            for dx, tilt in ((-14, -70), (-14, 70), (4, -78), (4, 78)):
                s.ellipse(0, -22, 9, 24, None, transform=f"translate({dx} 0) rotate({tilt})")
        s.rect(-50, -4, 60, 8, "#3a86ff", rx=4)
        s.circle(16, 0, 9, "#3a86ff")


def ladybird(st: Stage, x: float, y: float) -> None:
    s, dark = st.s, st.pal.dark
    with s.at(x, y):
        s.circle(16, 0, 9, dark)
        s.path("M -20 4 A 20 18 0 0 1 20 4 Z", st.pal.accent, stroke=dark, stroke_width=2)
        s.line(0, -14, 0, 4, dark, 2)
        for dx, dy in ((-10, -4), (8, -6), (-4, -12)):
            s.circle(dx, dy, 3, dark)


def jungle_ground(st: Stage) -> None:
    soil(st)
    for _ in range(4):  # pebbles the size of boulders
        st.s.ellipse(
            st.aside_x(), st.rng.uniform(690, 780), st.rng.uniform(30, 50), 22, mix("#b8a99a", st.pal.dark, 0.15)
        )
    ladybird(st, st.rng.uniform(st.hero_x + 160, W - 60), st.rng.uniform(700, 760))
    for _ in range(2):
        mushroom(st.s, st.aside_x(), st.rng.uniform(700, 770), 1.2, "#e63946", WHITE, False)


def jungle_air(st: Stage) -> None:
    dragonfly(st, st.rng.uniform(200, 1000), st.rng.uniform(160, 300))
    for _ in range(3):  # butterflies
        x, y = st.rng.uniform(100, 1100), st.rng.uniform(250, 500)
        with st.s.at(x, y, fill=st.rng.choice((st.pal.accent, "#ffd23f", "#9b5de5"))):
            st.s.ellipse(-8, 0, 9, 13, None, transform="rotate(-25 -8 0)")
            st.s.ellipse(8, 0, 9, 13, None, transform="rotate(25 8 0)")


# --- Valleys with dinosaurs ---------------------------------------------------------


def volcano(st: Stage, x: float) -> None:
    """A sleepy volcano with one small, soft puff: grand, never scary."""
    with st.s.at(x, 500):
        st.s.path("M -260 0 Q -120 -80 -60 -250 L 60 -250 Q 120 -80 260 0 Z", mix(st.far, st.pal.dark, 0.1))
        st.s.ellipse(0, -248, 60, 12, mix(st.pal.accent, st.light.bottom, 0.3))
    cloud(st.s, x + 20, 225, 0.45, lighten(st.light.bottom, 0.5), 0.8)


def dinosaur(st: Stage, x: float, y: float, k: float, flip: int, colour: str) -> None:
    """A long-necked grazer in silhouette."""
    with st.s.at(x, y, k, flip, fill=colour):
        st.s.path("M -60 -40 Q -120 -30 -150 -10 Q -100 -20 -50 -20 Z", None)
        st.s.ellipse(0, -40, 70, 38, None)
        for lx in (-40, -15, 20, 45):
            st.s.rect(lx - 9, -20, 18, 40, None, rx=8)
        st.s.path("M 40 -55 Q 80 -110 90 -170 L 110 -170 Q 100 -100 60 -30 Z", None)
        st.s.ellipse(108, -172, 24, 14, None)


def valley_far(st: Stage) -> None:
    volcano(st, st.rng.uniform(700, 1000))
    hill(st, 480, 25, st.far, 200)


def fern_tree(st: Stage, x: float, y: float, h: float, colour: str) -> None:
    s = st.s
    s.path(d("M", x, y, "Q", x + 10, y - h / 2, x, y - h), "none", stroke="#8d6346", stroke_width=12)
    fronds = " ".join(
        f"M 0 0 Q {dx / 2:.0f} -40 {dx} {dy}" for dx, dy in ((-78, 5), (-45, -28), (0, -45), (45, -28), (78, 5))
    )
    s.path(
        fronds,
        "none",
        stroke=colour,
        stroke_width=10,
        stroke_linecap="round",
        transform=f"translate({x:.0f} {y - h:.0f})",
    )


def valley_mid(st: Stage) -> None:
    hill(st, 560, 15, st.mid, 240)
    colour = mix(st.mid, st.pal.dark, 0.35)
    dinosaur(st, st.rng.uniform(150, 450), 590, 0.8, st.rng.choice((-1, 1)), colour)
    dinosaur(st, st.rng.uniform(750, 1050), 580, 0.5, st.rng.choice((-1, 1)), mix(colour, st.far, 0.4))
    for _ in range(3):
        fern_tree(st, st.rng.uniform(40, W - 40), 610, st.rng.uniform(140, 200), mix(GREEN, st.mid, 0.4))


def fern(st: Stage, x: float, y: float, k: float, colour: str, flip: int) -> None:
    leaflets = []
    for i in range(1, 7):
        t = i / 7
        px, py, size = 20 * t + 50 * t * t, -110 * (2 * t - t * t), 1 - t * 0.5
        leaflets.append(f"M {px:.0f} {py:.0f} l {-16 * size:.0f} -12 M {px:.0f} {py:.0f} l {14 * size:.0f} -16")
    with st.s.at(x, y, k, flip, stroke=colour, stroke_linecap="round", fill="none"):
        st.s.path("M 0 0 Q 20 -80 70 -110", None, stroke_width=5)
        st.s.path(" ".join(leaflets), None, stroke_width=7)


def valley_ground(st: Stage) -> None:
    soil(st)
    colour = mix(GREEN, st.near, 0.3)
    for _ in range(4):
        fern(st, st.aside_x(130), 800, st.rng.uniform(1, 1.5), colour, st.rng.choice((-1, 1)))


def valley_air(st: Stage) -> None:
    with st.s.group(fill=mix(st.pal.dark, st.light.top, 0.35)):
        for _ in range(2):  # pterosaurs gliding far away
            x, y = st.rng.uniform(200, 1000), st.rng.uniform(110, 260)
            glider = "M -40 -6 Q -16 -12 0 4 Q 16 -12 40 -6 Q 10 0 0 10 Q -10 0 -40 -6 Z"
            st.s.path(glider, None, transform=f"translate({x:.0f} {y:.0f})")
