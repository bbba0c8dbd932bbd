"""Emblems of things a hero carries: a compass, a lantern, a key, a map, a scarf..."""

from __future__ import annotations

from adventures.art.emblems_paint import BRASS, LEAF, PAPER, PINK, SILVER, WHITE, WOOD

from .svg import Palette, Svg, d, lighten, mix, ring, sparkle


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
