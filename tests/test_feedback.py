"""Feedback: asked once per visitor from chapter 5, over the socket or by a plain post."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from adventures import services
from adventures.models import Chapter, Feedback, TelemetryEvent
from tests.consumer_support import Player, choice_ids
from tests.factories import start_adventure, visitor_session

pytestmark = [pytest.mark.django_db(transaction=True)]


def play_chapters(adventure, count: int) -> None:
    """Write `count` chapters through the services (no socket)."""
    from asgiref.sync import async_to_sync

    from adventures.play import writing

    for number in range(1, count + 1):
        if number > 1:
            previous = Chapter.objects.get(adventure=adventure, number=number - 1)
            services.chapter_record_choice(
                adventure_id=adventure.id, number=number - 1, choice_id=previous.choices[0].id
            )
        async_to_sync(writing.write_and_wait)(adventure.id)


def client_for(session_key: str) -> Client:
    client = Client()
    client.cookies["sessionid"] = session_key
    return client


def test_not_asked_before_chapter_five_then_asked(settings):
    settings.STORYWEB_FEEDBACK_AFTER_CHAPTER = 5
    session_key, visitor = visitor_session()
    adventure = start_adventure(visitor=visitor)
    client = client_for(session_key)
    play_chapters(adventure, 4)
    assert 'id="feedback-heading"' not in client.get(f"/adventures/{adventure.id}/").content.decode()
    play_chapters_more(adventure, 5)
    html = client.get(f"/adventures/{adventure.id}/").content.decode()
    assert "Are you enjoying your adventure?" in html
    assert f'action="/adventures/{adventure.id}/feedback/"' in html
    # Nothing on a child's page asks for an email (README "Child safety and privacy").
    assert 'name="contact"' not in html and 'type="email"' not in html and "email" not in html.lower()


def play_chapters_more(adventure, upto: int) -> None:
    from asgiref.sync import async_to_sync

    from adventures.play import writing

    have = Chapter.objects.filter(adventure=adventure).count()
    for number in range(have + 1, upto + 1):
        previous = Chapter.objects.get(adventure=adventure, number=number - 1)
        services.chapter_record_choice(adventure_id=adventure.id, number=number - 1, choice_id=previous.choices[0].id)
        async_to_sync(writing.write_and_wait)(adventure.id)


def test_the_plain_form_stores_once_and_validates(settings):
    settings.STORYWEB_FEEDBACK_AFTER_CHAPTER = 1
    session_key, visitor = visitor_session()
    adventure = start_adventure(visitor=visitor)
    play_chapters(adventure, 1)
    client = client_for(session_key)
    url = f"/adventures/{adventure.id}/feedback/"

    response = client.post(url, {"comment": "no rating"}, follow=True)
    assert "Pick thumbs up or thumbs down." in response.content.decode()
    assert not Feedback.objects.exists()

    response = client.post(url, {"rating": "up", "comment": "Email me at mum@example.com"}, follow=True)
    assert "Please say that without those words, or without any addresses or numbers" in response.content.decode()
    assert not Feedback.objects.exists()
    flag = TelemetryEvent.objects.get(name="safety_flag")
    assert (flag.details["where"], flag.details["category"], flag.details["action"]) == (
        "feedback",
        "contact",
        "refused",
    )

    response = client.post(url, {"rating": "up", "comment": "I loved the owl!", "contact": "x@y.z"}, follow=True)
    assert "Thank you for telling us!" in response.content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.comment, feedback.chapter_number) == ("up", "I loved the owl!", 1)
    assert feedback.visitor == visitor and feedback.adventure_id == adventure.id

    response = client.post(url, {"rating": "down"}, follow=True)
    assert "You have told us already." in response.content.decode()
    assert Feedback.objects.count() == 1
    # Not asked again.
    assert "Are you enjoying your adventure?" not in client.get(f"/adventures/{adventure.id}/").content.decode()


def test_someone_elses_adventure_takes_no_feedback():
    _, owner = visitor_session()
    adventure = start_adventure(visitor=owner)
    stranger, _ = visitor_session()
    assert client_for(stranger).post(f"/adventures/{adventure.id}/feedback/", {"rating": "up"}).status_code == 404
    assert not Feedback.objects.exists()


async def test_over_the_socket_with_what_htmx_sends(settings):
    settings.STORYWEB_FEEDBACK_AFTER_CHAPTER = 1
    session_key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor)
    player = Player(adventure.id, session_key)
    await player.connect()
    _, final = await player.receive_chapter(1)
    assert '<aside id="feedback" class="feedback feedback--ask"' in final
    await player.settle()

    await player.comm.send_json_to({"action": "feedback", "rating": "sideways", "comment": "", "HEADERS": {}})
    reply = await player.receive()
    assert reply.startswith('<aside id="feedback" class="feedback feedback--ask"')
    assert "Pick thumbs up or thumbs down." in reply

    await player.comm.send_json_to(
        {
            "csrfmiddlewaretoken": "x",
            "rating": "down",
            "comment": "<b>too short</b>",
            "action": "feedback",
            "HEADERS": {"HX-Request": "true"},
        }
    )
    reply = await player.receive()
    assert reply == (
        '<aside id="feedback" class="feedback feedback--thanks">\n    \n    <p class="feedback-thanks" role="status">'
        "Thank you for telling us! It helps us make better stories.</p>\n    \n  </aside>"
    )
    feedback = await database_sync_to_async(Feedback.objects.get)()
    assert (feedback.rating, feedback.comment, feedback.chapter_number) == ("down", "<b>too short</b>", 1)

    # The next chapter does not ask again.
    await player.choose(1, choice_ids(final)[0])
    _, second = await player.receive_chapter(2)
    assert '<aside id="feedback" class="feedback">' in second
    await player.settle()
    await player.close()
