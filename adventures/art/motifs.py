"""What kind of chapter this is, in pictures: a glowing door or a riddle scroll for a
lesson, still water or a round window for a reflection, and bunting, lanterns and
fireworks for the conclusion.

The door, scroll, pool and window draw around their foot at (0, 0) inside a group the
scene has placed; the celebration spans the whole picture.
"""

from __future__ import annotations

import math

from .stage import LAMP, WOOD, Stage, W
from .svg import d, lighten, mix, sparkle

WHITE = "#ffffff"
QUESTION_MARK = "M -8 -8 Q -8 -20 0 -20 Q 9 -20 9 -10 Q 9 -3 0 0 L 0 6"


def question_mark(st: Stage, x: float, y: float, k: float) -> None:
    # Accent over a light halo, so the mark reads on a pale sky and a dark one alike.
    with st.s.at(x, y, k, fill="none", stroke_linecap="round"):
        for colour, width in ((st.pal.light, 9), (st.pal.accent, 5)):
            st.s.path(QUESTION_MARK, None, stroke=colour, stroke_width=width)
            st.s.circle(0, 15, width * 0.6, colour)


def lesson_door(st: Stage) -> None:
    """A door standing on its own in the landscape, light spilling from its keyhole:
    the question waits behind it."""
    s, pal = st.s, st.pal
    s.circle(0, -90, 150, s.glow(pal.light, 0.7))
    stone = mix(pal.light, st.far, 0.35)
    s.path(
        "M -58 0 L -58 -130 A 58 58 0 0 1 58 -130 L 58 0 Z", stone, stroke=mix(stone, pal.dark, 0.35), stroke_width=3
    )
    wood = mix(pal.accent, pal.dark, 0.35)
    s.path("M -42 0 L -42 -128 A 42 42 0 0 1 42 -128 L 42 0 Z", wood)
    for dx in (-14, 14):
        s.line(dx, -166, dx, 0, mix(wood, pal.dark, 0.3), 2)
    s.circle(0, -78, 20, s.glow(LAMP, 0.9))
    s.circle(0, -82, 7, LAMP)
    s.polygon([(-5, -80), (5, -80), (2, -62), (-2, -62)], LAMP)
    s.circle(28, -70, 4, "#e3b04b")
    for dx in (-36, 0, 36):  # stepping stones up to the door
        s.ellipse(dx, 22 + abs(dx) * 0.1, 22, 8, mix(stone, st.near, 0.4))
    question_mark(st, -95, -190, 1.3)
    question_mark(st, 100, -220, 1)
    s.path(sparkle(80, -120, 10), pal.light)


def lesson_scroll(st: Stage) -> None:
    """A scroll floating above its own shadow, a riddle written on it."""
    s, pal = st.s, st.pal
    paper = "#fbf0d4"
    s.ellipse(0, 10, 80, 12, pal.dark, fill_opacity=0.2)
    s.circle(0, -150, 150, s.glow(pal.light, 0.7))
    s.rect(-80, -210, 160, 120, paper, stroke=pal.dark, stroke_width=3)
    for y in (-216, -96):
        s.rect(-92, y, 184, 14, mix(paper, WOOD, 0.4), rx=7, stroke=pal.dark, stroke_width=3)
    for y in (-180, -160, -140, -120):
        s.line(-56, y, -8, y, mix(pal.dark, paper, 0.5), 3, stroke_linecap="round")
    question_mark(st, 36, -156, 1.6)
    s.path(sparkle(-110, -220, 10), pal.light)
    s.path(sparkle(118, -110, 8), pal.light)


def reflect_pool(st: Stage) -> None:
    """Still water holding the sky, for a chapter that looks back."""
    s, pal, light = st.s, st.pal, st.light
    s.ellipse(0, 0, 180, 46, mix("#9a9a9a", st.near, 0.5))
    s.ellipse(0, 0, 164, 36, s.linear([(0, light.bottom), (1, lighten(light.top, 0.15))]))
    s.ellipse(40 if light.sun[0] > W / 2 else -40, -6, 26, 7, lighten(light.sun_colour, 0.4), fill_opacity=0.8)
    with s.group(fill="none", stroke=pal.light, stroke_opacity=0.5, stroke_width=2):
        for r in (20, 40):  # a ripple
            s.ellipse(-50, 6, r, r * 0.25, None)
    for dx, dy in ((70, 8), (-110, -4)):  # lily pads, each with its notch
        s.path("M 0 0 L 16 -4 A 18 7 0 1 1 14 5 Z", "#5fa35a", transform=f"translate({dx} {dy})")
    s.circle(66, 4, 6, "#ff8fab")


def reflect_window(st: Stage, hero_colour: str) -> None:
    """Where there is no still water (indoors, underwater, on the Moon), a round window
    holds the hero's reflection."""
    s, pal, light = st.s, st.pal, st.light
    s.rect(-6, -130, 12, 130, WOOD)
    s.ellipse(0, 0, 50, 10, pal.dark, fill_opacity=0.25)
    s.circle(0, -130, 110, s.glow(pal.light, 0.4))
    glass = s.linear([(0, lighten(light.top, 0.3)), (1, lighten(light.bottom, 0.2))])
    s.circle(0, -130, 74, glass, stroke="#e3b04b", stroke_width=12)
    with s.group(fill=lighten(hero_colour, 0.4), fill_opacity=0.55):  # the hero, seen in the glass
        s.circle(0, -152, 16, None)
        s.path("M -16 -86 L -12 -134 Q 0 -140 12 -134 L 16 -86 Z", None)
    s.path("M -50 -140 L -10 -180", "none", stroke=WHITE, stroke_width=6, stroke_opacity=0.7, stroke_linecap="round")


def celebration(st: Stage) -> None:
    """Bunting with paper lanterns across the top, and confetti in the air."""
    s, rng, pal = st.s, st.rng, st.pal
    colours = (pal.accent, pal.light, "#ffd23f", lighten(pal.accent, 0.45), "#8ac926")
    for row, (y0, sag) in enumerate(((40, 110), (120, 80))):
        s.path(d("M", -20, y0, "Q", W / 2, y0 + sag * 2, W + 20, y0), "none", stroke=pal.dark, stroke_width=2)
        for i in range(1, 16):
            t = i / 16  # a point on the string's curve
            x = (1 - t) ** 2 * -20 + 2 * (1 - t) * t * (W / 2) + t * t * (W + 20)
            y = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * (y0 + sag * 2) + t * t * y0
            if row == 0 and i % 4 == 2:  # a glowing paper lantern instead of a flag
                s.circle(x, y + 34, 44, s.glow(LAMP, 0.6))
                shade = rng.choice((pal.accent, "#ff595e", "#ffca3a"))
                s.ellipse(x, y + 34, 20, 24, shade, stroke=pal.dark, stroke_width=2)
                s.line(x, y, x, y + 10, pal.dark, 2)
                continue
            flag = [(x - 16, y - 2), (x + 16, y + 2), (x, y + 34)]
            s.polygon(
                flag, colours[(i + row) % len(colours)], stroke=pal.dark, stroke_width=1.5, stroke_linejoin="round"
            )
    for _ in range(28):
        x, y = rng.uniform(60, W - 60), rng.uniform(200, 640)
        s.rect(x, y, 8, 14, rng.choice(colours), transform=f"rotate({rng.randint(0, 180)} {x:.0f} {y:.0f})")


def fireworks(st: Stage, indoor: bool) -> None:
    s, rng = st.s, st.rng
    for _ in range(1 if indoor else 3):  # indoors, one burst seen through the window
        if indoor:
            x, y, r = rng.uniform(540, 660), rng.uniform(170, 250), 40.0
        else:
            x, y, r = rng.uniform(150, 1050), rng.uniform(100, 260), rng.uniform(50, 80)
        colour = rng.choice((st.pal.accent, "#ffd23f", lighten(st.pal.accent, 0.5), "#8ac926", WHITE))
        s.circle(x, y, r * 1.3, s.glow(colour, 0.35))
        with s.group(stroke=colour, stroke_width=4, stroke_linecap="round", fill=colour):
            for i in range(14):
                cos, sin = math.cos(i * math.tau / 14), math.sin(i * math.tau / 14)
                s.line(x + r * 0.35 * cos, y + r * 0.35 * sin, x + r * cos, y + r * sin, None, None)
                s.circle(x + r * 1.12 * cos, y + r * 1.12 * sin, 3, None, stroke="none")
