"""The stage every painter of a chapter scene works on (document, dice, colours, the
time of day and where the hero stands) and the small props many sceneries share:
hills, a winding path, clouds, trees, grass, fireflies."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .svg import Palette, Svg, d, darken, lighten, luminance, mix, smooth_ridge

W, H = 1200, 800
GROUND_Y = 615  # where the foreground meets the middle distance
WHITE = "#ffffff"
GREEN = "#5fa35a"
LAMP = "#ffd56b"
WOOD = "#a0673a"


@dataclass(frozen=True)
class Light:
    """The time of day, set by the chapter's phase."""

    name: str  # morning / day / afternoon / sunset / evening
    top: str  # sky gradient, already blended with the world's palette
    bottom: str
    sun: tuple[float, float, float]  # x, y, radius
    sun_colour: str
    stars: int
    moon: bool
    dusk: float  # 0 in full day .. 1 at night: darkens the land, lights the windows


@dataclass
class Stage:
    s: Svg
    rng: random.Random
    pal: Palette
    light: Light
    hero_x: float
    motif_x: float
    landmark_x: float
    far: str = field(init=False)
    mid: str = field(init=False)
    near: str = field(init=False)

    def __post_init__(self) -> None:
        # Distant things fade into the horizon; everything darkens as evening comes.
        dusk = self.light.dusk
        self.far = mix(mix(self.pal.ground, self.pal.dark, 0.2 + dusk * 0.3), self.light.bottom, 0.5 - dusk * 0.15)
        self.mid = mix(mix(self.pal.ground, self.light.bottom, 0.22), self.pal.dark, dusk * 0.35)
        self.near = mix(self.pal.ground, self.pal.dark, dusk * 0.3)

    @property
    def dark_sky(self) -> bool:
        return luminance(self.light.top) < 0.3

    @property
    def lit(self) -> bool:
        """Are windows and lamps glowing?"""
        return self.light.dusk > 0.3 or self.dark_sky

    def free_x(self, *candidates: float) -> float:
        """The candidate farthest from the hero, the chapter's motif and the landmark,
        so big props never hide them."""
        taken = (self.hero_x, self.motif_x, self.landmark_x)
        return max(candidates, key=lambda x: min(abs(x - t) for t in taken))

    def aside_x(self, margin: float = 110) -> float:
        """A random spot in the foreground that is not where the hero stands."""
        left = self.rng.uniform(40, max(41, self.hero_x - margin))
        right = self.rng.uniform(min(W - 41, self.hero_x + margin + 30), W - 40)
        return self.rng.choice((left, right))


def ridge(st: Stage, y: float, amp: float, step: int = 160) -> list[tuple[float, float]]:
    return [(x, y + st.rng.uniform(-amp, amp)) for x in range(-60, W + step + 60, step)]


def hill(st: Stage, y: float, amp: float, fill: str, step: int = 160, **attrs: object) -> None:
    st.s.path(smooth_ridge(ridge(st, y, amp, step), H), fill, **attrs)


def soil(st: Stage, fill: str | None = None, path: bool = True) -> None:
    """The foreground: a soft ridge, lighter at its crest, and a winding path that
    starts at the hero's feet and wanders off towards the landmark."""
    s, near = st.s, fill or st.near
    s.path(smooth_ridge(ridge(st, GROUND_Y, 16, 200), H), s.linear([(0, lighten(near, 0.12)), (0.4, near)]))
    if not path:
        return
    x0, x2 = st.hero_x + 20, st.landmark_x * 0.6 + W * 0.2
    x1 = (x0 + x2) / 2 + (160 if x2 < x0 else -160)
    left, right = [], []
    for i in range(13):
        t = i / 12
        x = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * x1 + t * t * x2
        y = H + 10 - t * (H - GROUND_Y)
        half = 85 * (1 - t) + 5 * t
        left.append((x - half, y))
        right.append((x + half, y))
    s.polygon(left + right[::-1], mix(near, st.pal.light, 0.3), fill_opacity=0.75)


def tufts(st: Stage, colour: str, count: int = 14, y0: float = 640) -> None:
    with st.s.group(stroke=colour, stroke_width=3, stroke_linecap="round", fill="none"):
        for _ in range(count):
            x, y = st.rng.uniform(20, W - 20), st.rng.uniform(y0, H - 10)
            st.s.path(
                "M -8 -10 Q -4 -2 0 0 M 0 -16 L 0 0 M 8 -10 Q 4 -2 0 0", None, transform=f"translate({x:.0f} {y:.0f})"
            )


def flowers(st: Stage, colours: tuple[str, ...], count: int = 12) -> None:
    for _ in range(count):
        x, y = st.rng.uniform(20, W - 20), st.rng.uniform(650, H - 10)
        st.s.circle(x, y, st.rng.uniform(4, 7), st.rng.choice(colours))


def cloud(s: Svg, x: float, y: float, k: float, fill: str, opacity: float = 0.9) -> None:
    with s.at(x, y, k, fill=fill, fill_opacity=opacity):
        s.ellipse(0, 0, 90, 22, None)
        for dx, dy, r in ((-45, -8, 30), (-5, -24, 40), (40, -12, 30)):
            s.circle(dx, dy, r, None)


def round_tree(s: Svg, x: float, y: float, h: float, colour: str, trunk: str) -> None:
    with s.at(x, y, h / 100):
        s.rect(-5, -45, 10, 45, trunk, rx=3)
        s.circle(0, -68, 30, colour)
        s.circle(-20, -50, 20, colour)
        s.circle(20, -52, 22, colour)
        s.circle(-8, -78, 12, lighten(colour, 0.15))


def pine(s: Svg, x: float, y: float, h: float, colour: str, snow: str | None = None) -> None:
    with s.at(x, y, h / 100, stroke_linejoin="round"):
        s.rect(-4, -15, 8, 15, darken(colour, 0.3))
        for i in range(3):
            top, base, half = -45 - i * 22, -10 - i * 22, 30 - i * 7
            s.polygon([(0, top), (half, base), (-half, base)], colour, stroke=colour, stroke_width=6)
            if snow:
                cap = top + (base - top) * 0.45
                s.polygon([(0, top), (half * 0.45, cap), (-half * 0.45, cap)], snow, stroke=snow, stroke_width=4)


def mushroom(s: Svg, x: float, y: float, k: float, cap: str, stem: str, glow: bool) -> None:
    with s.at(x, y, k):
        if glow:
            s.circle(0, -22, 45, s.glow(lighten(cap, 0.4), 0.7))
        s.rect(-6, -20, 12, 20, stem, rx=5)
        s.path("M -24 -16 Q 0 -56 24 -16 Z", cap)
        for dx, dy in ((-10, -26), (6, -34), (12, -22)):
            s.circle(dx, dy, 3.5, lighten(stem, 0.3))


def birds(st: Stage, count: int = 3) -> None:
    with st.s.group(stroke=mix(st.pal.dark, st.light.top, 0.3), stroke_width=3, fill="none", stroke_linecap="round"):
        for _ in range(count):
            x, y, k = st.rng.uniform(250, 950), st.rng.uniform(120, 280), st.rng.uniform(0.7, 1.2)
            st.s.path("M -14 -5 Q -6 -9 0 0 Q 6 -9 14 -5", None, transform=f"translate({x:.0f} {y:.0f}) scale({k:.2f})")


def glow_dots(st: Stage, colour: str, count: int, y0: float, y1: float, r: float = 3) -> None:
    """Fireflies, plankton, dust in lamplight: small lights with a halo."""
    halo = st.s.glow(colour, 0.6)
    for _ in range(count):
        x, y = st.rng.uniform(30, W - 30), st.rng.uniform(y0, y1)
        st.s.circle(x, y, r * 4, halo)
        st.s.circle(x, y, r, lighten(colour, 0.4))


def dome(st: Stage, x: float, y: float, r: float) -> None:
    """A glass dome with a little garden inside: Moon homes, bubble schools."""
    s = st.s
    inside = LAMP if st.lit else st.pal.light
    s.rect(x - r - 8, y - 10, 2 * r + 16, 14, mix(st.pal.ground, st.pal.dark, 0.3), rx=6)
    for dx in (-0.5, -0.1, 0.35):
        s.circle(x + dx * r, y - r * 0.25, r * 0.22, mix(GREEN, st.pal.dark, 0.2))
    glass = s.linear([(0, lighten(inside, 0.3), 0.55), (1, inside, 0.25)])
    s.path(
        d("M", x - r, y - 8, "A", r, r, 0, 0, 1, x + r, y - 8, "Z"),
        glass,
        stroke=lighten(st.pal.light, 0.2),
        stroke_width=3,
    )
    shine = d("M", x - r * 0.6, y - r * 0.6, "Q", x - r * 0.3, y - r * 0.9, x, y - r * 0.95)
    s.path(shine, "none", stroke=WHITE, stroke_width=4, stroke_linecap="round", stroke_opacity=0.8)
