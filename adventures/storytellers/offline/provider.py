"""The offline storyteller: the default provider when no API key is set.

It writes real chapters from the world, topic, agency and plan (composed by
prose.py from the prose library in adventures/content/offline/), streams them a
few words at a time as if written live, and draws its pictures with adventures.art.
Everything is deterministic: the same brief always gives the same chapter.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import AsyncGenerator

from django.conf import settings

from adventures.storytellers.base import (
    AgencyOption,
    ChapterBrief,
    ChapterDone,
    Picture,
    SceneRequest,
    TextPiece,
    TitleSummary,
    Verdict,
)
from adventures.storytellers.offline import names as offline_names
from adventures.storytellers.offline import prose as offline_prose
from adventures.storytellers.offline import reading_level
from adventures.storytellers.offline import words as offline_words

SVG = "image/svg+xml"


class OfflineProvider:
    name = "offline"
    # Its moderate() is the local screen: safety.moderation.judge skips it when the
    # screen has just run over the same text.
    moderates_with_screen = True

    async def stream_chapter(self, brief: ChapterBrief) -> AsyncGenerator[TextPiece | ChapterDone, None]:
        composition = offline_prose.compose(brief)
        text = reading_level.for_band(composition.text.strip(), brief.age_band)
        # Read on every call so a test or an operator can change the pace at run time.
        delay = max(0, settings.STORYWEB_OFFLINE_DELAY_MS) / 1000
        for piece in pieces(text, offline_prose.rng_for(brief, "pieces")):
            yield TextPiece(text=piece)
            # Even at 0 this yields to the event loop, so 50 players stream side by side.
            await asyncio.sleep(delay)
        yield ChapterDone(text=text, choices=composition.choices)

    async def title_and_summary(self, brief: ChapterBrief, text: str) -> TitleSummary:
        # The text is ours, so recomposing the brief's plan says what happened in it.
        title, summary = offline_prose.title_and_summary(brief)
        return TitleSummary(title=title, summary=summary)

    async def character_visuals(self, brief: ChapterBrief, text: str, known: dict[str, str]) -> dict[str, str]:
        visuals = dict(known)
        look = brief.protagonist_look.strip()
        if brief.agency is not None:
            look = f"{look.rstrip('.')}; {_with_agency(brief, brief.agency)}"
        visuals[brief.protagonist_name] = _sentence(look)
        for character in brief.world.characters:
            if offline_names.named_in(character, text):
                visuals[character.name] = _sentence(character.look)
        return visuals

    async def chapter_picture(self, scene: SceneRequest) -> Picture:
        # Drawn on demand (keeps start-up light); the art module words the alt text
        # because only it knows what the picture shows.
        from adventures import art

        svg = art.draw_chapter_scene(scene.brief, scene.chapter_text)
        return Picture(data=svg.encode(), mime_type=SVG, alt=art.scene_alt(scene.brief, scene.chapter_text))

    async def agency_picture(self, brief: ChapterBrief, option: AgencyOption) -> Picture:
        from adventures import art

        svg = art.draw_agency_option(brief, option)
        return Picture(data=svg.encode(), mime_type=SVG, alt=art.agency_alt(brief, option))

    async def moderate(self, brief: ChapterBrief, text: str, *, kind: str) -> Verdict:
        # No model to ask: the local screen over the whole text is the offline judge.
        from adventures.safety.moderation import local_verdict

        return local_verdict(text)


def pieces(text: str, rng: random.Random) -> list[str]:
    """Split the text into pieces of two to six words that join back into it exactly.

    Paragraph breaks ("\\n\\n") stay inside the pieces, attached to the word before."""
    tokens = re.findall(r"\S+\s*", text)
    result: list[str] = []
    i = 0
    while i < len(tokens):
        size = rng.randint(2, 6)
        result.append("".join(tokens[i : i + size]))
        i += size
    return result


def _with_agency(brief: ChapterBrief, option: AgencyOption) -> str:
    visual = option.visual.strip().rstrip(".")
    kind = offline_words.agency_kind(brief)
    if kind == "item":
        return f"carrying {visual}"
    if kind == "companion":
        return f"travelling with {visual}"
    return f"seen as {visual}"  # a role or an ability shows in how the hero looks


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")
