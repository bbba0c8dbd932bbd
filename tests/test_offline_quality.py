"""How the offline storyteller reads, over ten random adventures played through the
socket exactly as a browser plays them (random world, topic, length, pronouns and
choices): little prose shared between adventures, no sentence more than twice in one,
and a reading level for 8-13 year olds."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import statistics

import pytest
from channels.db import database_sync_to_async

from adventures import readability
from adventures.models import Chapter, LessonTopic, StoryWorld
from adventures.operations import telemetry
from adventures.runtime import background
from tests.consumer_support import Player
from tests.factories import start_adventure, visitor_session

pytestmark = [pytest.mark.django_db(transaction=True)]


def _start(rng: random.Random):
    session_key, visitor = visitor_session()
    adventure = start_adventure(
        visitor=visitor,
        world=rng.choice(list(StoryWorld.objects.values_list("slug", flat=True))),
        topic=rng.choice(list(LessonTopic.objects.values_list("slug", flat=True))),
        length=rng.choice((6, 10, 14)),
        seed=rng.randrange(2**40),
        pronouns=rng.choice(("they", "she", "he")),
    )
    return session_key, adventure


def _texts(adventure_id) -> list[str]:
    return list(Chapter.objects.filter(adventure_id=adventure_id).order_by("number").values_list("text", flat=True))


def _saved_choices(adventure_id, number: int) -> list[str] | None:
    chapter = Chapter.objects.filter(adventure_id=adventure_id, number=number).first()
    return None if chapter is None else [c.id for c in chapter.choices]


async def _play(rng: random.Random) -> list[str]:
    """Choices go over the socket, chapters are written by the socket's consumer; each
    chapter is read from the database once saved (this test is about the prose, not
    the fragments, which tests/test_consumers.py checks)."""
    session_key, adventure = await database_sync_to_async(_start)(rng)
    player = Player(adventure.id, session_key)
    await player.connect()
    for number in range(1, adventure.length + 1):
        async with asyncio.timeout(60):
            while (ids := await database_sync_to_async(_saved_choices)(adventure.id, number)) is None:
                await asyncio.sleep(0.05)
        if number < adventure.length:
            await player.choose(number, rng.choice(ids))
    await player.close()
    await background.drain()
    await telemetry.flush()
    return await database_sync_to_async(_texts)(adventure.id)


async def test_ten_random_adventures_through_the_socket_read_freshly():
    rng = random.Random(2026)
    adventures = [await _play(rng) for _ in range(10)]

    repetition = readability.repetition(adventures)
    grades = [readability.fk_grade(text) for texts in adventures for text in texts]
    print(
        f"\nshared across adventures: {repetition.shared_share:.1%}; most in one: {repetition.most_in_one} "
        f"({repetition.worst_sentence!r}); FK grade mean {statistics.mean(grades):.1f}"
    )
    assert repetition.shared_share <= 0.10, repetition.top_shared
    assert repetition.most_in_one <= 2, repetition.worst_sentence
    assert 3 <= statistics.mean(grades) <= 7


def test_the_draws_at_the_start_fit_the_world_and_the_twist():
    from adventures import library

    _, visitor = visitor_session()
    categories = set()
    for seed in range(40):
        adventure = start_adventure(visitor=visitor, world="pearlwater-deep", seed=seed)
        categories.add(adventure.agency_category)
        # Under the sea everyone breathes water already: never offered there.
        assert "the ability to breathe underwater" not in [o.name for o in adventure.agency_options]
        # The companion is never the character the twist is about.
        twist = dataclasses.asdict(adventure.elements.plot_twist)
        companion = dataclasses.asdict(adventure.elements.companion)
        assert companion in library.companions_for(adventure.world.characters, twist)
    assert "ability" in categories  # the rule was really exercised


def test_a_twist_character_is_never_a_companion():
    from adventures import library

    characters = [{"name": "Mossbeard"}, {"name": "Quill"}, {"name": "Professor Odo Fernsby"}]
    twist = {"summary": "x", "hint": "x", "build": "x", "reveal": "Mossbeard slowly opens his eyes."}
    assert [c["name"] for c in library.companions_for(characters, twist)] == ["Quill", "Professor Odo Fernsby"]
    twist = {"reveal": "The Professor admits he cannot read maps, and Fernsby laughs."}
    assert [c["name"] for c in library.companions_for(characters, twist)] == ["Mossbeard", "Quill"]
    everyone = {"reveal": "Mossbeard, Quill and Professor Fernsby wave."}
    assert library.companions_for(characters, everyone) == characters  # nobody left: the rule gives way
