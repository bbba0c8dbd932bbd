"""The sceneries people built: cities of towers and gears, libraries."""

from __future__ import annotations

from adventures.art.stage import (
    LAMP,
    WHITE,
    WOOD,
    Stage,
    W,
    birds,
    cloud,
    glow_dots,
    hill,
    soil,
)
from adventures.art.svg import darken, gear, mix

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
