"""Whole adventures played through the offline storyteller without the database or a
socket: the same briefs the storyteller builds, chapter after chapter, with the choices
and answers picked by a seeded player. Used by the storyteller quality report
(bench/storyteller_report.py) and by the plot tests. Pure, no Django ORM.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from adventures import library, plan
from adventures.plan import ChapterKind
from adventures.storytellers import base
from adventures.storytellers.offline import prose as offline_prose


@dataclass(frozen=True)
class PlayedChapter:
    brief: base.ChapterBrief
    text: str
    choices: tuple[str, ...]
    title: str
    summary: str
    chosen: str | None  # the choice the player made at its end


def _world_brief(w: dict) -> base.WorldBrief:
    return base.WorldBrief(
        slug=w["slug"],
        name=w["name"],
        description=w["description"],
        look=w["look"],
        palette=w["palette"],
        characters=tuple(base.Character(**c) for c in w["characters"]),
        settings=tuple(w["settings"]),
        obstacles=tuple(w["obstacles"]),
        sights=tuple(w["sights"]),
        sounds=tuple(w["sounds"]),
        smells=tuple(w["smells"]),
    )


def _question(q: dict) -> base.Question:
    return base.Question(text=q["question"], answer=q["answer"], wrong=tuple(q["wrong"]), explanation=q["explanation"])


def play(
    *,
    seed: int,
    world: str | None = None,
    topic: str | None = None,
    length: int = 10,
    agency: str | None = None,
    pronouns: str | None = None,
) -> list[PlayedChapter]:
    """Play one adventure to the end; what is not given is drawn from `seed`, the way
    adventure_start draws it."""
    rng = random.Random(seed)
    worlds = library.read_worlds()
    topics = library.read_topics()
    w = next(x for x in worlds if x["slug"] == world) if world else rng.choice(worlds)
    t = next(x for x in topics if x["slug"] == topic) if topic else rng.choice(topics)
    names, looks = library.protagonists()
    category = library.agency_categories()[agency or rng.choice(library.AGENCY_CATEGORIES)]
    options = tuple(
        base.AgencyOption(id=f"opt{i}", name=o.name, visual=o.visual)
        for i, o in enumerate(rng.sample([o for o in category.options if w["slug"] not in o.not_in], 3))
    )
    elements = base.Elements(
        quest=rng.choice(w["quests"]),
        setting=rng.choice(w["settings"]),
        theme=rng.choice(w["themes"]),
        moral=rng.choice(w["morals"]),
        plot_twist=base.PlotTwist(**(twist := rng.choice(w["plot_twists"]))),
        obstacle=rng.choice(w["obstacles"]),
        sight=rng.choice(w["sights"]),
        sound=rng.choice(w["sounds"]),
        smell=rng.choice(w["smells"]),
        companion=base.Character(**rng.choice(library.companions_for(w["characters"], twist))),
    )
    hero, look = rng.choice(names), rng.choice(looks)
    chapter_plan = plan.make_plan(length, seed=seed)
    questions = [q for q in t["questions"] if q["difficulty"] == "standard"]
    rng.shuffle(questions)
    world_brief = _world_brief(w)
    played: list[PlayedChapter] = []
    picked: base.AgencyOption | None = None
    last_question: base.Question | None = None
    extra = {"pronouns": pronouns or rng.choice(("they", "she", "he"))}
    for number in range(1, length + 1):
        kind = chapter_plan[number - 1]
        previous = played[-1] if played else None
        answered = None
        if previous is not None and previous.brief.kind == ChapterKind.LESSON:
            q = previous.brief.question
            assert q is not None  # noqa: S101 - a lesson brief always has its question
            answered = base.Answered(question=q, chosen=previous.chosen or "", correct=previous.chosen == q.answer)
        question = None
        if kind == ChapterKind.LESSON:
            question = last_question = _question(questions.pop())
        elif kind == ChapterKind.REFLECT:
            question = last_question
        brief = base.ChapterBrief(
            adventure_id=f"00000000-0000-4000-8000-{seed % 10**12:012d}",
            seed=seed,
            number=number,
            length=length,
            kind=kind,
            phase=plan.phase_of(number, length),
            twist_stage=plan.twist_stage(number, length),
            world=world_brief,
            elements=elements,
            topic_name=t["name"],
            protagonist_name=hero,
            protagonist_look=look,
            agency_label=category.label,
            agency_prompt=category.prompt,
            agency_options=options,
            agency=picked,
            question=question,
            answered=answered,
            previous_choice=previous.chosen if previous else None,
            story_so_far=tuple(
                base.PastChapter(
                    number=c.brief.number, kind=c.brief.kind, title=c.title, summary=c.summary, choice_made=c.chosen
                )
                for c in played[:-1]
            ),
            last_chapter_text=previous.text if previous else "",
            character_visuals=(),
            **_supported(extra),
        )
        composition = offline_prose.compose(brief)
        title, summary = offline_prose.title_and_summary(brief)
        if number == 1:
            picked = rng.choice(options)
            chosen: str | None = picked.name
        elif kind == ChapterKind.LESSON:
            assert question is not None  # noqa: S101 - a lesson always draws a question
            chosen = rng.choice([question.answer, *question.wrong])
        elif composition.choices:
            chosen = rng.choice(composition.choices)
        else:
            chosen = None
        played.append(PlayedChapter(brief, composition.text, composition.choices, title, summary, chosen))
    return played


def _supported(extra: dict[str, str]) -> dict[str, str]:
    # Briefs grow fields over time; pass only those this version of the brief has.
    fields = base.ChapterBrief.__dataclass_fields__
    return {k: v for k, v in extra.items() if k in fields}
