"""Emblems for agency options: a compass, an owl, a flute... drawn as friendly stickers.

Each emblem draws itself in a 100 x 100 box centred on (0, 0), inside a group that the
caller has moved, scaled and given a dark outline, so the same owl can fill an agency
card or sit at the hero's feet in a chapter scene.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .svg import Palette, Svg, d, gear, lighten, mix, ring, sparkle

BRASS = "#e3b04b"
SILVER = "#c9d3de"
WOOD = "#a0673a"
PAPER = "#fbf0d4"
LEAF = "#5fb35a"
PINK = "#f6a5c0"
WHITE = "#ffffff"

Emblem = Callable[[Svg, Palette], None]


def _eyes(s: Svg, x: float, y: float, gap: float, r: float, colour: str) -> None:
    """Two round eyes with a shine: all the face a friendly creature needs."""
    for ex in (x - gap, x + gap):
        s.circle(ex, y, r, colour, stroke="none")
        s.circle(ex + r * 0.35, y - r * 0.35, r * 0.35, WHITE, stroke="none")


def _note(s: Svg, x: float, y: float, colour: str) -> None:
    s.ellipse(x, y, 5, 3.8, colour, transform=f"rotate(-20 {x} {y})")
    s.path(d("M", x + 4.5, y, "L", x + 4.5, y - 18, "Q", x + 12, y - 14, x + 12, y - 8), "none", stroke=colour)


def compass(s: Svg, p: Palette) -> None:
    s.circle(0, -40, 6, "none", stroke_width=4, stroke=BRASS)
    s.circle(0, 0, 38, s.radial([(0, lighten(BRASS, 0.4)), (1, mix(BRASS, p.dark, 0.25))], 0.4, 0.35, 0.7))
    s.circle(0, 0, 29, p.light)
    for x1, y1, x2, y2 in ((0, -29, 0, -22), (0, 29, 0, 22), (-29, 0, -22, 0), (29, 0, 22, 0)):
        s.line(x1, y1, x2, y2, p.dark)
    s.path(sparkle(-13, -12, 4), BRASS, stroke="none")
    s.path(sparkle(14, 12, 3), BRASS, stroke="none")
    s.polygon([(0, -24), (6, 0), (-6, 0)], p.accent)
    s.polygon([(0, 24), (6, 0), (-6, 0)], mix(p.dark, p.light, 0.45))
    s.circle(0, 0, 3, BRASS)


def lantern(s: Svg, p: Palette) -> None:
    s.circle(0, 0, 52, s.glow(p.light, 0.7), stroke="none")
    s.path("M -12 -36 Q 0 -54 12 -36", "none", stroke_width=4)
    s.path("M -20 -28 L 20 -28 L 13 -40 L -13 -40 Z", mix(BRASS, p.dark, 0.2))
    s.rect(-21, -28, 42, 52, s.radial([(0, WHITE), (0.5, "#ffe08a"), (1, "#ffb84d")]), rx=10)
    s.path("M 0 -14 Q 11 2 0 12 Q -11 2 0 -14 Z", "#ff8f3a", stroke="none")
    s.path("M 0 -4 Q 5 4 0 9 Q -5 4 0 -4 Z", "#fff3b0", stroke="none")
    s.rect(-24, 24, 48, 10, mix(BRASS, p.dark, 0.2), rx=4)


def key(s: Svg, p: Palette) -> None:
    s.circle(-24, 0, 30, s.glow(p.light, 0.6), stroke="none")
    for i in range(8):  # the bow is a little sun, so the key looks kind
        s.polygon([(-24, -26), (-20, -16), (-28, -16)], BRASS, transform=f"rotate({i * 45} -24 0)")
    s.path(ring(-24, 0, 17, 7), BRASS, fill_rule="evenodd")
    s.rect(-7, -5, 50, 10, SILVER, rx=4)
    s.rect(28, 5, 7, 13, SILVER, rx=2)
    s.rect(38, 5, 6, 9, SILVER, rx=2)


def scroll_map(s: Svg, p: Palette) -> None:
    s.path("M -38 -28 Q -19 -34 0 -28 Q 19 -22 38 -28 L 38 28 Q 19 22 0 28 Q -19 34 -38 28 Z", PAPER)
    s.rect(-46, -32, 12, 64, mix(PAPER, WOOD, 0.35), rx=6)
    s.rect(34, -32, 12, 64, mix(PAPER, WOOD, 0.35), rx=6)
    s.polygon([(-24, -2), (-16, -16), (-8, -2)], mix(LEAF, p.dark, 0.2), stroke_width=1.5)
    s.circle(12, 14, 6, LEAF, stroke_width=1.5)
    s.path("M -26 20 Q -8 -2 4 8 Q 16 18 22 -10", "none", stroke=p.accent, stroke_dasharray="5 5")
    s.path("M 18 -18 L 28 -8 M 28 -18 L 18 -8", "none", stroke=p.accent, stroke_width=3.5)


def book(s: Svg, p: Palette) -> None:
    s.path("M 0 -16 Q -24 -26 -48 -18 L -48 32 Q -24 24 0 34 Q 24 24 48 32 L 48 -18 Q 24 -26 0 -16 Z", p.accent)
    s.path("M 0 -20 Q -22 -32 -43 -24 L -43 25 Q -22 18 0 28 Z", PAPER)
    s.path("M 0 -20 Q 22 -32 43 -24 L 43 25 Q 22 18 0 28 Z", lighten(PAPER, 0.4))
    for y in (-10, -1, 8):
        for side in (-1, 1):
            s.path(
                d("M", side * 8, y, "Q", side * 22, y - 6, side * 35, y - 3),
                "none",
                stroke=mix(p.dark, PAPER, 0.55),
                stroke_width=2,
            )
    s.path(sparkle(-26, -40, 7), p.light, stroke_width=1.5)
    s.path(sparkle(22, -44, 5), BRASS, stroke_width=1.5)


def scarf(s: Svg, p: Palette) -> None:
    wave = "M -44 20 Q -30 -30 -6 -6 Q 16 16 30 -22 Q 38 -40 46 -30"
    s.path(wave, "none", stroke=p.dark, stroke_width=22)
    s.path(wave, "none", stroke="#e84a4a", stroke_width=17)
    s.path(wave, "none", stroke="#ffd23f", stroke_width=17, stroke_dasharray="7 21", stroke_linecap="butt")
    s.path(
        wave,
        "none",
        stroke="#3a86ff",
        stroke_width=17,
        stroke_dasharray="7 21",
        stroke_dashoffset=14,
        stroke_linecap="butt",
    )
    for x in (-50, -44, -38):
        s.line(x + 2, 28, x - 2, 40, "#e84a4a", 3)


def boots(s: Svg, p: Palette) -> None:
    for dx, dy, shade in ((14, -4, 0.2), (-10, 6, 0.0)):
        with s.at(dx, dy):
            s.path("M -16 -34 L 6 -34 L 6 6 Q 30 8 34 22 L 34 28 L -18 28 Z", mix("#ff8c2b", p.dark, shade))
            s.rect(-20, 26, 56, 8, p.dark, rx=4)
            s.path("M -18 -6 Q -36 -16 -40 -2 Q -30 -4 -28 4 Q -22 0 -18 4 Z", WHITE)  # a little wing


def seashell(s: Svg, p: Palette) -> None:
    s.circle(0, 0, 50, s.glow(PINK, 0.6), stroke="none")
    s.path("M 0 34 L -38 -4 A 40 40 0 0 1 38 -4 Z", PINK)
    for x, y in ((-28, -22), (-12, -34), (4, -36), (20, -30), (32, -16)):
        s.line(0, 34, x, y, mix(PINK, p.dark, 0.3), 2)
    s.rect(-10, 28, 20, 10, mix(PINK, p.dark, 0.15), rx=3)


def umbrella(s: Svg, p: Palette) -> None:
    s.line(0, -36, 0, -46, p.dark, 4)
    s.path("M -46 0 A 46 38 0 0 1 46 0 Q 34 -8 23 0 Q 11 -8 0 0 Q -11 -8 -23 0 Q -34 -8 -46 0 Z", "#ffd23f")
    for cx in (-22, 4, 24):
        s.ellipse(cx, -18, 9, 5, WHITE, stroke="none")
    s.path("M 0 0 L 0 36 Q 0 46 -8 46 Q -15 46 -15 38", "none", stroke=WOOD, stroke_width=5)


def owl(s: Svg, p: Palette) -> None:
    brown = "#9c6b3f"
    s.polygon([(-26, -20), (-24, -44), (-8, -30)], brown)
    s.polygon([(26, -20), (24, -44), (8, -30)], brown)
    s.ellipse(0, 8, 32, 38, brown)
    s.ellipse(-30, 12, 9, 20, mix(brown, p.dark, 0.2), transform="rotate(15 -30 12)")
    s.ellipse(30, 12, 9, 20, mix(brown, p.dark, 0.2), transform="rotate(-15 30 12)")
    s.ellipse(0, 18, 19, 24, "#edd3ab", stroke="none")
    for ex in (-12, 12):
        s.circle(ex, -12, 11, WHITE)
        s.circle(ex, -12, 7, "#f5a623", stroke="none")
    _eyes(s, 0, -12, 12, 3.5, p.dark)
    s.polygon([(-4, -3), (4, -3), (0, 5)], "#f08a24", stroke_width=1.5)
    s.ellipse(-9, 46, 7, 3.5, "#f08a24", stroke_width=1.5)
    s.ellipse(9, 46, 7, 3.5, "#f08a24", stroke_width=1.5)
    s.circle(20, 30, 6, BRASS, stroke_width=1.5)


def dragon(s: Svg, p: Palette) -> None:
    green = "#6cc070"
    s.path("M 18 32 Q 48 40 42 16 Q 40 6 48 2", "none", stroke=green, stroke_width=9)
    wing = "M 12 6 Q 40 -28 46 -6 Q 36 -8 34 2 Q 26 -2 20 10 Z"
    s.path(wing, lighten(green, 0.3))
    s.path(wing, lighten(green, 0.3), transform="scale(-1 1)")
    s.ellipse(0, 24, 25, 22, green)
    s.ellipse(0, 29, 14, 15, "#fbe7a1", stroke="none")
    s.polygon([(-12, -34), (-8, -46), (-3, -34)], "#fbe7a1")
    s.polygon([(12, -34), (8, -46), (3, -34)], "#fbe7a1")
    s.circle(0, -18, 20, green)
    s.ellipse(0, -9, 13, 9, lighten(green, 0.35), stroke="none")
    s.circle(-4, -9, 1.8, p.dark, stroke="none")
    s.circle(4, -9, 1.8, p.dark, stroke="none")
    _eyes(s, 0, -23, 8, 3.6, p.dark)
    for x, y, r in ((-26, -30, 6), (-36, -16, 4), (24, -38, 5)):
        s.path(sparkle(x, y, r), p.light if r > 4 else BRASS, stroke_width=1.2)


def tortoise(s: Svg, p: Palette) -> None:
    skin = "#b9c77e"
    for x in (-26, -8, 14, 30):
        s.ellipse(x, 24, 7, 9, skin)
    s.circle(40, 2, 13, skin)
    s.circle(36, 0, 5, "none", stroke_width=2)
    s.circle(46, 0, 5, "none", stroke_width=2)
    s.circle(36, 0, 1.6, p.dark, stroke="none")
    s.circle(46, 0, 1.6, p.dark, stroke="none")
    s.path("M -40 18 Q -38 -30 0 -30 Q 38 -30 40 18 Z", "#7c9d4a")
    for x, y in ((-20, 0), (0, -12), (20, 0), (0, 10)):
        s.circle(x, y, 8, "#a7c46a", stroke_width=1.5)
    s.rect(-44, 14, 88, 9, mix("#7c9d4a", p.dark, 0.25), rx=4)


def mouse(s: Svg, p: Palette) -> None:
    grey = "#a9acb8"
    s.path("M 22 30 Q 48 36 40 10", "none", stroke=PINK, stroke_width=3)
    s.path("M -8 -6 L -30 40 L 30 40 L 8 -6 Z", "#e84a4a")
    s.ellipse(0, 20, 21, 22, grey)
    for ex in (-17, 17):
        s.circle(ex, -30, 12, grey)
        s.circle(ex, -30, 7, PINK, stroke="none")
    s.circle(0, -14, 18, grey)
    _eyes(s, 0, -17, 7, 3, p.dark)
    s.circle(0, -6, 3.5, PINK)
    for side in (-1, 1):
        s.line(side * 5, -5, side * 22, -9, p.dark, 1.2)
        s.line(side * 5, -4, side * 22, -1, p.dark, 1.2)
    s.rect(10, 14, 14, 8, PAPER, rx=4, transform="rotate(-20 17 18)")


def robot(s: Svg, p: Palette) -> None:
    s.line(0, -40, 0, -48, p.dark, 3)
    s.circle(0, -49, 5, p.accent)
    s.rect(-22, 2, 44, 38, mix(SILVER, p.dark, 0.15), rx=8)
    s.circle(0, 20, 7, p.accent)
    s.rect(-34, 6, 10, 24, SILVER, rx=5)
    s.rect(24, 6, 10, 24, SILVER, rx=5)
    s.rect(-28, -40, 56, 40, SILVER, rx=12)
    for ex in (-11, 11):
        s.circle(ex, -24, 8, WHITE)
        s.circle(ex, -24, 5, "#3a86ff", stroke="none")
        s.circle(ex + 2, -26, 1.6, WHITE, stroke="none")
    for i, x in enumerate((-10, -5, 0, 5, 10)):
        s.circle(x, -10 + (2 if i in (1, 3) else 3 if i == 2 else 0), 1.8, "#ffd23f", stroke="none")


def otter(s: Svg, p: Palette) -> None:
    brown = "#8b5a3c"
    s.path("M 12 40 Q 44 44 40 20", "none", stroke=brown, stroke_width=9)
    s.ellipse(0, 14, 21, 32, brown)
    s.ellipse(0, 18, 13, 24, "#d9b48f", stroke="none")
    s.circle(-13, -36, 5, brown)
    s.circle(13, -36, 5, brown)
    s.circle(0, -24, 17, brown)
    s.ellipse(0, -18, 10, 7, "#d9b48f", stroke="none")
    s.ellipse(0, -21, 3.5, 2.5, p.dark, stroke="none")
    _eyes(s, 0, -28, 7, 2.8, p.dark)
    for side in (-1, 1):
        s.line(side * 6, -18, side * 20, -21, p.dark, 1)
    s.ellipse(0, 2, 10, 7, "#8e9aaf")
    s.ellipse(-8, 4, 5, 4, brown)
    s.ellipse(8, 4, 5, 4, brown)


def dog(s: Svg, p: Palette) -> None:
    gold = "#e0b25a"
    s.ellipse(0, 34, 24, 14, gold)
    s.polygon([(-20, 16), (20, 16), (0, 38)], "#3a86ff")
    s.circle(0, -6, 26, gold)
    s.ellipse(-26, -2, 9, 19, mix(gold, p.dark, 0.3), transform="rotate(22 -26 -2)")
    s.path("M 14 -26 L 28 -40 L 30 -16 Z", mix(gold, p.dark, 0.3))
    s.ellipse(0, 8, 14, 10, "#f8e6c2", stroke="none")
    s.ellipse(0, 2, 6, 4, p.dark, stroke="none")
    s.path("M -3 14 Q 0 22 3 14", "#f48fb1", stroke_width=1.5)
    _eyes(s, 0, -12, 10, 3.5, p.dark)


def firefly(s: Svg, p: Palette) -> None:
    s.circle(14, 8, 40, s.glow("#e8ff7a", 0.8), stroke="none")
    s.ellipse(-4, -10, 12, 22, lighten(p.light, 0.3), fill_opacity=0.7, transform="rotate(-40 -4 -10)")
    s.ellipse(8, -12, 12, 22, lighten(p.light, 0.3), fill_opacity=0.7, transform="rotate(30 8 -12)")
    s.ellipse(16, 10, 16, 12, "#d9f36b")
    s.ellipse(-2, 2, 11, 10, "#4a4e69")
    s.circle(-16, -4, 9, "#4a4e69")
    s.path("M -20 -12 Q -26 -28 -34 -30", "none", stroke_width=2)
    s.circle(-35, -30, 2.5, p.dark)
    s.circle(-13, -6, 2.2, WHITE, stroke="none")
    _note(s, 28, -26, p.dark)
    _note(s, 40, -40, p.dark)


def fox(s: Svg, p: Palette) -> None:
    orange = "#f08a3c"
    s.path("M 20 40 Q 52 36 46 4 Q 30 20 10 30 Z", orange)
    s.path("M 46 4 Q 44 14 36 18 Q 44 16 46 4 Z", WHITE)
    s.ellipse(0, 28, 22, 18, orange)
    s.path("M -30 -16 L -24 -44 L -8 -26 Q 0 -28 8 -26 L 24 -44 L 30 -16 Q 28 8 0 18 Q -28 8 -30 -16 Z", orange)
    s.path("M -26 -6 Q -12 0 0 18 Q 12 0 26 -6 Q 24 10 0 18 Q -24 10 -26 -6 Z", WHITE, stroke="none")
    s.circle(0, 14, 4, p.dark, stroke="none")
    _eyes(s, 0, -10, 11, 3.4, p.dark)


def cat(s: Svg, p: Palette) -> None:
    ginger = "#f2a65a"
    s.path("M 18 40 Q 46 40 40 12", "none", stroke=ginger, stroke_width=8)
    s.ellipse(0, 28, 22, 18, ginger)
    s.path("M -28 -6 L -26 -40 L -8 -26 L 8 -26 L 26 -40 L 28 -6 Q 26 16 0 18 Q -26 16 -28 -6 Z", ginger)
    s.path("M -3 4 L 3 4 L 0 8 Z", PINK, stroke_width=1)
    for side in (-1, 1):
        s.line(side * 6, 8, side * 28, 4, p.dark, 1.2)
        s.line(side * 6, 10, side * 28, 14, p.dark, 1.2)
    _eyes(s, 0, -8, 10, 3.6, p.dark)


def bird(s: Svg, p: Palette) -> None:
    s.path("M -24 10 L -46 0 L -42 18 Z", lighten(p.accent, 0.5))
    s.ellipse(-2, 10, 28, 20, WHITE)
    s.path("M -14 4 Q 6 -20 20 8 Q 4 14 -14 4 Z", lighten(SILVER, 0.5))
    s.circle(22, -10, 14, WHITE)
    s.polygon([(34, -12), (46, -8), (34, -4)], "#f5a623")
    s.circle(25, -13, 2.6, p.dark, stroke="none")
    s.path("M 44 -8 Q 48 6 38 16", "none", stroke=LEAF, stroke_width=2.5)
    s.ellipse(44, 6, 5, 2.6, LEAF, stroke_width=1, transform="rotate(60 44 6)")
    s.ellipse(40, 14, 5, 2.6, LEAF, stroke_width=1, transform="rotate(30 40 14)")


def fish(s: Svg, p: Palette) -> None:
    s.path("M 18 0 L 40 -16 L 36 0 L 40 16 Z", lighten(p.accent, 0.2))
    s.ellipse(-6, 0, 30, 19, p.accent)
    s.path("M -2 -18 Q 2 0 -2 18", "none", stroke=lighten(p.accent, 0.5), stroke_width=5)
    s.circle(-22, -4, 4, p.dark, stroke="none")
    s.circle(-21, -5, 1.4, WHITE, stroke="none")
    for x, y, r in ((-40, -24, 5), (-34, -38, 7), (-44, -46, 4)):
        s.circle(x, y, r, lighten(p.light, 0.4), fill_opacity=0.5, stroke=p.light)


def star(s: Svg, p: Palette) -> None:
    s.circle(0, 0, 50, s.glow(p.light, 0.7), stroke="none")
    s.path("M 0 -40 L 11 -14 L 39 -12 L 18 6 L 24 34 L 0 20 L -24 34 L -18 6 L -39 -12 L -11 -14 Z", "#ffd23f")


def feather(s: Svg, p: Palette) -> None:
    s.path("M 32 -44 Q -16 -34 -24 26 Q 12 4 32 -44 Z", lighten(p.accent, 0.45))
    s.path("M 32 -44 Q 0 -10 -30 40", "none", stroke_width=2.5)
    for t in range(4):
        s.line(-4 + t * 8, -4 - t * 10, 10 + t * 6, -2 - t * 10, mix(p.accent, p.dark, 0.3), 1.5)
    s.circle(-34, 42, 4, p.dark, stroke="none")


def shield(s: Svg, p: Palette) -> None:
    s.path("M 0 -42 L 36 -30 L 32 10 Q 24 34 0 44 Q -24 34 -32 10 L -36 -30 Z", p.accent)
    s.path("M 0 -30 L 24 -22 L 21 8 Q 15 26 0 33 Q -15 26 -21 8 L -24 -22 Z", lighten(p.accent, 0.5), stroke="none")
    s.path(sparkle(0, 0, 16), BRASS, stroke_width=1.5)


def crown(s: Svg, p: Palette) -> None:
    s.path("M -40 24 L -44 -22 L -20 0 L 0 -34 L 20 0 L 44 -22 L 40 24 Z", BRASS)
    s.rect(-42, 20, 84, 12, mix(BRASS, p.dark, 0.2), rx=4)
    for x, y, c in ((-44, -24, p.accent), (0, -36, "#3a86ff"), (44, -24, p.accent), (0, 8, "#e84a4a")):
        s.circle(x, y, 5, c)


def brush(s: Svg, p: Palette) -> None:
    s.path("M -44 34 Q -10 10 20 36 Q 34 46 44 30", "none", stroke=p.accent, stroke_width=9)
    s.rect(-6, -50, 12, 58, WOOD, rx=5, transform="rotate(35 0 0)")
    s.rect(-7, 6, 14, 12, SILVER, transform="rotate(35 0 0)")
    s.path("M -7 18 Q 0 40 7 18 Z", p.accent, transform="rotate(35 0 0)")


def flute(s: Svg, p: Palette) -> None:
    s.rect(-48, -7, 96, 14, WOOD, rx=7, transform="rotate(-25)")
    for x in (-20, -6, 8, 22):
        s.circle(x, 0, 3, p.dark, stroke="none", transform="rotate(-25)")
    _note(s, -22, -24, p.accent)
    _note(s, 8, -38, p.accent)
    _note(s, 30, 30, p.accent)


def wings(s: Svg, p: Palette) -> None:
    for side in (-1, 1):
        for i, (rx, ry) in enumerate(((30, 10), (26, 9), (20, 8))):
            y = -14 + i * 14
            s.ellipse(
                side * (6 + rx), y, rx, ry, mix(WHITE, p.sky, 0.25), transform=f"rotate({side * (-20 + i * 15)} 0 {y})"
            )
    s.circle(0, 0, 8, BRASS)


def sprout(s: Svg, p: Palette) -> None:
    s.ellipse(0, 38, 36, 9, mix(WOOD, p.dark, 0.2))
    s.path("M 0 36 Q -4 10 0 -14", "none", stroke=LEAF, stroke_width=5)
    s.path("M 0 18 Q -30 18 -34 -2 Q -10 -4 0 18 Z", LEAF)
    s.path("M 0 6 Q 28 8 32 -12 Q 8 -14 0 6 Z", lighten(LEAF, 0.2))
    for i in range(6):
        s.ellipse(0, -30, 7, 12, p.accent, transform=f"rotate({i * 60} 0 -20)")
    s.circle(0, -20, 7, "#ffd23f")


def healing_leaf(s: Svg, p: Palette) -> None:
    s.path("M -36 36 Q -40 -30 36 -40 Q 36 30 -36 36 Z", LEAF)
    s.path("M -36 36 Q 0 0 30 -34", "none", stroke=lighten(LEAF, 0.5), stroke_width=3)
    s.path("M 14 14 Q 14 4 22 6 Q 30 4 30 14 Q 30 22 22 30 Q 14 22 14 14 Z", "#ff6b8b", stroke_width=2)


def magnifier(s: Svg, p: Palette) -> None:
    s.rect(10, -6, 40, 12, WOOD, rx=6, transform="rotate(45 0 0)")
    s.circle(-12, -12, 28, s.radial([(0, WHITE, 0.9), (1, lighten(p.sky, 0.3), 0.7)]), stroke=BRASS, stroke_width=7)
    s.path("M -28 -18 Q -24 -28 -14 -30", "none", stroke=WHITE, stroke_width=4)
    s.path(sparkle(-8, -8, 7), p.accent, stroke="none")


def spyglass(s: Svg, p: Palette) -> None:
    with s.group(transform="rotate(-30)"):
        s.rect(-46, -8, 30, 16, BRASS, rx=3)
        s.rect(-18, -11, 30, 22, mix(BRASS, WOOD, 0.4), rx=3)
        s.rect(10, -14, 34, 28, BRASS, rx=4)
        s.ellipse(44, 0, 4, 14, lighten(p.sky, 0.5))
    s.path(sparkle(30, -40, 7), p.light, stroke_width=1.2)


def binoculars(s: Svg, p: Palette) -> None:
    for x in (-20, 20):
        s.rect(x - 14, -20, 28, 46, mix(LEAF, p.dark, 0.4), rx=10)
        s.circle(x, 26, 13, lighten(p.sky, 0.4))
        s.circle(x - 4, 22, 4, WHITE, stroke="none")
    s.rect(-8, -10, 16, 14, SILVER, rx=3)


def acorn(s: Svg, p: Palette) -> None:
    s.path("M -26 -4 Q -26 40 0 44 Q 26 40 26 -4 Z", "#c98b4b")
    s.path("M -32 -2 Q -30 -30 0 -30 Q 30 -30 32 -2 Z", "#7a5230")
    for x in (-18, -6, 6, 18):
        s.line(x, -26, x + 6, -4, mix("#7a5230", WHITE, 0.3), 1.5)
    s.path("M 0 -30 Q 2 -42 10 -44", "none", stroke_width=4)
    s.path("M -14 8 Q -14 26 -4 34", "none", stroke=lighten("#c98b4b", 0.4), stroke_width=4)


def moon(s: Svg, p: Palette) -> None:
    """A crescent moon in its own patch of night sky: seeing in the dark."""
    s.circle(0, 0, 44, mix("#1d3557", p.dark, 0.3))
    s.path("M 10 -32 A 33 33 0 1 0 10 32 A 24 24 0 1 1 10 -32 Z", "#ffe66d")
    for x, y, r in ((22, -18, 7), (28, 10, 5), (12, 26, 4)):
        s.path(sparkle(x, y, r), WHITE, stroke="none")


def bubbles(s: Svg, p: Palette) -> None:
    fish(s, p)
    for x, y, r in ((30, -34, 9), (16, -44, 5), (40, 34, 7)):
        s.circle(x, y, r, lighten(p.light, 0.4), fill_opacity=0.5, stroke=p.light)


def speech(s: Svg, p: Palette) -> None:
    s.path(
        "M -46 -34 L 8 -34 Q 14 -34 14 -28 L 14 -4 Q 14 2 8 2 L -22 2 L -32 14 L -30 2 L -40 2 Q -46 2 -46 -4 Z", WHITE
    )
    s.circle(-16, -14, 6, p.accent, stroke="none")
    for x, y in ((-26, -22), (-16, -26), (-6, -22)):
        s.circle(x, y, 3, p.accent, stroke="none")
    s.path(
        "M 46 0 L -2 0 Q -8 0 -8 6 L -8 28 Q -8 34 -2 34 L 26 34 L 36 46 L 34 34 L 40 34 Q 46 34 46 28 Z",
        lighten(p.light, 0.3),
    )
    _note(s, 14, 22, p.dark)
    s.path("M 28 14 Q 28 8 32 9 Q 36 8 36 14 Q 36 18 32 22 Q 28 18 28 14 Z", "#ff6b8b", stroke="none")


def orb(s: Svg, p: Palette) -> None:
    s.circle(0, 0, 50, s.glow(p.light, 0.9), stroke="none")
    for i in range(8):
        s.line(0, -30, 0, -44, BRASS, 3, transform=f"rotate({i * 45})")
    s.circle(0, 0, 22, s.radial([(0, WHITE), (0.6, lighten(p.light, 0.3)), (1, "#ffd166")]), stroke=BRASS)


def cog(s: Svg, p: Palette) -> None:
    s.path(gear(22, 22, 20, 7), SILVER)
    s.circle(22, 22, 6, p.dark, stroke="none")
    s.path(gear(-10, -10, 32, 9), BRASS)
    s.circle(-10, -10, 11, mix(BRASS, p.dark, 0.3))
    s.path(sparkle(30, -30, 7), p.accent, stroke_width=1.2)


def twinkle(s: Svg, p: Palette) -> None:
    """The fallback: magic nobody drew yet still looks like magic."""
    s.circle(0, 0, 50, s.glow(p.light, 0.7), stroke="none")
    s.path(sparkle(-4, 0, 34), "#ffd23f")
    s.path(sparkle(28, -26, 12), p.light)
    s.path(sparkle(-30, 28, 9), p.accent)


# Checked in order against the option's name, then its visual: creatures first, so "a
# loyal dog who understands every language" is a dog, not a speech bubble.
EMBLEMS: tuple[tuple[str, Emblem], ...] = (
    (r"shrink|acorn", acorn),
    (r"owl", owl),
    (r"dragon", dragon),
    (r"tortoise|turtle", tortoise),
    (r"mouse|mice", mouse),
    (r"robot", robot),
    (r"otter", otter),
    (r"dog|pupp|hound", dog),
    (r"firefl|glow-?worm|beetle", firefly),
    (r"fox", fox),
    (r"cat|kitten", cat),
    (r"underwater|breathe|swim", bubbles),
    (r"fish", fish),
    (r"bird|dove|peace", bird),
    (r"animal|talk|speak|language", speech),
    (r"compass", compass),
    (r"lantern|lamp", lantern),
    (r"key", key),
    (r"map|atlas", scroll_map),
    (r"story|quill|pen|feather|write", feather),
    (r"book|notebook|read|page", book),
    (r"scarf|ribbon", scarf),
    (r"boot|shoe", boots),
    (r"seashell|shell|conch", seashell),
    (r"umbrella|parasol", umbrella),
    (r"explor|spyglass|telescope", spyglass),
    (r"heal|herb|medicine", healing_leaf),
    (r"invent|gear|cog|tool|engineer", cog),
    (r"scout|binocular", binoculars),
    (r"code|puzzle|riddle|magnif|detective", magnifier),
    (r"music|flute|song|pipe|sing", flute),
    (r"dark|night|moon", moon),
    (r"plant|grow|flower|leaf|seed|garden", sprout),
    (r"float|fly|flight|wing|hover", wings),
    (r"light|glow|sun|shine", orb),
    (r"star", star),
    (r"shield|protect|guard|knight", shield),
    (r"crown|king|queen|prince", crown),
    (r"brush|paint|artist", brush),
)
_PATTERNS = tuple((re.compile(rf"\b(?:{pattern})", re.IGNORECASE), emblem) for pattern, emblem in EMBLEMS)


def emblem_for(name: str, visual: str = "") -> Emblem:
    """The emblem that best suggests an option: its name decides, then its look."""
    for text in (name, visual):
        for pattern, emblem in _PATTERNS:
            if pattern.search(text or ""):
                return emblem
    return twinkle


def draw_emblem(s: Svg, emblem: Emblem, pal: Palette, x: float, y: float, size: float) -> None:
    """Draw `emblem` centred on (x, y), `size` across, with the sticker outline."""
    with s.at(x, y, size / 100, stroke=pal.dark, stroke_width=2.5, stroke_linejoin="round", stroke_linecap="round"):
        emblem(s, pal)


def agency_kind(label: str, name: str = "") -> str:
    """Which of the four agency categories a label (or, failing that, an option's name)
    belongs to: magical_item, companion, role or ability."""
    for text in (label, name):
        lowered = (text or "").casefold()
        for word, kind in (
            ("companion", "companion"),
            ("role", "role"),
            ("abilit", "ability"),
            ("item", "magical_item"),
        ):
            if word in lowered:
                return kind
    return "magical_item"
