"""Emblems of companions: an owl, a dragon, a tortoise, a robot, a fox..."""

from __future__ import annotations

from adventures.art.emblems_paint import BRASS, LEAF, PAPER, PINK, SILVER, WHITE, eyes, note

from .svg import Palette, Svg, lighten, mix, sparkle


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
    eyes(s, 0, -12, 12, 3.5, p.dark)
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
    eyes(s, 0, -23, 8, 3.6, p.dark)
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
    eyes(s, 0, -17, 7, 3, p.dark)
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
    eyes(s, 0, -28, 7, 2.8, p.dark)
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
    eyes(s, 0, -12, 10, 3.5, p.dark)


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
    note(s, 28, -26, p.dark)
    note(s, 40, -40, p.dark)


def fox(s: Svg, p: Palette) -> None:
    orange = "#f08a3c"
    s.path("M 20 40 Q 52 36 46 4 Q 30 20 10 30 Z", orange)
    s.path("M 46 4 Q 44 14 36 18 Q 44 16 46 4 Z", WHITE)
    s.ellipse(0, 28, 22, 18, orange)
    s.path("M -30 -16 L -24 -44 L -8 -26 Q 0 -28 8 -26 L 24 -44 L 30 -16 Q 28 8 0 18 Q -28 8 -30 -16 Z", orange)
    s.path("M -26 -6 Q -12 0 0 18 Q 12 0 26 -6 Q 24 10 0 18 Q -24 10 -26 -6 Z", WHITE, stroke="none")
    s.circle(0, 14, 4, p.dark, stroke="none")
    eyes(s, 0, -10, 11, 3.4, p.dark)


def cat(s: Svg, p: Palette) -> None:
    ginger = "#f2a65a"
    s.path("M 18 40 Q 46 40 40 12", "none", stroke=ginger, stroke_width=8)
    s.ellipse(0, 28, 22, 18, ginger)
    s.path("M -28 -6 L -26 -40 L -8 -26 L 8 -26 L 26 -40 L 28 -6 Q 26 16 0 18 Q -26 16 -28 -6 Z", ginger)
    s.path("M -3 4 L 3 4 L 0 8 Z", PINK, stroke_width=1)
    for side in (-1, 1):
        s.line(side * 6, 8, side * 28, 4, p.dark, 1.2)
        s.line(side * 6, 10, side * 28, 14, p.dark, 1.2)
    eyes(s, 0, -8, 10, 3.6, p.dark)


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
