"""The content library: counts, shapes, and loading it into the database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from adventures import library
from adventures.models import LessonTopic, Question, StoryWorld


@pytest.fixture(scope="module")
def worlds():
    return library.read_worlds()


@pytest.fixture(scope="module")
def topics():
    return library.read_topics()


def test_at_least_ten_worlds_with_every_element_list(worlds):
    assert len(worlds) >= 10
    for world in worlds:
        for key in ("settings", "themes", "morals", "plot_twists", "obstacles", "sights", "sounds", "smells"):
            assert len(world[key]) >= 5, (world["slug"], key)
        assert len(world["quests"]) >= 3
        assert len(world["characters"]) >= 3
        assert set(world["palette"]) == set(library.PALETTE_KEYS)


def test_world_descriptions_are_two_sentences(worlds):
    for world in worlds:
        sentences = re.findall(r"[^.!?]+[.!?]", " ".join(world["description"].split()))
        assert len(sentences) == 2, world["slug"]


def test_at_least_ten_topics_each_with_forty_questions_about_half_each_difficulty(topics):
    assert len(topics) >= 10
    for topic in topics:
        questions = topic["questions"]
        assert len(questions) >= 40, topic["slug"]
        for difficulty in library.DIFFICULTIES:
            count = sum(q["difficulty"] == difficulty for q in questions)
            # At least 15 is the validator's floor; "about half" keeps either level from running dry.
            assert count >= 15 and 0.4 <= count / len(questions) <= 0.6, (topic["slug"], difficulty, count)


def test_questions_are_well_formed_and_never_duplicated(topics):
    seen_texts, seen_ids = set(), set()
    for topic in topics:
        for q in topic["questions"]:
            answers = [str(q["answer"]).strip().casefold(), *(str(w).strip().casefold() for w in q["wrong"])]
            assert len(set(answers)) == 3, q["id"]
            assert len(q["wrong"]) == 2, q["id"]
            for key in ("explanation", "misconception", "hook"):
                assert q[key].strip(), (q["id"], key)
                assert len(" ".join(q[key].split())) >= 25, (q["id"], key)  # a sentence, not a stub
            assert " ".join(q["misconception"].split()) != " ".join(q["hook"].split()), q["id"]
            text = " ".join(q["question"].split()).casefold()
            assert text not in seen_texts, q["id"]
            assert q["id"] not in seen_ids
            seen_texts.add(text)
            seen_ids.add(q["id"])
            assert all(len(str(a)) <= 120 for a in [q["answer"], *q["wrong"]]), q["id"]


def test_notes_for_a_child_who_got_it_wrong_never_scold(topics):
    unkind = re.compile(r"\b(silly|stupid|dumb|obviously|of course|everyone knows)\b", re.IGNORECASE)
    for topic in topics:
        for q in topic["questions"]:
            for key in ("explanation", "misconception", "hook"):
                assert not unkind.search(q[key]), (q["id"], key)


def test_question_ids_follow_the_scheme(topics):
    for topic in topics:
        for q in topic["questions"]:
            assert re.fullmatch(rf"{topic['slug']}-[sc]\d\d", q["id"]), q["id"]


def test_the_right_answer_is_not_given_away_by_its_length(topics):
    # With three options placed by chance, the right one is the strictly longest about a
    # third of the time at most (ties lower it). A topic above a third teaches children
    # to "pick the longest"; n // 3 (13 of 40) is that chance level, rounded down.
    for topic in topics:
        questions = topic["questions"]
        longest = [
            q["id"] for q in questions if len(str(q["answer"]).strip()) > max(len(str(w).strip()) for w in q["wrong"])
        ]
        assert len(longest) <= len(questions) // 3, (topic["slug"], longest)


def test_a_question_without_a_misconception_or_hook_is_refused(topics):
    topic = topics[0]
    first = topic["questions"][0]
    for key in ("misconception", "hook"):
        broken = dict(topic, questions=[{k: v for k, v in first.items() if k != key}, *topic["questions"][1:]])
        with pytest.raises(library.ContentError, match=f"topics/{topic['slug']}.yaml: {first['id']} has no {key}"):
            library.check_topic(broken, filename=f"{topic['slug']}.yaml")


def test_a_misconception_longer_than_one_line_is_refused(topics):
    topic = topics[0]
    first = dict(topic["questions"][0], misconception="word " * 50)
    broken = dict(topic, questions=[first, *topic["questions"][1:]])
    with pytest.raises(library.ContentError, match=f"{first['id']} misconception is 249 characters, at most 200"):
        library.check_topic(broken, filename=f"{topic['slug']}.yaml")


def test_agency_has_four_categories_of_five_or_more():
    categories = library.agency_categories()
    assert set(categories) == {"magical_item", "companion", "role", "ability"}
    for category in categories.values():
        assert len(category.options) >= 5
        assert all(o.name and o.visual for o in category.options)
        assert len({o.name for o in category.options}) == len(category.options)


def test_protagonists():
    names, looks = library.protagonists()
    assert len(names) >= 40 and len(set(names)) == len(names)
    assert len(looks) >= 8


def test_a_broken_file_is_refused_with_a_clear_message(worlds):
    broken = dict(worlds[0], smells=["only one"])
    with pytest.raises(library.ContentError, match="smells: needs at least 5, has 1"):
        library.check_world(broken, filename=f"{broken['slug']}.yaml")


@pytest.mark.django_db
def test_a_fresh_database_holds_the_whole_library(worlds, topics):
    # The session fixture ran load_content, as `make run` does after migrate.
    assert StoryWorld.objects.count() == len(worlds)
    assert LessonTopic.objects.count() == len(topics)
    assert Question.objects.count() == sum(len(t["questions"]) for t in topics)


@pytest.mark.django_db
def test_the_loader_stores_the_misconception_and_the_hook(topics):
    for topic in topics:
        stored = {q.key: q for q in Question.objects.filter(topic__slug=topic["slug"])}
        for q in topic["questions"]:
            row = stored[q["id"]]
            assert row.misconception == " ".join(q["misconception"].split())
            assert row.hook == " ".join(q["hook"].split())
    row = Question.objects.get(key="times-tables-s05")
    assert row.misconception == (
        '11 comes from adding the two numbers in the question, but "in each box" means 5 groups of 6, '
        "which is multiplying."
    )
    assert row.hook == "Shops pack eggs in sixes, so counting boxes of 6 is a quick way to count lots of eggs."


@pytest.mark.django_db
def test_loading_twice_changes_nothing(capsys):
    before = {q.pk: q.updated_at for q in Question.objects.all()}
    call_command("load_content")
    out = capsys.readouterr().out
    assert "worlds: 0 created, 0 updated" in out
    assert "questions: 0 created, 0 updated" in out
    assert {q.pk: q.updated_at for q in Question.objects.all()} == before


@pytest.mark.django_db
def test_editing_a_file_and_loading_again_updates_it(tmp_path, monkeypatch, topics):
    content = tmp_path / "content"
    (content / "topics").mkdir(parents=True)
    (content / "worlds").symlink_to(library.CONTENT_DIR / "worlds")
    for name in ("agency.yaml", "protagonists.yaml"):
        (content / name).symlink_to(library.CONTENT_DIR / name)
    for path in (library.CONTENT_DIR / "topics").glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        if path.stem == topics[0]["slug"]:
            data["questions"][0]["explanation"] = "A brand new explanation."
        (content / "topics" / path.name).write_text(yaml.safe_dump(data))
    monkeypatch.setattr(library, "CONTENT_DIR", Path(content))

    call_command("load_content")

    changed = Question.objects.get(topic__slug=topics[0]["slug"], key=topics[0]["questions"][0]["id"])
    assert changed.explanation == "A brand new explanation."
    assert Question.objects.filter(explanation="A brand new explanation.").count() == 1


@pytest.mark.django_db
def test_questions_added_in_the_admin_survive_a_load():
    topic = LessonTopic.objects.first()
    added = Question.objects.create(
        topic=topic,
        text="Is this added by a teacher?",
        answer="Yes",
        wrong_answer_1="No",
        wrong_answer_2="Maybe",
        explanation="A teacher added it.",
    )
    call_command("load_content")
    assert Question.objects.filter(pk=added.pk).exists()
    assert added.key.startswith("admin-")
