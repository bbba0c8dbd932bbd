"""Data minimisation: no email field on any page a guest or child sees; the /privacy/
notice; an account holder downloads their adventures (JSON + recaps) and deletes the
account with everything in it."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from adventures import services
from adventures.models import Adventure, Chapter, CharacterVisual, Feedback, TelemetryEvent
from adventures.operations import telemetry
from tests.factories import start_adventure, visitor_session
from tests.support.story import client_for
from tests.test_dashboard import play

pytestmark = pytest.mark.django_db

EMAIL_FIELD = re.compile(r'type="email"|name="[^"]*(email|contact|surname|last_name)[^"]*"', re.I)


@pytest.fixture(autouse=True)
def fast_passwords(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db(transaction=True)  # the reader and recap are async views
def test_no_page_a_guest_or_child_sees_has_an_email_field(settings):
    settings.STORYWEB_FEEDBACK_AFTER_CHAPTER = 1
    session_key, visitor = visitor_session()
    adventure = start_adventure(visitor=visitor)
    play(adventure, chapters=1)
    client = client_for(session_key)
    urls = ["/", "/adventures/", f"/adventures/{adventure.id}/", f"/adventures/{adventure.id}/recap/", "/privacy/"]
    urls += [reverse("signup"), reverse("login")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not EMAIL_FIELD.search(html), url
        assert "<input" not in html or 'autocomplete="email"' not in html, url
    assert 'id="feedback-heading"' in client.get(f"/adventures/{adventure.id}/").content.decode()  # the form was there


def test_the_privacy_page_says_what_is_kept_for_how_long_and_who_sees_it(client, settings):
    settings.STORYWEB_RETENTION_GUEST_DAYS = 60
    settings.STORYWEB_RETENTION_TELEMETRY_DAYS = 45
    settings.STORYWEB_CLEANUP_DAYS = 30
    settings.STORYWEB_PRIVACY_CONTACT = "privacy@school.example"
    html = client.get("/privacy/").content.decode()
    assert "<h1>What StoryWeb keeps about you</h1>" in html
    assert "<li>Adventures you never finished: 30 days after you last played them.</li>" in html
    assert "their comments: 60 days after you last played.</li>" in html
    assert "<li>Records of how the game is working: 45 days.</li>" in html
    assert "<h2>Who can see it</h2>" in html
    assert "privacy@school.example" in html
    assert f'href="{reverse("privacy")}"' in client.get("/").content.decode()  # linked from every page


def test_the_privacy_page_says_when_chapters_go_to_google_for_narration(client, settings):
    settings.STORYWEB_LLM = "gemini"
    said = "the chapter’s words (never your name or username) are sent to Google’s Gemini service"
    assert said not in client.get("/privacy/").content.decode()  # narration is off by default
    settings.GEMINI_NARRATION = True
    assert said in client.get("/privacy/").content.decode()
    settings.STORYWEB_LLM = "offline"  # the offline storyteller never narrates
    assert said not in client.get("/privacy/").content.decode()


@pytest.fixture
def reader():
    user = User.objects.create_user("StarFox", password="a-long-pass-9876")
    _, visitor = visitor_session()
    adventure = start_adventure(visitor=visitor, length=6)
    Adventure.objects.filter(pk=adventure.pk).update(user=user)
    chapters = play(adventure, chapters=3, text="Quill found a <b>silver</b> key.")
    name = default_storage.save(f"adventures/{adventure.id}/chapter-1.svg", ContentFile(b"<svg/>"))
    services.chapter_picture_save(chapter_id=chapters[0].pk, name=name, alt="a key", width=4, height=3)
    services.character_visuals_save(adventure_id=adventure.id, visuals={"Quill": "a fox in a blue coat"})
    Feedback.objects.create(rating="up", comment="Loved it", user=user, adventure=adventure)
    telemetry.record("recap_viewed", adventure_id=adventure.id)
    someone_else = start_adventure(visitor="someone-else")
    return user, adventure, name, someone_else


def test_an_account_holder_downloads_every_adventure_as_json_and_recaps(client, reader):
    user, adventure, _, someone_else = reader
    client.force_login(user)
    page = client.get(reverse("account")).content.decode()
    assert "has 1 adventure." in page and f'href="{reverse("account_download")}"' in page
    response = client.get(reverse("account_download"))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="storyweb-StarFox.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["adventures.json", f"recaps/01-{_slug(adventure.world.name)}.html"]
    data = json.loads(archive.read("adventures.json"))
    assert data["account"]["username"] == "StarFox"
    assert [a["id"] for a in data["adventures"]] == [str(adventure.id)]  # not someone else's
    exported = data["adventures"][0]
    assert [c["number"] for c in exported["chapters"]] == [1, 2, 3]
    assert exported["chapters"][0]["text"] == "Quill found a <b>silver</b> key."
    assert exported["characters"] == {"Quill": "a fox in a blue coat"}
    assert data["feedback"][0]["comment"] == "Loved it"
    recap = archive.read(archive.namelist()[1]).decode()
    assert "Quill found a &lt;b&gt;silver&lt;/b&gt; key." in recap and "<b>silver" not in recap
    assert recap.count("data-recap-chapter=") == 3
    assert str(someone_else.id) not in response.content.decode("latin-1")


def test_the_account_pages_need_a_login(client):
    for url in (reverse("account"), reverse("account_download")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_deleting_the_account_removes_everything_in_it_and_nothing_else(client, reader):
    user, adventure, picture, someone_else = reader
    client.force_login(user)
    response = client.post(reverse("account"), {})
    assert response.status_code == 400 and "Tick the box to say you are sure." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()

    response = client.post(reverse("account"), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("adventures:home")
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Adventure.objects.filter(pk=adventure.pk).exists()
    assert not Chapter.objects.filter(adventure_id=adventure.pk).exists()
    assert not CharacterVisual.objects.filter(adventure_id=adventure.pk).exists()
    assert not Feedback.objects.exists()
    assert not TelemetryEvent.objects.filter(adventure_id=adventure.pk).exists()
    assert not default_storage.exists(picture)
    assert Adventure.objects.filter(pk=someone_else.pk).exists()
    assert client.get(reverse("account")).status_code == 302  # logged out


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower())
