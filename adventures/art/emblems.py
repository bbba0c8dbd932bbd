"""Emblems for agency options: a compass, an owl, a flute... drawn as friendly stickers.

Each emblem draws itself in a 100 x 100 box centred on (0, 0), inside a group that the
caller has moved, scaled and given a dark outline, so the same owl can fill an agency
card or sit at the hero's feet in a chapter scene. This module picks the emblem for an
option; the drawings live in emblems_things, emblems_creatures and emblems_gifts.
"""

from __future__ import annotations

import re

from adventures.art.emblems_creatures import (
    bird,
    cat,
    dog,
    dragon,
    firefly,
    fish,
    fox,
    mouse,
    otter,
    owl,
    robot,
    tortoise,
)
from adventures.art.emblems_gifts import (
    acorn,
    binoculars,
    brush,
    bubbles,
    cog,
    crown,
    feather,
    flute,
    healing_leaf,
    magnifier,
    moon,
    orb,
    shield,
    speech,
    sprout,
    spyglass,
    star,
    twinkle,
    wings,
)
from adventures.art.emblems_paint import Emblem
from adventures.art.emblems_things import book, boots, compass, key, lantern, scarf, scroll_map, seashell, umbrella

from .svg import Palette, Svg

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
