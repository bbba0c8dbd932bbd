"""Sentence timings of a narration (adventures/play/narration_timing.py) and the speech
decoding (storytellers/gemini/speech.py): plain asserts, no server, no database."""

from __future__ import annotations

import pytest

from adventures.play import narration_timing as timing
from adventures.storytellers.gemini.calls import BadReply
from adventures.storytellers.gemini.speech import decode
from tests.support.fake_gemini import replies

# The same cases run through static/js/sentences.js in tests/browser/test_narration.py.
SPLIT_CASES = [
    ("One. Two! Three?", ["One.", "Two!", "Three?"]),
    (
        '"Hello," said Mr. Fox. "Come in!" And in they went.',
        ['"Hello," said Mr. Fox.', '"Come in!"', "And in they went."],
    ),
    (
        "Wait… what was that? A bell (far away.) Then quiet",
        ["Wait…", "what was that?", "A bell (far away.)", "Then quiet"],
    ),
    ("First line\nSecond line. Still second.\n\nThird", ["First line", "Second line.", "Still second.", "Third"]),
    ("3.5 metres long, e.g. a boat. Yes.", ["3.5 metres long, e.g. a boat.", "Yes."]),
    ("A star 🌟 shone. Then another.", ["A star 🌟 shone.", "Then another."]),
]


@pytest.mark.parametrize(("text", "expected"), SPLIT_CASES)
def test_sentences_split_like_the_reader(text, expected):
    assert [s.text for s in timing.sentences(text)] == expected


def test_a_sentence_is_named_by_the_letters_before_it_as_the_browser_counts_them():
    found = timing.sentences("A star 🌟 shone.\nThen another.")
    # "Astar" 5 + the emoji, two UTF-16 units + "shone." 6 = 13
    assert [(s.key, s.end, s.paragraph) for s in found] == [(0, 13, 0), (13, 25, 1)]


def test_paragraphs_become_pieces_and_many_are_grouped_evenly():
    text = "\n".join(f"Paragraph {n} begins. It ends here." for n in range(11))
    found = timing.sentences(text)
    assert len(timing.pieces(found, max_pieces=20)) == 11
    grouped = timing.pieces(found, max_pieces=4)
    assert len(grouped) == 4
    assert [s for piece in grouped for s in piece] == found  # nothing lost, order kept
    assert timing.piece_text(grouped[0][:3]) == "Paragraph 0 begins. It ends here.\n\nParagraph 1 begins."


def _true_bounds(spans: list[tuple[float, float]], length: float) -> list[float]:
    middles = [(spans[n][1] + spans[n + 1][0]) / 2 for n in range(len(spans) - 1)]
    return [0.0, *middles, length]


@pytest.mark.parametrize(
    "paragraph",
    [
        "The lantern glowed. A fox trotted by with a very long and curious tail. Stop! Everyone laughed together.",
        "Short. This one is a good deal longer than the first sentence was. Ok.",
    ],
)
def test_the_boundaries_are_the_pauses_in_the_audio(paragraph):
    found = timing.sentences(paragraph)
    pcm, spans = replies.speech_pcm(timing.piece_text(found))
    length = timing.seconds(pcm, replies.SPEECH_RATE)
    bounds = timing.piece_timings(found, length, timing.pauses(pcm, replies.SPEECH_RATE))
    assert len(bounds) == len(found) + 1
    for measured, true in zip(bounds, _true_bounds(spans, length), strict=True):
        assert abs(measured - true) <= timing.FRAME


def test_without_pauses_the_letters_decide():
    found = timing.sentences("Aaaa aaaa. Bb.")  # 9 and 3 letters
    assert timing.piece_timings(found, 6.0, []) == [0.0, 4.5, 6.0]


def test_pieces_join_with_a_fixed_gap_and_every_sentence_gets_its_time():
    text = "One fine day. The sun shone.\nA bird sang loudly. Then it flew."
    found = timing.sentences(text)
    spoken = []
    truths = []
    for piece in timing.pieces(found):
        pcm, spans = replies.speech_pcm(timing.piece_text(piece))
        spoken.append((piece, pcm))
        truths.append(_true_bounds(spans, timing.seconds(pcm, replies.SPEECH_RATE)))
    audio, rows = timing.timings(spoken, replies.SPEECH_RATE)
    first_length = timing.seconds(spoken[0][1], replies.SPEECH_RATE)
    second_start = first_length + timing.PIECE_GAP
    assert timing.seconds(audio, replies.SPEECH_RATE) == pytest.approx(
        second_start + timing.seconds(spoken[1][1], replies.SPEECH_RATE)
    )
    assert [row[0] for row in rows] == [s.key for s in found]
    expected = [
        (truths[0][0], truths[0][1]),
        (truths[0][1], truths[0][2]),
        (second_start + truths[1][0], second_start + truths[1][1]),
        (second_start + truths[1][1], second_start + truths[1][2]),
    ]
    for (_, start, end), (true_start, true_end) in zip(rows, expected, strict=True):
        assert abs(start - true_start) <= timing.FRAME + 0.001
        assert abs(end - true_end) <= timing.FRAME + 0.001


def test_the_wav_file_holds_the_pcm():
    pcm, _ = replies.speech_pcm("Hello there.")
    data = timing.wav(pcm, replies.SPEECH_RATE)
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert decode(data, "audio/wav").pcm == pcm


def test_speech_is_decoded_from_raw_pcm_or_wav_and_refused_otherwise():
    pcm, _ = replies.speech_pcm("Hello there.")
    assert decode(pcm, "audio/L16;codec=pcm;rate=24000").rate == 24000
    assert decode(pcm, "audio/pcm").rate == 24000  # the documented rate when none is named
    assert decode(replies.wav_bytes(pcm, 16000), "audio/wav").rate == 16000
    with pytest.raises(BadReply):
        decode(b"ID3...", "audio/mpeg")
    with pytest.raises(BadReply):
        decode(b"", "audio/L16;rate=24000")
    with pytest.raises(BadReply):
        decode(b"not a wav", "audio/wav")


def _hum_and_quiet(segments: list[tuple[str, float]], rate: int = replies.SPEECH_RATE) -> bytes:
    """PCM of ("hum" | "quiet", seconds) segments."""
    import array
    import math

    samples = array.array("h")
    for kind, seconds in segments:
        count = round(seconds * rate)
        if kind == "hum":
            samples.extend(round(8000 * math.sin(2 * math.pi * 200 * i / rate)) for i in range(count))
        else:
            samples.extend([0] * count)
    return samples.tobytes()


def test_long_pauses_between_sentences_win_over_short_ones_after_commas():
    found = timing.sentences("Slowly, carefully, quietly, the fox crept on. It stopped.")
    pcm = _hum_and_quiet(
        [
            ("hum", 0.6),
            ("quiet", 0.15),  # after "Slowly,"
            ("hum", 0.8),
            ("quiet", 0.15),  # after "carefully,"
            ("hum", 0.7),
            ("quiet", 0.15),  # after "quietly,"
            ("hum", 1.2),
            ("quiet", 0.5),  # the end of the first sentence
            ("hum", 0.9),
        ]
    )
    length = timing.seconds(pcm, replies.SPEECH_RATE)
    quiet = timing.pauses(pcm, replies.SPEECH_RATE)
    assert len(quiet) == 4
    bounds = timing.piece_timings(found, length, quiet)
    assert bounds[0] == 0.0 and bounds[2] == pytest.approx(length)
    assert abs(bounds[1] - (0.6 + 0.15 + 0.8 + 0.15 + 0.7 + 0.15 + 1.2 + 0.25)) <= timing.FRAME
