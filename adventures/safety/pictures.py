"""Picture prompts pass the same layers as chapters before any image model sees them:
a flagged prompt is written again once, and if that is flagged too the chapter keeps
its fallback art (PictureRefused is a ProviderError, which the picture job turns into
"no picture")."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from adventures.safety import moderation
from adventures.safety.flags import flag_record
from adventures.storytellers.base import ChapterBrief, Provider


async def checked_picture_prompt(
    provider: Provider,
    brief: ChapterBrief,
    prompt_text: str,
    *,
    rewrite: Callable[[str, str], Awaitable[str]],
) -> str:
    """`prompt_text` if it passes, else a rewrite (`rewrite(prompt, category)`) that passes.
    Raises moderation.PictureRefused when both are flagged."""
    for attempt in (1, 2):
        found = await moderation.judge(provider, brief, prompt_text, kind="picture")
        if found is None:
            return prompt_text
        verdict, layer = found
        flag_record(
            where="picture",
            layer=layer,
            category=verdict.category,
            severity=verdict.severity,
            action="prompt rewritten" if attempt == 1 else "fallback art",
            text=prompt_text,
            adventure_id=brief.adventure_id,
            chapter_number=brief.number,
            chapter_kind=brief.kind,
        )
        if attempt == 1:
            prompt_text = await rewrite(prompt_text, verdict.category)
    raise moderation.PictureRefused("the picture prompt was flagged twice; the chapter keeps its fallback art")
