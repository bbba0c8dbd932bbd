"""The admin: who gets in, what it shows (escaped), and what content it accepts."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.html import escape

from adventures import services
from adventures.models import Adventure, Chapter, Feedback, LessonTopic, Question, StoryWorld, TelemetryEvent
from adventures.operations import telemetry
from tests.factories import start_adventure
from tests.test_dashboard import play

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 3"><rect width="4" height="3"/></svg>'


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def adventure(media) -> Adventure:
    """Three chapters with hostile text everywhere a model or a player writes, and a picture."""
    adventure = start_adventure(visitor="visitor-admin-test", length=10)
    chapters = play(adventure, chapters=3, text=f"Once {HOSTILE} upon", choice_text=HOSTILE)
    first = chapters[0]
    name = default_storage.save(f"adventures/{adventure.id}/chapter-1.svg", ContentFile(SVG))
    services.chapter_picture_save(chapter_id=first.pk, name=name, alt=f"alt {HOSTILE}", width=4, height=3)
    services.chapter_set_title_summary(chapter_id=first.pk, title=f"Title {HOSTILE}", summary=f"Summary {HOSTILE}")
    services.character_visuals_save(adventure_id=adventure.id, visuals={f"Name {HOSTILE}": f"Look {HOSTILE}"})
    Adventure.objects.filter(pk=adventure.pk).update(protagonist_name=f"P{HOSTILE}"[:60])
    Feedback.objects.create(rating="down", comment=f"Comment {HOSTILE}", adventure=adventure)
    telemetry.record("error", adventure_id=adventure.id, where="chapter", reason="lost", error=HOSTILE)
    adventure.refresh_from_db()
    return adventure


@pytest.fixture
def staff_without_permissions(client) -> Any:
    user = User.objects.create_user("helper", password="pw-helper-123", is_staff=True)
    client.force_login(user)
    return client


# --- Who gets in -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/dashboard/",
        "/admin/adventures/adventure/",
        "/admin/adventures/telemetryevent/",
        "/admin/adventures/feedback/",
        "/admin/adventures/storyworld/",
        "/admin/adventures/lessontopic/",
        "/admin/adventures/question/",
    ],
)
def test_pages_render_for_staff(admin_client, adventure, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "style=" not in response.content.decode()  # the CSP forbids inline styles


@pytest.mark.parametrize("url", ["/admin/dashboard/", "/admin/adventures/adventure/"])
def test_anonymous_visitors_are_sent_to_the_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"


@pytest.mark.parametrize("url", ["/admin/dashboard/", "/admin/adventures/adventure/"])
def test_signed_in_players_who_are_not_staff_are_sent_to_the_login(client, url):
    client.force_login(User.objects.create_user("player", password="pw-player-123"))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"


def test_staff_need_the_telemetry_permission_for_the_dashboard(staff_without_permissions):
    assert staff_without_permissions.get("/admin/dashboard/").status_code == 403
    assert 'id="storyweb-dashboard-link"' not in staff_without_permissions.get("/admin/").content.decode()
    user = User.objects.get(username="helper")
    user.user_permissions.add(Permission.objects.get(codename="view_telemetryevent"))
    assert staff_without_permissions.get("/admin/dashboard/").status_code == 200


def test_the_admin_index_links_the_dashboard(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert '<th scope="row"><a href="/admin/dashboard/">Dashboard</a></th>' in html
    assert reverse("admin:dashboard") == "/admin/dashboard/"


# --- Adventures: read-mostly, escaped ------------------------------------------------------


def test_adventure_page_shows_chapters_pictures_and_visuals_escaped(admin_client, adventure):
    response = admin_client.get(reverse("admin:adventures_adventure_change", args=[adventure.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert HOSTILE not in html
    for text in (
        f"Title {ESCAPED}",
        f"Summary {ESCAPED}",
        f"Once {ESCAPED} upon",
        f"Name {ESCAPED}",
        f"Look {ESCAPED}",
    ):
        assert text in html, text
    lesson = Chapter.objects.get(adventure=adventure, number=2)
    assert lesson.kind == "lesson"
    assert f"<li>{escape(lesson.question.answer)} (correct) ← chosen</li>" in html
    assert f"<li>{ESCAPED} 0</li><li>{ESCAPED} 1</li><li>{ESCAPED} 2</li>" in html  # chapter 3: not chosen yet
    url = f"/media/adventures/{adventure.id}/chapter-1.svg"
    assert (
        f'<a href="{url}" class="storyweb-thumb"><img src="{url}" alt="alt {ESCAPED}" width="96" loading="lazy"></a>'
    ) in html
    assert Chapter.objects.filter(adventure=adventure).count() == 3
    # Read-mostly: nothing to save, no way to add chapters.
    assert 'name="_save"' not in html
    assert 'name="chapters-0-text"' not in html
    assert 'id="chapters-empty"' not in html  # the template the "add another" button copies


def test_lists_escape_player_text(admin_client, adventure):
    for url in ("/admin/adventures/adventure/", "/admin/adventures/feedback/", "/admin/adventures/telemetryevent/"):
        html = admin_client.get(url).content.decode()
        assert HOSTILE not in html, url
    assert f"Comment {ESCAPED}" in admin_client.get("/admin/adventures/feedback/").content.decode()
    event = TelemetryEvent.objects.get(name="error")
    html = admin_client.get(reverse("admin:adventures_telemetryevent_change", args=[event.pk])).content.decode()
    assert HOSTILE not in html
    assert "&quot;error&quot;: &quot;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&quot;" in html


def test_adventures_can_be_found_by_id_visitor_world_and_topic(admin_client, adventure):
    other = start_adventure(visitor="someone-else", world=StoryWorld.objects.order_by("slug").last().slug)
    url = "/admin/adventures/adventure/"

    def found(query: str) -> set[Any]:
        return {row.pk for row in admin_client.get(url, {"q": query}).context["cl"].result_list}

    assert found(str(adventure.pk)) == {adventure.pk}
    assert found("visitor-admin-test") == {adventure.pk}
    assert found(other.world.name) == {other.pk}
    assert found("no-such-thing") == set()
    assert found(adventure.topic.name) == {adventure.pk, other.pk}


def test_adventures_cannot_be_added_or_changed(admin_client, adventure):
    assert admin_client.get("/admin/adventures/adventure/add/").status_code == 403
    url = reverse("admin:adventures_adventure_change", args=[adventure.pk])
    response = admin_client.post(url, {"protagonist_name": "Changed"})
    assert response.status_code == 403
    assert Adventure.objects.get(pk=adventure.pk).protagonist_name.startswith("P<script>")


def test_a_superuser_deletes_an_adventure_with_its_pictures(admin_client, adventure, media):
    picture = media / "adventures" / str(adventure.id) / "chapter-1.svg"
    assert picture.exists()
    url = reverse("admin:adventures_adventure_delete", args=[adventure.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Adventure.objects.filter(pk=adventure.pk).exists()
    assert not Chapter.objects.filter(adventure_id=adventure.pk).exists()
    assert not picture.exists()


def test_staff_who_are_not_superusers_cannot_delete_adventures(staff_without_permissions, adventure):
    user = User.objects.get(username="helper")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_adventure", "delete_adventure"]))
    url = reverse("admin:adventures_adventure_delete", args=[adventure.pk])
    assert staff_without_permissions.post(url, {"post": "yes"}).status_code == 403
    assert Adventure.objects.filter(pk=adventure.pk).exists()


# --- Content: editable, validated -------------------------------------------------------------


def question_data(**changes: str) -> dict[str, str]:
    data = {
        "topic": str(LessonTopic.objects.order_by("slug").first().pk),
        "key": "",
        "difficulty": "standard",
        "text": "How many legs has a spider?",
        "answer": "Eight",
        "wrong_answer_1": "Six",
        "wrong_answer_2": "Ten",
        "explanation": "Spiders are arachnids, and arachnids have eight legs.",
        "is_active": "on",
    }
    return data | changes


def test_a_new_question_is_saved_with_a_key(admin_client):
    response = admin_client.post("/admin/adventures/question/add/", question_data())
    assert response.status_code == 302
    question = Question.objects.get(text="How many legs has a spider?")
    assert question.key.startswith("admin-")
    assert (question.misconception, question.hook) == ("", "")  # optional in the admin


def test_staff_write_a_question_s_misconception_note_and_hook(admin_client):
    note = "Six is tempting because insects have six legs, but spiders are not insects."
    hook = "Count the legs of the next spider you see in the garden."
    response = admin_client.post("/admin/adventures/question/add/", question_data(misconception=note, hook=hook))
    assert response.status_code == 302
    question = Question.objects.get(text="How many legs has a spider?")
    assert (question.misconception, question.hook) == (note, hook)
    html = admin_client.get(f"/admin/adventures/question/{question.pk}/change/").content.decode()
    assert f">\n{note}</textarea>" in html and f">\n{hook}</textarea>" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"wrong_answer_2": " eight "},
            "The correct answer and the two wrong answers must all be different.",
        ),
        ({"wrong_answer_1": "Ten"}, "The correct answer and the two wrong answers must all be different."),
        ({"explanation": ""}, "This field is required."),
        ({"explanation": "   "}, "This field is required."),
    ],
)
def test_a_question_with_duplicate_answers_or_no_explanation_is_refused(admin_client, changes, message):
    response = admin_client.post("/admin/adventures/question/add/", question_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.filter(text="How many legs has a spider?").exists()


def test_the_topic_page_validates_its_inline_questions(admin_client):
    topic = LessonTopic.objects.order_by("slug").first()
    existing = list(topic.questions.order_by("pk"))
    data = {
        "slug": topic.slug,
        "name": topic.name,
        "description": topic.description,
        "is_active": "on",
        "questions-TOTAL_FORMS": str(len(existing) + 1),
        "questions-INITIAL_FORMS": str(len(existing)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for index, question in enumerate(existing):
        prefix = f"questions-{index}-"
        data |= {
            prefix + "id": str(question.pk),
            prefix + "topic": str(topic.pk),
            prefix + "difficulty": question.difficulty,
            prefix + "text": question.text,
            prefix + "answer": question.answer,
            prefix + "wrong_answer_1": question.wrong_answer_1,
            prefix + "wrong_answer_2": question.wrong_answer_2,
            prefix + "explanation": question.explanation,
            prefix + "is_active": "on",
        }
    new = f"questions-{len(existing)}-"
    data |= {
        new + "topic": str(topic.pk),
        new + "difficulty": "standard",
        new + "text": "Which is heavier?",
        new + "answer": "Same",
        new + "wrong_answer_1": "same",
        new + "wrong_answer_2": "Other",
        new + "explanation": "A kilo is a kilo.",
        new + "is_active": "on",
    }
    url = reverse("admin:adventures_lessontopic_change", args=[topic.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "The correct answer and the two wrong answers must all be different." in response.content.decode()
    assert not Question.objects.filter(text="Which is heavier?").exists()

    data[new + "wrong_answer_1"] = "Lighter"
    assert admin_client.post(url, data).status_code == 302
    assert Question.objects.filter(topic=topic, text="Which is heavier?").count() == 1


def world_form_data(admin_client, world: StoryWorld) -> dict[str, str]:
    """The world's change form as the browser would send it back unchanged."""
    form = admin_client.get(reverse("admin:adventures_storyworld_change", args=[world.pk])).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    return data


def test_world_lists_are_edited_one_item_per_line(admin_client):
    world = StoryWorld.objects.order_by("slug").first()
    data = world_form_data(admin_client, world)
    assert data["sights"] == "\n".join(world.sights)
    data["sights"] = "a red kite\n\n  a blue door  \n"
    response = admin_client.post(reverse("admin:adventures_storyworld_change", args=[world.pk]), data)
    assert response.status_code == 302
    world.refresh_from_db()
    assert world.sights == ["a red kite", "a blue door"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("smells", "  \n ", "This field is required."),
        (
            "plot_twists",
            '[{"summary": "only this"}]',
            "Every plot twist needs summary, hint, build, reveal, resolution.",
        ),
        ("palette", '{"sky": "blue"}', "The palette needs exactly these colours"),
    ],
)
def test_world_content_is_validated(admin_client, field, value, message):
    world = StoryWorld.objects.order_by("slug").first()
    data = world_form_data(admin_client, world) | {field: value}
    response = admin_client.post(reverse("admin:adventures_storyworld_change", args=[world.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert getattr(StoryWorld.objects.get(pk=world.pk), field) == getattr(world, field)
