"""Someone else's adventure, asked for by its id, is refused everywhere: every page and
form (404, never confirming that it exists), the lists, and the socket (4403); and
nothing about it changes. Adventure ids are UUIDs; nothing else routes."""

from __future__ import annotations

import pytest
from django.test import Client

from adventures.models import Adventure, Chapter, Feedback
from tests.factories import start_adventure, visitor_session
from tests.support.sockets import socket_answer
from tests.support.story import client_for, write_chapters

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-Passphrase-for-42-dragons"


def snapshot(adventure: Adventure) -> tuple[object, ...]:
    row = Adventure.objects.values_list("version", "status", "agency", "user_id", "visitor").get(pk=adventure.pk)
    chapters = list(
        Chapter.objects.filter(adventure=adventure).order_by("number").values_list("number", "chosen_choice")
    )
    return row, chapters, Feedback.objects.filter(adventure=adventure).count()


def every_answer(client: Client, session_key: str | None, adventure: Adventure) -> dict[str, object]:
    """Every way in, as this browser."""
    chapter = Chapter.objects.get(adventure=adventure, number=1)
    base = f"/adventures/{adventure.id}"
    return {
        "play": client.get(f"{base}/").status_code,
        "play (htmx)": client.get(f"{base}/", headers={"HX-Request": "true"}).status_code,
        "recap": client.get(f"{base}/recap/").status_code,
        "choose": client.post(f"{base}/choose/", {"chapter": 1, "choice": chapter.choices[0].id}).status_code,
        "write": client.post(f"{base}/choose/").status_code,
        "feedback": client.post(f"{base}/feedback/", {"rating": "up", "comment": "mine now"}).status_code,
        "abandon": client.post(f"{base}/abandon/").status_code,
        "listed": str(adventure.id) in client.get("/adventures/").content.decode(),
        "on the home page": str(adventure.id) in client.get("/").content.decode(),
        "socket": socket_answer(adventure.id, session_key),
    }


REFUSED = {
    "play": 404,
    "play (htmx)": 404,
    "recap": 404,
    "choose": 404,
    "write": 404,
    "feedback": 404,
    "abandon": 404,
    "listed": False,
    "on the home page": False,
    "socket": ("refused", 4403),
}


@pytest.fixture
def guests_adventure():
    key, visitor = visitor_session()
    adventure = start_adventure(visitor=visitor)
    write_chapters(adventure, 1)
    client = client_for(key)
    assert client.get(f"/adventures/{adventure.id}/").status_code == 200  # its owner is served
    return adventure


@pytest.fixture
def users_adventure(django_user_model):
    owner = django_user_model.objects.create_user("owner", password=PASSWORD)
    adventure = start_adventure(visitor="owner-laptop", user=owner)
    write_chapters(adventure, 1)
    return adventure


def another_visitor() -> tuple[Client, str | None]:
    key, _ = visitor_session()
    return client_for(key), key


def a_logged_in_user(django_user_model) -> tuple[Client, str | None]:
    django_user_model.objects.create_user("stranger", password=PASSWORD)
    client = Client()
    client.get("/")
    assert client.post("/accounts/login/", {"username": "stranger", "password": PASSWORD}).status_code == 302
    return client, client.cookies["sessionid"].value


def no_cookie_at_all() -> tuple[Client, str | None]:
    return Client(), None


@pytest.mark.parametrize("whose", ["guests_adventure", "users_adventure"])
@pytest.mark.parametrize("who", ["another visitor", "a logged-in user", "no cookie at all"])
def test_someone_elses_adventure_is_refused_everywhere_and_nothing_changes(request, django_user_model, whose, who):
    adventure = request.getfixturevalue(whose)
    before = snapshot(adventure)
    client, key = {
        "another visitor": another_visitor,
        "a logged-in user": lambda: a_logged_in_user(django_user_model),
        "no cookie at all": no_cookie_at_all,
    }[who]()
    assert every_answer(client, key, adventure) == REFUSED
    assert snapshot(adventure) == before


def test_a_guest_browser_loses_the_adventure_that_moved_into_an_account(django_user_model):
    """Same browser, same visitor id: once the adventure belongs to an account, a
    logged-out visit is a stranger's."""
    django_user_model.objects.create_user("maple", password=PASSWORD)
    client = Client()
    client.get("/")
    client.post(
        "/adventures/", {"world": "pearlwater-deep", "topic": "ocean-life", "difficulty": "standard", "length": "6"}
    )
    adventure = Adventure.objects.get()
    write_chapters(adventure, 1)
    visitor = adventure.visitor
    client.post("/accounts/login/", {"username": "maple", "password": PASSWORD})
    client.post("/accounts/logout/")
    # A new session that somehow carries the old visitor id is still not the account.
    key, _ = visitor_session(visitor)
    before = snapshot(adventure)
    assert every_answer(client_for(key), key, adventure) == REFUSED
    assert snapshot(adventure) == before


def test_an_accounts_socket_is_its_own_until_the_password_changes_elsewhere(users_adventure):
    """The socket reads the user from the session as the pages do (Django's own check of
    the session's auth hash): the owner is served; once the password was changed on
    another device, this browser's old session is a stranger's, on the socket as on the
    pages."""
    client = Client()
    client.get("/")
    assert client.post("/accounts/login/", {"username": "owner", "password": PASSWORD}).status_code == 302
    key = client.cookies["sessionid"].value
    answer, fragment = socket_answer(users_adventure.id, key)
    assert answer == "served"
    assert 'id="chapter"' in fragment
    owner = users_adventure.user
    owner.set_password("another-long-Passphrase-for-7-owls")
    owner.save()
    before = snapshot(users_adventure)
    assert socket_answer(users_adventure.id, key) == ("refused", 4403)
    assert client.get(f"/adventures/{users_adventure.id}/").status_code == 404
    assert snapshot(users_adventure) == before


@pytest.mark.parametrize(
    "path",
    ["/adventures/1/", "/adventures/1/recap/", "/adventures/not-a-uuid/", "/adventures/00000000000000000000/"],
)
def test_only_uuids_route(client, path):
    assert client.get(path).status_code == 404


def test_an_unknown_uuid_is_the_same_404_as_someone_elses(guests_adventure, client):
    import uuid

    stranger = client.get(f"/adventures/{guests_adventure.id}/")
    nobody = client.get(f"/adventures/{uuid.uuid4()}/")
    assert (stranger.status_code, nobody.status_code) == (404, 404)
    assert stranger.content == nobody.content


def test_the_admin_is_only_for_staff(django_user_model, users_adventure):
    client, _ = a_logged_in_user(django_user_model)
    response = client.get(f"/admin/adventures/adventure/{users_adventure.id}/change/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
