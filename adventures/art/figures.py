"""The world's named characters in a chapter picture (the companion, the one met in the
chapter), each drawn from their one-line look: a person, an animal, a bird, a robot, a
creature of the sea or a spirit of the woods, in the colours their look names. Each
returns the words the alt text uses for what was drawn."""

from __future__ import annotations

import re

from adventures.storytellers.base import Character

from .hero import _CLOTHES, Hero
from .stage import Stage
from .svg import darken, lighten, mix

_COLOURS = {
    **_CLOTHES,
    "russet": "#b5562b",
    "ginger": "#d2691e",
    "golden": "#e3b04b",
    "copper": "#c87533",
    "brass": "#c9a227",
    "bark": "#7a5230",
    "moss": "#6b8e23",
    "sand-coloured": "#d9c08c",
    "sandy": "#d9c08c",
    "cloud": "#f1f3f5",
    "ink": "#23243a",
}
_KINDS = (
    ("robot", r"\b(robot|automaton|rover|kettle)\b"),
    ("bird", r"\b(owl|bird|magpie|goose|penguin|pterosaur|parrot|crow|robin|gull)\b"),
    ("shell", r"\b(turtle|tortoise|crab|lobster|snail|beetle|ladybird)\b"),
    ("fish", r"\b(seahorse|fish|whale|dolphin|squid|octopus|eel)\b"),
    ("spirit", r"\b(spirit|bark|ivy|tree)\b"),
    ("blob", r"\b(blot|cloud|mist|sprites?|bookmark|ribbon)\b"),
    ("beast", r"\b(fox|dog|cat|bear|mouse|squirrel|troll|camel|dinosaur|long-neck|badger|rabbit|hare|otter|"
     r"sheep|lemming|lizard|ant|bee|spider|yak|husky|goat|deer|pony)\b"),
)  # fmt: skip


def kind_of(character: Character) -> str:
    look = f"{character.name} {character.look}".casefold()
    for kind, pattern in _KINDS:
        if re.search(pattern, look):
            return kind
    return "person"


def _colour(look: str, fallback: str) -> str:
    for word, colour in sorted(_COLOURS.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{re.escape(word)}\b", look):
            return colour
    return fallback


def what(character: Character) -> str:
    """ "Quill, a russet fox" -> the alt text's words for the figure drawn."""
    noun = re.sub(r"^(?:a|an|the)\s+", "", character.look.strip(), flags=re.I)
    noun = re.split(r"\s+(?:with|in|wearing|who|that|and|made|holding|carrying)\b", noun)[0].rstrip(",")
    return f"{character.name}, {'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def draw_character(st: Stage, character: Character, x: float, feet: float, scale: float = 1.0) -> None:
    """The character standing at (x, feet), `scale` times a child's size."""
    look = character.look.casefold()
    kind = kind_of(character)
    s, pal = st.s, st.pal
    s.ellipse(x, feet + 2, 40 * scale, 9 * scale, pal.dark, fill_opacity=0.25)
    if kind == "person":
        # People are drawn like the hero, from their look, a little taller when grown up.
        grown = bool(re.search(r"\b(woman|man|grandma|grandmother|grandfather|professor|captain|old|queen)\b", look))
        person = Hero(character.look, sum(map(ord, character.name)), pal)
        # Never dressed like the hero: the colour their look names, or an earthy one.
        person.outfit = _colour(look, mix(pal.horizon, "#8d6346", 0.6))
        person.hat_colour = person.outfit
        with s.at(x, feet, scale * (1.25 if grown else 1.0)):
            person._body(st, False)
        return
    body = _colour(look, mix(pal.accent, pal.horizon, 0.4))
    dark = darken(body, 0.35)
    with s.at(x, feet, scale):
        {"robot": _robot, "bird": _bird, "shell": _shell, "fish": _fish, "spirit": _spirit, "blob": _blob}.get(
            kind, _beast
        )(st, body, dark)


def _eyes(st: Stage, y: float, gap: float = 8, r: float = 3) -> None:
    for ex in (-gap, gap):
        st.s.circle(ex, y, r + 2, "#ffffff")
        st.s.circle(ex, y, r, st.pal.dark)


def _beast(st: Stage, body: str, dark: str) -> None:
    s = st.s
    s.path("M 30 -40 Q 70 -50 66 -90 Q 56 -60 30 -56 Z", dark)  # a tail
    s.ellipse(0, -45, 34, 40, body, stroke=dark, stroke_width=2)
    s.ellipse(0, -40, 18, 24, lighten(body, 0.45))
    for side in (-1, 1):
        s.path(f"M {side * 14} -100 L {side * 26} -134 L {side * 30} -98 Z", body, stroke=dark, stroke_width=2)
        s.ellipse(side * 16, -6, 11, 7, dark)
    s.circle(0, -100, 27, body, stroke=dark, stroke_width=2)
    _eyes(st, -104)
    s.ellipse(0, -92, 6, 4.5, st.pal.dark)


def _bird(st: Stage, body: str, dark: str) -> None:
    s = st.s
    s.ellipse(0, -55, 36, 52, body, stroke=dark, stroke_width=2)
    s.ellipse(0, -45, 22, 32, lighten(body, 0.5))
    for side in (-1, 1):
        s.path(f"M {side * 30} -80 Q {side * 54} -50 {side * 30} -20 Z", dark)
        s.path(f"M {side * 10} -4 l {side * 6} 8 l {side * -10} 0 Z", "#f4a261")
    _eyes(st, -82, 12, 6)
    s.path("M -6 -72 L 6 -72 L 0 -60 Z", "#f4a261")


def _robot(st: Stage, body: str, dark: str) -> None:
    s = st.s
    s.rect(-28, -70, 56, 64, body, rx=10, stroke=dark, stroke_width=2)
    s.rect(-24, -118, 48, 42, lighten(body, 0.2), rx=8, stroke=dark, stroke_width=2)
    s.line(0, -118, 0, -136, dark, 3)
    s.circle(0, -140, 6, st.pal.accent)
    for ex in (-10, 10):
        s.circle(ex, -100, 7, "#7cc6fe", stroke=dark, stroke_width=2)
    s.rect(-12, -86, 24, 4, dark, rx=2)
    for lx in (-18, 8):
        s.rect(lx, -8, 10, 10, dark, rx=2)


def _shell(st: Stage, body: str, dark: str) -> None:
    s = st.s
    s.ellipse(38, -30, 18, 16, mix(body, "#c2b280", 0.5), stroke=dark, stroke_width=2)
    s.path("M -46 -8 Q -44 -80 0 -80 Q 44 -80 46 -8 Z", body, stroke=dark, stroke_width=2)
    with s.group(fill="none", stroke=dark, stroke_width=2, stroke_opacity=0.6):
        s.path("M -24 -10 L -16 -60 L 16 -60 L 24 -10", None)
        s.path("M -40 -36 L 40 -36", None)
    for ex in (32, 44):
        s.circle(ex, -34, 2.5, st.pal.dark)


def _fish(st: Stage, body: str, dark: str) -> None:
    s = st.s
    s.ellipse(0, -70, 48, 30, body, stroke=dark, stroke_width=2)
    s.path("M 44 -70 L 80 -94 L 80 -46 Z", dark)
    s.path("M -10 -98 Q 10 -120 24 -96 Z", dark)
    s.circle(-24, -76, 7, "#ffffff")
    s.circle(-24, -76, 3.5, st.pal.dark)
    for i in range(3):
        st.s.circle(-60 - i * 8, -110 - i * 24, 5 + i * 2, "none", stroke="#ffffff", stroke_width=2)


def _spirit(st: Stage, body: str, dark: str) -> None:
    s = st.s
    bark = "#7a5230"
    s.path("M -30 0 Q -36 -90 -24 -170 L 24 -170 Q 36 -90 30 0 Z", bark, stroke=darken(bark, 0.3), stroke_width=2)
    s.circle(0, -190, 54, "#5a8f3c")
    s.circle(-36, -170, 30, "#6ba34a")
    s.circle(36, -170, 30, "#6ba34a")
    _eyes(st, -130, 11, 4)
    s.path("M -22 -112 Q 0 -40 22 -112 Z", "#6b8e23")  # a beard of moss
    for i in range(5):
        s.circle(-18 + i * 9, -90 + (i % 2) * 14, 3, "#fff3a3")  # fireflies resting in it


def _blob(st: Stage, body: str, dark: str) -> None:
    s = st.s
    s.path("M -40 -6 Q -56 -70 -20 -100 Q 0 -124 24 -100 Q 58 -70 40 -6 Z", body, stroke=dark, stroke_width=2)
    for side in (-1, 1):
        s.circle(side * 40, -40, 10, body, stroke=dark, stroke_width=2)
    _eyes(st, -72, 12, 4)
    s.path("M -8 -56 Q 0 -50 8 -56", "none", stroke=st.pal.dark, stroke_width=2)
