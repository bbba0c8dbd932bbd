"""The square card shown for each agency option at the end of chapter 1: a badge with
an emblem of the option, over a backdrop that says which kind of gift it is."""

from __future__ import annotations

import hashlib
import math
import random

from adventures.storytellers.base import AgencyOption, ChapterBrief

from .emblems import agency_kind, draw_emblem, emblem_for
from .svg import Palette, Svg, lighten, mix, smooth_ridge, sparkle

SIZE = 600
C = SIZE / 2
WHITE = "#ffffff"


def _seed(brief: ChapterBrief, option: AgencyOption) -> int:
    # Stable across processes (unlike hash()), and distinct per adventure and option so
    # three cards on one page never share gradient ids.
    digest = hashlib.sha256(f"agency:{brief.seed}:{option.id}".encode()).hexdigest()
    return int(digest[:12], 16)


def agency_alt(brief: ChapterBrief, option: AgencyOption) -> str:
    """One sentence for screen readers."""
    shows = (option.visual or option.name).strip().rstrip(".")
    return f"A round badge showing {shows}."


def _rays(s: Svg, pal: Palette) -> None:
    """Rays of light, like a treasure just found: for a magical item."""
    for i in range(12):
        a, b = math.tau * (i + 0.5) / 12, math.tau * (i + 0.95) / 12
        ray = [(C, C), (C + 400 * math.cos(a), C + 400 * math.sin(a)), (C + 400 * math.cos(b), C + 400 * math.sin(b))]
        s.polygon(ray, pal.light, fill_opacity=0.22)


def _meadow(s: Svg, pal: Palette, rng: random.Random) -> None:
    """A grassy mound with flowers, for a companion to sit by."""
    points = [(x, 440 + rng.uniform(-14, 10)) for x in range(-60, 760, 120)]
    s.path(smooth_ridge(points, SIZE), s.linear([(0, lighten(pal.ground, 0.25)), (1, pal.ground)]))
    for _ in range(7):
        x, y = rng.uniform(60, 540), rng.uniform(505, 560)
        with s.at(x, y, fill=pal.light):
            for i in range(5):
                s.circle(6 * math.cos(i * 1.26), 6 * math.sin(i * 1.26), 4.5, None)
            s.circle(0, 0, 3.5, pal.accent)


def _banner(s: Svg, pal: Palette) -> None:
    """A ribbon banner, as if the hero had been given a title: for a role."""
    ribbon = [(120, 470), (480, 470), (520, 505), (480, 540), (120, 540), (80, 505)]
    s.polygon(ribbon, pal.accent, stroke=pal.dark, stroke_width=4, stroke_linejoin="round")
    s.line(140, 505, 460, 505, lighten(pal.accent, 0.5), 4, stroke_dasharray="2 12", stroke_linecap="round")


def _aura(s: Svg, pal: Palette) -> None:
    """Rings of soft light spreading out: for an ability."""
    for r, opacity in ((250, 0.12), (200, 0.16), (150, 0.22)):
        s.circle(C, C - 10, r, "none", stroke=pal.light, stroke_width=14, stroke_opacity=opacity)


def draw_agency_option(brief: ChapterBrief, option: AgencyOption) -> str:
    """A 600 x 600 card for one agency option, in the world's colours."""
    seed = _seed(brief, option)
    rng = random.Random(seed)
    pal = Palette.of(brief.world.palette)
    kind = agency_kind(brief.agency_label, option.name)
    s = Svg(SIZE, SIZE, token=f"sw{seed:012x}", title=agency_alt(brief, option))

    with s.group(clip_path=s.clip_rect(0, 0, SIZE, SIZE, 56)):  # the mound and rays stay inside the card
        s.rect(0, 0, SIZE, SIZE, s.linear([(0, lighten(pal.sky, 0.15)), (1, mix(pal.horizon, pal.sky, 0.3))]))
        s.circle(C, C - 40, 300, s.glow(lighten(pal.light, 0.3), 0.55))
        if kind == "companion":
            _meadow(s, pal, rng)
        elif kind == "role":
            _banner(s, pal)
        elif kind == "ability":
            _aura(s, pal)
        else:
            _rays(s, pal)
        for _ in range(14):  # a scatter of twinkles, different on every card
            x, y = rng.uniform(40, 560), rng.uniform(40, 430)
            if math.dist((x, y), (C, C - 30)) > 190:
                colour = rng.choice((pal.light, lighten(pal.accent, 0.4), WHITE))
                s.path(sparkle(x, y, rng.uniform(5, 13)), colour, fill_opacity=round(rng.uniform(0.6, 1), 1))

        # The badge: a soft shadow, a disc with an accent rim, a stitched ring, the emblem.
        s.circle(C, C - 30, 178, mix(pal.dark, pal.sky, 0.5), fill_opacity=0.25)
        face = s.radial([(0, WHITE), (0.7, lighten(pal.light, 0.2)), (1, lighten(pal.horizon, 0.4))])
        s.circle(C, C - 40, 170, face, stroke=pal.accent, stroke_width=12)
        stitches = lighten(pal.accent, 0.45)
        s.circle(
            C, C - 40, 152, "none", stroke=stitches, stroke_width=3, stroke_dasharray="3 11", stroke_linecap="round"
        )
        draw_emblem(s, emblem_for(option.name, option.visual), pal, C, C - 40, 230)

        s.rect(14, 14, SIZE - 28, SIZE - 28, "none", rx=44, stroke=pal.light, stroke_width=6, stroke_opacity=0.8)
    return s.render()
