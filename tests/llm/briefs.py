"""Hand-made chapter briefs for provider tests, built from the content files (no DB)."""

from __future__ import annotations

import random
from typing import Any

from adventures import library, plan
from adventures.plan import ChapterKind
from adventures.storytellers import base


def _world(slug: str | None, rng: random.Random) -> dict[str, Any]:
    worlds = library.read_worlds()
    return next(w for w in worlds if w["slug"] == slug) if slug else rng.choice(worlds)


def _question(topic: dict[str, Any], rng: random.Random, difficulty: str = "standard") -> base.Question:
    q = rng.choice([q for q in topic["questions"] if q["difficulty"] == difficulty])
    return base.Question(
        text=q["question"],
        answer=q["answer"],
        wrong=tuple(q["wrong"]),
        explanation=q["explanation"],
        misconception=" ".join(q["misconception"].split()),
        hook=" ".join(q["hook"].split()),
    )


def make_brief(
    *,
    number: int = 1,
    length: int = 10,
    kind: str | None = None,
    world: str | None = None,
    topic: str | None = None,
    seed: int = 1,
    answered_correctly: bool | None = None,
    previous_choice: str | None = "follow the humming lanterns down to the water",
    **overrides: Any,
) -> base.ChapterBrief:
    """A brief for chapter `number` of an adventure with plan drawn from `seed`.

    `kind` forces the chapter kind (the plan is then not consulted for this chapter).
    `answered_correctly` adds an `answered` lesson result (True/False).
    """
    rng = random.Random(seed)
    w = _world(world, rng)
    topics = library.read_topics()
    t = next(x for x in topics if x["slug"] == topic) if topic else rng.choice(topics)
    chapter_plan = plan.make_plan(length, seed=seed)
    kind = kind or chapter_plan[number - 1]
    twist = base.PlotTwist(**rng.choice(w["plot_twists"]))
    companion = base.Character(**rng.choice(w["characters"]))
    names, looks = library.protagonists()
    category = library.agency_categories()[rng.choice(library.AGENCY_CATEGORIES)]
    options = tuple(
        base.AgencyOption(id=f"opt{i}", name=o.name, visual=o.visual)
        for i, o in enumerate(rng.sample(category.options, 3))
    )
    question = _question(t, rng) if kind in (ChapterKind.LESSON, ChapterKind.REFLECT) else None
    answered = None
    if answered_correctly is not None:
        q = _question(t, rng)
        answered = base.Answered(
            question=q, chosen=q.answer if answered_correctly else q.wrong[0], correct=answered_correctly
        )
    fields: dict[str, Any] = {
        "adventure_id": f"00000000-0000-4000-8000-{seed:012d}",
        "seed": seed,
        "number": number,
        "length": length,
        "kind": kind,
        "phase": plan.phase_of(number, length),
        "twist_stage": plan.twist_stage(number, length),
        "world": base.WorldBrief(
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
        ),
        "elements": base.Elements(
            quest=rng.choice(w["quests"]),
            setting=rng.choice(w["settings"]),
            theme=rng.choice(w["themes"]),
            moral=rng.choice(w["morals"]),
            plot_twist=twist,
            obstacle=rng.choice(w["obstacles"]),
            sight=rng.choice(w["sights"]),
            sound=rng.choice(w["sounds"]),
            smell=rng.choice(w["smells"]),
            companion=companion,
        ),
        "topic_name": t["name"],
        "protagonist_name": rng.choice(names),
        "protagonist_look": rng.choice(looks),
        "agency_label": category.label,
        "agency_prompt": category.prompt,
        "agency_options": options,
        "agency": None if number == 1 else options[1],
        "question": question,
        "answered": answered,
        "previous_choice": None if number == 1 else previous_choice,
        "story_so_far": tuple(
            base.PastChapter(n, chapter_plan[n - 1], f"Title {n}", f"Summary of chapter {n}.", "a choice")
            for n in range(1, max(1, number - 1))
        ),
        "last_chapter_text": "" if number == 1 else "The lanterns hummed as the tide rolled in.",
    }
    fields.update(overrides)
    return base.ChapterBrief(**fields)
