"""What a teacher sees, and who else sees it: the class page's figures for known
answers, the CSV, a child's page and recaps; teachers see only their own classes,
children never see each other (404 on pages, 4403 on the socket)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

from adventures import plan, services
from adventures.models import Adventure, Chapter
from classroom.models import ClassMember
from tests.classroom.support import PASSWORD, child_client, class_of, start_as, teacher_client
from tests.factories import start_adventure
from tests.support.story import write_chapters
from tests.test_ownership import REFUSED, every_answer

pytestmark = pytest.mark.django_db(transaction=True)


def play_to_the_first_lesson(member: ClassMember, *, right: bool) -> tuple[Adventure, Chapter]:
    """The member's adventure, its first lesson answered right or wrong, and the chapter
    after it written."""
    adventure = start_adventure(visitor=member.visitor, member=member, length=6, seed=11, topic="ocean-life")
    lesson = adventure.plan.index(plan.ChapterKind.LESSON) + 1
    write_chapters(adventure, lesson)
    chapter = Chapter.objects.get(adventure=adventure, number=lesson)
    choice = next(c for c in chapter.choices if bool(c.correct) is right)
    assert services.chapter_record_choice(adventure_id=adventure.id, number=lesson, choice_id=choice.id).recorded
    write_chapters(adventure, lesson + 1)
    chapter.refresh_from_db()
    return adventure, chapter


@pytest.fixture
def oaks():
    """A class with two children who met the same question: Ada got it wrong, Bo right."""
    teacher = teacher_client()
    school_class = class_of(teacher)
    ada_client, ada = child_client(school_class.code, "Ada")
    bo_client, bo = child_client(school_class.code, "Bo")
    ada_adventure, ada_lesson = play_to_the_first_lesson(ada, right=False)
    bo_adventure, bo_lesson = play_to_the_first_lesson(bo, right=True)
    assert ada_lesson.question_id == bo_lesson.question_id  # same seed, same topic: the same question
    return {
        "teacher": teacher,
        "class": school_class,
        "ada": (ada_client, ada, ada_adventure, ada_lesson),
        "bo": (bo_client, bo, bo_adventure, bo_lesson),
    }


def row_of(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start : html.index("</tr>", start)]


def test_the_class_page_shows_every_child_and_each_question_with_the_right_figures(oaks):
    school_class, (_, _, _, ada_lesson) = oaks["class"], oaks["ada"]
    lesson = ada_lesson.number
    html = oaks["teacher"].get(f"/teach/classes/{school_class.pk}/").content.decode()
    for name, right in (("Ada", 0), ("Bo", 1)):
        row = row_of(html, f'data-child="{name}"')
        assert "<td data-started>1</td>" in row
        assert "<td data-finished>0</td>" in row
        assert f"<td data-chapters>{lesson + 1}</td>" in row
        assert f'<td data-questions="{right}/1">{right} of 1</td>' in row
    question = ada_lesson.question
    row = row_of(html, 'data-question="')
    assert 'data-right="1" data-asked="2"' in row
    assert question.text.replace("'", "&#x27;") in row
    assert f"<td data-common-wrong>{ada_lesson.chosen.text} " in row.replace("&#x27;", "'")
    assert f"<h3>{question.topic.name}</h3>" in html


def test_the_csv_has_the_same_figures(oaks):
    school_class, (_, _, _, ada_lesson) = oaks["class"], oaks["ada"]
    response = oaks["teacher"].get(f"/teach/classes/{school_class.pk}/results.csv")
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="storyweb-Year-5-Oaks-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    chapters = str(ada_lesson.number + 1)
    question = ada_lesson.question
    assert rows == [
        ["child", "adventures started", "adventures finished", "chapters read", "questions right", "questions asked"],
        ["Ada", "1", "0", chapters, "0", "1"],
        ["Bo", "1", "0", chapters, "1", "1"],
        [],
        ["topic", "question", "right answer", "answered", "right", "most chosen wrong answer", "chosen"],
        [question.topic.name, question.text, question.answer, "2", "1", ada_lesson.chosen.text, "1"],
    ]


def test_a_childs_page_lists_their_adventures_and_opens_their_recap(oaks):
    school_class, (_, ada, ada_adventure, ada_lesson) = oaks["class"], oaks["ada"]
    teacher = oaks["teacher"]
    page = teacher.get(f"/teach/classes/{school_class.pk}/children/{ada.pk}/").content.decode()
    recap_url = f"/teach/classes/{school_class.pk}/children/{ada.pk}/adventures/{ada_adventure.id}/"
    assert recap_url in page and str(oaks["bo"][2].id) not in page
    recap = teacher.get(recap_url).content.decode()
    assert recap.count("data-recap-chapter=") == ada_lesson.number + 1
    assert recap.count("data-recap-question") == 1
    assert "Played by <strong>Ada</strong>" in recap
    # Bo's adventure is not Ada's: not through her page.
    assert (
        teacher.get(f"/teach/classes/{school_class.pk}/children/{ada.pk}/adventures/{oaks['bo'][2].id}/").status_code
        == 404
    )
    # The teacher sees the pictures in the recap; a stranger does not.
    picture = Chapter.objects.filter(adventure=ada_adventure).exclude(image="").first()
    assert picture is not None
    assert teacher.get(picture.image.url).status_code == 200
    assert Client().get(picture.image.url).status_code == 404


def test_teachers_see_only_their_own_classes(oaks, django_user_model):
    school_class, ada = oaks["class"], oaks["ada"][1]
    base = f"/teach/classes/{school_class.pk}"
    other = teacher_client("mr-birch")
    gets = [
        "/",
        "/results.csv",
        "/cards/",
        f"/children/{ada.pk}/",
        f"/children/{ada.pk}/adventures/{oaks['ada'][2].id}/",
    ]
    posts = ["/settings/", "/code/", "/close/", f"/children/{ada.pk}/remove/"]
    assert {path: other.get(base + path).status_code for path in gets} == dict.fromkeys(gets, 404)
    answers = {path: other.post(base + path, {"confirm": "yes"}).status_code for path in posts}
    assert answers == dict.fromkeys(posts, 404)
    assert "Year 5 Oaks" not in other.get("/teach/").content.decode()
    # An account that is not a teacher's, and nobody at all.
    django_user_model.objects.create_user("parent", password=PASSWORD)
    parent = Client()
    parent.post("/accounts/login/", {"username": "parent", "password": PASSWORD})
    assert parent.get(base + "/").status_code == 403
    assert Client().get(base + "/")["Location"].startswith("/accounts/login/")
    # A child of the class gets nothing of the teacher's either.
    assert oaks["ada"][0].get(base + "/")["Location"].startswith("/accounts/login/")
    assert ClassMember.objects.count() == 2 and oaks["class"].code == type(school_class).objects.get().code


def test_children_never_see_each_others_adventures_and_other_classes_are_refused(oaks):
    """Bo (same class), a child of another class, and a stranger: 404 on every page of
    Ada's adventure, 4403 on its socket."""
    ada_adventure = oaks["ada"][2]
    bo_client = oaks["bo"][0]
    other_class = class_of(teacher_client("mr-birch"), "Year 6 Elms")
    cy_client, _ = child_client(other_class.code, "Cy")
    stranger = Client()
    stranger.get("/")
    for client in (bo_client, cy_client):
        key = client.cookies["sessionid"].value
        assert every_answer(client, key, ada_adventure) == REFUSED
    assert every_answer(Client(), None, ada_adventure) == REFUSED
    # Her own browser is served, socket included.
    ada_client = oaks["ada"][0]
    assert ada_client.get(f"/adventures/{ada_adventure.id}/").status_code == 200
    # As a word: the page's random CSRF token may hold the letters "Bo".
    assert re.search(r"\bBo\b", ada_client.get("/adventures/").content.decode()) is None


def test_class_settings_limit_what_a_child_sees_and_the_server_refuses_the_rest():
    teacher = teacher_client()
    school_class = class_of(teacher)
    from adventures.models import LessonTopic, StoryWorld

    world = StoryWorld.objects.get(slug="mossglow-forest")
    topic = LessonTopic.objects.get(slug="ocean-life")
    response = teacher.post(
        f"/teach/classes/{school_class.pk}/settings/",
        {"worlds": [world.pk], "topics": [topic.pk], "difficulty": "challenging", "length": "6", "age_band": "11-13"},
    )
    assert response.status_code == 302
    child, _member = child_client(school_class.code, "Ada")
    home = child.get("/").content.decode()
    assert home.count('name="world"') == 1 and 'value="mossglow-forest"' in home
    assert home.count('name="topic"') == 1 and 'value="ocean-life"' in home
    assert (
        home.count('name="difficulty"') == 1 and home.count('name="length"') == 1 and home.count('name="age_band"') == 1
    )
    for refused in (
        {"world": "pearlwater-deep"},
        {"topic": "fractions"},
        {"difficulty": "standard"},
        {"length": "10"},
        {"age_band": "8-10"},
    ):
        fields = {"world": "mossglow-forest", "difficulty": "challenging", "age_band": "11-13", **refused}
        assert start_as(child, **fields).status_code == 400, refused
    assert not Adventure.objects.exists()
    assert start_as(child, world="mossglow-forest", difficulty="challenging", age_band="11-13").status_code == 302
    adventure = Adventure.objects.get()
    assert (adventure.world, adventure.topic, adventure.difficulty, adventure.length, adventure.age_band) == (
        world,
        topic,
        "challenging",
        6,
        "11-13",
    )
    # A guest (not in the class) still sees every world.
    assert Client().get("/").content.decode().count('name="world"') > 1


def test_once_the_class_is_closed_even_a_socket_holding_the_members_session_is_refused(oaks):
    """The middleware takes the member's id out of a session on its next page; a socket
    that reconnects before any page (htmx does) is refused all the same."""
    from tests.factories import visitor_session
    from tests.support.sockets import socket_answer

    ada, ada_adventure = oaks["ada"][1], oaks["ada"][2]
    key, _ = visitor_session(ada.visitor)
    assert socket_answer(ada_adventure.id, key)[0] == "served"
    oaks["teacher"].post(f"/teach/classes/{oaks['class'].pk}/close/", {"confirm": "yes"})
    assert socket_answer(ada_adventure.id, key) == ("refused", 4403)
