"""What comes after a chapter, off the critical path: its title and summary, the
character visuals, its picture; and in chapter 1 the three agency pictures.

All of it runs as background tasks that outlive the socket, saves through services,
and announces the result on the adventure's group. A page that finds something
missing asks for it again (`request_missing`); a lock in the cache makes sure the same
piece is never made twice at the same time, across processes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from django.conf import settings

from adventures import picture_store, services
from adventures.models import Chapter, ImageStatus
from adventures.operations import telemetry
from adventures.play import groups, narration
from adventures.runtime import background, coordination, places, workers
from adventures.storytellers import briefs, get_provider
from adventures.storytellers.base import AgencyOption, ChapterBrief, ChoiceRepairer, SceneRequest

logger = logging.getLogger(__name__)

LOCK_SECONDS = 120


async def _once(key: str, work: Callable[[], Awaitable[None]]) -> None:
    """Run `work` unless another task (here or in another process) is doing it."""
    await coordination.once(f"extras:{key}", work, expires=LOCK_SECONDS)


# --- Title, summary, visuals -----------------------------------------------------------


async def title_and_summary(chapter_id: int, brief: ChapterBrief, text: str) -> None:
    async def work() -> None:
        result = await get_provider().title_and_summary(brief, text)
        title, summary = result.title, result.summary
        save = partial(services.chapter_set_title_summary, chapter_id=chapter_id, title=title, summary=summary)
        await groups.save_and_show(brief.adventure_id, brief.number, "title", save)

    await _once(f"title:{chapter_id}", work)


async def character_visuals(brief: ChapterBrief, text: str) -> None:
    visuals = await get_provider().character_visuals(brief, text, dict(brief.character_visuals))
    await workers.database(services.character_visuals_save)(adventure_id=brief.adventure_id, visuals=visuals)


# --- Pictures ------------------------------------------------------------------------


async def chapter_picture(chapter_id: int, brief: ChapterBrief, text: str) -> None:
    async def work() -> None:
        began = time.monotonic()
        outcome = "ok"
        try:
            async with asyncio.timeout(settings.STORYWEB_IMAGE_DEADLINE):
                picture = await get_provider().chapter_picture(SceneRequest(brief=brief, chapter_text=text))
                stored = await picture_store.store(f"adventures/{brief.adventure_id}/chapter-{brief.number}", picture)
            save = partial(
                services.chapter_picture_save,
                chapter_id=chapter_id,
                name=stored.name,
                alt=picture.alt,
                width=stored.width,
                height=stored.height,
            )
            await groups.save_and_show(brief.adventure_id, brief.number, "image", save)
        except Exception as error:
            outcome = "timeout" if isinstance(error, TimeoutError) else "error"
            logger.warning("picture for chapter %s of %s failed: %r", brief.number, brief.adventure_id, error)
            failed = partial(services.chapter_picture_failed, chapter_id=chapter_id)
            await groups.save_and_show(brief.adventure_id, brief.number, "image", failed)
        telemetry.record(
            "image_generated",
            adventure_id=brief.adventure_id,
            chapter_number=brief.number,
            chapter_kind=brief.kind,
            duration_ms=(time.monotonic() - began) * 1000,
            outcome=outcome,
            purpose="chapter",
        )

    await _once(f"picture:{chapter_id}", work)


async def agency_picture(brief: ChapterBrief, option: AgencyOption, index: int) -> None:
    async def work() -> None:
        began = time.monotonic()
        outcome = "ok"
        try:
            async with asyncio.timeout(settings.STORYWEB_IMAGE_DEADLINE):
                picture = await get_provider().agency_picture(brief, option)
                stored = await picture_store.store(f"adventures/{brief.adventure_id}/agency-{index}", picture)
            save = partial(
                services.agency_picture_save,
                adventure_id=brief.adventure_id,
                option_id=option.id,
                name=stored.name,
                alt=picture.alt,
            )
            await groups.show_agency_picture(brief.adventure_id, index, save)
        except Exception as error:
            outcome = "timeout" if isinstance(error, TimeoutError) else "error"
            logger.warning("agency picture %s of %s failed: %r", index, brief.adventure_id, error)
        telemetry.record(
            "image_generated",
            adventure_id=brief.adventure_id,
            chapter_number=1,
            duration_ms=(time.monotonic() - began) * 1000,
            outcome=outcome,
            purpose="agency",
        )

    await _once(f"agency:{brief.adventure_id}:{option.id}", work)


# --- Choices that were a stand-in -------------------------------------------------------


async def repair_choices(chapter_id: int, brief: ChapterBrief, text: str, provisional: list[str]) -> None:
    """The chapter was saved with stand-in choices: make the real ones and swap the
    buttons of whoever is reading, unless a choice was made first."""
    provider = get_provider()
    if not isinstance(provider, ChoiceRepairer):
        return
    try:
        choices = await provider.repair_choices(brief, text)
    except Exception as error:  # the stand-in choices stay, and they work
        logger.warning("choices repair for chapter %s of %s failed: %r", brief.number, brief.adventure_id, error)
        return
    replace = partial(
        services.chapter_replace_provisional_choices,
        chapter_id=chapter_id,
        provisional=provisional,
        choices=list(choices),
    )
    await groups.save_and_show(brief.adventure_id, brief.number, "choices", replace)


# --- Starting the work -----------------------------------------------------------------


def start_agency_pictures(brief: ChapterBrief) -> None:
    """Chapter 1: the three option pictures, in parallel with the streaming text. The
    ones not made before take their in-flight places together, so they are asked for at
    once even when pictures wait for places (runtime/places.py)."""
    together = places.Together(picture_store.in_flight(), len(brief.agency_options))
    for index, option in enumerate(brief.agency_options, start=1):
        work = together.run(agency_picture(brief, option, index))
        background.spawn(work, name=f"agency-picture:{brief.adventure_id}:{index}")


def start_choices_repair(chapter_id: int, brief: ChapterBrief, text: str, provisional: list[str]) -> None:
    background.spawn(repair_choices(chapter_id, brief, text, provisional), name=f"choices:{chapter_id}")


def start_after_chapter(chapter_id: int, brief: ChapterBrief, text: str) -> None:
    """After a chapter is saved: picture, title and summary, visuals, side by side."""
    background.spawn(chapter_picture(chapter_id, brief, text), name=f"picture:{chapter_id}")
    background.spawn(title_and_summary(chapter_id, brief, text), name=f"title:{chapter_id}")
    background.spawn(character_visuals(brief, text), name=f"visuals:{chapter_id}")
    narration.start(chapter_id, brief)  # only with GEMINI_NARRATION; from the saved text


async def request_missing(adventure_id: Any, chapters: list[Chapter], agency_options: list[AgencyOption]) -> None:
    """Ask again for whatever a rendered page found missing: a picture that never
    arrived (still pending, nobody making it), a title or summary, an agency picture."""
    for chapter in narration.missing(chapters):
        brief, _ = await workers.database(briefs.brief_for_written_chapter)(adventure_id, chapter.number)
        narration.start(chapter.pk, brief)
    for chapter in chapters:
        needs_picture = chapter.image_status == ImageStatus.PENDING and not background.running(f"picture:{chapter.pk}")
        needs_title = not chapter.title and not background.running(f"title:{chapter.pk}")
        if not (needs_picture or needs_title):
            continue
        brief, _ = await workers.database(briefs.brief_for_written_chapter)(adventure_id, chapter.number)
        if needs_picture:
            background.spawn(chapter_picture(chapter.pk, brief, chapter.text), name=f"picture:{chapter.pk}")
        if needs_title:
            background.spawn(title_and_summary(chapter.pk, brief, chapter.text), name=f"title:{chapter.pk}")
    missing_agency = [o for o in agency_options if not o.image]
    if missing_agency and chapters and not chapters[0].chosen_choice and not background.running("agency-picture:"):
        brief, _ = await workers.database(briefs.brief_for_written_chapter)(adventure_id, 1)
        for index, option in enumerate(brief.agency_options, start=1):
            if not agency_options[index - 1].image:
                background.spawn(agency_picture(brief, option, index), name=f"agency-picture:{adventure_id}:{index}")
