"""The chapter illustration, composed back to front: the sky and light for the phase, the
world's scenery, a landmark the chapter mentions, the lesson, reflection or celebration
motif, and the hero with the gift they chose in chapter 1."""

from __future__ import annotations

import hashlib
import math
import random
import re
from typing import NamedTuple

from adventures import plan
from adventures.plan import ChapterKind
from adventures.storytellers.base import ChapterBrief, Character
from adventures.storytellers.offline import grammar as offline_grammar
from adventures.storytellers.offline import names as offline_names
from adventures.storytellers.offline import plot as offline_plot
from adventures.storytellers.offline import words as offline_words

from . import figures, motifs, obstacles
from .emblems import agency_kind
from .hero import Hero, draw_agency
from .landmarks import draw_landmark, find_landmark
from .scenery import Scenery, choose_scenery
from .stage import GROUND_Y, WHITE, H, Light, Stage, W, cloud
from .svg import Palette, Svg, d, lighten, luminance, mix, sparkle


class _Hour(NamedTuple):
    """How a phase lights the picture; tints are blended into the world's own sky."""

    name: str
    top_tint: tuple[str, float]  # colour, how much of it
    bottom_tint: tuple[str, float]
    sun: tuple[float, float, float]  # x, y, radius
    sun_colour: str
    stars: int
    moon: bool
    dusk: float


_HOURS = {
    plan.EXPOSITION: _Hour("morning", ("#bfe6ff", 0.3), ("#ffd9b8", 0.45), (230, 260, 46), "#fff1b8", 0, False, 0.05),
    plan.RISING: _Hour("day", ("#8fd3ff", 0.12), ("#fffbe6", 0.15), (880, 140, 44), "#fff6c8", 0, False, 0.0),
    plan.TRIALS: _Hour("afternoon", ("#7ab8f5", 0.15), ("#ffe9b0", 0.3), (1010, 220, 46), "#ffefa8", 0, False, 0.1),
    plan.CLIMAX: _Hour("sunset", ("#5b3f8c", 0.5), ("#ff9a5a", 0.6), (870, 390, 66), "#ffb36b", 8, False, 0.45),
    plan.RETURN: _Hour("evening", ("#2d3a6e", 0.55), ("#ffc870", 0.55), (300, 410, 54), "#ffd27a", 30, True, 0.6),
}
_LIGHT_WORDS = {
    "morning": "on a fresh morning",
    "day": "in bright daylight",
    "afternoon": "on a sunny afternoon",
    "sunset": "as the sun sets",
    "evening": "in the golden evening light",
}


def _light(phase: str, pal: Palette, scenery: Scenery) -> Light:
    hour = _HOURS.get(phase, _HOURS[plan.RISING])
    (top_tint, tw), (bottom_tint, bw) = hour.top_tint, hour.bottom_tint
    if scenery.space:  # the sky of the Moon stays black whatever the hour
        tw, bw = tw * 0.2, bw * 0.5
    elif scenery.underwater:  # the sea takes on the colour of the sky above, softly
        tw, bw = tw * 0.8, bw * 0.7
    top, bottom = mix(pal.sky, top_tint, tw), mix(pal.horizon, bottom_tint, bw)
    stars = hour.stars
    if luminance(top) < 0.3 or scenery.space:
        stars = max(stars, 40)  # night-coloured worlds always show their stars
    return Light(hour.name, top, bottom, hour.sun, hour.sun_colour, stars, hour.moon, hour.dusk)


def _seed(brief: ChapterBrief) -> int:
    # hashlib, not hash(): the same chapter must draw the same picture in every process.
    return int(hashlib.sha256(f"scene:{brief.seed}:{brief.number}".encode()).hexdigest()[:12], 16)


def _scenery(brief: ChapterBrief) -> Scenery:
    # The world's own words only, not the chapter text: the scenery stays put for the
    # whole adventure (the landmark follows the text) and the alt text always agrees.
    world = brief.world
    slug_and_name = f"{world.slug.replace('-', ' ')} {world.name}"
    return choose_scenery([(slug_and_name, 5), (world.look, 3), (world.description, 2), (brief.elements.setting, 2)])


def _lesson_motif(brief: ChapterBrief) -> str:
    # Chosen by arithmetic, not by the dice, so the alt text can name it too.
    return "scroll" if (brief.seed + brief.number) % 3 == 0 else "door"


def _reflects_in_window(scenery: Scenery) -> bool:
    return scenery.indoor or scenery.underwater or scenery.space


# --- Sky ------------------------------------------------------------------------


def _stars(st: Stage, count: int, box: tuple[float, float, float, float]) -> None:
    x0, y0, x1, y1 = box
    s = st.s
    with s.group(fill=WHITE):
        for i in range(count):
            x, y = st.rng.uniform(x0, x1), st.rng.uniform(y0, y1)
            if i % 8 == 0:  # a few bright twinkles among the small stars
                s.path(sparkle(x, y, st.rng.uniform(5, 9)), None, fill_opacity=0.9)
            else:
                s.circle(x, y, st.rng.uniform(1, 2.4), None, fill_opacity=round(st.rng.uniform(0.4, 1), 1))


def _sun(st: Stage, x: float, y: float, r: float) -> None:
    s, colour = st.s, st.light.sun_colour
    s.circle(x, y, r * 4, s.glow(colour, 0.55))
    s.circle(x, y, r, s.radial([(0, WHITE), (0.6, lighten(colour, 0.3)), (1, colour)]))


def _moon(st: Stage, x: float, y: float, r: float) -> None:
    s = st.s
    s.circle(x, y, r * 3, s.glow(st.pal.light, 0.3))
    s.path(
        d("M", x, y - r, "A", r, r, 0, 1, 0, x, y + r, "A", r * 0.8, r * 0.8, 0, 1, 1, x, y - r, "Z"),
        lighten(st.pal.light, 0.4),
    )


def _window(st: Stage) -> None:
    """Indoors, the time of day shows through one tall arched window."""
    s, light = st.s, st.light
    arch = "M 450 470 L 450 230 A 150 150 0 0 1 750 230 L 750 470 Z"
    s.circle(600, 270, 260, s.glow(lighten(light.bottom, 0.3), 0.35))
    s.path(arch, s.linear([(0, light.top), (1, light.bottom)]))
    if light.stars:
        _stars(st, light.stars // 3, (470, 110, 730, 330))
    sx, sy, sr = light.sun
    _sun(st, 600 + (sx - 600) * 0.2, 140 + sy * 0.5, sr * 0.6)
    if light.moon:
        _moon(st, 690, 150, 18)
    s.path(arch, "none", stroke="#6b3f26", stroke_width=16)
    s.line(600, 82, 600, 470, "#6b3f26", 8)
    s.line(450, 300, 750, 300, "#6b3f26", 8)


def _sky(st: Stage, scenery: Scenery) -> None:
    s, light = st.s, st.light
    s.rect(0, 0, W, H, s.linear([(0, light.top), (0.62, light.bottom), (1, light.bottom)]))
    if scenery.indoor:
        _window(st)
        return
    if light.stars and not scenery.underwater:
        _stars(st, light.stars, (0, 0, W, 380))
    x, y, r = light.sun
    if scenery.underwater:  # light from the surface, wobbling through the water
        s.ellipse(x, -20, 420, 140, s.glow(st.light.sun_colour, 0.6))
    elif scenery.space:
        s.circle(x, y * 0.5, 80, s.glow(WHITE, 0.5))
        s.circle(x, y * 0.5, 14, WHITE)
    elif st.dark_sky:  # a night-coloured world keeps a big soft moon where the sun would be
        s.circle(x, y, r * 3.5, s.glow(st.pal.light, 0.35))
        s.circle(x, y, r * 0.8, lighten(st.pal.light, 0.5))
    else:
        _sun(st, x, y, r)
    if light.moon and not scenery.underwater and not st.dark_sky:
        _moon(st, 1010 if x < 600 else 190, 120, 30)
    if scenery.clouds and not st.dark_sky:
        tint = {"sunset": mix(light.bottom, "#ffb3c6", 0.4), "evening": mix(light.top, light.bottom, 0.65)}
        colour = lighten(tint.get(light.name, WHITE), 0.35)
        for i in range(4):
            cx, cy = (i + st.rng.uniform(0.1, 0.9)) * W / 4, st.rng.uniform(90, 300)
            if math.dist((cx, cy), (x, y)) > r + 130:  # never hide the sun
                cloud(s, cx, cy, st.rng.uniform(0.6, 1.1), colour, 0.85)


# --- The picture ----------------------------------------------------------------


class Shot(NamedTuple):
    """How the chapter is framed: the whole scene, a close-up on the character met, or
    the obstacle in the way; and who is drawn besides the hero."""

    name: str  # "wide" / "close-up" / "obstacle"
    companion: Character | None  # the world character travelling with the hero
    character: Character | None  # the one met in this chapter, drawn big
    obstacle: str | None  # its kind (adventures/art/obstacles.py)


def _named(character: Character, text: str) -> bool:
    return bool(text) and offline_names.named_in(character, text)


def shot_for(brief: ChapterBrief, text: str) -> Shot:
    """Follows the chapter: the climax obstacle in the chapter before the end, a story
    chapter's obstacle when it meets one, a close-up on whoever asks or explains in a
    lesson or a reflection, the whole scene otherwise."""
    companion = brief.elements.companion if _named(brief.elements.companion, text) else None
    if brief.kind == ChapterKind.CONCLUSION or brief.number == 1:
        return Shot("wide", companion, None, None)
    if offline_plot.is_showdown(brief):
        return Shot("obstacle", companion, None, offline_plot.spine_for(brief).climax_kind)
    local = offline_words.scene_for(brief).local
    met = local if local.name != brief.elements.companion.name and _named(local, text) else None
    obstacle = offline_plot.chapter_obstacle(brief)
    if brief.kind == ChapterKind.STORY and obstacle and offline_grammar.head(obstacle) in text:
        return Shot("obstacle", companion, None, offline_plot.obstacle_kind(obstacle))
    if met is not None and brief.kind in (ChapterKind.LESSON, ChapterKind.REFLECT, ChapterKind.STORY):
        return Shot("close-up", None, met, None)
    return Shot("wide", companion, None, None)


def scene_alt(brief: ChapterBrief, text: str = "") -> str:
    """One sentence for screen readers, saying what the picture shows (worked out from
    the same shot the picture is drawn from)."""
    scenery = _scenery(brief)
    light = _light(brief.phase, Palette.of(brief.world.palette), scenery).name
    world = brief.world.name.strip()
    world = "the " + world[4:] if world.startswith("The ") else world
    shot = shot_for(brief, text)
    sentence = f"{brief.protagonist_name.strip() or 'The hero'} in {world}, {_LIGHT_WORDS[light]}"
    if shot.companion is not None:
        sentence += f", with {figures.what(shot.companion)}"
    if shot.character is not None:
        sentence += f", face to face with {figures.what(shot.character)}"
    if shot.obstacle is not None:
        sentence += f", before {obstacles.WORDS[shot.obstacle]}"
    if brief.agency is not None:
        kind = agency_kind(brief.agency_label, brief.agency.name)
        short = re.split(r" (?:who|that|whose|which|with)\b", brief.agency.name.strip(), maxsplit=1)[0]
        sentence += {
            "companion": f", with {short} close by",
            "role": f", in {short}",
            "ability": f", with {short}",
        }.get(kind, f", holding {short}")
    if brief.kind == ChapterKind.LESSON:
        sentence += (
            ", beside a floating scroll with a riddle"
            if _lesson_motif(brief) == "scroll"
            else ", before a glowing door with a keyhole"
        )
    elif brief.kind == ChapterKind.REFLECT:
        sentence += ", beside a round window" if _reflects_in_window(scenery) else ", beside a calm pool"
    elif brief.kind == ChapterKind.CONCLUSION:
        sentence += ", under bunting, lanterns and fireworks"
    return sentence + "."


def _zoom(shot: Shot, hero_x: float) -> tuple[float, float, float]:
    """(focus x, focus y, scale): a close-up comes in on the pair, feet near the bottom."""
    if shot.name == "close-up":
        return (hero_x + 150, 745, 1.55)
    return (600, 700, 1.0)


def draw_chapter_scene(brief: ChapterBrief, text: str) -> str:
    """A 1200 x 800 SVG illustration of the chapter, the same every time for the same
    brief, in the colours of the brief's world, framed by what the chapter is about."""
    seed = _seed(brief)
    rng = random.Random(seed)
    pal = Palette.of(brief.world.palette)
    scenery = _scenery(brief)
    light = _light(brief.phase, pal, scenery)
    shot = shot_for(brief, text)
    hero_x, motif_x, landmark_x = rng.choice(((470, 860, 190), (380, 760, 1010), (560, 930, 200), (700, 300, 1020)))
    if shot.name == "obstacle":  # the hero at one side, the obstacle filling the other
        hero_x, obstacle_x = (230, 780) if hero_x < 600 else (970, 420)
        motif_x = obstacle_x
    elif shot.name == "close-up":
        hero_x, motif_x = 420, 880
    s = Svg(W, H, token=f"sw{seed:012x}", title=scene_alt(brief, text))
    st = Stage(s, rng, pal, light, hero_x, motif_x, landmark_x)
    hero = Hero(brief.protagonist_look, brief.seed, pal)
    fx, fy, k = _zoom(shot, hero_x)
    with s.group(transform=f"translate({fx} {fy}) scale({k}) translate({-fx} {-fy})"):
        _draw(st, brief, text, scenery, shot, hero)
    # A soft vignette gathers the eye towards the middle, like a page in a picture book.
    s.rect(0, 0, W, H, s.radial([(0.55, pal.dark, 0), (1, pal.dark, 0.35)], 0.5, 0.5, 0.75))
    return s.render()


def _draw(st: Stage, brief: ChapterBrief, text: str, scenery: Scenery, shot: Shot, hero: Hero) -> None:
    s, hero_x, motif_x, landmark_x = st.s, st.hero_x, st.motif_x, st.landmark_x
    _sky(st, scenery)
    if brief.kind == ChapterKind.CONCLUSION:
        motifs.fireworks(st, scenery.indoor)
    scenery.far(st)
    scenery.mid(st)
    landmark = find_landmark(text, brief.elements.setting) if shot.name == "wide" else None
    if landmark is not None:
        draw_landmark(st, landmark, landmark_x, GROUND_Y - 5)
    scenery.ground(st)
    if shot.obstacle is not None:
        # Water lies between the near bank, where the hero stands, and the far one.
        obstacles.draw_obstacle(st, shot.obstacle, motif_x, 610 if shot.obstacle == "wide" else 700)

    if shot.obstacle is not None:
        pass  # the obstacle is the chapter's picture
    elif brief.kind == ChapterKind.LESSON:
        with s.at(motif_x, 650):
            (motifs.lesson_scroll if _lesson_motif(brief) == "scroll" else motifs.lesson_door)(st)
    elif brief.kind == ChapterKind.REFLECT:
        if _reflects_in_window(scenery):
            with s.at(motif_x, 650):
                motifs.reflect_window(st, hero.outfit)
        else:
            with s.at(motif_x, 690):
                motifs.reflect_pool(st)

    feet = 712
    if shot.character is not None:
        figures.draw_character(st, shot.character, hero_x + 260, feet, 1.2)
    if shot.companion is not None:  # on the side away from the gift
        side = -1 if hero_x > 600 else 1
        figures.draw_character(
            st, shot.companion, hero_x - side * 150 if shot.name == "wide" else hero_x + side * 170, feet
        )
    kind = agency_kind(brief.agency_label, brief.agency.name if brief.agency else "")
    raised = draw_agency(st, brief.agency, kind, hero_x, feet)
    hero.draw(st, hero_x, feet, raised or brief.kind == ChapterKind.CONCLUSION)
    scenery.air(st)
    if brief.kind == ChapterKind.CONCLUSION:
        motifs.celebration(st)
