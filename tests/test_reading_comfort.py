"""Reading comfort: the settings are remembered per browser (the session), applied on
every page as classes on <html>, and a bad value changes nothing. The font is ours."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.conf import settings

from tests.factories import start_adventure, visitor_session
from tests.test_views import visitor_of

pytestmark = pytest.mark.django_db(transaction=True)

DEFAULT = '<html lang="en" class="text-medium font-storybook spacing-normal colours-paper focus-off">'


@pytest.fixture
def reader(client):
    # A browser that has started an adventure before (looking at / gives no visitor id).
    session_key, _ = visitor_session()
    client.cookies["sessionid"] = session_key
    adventure = start_adventure(visitor=visitor_of(client))
    return client, f"/adventures/{adventure.id}/"


def test_each_setting_is_remembered_and_shown_everywhere(reader):
    client, url = reader
    assert DEFAULT in client.get(url).content.decode()
    for name, value in [("font", "easy-read"), ("spacing", "roomy"), ("colours", "dark"), ("focus", "line")]:
        response = client.post("/preferences/comfort/", {name: value, "next": url})
        assert response.status_code == 302
        assert response["Location"] == url
    expected = '<html lang="en" class="text-medium font-easy-read spacing-roomy colours-dark focus-line">'
    page = client.get(url).content.decode()
    assert expected in page
    # The panel stays open right after a change, and the pressed buttons say so.
    assert '<details id="comfort" class="comfort" open>' in page
    assert re.search(r'name="colours" value="dark" class="[^"]*" aria-pressed="true">Dark<', page)
    assert re.search(r'name="colours" value="paper" class="[^"]*" aria-pressed="false">Paper<', page)
    # ...and only then: the next page has it closed again. Every page wears the classes.
    home = client.get("/").content.decode()
    assert expected in home
    assert '<details id="comfort" class="comfort">' in client.get(url).content.decode()
    assert expected in client.get("/adventures/").content.decode()


def test_bad_values_change_nothing(reader):
    client, url = reader
    client.post("/preferences/comfort/", {"colours": "cream", "next": url})
    for bad in [{"colours": "neon"}, {"font": "<script>"}, {"spacing": ""}, {"other": "x"}]:
        response = client.post("/preferences/comfort/", {**bad, "next": "https://evil.example/"})
        assert response["Location"] == "/"
    assert '<html lang="en" class="text-medium font-storybook spacing-normal colours-cream focus-off">' in (
        client.get(url).content.decode()
    )
    # A value smuggled into the session some other way is read as the default.
    session = client.session
    session["reading_comfort"] = {"colours": "neon", "font": ["x"]}
    session.save()
    assert DEFAULT in client.get(url).content.decode()
    assert client.get("/preferences/comfort/").status_code == 405


def test_the_reader_has_read_aloud_and_the_font_is_served_from_this_site(reader):
    client, url = reader
    page = client.get(url).content.decode()
    assert '<div id="read-aloud" class="read-aloud" role="group" aria-label="Read aloud" hidden>' in page
    assert re.search(r'<script src="/static/js/read-aloud(\.[0-9a-f]+)?\.js" defer></script>', page)
    assert "<script>" not in page
    css = (settings.BASE_DIR / "static" / "css" / "storyweb.css").read_text()
    assert 'src: url("../fonts/AtkinsonHyperlegible-Regular.ttf") format("truetype")' in css
    fonts = settings.BASE_DIR / "static" / "fonts"
    # The files as the PyPI wheel fontpkg-atkinson-hyperlegible 1.6 ships them (see its SOURCE.txt).
    digest = hashlib.sha256((fonts / "AtkinsonHyperlegible-Regular.ttf").read_bytes()).hexdigest()
    assert digest == "7fb917c89019896d0b52ee84b7cbb3304c18cb90b19a62f5e32712bd23e97669"
    assert "SIL Open Font License, Version 1.1" in (fonts / "OFL-AtkinsonHyperlegible.txt").read_text()
