"""What the offline storyteller's templates can name: the chapter's scene (where, who,
what is in the way) and every phrase of the brief in the shape the prose library
expects. Pure and deterministic, no Django.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from adventures import plan
from adventures.library import CONTENT_DIR
from adventures.plan import ChapterKind
from adventures.storytellers.base import ChapterBrief, Character
from adventures.storytellers.offline import plot as offline_plot
from adventures.storytellers.offline.grammar import capitalise, definite, lower_first, past_tense
from adventures.storytellers.offline.names import mid_sentence, short_name

PROSE_FILE = CONTENT_DIR / "offline" / "prose.yaml"


@lru_cache(maxsize=1)
def library() -> dict[str, Any]:
    with PROSE_FILE.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@dataclass(frozen=True)
class Scene:
    """Where the chapter happens and who is there: shared by the text, the title, the
    summary and the picture's description."""

    place: str
    obstacle: str
    sight: str
    sound: str
    smell: str
    local: Character  # a world character met in this chapter (never the companion)
    asker: Character  # who asked the question of the lesson before, for the opening


def _route(brief: ChapterBrief, purpose: str, items: Sequence[Any], first: Any = None) -> list[Any]:
    """The adventure's own order of a list, the drawn element first: chapter n takes
    item n, so the journey visits new places before it repeats any."""
    rest = [x for x in items if x != first]
    random.Random(f"{brief.seed}:route:{purpose}").shuffle(rest)
    return ([first] if first is not None else []) + rest


def _mentioned(text: str | None, items: Sequence[Any], key: Any = None) -> Any:
    if not text:
        return None
    folded = text.casefold()
    for item in items:
        if (key(item) if key else item).casefold() in folded:
            return item
    return None


def others_than_companion(brief: ChapterBrief) -> list[Character]:
    hidden = offline_plot.hidden_until_reveal(brief)
    others = [c for c in brief.world.characters if c.name != brief.elements.companion.name and c.name not in hidden]
    return others or [brief.elements.companion]


def route_pick(brief: ChapterBrief, purpose: str, items: Sequence[Any], first: Any, offset: int = 0) -> Any:
    route = _route(brief, purpose, items or [first], first)
    start = (brief.number - 1 + offset) % len(route)
    ahead = route[start:] + route[:start]
    return next((x for x in ahead if fits_the_hour(brief, x)), ahead[0])


_NIGHT = re.compile(r"\b(in the dark|night|stars|bedtime|northern lights)\b", re.I)
_DAY_PHASES = (plan.EXPOSITION, plan.RISING, plan.TRIALS)  # the pictures' morning to afternoon


def fits_the_hour(brief: ChapterBrief, detail: Any) -> bool:
    """No fireflies in the dark on a sunny afternoon: night things wait for the climax's
    sunset and the evening (except on the Moon, where the sky is always black)."""
    if not isinstance(detail, str) or brief.phase not in _DAY_PHASES or "moon" in brief.world.slug:
        return True
    return not _NIGHT.search(detail)


def scene_for(brief: ChapterBrief) -> Scene:
    """The chapter's scene; a place, person or sound named in the choice just made wins,
    so "Head for the owl school" leads to the owl school."""
    w, e, choice = brief.world, brief.elements, brief.previous_choice
    others = others_than_companion(brief)

    def pick(purpose: str, items: Sequence[Any], first: Any, **kw: Any) -> Any:
        return _mentioned(choice, items, **kw) or route_pick(brief, purpose, items, first)

    if brief.kind == ChapterKind.CONCLUSION:
        place = e.setting  # the journey ends where it began
    else:
        place = _mentioned(choice, w.settings)
        if place is None:
            # The route's next stop, unless the last chapter was already there.
            route = _route(brief, "settings", w.settings, e.setting)
            start = (brief.number - 1) % len(route)
            ahead = route[start:] + route[:start]
            place = next((s for s in ahead if s not in brief.last_chapter_text), ahead[0])
    return Scene(
        place=place,
        obstacle=offline_plot.chapter_obstacle(brief) or e.obstacle,
        sight=pick("sights", w.sights, e.sight),
        sound=pick("sounds", w.sounds, e.sound),
        smell=pick("smells", w.smells, e.smell),
        local=pick("characters", others, None, key=lambda c: c.name),
        asker=_last_named(brief.last_chapter_text, others) or e.companion,
    )


def _last_named(text: str, characters: Sequence[Character]) -> Character | None:
    """The character named last in the text: in a lesson, the one who asked."""
    best, best_at = None, -1
    for character in characters:
        at = max(text.rfind(character.name), text.rfind(short_name(character.name)))
        if at > best_at:
            best, best_at = character, at
    return best


def agency_kind(brief: ChapterBrief) -> str:
    label = brief.agency_label.casefold()
    for kind, words in (("item", ("item", "object")), ("companion", ("companion", "friend", "pet"))):
        if any(w in label for w in words):
            return kind
    if "role" in label or "calling" in label:
        return "role"
    if "abilit" in label or "power" in label or "skill" in label:
        return "ability"
    return "item"


def _second_person_to_third(phrase: str, pronouns: str = "they") -> str:
    """ "remember everything you have ever read" -> "... they had ever read" (narration,
    with the hero's pronouns)."""
    words = PRONOUNS.get(pronouns, PRONOUNS["they"])
    phrase = re.sub(r"\byou have\b", f"{words['they']} had", phrase)
    phrase = re.sub(r"\byour\b", words["their"], phrase)
    return re.sub(r"\byou\b", words["they"], phrase)


def _agency_words(brief: ChapterBrief) -> dict[str, str]:
    option = brief.agency
    if option is None:
        return {}
    name = option.name.strip().rstrip(".")
    kind = agency_kind(brief)
    role = re.sub(r"^(?:the\s+)?role\s+of\s+(?:an?\s+|the\s+)?", "", name, flags=re.I)
    can = re.sub(r"^(?:the\s+)?(?:special\s+)?(?:ability|power)\s+to\s+", "", name, flags=re.I)
    short = definite(name)
    thing = f"the {short.split()[-1]}"  # "the brass compass" -> "the compass"
    words = {
        "agency": name,
        "agency_cap": capitalise(name),
        "agency_short": short,
        "agency_thing": thing,
        "role": role,
        "a_role": f"{'an' if role[:1].lower() in 'aeiou' else 'a'} {role}",
        "can": _second_person_to_third(can, brief.pronouns),
    }
    words["agency_which"] = _which(name, kind, brief.pronouns)
    words["agency_power"] = {
        "item": short,
        "companion": short,
        "role": f"{brief.protagonist_name}'s work as {words['a_role']}",
        "ability": f"{brief.protagonist_name}'s special ability",
    }[kind]
    return words


def _which(name: str, kind: str, pronouns: str) -> str:
    """The relative clause of an option's name, ready to follow it after a comma:
    "a lantern that shines brighter ..." -> "which shines brighter ..."."""
    match = re.search(r"\b(that|which|who|whose)\s+(.+)$", name)
    if match is None:
        return "who had come all this way" if kind == "companion" else "which had been with them all along"
    pronoun = {"that": "who" if kind == "companion" else "which"}.get(match[1], match[1])
    return _second_person_to_third(f"{pronoun} {match[2]}", pronouns)


PRONOUNS = {
    "they": {"they": "they", "them": "them", "their": "their", "they_were": "they were"},
    "she": {"they": "she", "them": "her", "their": "her", "they_were": "she was"},
    "he": {"they": "he", "them": "him", "their": "his", "they_were": "he was"},
}


def _plot_words(brief: ChapterBrief) -> dict[str, str]:
    spine = offline_plot.spine_for(brief)
    return {
        **PRONOUNS.get(brief.pronouns, PRONOUNS["they"]),
        "goal": spine.goal,
        "goal_cap": capitalise(spine.goal),
        "reach": spine.reach,
        "done": spine.done,
        "climax_obstacle": spine.climax_obstacle,
    }


def _people_for(topic: str) -> str:
    topic_words = re.findall(r"[a-z]+", topic.casefold())
    for entry in library()["real_life"]:
        if any(word.startswith(start) for start in entry["words"] for word in topic_words):
            return entry["people"]
    return library()["real_life_default"]


def words_for(brief: ChapterBrief, scene: Scene) -> dict[str, str]:
    """Everything a template may name, in the shape the library expects."""
    e, w = brief.elements, brief.world
    look = brief.protagonist_look.strip().rstrip(".")
    choice = " ".join((brief.previous_choice or "").split()).rstrip(".!?")
    places = [s for s in _route(brief, "settings", w.settings, e.setting) if s != scene.place]

    def later(purpose: str, items: Sequence[str], first: str, now: str) -> str:
        # Another sight/sound/smell for extra colour, never the one the chapter is built on.
        options = [x for x in _route(brief, purpose, items, first) if x != now and fits_the_hour(brief, x)] or [now]
        return options[(brief.number + 2) % len(options)]

    words = {
        "hero": brief.protagonist_name,
        "hero_look": lower_first(look) if re.match(r"(?i)an?\s", look) else look,
        "world": mid_sentence(w.name),
        # Not the home page's description again: what this adventure's visitor might meet.
        "world_about": f"{capitalise(mid_sentence(w.name))} is the kind of place where you might spot "
        f"{later('sights', w.sights, e.sight, scene.sight)} "
        f"and smell {later('smells', w.smells, e.smell, scene.smell)}.",
        "friend": mid_sentence(short_name(e.companion.name)),
        "friend_full": mid_sentence(e.companion.name),
        "friend_role": e.companion.role.strip().rstrip("."),
        "friend_look": e.companion.look.strip().rstrip("."),
        "friend_was": _was(e.companion.name),
        "quest": e.quest.strip().rstrip("."),
        "theme": e.theme.strip().rstrip("."),
        "moral": e.moral.strip(),
        "place": scene.place,
        "home": e.setting,
        "next_place": places[brief.number % len(places)] if places else e.setting,
        "obstacle": scene.obstacle,
        "sight": scene.sight,
        "sound": scene.sound,
        "smell": scene.smell,
        "sight2": later("sights", w.sights, e.sight, scene.sight),
        "sound2": later("sounds", w.sounds, e.sound, scene.sound),
        "smell2": later("smells", w.smells, e.smell, scene.smell),
        "local": mid_sentence(short_name(scene.local.name)),
        **_introduce(brief, scene.local),
        "asker": mid_sentence(short_name(scene.asker.name)),
        "twist": twist_sentence(brief, brief.twist_stage),
        "choice": _choice_phrase(choice),
        "choice_raw": capitalise(choice),
        "topic": brief.topic_name,
        "topic_lc": _topic_lc(brief.topic_name),
        "people": _people_for(brief.topic_name),
        "agency_prompt": brief.agency_prompt.strip(),
        **{f"opt{i + 1}": o.name.strip().rstrip(".") for i, o in enumerate(brief.agency_options[:3])},
        **_agency_words(brief),
        **_plot_words(brief),
        "obstacle_the": definite(scene.obstacle),
    }
    for key in ("goal", "goal_cap", "reach", "done"):  # the plot's phrases may name the hero
        words[key] = words[key].format_map(words)
    if brief.question is not None:
        words |= {"q": brief.question.text.strip(), "q_answer": brief.question.answer.strip()}
    if brief.answered is not None:
        a = brief.answered
        words |= {"answer": a.question.answer.strip(), "chosen": a.chosen.strip()}
        words["explanation"] = " ".join(a.question.explanation.split())
    return words


def _introduce(brief: ChapterBrief, local: Character) -> dict[str, str]:
    """How a character is brought on: in full the first time, briefly when the hero has
    met them before (they have a known look, or are named in an earlier summary or the
    last chapter)."""
    name, short = mid_sentence(local.name), mid_sentence(short_name(local.name))
    earlier = " ".join([brief.last_chapter_text, *(f"{p.title} {p.summary}" for p in brief.story_so_far)])
    drawn = {who for who, _ in brief.character_visuals}
    if local.name in drawn or local.name in earlier or short_name(local.name) in earlier:
        return {
            "local_intro": f"{short}, {local.role.strip().rstrip('.')}",
            "local_looks": _AGAIN[brief.number % len(_AGAIN)].format(
                short=capitalise(short), hero=brief.protagonist_name
            ),
        }
    # The first meeting says how they look, worded with the hero or the place so that two
    # adventures in the same world rarely read the same sentence.
    form = _FIRST_LOOK[brief.number % len(_FIRST_LOOK)]
    look = form.format(
        short=capitalise(short), was=_was(local.name), look=local.look.strip().rstrip("."), hero=brief.protagonist_name
    )
    return {"local_intro": f"{name}, {local.role.strip().rstrip('.')}", "local_looks": look}


# Meeting someone again, a different line each chapter (and with their name, so two
# adventures rarely share one).
_AGAIN = (
    "{short} waved at {hero} as if they had been expecting company.",
    "It was good to see {short} again, {hero} thought.",
    "{short} looked pleased to see {hero} again.",
    "{short} gave {hero} a cheerful nod of welcome.",
    "{short} smiled at {hero} like an old friend.",
    "“Back so soon, {hero}?” said {short}, delighted.",
    "{short} hurried over to say hello to {hero}.",
)


def twist_sentence(brief: ChapterBrief, stage: str | None) -> str:
    """The plot twist's sentence for a stage, as the story tells it."""
    if stage not in ("hint", "build", "reveal", "resolution"):
        return ""
    return _one_hero(past_tense(" ".join(getattr(brief.elements.plot_twist, stage).split())), brief)


def _one_hero(text: str, brief: ChapterBrief) -> str:
    """The world files say "the heroes"; this story has one hero and one friend."""
    pair = f"{brief.protagonist_name} and {mid_sentence(short_name(brief.elements.companion.name))}"
    text = re.sub(r"\b[Tt]he heroes'", "their", text)
    return re.sub(r"\b[Tt]he heroes\b", pair, text)


_FIRST_LOOK = (
    "{hero} had never seen anyone quite like {short}, who {was} {look}.",
    "{hero} saw at once that {short} {was} {look}.",
    "{hero} took a good look: {short} {was} {look}.",
    "If you had been there with {hero}, you would have seen that {short} {was} {look}.",
    "{hero} had never met {short} before. {short} {was} {look}.",
)


def _was(name: str) -> str:
    return "were" if " and " in name else "was"  # "Wim and Wen" are two


def _choice_phrase(choice: str) -> str:
    """ "Head for the owl school" -> "head for the owl school", for "Let's {choice}"."""
    first = choice.split()[0].lower() if choice else ""
    return choice[0].lower() + choice[1:] if first in library()["choice_verbs"] else lower_first(choice)


def _topic_lc(topic: str) -> str:
    # "The Solar System" -> "the solar system"; keep words that are all capitals ("UK").
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in topic.split())
