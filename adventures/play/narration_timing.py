"""When each sentence is heard in a chapter's narration: plain Python, no Django, no network.

The text-to-speech API gives audio and no timestamps, so the timings are measured:
- the chapter is narrated paragraph by paragraph (at most MAX_PIECES calls, neighbouring
  paragraphs grouped when there are more), and the pieces are joined with a fixed pause,
  so where each paragraph starts and ends is exact, from the length of its PCM;
- inside a piece, the boundaries between our sentences are aligned, in order, with the
  pauses in the audio (runs of quiet frames), preferring long pauses near where the
  letters before a boundary say it should be; a boundary no pause fits keeps that
  estimate.

Sentences are the reader's own (static/js/sentences.js): `sentences()` is the same
split, letter for letter, and a sentence is named by how many letters (whitespace aside,
counted in UTF-16 units as the browser counts them) come before it.
"""

from __future__ import annotations

import array
import io
import math
import re
import sys
import wave
from dataclasses import dataclass

# JavaScript's \s.
_SPACE = (
    "\t\n\v\f\r \u00a0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_SPACES = frozenset(_SPACE)
_ABBREVIATIONS = re.compile(r"(?:^|[" + re.escape(_SPACE) + r"])(?:Mr|Mrs|Ms|Dr|St|Prof|e\.g|i\.e)\.$")
_ENDS = ".!?…"
_CLOSERS = "\"'”’)]"

MAX_PIECES = 8  # calls per chapter at most
PIECE_GAP = 0.4  # seconds of silence put between two pieces
FRAME = 0.02  # seconds per frame when looking for pauses
MIN_PAUSE = 0.12  # a quiet stretch at least this long is a pause between sentences
QUIET = 0.06  # of the loud frames' level (95th percentile), below which a frame is quiet
MISPLACED = 0.25  # seconds of pause a second of distance from the estimate costs


@dataclass(frozen=True)
class Sentence:
    key: int  # letters before it
    end: int  # letters up to its end
    text: str
    paragraph: int

    @property
    def letters(self) -> int:
        return self.end - self.key


def _units(ch: str) -> int:
    return 2 if ord(ch) > 0xFFFF else 1


def _strip(text: str) -> str:
    return text.strip(_SPACE)


def sentences(text: str) -> list[Sentence]:
    """Our sentence boundaries over the reader's text (paragraphs joined by "\\n"): . ! ?
    or … (with any closing quotes or brackets) followed by whitespace, or a line break."""
    found: list[Sentence] = []
    start = letters = start_letters = 0
    paragraph = 0

    def close(end: int) -> None:
        nonlocal start, start_letters
        body = _strip(text[start:end])
        if body:
            found.append(Sentence(key=start_letters, end=letters, text=body, paragraph=paragraph))
        start, start_letters = end, letters

    i = 0
    while i < len(text):
        ch = text[i]
        if ch not in _SPACES:
            letters += _units(ch)
        if ch == "\n":
            close(i + 1)
            paragraph += 1
            i += 1
            continue
        if ch not in _ENDS:
            i += 1
            continue
        j = i + 1
        while j < len(text) and text[j] in _CLOSERS:
            j += 1
        if j >= len(text) or text[j] not in _SPACES:
            i += 1
            continue
        if ch == "." and _ABBREVIATIONS.search(text[max(0, i - 5) : i + 1]):
            i += 1
            continue
        letters += sum(_units(c) for c in text[i + 1 : j])
        close(j)
        i = j
    close(len(text))
    return found


def reader_text(paragraphs: list[str]) -> str:
    """The chapter as the reader's script sees it: one paragraph a line."""
    return "\n".join(paragraphs)


def pieces(found: list[Sentence], max_pieces: int = MAX_PIECES) -> list[list[Sentence]]:
    """Sentences grouped by paragraph, neighbouring paragraphs joined (evenly by letters)
    until there are at most `max_pieces` groups."""
    groups: list[list[Sentence]] = []
    for sentence in found:
        if groups and groups[-1][-1].paragraph == sentence.paragraph:
            groups[-1].append(sentence)
        else:
            groups.append([sentence])
    while len(groups) > max_pieces:
        sizes = [sum(s.letters for s in g) for g in groups]
        joined = min(range(len(groups) - 1), key=lambda n: sizes[n] + sizes[n + 1])
        groups[joined : joined + 2] = [groups[joined] + groups[joined + 1]]
    return groups


def piece_text(piece: list[Sentence]) -> str:
    """What is sent to be spoken: the piece's sentences, a blank line between paragraphs."""
    out = ""
    for n, sentence in enumerate(piece):
        if n:
            out += "\n\n" if sentence.paragraph != piece[n - 1].paragraph else " "
        out += sentence.text
    return out


# --- Audio ----------------------------------------------------------------------------


def _samples(pcm: bytes) -> array.array[int]:
    samples = array.array("h")
    samples.frombytes(pcm[: len(pcm) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def seconds(pcm: bytes, rate: int) -> float:
    return len(pcm) // 2 / rate


def pauses(pcm: bytes, rate: int) -> list[tuple[float, float]]:
    """Quiet stretches of at least MIN_PAUSE inside the audio (not at its ends), in seconds."""
    samples = _samples(pcm)
    size = max(1, round(rate * FRAME))
    levels = []
    for at in range(0, len(samples), size):
        frame = samples[at : at + size]
        levels.append(math.sqrt(math.sumprod(frame, frame) / len(frame)))  # in C: no long hold of the GIL
    if not levels:
        return []
    loud = sorted(levels)[min(len(levels) - 1, int(len(levels) * 0.95))]
    if loud <= 0:
        return []
    quiet = [level < loud * QUIET for level in levels]
    found = []
    n = 0
    while n < len(quiet):
        if not quiet[n]:
            n += 1
            continue
        begin = n
        while n < len(quiet) and quiet[n]:
            n += 1
        if begin > 0 and n < len(quiet) and (n - begin) * size / rate >= MIN_PAUSE:
            found.append((begin * size / rate, n * size / rate))
    return found


def _align(expected: list[float], quiet: list[tuple[float, float]]) -> list[float | None]:
    """Pauses for boundaries, in order, each used once: the choice that maximises the sum
    of (pause length - MISPLACED x distance from the boundary's estimate), so the long
    pauses between sentences win over short ones after commas. None: no pause fits."""
    m, k = len(expected), len(quiet)
    best = [[0.0] * (k + 1) for _ in range(m + 1)]
    for i in range(1, m + 1):
        for j in range(1, k + 1):
            a, b = quiet[j - 1]
            gain = (b - a) - MISPLACED * abs((a + b) / 2 - expected[i - 1])
            best[i][j] = max(best[i][j - 1], best[i - 1][j], best[i - 1][j - 1] + gain if gain > 0 else -math.inf)
    chosen: list[float | None] = [None] * m
    i, j = m, k
    while i and j:
        if best[i][j] == best[i][j - 1]:
            j -= 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            a, b = quiet[j - 1]
            chosen[i - 1] = (a + b) / 2
            i, j = i - 1, j - 1
    return chosen


def piece_timings(piece: list[Sentence], length: float, quiet: list[tuple[float, float]]) -> list[float]:
    """The boundaries (seconds from the piece's start) between its sentences: len(piece)+1
    values from 0 to `length`. An inner boundary is the middle of the pause aligned with
    it (`_align`), or where the letters before it say it should be when none is."""
    total = sum(s.letters for s in piece) or 1
    expected, before = [], 0
    for sentence in piece[:-1]:
        before += sentence.letters
        expected.append(length * before / total)
    bounds = [0.0]
    for estimate, found in zip(expected, _align(expected, quiet), strict=True):
        bounds.append(max(bounds[-1], found if found is not None else estimate))
    bounds.append(length)
    return bounds


def timings(spoken: list[tuple[list[Sentence], bytes]], rate: int) -> tuple[bytes, list[list[float]]]:
    """The pieces' audio joined with PIECE_GAP between them, and per sentence
    [key, start, end] in seconds (3 decimals) over the whole."""
    gap = b"\0\0" * round(rate * PIECE_GAP)
    audio = bytearray()
    rows: list[list[float]] = []
    for n, (piece, pcm) in enumerate(spoken):
        if n:
            audio += gap
        offset = len(audio) // 2 / rate
        length = seconds(pcm, rate)
        bounds = piece_timings(piece, length, pauses(pcm, rate))
        for k, sentence in enumerate(piece):
            rows.append([sentence.key, round(offset + bounds[k], 3), round(offset + bounds[k + 1], 3)])
        audio += pcm[: len(pcm) // 2 * 2]
    return bytes(audio), rows


def wav(pcm: bytes, rate: int) -> bytes:
    """16-bit mono PCM as a WAV file (every browser plays it)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(pcm)
    return out.getvalue()
