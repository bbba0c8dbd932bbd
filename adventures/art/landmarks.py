"""Landmarks: the one building or place a chapter mentions, drawn in the middle distance
(a lighthouse, a bridge, a market stall), so the picture follows the story around the
world instead of showing the same view every chapter.

Each landmark draws around its own foot at (0, 0); `find_landmark` picks one and the
scene places it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .stage import Stage, dome, round_tree
from .svg import lighten, mix

WHITE = "#ffffff"
WOOD = "#a0673a"
LAMP = "#ffd56b"


def lighthouse(st: Stage) -> None:
    s = st.s
    if st.light.dusk > 0.3 or st.dark_sky:
        s.polygon([(0, -250), (-420, -330), (-420, -170)], "#fff2b0", fill_opacity=0.25)
    s.polygon([(-34, 0), (-22, -230), (22, -230), (34, 0)], WHITE)
    for y in (-60, -150):
        s.polygon([(-31, y), (-28, y - 40), (28, y - 40), (31, y)], st.pal.accent)
    s.rect(-20, -262, 40, 32, "#fff2b0", stroke=st.pal.dark, stroke_width=3)
    s.polygon([(-26, -262), (0, -292), (26, -262)], st.pal.accent)


def windmill(st: Stage) -> None:
    s = st.s
    s.polygon([(-34, 0), (-22, -130), (22, -130), (34, 0)], lighten(st.mid, 0.5))
    s.polygon([(-28, -128), (0, -164), (28, -128)], st.pal.accent)
    s.rect(-9, -34, 18, 34, st.pal.dark, rx=8)
    for angle in (20, 110, 200, 290):
        s.rect(
            -8,
            -250,
            16,
            100,
            WHITE,
            fill_opacity=0.9,
            stroke=st.pal.dark,
            stroke_width=2,
            transform=f"rotate({angle} 0 -150)",
        )
    s.circle(0, -150, 7, st.pal.dark)


def bridge(st: Stage) -> None:
    s = st.s
    stone = mix(lighten(st.mid, 0.35), st.pal.light, 0.2)
    s.path(
        "M -150 0 Q 0 -130 150 0 L 120 0 Q 0 -90 -120 0 Z", stone, stroke=mix(stone, st.pal.dark, 0.3), stroke_width=3
    )
    s.path("M -140 -36 Q 0 -150 140 -36", "none", stroke=WOOD, stroke_width=5)


def tower(st: Stage) -> None:
    s = st.s
    s.rect(-36, -220, 72, 220, lighten(st.mid, 0.3))
    s.rect(-10, -170, 20, 30, st.pal.dark, rx=10)
    s.polygon([(-48, -216), (0, -300), (48, -216)], st.pal.accent)
    s.line(0, -300, 0, -330, st.pal.dark, 3)
    s.polygon([(0, -330), (30, -322), (0, -314)], st.pal.light)


def cottage(st: Stage) -> None:
    s = st.s
    s.rect(-60, -80, 120, 80, lighten(st.mid, 0.45))
    s.polygon([(-76, -74), (0, -140), (76, -74)], mix(st.pal.accent, st.pal.dark, 0.2))
    s.rect(-14, -48, 28, 48, mix(WOOD, st.pal.dark, 0.2), rx=12)
    window = LAMP if st.light.dusk > 0.3 or st.dark_sky else lighten(st.pal.sky, 0.5)
    for wx in (-44, 24):
        s.rect(wx, -64, 20, 20, window, stroke=st.pal.dark, stroke_width=2)


def stall(st: Stage) -> None:
    s = st.s
    s.rect(-70, -50, 140, 50, mix(WOOD, st.pal.dark, 0.1))
    s.line(-66, -50, -66, -120, st.pal.dark, 4)
    s.line(66, -50, 66, -120, st.pal.dark, 4)
    for i in range(7):  # a scalloped, striped awning
        s.path(
            "M -84 -120 L -60 -120 L -60 -100 Q -72 -88 -84 -100 Z",
            st.pal.accent if i % 2 else st.pal.light,
            transform=f"translate({i * 24} 0)",
        )
    for i, fruit in enumerate(("#ff595e", "#ffca3a", "#8ac926", "#ff9f1c")):
        s.circle(-45 + i * 30, -58, 10, fruit)


def boat(st: Stage) -> None:
    s = st.s
    s.path(
        "M -90 -40 L 90 -40 Q 70 0 0 0 Q -70 0 -90 -40 Z",
        mix(WOOD, st.pal.dark, 0.1),
        stroke=st.pal.dark,
        stroke_width=3,
    )
    s.line(0, -40, 0, -200, st.pal.dark, 5)
    s.polygon([(6, -196), (6, -52), (90, -52)], st.pal.light)
    s.polygon([(-6, -170), (-6, -52), (-66, -52)], st.pal.accent)


def pond(st: Stage) -> None:
    s = st.s
    s.ellipse(0, -10, 150, 26, s.linear([(0, lighten(st.light.top, 0.2)), (1, st.light.bottom)]))
    s.ellipse(-40, -14, 50, 4, WHITE, fill_opacity=0.5)


def cave(st: Stage) -> None:
    s = st.s
    s.path("M -130 0 Q -120 -170 0 -180 Q 120 -170 130 0 Z", mix(st.mid, st.pal.dark, 0.3))
    s.path("M -60 0 Q -60 -110 0 -110 Q 60 -110 60 0 Z", mix(st.pal.dark, st.pal.accent, 0.25))
    s.circle(0, -40, 40, s.glow(st.pal.light, 0.4))


def big_tree(st: Stage) -> None:
    round_tree(st.s, 0, 0, 300, mix(st.mid, st.pal.dark, 0.15), mix(WOOD, st.pal.dark, 0.3))


def ruins(st: Stage) -> None:
    s = st.s
    stone = mix(lighten(st.mid, 0.4), st.pal.light, 0.3)
    edge = mix(stone, st.pal.dark, 0.3)
    for dx, h in ((-90, 170), (-30, 200), (30, 200), (90, 120)):
        s.rect(dx - 14, -h, 28, h, stone, stroke=edge, stroke_width=2)
    s.rect(-60, -222, 120, 24, stone, stroke=edge, stroke_width=2)


PALM_FRONDS = ((-110, -160), (-70, -220), (60, -230), (110, -170), (0, -250))


def palm(st: Stage) -> None:
    s = st.s
    s.path("M 0 0 Q 30 -120 10 -230", "none", stroke="#8d6346", stroke_width=14)
    fronds = " ".join(f"M 10 -230 Q {10 + dx / 2:.0f} -270 {10 + dx} {dy}" for dx, dy in PALM_FRONDS)
    leaf = mix("#3f8f4f", st.pal.dark, st.light.dusk * 0.4)
    s.path(fronds, "none", stroke=leaf, stroke_width=12, stroke_linecap="round")
    with s.at(90, 6):
        pond(st)


def glass_dome(st: Stage) -> None:
    dome(st, 0, 0, 110)


Landmark = Callable[[Stage], None]

# Searched in the chapter's text first, then in the adventure's setting.
LANDMARKS: tuple[tuple[str, Landmark], ...] = (
    (r"lighthouse", lighthouse),
    (r"windmill", windmill),
    (r"bridges?", bridge),
    (r"oasis|palms?", palm),
    (r"domes?|domed|greenhouse", glass_dome),
    (r"towers?|clock", tower),
    (r"cabin|hut|house|cottage|village|school|post office|workshop", cottage),
    (r"market|stalls?|shop|camp|tents?", stall),
    (r"ship|boats?|wreck", boat),
    (r"pool|pond|lake|spring|stream|river", pond),
    (r"caves?|tunnel|trench|burrow", cave),
    (r"tree|oak", big_tree),
    (r"temple|ruins?|palace|castle|arch", ruins),
)
_LANDMARKS = tuple((re.compile(rf"\b(?:{words})\b", re.IGNORECASE), landmark) for words, landmark in LANDMARKS)


def find_landmark(*texts: str) -> Landmark | None:
    """The landmark named earliest in the first text that names one."""
    for text in texts:
        found = [(m.start(), i) for i, (pattern, _) in enumerate(_LANDMARKS) if (m := pattern.search(text or ""))]
        if found:
            return _LANDMARKS[min(found)[1]][1]
    return None


def draw_landmark(st: Stage, landmark: Landmark, x: float, base: float) -> None:
    with st.s.at(x, base):
        landmark(st)
