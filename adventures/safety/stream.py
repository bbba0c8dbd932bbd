"""The safe chapter stream: what the writer reads instead of the provider's own stream.

It holds back the sentence being written (at most one) and screens each sentence before
passing it on; after the provider's last word it screens the whole chapter and its
choices and runs the independent moderation call, before the chapter can be saved
(with STORYWEB_MODERATE_BEFORE_SHOWING, before any of it is shown: no streaming). A
flag throws the draft away (a Rewind, if any of it was shown), records the flag and
streams a rewrite whose brief says what to avoid. After STORYWEB_SAFETY_REWRITES
rewrites it gives up with a ProviderError: the writer's usual "try again".
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncGenerator

from django.conf import settings

from adventures.safety import moderation, screen
from adventures.safety.flags import flag_record
from adventures.storytellers.base import ChapterBrief, ChapterDone, Provider, ProviderError, Rewind, TextPiece, Verdict


class ChapterRefused(ProviderError):
    """Every draft of the chapter was flagged."""


@dataclasses.dataclass
class _Flagged:
    verdict: Verdict
    layer: str
    text: str


def caution(categories: list[str]) -> str:
    """What the rewrite's prompt tells the model (never the flagged words themselves)."""
    named = ", ".join(dict.fromkeys(screen.CATEGORY_NAMES.get(c, c) for c in categories))
    return (
        f"An earlier draft of this chapter was set aside because it contained {named}. Write the chapter "
        "afresh and differently, keeping it entirely free of that: no violence, weapons used on anyone, "
        "romance, cruelty, swearing, or anything that asks the reader about themselves. Solve problems with "
        "courage, kindness and clever thinking."
    )


async def safe_chapter(
    provider: Provider, brief: ChapterBrief
) -> AsyncGenerator[TextPiece | Rewind | ChapterDone, None]:
    """The provider's chapter stream, screened (see the module's docstring)."""
    if not (settings.STORYWEB_SAFETY_SCREEN or settings.STORYWEB_SAFETY_MODERATION):
        async with contextlib.aclosing(provider.stream_chapter(brief)) as events:
            async for event in events:
                yield event
        return
    # Held whole: nothing is shown before the moderation call has passed the chapter.
    hold = settings.STORYWEB_SAFETY_MODERATION and settings.STORYWEB_MODERATE_BEFORE_SHOWING
    categories: list[str] = []
    current = brief
    for attempt in range(settings.STORYWEB_SAFETY_REWRITES + 1):
        shown = False
        flagged: _Flagged | None = None
        held, passed = "", ""  # the sentence being written; screened sentences not yet sent
        async with contextlib.aclosing(provider.stream_chapter(current)) as events:
            async for event in events:
                if isinstance(event, TextPiece):
                    sentences, held = screen.split_sentences(held + event.text)
                    for sentence in sentences:
                        flagged = _screened(sentence)
                        if flagged:
                            break
                        if hold:
                            passed += sentence
                        else:
                            shown = True
                            yield TextPiece(sentence)
                elif isinstance(event, Rewind):  # the provider threw its own draft away
                    held = passed = ""
                    if shown:
                        shown = False
                        yield event
                elif isinstance(event, ChapterDone):
                    flagged = _screened(held) if held.strip() else None
                    flagged = flagged or await _finished(provider, current, event)
                    if flagged is None:
                        if passed + held:
                            yield TextPiece(passed + held)
                        yield event
                        return
                if flagged:
                    break
        if flagged is None:
            raise ProviderError("the stream ended without a chapter")
        last = attempt == settings.STORYWEB_SAFETY_REWRITES
        flag_record(
            where="chapter",
            layer=flagged.layer,
            category=flagged.verdict.category,
            severity=flagged.verdict.severity,
            action="stopped" if last else "rewritten",
            text=flagged.text,
            adventure_id=brief.adventure_id,
            chapter_number=brief.number,
            chapter_kind=brief.kind,
        )
        if shown:
            yield Rewind(f"safety:{flagged.layer}:{flagged.verdict.category}")
        categories.append(flagged.verdict.category)
        current = dataclasses.replace(brief, caution=caution(categories))
    raise ChapterRefused("every draft of the chapter was flagged by the safety checks")


def _screened(sentence: str) -> _Flagged | None:
    if not settings.STORYWEB_SAFETY_SCREEN:
        return None
    verdict = moderation.local_verdict(sentence)
    return None if verdict.category == "none" else _Flagged(verdict, "screen", sentence)


async def _finished(provider: Provider, brief: ChapterBrief, done: ChapterDone) -> _Flagged | None:
    """The whole chapter with its choices: the screen once more (a phrase may straddle two
    sentences, and choices are never streamed), then the moderation call."""
    whole = "\n\n".join([done.text, *done.choices])
    found = await moderation.judge(provider, brief, whole, kind="chapter")
    if found is None:
        return None
    verdict, layer = found
    return _Flagged(verdict, layer, whole)
