"""The garbage collector and the event loop.

A full collection (generation 2) stops the whole process, event loop included, for as
long as it takes to walk every object the collector tracks. Django, the apps, the
templates and google-genai's types are about 170,000 such objects, loaded once and kept
for the life of the process: walking them took 130 ms of every full collection on the
2-core benchmark machine, and 200 players made the collector run a few full collections
a run of 300-730 ms each, while every socket waited. `gc.freeze()` moves what exists
once the program is loaded into a generation the collector never walks; what the
players' adventures create later is collected as before.
"""

from __future__ import annotations

import gc

from django.conf import settings


def freeze_the_loaded_program() -> None:
    """Load what the first chapter would load (google-genai, when it is the storyteller),
    collect the garbage of loading, and freeze the rest (storyweb/asgi.py, once)."""
    if settings.STORYWEB_LLM == "gemini":
        import adventures.storytellers.gemini.provider  # noqa: F401  (google-genai and its types)
    gc.collect()
    gc.freeze()
