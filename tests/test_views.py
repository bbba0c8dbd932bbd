"""The pages: every one works without JavaScript, and only for its owner."""

from __future__ import annotations

import re
import threading
import uuid
from importlib import import_module

import pytest
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator
from django.test import Client
from django.urls import reverse

from adventures import services
from adventures.models import Adventure, AdventureStatus, Chapter, LessonTopic, StoryWorld
from adventures.play import visitors
from adventures.runtime import background
from storyweb.http import PageHandler
from tests.factories import start_adventure, visitor_session
from tests.llm.conftest import fake_gemini  # noqa: F401  (a fixture)
from tests.support.fake_gemini import fake_gemini_server  # noqa: F401  (a fixture)

# Transactional: the async views reach the database from other threads (channels'
# database_sync_to_async closes connections), which a per-test transaction cannot span.
pytestmark = pytest.mark.django_db(transaction=True)


def visitor_of(client: Client) -> str:
    return client.session[visitors.SESSION_KEY]


@pytest.fixture
def player(client):
    # A browser that has started an adventure before: looking at pages gives no visitor
    # id (nor a session row) any more; starting an adventure does.
    session_key, _ = visitor_session()
    client.cookies["sessionid"] = session_key
    return client


@pytest.fixture
def adventure(player):
    return start_adventure(visitor=visitor_of(player))


def write_chapters(adventure: Adventure, count: int) -> None:
    """Play `count` chapters through the no-JavaScript path."""
    client = Client()
    session = client.session
    session[visitors.SESSION_KEY] = adventure.visitor
    session.save()
    client.cookies["sessionid"] = session.session_key
    for number in range(1, count + 1):
        if number > 1:
            previous = Chapter.objects.get(adventure=adventure, number=number - 1)
            data = {"chapter": number - 1, "choice": previous.choices[0].id}
        else:
            data = {}
        response = client.post(reverse("adventures:choose", args=[adventure.id]), data)
        assert response.status_code == 302


def test_home_lists_every_world_and_topic(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for world in StoryWorld.objects.all():
        assert f'name="world" value="{world.slug}"' in html
        assert world.name in html
    for topic in LessonTopic.objects.all():
        assert f'name="topic" value="{topic.slug}"' in html
    assert 'value="standard"' in html and 'value="challenging"' in html
    assert 'name="length" value="10"' in html
    assert '<input type="radio" name="pronouns" value="they" id="id_pronouns_0" checked>' in html
    assert 'name="pronouns" value="she"' in html and 'name="pronouns" value="he"' in html


def test_starting_an_adventure_redirects_to_the_reader(player):
    world, topic = StoryWorld.objects.last(), LessonTopic.objects.last()
    response = player.post(
        "/adventures/", {"world": world.slug, "topic": topic.slug, "difficulty": "challenging", "length": "6"}
    )
    adventure = Adventure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/adventures/{adventure.id}/"
    assert (adventure.world, adventure.topic, adventure.difficulty, adventure.length) == (
        world,
        topic,
        "challenging",
        6,
    )
    assert adventure.visitor == visitor_of(player)
    assert len(adventure.agency_options) == 3
    assert adventure.pronouns == "they"  # not asked: the default


def test_the_hero_s_pronouns_are_chosen_at_the_start(player):
    data = {"world": "mossglow-forest", "topic": "fractions", "difficulty": "standard", "length": "6"}
    player.post("/adventures/", data | {"pronouns": "she"})
    assert Adventure.objects.get().pronouns == "she"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"topic": "fractions", "difficulty": "standard", "length": "10"}, "Pick a world for your story."),
        (
            {"world": "nowhere", "topic": "fractions", "difficulty": "standard", "length": "10"},
            "That world does not exist.",
        ),
        ({"world": "mossglow-forest", "difficulty": "standard", "length": "10"}, "Pick something to learn about."),
        (
            {"world": "mossglow-forest", "topic": "fractions", "difficulty": "standard", "length": "7"},
            "Choose a short, classic or long adventure.",
        ),
        (
            {
                "world": "mossglow-forest",
                "topic": "fractions",
                "difficulty": "standard",
                "length": "6",
                "pronouns": "it",
            },
            "Choose they, she or he for your hero.",
        ),
    ],
)
def test_a_bad_start_form_explains_and_creates_nothing(player, data, error):
    response = player.post("/adventures/", data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Adventure.objects.exists()


def test_the_reader_shows_the_socket_container_and_a_writing_chapter(player, adventure):
    response = player.get(f"/adventures/{adventure.id}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<div class="reader" hx-ext="ws" ws-connect="/ws/adventures/{adventure.id}/">' in html
    assert '<article id="chapter" class="chapter chapter--story chapter--writing" data-chapter="1"' in html
    assert 'id="status" class="status status--writing" role="status" aria-live="polite"' in html
    assert "Chapter 1 of 10" in html
    assert adventure.world.name in html and adventure.topic.name in html
    assert "/static/django_htmx/htmx-2.min.js" in html and "/static/django_htmx/ext/hx-ws-2.min.js" in html


def test_the_reader_shows_the_written_chapter_with_choices_after_a_reload(player, adventure):
    write_chapters(adventure, 1)
    html = player.get(f"/adventures/{adventure.id}/").content.decode()
    chapter = Chapter.objects.get(adventure=adventure, number=1)
    for paragraph in chapter.text.split("\n\n")[:2]:
        assert paragraph.replace("'", "&#x27;").replace('"', "&quot;")[:40] in html
    for option in adventure.agency_options:
        assert f'name="choice" value="{option.id}"' in html
    assert 'name="csrfmiddlewaretoken"' in html  # the form works without JavaScript


def test_choosing_without_javascript_writes_the_next_chapter(player, adventure):
    write_chapters(adventure, 1)
    option = adventure.agency_options[1]
    response = player.post(f"/adventures/{adventure.id}/choose/", {"chapter": 1, "choice": option.id})
    assert response.status_code == 302 and response["Location"] == f"/adventures/{adventure.id}/#chapter"
    assert Chapter.objects.filter(adventure=adventure).count() == 2
    adventure.refresh_from_db()
    assert adventure.agency.name == option.name


def test_other_visitors_get_404_everywhere(adventure):
    stranger = Client()
    stranger.get("/")
    for url in (
        f"/adventures/{adventure.id}/",
        f"/adventures/{adventure.id}/recap/",
    ):
        assert stranger.get(url).status_code == 404
    for url in (f"/adventures/{adventure.id}/choose/", f"/adventures/{adventure.id}/abandon/"):
        assert stranger.post(url).status_code == 404
    assert stranger.get(f"/adventures/{uuid.uuid4()}/").status_code == 404
    adventure.refresh_from_db()
    assert adventure.status == AdventureStatus.IN_PROGRESS
    assert not Chapter.objects.filter(adventure=adventure).exists()


def test_home_offers_to_continue_an_adventure_in_progress(player, adventure):
    html = player.get("/").content.decode()
    assert "Continue your adventure" in html
    assert f'href="/adventures/{adventure.id}/"' in html


def test_my_adventures_lists_continue_recap_and_abandon(player, adventure):
    html = player.get("/adventures/").content.decode()
    assert f'href="/adventures/{adventure.id}/"' in html
    assert f'href="/adventures/{adventure.id}/recap/"' in html
    assert f'action="/adventures/{adventure.id}/abandon/"' in html
    response = player.post(f"/adventures/{adventure.id}/abandon/")
    assert response.status_code == 302
    adventure.refresh_from_db()
    assert adventure.status == AdventureStatus.ABANDONED
    assert f"/adventures/{adventure.id}/" not in player.get("/adventures/").content.decode()


def test_recap_of_a_finished_adventure(player, adventure):
    write_chapters(adventure, adventure.length)
    adventure.refresh_from_db()
    assert adventure.status == AdventureStatus.COMPLETED
    html = player.get(f"/adventures/{adventure.id}/recap/").content.decode()
    assert len(re.findall(r'data-recap-chapter="\d+"', html)) == 10
    assert len(re.findall(r"data-recap-question", html)) == 3
    lessons = Chapter.objects.filter(adventure=adventure, kind="lesson").select_related("question")
    right = sum(1 for c in lessons if c.is_correct)
    assert f"<dd data-recap-score>{right} of 3</dd>" in html
    for lesson in lessons:
        assert lesson.question.explanation.replace("'", "&#x27;")[:30] in html


def test_recap_never_reveals_an_unanswered_answer(player, adventure):
    lesson = adventure.plan.index("lesson") + 1
    write_chapters(adventure, lesson)
    chapter = Chapter.objects.select_related("question").get(adventure=adventure, number=lesson)
    html = player.get(f"/adventures/{adventure.id}/recap/").content.decode()
    assert "Not answered yet." in html
    assert chapter.question.explanation[:30].replace("'", "&#x27;") not in html


def test_text_size_is_remembered(player, adventure):
    response = player.post("/preferences/text-size/", {"size": "x-large", "next": f"/adventures/{adventure.id}/"})
    assert response["Location"] == f"/adventures/{adventure.id}/"
    assert (
        '<html lang="en" class="text-x-large font-storybook spacing-normal colours-paper focus-off">'
        in player.get(f"/adventures/{adventure.id}/").content.decode()
    )
    response = player.post("/preferences/text-size/", {"size": "huge", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_services_refuse_a_choice_on_a_finished_adventure(adventure):
    write_chapters(adventure, adventure.length)
    last = Chapter.objects.get(adventure=adventure, number=adventure.length)
    result = services.chapter_record_choice(adventure_id=adventure.id, number=last.number, choice_id="x")
    assert result.outcome is services.ChoiceOutcome.STALE


def test_every_world_has_a_picture_on_the_picker(client):
    html = client.get("/").content.decode()
    for world in StoryWorld.objects.all():
        assert f'<img class="option-picture" src="/worlds/{world.slug}/picture.svg"' in html
        response = client.get(f"/worlds/{world.slug}/picture.svg")
        assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
        assert response.content.startswith(b"<svg") and len(response.content) < 60_000
    assert client.get("/worlds/nowhere/picture.svg").status_code == 404


async def test_pages_run_on_the_page_pool_not_on_a_thread_of_their_own(monkeypatch):
    """Django's ASGI handler would start a thread for every page (its thread-sensitive
    context) and stop it afterwards; ours reuses the page pool's threads."""
    ran_on: list[str] = []
    get_response = PageHandler.get_response

    def recording(self, request):
        ran_on.append(threading.current_thread().name)
        return get_response(self, request)

    monkeypatch.setattr(PageHandler, "get_response", recording)
    application = PageHandler()
    for _ in range(3):  # one after another: the same idle thread serves each
        response = await HttpCommunicator(application, "GET", "/", headers=[(b"host", b"localhost")]).get_response(
            timeout=30
        )
        assert response["status"] == 200 and b"<form" in response["body"]
    assert len(ran_on) == 3 and all(name.startswith("storyweb-page") for name in ran_on)
    assert len(set(ran_on)) == 1


async def test_after_a_chapter_written_for_a_page_its_picture_and_title_are_made(
    adventure,
    settings,
    tmp_path,
    fake_gemini,  # noqa: F811
):
    """The no-JavaScript choice writes the chapter inside the request; what comes after
    it (picture, title, looks) goes on after the request has ended, so it must not use
    the request's own worker thread (Django's ASGI handler ends it with the request)."""
    settings.MEDIA_ROOT = tmp_path
    fake_gemini.configure(image_latency_ms=300)  # the picture is made well after the response
    application = PageHandler()  # the HTTP half of storyweb.asgi, as daphne runs it
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[visitors.SESSION_KEY] = adventure.visitor
    await session.asave()
    token = "a" * 32
    headers = [
        (b"host", b"localhost"),
        (b"cookie", f"sessionid={session.session_key}; csrftoken={token}".encode()),
        (b"x-csrftoken", token.encode()),
        (b"content-type", b"application/x-www-form-urlencoded"),
    ]
    url = reverse("adventures:choose", args=[adventure.id])
    choice = f"chapter=1&choice={adventure.agency_options[0].id}".encode()
    for body in (b"", choice):
        response = await HttpCommunicator(application, "POST", url, body=body, headers=headers).get_response(timeout=30)
        assert response["status"] == 302
    await background.drain(30)
    chapters = await sync_to_async(lambda: list(Chapter.objects.filter(adventure=adventure).order_by("number")))()
    assert [c.number for c in chapters] == [1, 2]
    assert all(c.image_status == "ready" and c.image.name and c.title and c.summary for c in chapters)
