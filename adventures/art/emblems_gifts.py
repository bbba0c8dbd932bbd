"""Emblems of roles and abilities (a crown, a flute, wings, a magnifier), and the fallback twinkle."""

from __future__ import annotations

from adventures.art.emblems_creatures import fish
from adventures.art.emblems_paint import BRASS, LEAF, SILVER, WHITE, WOOD, note

from .svg import Palette, Svg, gear, lighten, mix, sparkle


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
    note(s, -22, -24, p.accent)
    note(s, 8, -38, p.accent)
    note(s, 30, 30, p.accent)


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
    note(s, 14, 22, p.dark)
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
