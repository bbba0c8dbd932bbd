"""A tiny SVG writer and colour arithmetic for the offline illustrations.

Everything is built from plain strings so the pictures need no third-party library;
every value that reaches the document passes through `_attr` (numbers, our own colours
and path data) or `escape` (the title), so world text can never break out of the markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from xml.sax.saxutils import escape

HEX = re.compile(r"#[0-9a-fA-F]{6}")

# Used when a palette is missing a key or holds something that is not #rrggbb.
DEFAULT_PALETTE = {
    "sky": "#8ecae6",
    "horizon": "#ffe8c2",
    "ground": "#6a994e",
    "accent": "#f4a261",
    "dark": "#264653",
    "light": "#fffbea",
}


def num(value: float) -> str:
    """Short numbers keep the documents small and stable: one decimal for small values."""
    if isinstance(value, int):
        return str(value)
    if abs(value) >= 10:  # half a pixel is invisible at this size; the bytes are not
        return str(round(value))
    text = f"{value:.1f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def d(*parts: object) -> str:
    """Path data from commands and numbers: d("M", 0, 0, "L", 10, 5)."""
    return " ".join(num(p) if isinstance(p, int | float) else str(p) for p in parts)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def mix(a: str, b: str, t: float) -> str:
    """The colour `t` of the way from a to b."""
    t = min(1.0, max(0.0, t))
    ra, ga, ba = _rgb(a)
    rb, gb, bb = _rgb(b)
    return f"#{round(ra + (rb - ra) * t):02x}{round(ga + (gb - ga) * t):02x}{round(ba + (bb - ba) * t):02x}"


def lighten(colour: str, t: float) -> str:
    return mix(colour, "#ffffff", t)


def darken(colour: str, t: float) -> str:
    return mix(colour, "#000000", t)


def luminance(colour: str) -> float:
    """Perceived brightness, 0 (black) .. 1 (white)."""
    r, g, b = _rgb(colour)
    return (0.299 * r + 0.587 * g + 0.114 * b) / 255


@dataclass(frozen=True)
class Palette:
    sky: str
    horizon: str
    ground: str
    accent: str
    dark: str
    light: str

    @classmethod
    def of(cls, colours: dict[str, str]) -> Palette:
        """The world's palette; anything malformed falls back to a friendly default,
        because palettes can be edited in the admin and must never reach the markup raw."""
        chosen = {}
        for key, default in DEFAULT_PALETTE.items():
            value = colours.get(key) if isinstance(colours, dict) else None
            chosen[key] = value.lower() if isinstance(value, str) and HEX.fullmatch(value) else default
        return cls(**chosen)


def _attr(name: str, value: object) -> str:
    key = name.rstrip("_").replace("_", "-")
    text = num(value) if isinstance(value, int | float) else str(value)
    return f'{key}="{escape(text, {chr(34): "&quot;"})}"'


Stop = tuple[float, str] | tuple[float, str, float]


class Svg:
    """One SVG document: gradients go to <defs>, shapes to the body, in drawing order.

    Ids start with a token derived from the picture's seed, so several inline pictures
    on one page never share a gradient id."""

    def __init__(self, width: int, height: int, *, token: str, title: str) -> None:
        self.width = width
        self.height = height
        self.token = token
        self.title = title
        self._defs: list[str] = []
        self._body: list[str] = []
        self._gradients: dict[tuple[object, ...], str] = {}

    def _new_id(self, kind: str) -> str:
        return f"{self.token}-{kind}{len(self._defs)}"

    def _stops(self, stops: Sequence[Stop]) -> str:
        parts = []
        for stop in stops:
            offset, colour = stop[0], stop[1]
            opacity = f' stop-opacity="{num(stop[2])}"' if len(stop) > 2 else ""
            parts.append(f'<stop offset="{num(offset)}" stop-color="{colour}"{opacity}/>')
        return "".join(parts)

    def linear(self, stops: Sequence[Stop], x1: float = 0, y1: float = 0, x2: float = 0, y2: float = 1) -> str:
        """A linear gradient (vertical by default); returns the fill value `url(#...)`."""
        key = ("l", tuple(stops), x1, y1, x2, y2)
        if key not in self._gradients:
            gid = self._new_id("l")
            coords = " ".join(_attr(k, v) for k, v in (("x1", x1), ("y1", y1), ("x2", x2), ("y2", y2)))
            self._defs.append(f'<linearGradient id="{gid}" {coords}>{self._stops(stops)}</linearGradient>')
            self._gradients[key] = gid
        return f"url(#{self._gradients[key]})"

    def radial(self, stops: Sequence[Stop], cx: float = 0.5, cy: float = 0.5, r: float = 0.5) -> str:
        key = ("r", tuple(stops), cx, cy, r)
        if key not in self._gradients:
            gid = self._new_id("r")
            coords = " ".join(_attr(k, v) for k, v in (("cx", cx), ("cy", cy), ("r", r)))
            self._defs.append(f'<radialGradient id="{gid}" {coords}>{self._stops(stops)}</radialGradient>')
            self._gradients[key] = gid
        return f"url(#{self._gradients[key]})"

    def glow(self, colour: str, strength: float = 0.8) -> str:
        """A soft round light fading to nothing at its edge."""
        return self.radial([(0, colour, strength), (0.45, colour, strength * 0.45), (1, colour, 0)])

    def add(self, tag: str, **attrs: object) -> None:
        """One element; an attribute given as None is left out (a fill set on the group)."""
        self._body.append(f"<{tag} {' '.join(_attr(k, v) for k, v in attrs.items() if v is not None)}/>")

    @contextmanager
    def group(self, **attrs: object) -> Iterator[None]:
        """Children drawn inside share these attributes (a fill, an outline, a transform)."""
        rendered = " ".join(_attr(k, v) for k, v in attrs.items() if v is not None)
        self._body.append(f"<g {rendered}>")
        yield
        self._body.append("</g>")

    def at(self, x: float, y: float, scale: float = 1, flip: int = 1, **attrs: object) -> AbstractContextManager[None]:
        """A group whose children are drawn around (x, y), `scale` times as big and
        mirrored when `flip` is -1: shapes keep their own small, readable coordinates."""
        transform = f"translate({num(x)} {num(y)})"
        if scale != 1 or flip != 1:
            transform += f" scale({scale * flip:.3g} {scale:.3g})"
        return self.group(transform=transform, **attrs)

    # Shorthands for the shapes used everywhere.
    def circle(self, cx: float, cy: float, r: float, fill: str | None, **attrs: object) -> None:
        self.add("circle", cx=cx, cy=cy, r=r, fill=fill, **attrs)

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill: str | None, **attrs: object) -> None:
        self.add("ellipse", cx=cx, cy=cy, rx=rx, ry=ry, fill=fill, **attrs)

    def rect(self, x: float, y: float, w: float, h: float, fill: str | None, **attrs: object) -> None:
        self.add("rect", x=x, y=y, width=w, height=h, fill=fill, **attrs)

    def path(self, data: str, fill: str | None, **attrs: object) -> None:
        self.add("path", d=data, fill=fill, **attrs)

    def polygon(self, points: Iterable[tuple[float, float]], fill: str | None, **attrs: object) -> None:
        self.add("polygon", points=" ".join(f"{num(x)},{num(y)}" for x, y in points), fill=fill, **attrs)

    def line(
        self, x1: float, y1: float, x2: float, y2: float, stroke: str | None, width: float | None = 2, **attrs: object
    ) -> None:
        """A line; a stroke or width given as None comes from the enclosing group."""
        self.add("line", x1=x1, y1=y1, x2=x2, y2=y2, stroke=stroke, stroke_width=width, **attrs)

    def clip_rect(self, x: float, y: float, w: float, h: float, rx: float = 0) -> str:
        """A clip path for rounded frames; returns the `clip-path` value."""
        cid = self._new_id("c")
        self._defs.append(
            f'<clipPath id="{cid}"><rect {_attr("x", x)} {_attr("y", y)} {_attr("width", w)} '
            f"{_attr('height', h)} {_attr('rx', rx)}/></clipPath>"
        )
        return f"url(#{cid})"

    def render(self) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" '
            f'width="{self.width}" height="{self.height}" role="img" aria-labelledby="{self.token}-title">'
            f'<title id="{self.token}-title">{escape(self.title)}</title>'
            f"<defs>{''.join(self._defs)}</defs>{''.join(self._body)}</svg>"
        )


def smooth_ridge(points: Sequence[tuple[float, float]], bottom: float) -> str:
    """A closed path through the midpoints of `points` with soft curves, filled down to
    `bottom`: rolling hills, dunes, snowdrifts."""
    (x0, y0), rest = points[0], points[1:]
    parts: list[object] = ["M", x0, bottom, "L", x0, y0]
    for (xa, ya), (xb, yb) in zip(points, rest, strict=False):
        parts += ["Q", xa, ya, (xa + xb) / 2, (ya + yb) / 2]
    xl, yl = points[-1]
    parts += ["L", xl, yl, "L", xl, bottom, "Z"]
    return d(*parts)


def sparkle(cx: float, cy: float, r: float) -> str:
    """A four-pointed twinkle."""
    k = r * 0.22
    corners = [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]
    bends = [(cx + k, cy - k), (cx + k, cy + k), (cx - k, cy + k), (cx - k, cy - k)]
    parts: list[object] = ["M", *corners[0]]
    for (bx, by), (x, y) in zip(bends, corners[1:] + corners[:1], strict=True):
        parts += ["Q", bx, by, x, y]
    return d(*parts, "Z")


def gear(cx: float, cy: float, r: float, teeth: int = 8) -> str:
    """A cog outline: alternating tooth tips and roots around a circle."""
    parts: list[object] = []
    steps = teeth * 4
    for i in range(steps):
        angle = 2 * math.pi * i / steps
        radius = r if i % 4 in (1, 2) else r * 0.78
        parts += ["L" if parts else "M", cx + radius * math.cos(angle), cy + radius * math.sin(angle)]
    return d(*parts, "Z")


def ring(cx: float, cy: float, outer: float, inner: float) -> str:
    """A disc with a hole, for fill-rule="evenodd" (key bows, portholes)."""

    def circle(r: float) -> list[object]:
        return ["M", cx - r, cy, "A", r, r, 0, 1, 0, cx + r, cy, "A", r, r, 0, 1, 0, cx - r, cy, "Z"]

    return d(*circle(outer), *circle(inner))
