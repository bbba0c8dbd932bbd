"""The Gemini storyteller: google-genai's async client behind the Provider interface.

Chapters stream from the text model; titles, summaries, character looks, image prompts
and choice repairs are small JSON-schema calls on the lite model; pictures come from the
image model through `generate_content` with the IMAGE modality. Retries, deadlines and
telemetry live in gemini_calls.py, the cleaning of streamed text in gemini_stream.py.

A chapter's text is what the player saw: the streamed pieces, cleaned as they went
(no "Chapter N" line, no markdown, nothing from the choices marker on), joined and with
paragraphs normalised by `clean_prose`.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

from django.conf import settings
from google.genai import types
from google.genai.client import AsyncClient

from adventures import images
from adventures.chapter_text import ChoicesInvalid, validate_choices
from adventures.llm import prompts
from adventures.llm.base import (
    AgencyOption,
    ChapterBrief,
    ChapterDone,
    Picture,
    ProviderError,
    SceneRequest,
    StoryLost,
    TextPiece,
    TitleSummary,
    Verdict,
)
from adventures.llm.gemini_calls import (
    Call,
    Clients,
    Unfinished,
    describe,
    generate_image,
    generate_json,
    is_retryable,
    text_config,
)
from adventures.llm.gemini_stream import StreamedChapter
from adventures.safety import moderation, pictures

logger = logging.getLogger(__name__)

LOST = "The story got lost on the way. Please try again."
_FINISHED = (types.FinishReason.STOP, types.FinishReason.MAX_TOKENS)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class GeminiProvider:
    name = "gemini"

    def __init__(self, *, http_backend: str = "auto") -> None:
        self._clients = Clients(http_backend)

    async def aclose(self) -> None:
        """Close the SDK client of the running event loop."""
        await self._clients.aclose()

    # --- the chapter ----------------------------------------------------------------

    async def stream_chapter(self, brief: ChapterBrief) -> AsyncIterator[TextPiece | ChapterDone]:
        prompt = prompts.chapter(brief)
        config = text_config(prompt)
        chapter: StreamedChapter | None = None
        async with Call("chapter", settings.GEMINI_TEXT_MODEL, brief, seconds=settings.GEMINI_CHAPTER_DEADLINE) as call:
            client = self._clients.get()
            attempt = 0
            while chapter is None:
                attempt += 1
                streamed = StreamedChapter()
                try:
                    async with contextlib.aclosing(self._stream_once(call, client, prompt, config, streamed)) as pieces:
                        async for piece in pieces:
                            yield TextPiece(piece)
                    chapter = streamed
                except Exception as exc:
                    if streamed.shown:  # the player has read part of it: no quiet restart
                        raise StoryLost(LOST) from exc
                    if isinstance(exc, ProviderError) and not isinstance(exc, Unfinished):
                        raise
                    if not is_retryable(exc):
                        raise ProviderError(f"The storyteller's chapter call was refused: {describe(exc)}") from exc
                    await call.pause(attempt, exc)
        choices = await self._choices(brief, chapter) if brief.wants_choices else ()
        yield ChapterDone(text=chapter.text, choices=choices)

    async def _stream_once(
        self,
        call: Call,
        client: AsyncClient,
        prompt: prompts.Prompt,
        config: types.GenerateContentConfig,
        streamed: StreamedChapter,
    ) -> AsyncIterator[str]:
        """One attempt: yield cleaned pieces as chunks arrive; raise if it breaks."""
        stream = await call.wait(
            client.models.generate_content_stream(model=call.model, contents=prompt.user, config=config)
        )
        usage = finish = None
        async with contextlib.aclosing(stream):
            try:
                while True:
                    try:
                        chunk = await call.wait(anext(stream))
                    except StopAsyncIteration:
                        break
                    usage = chunk.usage_metadata or usage  # a running total within one stream
                    if chunk.candidates and chunk.candidates[0].finish_reason:
                        finish = chunk.candidates[0].finish_reason
                    piece = streamed.feed(chunk.text or "")
                    if piece:
                        call.first_text()
                        yield piece
            finally:
                call.usage(usage)
        if finish not in _FINISHED:
            raise Unfinished(f"the stream ended without finishing (finish reason {finish})")
        tail = streamed.finish()
        if tail:
            call.first_text()
            yield tail
        if not streamed.text:
            raise Unfinished("the model wrote no story")

    async def _choices(self, brief: ChapterBrief, chapter: StreamedChapter) -> tuple[str, ...]:
        """The streamed choices if valid, else ONE repair call that derives them from the text."""
        try:
            return validate_choices(chapter.choice_lines or [])
        except ChoicesInvalid as problem:
            logger.info("chapter %d: choices block unusable (%s); repairing", brief.number, problem)
        try:
            return await self._small(brief, "repair", prompts.choices_repair(brief, chapter.text), _parse_choices)
        except ProviderError as exc:  # the text was shown: the player must try again
            raise StoryLost(LOST) from exc

    # --- small calls ----------------------------------------------------------------

    async def _small[T](
        self, brief: ChapterBrief, kind: str, prompt: prompts.Prompt, parse: Callable[[Any], T], model: str = ""
    ) -> T:
        model = model or settings.GEMINI_LITE_MODEL
        async with Call(kind, model, brief, seconds=settings.GEMINI_SMALL_DEADLINE) as call:
            return await generate_json(call, self._clients.get(), prompt, parse)

    async def title_and_summary(self, brief: ChapterBrief, text: str) -> TitleSummary:
        return await self._small(brief, "title_summary", prompts.title_summary(brief, text), _parse_title_summary)

    async def character_visuals(self, brief: ChapterBrief, text: str, known: dict[str, str]) -> dict[str, str]:
        found = await self._small(brief, "visuals", prompts.character_visuals(brief, text, known), _parse_visuals)
        looks = dict(known)
        by_folded = {name.casefold(): name for name in looks}
        for name, look in found.items():
            looks[by_folded.get(name.casefold(), name)] = look  # "hazel" updates "Hazel"
        looks.setdefault(brief.protagonist_name, brief.protagonist_look)
        return looks

    # --- pictures -------------------------------------------------------------------

    async def chapter_picture(self, scene: SceneRequest) -> Picture:
        brief = scene.brief
        description, alt = await self._small(
            brief, "scene", prompts.scene(scene), _parse_scene, model=settings.GEMINI_TEXT_MODEL
        )
        image_prompt = await self._small(
            brief, "image_prompt", prompts.image_prompt(scene, description), _parse_image_prompt
        )
        image_prompt = await pictures.checked_picture_prompt(
            self, brief, image_prompt, rewrite=lambda text, category: self._picture_rewrite(brief, text, category)
        )
        data, mime_type = await self._image(brief, "image", prompts.picture(image_prompt))
        return Picture(data=data, mime_type=mime_type, alt=alt)

    async def agency_picture(self, brief: ChapterBrief, option: AgencyOption) -> Picture:
        data, mime_type = await self._image(brief, "agency_image", prompts.agency_picture(brief, option))
        name = option.name[:1].upper() + option.name[1:]
        return Picture(data=data, mime_type=mime_type, alt=f"{name}: {option.visual}.")

    # --- safety (adventures/safety) -----------------------------------------------------

    async def moderate(self, brief: ChapterBrief, text: str, *, kind: str) -> Verdict:
        return await self._small(brief, "moderation", moderation.prompt(text, kind=kind), moderation.parse)

    async def _picture_rewrite(self, brief: ChapterBrief, text: str, category: str) -> str:
        prompt = moderation.picture_rewrite_prompt(text, category)
        return await self._small(brief, "image_prompt", prompt, _parse_image_prompt)

    async def _image(self, brief: ChapterBrief, kind: str, prompt_text: str) -> tuple[bytes, str]:
        # The per-process cap counts requests to the picture model only: the scene
        # description and image prompt before it never wait for a free place.
        async with (
            images.in_flight_limit(),
            Call(kind, settings.GEMINI_IMAGE_MODEL, brief, seconds=settings.GEMINI_IMAGE_DEADLINE) as call,
        ):
            return await generate_image(call, self._clients.get(), prompt_text)


# --- reading the JSON replies (ValueError/KeyError/TypeError mean "ask again") ----------


def _line(value: Any, *, limit: int) -> str:
    """One tidy line of model text: no markdown, no wrapping quotes, bounded."""
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    text = " ".join(value.replace("*", "").replace("#", "").split()).strip().strip("\"'“”").strip()
    if not text:
        raise ValueError("empty text")
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _sentences(text: str, count: int) -> str:
    return " ".join(_SENTENCE_END.split(text)[:count])


def _parse_title_summary(data: Any) -> TitleSummary:
    return TitleSummary(title=_line(data["title"], limit=80), summary=_line(data["summary"], limit=400))


def _parse_visuals(data: Any) -> dict[str, str]:
    characters = data["characters"]
    if not isinstance(characters, list):
        raise TypeError("characters must be a list")
    return {
        _line(item["name"], limit=60): _sentences(_line(item["look"], limit=400), 2)
        for item in characters
        if isinstance(item, dict)
    }


def _parse_scene(data: Any) -> tuple[str, str]:
    return _line(data["scene"], limit=1200), _sentences(_line(data["alt"], limit=300), 1)


def _parse_image_prompt(data: Any) -> str:
    return _line(data["prompt"], limit=2000)


def _parse_choices(data: Any) -> tuple[str, str, str]:
    return validate_choices(data["choices"])  # ChoicesInvalid is a ValueError
