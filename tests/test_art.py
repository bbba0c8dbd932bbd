"""The offline illustrations: deterministic, well-formed, safe to inline, in the world's
colours, for every world, phase, chapter kind and agency option."""

from __future__ import annotations

import dataclasses
import html
import re
import xml.etree.ElementTree as ET
from functools import cache

import pytest

from adventures import library, plan
from adventures.art import agency_alt, draw_agency_option, draw_chapter_scene, scene_alt
from adventures.art.emblems import emblem_for, twinkle
from adventures.art.hero import Hero
from adventures.art.scenery import choose_scenery
from adventures.art.svg import Palette
from adventures.plan import ChapterKind
from adventures.storytellers import base
from tests.llm.briefs import make_brief

SVG_NS = "{http://www.w3.org/2000/svg}"
WORLDS = [w["slug"] for w in library.read_worlds()]
CATEGORIES = library.agency_categories()
# A chapter number in a ten-chapter adventure for each phase.
PHASE_CHAPTER = {plan.EXPOSITION: 1, plan.RISING: 2, plan.TRIALS: 5, plan.CLIMAX: 9, plan.RETURN: 10}
KINDS = (ChapterKind.STORY, ChapterKind.LESSON, ChapterKind.REFLECT, ChapterKind.CONCLUSION)
MAX_BYTES = 40_000
TEXT = "They crossed the old bridge and followed the lanterns towards the market."


@cache
def world_brief(slug: str, seed: int = 3) -> base.ChapterBrief:
    """A chapter-2 brief in this world (make_brief reads the YAML, so build each once)."""
    return make_brief(world=slug, number=2, seed=seed)


def chapter(brief: base.ChapterBrief, phase: str, kind: str) -> base.ChapterBrief:
    return dataclasses.replace(brief, number=PHASE_CHAPTER[phase], phase=phase, kind=kind)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 -- our own output, no DTD or entities
    assert root.tag == f"{SVG_NS}svg"
    return root


def assert_safe(svg: str) -> None:
    """Nothing that runs, loads or escapes the picture when it is inlined in a page."""
    root = parse(svg)
    assert not re.search(r"<\s*(script|foreignObject|image|use|a)\b", svg, re.IGNORECASE)
    for element in root.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            assert "href" not in name.lower(), name
            assert "javascript:" not in value.lower()
            for target in re.findall(r"url\(([^)]*)\)", value):
                assert target.startswith("#"), value
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def ids_and_references(svg: str) -> tuple[set[str], set[str]]:
    root = parse(svg)
    ids = {e.attrib["id"] for e in root.iter() if "id" in e.attrib}
    references = set(re.findall(r"url\(#([^)]+)\)", svg)) | set(re.findall(r'aria-labelledby="([^"]+)"', svg))
    return ids, references


def title_of(svg: str) -> str:
    title = parse(svg).find(f"{SVG_NS}title")
    assert title is not None
    return title.text or ""


# --- Chapter scenes ---------------------------------------------------------------


def test_the_same_chapter_draws_the_same_picture():
    brief = world_brief(WORLDS[0])
    assert draw_chapter_scene(brief, TEXT) == draw_chapter_scene(brief, TEXT)
    again = make_brief(world=WORLDS[0], number=2, seed=3)  # built afresh, equal field by field
    assert draw_chapter_scene(again, TEXT) == draw_chapter_scene(brief, TEXT)


def test_another_chapter_or_adventure_draws_another_picture():
    brief = chapter(world_brief(WORLDS[0]), plan.RISING, ChapterKind.STORY)
    pictures = {
        draw_chapter_scene(brief, TEXT),
        draw_chapter_scene(dataclasses.replace(brief, number=3), TEXT),
        draw_chapter_scene(dataclasses.replace(brief, seed=4), TEXT),
        draw_chapter_scene(dataclasses.replace(brief, phase=plan.CLIMAX), TEXT),
        draw_chapter_scene(dataclasses.replace(brief, kind=ChapterKind.LESSON), TEXT),
        draw_chapter_scene(brief, "They rested in the shade of a great oak tree."),  # another landmark
    }
    assert len(pictures) == 6


@pytest.mark.parametrize("slug", WORLDS)
def test_every_phase_and_kind_renders_a_safe_small_picture(slug):
    for phase in PHASE_CHAPTER:
        for kind in KINDS:
            brief = chapter(world_brief(slug), phase, kind)
            svg = draw_chapter_scene(brief, TEXT)
            root = parse(svg)
            assert (root.get("viewBox"), root.get("width"), root.get("height")) == ("0 0 1200 800", "1200", "800")
            assert root.get("role") == "img"
            assert title_of(svg) == scene_alt(brief)
            assert len(svg.encode()) < MAX_BYTES, (phase, kind, len(svg))
            assert_safe(svg)
            ids, references = ids_and_references(svg)
            assert references <= ids, references - ids


@pytest.mark.parametrize("slug", WORLDS)
def test_the_world_palette_colours_the_picture(slug):
    brief = chapter(world_brief(slug), plan.RISING, ChapterKind.STORY)
    svg = draw_chapter_scene(brief, TEXT)
    palette = brief.world.palette
    for key in ("accent", "dark"):  # outlines, the hero, the flowers: used as they are
        assert palette[key].lower() in svg, key
    for key in palette:  # and every colour, sky and horizon too, shapes the picture
        changed = dataclasses.replace(brief.world, palette={**palette, key: "#123456"})
        assert draw_chapter_scene(dataclasses.replace(brief, world=changed), TEXT) != svg, key


def test_phases_light_the_scene_differently():
    brief = world_brief("sunglass-dunes" if "sunglass-dunes" in WORLDS else WORLDS[0])
    skies = set()
    for phase in PHASE_CHAPTER:
        svg = draw_chapter_scene(chapter(brief, phase, ChapterKind.STORY), TEXT)
        skies.add(re.search(r'<linearGradient id="[^"]+"[^>]*>(.*?)</linearGradient>', svg).group(1))
    assert len(skies) == len(PHASE_CHAPTER)


def test_several_pictures_on_one_page_never_share_an_id():
    brief = world_brief(WORLDS[0])
    pictures = [draw_chapter_scene(dataclasses.replace(brief, number=n), TEXT) for n in (2, 3)]
    pictures += [draw_agency_option(brief, option) for option in brief.agency_options]
    seen: set[str] = set()
    for svg in pictures:
        ids, _ = ids_and_references(svg)
        assert not ids & seen
        seen |= ids


def test_world_text_stays_text():
    brief = world_brief(WORLDS[0])
    world = dataclasses.replace(
        brief.world,
        name='<script>alert("hi")</script> & Co',
        palette={**brief.world.palette, "accent": '"/><script>alert(1)</script>', "sky": "red"},
    )
    hostile = dataclasses.replace(
        brief,
        world=world,
        protagonist_name="<b>Ada</b>",
        elements=dataclasses.replace(brief.elements, setting="the <img src=x onerror=alert(1)> gate"),
    )
    svg = draw_chapter_scene(hostile, "<script>alert(2)</script> by the bridge")
    assert_safe(svg)
    assert "<script" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    assert title_of(svg) == scene_alt(hostile)
    assert '<script>alert("hi")</script> &amp; Co' not in svg


def test_a_palette_that_is_not_hex_falls_back_to_friendly_colours():
    palette = Palette.of({"sky": "url(http://x)", "accent": "#ABCDEF"})
    assert palette.accent == "#abcdef"
    assert palette.sky.startswith("#") and len(palette.sky) == 7


def test_scene_alt_says_who_where_when_and_what():
    brief = world_brief(WORLDS[0])
    lesson = chapter(brief, plan.RISING, ChapterKind.LESSON)
    alt = scene_alt(lesson)
    assert alt.startswith(f"{brief.protagonist_name} in ")
    assert brief.elements.setting not in alt  # the picture does not draw it, so it is not said
    assert "in bright daylight" in alt
    assert "door with a keyhole" in alt or "scroll with a riddle" in alt
    assert alt.endswith(".") and alt.count(".") == 1
    finale = scene_alt(chapter(brief, plan.RETURN, ChapterKind.CONCLUSION))
    assert "golden evening" in finale and "fireworks" in finale


def test_the_hero_wears_what_their_look_says():
    palette = Palette.of({})
    hero = Hero("A child in a yellow raincoat with curly red hair and a backpack.", 5, palette)
    assert (hero.outfit, hero.hair, hero.style, hero.pack) == ("#ffd23f", "#c8553d", "curly", True)
    blue = Hero("A child with a high ponytail, a sky-blue tunic with a belt of little pouches.", 5, palette)
    assert (blue.outfit, blue.style) == ("#7cc6fe", "ponytail")
    plain = Hero("A child.", 5, palette)
    assert plain.outfit == palette.accent
    assert Hero("A child.", 5, palette).skin == plain.skin  # the same hero in every chapter


@pytest.mark.parametrize(
    ("text", "scenery"),
    [
        ("An underwater kingdom of coral towers and kelp.", "underwater"),
        ("A harbour by the sea with a lighthouse.", "coast"),
        ("Rainbow glass dunes and an oasis.", "desert"),
        ("A snowy mountain village under the northern lights.", "snow"),
        ("Floating islands drifting through the sky.", "sky"),
        ("A friendly colony on the Moon with a rocket.", "space"),
        ("A city of clock towers and gears.", "city"),
        ("An enormous library where every book is a door.", "library"),
        ("A garden jungle seen by an ant, with beetles and bees.", "jungle"),
        ("A valley where dinosaurs roam among ferns.", "valley"),
        ("An enchanted forest of whispering trees.", "forest"),
        ("A quiet place of gentle meadows.", "hills"),
    ],
)
def test_the_world_words_choose_the_scenery(text, scenery):
    assert choose_scenery([(text, 1)]).name == scenery


# --- Agency cards -----------------------------------------------------------------


@pytest.mark.parametrize("key", list(CATEGORIES))
def test_every_agency_option_has_a_safe_card_with_its_own_emblem(key):
    category = CATEGORIES[key]
    brief = dataclasses.replace(world_brief(WORLDS[0]), agency_label=category.label, agency_prompt=category.prompt)
    cards = set()
    for i, item in enumerate(category.options):
        option = base.AgencyOption(id=f"opt{i}", name=item.name, visual=item.visual)
        svg = draw_agency_option(brief, option)
        root = parse(svg)
        assert (root.get("viewBox"), root.get("width"), root.get("height")) == ("0 0 600 600", "600", "600")
        assert root.get("role") == "img"
        assert title_of(svg) == agency_alt(brief, option) == f"A round badge showing {item.visual.rstrip('.')}."
        assert len(svg.encode()) < MAX_BYTES
        assert_safe(svg)
        assert svg == draw_agency_option(brief, option)
        assert emblem_for(item.name, item.visual) is not twinkle, item.name  # every option is drawn for itself
        cards.add(svg)
    assert len(cards) == len(category.options)


@pytest.mark.parametrize("slug", WORLDS)
def test_agency_cards_and_chosen_gifts_render_in_every_world(slug):
    brief = world_brief(slug)
    for key, category in CATEGORIES.items():
        option = base.AgencyOption(id="opt1", name=category.options[0].name, visual=category.options[0].visual)
        with_label = dataclasses.replace(brief, agency_label=category.label, agency=option)
        card = draw_agency_option(with_label, option)
        assert brief.world.palette["accent"].lower() in card, key
        assert_safe(card)
        scene = draw_chapter_scene(with_label, TEXT)  # the gift travels with the hero
        assert_safe(scene)
        assert scene != draw_chapter_scene(dataclasses.replace(with_label, agency=None), TEXT)


def test_emblems_follow_the_option_words():
    assert emblem_for("a brass compass").__name__ == "compass"
    assert emblem_for("a small owl who always knows what time it is").__name__ == "owl"
    assert emblem_for("the ability to shrink to the size of a mouse").__name__ == "acorn"
    assert emblem_for("a loyal dog who understands every language").__name__ == "dog"
    assert emblem_for("a thing", "a small silver key").__name__ == "key"
    assert emblem_for("something nobody has drawn") is twinkle


def test_the_card_title_escapes_the_option_text():
    brief = world_brief(WORLDS[0])
    option = base.AgencyOption(id='x"><script>', name="<script>a fox</script>", visual="a <b>bold</b> fox")
    svg = draw_agency_option(brief, option)
    assert_safe(svg)
    assert "<b>" not in svg and "<script" not in svg
    assert title_of(svg) == "A round badge showing a <b>bold</b> fox."


def test_an_adventure_s_pictures_follow_its_chapters_and_draw_its_characters():
    from adventures.art import figures
    from adventures.art.scene import shot_for
    from adventures.storytellers.offline import play as offline_play

    for world in ("mossglow-forest", "pearlwater-deep", "silverdust-moonbase"):
        played = offline_play.play(seed=7, world=world, length=10)
        shots = [shot_for(c.brief, c.text) for c in played]
        assert {"wide", "close-up", "obstacle"} <= {shot.name for shot in shots}, world
        # The climax obstacle is the picture of the chapter before the end.
        assert shots[-2].name == "obstacle"
        for chapter, shot in zip(played, shots, strict=True):
            svg = draw_chapter_scene(chapter.brief, chapter.text)
            alt = scene_alt(chapter.brief, chapter.text)
            assert f'-title">{html.escape(alt, quote=False)}</title>' in svg
            for character in (shot.companion, shot.character):
                if character is not None:
                    # Drawn, and said: the alt text names who the picture shows.
                    assert figures.what(character) in alt
            if shot.name == "close-up":
                assert "scale(1.55)" in svg
                assert chapter.brief.elements.companion.name not in alt
