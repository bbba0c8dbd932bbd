"""Prompts for the Gemini storyteller, built from a ChapterBrief. Pure functions, no I/O.

Each builder returns a `Prompt`: the system instruction, the user text and, for calls
that answer in JSON, the JSON schema the reply must fit. Prompts stay bounded: the story
so far is the summaries of earlier chapters plus the full text of the last one only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adventures import plan
from adventures.plan import ChapterKind
from adventures.storytellers.base import AgencyOption, ChapterBrief
from adventures.storytellers.chapter_text import CHOICES_MARKER

MIN_WORDS, MAX_WORDS = 300, 450
# The last chapter is quoted in full; a cap keeps a runaway chapter from bloating every
# later prompt (the end matters most, so the end is kept).
LAST_CHAPTER_MAX_CHARS = 6000
# The reader's age band (chosen on the start form) sets the reading level of the system
# prompt; `_READERS` adds the band's detail to the chapter's own prompt.
READING_LEVELS = {
    "8-10": "for readers aged 8 to 10: short sentences, everyday words, a new or hard word explained by what "
    "happens around it",
    "11-13": "for readers aged 11 to 13: varied sentences and a richer vocabulary, still clear and easy to follow",
}
DEFAULT_AGE_BAND = "8-10"


@dataclass(frozen=True)
class Prompt:
    system: str
    user: str
    schema: dict[str, Any] | None = None


STORYTELLER = f"""You are the storyteller of StoryWeb, a choose-your-path adventure for children aged 8 to 13, \
written one chapter at a time.

Rules for every chapter:
- Warm, kind and exciting, never frightening: no violence, cruelty, peril that lingers or scary descriptions. \
Problems are solved with courage, kindness, teamwork and clever thinking.
- Content for children: no romance or crushes; no real people, celebrities or brands; no weapons used on anyone; \
no dangerous stunts a child could copy (fire, heights, deep water, strangers' cars, medicine); no rude words.
- Reading level: {{reading_level}}.
- Between {MIN_WORDS} and {MAX_WORDS} words of story.
- Plain prose in paragraphs separated by a blank line, with some dialogue. Simple words, varied sentences, \
past tense, third person, following the hero.
- No title and no headings. Never begin with "Chapter" or a chapter number.
- No markdown of any kind: no asterisks, no bold or italics, no bullet points, no horizontal rules.
- Never write choice labels or menus inside the story (no "Option A", "1.", "Choice:").
- Use the sights, sounds and smells you are given. Show the moral through what happens; never preach.
- Follow on naturally from the story so far, keeping every name, fact and look the same."""

_PHASES = {
    plan.EXPOSITION: "the beginning: introduce the hero, the companion, the world and the quest, and end with \
a sense of wonder about what lies ahead",
    plan.RISING: "the rising action: the quest gets going, new places and friends appear and small \
puzzles are solved",
    plan.TRIALS: "the trials: the path gets harder and the hero has to think, try again and rely on friends",
    plan.CLIMAX: "the climax: everything comes together in the biggest challenge of the adventure",
    plan.RETURN: "the homecoming: the quest is completed and the hero returns, changed for the better",
}


def chapter(brief: ChapterBrief) -> Prompt:
    """The prompt for one streamed chapter."""
    sections = [
        _task(brief),
        _world(brief),
        _hero(brief),
        f"Where we are in the story: {_PHASES.get(brief.phase, brief.phase)}.",
        _twist(brief),
        _agency(brief),
        _story_so_far(brief),
        _looks_so_far(brief),
        _previous(brief),
        _lesson(brief),
        _reader(brief),
        _output(brief),
        f"Take care: {brief.caution}" if brief.caution else "",
    ]
    level = READING_LEVELS.get(brief.age_band, READING_LEVELS[DEFAULT_AGE_BAND])
    system = STORYTELLER.replace("{reading_level}", level)
    if brief.caution:  # a rewrite: the reason comes first, where it weighs most
        sections.insert(0, f"Important: {brief.caution}")
    return Prompt(system=system, user="\n\n".join(s for s in sections if s))


# How to write for each age band (reading_level.AGE_BANDS), aiming at a Flesch-Kincaid
# grade of about 3-4 for the younger readers and 5-6 for the older ones.
_READERS = {
    "8-10": "The reader is 8 to 10 years old. Write for a confident young reader: mostly short sentences "
    "(about 8 to 12 words), everyday words, and explain any unusual word through the story itself.",
    "11-13": "The reader is 11 to 13 years old. Write for a capable older reader: varied sentences, some long, "
    "richer words where they fit, but never harder than a good children's novel.",
}


def _reader(brief: ChapterBrief) -> str:
    return _READERS.get(brief.age_band, "")


def _task(brief: ChapterBrief) -> str:
    if brief.kind == ChapterKind.CONCLUSION:
        return (
            f"Write chapter {brief.number}, the last chapter of {brief.length}: resolve the quest, let the hero "
            "come home or rest, and end warmly. No question and no choices."
        )
    return f"Write chapter {brief.number} of {brief.length} of the adventure."


def _world(brief: ChapterBrief) -> str:
    world, drawn = brief.world, brief.elements
    companion = drawn.companion
    others = ", ".join(f"{c.name} ({c.role})" for c in world.characters if c.name != companion.name)
    lines = [
        f"The world: {world.name}. {world.description}",
        f"The quest: {drawn.quest}.",
        f"A place to visit: {drawn.setting}.",
        f"Theme: {drawn.theme}. Moral: {drawn.moral}",
        f"An obstacle to use: {drawn.obstacle}.",
        f"Sensory details to weave in: a sight ({drawn.sight}), a sound ({drawn.sound}), a smell ({drawn.smell}).",
        f"The companion: {companion.name}, {companion.role}; looks like {companion.look}.",
    ]
    if others:
        lines.append(f"Others who live here and may appear: {others}.")
    return "\n".join(lines)


_PRONOUNS = {"they": "they/them", "she": "she/her", "he": "he/him"}


def _hero(brief: ChapterBrief) -> str:
    return (
        f"The hero: {brief.protagonist_name} (pronouns: {_PRONOUNS.get(brief.pronouns, 'they/them')}). "
        f"Looks like: {brief.protagonist_look}\n"
        f"The lesson topic of this adventure: {brief.topic_name}."
    )


def _twist(brief: ChapterBrief) -> str:
    twist = brief.elements.plot_twist
    stage = brief.twist_stage
    if stage == "hint":
        return f"Plot twist, hint only: slip in this small clue without explaining it: {twist.hint}"
    if stage == "build":
        return f"Plot twist, build it up (do not reveal it yet): {twist.build}"
    if stage == "reveal":
        return f"Plot twist, reveal it in this chapter: {twist.reveal} (The truth: {twist.summary})"
    if stage == "resolution":
        return f"Plot twist, resolve it: {twist.resolution}"
    return ""  # the exposition keeps the twist hidden


def _agency(brief: ChapterBrief) -> str:
    if brief.agency is None:
        options = "; ".join(option.name for option in brief.agency_options)
        return (
            f"End this chapter at the moment {brief.protagonist_name} must choose {brief.agency_label} "
            f'("{brief.agency_prompt}"). The three to choose from are: {options}. Describe each one in the story '
            "in a sentence, without numbering or labelling them, and end before the hero chooses."
        )
    agency = (
        f"What {brief.protagonist_name} chose in chapter 1, {brief.agency_label}: {brief.agency.name} "
        f"(it looks like {brief.agency.visual})."
    )
    if brief.phase == plan.CLIMAX:
        return f"{agency} It must be decisive in this chapter: the big challenge is won because of it."
    if brief.kind == ChapterKind.CONCLUSION:
        return f"{agency} Honour it: show how much it mattered on the journey."
    return f"{agency} It must show up and make a difference in this chapter."


def _story_so_far(brief: ChapterBrief) -> str:
    if brief.number == 1:
        return ""
    lines = ["The story so far:"]
    for past in brief.story_so_far:
        chose = f" The reader chose: {past.choice_made}." if past.choice_made else ""
        lines.append(f"- Chapter {past.number}, {past.title}: {past.summary}{chose}")
    last = brief.last_chapter_text.strip()
    if len(last) > LAST_CHAPTER_MAX_CHARS:
        last = "…" + last[-LAST_CHAPTER_MAX_CHARS:]
    if last:
        lines.append(f"\nThe last chapter (chapter {brief.number - 1}) in full:\n<<<\n{last}\n>>>")
    return "\n".join(lines)


def _looks_so_far(brief: ChapterBrief) -> str:
    """How the characters have looked so far, so the words match the pictures."""
    if not brief.character_visuals:
        return ""
    lines = [f"- {name}: {look}" for name, look in brief.character_visuals]
    return "How the characters look (keep them so):\n" + "\n".join(lines)


def _previous(brief: ChapterBrief) -> str:
    answered = brief.answered
    if answered is not None:
        q = answered.question
        verdict = "right" if answered.correct else f"not right (the right answer is {q.answer!r})"
        # A wrong answer gets the bank's note on that tempting mistake, so the correction meets the child's reasoning.
        mistake = "" if answered.correct or not q.misconception else f" Weave in this gentle note: {q.misconception}"
        return (
            f"At the end of the last chapter the reader answered the question {q.text!r} with {answered.chosen!r}, "
            f"which was {verdict}. Open this chapter by telling, inside the story (a character can say it), "
            f"whether {brief.protagonist_name} was right and why: {q.explanation}{mistake} Be kind and encouraging "
            "either way, then carry on with the adventure."
        )
    if brief.previous_choice:
        return f"At the end of the last chapter the reader chose: {brief.previous_choice!r}. Continue from that choice."
    return ""


def _lesson(brief: ChapterBrief) -> str:
    q = brief.question
    if q is None:
        return ""
    if brief.kind == ChapterKind.LESSON:
        return (
            f"This chapter carries a lesson about {brief.topic_name}. Let the adventure lead to a moment where "
            "the hero needs the answer to go on. Near the end, a character asks this question, word for word:\n"
            f'"{q.text}"\n'
            "End the chapter soon after the question. Do not answer it, do not hint which answer is right and do "
            "not list possible answers: the reader will answer.\n"
            f"For you alone, the three answers the reader will see: {q.answer!r} (right), {q.wrong[0]!r} and "
            f"{q.wrong[1]!r} (both wrong). Nothing in the story may state a wrong one as a fact."
        )
    if brief.kind == ChapterKind.REFLECT:
        return (
            f'Revisit the question from the last lesson, "{q.text}", from a new angle: put the hero in a new '
            "situation where the idea behind the answer helps, so they understand it better. Do not ask it again "
            f"as a quiz. The answer: {q.answer}. Why: {q.explanation}"
        )
    return ""


def _output(brief: ChapterBrief) -> str:
    if brief.wants_choices:
        return (
            f"After the story, write {CHOICES_MARKER} on a line of its own, then exactly three lines, one "
            f"choice per line: three different things {brief.protagonist_name} could do next, each a short "
            "sentence of under fifteen words, with no numbers, letters, bullets, quotation marks or labels. "
            "Write nothing after the third choice."
        )
    return "Write only the story: nothing after it, no choices and no list of options."


# --- small calls (JSON answers) -------------------------------------------------------

CHOICES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"choices": {"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 3}},
    "required": ["choices"],
}

_EDITOR = "You help write a children's adventure story (ages 8 to 13). Answer in JSON that fits the schema."
NO_TEXT = "A child-friendly storybook illustration. No words, letters, captions or writing anywhere in the picture."


def _quoted(text: str) -> str:
    return f"<<<\n{text.strip()}\n>>>"


def picture(prompt_text: str) -> str:
    """What the image model is sent: the prompt plus the rules no picture may break."""
    return f"{prompt_text.strip()}\n\n{NO_TEXT}"


def agency_picture(brief: ChapterBrief, option: AgencyOption) -> str:
    """The image model's prompt for one of chapter 1's three agency options."""
    return picture(
        f"{option.visual[:1].upper()}{option.visual[1:]}: {option.name}, shown on its own in the middle of "
        f"the picture against a soft background from {brief.world.name}, in this style: {brief.world.look}"
    )


def choices_repair(brief: ChapterBrief, text: str) -> Prompt:
    return Prompt(
        system=_EDITOR,
        user=(
            f"Chapter {brief.number}, hero {brief.protagonist_name}:\n{_quoted(text)}\n\n"
            f"Write the three choices the reader gets at the end of this chapter: three different things "
            f"{brief.protagonist_name} could do next, following on from how the chapter ends. Each a short "
            "sentence of under fifteen words, with no numbers, letters, bullets or labels."
        ),
        schema=CHOICES_SCHEMA,
    )
