"""The hero of the chapter scene: a small friendly figure worked out from the
protagonist's one-line look, and the gift they chose in chapter 1 (an item held up, a
companion at their side, a role's pennant, an ability's glow)."""

from __future__ import annotations

import math
import random
import re

from adventures.storytellers.base import AgencyOption

from .emblems import draw_emblem, emblem_for
from .stage import WOOD, Stage
from .svg import Palette, lighten, mix, sparkle

_HAIR = {
    "red": "#c8553d",
    "auburn": "#a0522d",
    "ginger": "#d2691e",
    "sandy": "#d8b072",
    "blonde": "#e8c36a",
    "golden": "#e8c36a",
    "brown": "#6f4e37",
    "dark": "#3b2a20",
    "black": "#231a14",
    "white": "#eeeeee",
    "silver": "#c0c0c8",
    "grey": "#9a9a9a",
}
_CLOTHES = {
    "sky-blue": "#7cc6fe",
    "sunflower-yellow": "#ffc93c",
    "red": "#e63946",
    "yellow": "#ffd23f",
    "green": "#52b788",
    "blue": "#4d96ff",
    "orange": "#ff9f43",
    "purple": "#9b5de5",
    "pink": "#ff8fab",
    "brown": "#8d6346",
    "denim": "#4a6fa5",
    "white": "#f1f3f5",
    "grey": "#adb5bd",
    "black": "#343a40",
    "teal": "#2a9d8f",
    "silver": "#c0c0c8",
    "gold": "#e3b04b",
}
_SKIN = ("#f9d7b5", "#f0c09a", "#d9a27a", "#b97a50", "#8d5a3b", "#6b4226")
_HAIR_WORDS = re.compile(r"\b(hair|braids?|bob|afro|ponytail|bunches|curls)\b")
_GARMENTS = re.compile(
    r"\b(raincoat|jumper|hoodie|tunic|cardigan|jacket|dungarees|waistcoat|cape|coat|dress|shirt|"
    r"sweater|overalls|cloak|poncho|jersey)\b"
)


def _colour_in(text: str, colours: dict[str, str]) -> str | None:
    for word, colour in colours.items():  # longest names first, so "sky-blue" beats "blue"
        if re.search(rf"\b{re.escape(word)}\b", text):
            return colour
    return None


class Hero:
    """The protagonist as simple shapes, worked out once from their one-line look so they
    wear the same clothes in every chapter."""

    def __init__(self, look: str, seed: int, pal: Palette) -> None:
        look = look.casefold()
        clauses = re.split(r",| and | with ", look)
        hair_clause = next((c for c in clauses if _HAIR_WORDS.search(c)), "")
        garment_clause = next((c for c in clauses if _GARMENTS.search(c)), "")
        rng = random.Random(seed)
        self.skin = rng.choice(_SKIN)
        self.hair = _colour_in(hair_clause, _HAIR) or rng.choice(tuple(_HAIR.values())[:9])
        self.outfit = _colour_in(garment_clause, _CLOTHES) or pal.accent
        self.trousers = mix(pal.dark, "#4a6fa5", 0.55)
        self.style = next(
            (w for w in ("afro", "curly", "braid", "bunches", "ponytail", "bob", "spiky", "long") if w in hair_clause),
            "short",
        )
        self.hat = bool(re.search(r"\b(hat|beanie|pompom)\b", look))
        self.scarf = "scarf" in look
        self.glasses = "glasses" in look
        self.cape = bool(re.search(r"\b(cape|cloak)\b", look))
        self.pack = bool(re.search(r"\b(backpack|satchel|rucksack)\b", look))
        self.hat_colour: str | None = None  # the accent colour unless a character says otherwise

    def draw(self, st: Stage, x: float, y: float, raised: bool) -> None:
        s, dark = st.s, st.pal.dark
        s.ellipse(x, y + 2, 36, 8, dark, fill_opacity=0.25)
        with s.at(x, y, 1.15):
            self._body(st, raised)

    def _body(self, st: Stage, raised: bool) -> None:
        s, dark = st.s, st.pal.dark
        if self.cape:
            s.path("M -15 -84 Q -36 -40 -30 -16 L 30 -16 Q 36 -40 15 -84 Z", mix(self.outfit, dark, 0.25))
        if self.pack:
            s.rect(-30, -84, 18, 38, mix(WOOD, dark, 0.1), rx=6)
        if self.style in ("afro", "curly"):
            s.circle(0, -112, 28, self.hair)
        elif self.style in ("long", "bob"):
            s.rect(-24, -118, 48, 34 if self.style == "bob" else 52, self.hair, rx=16)
        elif self.style == "ponytail":
            s.ellipse(20, -120, 9, 18, self.hair, transform="rotate(35 20 -120)")
        for lx in (-12, 2):
            s.rect(lx, -40, 10, 38, self.trousers, rx=5)
        s.ellipse(-8, -3, 9, 5, dark)
        s.ellipse(9, -3, 9, 5, dark)
        s.path(
            "M -19 -36 L -15 -84 Q 0 -92 15 -84 L 19 -36 Q 0 -30 -19 -36 Z",
            self.outfit,
            stroke=mix(self.outfit, dark, 0.35),
            stroke_width=2,
        )
        with s.group(stroke=self.outfit, stroke_width=9, stroke_linecap="round", fill="none"):
            s.path("M -14 -80 Q -26 -66 -26 -50", None)
            s.path("M 14 -80 Q 28 -88 34 -102" if raised else "M 14 -80 Q 26 -66 26 -50", None)
        s.circle(-26, -46, 5.5, self.skin)
        s.circle(*((35, -106) if raised else (26, -46)), 5.5, self.skin)
        if self.scarf:
            s.rect(-16, -92, 32, 9, st.pal.accent, rx=4)
            s.rect(6, -88, 8, 22, st.pal.accent, rx=3, transform="rotate(-12 10 -88)")
        s.circle(0, -106, 21, self.skin)
        self._hair_top(st)
        for ex in (-7, 7):
            s.circle(ex, -104, 2.4, dark)
            s.circle(ex * 1.6, -97, 3.6, "#ff8fab", fill_opacity=0.5)
        s.path("M -5 -96 Q 0 -92 5 -96", "none", stroke=dark, stroke_width=1.6, stroke_linecap="round")
        if self.glasses:
            with s.group(fill="none", stroke=dark, stroke_width=1.5):
                s.circle(-7, -104, 6, None)
                s.circle(7, -104, 6, None)
                s.line(-1, -104, 1, -104, None, None)

    def _hair_top(self, st: Stage) -> None:
        s = st.s
        if self.hat:
            s.path("M -23 -110 Q -22 -136 0 -136 Q 22 -136 23 -110 Z", self.hat_colour or st.pal.accent)
            s.rect(-24, -116, 48, 9, lighten(st.pal.accent, 0.4), rx=4)
            s.circle(0, -138, 6, st.pal.light)
            return
        if self.style == "spiky":
            spikes = "-22,-108 -20,-132 -10,-122 -4,-136 4,-124 12,-136 14,-122 22,-128 22,-108 0,-118"
            s.add("polygon", points=spikes, fill=self.hair)
            return
        s.path("M -22 -104 Q -24 -130 0 -130 Q 24 -130 22 -104 Q 14 -120 0 -118 Q -12 -120 -22 -104 Z", self.hair)
        if self.style in ("braid", "bunches"):
            for side in (-1, 1):
                s.ellipse(side * 25, -96, 7, 13, self.hair)
                s.circle(side * 25, -82, 3.5, st.pal.accent)


def draw_agency(st: Stage, option: AgencyOption | None, kind: str, x: float, y: float) -> bool:
    """The chosen gift beside the hero; returns whether the hero's hand is raised."""
    if option is None:
        return False
    s, pal = st.s, st.pal
    emblem = emblem_for(option.name, option.visual)
    if kind == "companion":
        cx = x + 90 if st.motif_x > x else x - 90
        s.ellipse(cx, y + 2, 30, 7, pal.dark, fill_opacity=0.25)
        draw_emblem(s, emblem, pal, cx, y - 34, 72)
        return False
    if kind == "role":
        s.line(x + 40, y - 10, x + 40, y - 206, "#8d6346", 5, stroke_linecap="round")
        pennant = [(x + 42, y - 204), (x + 112, y - 186), (x + 42, y - 166)]
        s.polygon(pennant, pal.accent, stroke=pal.dark, stroke_width=2, stroke_linejoin="round")
        draw_emblem(s, emblem, pal, x + 64, y - 186, 30)
        return True
    if kind == "ability":
        s.ellipse(x, y - 70, 80, 105, s.glow(pal.light, 0.75))
        for i in range(6):
            a = i * math.tau / 6 + 0.4
            s.path(sparkle(x + 70 * math.cos(a), y - 80 + 90 * math.sin(a), 7), lighten(pal.light, 0.3))
        draw_emblem(s, emblem, pal, x - 52, y - 160, 40)
        return False
    s.circle(x + 40, y - 140, 42, s.glow(pal.light, 0.85))  # a magical item, held up and glowing
    draw_emblem(s, emblem, pal, x + 40, y - 140, 46)
    return True
