"""Turning a model's streamed chapter into pieces fit to show a child, as they arrive.

Pure Python, no Django, no I/O. Two stages per piece of raw output:

1. Everything from the choices marker on is held back. Because the marker may be split
   across chunks, a tail that could still become the marker is held until the next chunk
   decides it.
2. The prose that gets through is cleaned line by line: a leading "Chapter N" line is
   dropped, markdown heading markers and horizontal rules removed, and every `*` and `_`
   removed (children's prose never needs them, and removing them all is simpler and
   safer than pairing up emphasis across chunks). Only the start of a line is ever held
   while it is undecided ("Chap...", "##", "Choice A..."), so pieces flow as soon as
   they arrive.
3. A line that starts like a choice label ("Choice A:", "Option 1)", "A)", "1.",
   "**B**") is a menu the model wrote without the marker: from there on everything is
   held back like the marker's block, and its labelled lines become the choices.

The finished chapter's text is `clean_prose` of exactly what was shown, so it equals what
the player saw up to whitespace and paragraph normalisation.
"""

from __future__ import annotations

import re

from adventures.storytellers.chapter_text import CHOICES_MARKER, clean_prose, strip_label

_MARKER_SQUEEZED = CHOICES_MARKER.casefold()
_MARKER = re.compile(r"\[\[\s*choices\s*\]\]", re.I)
_MARKER_SLACK = 8  # spaces a model might put inside the brackets
_MARKUP_PREFIX = re.compile(r"^[\s#*_]+")
_MARKUP_ONLY = frozenset("-*_# \t\r")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_CHAPTER = re.compile(r"chapter\s+(?:\d+|[a-z]+)\b", re.I)
_CHAPTER_SO_FAR = re.compile(r"c(?:h(?:a(?:p(?:t(?:e(?:r\s*)?)?)?)?)?)?", re.I)  # could still become one

# On the line's start with markup removed, casefolded: a choice label, always followed
# by punctuation or markup so that "A dragon" or "Choice is yours" stay prose.
_MENU_LABEL = re.compile(r"(?:choice|option)\s*[a-c1-3]\s*[:.)\-*_]|\(?[a-c1-3]\s*[*_]*\s*[).:](?:\s|$)|[a-c1-3][*_]+")
_MENU_SO_FAR = re.compile(
    r"(?:c(?:h(?:o(?:i(?:c(?:e)?)?)?)?)?|o(?:p(?:t(?:i(?:o(?:n)?)?)?)?)?)(?:\s*[a-c1-3]?[\s*_]*)?|\(?[a-c1-3]?[\s*_]*"
)

HOLD, KEEP, DROP, MENU = "hold", "keep", "drop", "menu"


class StreamedChapter:
    """Feed it the raw text of each streamed chunk; show what `feed` returns."""

    def __init__(self) -> None:
        self._pending = ""  # raw text that might be the start of the marker
        self._block: list[str] | None = None  # raw text after the marker, once seen
        self._line = ""  # the start of the current line, held while undecided
        self._line_decided = False
        self._first_line = True  # the first non-blank line may be a "Chapter N" heading
        self._started = False  # has anything but whitespace been shown?
        self.menu = False  # did the choices come as a menu without the marker?
        self.shown: list[str] = []

    def feed(self, raw: str) -> str:
        """The piece to show now for this chunk ("" when everything is held)."""
        return self._show(self._clean(self._through_marker(raw), end=False))

    def finish(self) -> str:
        """The end of the stream: whatever was held and turned out to be prose."""
        released, self._pending = self._pending, ""
        if self._block is not None:
            self._block.append(released)
            return ""
        return self._show(self._clean(released, end=True))

    @property
    def text(self) -> str:
        """The chapter as it will be saved: what was shown, paragraphs normalised."""
        return clean_prose("".join(self.shown))

    @property
    def choice_lines(self) -> list[str] | None:
        """The lines after the marker (None when there was no marker)."""
        if self._block is None:
            return None
        lines = [line.strip() for line in "".join(self._block).replace("*", "").splitlines() if line.strip()]
        if self.menu:  # only the labelled lines are choices ("What will you do?" is not)
            return [strip_label(line) for line in lines if _MENU_LABEL.match(line.lstrip("#_ ").casefold())]
        return lines

    def _through_marker(self, raw: str) -> str:
        if self._block is not None:
            self._block.append(raw)
            return ""
        buffer = self._pending + raw
        found = _MARKER.search(buffer)
        if found:
            self._pending = ""
            self._block = [buffer[found.end() :]]
            return buffer[: found.start()]
        hold = _marker_prefix_start(buffer)
        self._pending = buffer[hold:]
        return buffer[:hold]

    def _clean(self, text: str, *, end: bool) -> str:
        self._line += text
        out: list[str] = []
        while self._line:
            if not self._line_decided:
                newline = self._line.find("\n")
                complete = newline >= 0 or end
                head = self._line if newline < 0 else self._line[:newline]
                verdict = self._judge(head, complete=complete)
                if verdict == HOLD:
                    break
                if verdict == MENU:
                    self.menu = True
                    self._block = [self._line + self._pending]
                    self._line = self._pending = ""
                    break
                if verdict == DROP:
                    self._line = "" if newline < 0 else self._line[newline + 1 :]
                    continue
                self._line = _HEADING.sub("", self._line, count=1)
                self._line_decided = True
            newline = self._line.find("\n")
            if newline < 0:
                out.append(self._line)
                self._line = ""
                break
            out.append(self._line[: newline + 1])
            self._line = self._line[newline + 1 :]
            self._line_decided = False
        return "".join(out).replace("*", "").replace("_", "")

    def _judge(self, head: str, *, complete: bool) -> str:
        """Decide the fate of a line from its start: hold (undecided), keep or drop."""
        if not head.strip():
            return KEEP if complete else HOLD  # a blank line separates paragraphs
        if set(head) <= _MARKUP_ONLY:  # "##", "---", "***": nothing to read
            return DROP if complete else HOLD
        bare = _MARKUP_PREFIX.sub("", head).casefold()
        if self._first_line:
            if _CHAPTER_SO_FAR.fullmatch(bare) and not complete:
                return HOLD
            if _CHAPTER.match(bare):
                if not complete:
                    return HOLD
                self._first_line = False
                return DROP
        self._first_line = False
        if _MENU_LABEL.match(bare):
            return MENU
        if not complete and _MENU_SO_FAR.fullmatch(bare):
            return HOLD
        return KEEP

    def _show(self, piece: str) -> str:
        if not self._started:
            piece = piece.lstrip()
            self._started = bool(piece)
        if piece:
            self.shown.append(piece)
        return piece


def _marker_prefix_start(buffer: str) -> int:
    """Where a possible beginning of the marker starts at the end of `buffer`
    (len(buffer) when nothing needs holding)."""
    window = len(CHOICES_MARKER) + _MARKER_SLACK
    start = max(0, len(buffer) - window)
    for i in range(start, len(buffer)):
        if buffer[i] == "[":
            squeezed = "".join(buffer[i:].split()).casefold()
            if _MARKER_SQUEEZED.startswith(squeezed):
                return i
    return len(buffer)
