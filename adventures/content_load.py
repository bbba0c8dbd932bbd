"""Writing the content library into the database (called by services.content_load)."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from adventures.models import LessonTopic, Question, StoryWorld

Counts = dict[str, int]


def _new_counts() -> Counts:
    return {"created": 0, "updated": 0, "unchanged": 0}


def _apply(obj: Any, values: dict[str, Any], counts: Counts) -> bool:
    """Copy `values` onto `obj`; True when something changed."""
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    for field in changed:
        setattr(obj, field, values[field])
    counts["updated" if changed else "unchanged"] += 1
    return bool(changed)


def _sync(
    model: type[models.Model], key_field: str, existing: dict[str, Any], wanted: dict[str, dict[str, Any]], **fixed: Any
) -> tuple[Counts, dict[str, Any]]:
    """Create missing rows and update changed ones, in bulk; returns counts and all rows by key."""
    counts = _new_counts()
    to_create = [model(**{key_field: key}, **fixed, **values) for key, values in wanted.items() if key not in existing]
    to_update = [
        existing[key] for key, values in wanted.items() if key in existing and _apply(existing[key], values, counts)
    ]
    if to_create:
        model._default_manager.bulk_create(to_create)
        counts["created"] += len(to_create)
    if to_update:
        fields = sorted({*next(iter(wanted.values())), "updated_at"})
        for obj in to_update:
            obj.updated_at = timezone.now()
        model._default_manager.bulk_update(to_update, fields)
    rows = {**existing, **{getattr(obj, key_field): obj for obj in to_create}}
    return counts, rows


def _world_values(data: dict[str, Any]) -> dict[str, Any]:
    def texts(key: str) -> list[str]:
        return [" ".join(str(v).split()) for v in data[key]]

    return {
        "name": data["name"].strip(),
        "description": " ".join(data["description"].split()),
        "look": " ".join(data["look"].split()),
        "palette": {k: v.lower() for k, v in data["palette"].items()},
        "quests": texts("quests"),
        "characters": [{k: " ".join(str(c[k]).split()) for k in ("name", "role", "look")} for c in data["characters"]],
        "settings": texts("settings"),
        "themes": texts("themes"),
        "morals": texts("morals"),
        "plot_twists": [
            {k: " ".join(str(t[k]).split()) for k in ("summary", "hint", "build", "reveal", "resolution")}
            for t in data["plot_twists"]
        ],
        "obstacles": texts("obstacles"),
        "sights": texts("sights"),
        "sounds": texts("sounds"),
        "smells": texts("smells"),
    }


def _question_values(data: dict[str, Any]) -> dict[str, Any]:
    def tidy(value: Any) -> str:
        return " ".join(str(value).split())

    return {
        "difficulty": data["difficulty"],
        "text": tidy(data["question"]),
        "answer": tidy(data["answer"]),
        "wrong_answer_1": tidy(data["wrong"][0]),
        "wrong_answer_2": tidy(data["wrong"][1]),
        "explanation": tidy(data["explanation"]),
        "misconception": tidy(data["misconception"]),
        "hook": tidy(data["hook"]),
    }


@transaction.atomic
def load(*, worlds: list[dict[str, Any]], topics: list[dict[str, Any]]) -> dict[str, Counts]:
    world_counts, _ = _sync(
        StoryWorld,
        "slug",
        {w.slug: w for w in StoryWorld.objects.all()},
        {data["slug"]: _world_values(data) for data in worlds},
    )
    topic_counts, topic_rows = _sync(
        LessonTopic,
        "slug",
        {t.slug: t for t in LessonTopic.objects.all()},
        {
            data["slug"]: {"name": data["name"].strip(), "description": " ".join(data["description"].split())}
            for data in topics
        },
    )
    # Created topics come back from bulk_create without ids on some databases: re-read.
    topic_rows = {t.slug: t for t in LessonTopic.objects.filter(slug__in=topic_rows)}
    question_counts = _new_counts()
    existing: dict[int, dict[str, Question]] = {}
    for question in Question.objects.filter(topic__in=topic_rows.values()):
        existing.setdefault(question.topic_id, {})[question.key] = question
    for data in topics:
        topic = topic_rows[data["slug"]]
        counts, _ = _sync(
            Question,
            "key",
            existing.get(topic.pk, {}),
            {q["id"]: _question_values(q) for q in data["questions"]},
            topic=topic,
        )
        for key, value in counts.items():
            question_counts[key] += value
    return {"worlds": world_counts, "topics": topic_counts, "questions": question_counts}
