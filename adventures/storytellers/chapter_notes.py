"""Everything the Gemini storyteller needs to know about a finished chapter, from ONE
structured call on the lite model: its title and summary, how the characters look now,
the scene to draw, the image model's prompt and the picture's alt text.

One call instead of five (title and summary, looks, scene, image prompt, and the alt
text with the scene) roughly halves the calls per adventure (README, "Calls and cost").
Pure: the pydantic models of the reply, its JSON schema, the prompt. No I/O.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator

from adventures.storytellers.base import ChapterBrief

_SENTENCE_LIMITS = {"title": 80, "summary": 400, "scene": 1200, "picture_prompt": 2000, "alt": 300}


def tidy(value: str, limit: int) -> str:
    """One tidy line of model text: no markdown, no wrapping quotes, bounded."""
    text = " ".join(value.replace("*", "").replace("#", "").split()).strip().strip("\"'“”").strip()
    if not text:
        raise ValueError("empty text")
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


class CharacterLook(BaseModel):
    name: str = Field(max_length=200)
    look: str = Field(max_length=1000)

    @field_validator("name", "look")
    @classmethod
    def _clean(cls, value: str) -> str:
        return tidy(value, 400)


class ChapterNotes(BaseModel):
    title: str
    summary: str
    characters: list[CharacterLook]
    scene: str
    picture_prompt: str
    alt: str

    @field_validator("title", "summary", "scene", "picture_prompt", "alt")
    @classmethod
    def _clean(cls, value: str, info: Any) -> str:
        return tidy(value, _SENTENCE_LIMITS[info.field_name])


# Written out rather than derived from the models: the API takes a subset of JSON
# Schema, and a flat schema with descriptions steers the model best.
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "description": "2 to 6 words, no chapter number, no quotation marks"},
        "summary": {"type": "string", "description": "one or two sentences, past tense, naming the hero"},
        "characters": {
            "type": "array",
            "description": "the hero and every named character in this chapter",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "look": {"type": "string", "description": "1-2 sentences: only what can be seen"},
                },
                "required": ["name", "look"],
            },
        },
        "scene": {"type": "string", "description": "2 to 4 sentences: the one moment of this chapter to draw"},
        "picture_prompt": {"type": "string", "description": "one paragraph for an image model"},
        "alt": {"type": "string", "description": "one sentence describing the picture for a screen reader"},
    },
    "required": ["title", "summary", "characters", "scene", "picture_prompt", "alt"],
}

SYSTEM = (
    "You are the editor and art director of a children's picture book (ages 8 to 13). Pictures are warm, "
    "gentle and friendly, never frightening, and never contain words or letters. Answer in JSON that fits "
    "the schema."
)


def prompt_text(brief: ChapterBrief, text: str) -> str:
    looks = {brief.protagonist_name: brief.protagonist_look, **dict(brief.character_visuals)}
    lines = [f"- {name}: {look}" for name, look in looks.items()]
    if brief.agency is not None:
        lines.append(f"- {brief.agency.name}: {brief.agency.visual}")
    return (
        f"Chapter {brief.number} of an adventure in {brief.world.name}; the hero is {brief.protagonist_name}.\n"
        f"<<<\n{text.strip()}\n>>>\n\n"
        f"How the characters looked before this chapter:\n" + "\n".join(lines) + "\n\n"
        "Return:\n"
        "- title: a short title for the chapter (2 to 6 words, no chapter number, no quotation marks);\n"
        "- summary: one or two sentences in the past tense that name the hero and say what happened;\n"
        "- characters: the look of the hero and of every named character in this chapter, 1 to 2 sentences each, "
        "only what can be seen (body, clothes, colours, things they carry), unchanged unless the chapter "
        "changes it, with the names exactly as written;\n"
        "- scene: the one moment of this chapter that makes the best picture, in 2 to 4 sentences;\n"
        "- picture_prompt: one paragraph for an image model: a child-friendly storybook illustration of that "
        f"scene, every character drawn with the look above, in the style of this world: {brief.world.look}; "
        "no text, letters or signs with writing;\n"
        "- alt: one plain sentence describing the picture for someone who cannot see it."
    )
