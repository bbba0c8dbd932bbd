"""What the reader shows of an adventure right now, built in one place.

The play page (`views.play`) and the socket (`consumers.AdventureConsumer`) both take
their chapter, status line, progress bar, story so far and feedback box from
`read()`, so a reload and the socket cannot disagree. The writer builds it once
right after saving a chapter, on the same thread call, and hands it to the sockets
of this process that watch the adventure: they render it without asking the
database again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from adventures import services
from adventures.models import Adventure, AdventureStatus, Chapter
from adventures.play import pages
from adventures.play.forms import FeedbackForm
from adventures.storytellers import briefs

PLAY = "adventures/play.html"


def render(partial: str, **context: Any) -> str:
    """One of the reader page's partials, as the socket sends it."""
    return render_to_string(f"{PLAY}#{partial}", context).strip()


@dataclass(frozen=True)
class ReaderState:
    adventure: Adventure
    meta: pages.AdventureMeta
    chapters: list[Chapter]
    # The chapter due to be written (or being written), if any; else None and
    # `chapter` is the last written one.
    due: int | None
    chapter: pages.ChapterView
    status: dict[str, Any]

    @property
    def number(self) -> int:
        return self.chapter.number

    @property
    def finished(self) -> bool:
        return self.adventure.status == AdventureStatus.COMPLETED

    @property
    def written(self) -> Chapter | None:
        """The written chapter on show (None while the next one is due)."""
        return self.chapters[-1] if self.due is None else None

    @property
    def progress(self) -> dict[str, Any]:
        return pages.progress(self.meta, self.number, finished=self.finished)

    @property
    def story_chapters(self) -> list[Chapter]:
        return [c for c in self.chapters if c.number != self.number]

    def feedback(self, *, already_given: bool, signed_in: bool) -> dict[str, Any]:
        written = self.chapters[-1].number if self.chapters else 0
        return pages.feedback(chapter_number=written, already_given=already_given, signed_in=signed_in)

    def context(self, *, feedback_given: bool, signed_in: bool) -> dict[str, Any]:
        """The reader page's template context (the page adds its own chrome)."""
        return {
            "adventure": self.adventure,
            "meta": self.meta,
            "chapter": self.chapter,
            "status": self.status,
            "progress": self.progress,
            "story_chapters": self.story_chapters,
            "feedback": self.feedback(already_given=feedback_given, signed_in=signed_in),
        }

    def fragments(self, *, feedback_given: bool, signed_in: bool) -> str:
        """The written chapter as the socket swaps it in: the same partials the page
        renders, from the same context. Renders only what `read()` loaded."""
        context = self.context(feedback_given=feedback_given, signed_in=signed_in)
        return "".join(
            render(partial, **context) for partial in ("chapter", "progress", "status", "story-so-far", "feedback")
        )


class NothingToShow(Exception):
    """The adventure was abandoned before its first chapter was written."""


def read(adventure: Adventure, meta: pages.AdventureMeta | None = None) -> ReaderState:
    """The reader's state of `adventure` (loaded `.with_content()`). Synchronous: it
    may query (the ending counts answers); call it on a worker thread."""
    meta = meta or pages.AdventureMeta.of(adventure)
    chapters = list(adventure.chapters.order_by("number"))
    due = briefs.next_chapter_number(adventure, chapters)
    if due is not None:
        return ReaderState(adventure, meta, chapters, due, pages.writing_view(meta, due), pages.status("writing"))
    if not chapters:
        raise NothingToShow(f"adventure {adventure.pk} has no chapters")
    finished = adventure.status == AdventureStatus.COMPLETED
    chapter = pages.chapter_view(meta, adventure, chapters[-1])
    return ReaderState(adventure, meta, chapters, None, chapter, pages.status("finished" if finished else ""))


def being_written(
    meta: pages.AdventureMeta, number: int, pieces: Sequence[str] = (), *, status: str, progress: bool = True
) -> str:
    """Chapter `number` while it is written (the pieces so far), with its status line
    ("writing", "rewriting", "elsewhere") and, unless told not to, the progress."""
    html = render("chapter", chapter=pages.writing_view(meta, number, list(pieces)), meta=meta)
    if progress:
        html += render("progress", progress=pages.progress(meta, number))
    return html + render("status", status=pages.status(status), meta=meta)


# The parts of a written chapter that arrive after it (extras, narration), by the
# partial that shows each.
PARTS = {"title": "chapter-title", "image": "chapter-image", "choices": "choices", "narration": "chapter-narration"}


def chapter_part(adventure_id: Any, number: int, part: str) -> str:
    """One part of a written chapter as it is now, rendered once for every page showing
    the chapter (groups.save_and_show)."""
    view = _written_view(adventure_id, number)
    return render(PARTS[part], chapter=view) if view else ""


def agency_picture(adventure_id: Any, index: int) -> str:
    """Chapter 1's choice `index` (from 1) with its picture; "" once a choice was made."""
    view = _written_view(adventure_id, 1)
    return render("agency-image", choice=view.choices[index - 1]) if view and view.choices else ""


def _written_view(adventure_id: Any, number: int) -> pages.ChapterView | None:
    adventure = Adventure.objects.with_content().get(pk=adventure_id)
    chapter = adventure.chapters.filter(number=number).first()
    return pages.chapter_view(pages.AdventureMeta.of(adventure), adventure, chapter) if chapter else None


def story_so_far(adventure_id: Any, showing: int | None) -> str:
    chapters = list(Adventure.objects.get(pk=adventure_id).chapters.order_by("number"))
    return render("story-so-far", story_chapters=[c for c in chapters if c.number != showing])


def feedback_reply(
    fields: dict[str, Any],
    *,
    visitor: str,
    user: Any,
    adventure_id: Any,
    chapter_number: int | None,
    meta: pages.AdventureMeta,
) -> tuple[str, bool]:
    """The feedback box after the player sent it: (the box, whether feedback is now
    given). Said once already: thank them again and store nothing."""
    form = FeedbackForm(fields)
    if not form.is_valid():
        box = {"state": "ask", "error": next(iter(form.errors.values()))[0]}
        return render("feedback", feedback=box, meta=meta), False
    with contextlib.suppress(services.FeedbackAlreadyGiven):
        services.feedback_give(
            visitor=visitor, user=user, adventure_id=adventure_id, chapter_number=chapter_number, **form.cleaned_data
        )
    return render("feedback", feedback={"state": "thanks"}, meta=meta), True


def read_by_id(adventure_id: Any, meta: pages.AdventureMeta | None = None) -> ReaderState:
    return read(Adventure.objects.with_content().get(pk=adventure_id), meta)
