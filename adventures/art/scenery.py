"""The landscapes behind a chapter scene, one kind of scenery per sort of world.

A scenery is four painters called back to front: `far` (mountains, skylines), `mid`
(trees, domes, kelp), `ground` (where the hero stands) and `air` (bubbles, snowflakes,
fireflies over everything). The world's own words choose the scenery, so a new world
written in YAML gets fitting pictures without touching this file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from .stage import (
    GREEN,
    GROUND_Y,
    LAMP,
    WHITE,
    WOOD,
    H,
    Stage,
    W,
    birds,
    cloud,
    dome,
    flowers,
    glow_dots,
    hill,
    mushroom,
    pine,
    round_tree,
    soil,
    tufts,
)
from .svg import d, darken, gear, lighten, mix, smooth_ridge, sparkle

# --- Rolling hills: the fallback for a world nothing else fits ------------------------


def hills_far(st: Stage) -> None:
    hill(st, 420, 40, st.far)
    hill(st, 490, 28, mix(st.far, st.mid, 0.5), 220)


def hills_mid(st: Stage) -> None:
    hill(st, 550, 20, st.mid, 240)
    for _ in range(6):
        x = st.rng.uniform(40, W - 40)
        round_tree(st.s, x, 565, st.rng.uniform(50, 80), mix(st.mid, st.pal.dark, 0.25), mix(st.mid, st.pal.dark, 0.5))


def hills_ground(st: Stage) -> None:
    soil(st)
    tufts(st, mix(st.near, st.pal.dark, 0.25))
    flowers(st, (st.pal.accent, st.pal.light, lighten(st.pal.accent, 0.5)))


def hills_air(st: Stage) -> None:
    if st.light.dusk < 0.4:
        birds(st)


# --- Forests ----------------------------------------------------------------------


def leafy(st: Stage, depth: float) -> str:
    """Tree green for a forest: the world's own greens, fading with distance and dusk."""
    green = mix(GREEN, st.pal.horizon, 0.45)
    return mix(mix(green, st.pal.dark, 0.15 + st.light.dusk * 0.35), st.light.bottom, depth)


def forest_far(st: Stage) -> None:
    colour = leafy(st, 0.45)
    for x in range(-20, W + 40, 46):
        st.s.circle(x, 455 + st.rng.uniform(-25, 15), st.rng.uniform(28, 44), colour)
    st.s.rect(0, 460, W, 110, colour)


def forest_mid(st: Stage) -> None:
    hill(st, 560, 18, st.mid, 240)
    trunk = mix("#6b4a35", st.pal.dark, 0.3 + st.light.dusk * 0.3)
    for i in range(7):
        x = (i + st.rng.uniform(0.1, 0.9)) * W / 7
        if st.rng.random() < 0.4:
            pine(st.s, x, 600, st.rng.uniform(180, 240), leafy(st, 0.2))
        else:
            round_tree(st.s, x, 600, st.rng.uniform(190, 250), leafy(st, 0.1), trunk)


def forest_ground(st: Stage) -> None:
    soil(st)
    tufts(st, mix(st.near, GREEN, 0.4))
    for _ in range(5):
        mushroom(
            st.s, st.aside_x(), st.rng.uniform(660, 770), st.rng.uniform(0.8, 1.4), st.pal.accent, st.pal.light, st.lit
        )


def forest_air(st: Stage) -> None:
    if st.lit:
        glow_dots(st, lighten(st.pal.light, 0.2), 14, 300, 700)
        return
    for _ in range(5):  # leaves drifting down
        x, y, turn = st.rng.uniform(100, 1100), st.rng.uniform(200, 600), st.rng.randint(0, 180)
        st.s.ellipse(0, 0, 9, 4, mix(st.pal.accent, GREEN, 0.5), transform=f"translate({x:.0f} {y:.0f}) rotate({turn})")


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


# --- Deserts and dunes --------------------------------------------------------------


def desert_far(st: Stage) -> None:
    # Each dune shades from a hint of the accent at its crest: sand that is half glass.
    for y, amp, base in ((430, 45, mix(st.far, st.light.bottom, 0.25)), (500, 35, mix(st.far, st.pal.ground, 0.45))):
        sheen = st.s.linear([(0, mix(base, st.pal.accent, 0.3)), (0.35, base)])
        hill(st, y, amp, sheen, 260, stroke=lighten(base, 0.35), stroke_width=3)


def crystal(st: Stage, x: float, y: float, k: float) -> None:
    s = st.s
    with s.at(x, y, k):
        for dx, h, tilt in ((-14, 60, -12), (0, 90, 0), (16, 50, 14)):
            colour = st.rng.choice((st.pal.accent, lighten(st.pal.accent, 0.3), mix(st.pal.sky, st.pal.light, 0.3)))
            shard = [(-9, 0), (-9, -h * 0.75), (0, -h), (9, -h * 0.75), (9, 0)]
            edge = lighten(colour, 0.5)
            s.polygon(
                shard,
                colour,
                fill_opacity=0.85,
                stroke=edge,
                stroke_width=2,
                transform=f"translate({dx} 0) rotate({tilt})",
            )
        s.path(sparkle(6, -70, 9), WHITE)


def cactus(st: Stage, x: float, y: float, k: float) -> None:
    s, colour = st.s, mix(GREEN, st.pal.dark, 0.15)
    with s.at(x, y, k, stroke=colour, stroke_linecap="round", fill="none"):
        s.path("M 0 0 L 0 -90", None, stroke_width=22)
        s.path("M 0 -40 L -26 -40 L -26 -66 M 0 -52 L 24 -52 L 24 -76", None, stroke_width=14)
        s.circle(0, -96, 7, "#ff8fab", stroke="none")


def desert_mid(st: Stage) -> None:
    hill(st, 565, 22, st.mid, 280)
    for _ in range(2):
        cactus(st, st.rng.uniform(60, W - 60), 600, st.rng.uniform(0.7, 1))
    for _ in range(3):
        crystal(st, st.rng.uniform(60, W - 60), 590, st.rng.uniform(0.6, 0.9))


def desert_ground(st: Stage) -> None:
    soil(st)
    ripple = mix(st.near, st.pal.dark, 0.15)
    with st.s.group(stroke=ripple, stroke_width=3, fill="none", stroke_linecap="round", stroke_opacity=0.5):
        for _ in range(9):
            x, y = st.rng.uniform(40, W - 40), st.rng.uniform(650, 790)
            st.s.path("M -50 0 Q 0 -12 50 0", None, transform=f"translate({x:.0f} {y:.0f})")
    for _ in range(2):
        crystal(st, st.aside_x(130), st.rng.uniform(700, 780), st.rng.uniform(0.8, 1.1))


def desert_air(st: Stage) -> None:
    for _ in range(8):
        x, y = st.rng.uniform(40, W - 40), st.rng.uniform(560, 780)
        st.s.path(sparkle(x, y, st.rng.uniform(4, 9)), WHITE, fill_opacity=0.8)


# --- Snow and mountains -------------------------------------------------------------


def aurora(st: Stage) -> None:
    band = st.s.linear(
        [(0, "#3fd3a1", 0), (0.3, "#3fd3a1", 0.55), (0.7, "#9b5de5", 0.45), (1, "#9b5de5", 0)], 0, 0, 1, 0
    )
    for i in range(3):
        y = 110 + i * 55 + st.rng.uniform(-15, 15)
        parts: list[object] = ["M", -20, y]
        for x in range(130, W + 160, 150):
            parts += ["Q", x - 75, y + st.rng.uniform(-60, 60), x, y + st.rng.uniform(-20, 20)]
        st.s.path(d(*parts), "none", stroke=band, stroke_width=34 - i * 8, stroke_linecap="round")


def mountain(st: Stage, x: float, w: float, h: float, rock: str, snowcap: str) -> None:
    with st.s.at(x, 520, stroke_linejoin="round"):
        st.s.polygon([(0, 0), (w / 2, -h), (w, 0)], rock, stroke=rock, stroke_width=10)
        top, cap = w / 2, -h * 0.7
        peak = [
            (top, -h),
            (top + w * 0.15, cap),
            (top + w * 0.06, cap + 14),
            (top - w * 0.05, cap - 2),
            (top - w * 0.15, cap),
        ]
        st.s.polygon(peak, snowcap, stroke=snowcap, stroke_width=8)


def snow_far(st: Stage) -> None:
    if st.lit or st.light.dusk > 0.5:
        aurora(st)
    snowcap = mix(WHITE, st.pal.light, 0.3)
    # Blue-grey rock, hazed by the horizon light: mountains read as far away at any hour.
    rock = lighten(mix(mix(st.pal.sky, st.pal.dark, 0.3), st.light.bottom, 0.4), 0.15)
    x = -80.0
    while x < W + 40:
        w, h = st.rng.uniform(220, 340), st.rng.uniform(150, 250)
        mountain(st, x, w, h, rock, snowcap)
        x += w * 0.62


def cabin(st: Stage, x: float, y: float) -> None:
    s = st.s
    wood = mix("#8d5a3b", st.pal.dark, st.light.dusk * 0.4)
    with s.at(x, y):
        if st.lit:
            s.circle(30, -33, 30, s.glow(LAMP, 0.5))
        s.rect(-50, -60, 100, 60, wood)
        roof = [(-62, -56), (0, -104), (62, -56)]
        s.polygon(roof, mix(WHITE, st.pal.sky, 0.15), stroke=WHITE, stroke_width=6, stroke_linejoin="round")
        s.rect(-12, -36, 22, 36, st.pal.accent, rx=3)
        s.rect(20, -42, 20, 18, LAMP if st.lit else lighten(st.pal.sky, 0.5), stroke=wood, stroke_width=2)


def snow_mid(st: Stage) -> None:
    hill(st, 560, 16, mix(st.near, st.pal.sky, 0.1), 240)
    pine_colour = mix("#2f6b4f", st.pal.dark, 0.2 + st.light.dusk * 0.3)
    for i in range(8):
        pine(st.s, (i + st.rng.uniform(0.1, 0.9)) * W / 8, 600, st.rng.uniform(120, 200), pine_colour, WHITE)
    if st.rng.random() < 0.6:
        cabin(st, st.free_x(140, 1060), 610)


def snow_ground(st: Stage) -> None:
    soil(st, mix(st.pal.ground, st.pal.sky, 0.12 + st.light.dusk * 0.2))
    with st.s.group(fill=mix(st.pal.ground, st.pal.dark, 0.2), fill_opacity=0.35):
        for i in range(6):  # footprints leading to the hero
            st.s.ellipse(st.hero_x + 70 + i * 40, 780 - i * 12, 6, 4, None)


def snow_air(st: Stage) -> None:
    with st.s.group(fill=WHITE, fill_opacity=0.85):
        for _ in range(40):
            st.s.circle(st.rng.uniform(0, W), st.rng.uniform(0, H), st.rng.uniform(2, 5), None)


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


# --- Cities of towers and gears -----------------------------------------------------


def city_far(st: Stage) -> None:
    s = st.s
    window = LAMP if st.lit else mix(st.far, st.pal.dark, 0.25)
    roof = mix(st.far, st.pal.dark, 0.15)
    x = -20.0
    while x < W:
        w, h = st.rng.uniform(60, 110), st.rng.uniform(90, 200)
        s.rect(x, 520 - h, w, h + 80, st.far)
        s.polygon([(x - 6, 522 - h), (x + w / 2, 522 - h - w * 0.4), (x + w + 6, 522 - h)], roof)
        for _ in range(2):
            s.rect(x + st.rng.uniform(10, w - 24), 540 - h + st.rng.uniform(0, h - 40), 12, 16, window, rx=6)
        x += w + st.rng.uniform(4, 20)


def clock_tower(st: Stage, x: float) -> None:
    s = st.s
    with s.at(x, 610):
        s.rect(-45, -300, 90, 300, mix(st.mid, st.pal.dark, 0.15))
        s.polygon([(-58, -296), (0, -390), (58, -296)], mix(st.pal.accent, st.pal.dark, 0.2))
        s.circle(0, -230, 34, st.pal.light, stroke=mix(st.pal.accent, st.pal.dark, 0.3), stroke_width=6)
        s.path("M 0 -252 L 0 -230 L 16 -222", "none", stroke=st.pal.dark, stroke_width=4, stroke_linecap="round")


def airship(st: Stage, x: float, y: float) -> None:
    s = st.s
    with s.at(x, y):
        s.ellipse(0, 0, 110, 40, st.pal.accent, stroke=st.pal.dark, stroke_width=3)
        stripes = "M -60 -38 Q -46 0 -60 38 M 0 -38 Q 14 0 0 38 M 60 -38 Q 74 0 60 38"
        s.path(stripes, "none", stroke=st.pal.light, stroke_width=8, stroke_opacity=0.7)
        s.path("M -30 38 L -24 58 M 30 38 L 24 58", "none", stroke=st.pal.dark, stroke_width=2)
        s.rect(-34, 56, 68, 18, WOOD, rx=6, stroke=st.pal.dark, stroke_width=2)


def city_mid(st: Stage) -> None:
    s = st.s
    hill(st, 580, 8, st.mid, 300)
    clock_tower(st, W - st.landmark_x + st.rng.uniform(-30, 30))
    gx, gy = st.free_x(300, 600, 900) + st.rng.uniform(-40, 40), 470
    s.path(gear(gx, gy, 60, 10), mix(st.pal.accent, st.mid, 0.3), stroke=st.pal.dark, stroke_width=3)
    s.circle(gx, gy, 20, st.mid, stroke=st.pal.dark, stroke_width=3)
    s.path(gear(gx + 78, gy + 36, 34, 7), mix("#e3b04b", st.mid, 0.3), stroke=st.pal.dark, stroke_width=3)
    airship(st, st.rng.uniform(300, 900), st.rng.uniform(140, 220))


def lamp_post(st: Stage, x: float, y: float) -> None:
    s = st.s
    with s.at(x, y):
        if st.lit:
            s.circle(0, -120, 55, s.glow(LAMP, 0.6))
        s.rect(-4, -118, 8, 118, st.pal.dark, rx=3)
        s.rect(-12, -140, 24, 26, "#ffe9a8", rx=6, stroke=st.pal.dark, stroke_width=4)


def city_ground(st: Stage) -> None:
    soil(st)
    with st.s.group(fill=mix(st.near, st.pal.light, 0.15), fill_opacity=0.5):
        for _ in range(26):  # cobbles
            st.s.rect(st.rng.uniform(20, W - 40), st.rng.uniform(640, 790), 26, 12, None, rx=5)
    lamp_post(st, st.rng.choice((st.hero_x - 170, st.hero_x + 170)), 700)


def city_air(st: Stage) -> None:
    cloud(st.s, st.rng.uniform(200, 1000), st.rng.uniform(300, 380), 0.5, WHITE, 0.6)  # a puff of steam
    birds(st, 2)


# --- Libraries: shelves for mountains -----------------------------------------------

BOOK_COLOURS = ("#e63946", "#f4a261", "#2a9d8f", "#e9c46a", "#457b9d", "#8e7dbe", "#6a994e")


def shelf(st: Stage, x: float, w: float, top: float) -> None:
    s = st.s
    wood = mix("#6b3f26", st.pal.dark, 0.25)
    s.rect(x, top, w, 640 - top, wood)
    y = top + 14
    while y + 86 < 640:
        bx = x + 10
        while bx < x + w - 22:
            bw, bh = st.rng.uniform(12, 22), st.rng.uniform(50, 72)
            spine = mix(st.rng.choice(BOOK_COLOURS), st.pal.dark, 0.2 + st.light.dusk * 0.2)
            s.rect(bx, y + 78 - bh, bw, bh, spine)
            bx += bw + 2
        s.rect(x, y + 78, w, 10, darken(wood, 0.25))
        y += 86


def library_far(st: Stage) -> None:
    shelf(st, -20, 330, 60)
    shelf(st, W - 310, 330, 60)


def book_stack(st: Stage, x: float, y: float, n: int) -> None:
    for i in range(n):
        w = st.rng.uniform(110, 150)
        colour = st.rng.choice(BOOK_COLOURS)
        st.s.rect(
            x - w / 2 + st.rng.uniform(-10, 10),
            y - (i + 1) * 26,
            w,
            24,
            colour,
            rx=4,
            stroke=st.pal.dark,
            stroke_width=2,
        )


def ladder(st: Stage, x: float) -> None:
    """A rolling ladder leaning on a shelf."""
    rungs = " ".join(f"M {40 * (i * 52) / 460:.0f} {-i * 52} l 50 0" for i in range(1, 9))
    with st.s.at(x, 640, stroke=WOOD, stroke_width=8, stroke_linecap="round"):
        st.s.path(f"M 0 0 L 40 -460 M 50 0 L 90 -460 {rungs}", "none")


def library_mid(st: Stage) -> None:
    st.s.rect(0, 600, W, 40, mix(st.pal.ground, st.pal.dark, 0.3))
    book_stack(st, st.rng.uniform(380, 480), 640, st.rng.randint(3, 5))
    book_stack(st, st.rng.uniform(720, 820), 640, st.rng.randint(2, 4))
    ladder(st, st.rng.choice((300, 880)))


def library_ground(st: Stage) -> None:
    s = st.s
    s.rect(0, 630, W, 170, st.near)
    with s.group(stroke=mix(st.near, st.pal.dark, 0.3), stroke_width=2):
        for y in range(660, 800, 34):  # floorboards
            s.line(0, y, W, y, None, None)
    rug = mix(st.pal.accent, st.pal.dark, 0.25)
    s.ellipse(st.hero_x + 60, 720, 330, 58, rug, stroke=st.pal.accent, stroke_width=6)


def library_air(st: Stage) -> None:
    s = st.s
    for _ in range(5):  # pages fluttering like birds
        x, y, k = st.rng.uniform(320, 880), st.rng.uniform(120, 420), st.rng.uniform(0.8, 1.3)
        with s.at(x, y, k):
            s.path(
                "M 0 0 L -24 -14 L -20 10 Z M 0 0 L 24 -14 L 20 10 Z",
                st.pal.light,
                stroke=st.pal.dark,
                stroke_width=1.5,
            )
    glow_dots(st, LAMP, 10, 100, 600, 2)
    for x in (420, 780):  # hanging lamps
        with s.at(x, 0):
            s.line(0, 0, 0, 90, st.pal.dark, 3)
            s.circle(0, 110, 70, s.glow(LAMP, 0.5))
            s.path("M -26 112 Q 0 76 26 112 Z", st.pal.accent, stroke=st.pal.dark, stroke_width=3)


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


# --- Which scenery fits a world ---------------------------------------------------

Painter = Callable[[Stage], None]


@dataclass(frozen=True)
class Scenery:
    name: str
    words: str  # a regex of the words that call for this scenery
    far: Painter
    mid: Painter
    ground: Painter
    air: Painter
    indoor: bool = False  # the sky is seen through a window
    underwater: bool = False
    space: bool = False
    clouds: bool = True


# fmt: off
SCENERIES = (
    Scenery("underwater", r"underwater|undersea|coral|reef|kelp|merfolk|mermaids?|seabed|deep|pearl|submarine|divers?",
            sea_far, sea_mid, sea_ground, sea_air, underwater=True, clouds=False),
    Scenery("coast", r"sea|harbou?r|beach|coast|waves?|lighthouse|port|shore|sail\w*|tide",
            coast_far, coast_mid, coast_ground, coast_air),
    Scenery("desert", r"desert|dunes?|sand|oasis|cactus|caravans?|camels?|glass",
            desert_far, desert_mid, desert_ground, desert_air),
    Scenery("snow", r"snow\w*|ice|icy|frost\w*|winter|glaciers?|sled\w*|arctic|polar|northern lights|mountains?",
            snow_far, snow_mid, snow_ground, snow_air),
    Scenery("sky", r"sky|skies|clouds?|cirrus|isles?|floating|balloons?|kites?|rainbows?|airy",
            sky_far, sky_mid, sky_ground, sky_air),
    Scenery("space", r"space|moon\w*|lunar|planets?|rockets?|astronauts?|craters?|orbit|galaxy|station|"
                     r"spacesuits?|comets?",
            space_far, space_mid, space_ground, space_air, space=True, clouds=False),
    Scenery("city", r"city|town|clocks?|towers?|gears?|cogs?|steam|brass|copper|factory|rooftops?|streets?|automatons?",
            city_far, city_mid, city_ground, city_air),
    Scenery("library", r"librar\w*|books?|shel(?:f|ves)|pages?|reading|ink\w*|scrolls?",
            library_far, library_mid, library_ground, library_air, indoor=True, clouds=False),
    Scenery("jungle", r"jungle|insects?|ants?|beetles?|bees?|butterfl\w*|dewdrops?|dragonfl\w*|garden",
            jungle_far, jungle_mid, jungle_ground, jungle_air),
    Scenery("valley", r"dinosaurs?|dino|valley|volcano\w*|ferns?|prehistoric|pterosaurs?|fossils?",
            valley_far, valley_mid, valley_ground, valley_air),
    Scenery("forest", r"forest|woods?|woodland|grove|trees?|oak|mushrooms?|moss\w*",
            forest_far, forest_mid, forest_ground, forest_air),
)
# fmt: on
HILLS = Scenery("hills", "", hills_far, hills_mid, hills_ground, hills_air)
_WORDS = {scenery.name: re.compile(rf"\b(?:{scenery.words})\b", re.IGNORECASE) for scenery in SCENERIES}


def choose_scenery(weighted_texts: list[tuple[str, int]]) -> Scenery:
    """The scenery whose words the world uses most (each text counted `weight` times);
    rolling hills when none of them fits."""
    best, best_score = HILLS, 0
    for scenery in SCENERIES:
        score = sum(weight * len(_WORDS[scenery.name].findall(text)) for text, weight in weighted_texts)
        if score > best_score:
            best, best_score = scenery, score
    return best
