"""The offline illustrations: chapter scenes and agency cards drawn as SVG in a world's
palette, deterministic for a given adventure, with no network and no libraries.

`draw_chapter_scene` and `draw_agency_option` return whole SVG documents; `scene_alt`
and `agency_alt` the sentence a screen reader says for them.
"""

from __future__ import annotations

from .card import agency_alt, draw_agency_option
from .scene import draw_chapter_scene, scene_alt

__all__ = ["agency_alt", "draw_agency_option", "draw_chapter_scene", "scene_alt"]
