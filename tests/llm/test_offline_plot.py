"""The offline storyteller tells a plot: whole adventures in every world with every kind
of agency, played through the storyteller (adventures/storytellers/offline/play.py)."""

from __future__ import annotations

import re

import pytest

from adventures import library, plan, readability
from adventures.plan import ChapterKind
from adventures.storytellers.offline import play as offline_play
from adventures.storytellers.offline import plot as offline_plot
from adventures.storytellers.offline import words as offline_words
from adventures.storytellers.offline.grammar import definite

WORLDS = [w["slug"] for w in library.read_worlds()]
AGENCIES = library.AGENCY_CATEGORIES
LENGTHS = (6, 10, 14)


def _literal(template: str) -> str:
    """The longest stretch of a template with no {name} in it: what must be in the text."""
    return max(re.split(r"\{[a-z_]+\}", template), key=len).strip()


@pytest.mark.parametrize("world", WORLDS)
@pytest.mark.parametrize("agency", AGENCIES)
def test_every_world_and_agency_tells_the_quest_in_order_and_ends_it(world, agency):
    seed = WORLDS.index(world) * 10 + AGENCIES.index(agency)
    length = LENGTHS[seed % 3]
    played = offline_play.play(seed=seed, world=world, agency=agency, length=length)
    brief = played[-1].brief
    spine = offline_plot.spine_for(brief)
    story = "\n\n".join(c.text for c in played)

    # The quest's steps appear in order, in the middle chapters.
    assert spine.steps and spine.steps != tuple(offline_plot.plots()["generic"]["steps"])
    at = [story.find(_literal(step)) for step in spine.steps]
    assert -1 not in at, (spine.steps, at)
    assert at == sorted(at)
    climax_start = plan.phase_boundaries(length)[1]
    middle = "\n\n".join(c.text for c in played[1 : climax_start - 1])
    assert all(_literal(step) in middle for step in spine.steps)

    # The option picked in chapter 1 beats the climax obstacle, in the chapter before the end.
    showdown = played[-2]
    use = offline_plot.use_template(showdown.brief, _agency_kind(agency), spine.climax_kind)
    paragraph = next(p for p in showdown.text.split("\n\n") if _literal(use) in p)
    assert definite(spine.climax_obstacle).lower() in paragraph.lower()
    option = played[0].chosen
    assert showdown.brief.agency is not None and showdown.brief.agency.name == option
    assert option.lower() in showdown.text.lower()

    # The twist is revealed exactly once, and its character is not met before it.
    reveal = offline_words.twist_sentence(brief, "reveal")
    assert reveal and "heroes" not in reveal  # one hero and one friend, not "the heroes"
    assert story.count(reveal) == 1
    # (The hint and the clue may mention them, as a mystery does; they are not met.)
    hidden = offline_plot.hidden_until_reveal(played[1].brief)
    for chapter in played[1:climax_start]:
        assert offline_words.scene_for(chapter.brief).local.name not in hidden
        assert not any(name in choice for name in hidden for choice in chapter.choices)

    # The last choice shows in the ending, and the ending is the quest's own.
    last_choice = played[-2].chosen
    ending = played[-1].text
    assert last_choice[1:].rstrip(".") in ending
    assert _literal(spine.done) in ending

    # No chapter title twice.
    titles = [c.title for c in played]
    assert len(set(titles)) == len(titles), titles


def _agency_kind(category: str) -> str:
    return {"magical_item": "item", "companion": "companion", "role": "role", "ability": "ability"}[category]


def test_a_middle_obstacle_is_never_met_twice_at_the_same_place():
    for seed in range(20):
        played = offline_play.play(seed=seed, length=14)
        pairs = [
            (c.brief.number, offline_plot.chapter_obstacle(c.brief))
            for c in played
            if offline_plot.is_middle(c.brief) and offline_plot.chapter_obstacle(c.brief)
        ]
        obstacles = [o for _, o in pairs]
        assert brief_climax_obstacle(played) not in obstacles
        story_obstacles = [
            offline_plot.chapter_obstacle(c.brief)
            for c in played
            if c.brief.kind == ChapterKind.STORY and offline_plot.is_middle(c.brief)
        ]
        story_obstacles = [o for o in story_obstacles if o]
        assert len(set(story_obstacles)) == len(story_obstacles)


def brief_climax_obstacle(played: list[offline_play.PlayedChapter]) -> str:
    return played[0].brief.elements.obstacle


def test_every_quest_and_obstacle_of_every_world_has_its_plot():
    data = offline_plot.plots()
    for world in library.read_worlds():
        for quest in world["quests"]:
            spine = data["quests"][quest]
            assert len(spine["steps"]) == offline_plot.STEPS, quest
        for obstacle in world["obstacles"]:
            assert data["obstacle_kinds"][obstacle] in data["uses"]["item"], obstacle
    for uses in data["uses"].values():
        assert set(uses) == set(data["uses"]["item"])
    assert set(data["solve"]) == set(data["uses"]["item"])  # a middle chapter can meet any kind


@pytest.mark.parametrize(
    ("pronouns", "they", "their"), [("she", "she", "her"), ("he", "he", "his"), ("they", "they", "their")]
)
def test_the_hero_is_called_by_the_chosen_pronouns(pronouns, they, their):
    played = offline_play.play(seed=3, world="mossglow-forest", agency="magical_item", length=6, pronouns=pronouns)
    brief = played[-2].brief
    words = offline_words.words_for(brief, offline_words.scene_for(brief))
    assert (words["they"], words["their"]) == (they, their)


def test_the_reading_measures():
    assert readability.sentences("“Hello!” said Ann. It was late.\n\nThe end.") == [
        "“Hello!” said Ann.",
        "It was late.",
        "The end.",
    ]
    assert [readability.syllables(w) for w in ("cat", "table", "adventure", "beautiful", "jumped", "wanted")] == [
        1,
        2,
        3,
        3,
        1,
        2,
    ]
    # 2 sentences, 9 words, 10 syllables
    assert readability.fk_grade("The cat sat down. It was a happy cat.") == pytest.approx(
        0.39 * 9 / 2 + 11.8 * 10 / 9 - 15.59
    )
    rep = readability.repetition([["A dog ran. A dog ran. Hi."], ["A dog ran. Bye."]])
    assert rep.most_in_one == 2
    assert rep.shared_share == pytest.approx(3 / 5)


def test_no_night_sights_on_a_sunny_day():
    night = "fireflies spelling out words in the dark"
    seen_at_night = 0
    for seed in range(12):
        for chapter in offline_play.play(seed=seed, world="mossglow-forest", length=14):
            chosen_it = night in (chapter.brief.previous_choice or "").lower()
            if chapter.brief.phase in (plan.EXPOSITION, plan.RISING, plan.TRIALS) and not chosen_it:
                assert night not in chapter.text, (seed, chapter.brief.number)
            seen_at_night += night in chapter.text
    assert seen_at_night  # still there at sunset and in the evening


def test_the_narration_says_the_pronoun_after_the_name():
    from adventures.storytellers.offline.grammar import hero_pronouns

    text = "Ravi laughed. Ravi was tired. Ravi went on. “Ravi is here,” said Ravi. Ravi sat. Ravi's bag fell."
    assert hero_pronouns(text, "Ravi", "they") == (
        "Ravi laughed. They were tired. Ravi went on. “Ravi is here,” said Ravi. Ravi sat. Their bag fell."
    )
    assert hero_pronouns("Ravi laughed. Ravi was tired.", "Ravi", "she") == "Ravi laughed. She was tired."
    assert hero_pronouns("Ravi laughed. Ravi was tired.", "Ravi", "he") == "Ravi laughed. He was tired."
    # Somebody else named in between: the name stays, so "she" cannot mean them.
    assert hero_pronouns("Ravi met Hazel. Ravi sat.", "Ravi", "she", ("Hazel",)) == "Ravi met Hazel. Ravi sat."
