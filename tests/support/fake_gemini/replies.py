"""What the fake Gemini server says: prose, choices blocks, JSON that fits a requested
schema, a real PNG, and response/error bodies shaped like the Generative Language API's.

Pure functions, no server and no Django, so the fake's replies can be checked alone.
"""

from __future__ import annotations

import array
import base64
import functools
import io
import json
import math
import random
import re
import sys
import wave
from typing import Any

CHOICES_MARKER = "[[CHOICES]]"  # the protocol with adventures/storytellers/chapter_text.py

_PARAGRAPHS = (
    (
        "The path curled between the tall ferns, and every leaf shone with the last of the morning dew.",
        "Somewhere ahead a bell rang once, soft and clear, as if the forest itself were saying hello.",
        "The young explorer tightened the straps of a well-worn satchel and took a deep breath.",
        "It smelled of warm bread, wet moss and something sweet that nobody could quite name.",
    ),
    (
        "Their companion trotted alongside, humming a tune that seemed to make the stones step aside.",
        '"We are close," the companion whispered. "I can feel it in my whiskers."',
        "A wooden signpost leaned over the trail, its arrows pointing in three directions at once.",
        "One arrow was painted with stars, one with waves, and one with a tiny smiling sun.",
    ),
    (
        "A gust of wind rattled the branches, and a shower of golden leaves spun down around them.",
        "For a moment the explorer thought they saw a shape watching from behind the old oak tree.",
        "But when they looked again, there was only a sleepy squirrel, blinking in the sunshine.",
        "They laughed, and the laugh bounced back from the hills as if the hills were laughing too.",
    ),
    (
        "At the edge of the clearing stood a little gate, painted the colour of ripe plums.",
        "Beyond it, the ground sloped down toward a river that glittered like a ribbon of glass.",
        "The explorer remembered the promise they had made, and felt brave and a little bit giddy.",
        "Whatever waited on the other side, they would meet it together, one careful step at a time.",
    ),
)

GOOD_CHOICES = (
    "Follow the humming lanterns down to the river",
    "Ask the sleepy squirrel what it saw last night",
    "Open the plum-coloured gate and step through",
)
MALFORMED_CHOICES_BLOCK = "A) Follow the lanterns\nB) Ask the squirrel\n"
# Menus as models write them when they forget the marker, one style per seed.
_MENU_STYLES = (
    "Choice A: {0}\nChoice B: {1}\nChoice C: {2}\n",
    "**Option 1)** {0}\n**Option 2)** {1}\n**Option 3)** {2}\n",
    "1. {0}\n2. {1}\n3. {2}\n",
    "**A**) {0}\n**B**) {1}\n**C**) {2}\n",
)
MENU_CHOICES = (
    "Slide down the mossy bank to the river",
    "Knock three times on the plum gate",
    "Climb the old oak for a better look",
)

_NAMES = ("Hazel Thimblewick", "Quill", "Bombo", "Lady Speckle")
_LOOKS = (
    "A tiny pixie with a red spotted mushroom cap for a hat and a flour-dusted apron.",
    "A russet fox in a blue waistcoat with a bulging mailbag and no hat at all.",
    "A fuzzy black and yellow bee with a bundle of pollen on each back leg.",
    "A shiny red ladybird with seven black spots and a little driver's cap.",
)
# Replies for string fields, chosen by the field's name: derived from what was asked.
_STRINGS_BY_KEY = {
    "title": "The Gate by the Glass River",
    "summary": "The hero follows a winding path to a plum-coloured gate. A friendly squirrel hints at "
    "what lies across the river.",
    "name": _NAMES[0],
    "look": _LOOKS[0],
    "visual": _LOOKS[0],
    "scene": "The hero stands at a plum-coloured gate at the edge of a sunny clearing, a glittering "
    "river below and golden leaves spinning through the air.",
    "description": "The hero stands at a plum-coloured gate at the edge of a sunny clearing, a glittering "
    "river below and golden leaves spinning through the air.",
    "alt": "A child and a fox friend stand at a little purple gate above a glittering river.",
    "prompt": "A warm storybook illustration of a child in a denim jacket and a fox in a blue waistcoat "
    "at a plum-coloured gate above a glittering river, golden leaves in the air, soft painted style, "
    "no text.",
    "image_prompt": "A warm storybook illustration of a child at a plum-coloured gate above a river, "
    "soft painted style, no text.",
    "picture_prompt": "A warm storybook illustration of a child in a denim jacket and a fox in a blue waistcoat "
    "at a plum-coloured gate above a glittering river, golden leaves in the air, soft painted style, no text.",
}
_ARRAY_ITEMS_BY_KEY = {"choices": GOOD_CHOICES}


def prose(*, words: int, seed: int, decorate: bool = False, number: int = 2) -> str:
    """About `words` words of calm story prose in paragraphs. `decorate` adds what models
    sometimes add and the app must clean: a "Chapter N" heading and markdown emphasis."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    count = 0
    while count < words:
        sentences = list(_PARAGRAPHS[len(paragraphs) % len(_PARAGRAPHS)])
        rng.shuffle(sentences)
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    text = "\n\n".join(paragraphs)
    if decorate:
        text = f"## Chapter {number}: The Plum Gate\n\n" + text.replace("golden leaves", "**golden leaves**", 1)
    return text


def choices_block(mode: str, seed: int = 0) -> str:
    """The tail of a chapter that asks for choices: "ok", "malformed", "missing" or "menu"
    (no marker, a labelled menu after a question, in one of several styles)."""
    if mode == "missing":
        return ""
    if mode == "menu":
        return "\n\nWhat should they do now?\n\n" + _MENU_STYLES[seed % len(_MENU_STYLES)].format(*MENU_CHOICES)
    body = MALFORMED_CHOICES_BLOCK if mode == "malformed" else "\n".join(GOOD_CHOICES) + "\n"
    return f"\n\n{CHOICES_MARKER}\n{body}"


def json_for_schema(schema: dict[str, Any] | None) -> Any:
    """A value that fits `schema` (JSON Schema or Gemini's OpenAPI subset), with content
    picked by each property's name so replies read like what was asked for."""
    return _value(schema or {"type": "object"}, key="", index=0)


def _type_of(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):  # ["string", "null"]
        kind = next((k for k in kind if str(k).lower() != "null"), "string")
    if kind is None:
        if "properties" in schema:
            return "object"
        if "items" in schema:
            return "array"
        for union in ("anyOf", "oneOf"):
            if schema.get(union):
                return _type_of(schema[union][0])
        return "string"
    return str(kind).lower()


def _value(schema: dict[str, Any], *, key: str, index: int) -> Any:
    for union in ("anyOf", "oneOf"):
        if schema.get(union) and "type" not in schema:
            return _value(schema[union][0], key=key, index=index)
    if schema.get("enum"):
        return schema["enum"][index % len(schema["enum"])]
    kind = _type_of(schema)
    if kind == "object":
        properties = schema.get("properties") or {}
        return {name: _value(sub, key=name, index=index) for name, sub in properties.items()}
    if kind == "array":
        return _array(schema, key=key)
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return True
    return _string(key, index)


def _array(schema: dict[str, Any], *, key: str) -> list[Any]:
    stock = _ARRAY_ITEMS_BY_KEY.get(key.lower())
    low = int(schema.get("minItems") or schema.get("min_items") or 0)
    high = int(schema.get("maxItems") or schema.get("max_items") or 0) or 3
    count = max(low, min(high, len(stock) if stock else 2))
    items = schema.get("items") or {"type": "string"}
    if stock and _type_of(items) == "string":
        return [stock[i % len(stock)] for i in range(count)]
    return [_value(items, key=key, index=i) for i in range(count)]


def _string(key: str, index: int) -> str:
    lowered = key.lower()
    if lowered == "name":
        return _NAMES[index % len(_NAMES)]
    if lowered in ("look", "visual"):
        return _LOOKS[index % len(_LOOKS)]
    return _STRINGS_BY_KEY.get(lowered, "A quiet, friendly sentence about the story.")


@functools.cache
def picture_png(width: int, height: int, variant: int = 0) -> bytes:
    """A real PNG with the weight of a real picture: soft colour gradients under a fine
    grain, as in a painted illustration. At the size the image models send for 4:3
    (1184x864) it is about 1.5 MB, like theirs, so that reading and converting it cost
    what a real picture costs. Built once for each size and variant (about half a second
    at full size)."""
    from PIL import Image

    rng = random.Random(variant)
    gradient = Image.linear_gradient("L")
    bands = [
        gradient.rotate(rng.randrange(360)).resize((width, height)),
        Image.radial_gradient("L").resize((width, height)),
        gradient.transpose(Image.Transpose.ROTATE_90).resize((width, height)),
    ]
    rng.shuffle(bands)
    grain = Image.merge("RGB", [Image.effect_noise((width, height), 5) for _ in range(3)])
    out = io.BytesIO()
    Image.blend(Image.merge("RGB", bands), grain, 0.5).save(out, format="PNG")
    return out.getvalue()


def tokens(text: str) -> int:
    """A rough token count (about four characters a token), like the API's usage."""
    return max(1, len(text) // 4)


def usage(prompt_tokens: int, output_tokens: int) -> dict[str, int]:
    return {
        "promptTokenCount": prompt_tokens,
        "candidatesTokenCount": output_tokens,
        "totalTokenCount": prompt_tokens + output_tokens,
    }


SAFETY_CATEGORIES = (
    "HARM_CATEGORY_HARASSMENT",
    "HARM_CATEGORY_HATE_SPEECH",
    "HARM_CATEGORY_SEXUALLY_EXPLICIT",
    "HARM_CATEGORY_DANGEROUS_CONTENT",
)


def safety_ratings(blocked: str | None = None) -> list[dict[str, Any]]:
    """Ratings of the four categories; `blocked` names the one that stopped the reply."""
    ratings = []
    for category in SAFETY_CATEGORIES:
        if category == blocked:
            ratings.append({"category": category, "probability": "MEDIUM", "blocked": True})
        else:
            ratings.append({"category": category, "probability": "NEGLIGIBLE"})
    return ratings


def blocked_prompt(reason: str, *, usage_metadata: dict[str, int], model: str) -> str:
    """The reply to a refused prompt: promptFeedback and no candidates at all."""
    feedback: dict[str, Any] = {"blockReason": reason}
    if reason == "SAFETY":
        feedback["safetyRatings"] = safety_ratings("HARM_CATEGORY_DANGEROUS_CONTENT")
    return json.dumps({"promptFeedback": feedback, "usageMetadata": usage_metadata, "modelVersion": model})


def response(
    parts: list[dict[str, Any]],
    *,
    model: str,
    usage_metadata: dict[str, int],
    finish: str | None,
) -> str:
    """One GenerateContentResponse as JSON text (a whole reply or one streamed chunk)."""
    candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}, "index": 0}
    if not parts:
        del candidate["content"]  # a stopped reply carries no content
    if finish:
        candidate["finishReason"] = finish
        blocked = "HARM_CATEGORY_DANGEROUS_CONTENT" if finish == "SAFETY" else None
        candidate["safetyRatings"] = safety_ratings(blocked)
    return json.dumps(
        {
            "candidates": [candidate],
            "usageMetadata": usage_metadata,
            "modelVersion": model,
            "responseId": "fake-" + base64.urlsafe_b64encode(random.randbytes(9)).decode(),
        }
    )


@functools.cache
def picture_jpeg(width: int, height: int, variant: int, quality: int) -> bytes:
    """`picture_png`'s picture as the JPEG Vertex AI sends when asked for one."""
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(picture_png(width, height, variant))).save(out, format="JPEG", quality=quality)
    return out.getvalue()


def image_part(data: bytes, mime_type: str = "image/png") -> dict[str, Any]:
    return {"inlineData": {"mimeType": mime_type, "data": base64.b64encode(data).decode()}}


_ERRORS = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    403: ("PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity)."),
    404: ("NOT_FOUND", "Requested entity was not found."),
    429: ("RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details."),
    500: ("INTERNAL", "An internal error has occurred. Please retry or report the problem."),
    503: ("UNAVAILABLE", "The model is overloaded. Please try again later."),
}


def error_body(status: int, *, retry_delay: float | None = None, per_day: bool = False, message: str = "") -> str:
    """An error as the API sends it; a 429 names the quota broken (per minute, or per
    day) and may carry a google.rpc.RetryInfo delay."""
    name, default = _ERRORS.get(status, ("UNKNOWN", "Unknown error."))
    error: dict[str, Any] = {"code": status, "message": message or default, "status": name}
    if status == 429:
        window = "PerDay" if per_day else "PerMinute"
        error["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": "generativelanguage.googleapis.com/generate_content_requests",
                        "quotaId": f"GenerateRequests{window}PerProjectPerModel",
                    }
                ],
            }
        ]
        if retry_delay is not None:
            retry_info = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{retry_delay:g}s"}
            error["details"].append(retry_info)
    return json.dumps({"error": error})


def model_info(name: str, *, vertex: bool = False) -> str:
    """What models.get answers for a model that exists."""
    methods = ["generateContent", "streamGenerateContent", "countTokens"]
    if vertex:
        return json.dumps({"name": f"publishers/google/models/{name}", "versionId": "001"})
    return json.dumps(
        {
            "name": f"models/{name}",
            "displayName": name,
            "version": "001",
            "inputTokenLimit": 1048576,
            "outputTokenLimit": 65536,
            "supportedGenerationMethods": methods,
        }
    )


# --- Speech (text-to-speech models) ----------------------------------------------------

SPEECH_RATE = 24_000
SECONDS_PER_LETTER = 0.06  # about what a calm narrator takes
SPEECH_PAUSE = 0.3  # between two sentences
SPEECH_EDGE = 0.1  # quiet before the first word and after the last
_SPOKEN_SENTENCE = re.compile(r"[^.!?…]*(?:[.!?…]+[\"'”’)\]]*|$)")


def spoken_sentences(text: str) -> list[str]:
    """How the fake voice phrases a text: a pause after . ! ? or … and at blank lines."""
    found = []
    for block in re.split(r"\n\s*\n", text):
        found += [m.group(0).strip() for m in _SPOKEN_SENTENCE.finditer(block) if m.group(0).strip()]
    return found


def speech_pcm(text: str, rate: int = SPEECH_RATE) -> tuple[bytes, list[tuple[float, float]]]:
    """Signed 16-bit little-endian mono "speech" for `text`: a hum for each sentence,
    as long as its letters, with quiet between sentences. Also where each sentence's
    hum starts and ends (seconds), so that tests know the true timings."""
    samples = array.array("h")
    spans = []

    def quiet(seconds: float) -> None:
        samples.extend([0] * round(seconds * rate))

    quiet(SPEECH_EDGE)
    for n, sentence in enumerate(spoken_sentences(text)):
        if n:
            quiet(SPEECH_PAUSE)
        letters = sum(1 for ch in sentence if not ch.isspace())
        begin = len(samples) / rate
        count = round(letters * SECONDS_PER_LETTER * rate)
        samples.extend(round(8000 * math.sin(2 * math.pi * 220 * i / rate)) for i in range(count))
        spans.append((begin, len(samples) / rate))
    quiet(SPEECH_EDGE)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes(), spans


def wav_bytes(pcm: bytes, rate: int = SPEECH_RATE) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(pcm)
    return out.getvalue()


def audio_part(data: bytes, mime_type: str) -> dict[str, Any]:
    return {"inlineData": {"mimeType": mime_type, "data": base64.b64encode(data).decode()}}
