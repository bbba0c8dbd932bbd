"""The content library on disk: story worlds, lesson topics, agency options, heroes.

Reads and checks the YAML files under adventures/content/ (format in its README).
Worlds and topics are loaded into the database by `manage.py load_content`;
agency options and protagonists are read from here at play time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CONTENT_DIR = Path(__file__).resolve().parent / "content"

WORLD_LISTS = ("quests", "settings", "themes", "morals", "obstacles", "sights", "sounds", "smells")
PLOT_TWIST_PARTS = ("summary", "hint", "build", "reveal", "resolution")
PALETTE_KEYS = ("sky", "horizon", "ground", "accent", "dark", "light")
AGENCY_CATEGORIES = ("magical_item", "companion", "role", "ability")
DIFFICULTIES = ("standard", "challenging")
MIN_ELEMENTS = 5
MIN_QUESTIONS_PER_DIFFICULTY = 15
# The misconception note and the hook are one line each: the recap shows them under the
# question and the chapter prompt quotes the note, so a paragraph would crowd both.
MAX_NOTE_CHARS = 200


class ContentError(ValueError):
    """A content file is missing something or has it in the wrong shape."""


@dataclass(frozen=True)
class AgencyEntry:
    """An agency option as agency.yaml writes it. An adventure draws three when it
    starts and stores them as shapes.AgencyOption (with ids, later pictures)."""

    name: str
    visual: str
    # Worlds where the option makes no sense ("breathe underwater" under the sea).
    not_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgencyCategory:
    key: str
    label: str
    prompt: str
    options: tuple[AgencyEntry, ...]


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _require(condition: bool, problem: str) -> None:
    if not condition:
        raise ContentError(problem)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_text_list(where: str, values: Any, minimum: int) -> None:
    _require(isinstance(values, list), f"{where}: must be a list")
    _require(len(values) >= minimum, f"{where}: needs at least {minimum}, has {len(values)}")
    _require(all(_is_text(v) for v in values), f"{where}: every entry must be a non-empty text")
    _require(len({v.strip().casefold() for v in values}) == len(values), f"{where}: has duplicates")


def check_world(data: Any, *, filename: str) -> dict[str, Any]:
    where = f"worlds/{filename}"
    _require(isinstance(data, dict), f"{where}: must be a mapping")
    _require(data.get("slug") == Path(filename).stem, f"{where}: slug must equal the file name")
    for key in ("name", "description", "look"):
        _require(_is_text(data.get(key)), f"{where}: {key} is missing")
    palette = data.get("palette")
    _require(isinstance(palette, dict) and set(palette) == set(PALETTE_KEYS), f"{where}: palette needs {PALETTE_KEYS}")
    for key, colour in palette.items():
        _require(
            isinstance(colour, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", colour) is not None,
            f"{where}: palette {key} must be #rrggbb",
        )
    for key in WORLD_LISTS:
        _check_text_list(f"{where}: {key}", data.get(key), 3 if key == "quests" else MIN_ELEMENTS)
    characters = data.get("characters")
    _require(isinstance(characters, list) and len(characters) >= 3, f"{where}: needs at least 3 characters")
    for character in characters:
        _require(
            isinstance(character, dict) and all(_is_text(character.get(k)) for k in ("name", "role", "look")),
            f"{where}: every character needs name, role and look",
        )
    twists = data.get("plot_twists")
    _require(isinstance(twists, list) and len(twists) >= MIN_ELEMENTS, f"{where}: needs {MIN_ELEMENTS} plot twists")
    for twist in twists:
        _require(
            isinstance(twist, dict) and all(_is_text(twist.get(k)) for k in PLOT_TWIST_PARTS),
            f"{where}: every plot twist needs {', '.join(PLOT_TWIST_PARTS)}",
        )
    return data


def check_topic(data: Any, *, filename: str) -> dict[str, Any]:
    where = f"topics/{filename}"
    _require(isinstance(data, dict), f"{where}: must be a mapping")
    _require(data.get("slug") == Path(filename).stem, f"{where}: slug must equal the file name")
    for key in ("name", "description"):
        _require(_is_text(data.get(key)), f"{where}: {key} is missing")
    questions = data.get("questions")
    _require(isinstance(questions, list), f"{where}: questions must be a list")
    seen_ids: set[str] = set()
    seen_texts: set[str] = set()
    per_difficulty = dict.fromkeys(DIFFICULTIES, 0)
    for q in questions:
        _require(isinstance(q, dict), f"{where}: every question must be a mapping")
        qid = q.get("id")
        _require(_is_text(qid) and re.fullmatch(r"[a-z0-9-]+", qid) is not None, f"{where}: bad question id {qid!r}")
        _require(qid not in seen_ids, f"{where}: question id {qid} is used twice")
        seen_ids.add(qid)
        _require(q.get("difficulty") in DIFFICULTIES, f"{where}: {qid} has an unknown difficulty")
        per_difficulty[q["difficulty"]] += 1
        for key in ("question", "answer", "explanation", "misconception", "hook"):
            _require(_is_text(q.get(key)), f"{where}: {qid} has no {key}")
        for key in ("misconception", "hook"):
            length = len(" ".join(q[key].split()))
            _require(length <= MAX_NOTE_CHARS, f"{where}: {qid} {key} is {length} characters, at most {MAX_NOTE_CHARS}")
        wrong = q.get("wrong")
        _require(
            isinstance(wrong, list) and len(wrong) == 2 and all(_is_text(w) for w in wrong),
            f"{where}: {qid} needs exactly two wrong answers",
        )
        answers = {str(a).strip().casefold() for a in [q["answer"], *wrong]}
        _require(len(answers) == 3, f"{where}: {qid} has answers that are not distinct")
        text = q["question"].strip().casefold()
        _require(text not in seen_texts, f"{where}: {qid} repeats another question")
        seen_texts.add(text)
    for difficulty, count in per_difficulty.items():
        _require(
            count >= MIN_QUESTIONS_PER_DIFFICULTY,
            f"{where}: needs {MIN_QUESTIONS_PER_DIFFICULTY} {difficulty} questions, has {count}",
        )
    return data


def read_worlds() -> list[dict[str, Any]]:
    return [check_world(_read(p), filename=p.name) for p in sorted((CONTENT_DIR / "worlds").glob("*.yaml"))]


def read_topics() -> list[dict[str, Any]]:
    return [check_topic(_read(p), filename=p.name) for p in sorted((CONTENT_DIR / "topics").glob("*.yaml"))]


@lru_cache(maxsize=1)
def agency_categories() -> dict[str, AgencyCategory]:
    data = _read(CONTENT_DIR / "agency.yaml")
    categories = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(categories, dict):
        raise ContentError("agency.yaml: needs `categories`")
    _require(set(categories) == set(AGENCY_CATEGORIES), f"agency.yaml: categories must be {AGENCY_CATEGORIES}")
    result = {}
    for key in AGENCY_CATEGORIES:
        category = categories[key]
        options = category.get("options") or []
        _require(len(options) >= MIN_ELEMENTS, f"agency.yaml: {key} needs at least {MIN_ELEMENTS} options")
        _require(
            all(_is_text(o.get("name")) and _is_text(o.get("visual")) for o in options),
            f"agency.yaml: every {key} option needs a name and a visual",
        )
        _require(_is_text(category.get("label")) and _is_text(category.get("prompt")), f"agency.yaml: {key} label")
        result[key] = AgencyCategory(
            key=key,
            label=category["label"].strip(),
            prompt=category["prompt"].strip(),
            options=tuple(
                AgencyEntry(name=o["name"].strip(), visual=o["visual"].strip(), not_in=tuple(o.get("not_in") or ()))
                for o in options
            ),
        )
    return result


@lru_cache(maxsize=1)
def protagonists() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(names, looks)."""
    data = _read(CONTENT_DIR / "protagonists.yaml")
    _require(isinstance(data, dict), "protagonists.yaml: must be a mapping")
    _check_text_list("protagonists.yaml: names", data.get("names"), 40)
    _check_text_list("protagonists.yaml: looks", data.get("looks"), 8)
    return tuple(n.strip() for n in data["names"]), tuple(x.strip() for x in data["looks"])


def companions_for(characters: list[dict[str, Any]], twist: dict[str, Any]) -> list[dict[str, Any]]:
    """The world's characters who may travel with the hero: not the one the plot twist is
    about (a companion cannot be "discovered" at the reveal after chapters at the hero's
    side), unless that leaves nobody."""
    told = " ".join(str(twist.get(part, "")) for part in ("summary", "hint", "build", "reveal"))

    def named(character: dict[str, Any]) -> bool:
        name = character["name"]
        parts = [p for p in re.split(r"[\s-]+", name) if len(p) > 3 and p[0].isupper()]
        parts = [p for p in parts if p.lower() not in _TITLE_WORDS]
        return name in told or any(re.search(rf"\b{re.escape(p)}\b", told) for p in parts)

    return [c for c in characters if not named(c)] or list(characters)


_TITLE_WORDS = {"professor", "captain", "grandmother", "grandfather", "commander", "madame", "queen", "lady"}
