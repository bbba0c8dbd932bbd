"""Pictures: a provider's picture -> a web-sized file in Django's storage.

Raster pictures (the Gemini path) are re-encoded as WebP with Pillow (a JPEG, as Vertex
AI sends it, is kept as it is), scaled down only when wider than a double-density screen
shows them (`web_picture`, on the pictures' threads); the offline storyteller's SVG
scenes are stored as they are. Each process has at most STORYWEB_IMAGES_IN_FLIGHT
pictures in flight at once, from the request to the picture model until the picture is
converted (the provider holds a place of `in_flight()` for each; chapter 1's agency
pictures take theirs together: runtime/places.py), and each picture, from its scene
description to the stored file, has a deadline (STORYWEB_IMAGE_DEADLINE, extras.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from adventures.runtime import workers
from adventures.runtime.places import Places
from adventures.storytellers.base import Picture

# The reader's column is at most 46rem (736 CSS pixels) wide: a picture up to twice that
# is sharp on a double-density screen and kept at its own size. The image models' 4:3
# (1184x864) is, so converting it needs no scaling: about a quarter less CPU than scaling
# it to 1024 wide, for a file about a fifth larger.
MAX_WIDTH = 1472
WEBP_QUALITY = 80
# libwebp's effort (0 fast .. 6 slow): 2 encodes a picture of the size the image models
# send in under half the time of 4 (Pillow's default), for files a few per cent larger.
WEBP_METHOD = 2
_EXTENSIONS = {"image/png": "png", "image/webp": "webp", "image/jpeg": "jpg", "image/svg+xml": "svg"}
_TYPES = {extension: mime_type for mime_type, extension in _EXTENSIONS.items()}
# Formats every browser shows: a picture in one of them, small enough, is kept as it came
# (a reused picture is kept as WebP; Vertex AI sends JPEG: gemini/config.py).
_KEPT = {"WEBP": "webp", "JPEG": "jpg"}

_places: dict[asyncio.AbstractEventLoop, Places] = {}


class PictureInvalid(ValueError):
    """The provider's bytes are not a picture we can show."""


@dataclass(frozen=True)
class StoredPicture:
    name: str  # the path in storage
    width: int
    height: int


def in_flight() -> Places:
    """This event loop's places for pictures being made at once."""
    loop = asyncio.get_running_loop()
    if loop not in _places:
        _places.clear()  # an old loop (tests) is gone with its tasks
        _places[loop] = Places(settings.STORYWEB_IMAGES_IN_FLIGHT)
    return _places[loop]


def _svg_size(data: bytes) -> tuple[int, int]:
    head = data[:2000].decode("utf-8", "replace")
    if "<svg" not in head or re.search(r"<script|\bon\w+\s*=|<foreignObject", data.decode("utf-8", "replace"), re.I):
        raise PictureInvalid("not a plain SVG picture")
    box = re.search(r'viewBox="\s*[\d.]+\s+[\d.]+\s+([\d.]+)\s+([\d.]+)\s*"', head)
    if not box:
        raise PictureInvalid("the SVG has no viewBox")
    return round(float(box.group(1))), round(float(box.group(2)))


def web_version(picture: Picture) -> tuple[bytes, str, int, int]:
    """(data, file extension, width, height) ready to store and serve."""
    if picture.mime_type == "image/svg+xml":
        width, height = _svg_size(picture.data)
        return picture.data, "svg", width, height
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(picture.data))
        image.load()  # read whole: a broken picture is refused, whatever its format
    except (UnidentifiedImageError, OSError) as error:
        raise PictureInvalid(f"unreadable picture: {error}") from error
    if image.format in _KEPT and image.mode == "RGB" and image.width <= MAX_WIDTH:
        return picture.data, _KEPT[image.format], image.width, image.height
    rgb = image.convert("RGB")
    if rgb.width > MAX_WIDTH:
        rgb = rgb.resize((MAX_WIDTH, round(rgb.height * MAX_WIDTH / rgb.width)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    rgb.save(out, format="WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    return out.getvalue(), "webp", rgb.width, rgb.height


def _web(data: bytes, mime_type: str) -> tuple[bytes, str]:
    web, extension, _, _ = web_version(Picture(data=data, mime_type=mime_type, alt=""))
    return web, _TYPES[extension]


async def web_picture(data: bytes, mime_type: str) -> tuple[bytes, str]:
    """A picture as a model sent it -> its web version (bytes, type), converted on the
    pictures' threads (workers.picture); `store` keeps it as it is."""
    return await workers.picture(_web)(data, mime_type)


def _save(stem: str, picture: Picture) -> StoredPicture:
    data, extension, width, height = web_version(picture)
    name = default_storage.save(f"{stem}.{extension}", ContentFile(data))
    return StoredPicture(name=name, width=width, height=height)


async def store(stem: str, picture: Picture) -> StoredPicture:
    """Convert and save on the pictures' threads (Pillow and file storage are blocking,
    and a conversion takes a core for a moment: workers.picture)."""
    return await workers.picture(_save)(stem, picture)


def delete_files(names: list[str]) -> int:
    """Remove stored pictures; returns how many existed."""
    removed = 0
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)
            removed += 1
    return removed


# --- Pictures made once and reused ----------------------------------------------------
# A picture whose request depends only on shared content (an agency option of a world)
# is kept, in its web version, under the hash of its request: every later adventure, and
# every retry of chapter 1, reuses it instead of paying for it again, and stores it
# without converting it again. Adventures store their own copy, so cleaning up an
# adventure never touches these. (Pictures kept by older versions, as the model sent
# them, are still found and converted when used.)

REUSED_FOLDER = "reused"


def content_key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _reused_get(key: str) -> tuple[bytes, str] | None:
    for mime_type, extension in _EXTENSIONS.items():
        name = f"{REUSED_FOLDER}/{key}.{extension}"
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as stored:
                return stored.read(), mime_type
    return None


def _reused_put(key: str, data: bytes, mime_type: str) -> None:
    name = f"{REUSED_FOLDER}/{key}.{_EXTENSIONS.get(mime_type, 'png')}"
    if not default_storage.exists(name):  # two makers at once: the first one stays
        default_storage.save(name, ContentFile(data))


async def reused_get(key: str) -> tuple[bytes, str] | None:
    """The bytes and type of the picture kept under `key`, if one was made."""
    return await asyncio.to_thread(_reused_get, key)


async def reused_put(key: str, data: bytes, mime_type: str) -> None:
    """Keep the picture (its web version: `web_picture`) under `key`."""
    await asyncio.to_thread(_reused_put, key, data, mime_type)
