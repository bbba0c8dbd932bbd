"""The offline storyteller's writing desk: composes a chapter's paragraphs, choices,
title and summary from a ChapterBrief and the prose library in
adventures/content/offline/prose.yaml. Pure and deterministic, no Django, no network.

A chapter is a list of beats (an opening, a journey, an obstacle, a clue, ...); each
beat is one paragraph drawn from the library and filled with the world's phrases. Every
draw is seeded by the adventure's seed, the chapter number and what the draw is for, so
the same brief always gives the same chapter.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

from adventures import plan
from adventures.plan import ChapterKind
from adventures.storytellers.base import ChapterBrief
from adventures.storytellers.chapter_text import ChoicesInvalid, validate_choices, word_count
from adventures.storytellers.offline import plot as offline_plot
from adventures.storytellers.offline.grammar import (
    capitalise,
    capitalise_sentences,
    head,
    hero_pronouns,
    no_article,
    title_case,
)
from adventures.storytellers.offline.words import (
    Scene,
    agency_kind,
    library,
    mid_sentence,
    others_than_companion,
    route_pick,
    scene_for,
    short_name,
    words_for,
)

MIN_WORDS, MAX_WORDS = 265, 440  # a little inside the 250-450 the storyteller promises


@dataclass(frozen=True)
class Composition:
    paragraphs: tuple[str, ...]
    choices: tuple[str, ...]
    scene: Scene
    beats: tuple[str, ...]  # the library key of each paragraph, for tests and debugging

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def rng_for(brief: ChapterBrief, purpose: str) -> random.Random:
    return random.Random(f"{brief.seed}:{brief.number}:{purpose}")


# Text that must reach the page exactly as written (a question is asked word for word),
# so the sentence capitaliser never touches it.
VERBATIM = ("q", "q_answer", "answer", "chosen", "explanation", "choice_raw", "moral", "twist", "world_about")


class _Writer:
    """Draws templates for one chapter without repeating one inside an adventure."""

    def __init__(self, brief: ChapterBrief, words: dict[str, str]) -> None:
        self.brief, self.words = brief, words
        self.gestures = 0
        # Names that make a pronoun ambiguous when they stand in the sentence before.
        self.others = tuple(
            {short_name(c.name) for c in brief.world.characters}
            | {words.get("friend", ""), words.get("local", "")} - {""}
        )

    def draw(self, key: str) -> str:
        if key.startswith("plot."):
            return self.fill(_plot_template(self.brief, key.removeprefix("plot.")))
        options = _lookup(key)
        if isinstance(options, dict):
            options = options[agency_kind(self.brief)]
        # One shuffled deck per adventure and key, dealt one card per chapter: the same
        # beat reads differently in every chapter. Lesson beats come only a few times, at
        # any chapter, so they are dealt by the lesson's turn instead, which never repeats.
        turn = _lesson_turn(self.brief) if key.startswith(_BY_LESSON) else self.brief.number
        deck = list(range(len(options)))
        random.Random(f"{self.brief.seed}:deck:{key}").shuffle(deck)
        return self.fill(options[deck[turn % len(deck)]])

    def _gesture(self, match: re.Match[str]) -> str:
        # "Ravi smiled." (the hero's) comes in many paragraphs; dealt by chapter and turn (8 x 7
        # wordings, four a chapter), no wording comes back within 14 chapters.
        turn = (self.brief.number - 1) * 4 + self.gestures
        self.gestures += 1
        verb, tail = _GESTURE_VERBS[turn % len(_GESTURE_VERBS)], _GESTURE_TAILS[turn // len(_GESTURE_VERBS) % 7]
        return f"{match[1]}{match[2]} {verb}{tail}."

    def fill(self, template: str) -> str:
        # Verbatim text is hidden from the capitaliser behind a token, except its closing
        # punctuation: the sentence after "... kind signposts." still gets its capital.
        kept = {key: f"\x00{i}\x00{_ending(self.words[key])}" for i, key in enumerate(VERBATIM) if key in self.words}
        text = template.format_map(self.words | kept)
        text = capitalise_sentences(" ".join(text.split()))
        hero = re.escape(self.brief.protagonist_name)
        text = re.sub(rf"(^|(?<=[.!?”] ))({hero}) (?:smiled|nodded|grinned)\.", self._gesture, text)
        text = hero_pronouns(text, self.brief.protagonist_name, self.brief.pronouns, self.others)
        for key, token in kept.items():
            text = text.replace(token, self.words[key])
        return text


_GESTURE_VERBS = (
    "smiled",
    "nodded",
    "grinned",
    "beamed",
    "nodded along",
    "smiled back",
    "laughed softly",
    "gave a nod",
)
_GESTURE_TAILS = ("", " at that", " happily", " quietly", " for a moment", " without a word", " again")


def _plot_template(brief: ChapterBrief, part: str) -> str:
    if part == "step":
        return " ".join(offline_plot.spine_for(brief).steps[i] for i in offline_plot.steps_in(brief))
    if part == "solve":
        obstacle = offline_plot.chapter_obstacle(brief) or brief.elements.obstacle
        deck = offline_plot.plots()["solve"][offline_plot.obstacle_kind(obstacle)]
        return deck[brief.number % len(deck)]
    if part in ("shortcut", "detour"):  # dealt by the lesson's turn, never twice
        deck = offline_plot.plots()[part]
        return deck[(_lesson_turn(brief) + brief.seed) % len(deck)]
    if part == "use":
        return offline_plot.use_template(brief, agency_kind(brief), offline_plot.spine_for(brief).climax_kind)
    return offline_plot.deal(brief, part)


def _ending(text: str) -> str:
    found = re.search(r"[.!?]*[”’\"']*$", text)
    return found[0] if found else ""  # the pattern matches every text, even ""


_BY_LESSON = ("open.right", "open.wrong", "lesson.")


def _lesson_turn(brief: ChapterBrief) -> int:
    """How many lessons came before this chapter (the one just answered included)."""
    return sum(1 for past in brief.story_so_far if past.kind == ChapterKind.LESSON) + (brief.answered is not None)


def _lookup(key: str) -> Any:
    node: Any = library()
    for part in key.split("."):
        node = node[part]
    return node


def _opening(brief: ChapterBrief, words: dict[str, str]) -> str:
    if brief.answered is not None:
        return "open.right" if brief.answered.correct else "open.wrong"
    choice = words["choice"]
    if brief.agency is not None and brief.number == 2:
        return "open.agency"
    if not choice:
        return "open.none"
    first = choice.split()[0].lower().strip("“\"'")
    return "open.choice" if first in library()["choice_verbs"] else "open.other"


def _first_of_stage(brief: ChapterBrief) -> bool:
    return brief.number == 1 or plan.phase_of(brief.number - 1, brief.length) != brief.phase


def _beats(brief: ChapterBrief, words: dict[str, str]) -> list[tuple[str, bool]]:
    """(library key, optional?) for each paragraph, in order, before the word budget."""
    if brief.number == 1:
        keys = ("first.world", "first.hero", "first.friend", "first.quest", "friend_talk", "first.agency")
        return [(key, key == "friend_talk") for key in keys]
    opening = _opening(brief, words)
    if brief.kind == ChapterKind.CONCLUSION:
        # The quest's own ending, not a generic "it was done"; the opening follows the
        # last choice made.
        endings = ("ending.arrive", "ending.twist", "plot.done", "ending.agency")
        return [(opening, False), *((key, False) for key in (*endings, "ending.moral", "ending.last"))]
    stage = brief.twist_stage or "hint"
    if _first_of_stage(brief):
        twist = [(f"twist.{stage}", False)]
    else:  # the rest of a long phase only looks back at the clue, never repeats it
        twist = [("twist.later_reveal" if stage == "reveal" else "twist.later_mystery", True)]
    # The agency shows up in every chapter (right after it was picked, the opening shows
    # it); in the climax it is what saves the day, with the twist revealed on the way.
    # In the climax the goal comes in sight; in the story chapter before the end the
    # agency picked in chapter 1 beats the climax obstacle, with the twist revealed on
    # the way. Before that, every chapter tells its step of the quest or keeps the goal
    # in view, and meets an obstacle of its own.
    if offline_plot.is_showdown(brief):
        agency, twist = [("plot.reach", False), *twist, ("plot.use", False), ("plot.cheer", False)], []
    elif brief.phase == plan.CLIMAX:
        agency, twist = [("climax.stakes", True), *twist, ("agency", False)], []
    else:
        agency = [] if opening == "open.agency" else [("agency", False)]
    step = [("plot.step", False)] if offline_plot.steps_in(brief) else [("plot.between", True)]
    # After a lesson, the answer matters: a shortcut, or a small detour put right here.
    answer = [] if brief.answered is None else [("plot.shortcut" if brief.answered.correct else "plot.detour", False)]
    start = [(opening, False), *answer, ("travel", False), *(step if offline_plot.is_middle(brief) else [])]
    if brief.kind == ChapterKind.STORY and brief.phase == plan.CLIMAX:
        return [*start, *agency, ("climax.after", True), ("lead.climax", False)]
    if brief.kind == ChapterKind.STORY:
        meets = offline_plot.chapter_obstacle(brief) is not None
        trouble = [("obstacle.meet", False), ("plot.solve", False)] if meets else []
        return [*start, ("meet", True), *agency, *trouble, *twist, ("discovery", True), ("lead.story", False)]
    if brief.kind == ChapterKind.LESSON:
        meet = "lesson.final" if brief.phase == plan.CLIMAX else "lesson.meet"
        return [*start, *agency, *twist, (meet, False), ("lesson.ask", False)]
    reflect = [("reflect.meet", False), ("reflect.real", False)]
    return [*start, *agency, *reflect, *((key, True) for key, _ in twist), ("lead.reflect", False)]


_FILLERS = ("senses", "friend_talk", "moment")
_ENDING_FILLERS = ("ending.extra",)


def compose(brief: ChapterBrief) -> Composition:
    scene = scene_for(brief)
    words = words_for(brief, scene)
    writer = _Writer(brief, words)
    beats = _beats(brief, words)
    paragraphs = [writer.draw(key) for key, _ in beats]
    # Too short: add small moments (a sound, a joke, a pause).
    fillers = list(_ENDING_FILLERS if brief.kind == ChapterKind.CONCLUSION else _FILLERS)
    rng_for(brief, "fillers").shuffle(fillers)
    # They go after the journey, where a pause fits, not inside a scene.
    keys = [key for key, _ in beats]
    at = keys.index("travel") + 1 if "travel" in keys else len(beats) - 1
    for filler in fillers:
        if word_count("\n".join(paragraphs)) >= MIN_WORDS:
            break
        if filler in keys:
            continue
        paragraphs.insert(at, writer.draw(filler))
        beats.insert(at, (filler, True))
    # Too long: drop optional paragraphs, the last ones first.
    for i in range(len(beats) - 1, -1, -1):
        if word_count("\n".join(paragraphs)) <= MAX_WORDS:
            break
        if beats[i][1]:
            del paragraphs[i], beats[i]
    choices = make_choices(brief, words, scene) if brief.wants_choices else ()
    return Composition(paragraphs=tuple(paragraphs), choices=choices, scene=scene, beats=tuple(key for key, _ in beats))


def make_choices(brief: ChapterBrief, words: dict[str, str], scene: Scene) -> tuple[str, ...]:
    """Three different kinds of next step (a place, a person, a sound, the agency...)."""
    rng = rng_for(brief, "choices")
    others = others_than_companion(brief)
    someone_new = [c for c in others if c.name != scene.local.name] or others
    e, w = brief.elements, brief.world
    extra = {
        "other": mid_sentence(rng.choice(someone_new).name),
        "next_sight": route_pick(brief, "sights", w.sights, e.sight, offset=1),
        "next_sound": route_pick(brief, "sounds", w.sounds, e.sound, offset=1),
        "next_smell": route_pick(brief, "smells", w.smells, e.smell, offset=1),
    }
    writer = _Writer(brief, words | extra)
    kinds = list(library()["choices"])
    if brief.phase in (plan.CLIMAX, plan.RETURN):
        kinds.remove("mystery")  # the secret is out by now
    rng.shuffle(kinds)
    chosen: list[str] = []
    for kind in kinds:
        options = _lookup(f"choices.{kind}")
        if isinstance(options, dict):
            options = options[agency_kind(brief)]
        # Start from this chapter's card so the same wording does not come back every time.
        turn = brief.number % len(options)
        texts = (capitalise(writer.fill(t)).rstrip(".") for t in options[turn:] + options[:turn])
        fitting = next((text for text in texts if 20 <= len(text) <= 110), None)
        if fitting:
            chosen.append(fitting)
        if len(chosen) == 3:
            break
    try:
        return validate_choices(chosen)
    except ChoicesInvalid:
        return validate_choices(library()["choices_fallback"])


def title_and_summary(brief: ChapterBrief) -> tuple[str, str]:
    composition = compose(brief)  # what was really told, so the summary names who was met
    scene = composition.scene
    words = words_for(brief, scene)
    words |= {
        "Place": _the(head(scene.place)),
        "Obstacle": _the(head(scene.obstacle)),
        "World": brief.world.name,
    }
    writer = _Writer(brief, words)
    key = _summary_key(brief)
    summary_key = "story_alone" if key == ChapterKind.STORY and "meet" not in composition.beats else key
    if key == ChapterKind.STORY and "obstacle.meet" not in composition.beats:
        summary_key = "story_trail"
    # Dealt like the prose: each chapter looks at its own two cards of the shuffled deck
    # (so neighbours never meet the same one) and takes the first short enough for it (a
    # long place name makes "The Road to ..." too long); a title an earlier chapter
    # already has is skipped. No obstacle in the chapter, no obstacle in the title.
    templates = [t for t in _lookup(f"titles.{key}") if "obstacle.meet" in composition.beats or "{Obstacle}" not in t]
    random.Random(f"{brief.seed}:deck:titles.{key}").shuffle(templates)
    turn = _lesson_turn(brief) if key == ChapterKind.LESSON else brief.number
    at = 2 * turn % len(templates)
    dealt = [title_case(writer.fill(t).rstrip(".")) for t in templates[at:] + templates[:at]]
    earlier = {past.title for past in brief.story_so_far}
    fitting = [t for t in dealt if 2 <= len(t.split()) <= 6 and t not in earlier] or [_lookup("titles.fallback")]
    title = fitting[0]
    return title, writer.draw(f"summaries.{summary_key}")


def _the(phrase: str) -> str:
    return "the " + no_article(phrase)


def _summary_key(brief: ChapterBrief) -> str:
    if brief.number == 1:
        return "first"
    if brief.kind == ChapterKind.STORY and brief.phase == plan.CLIMAX:
        return "climax"
    return brief.kind
