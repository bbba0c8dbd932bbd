"""The landscapes behind a chapter scene, one kind of scenery per sort of world.

A scenery is four painters called back to front: `far` (mountains, skylines), `mid`
(trees, domes, kelp), `ground` (where the hero stands) and `air` (bubbles, snowflakes,
fireflies over everything). The world's own words choose the scenery, so a new world
written in YAML gets fitting pictures without touching this file. The painters live in
adventures/art/landscapes/, one module per family of places.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from adventures.art.landscapes import built, land, sea, sky, wild
from adventures.art.stage import Stage

Painter = Callable[[Stage], None]


@dataclass(frozen=True)
class Scenery:
    name: str
    words: str  # a regex of the words that call for this scenery
    far: Painter
    mid: Painter
    ground: Painter
    air: Painter
    indoor: bool = False  # the sky is seen through a window
    underwater: bool = False
    space: bool = False
    clouds: bool = True


# fmt: off
SCENERIES = (
    Scenery("underwater", r"underwater|undersea|coral|reef|kelp|merfolk|mermaids?|seabed|deep|pearl|submarine|divers?",
            sea.sea_far, sea.sea_mid, sea.sea_ground, sea.sea_air, underwater=True, clouds=False),
    Scenery("coast", r"sea|harbou?r|beach|coast|waves?|lighthouse|port|shore|sail\w*|tide",
            sea.coast_far, sea.coast_mid, sea.coast_ground, sea.coast_air),
    Scenery("desert", r"desert|dunes?|sand|oasis|cactus|caravans?|camels?|glass",
            land.desert_far, land.desert_mid, land.desert_ground, land.desert_air),
    Scenery("snow", r"snow\w*|ice|icy|frost\w*|winter|glaciers?|sled\w*|arctic|polar|northern lights|mountains?",
            land.snow_far, land.snow_mid, land.snow_ground, land.snow_air),
    Scenery("sky", r"sky|skies|clouds?|cirrus|isles?|floating|balloons?|kites?|rainbows?|airy",
            sky.sky_far, sky.sky_mid, sky.sky_ground, sky.sky_air),
    Scenery("space", r"space|moon\w*|lunar|planets?|rockets?|astronauts?|craters?|orbit|galaxy|station|"
                     r"spacesuits?|comets?",
            sky.space_far, sky.space_mid, sky.space_ground, sky.space_air, space=True, clouds=False),
    Scenery("city", r"city|town|clocks?|towers?|gears?|cogs?|steam|brass|copper|factory|rooftops?|streets?|automatons?",
            built.city_far, built.city_mid, built.city_ground, built.city_air),
    Scenery("library", r"librar\w*|books?|shel(?:f|ves)|pages?|reading|ink\w*|scrolls?",
            built.library_far, built.library_mid, built.library_ground, built.library_air, indoor=True, clouds=False),
    Scenery("jungle", r"jungle|insects?|ants?|beetles?|bees?|butterfl\w*|dewdrops?|dragonfl\w*|garden",
            wild.jungle_far, wild.jungle_mid, wild.jungle_ground, wild.jungle_air),
    Scenery("valley", r"dinosaurs?|dino|valley|volcano\w*|ferns?|prehistoric|pterosaurs?|fossils?",
            wild.valley_far, wild.valley_mid, wild.valley_ground, wild.valley_air),
    Scenery("forest", r"forest|woods?|woodland|grove|trees?|oak|mushrooms?|moss\w*",
            land.forest_far, land.forest_mid, land.forest_ground, land.forest_air),
)
# fmt: on
HILLS = Scenery("hills", "", land.hills_far, land.hills_mid, land.hills_ground, land.hills_air)
_WORDS = {scenery.name: re.compile(rf"\b(?:{scenery.words})\b", re.IGNORECASE) for scenery in SCENERIES}


def choose_scenery(weighted_texts: list[tuple[str, int]]) -> Scenery:
    """The scenery whose words the world uses most (each text counted `weight` times);
    rolling hills when none of them fits."""
    best, best_score = HILLS, 0
    for scenery in SCENERIES:
        score = sum(weight * len(_WORDS[scenery.name].findall(text)) for text, weight in weighted_texts)
        if score > best_score:
            best, best_score = scenery, score
    return best
