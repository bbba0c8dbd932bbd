"""The offline storyteller passes through the same screens and must never be flagged:
many chapters of every world, kind and phase, with their choices, titles and
summaries, through the safe stream with the offline judge."""

from __future__ import annotations

import pytest

from adventures import library
from adventures.operations import telemetry
from adventures.plan import ChapterKind
from adventures.safety import screen
from adventures.safety.stream import safe_chapter
from adventures.storytellers.base import ChapterDone, Rewind, TextPiece
from adventures.storytellers.offline.provider import OfflineProvider
from tests.llm.briefs import make_brief

_WORLDS = library.read_worlds()
_TOPICS = library.read_topics()
CHAPTERS = [
    (1, ChapterKind.STORY, None),
    (2, ChapterKind.LESSON, None),
    (3, ChapterKind.STORY, True),
    (3, ChapterKind.REFLECT, False),
    (4, ChapterKind.STORY, None),
    (5, ChapterKind.LESSON, None),
    (6, ChapterKind.STORY, False),
    (7, ChapterKind.REFLECT, True),
    (8, ChapterKind.LESSON, None),
    (9, ChapterKind.STORY, True),
    (10, ChapterKind.CONCLUSION, None),
]

SEEDS = (1, 2, 3)


@pytest.fixture(autouse=True)
def _content_read_once(monkeypatch):
    monkeypatch.setattr(library, "read_worlds", lambda: _WORLDS)
    monkeypatch.setattr(library, "read_topics", lambda: _TOPICS)


@pytest.mark.parametrize("world", [w["slug"] for w in _WORLDS])
async def test_offline_adventures_are_never_flagged(world, monkeypatch):
    flags = []
    monkeypatch.setattr(telemetry, "record", lambda name, **fields: flags.append(fields))
    provider = OfflineProvider()
    chapters = 0
    for seed in SEEDS:
        for index, (number, kind, answered) in enumerate(CHAPTERS):
            topic = _TOPICS[(seed + index) % len(_TOPICS)]["slug"]
            brief = make_brief(
                number=number, kind=kind, world=world, topic=topic, seed=seed, answered_correctly=answered
            )
            events = [e async for e in safe_chapter(provider, brief)]
            assert not [e for e in events if isinstance(e, Rewind)], (world, seed, number)
            done = events[-1]
            assert isinstance(done, ChapterDone)
            assert "".join(e.text for e in events if isinstance(e, TextPiece)) == done.text
            for option in brief.agency_options:
                assert screen.check(f"{option.name}: {option.visual}") is None, option
            if seed == SEEDS[0]:  # recomposes the chapter: once per world and chapter is enough
                summary = await provider.title_and_summary(brief, done.text)
                assert screen.check(f"{summary.title}. {summary.summary}") is None, summary
            chapters += 1
    assert flags == []
    assert chapters == len(SEEDS) * len(CHAPTERS)
