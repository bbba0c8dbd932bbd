"""The open-country sceneries: rolling hills (the fallback), forests, deserts, snow and mountains."""

from __future__ import annotations

from adventures.art.stage import (
    GREEN,
    LAMP,
    WHITE,
    H,
    Stage,
    W,
    birds,
    flowers,
    glow_dots,
    hill,
    mushroom,
    pine,
    round_tree,
    soil,
    tufts,
)
from adventures.art.svg import d, lighten, mix, sparkle

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
