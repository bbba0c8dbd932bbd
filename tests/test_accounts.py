"""Accounts: sign up, log in, log out, styled like the game. A guest's adventures move
into the account at sign-up or log-in; then the pages and the socket serve them to that
user, on any device, and to nobody else."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from adventures.models import Adventure
from adventures.play import visitors
from tests.factories import start_adventure
from tests.support.sockets import socket_answer
from tests.support.story import write_chapters

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-Passphrase-for-42-dragons"
FORM = {"world": "pearlwater-deep", "topic": "ocean-life", "difficulty": "standard", "length": "6"}
WRITTEN = '<article id="chapter" class="chapter chapter--story" data-chapter="1"'


def guest_with_adventures(count: int = 1) -> tuple[Client, list[Adventure]]:
    """A guest who started `count` adventures through the home page, chapter 1 written."""
    client = Client()
    client.get("/")
    for _ in range(count):
        assert client.post("/adventures/", FORM).status_code == 302
    adventures = list(Adventure.objects.filter(visitor=client.session[visitors.SESSION_KEY]).order_by("created_at"))
    for adventure in adventures:
        write_chapters(adventure, 1)
    return client, adventures


def session_key(client: Client) -> str:
    return client.cookies["sessionid"].value


def sees(client: Client, adventure: Adventure) -> dict[str, object]:
    """What this browser gets for the adventure: pages, list, socket."""
    return {
        "play": client.get(f"/adventures/{adventure.id}/").status_code,
        "recap": client.get(f"/adventures/{adventure.id}/recap/").status_code,
        "listed": f"/adventures/{adventure.id}/" in client.get("/adventures/").content.decode(),
        "socket": socket_answer(
            adventure.id, client.cookies["sessionid"].value if "sessionid" in client.cookies else None
        )[0],
    }


OWNER_SEES = {"play": 200, "recap": 200, "listed": True, "socket": "served"}
STRANGER_SEES = {"play": 404, "recap": 404, "listed": False, "socket": "refused"}


def log_in(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


# --- Sign up -------------------------------------------------------------------------------


def test_the_signup_page_is_a_game_page(client):
    html = client.get("/accounts/signup/").content.decode()
    assert '<header class="site-header">' in html
    assert "<h1>Make an account</h1>" in html
    assert '<form method="post" action="/accounts/signup/">' in html
    for field in ("username", "password1", "password2"):
        assert f'name="{field}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_signing_up_makes_an_account_logs_in_and_brings_the_guests_adventures():
    client, (adventure,) = guest_with_adventures()
    visitor = client.session[visitors.SESSION_KEY]
    guest_key = session_key(client)
    response = client.post("/accounts/signup/", {"username": "river", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/adventures/"
    user = get_user_model().objects.get(username="river")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert session_key(client) != guest_key  # a new session key at log-in (no fixation)
    adventure.refresh_from_db()
    assert (adventure.user, adventure.visitor) == (user, visitor)
    assert sees(client, adventure) == OWNER_SEES
    html = client.get("/adventures/").content.decode()
    assert '<span class="nav-user">Hello, <a href="/accounts/">river</a></span>' in html  # their account page
    assert '<form method="post" action="/accounts/logout/">' in html
    assert sees(Client(), adventure) == STRANGER_SEES


def test_a_bad_signup_explains_and_makes_nothing():
    client, (adventure,) = guest_with_adventures()
    response = client.post("/accounts/signup/", {"username": "river", "password1": PASSWORD, "password2": "other"})
    assert response.status_code == 400
    html = response.content.decode()
    # The error and the help are where the field's aria-describedby says they are.
    assert (
        '<input type="password" name="password2" autocomplete="new-password" required aria-invalid="true" '
        'aria-describedby="id_password2_helptext id_password2_error" id="id_password2">'
    ) in html
    assert (
        '<div class="field-error" id="id_password2_error"><p>The two password fields didn’t match.</p></div>'
    ) in html
    assert '<p class="help" id="id_password2_helptext">Type the same password again, to be sure.</p>' in html
    assert not get_user_model().objects.exists()
    adventure.refresh_from_db()
    assert adventure.user is None


def test_the_signup_help_is_for_children_and_screen_readers_find_it(client):
    html = client.get("/accounts/signup/").content.decode()
    described = dict(re.findall(r'name="(\w+)"[^>]*aria-describedby="([^"]+)"', html))
    assert described == {
        "username": "id_username_helptext",
        "password1": "id_password1_helptext",
        "password2": "id_password2_helptext",
    }
    assert (
        '<p class="help" id="id_username_helptext">Make one up, like a nickname, not your real name. '
        "Letters, numbers and @ . + - _ only.</p>"
    ) in html
    assert (
        '<p class="help" id="id_password1_helptext">At least 8 characters, not only numbers, not a very common '
        "password and not like your username. Ask a grown-up to help you choose it and keep it safe.</p>"
    ) in html
    assert '<label for="id_password2">Password again</label>' in html
    assert "<ul>" not in html  # Django's list of rules for adults is gone


def test_a_taken_username_is_said_plainly(django_user_model):
    django_user_model.objects.create_user("Maple", password=PASSWORD)
    response = Client().post("/accounts/signup/", {"username": "maple", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 400
    assert (
        '<div class="field-error" id="id_username_error"><p>Someone already has that username. '
        "Please try another one.</p></div>"
    ) in response.content.decode()
    assert django_user_model.objects.count() == 1


def test_signup_when_logged_in_goes_to_my_adventures(django_user_model):
    django_user_model.objects.create_user("maple", password=PASSWORD)
    response = log_in("maple").get("/accounts/signup/")
    assert response.status_code == 302 and response["Location"] == "/adventures/"


# --- Log in ----------------------------------------------------------------------------------


def test_logging_in_moves_the_guests_adventures_into_the_account_and_no_one_elses(django_user_model):
    maple = django_user_model.objects.create_user("maple", password=PASSWORD)
    other_user = django_user_model.objects.create_user("birch", password=PASSWORD)
    on_another_device = start_adventure(visitor="maple-tablet", user=maple)
    someone_elses = start_adventure(visitor="another-guest")
    birchs = start_adventure(visitor="birch-phone", user=other_user)
    client, guest_adventures = guest_with_adventures(2)
    visitor = client.session[visitors.SESSION_KEY]
    guest_key = session_key(client)

    html = client.get("/accounts/login/").content.decode()
    assert '<header class="site-header">' in html and "<h1>Welcome back</h1>" in html
    response = client.post("/accounts/login/", {"username": "maple", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"

    assert session_key(client) != guest_key
    assert client.session[visitors.SESSION_KEY] == visitor  # the visitor id survives the new key
    mine = Adventure.objects.filter(user=maple)
    assert set(mine.values_list("pk", flat=True)) == {on_another_device.pk, *(a.pk for a in guest_adventures)}
    for adventure in guest_adventures:
        assert sees(client, adventure) == OWNER_SEES
    assert sees(client, someone_elses) == STRANGER_SEES
    assert sees(client, birchs) == STRANGER_SEES
    someone_elses.refresh_from_db()
    birchs.refresh_from_db()
    assert (someone_elses.user, birchs.user) == (None, other_user)
    # The guest session that was cycled away no longer opens anything.
    assert socket_answer(guest_adventures[0].id, guest_key) == ("refused", 4403)
    # Another user, logged in, is a stranger.
    assert sees(log_in("birch"), guest_adventures[0]) == STRANGER_SEES


def test_the_account_opens_its_adventures_on_any_device(django_user_model):
    maple = django_user_model.objects.create_user("maple", password=PASSWORD)
    client, (adventure,) = guest_with_adventures()
    client.post("/accounts/login/", {"username": "maple", "password": PASSWORD})
    tablet = log_in("maple")  # a new browser that never played as a guest
    assert sees(tablet, adventure) == OWNER_SEES
    status, first = socket_answer(adventure.id, session_key(tablet))
    assert status == "served" and first.startswith(WRITTEN)
    assert Adventure.objects.get(pk=adventure.pk).user == maple


def test_a_wrong_password_explains_and_moves_nothing(django_user_model):
    django_user_model.objects.create_user("maple", password=PASSWORD)
    client, (adventure,) = guest_with_adventures()
    response = client.post("/accounts/login/", {"username": "maple", "password": "not-it"})
    assert response.status_code == 200
    assert (
        '<div class="form-errors" role="alert"><p>That username and password do not match. '
        "Check them and try again (capital letters count).</p></div>"
    ) in response.content.decode()
    assert "_auth_user_id" not in client.session
    adventure.refresh_from_db()
    assert adventure.user is None
    assert sees(client, adventure) == OWNER_SEES  # still the guest's


@pytest.mark.parametrize(
    ("next_url", "location"),
    [("/adventures/", "/adventures/"), ("https://evil.example/", "/"), ("//evil.example/x", "/")],
)
def test_log_in_only_returns_to_this_site(django_user_model, next_url, location):
    django_user_model.objects.create_user("maple", password=PASSWORD)
    response = Client().post(f"/accounts/login/?next={next_url}", {"username": "maple", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == location


# --- Log out ---------------------------------------------------------------------------------


def test_logging_out_leaves_the_adventures_in_the_account(django_user_model):
    django_user_model.objects.create_user("maple", password=PASSWORD)
    client, (adventure,) = guest_with_adventures()
    client.post("/accounts/login/", {"username": "maple", "password": PASSWORD})
    assert client.get("/accounts/logout/").status_code == 405  # only a POST (a form) logs out
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    client.get("/")
    assert sees(client, adventure) == STRANGER_SEES  # this browser is a new guest now
    assert '<a href="/accounts/login/">Log in</a>' in client.get("/").content.decode()
    client.post("/accounts/login/", {"username": "maple", "password": PASSWORD})
    assert sees(client, adventure) == OWNER_SEES
