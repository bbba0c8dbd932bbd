"""Model output is text, never markup: `<script>`, `<img onerror>` and `javascript:`
links written by the storyteller (chapter text, choices, titles, summaries, picture alt
text, character looks, error messages) and by players (feedback) come out escaped in the
reader, over the socket, in the recap and in the admin."""

from __future__ import annotations

import re

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from adventures import services
from adventures.models import Adventure, Chapter
from adventures.operations import telemetry
from adventures.runtime import background
from tests.consumer_support import Player, choice_ids
from tests.factories import start_adventure, visitor_session
from tests.support.story import client_for

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE = '<script>alert(\'x\')</script> & <img src=x onerror="alert(1)"> <a href="javascript:alert(2)">win</a>'
ESCAPED = (
    "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;img src=x onerror=&quot;alert(1)&quot;&gt; "
    "&lt;a href=&quot;javascript:alert(2)&quot;&gt;win&lt;/a&gt;"
)
HOSTILE_CHOICES = (
    "Open the <script>alert('gate')</script> gate",
    'Follow the <img src=x onerror="alert(3)"> owl',
    'Read the <a href="javascript:alert(4)">map</a> again',
)
# Markup that must never reach a page unescaped.
RAW = re.compile(
    r"<script>alert|<img src=x|onerror=\"alert|<a href=\"javascript:|(?:href|src|action)=\"?\s*javascript:"
)


def assert_inert(html: str, where: str) -> None:
    found = RAW.findall(html)
    assert not found, f"{where}: unescaped {found}"


def hostile_rows(adventure: Adventure) -> None:
    """Chapters 1 and 2 as a hostile model would have written them, through the services."""
    options = adventure.agency_options
    first = services.chapter_save(
        adventure_id=adventure.id,
        number=1,
        kind=adventure.plan[0],
        text=f"{HOSTILE}\n\nA second paragraph: {HOSTILE}",
        choices=[{"id": o.id, "text": o.name} for o in options],
        question_id=None,
    )
    services.chapter_record_choice(adventure_id=adventure.id, number=1, choice_id=options[0].id)
    second = services.chapter_save(
        adventure_id=adventure.id,
        number=2,
        kind=adventure.plan[1],
        text=HOSTILE,
        choices=[{"id": services.new_choice_id(), "text": text} for text in HOSTILE_CHOICES],
        question_id=None,
    )
    for chapter in (first, second):
        services.chapter_set_title_summary(chapter_id=chapter.pk, title=HOSTILE, summary=HOSTILE)
        services.chapter_picture_save(
            chapter_id=chapter.pk,
            name=f"adventures/{adventure.id}/ch{chapter.number}.svg",
            alt=HOSTILE,
            width=4,
            height=3,
        )
    services.character_visuals_save(adventure_id=adventure.id, visuals={"<b>Mal</b>": HOSTILE})
    telemetry.record("error", adventure_id=adventure.id, where="chapter", error=HOSTILE)
    services.feedback_give(
        visitor=adventure.visitor,
        adventure_id=adventure.id,
        chapter_number=2,
        rating="down",
        comment=HOSTILE,
    )


@pytest.fixture
def hostile_adventure():
    key, visitor = visitor_session()
    adventure = start_adventure(visitor=visitor, length=6, seed=1)
    assert adventure.plan[:2] == ["story", "story"]  # chapter 2 carries the model's own choices
    hostile_rows(adventure)
    return key, adventure


def test_the_reader_page_escapes_everything_the_model_wrote(hostile_adventure):
    key, adventure = hostile_adventure
    html = client_for(key).get(f"/adventures/{adventure.id}/").content.decode()
    assert_inert(html, "reader")
    assert f"<p>{ESCAPED}</p>" in html  # the chapter text
    assert f'<h1 id="chapter-title" class="chapter-title">{ESCAPED}</h1>' in html
    assert f'alt="{ESCAPED}"' in html  # the picture's alt text
    assert f"<li><strong>{ESCAPED}.</strong> {ESCAPED}</li>" in html  # the story so far
    assert '<span class="choice-text">Open the &lt;script&gt;alert(&#x27;gate&#x27;)&lt;/script&gt; gate</span>' in html
    assert (
        '<span class="choice-text">Read the &lt;a href=&quot;javascript:alert(4)&quot;&gt;map&lt;/a&gt; again</span>'
        in html
    )


def test_the_socket_escapes_everything_the_model_wrote(hostile_adventure):
    from tests.support.sockets import socket_answer

    key, adventure = hostile_adventure
    status, html = socket_answer(adventure.id, key)
    assert status == "served"
    assert_inert(html, "socket")
    assert f"<p>{ESCAPED}</p>" in html and f'alt="{ESCAPED}"' in html


def test_the_recap_escapes_everything_the_model_wrote(hostile_adventure):
    key, adventure = hostile_adventure
    chapter = Chapter.objects.get(adventure=adventure, number=2)
    services.chapter_record_choice(adventure_id=adventure.id, number=2, choice_id=chapter.choices[1].id)
    html = client_for(key).get(f"/adventures/{adventure.id}/recap/").content.decode()
    assert_inert(html, "recap")
    assert html.count(f"<h3>{ESCAPED}</h3>") == 2
    assert html.count(f"<p>{ESCAPED}</p>") == 2  # the summaries
    assert html.count(f'alt="{ESCAPED}"') == 2
    assert (
        '<p class="timeline-choice">You chose: Follow the &lt;img src=x onerror=&quot;alert(3)&quot;&gt; owl</p>'
        in html
    )


def test_the_admin_escapes_everything_the_model_and_players_wrote(hostile_adventure, admin_client):
    _, adventure = hostile_adventure
    pages = {
        "adventure list": "/admin/adventures/adventure/",
        "adventure": f"/admin/adventures/adventure/{adventure.id}/change/",
        "telemetry list": "/admin/adventures/telemetryevent/?name=error",
        "feedback list": "/admin/adventures/feedback/",
        "dashboard": "/admin/dashboard/",
    }
    for where, url in pages.items():
        response = admin_client.get(url)
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), where)
    html = admin_client.get(pages["adventure"]).content.decode()
    assert html.count(ESCAPED) >= 7  # 2 titles, 2 summaries, 2 texts, 2 alts, 1 character look
    assert "Open the &lt;script&gt;alert(&#x27;gate&#x27;)&lt;/script&gt; gate" in html
    assert "&lt;b&gt;Mal&lt;/b&gt;" in html
    from adventures.models import Feedback, TelemetryEvent

    error = TelemetryEvent.objects.get(name="error", adventure_id=adventure.id)
    feedback = Feedback.objects.get(adventure=adventure)
    for url in (
        f"/admin/adventures/telemetryevent/{error.pk}/change/",
        f"/admin/adventures/feedback/{feedback.pk}/change/",
    ):
        html = admin_client.get(url).content.decode()
        assert_inert(html, url)
        assert "&lt;script&gt;" in html


# --- End to end: a hostile storyteller, streamed ----------------------------------------------


async def test_a_hostile_storyteller_reaches_every_screen_escaped(monkeypatch, admin_user):
    from adventures.storytellers.base import ChapterDone, TextPiece, TitleSummary
    from adventures.storytellers.offline import provider as offline

    async def hostile_stream(self, brief):
        yield TextPiece(HOSTILE[:30])
        yield TextPiece(HOSTILE[30:])
        yield ChapterDone(text=HOSTILE, choices=HOSTILE_CHOICES)

    async def hostile_title(self, brief, text):
        return TitleSummary(title=HOSTILE, summary=HOSTILE)

    monkeypatch.setattr(offline.OfflineProvider, "stream_chapter", hostile_stream)
    monkeypatch.setattr(offline.OfflineProvider, "title_and_summary", hostile_title)
    key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor, length=6, seed=1)
    player = Player(adventure.id, key)
    await player.connect()
    _, final = await player.receive_chapter(1)
    await player.choose(1, choice_ids(final)[0])
    _, final = await player.receive_chapter(2)
    assert len(choice_ids(final)) == 3
    await player.settle()  # titles and pictures pushed after the chapter
    await player.close()
    await background.drain()
    for message in player.received:
        assert_inert(message, "socket")
    assert any(f'<h1 id="chapter-title" class="chapter-title">{ESCAPED}</h1>' in m for m in player.received)
    assert f"<p>{ESCAPED}</p>" in final

    def pages() -> list[tuple[str, str]]:
        reader = client_for(key)
        admin = Client()
        admin.force_login(admin_user)
        return [
            ("reader", reader.get(f"/adventures/{adventure.id}/").content.decode()),
            ("recap", reader.get(f"/adventures/{adventure.id}/recap/").content.decode()),
            ("admin", admin.get(f"/admin/adventures/adventure/{adventure.id}/change/").content.decode()),
        ]

    for where, html in await database_sync_to_async(pages)():
        assert_inert(html, where)
        assert ESCAPED in html, where
