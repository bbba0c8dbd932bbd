"""Classroom mode's contract (issue 14): teachers sign up at /teach/signup/ and create
classes whose join code is easy to read aloud; children join at /join/ with the code
and a nickname only, and play as that class member; bad codes create nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from adventures.models import Adventure, TelemetryEvent
from classroom import codes
from classroom.models import ClassMember, SchoolClass, TeacherProfile
from tests.classroom.support import PASSWORD, child_client, class_of, shown_code, start_as, teacher_client

pytestmark = pytest.mark.django_db


def test_a_teacher_signs_up_lands_on_their_classes_and_creates_a_class_with_a_readable_code():
    teacher = teacher_client()
    assert TeacherProfile.objects.get().user.username == "ms-rowan"
    home = teacher.get("/teach/")
    assert home.status_code == 200 and "No classes yet." in home.content.decode()
    school_class = class_of(teacher)
    code = shown_code(teacher, school_class)
    assert code == school_class.code
    assert len(code) == 6 and set(code) <= set(codes.ALPHABET)
    assert not set(code) & set("0O1lIL")
    assert f'data-class-code="{code}"' in teacher.get("/teach/").content.decode()


def test_the_join_code_alphabet_leaves_out_look_alikes():
    assert not set(codes.ALPHABET) & set("0O1lIL")
    assert {len(codes.new_code()) for _ in range(50)} == {6}
    assert codes.normalise(" abc-23 4 ") == "ABC234"
    assert codes.spoken("ABC234") == "ABC 234"


def test_a_new_code_replaces_the_old_one_and_children_already_in_keep_playing():
    teacher = teacher_client()
    school_class = class_of(teacher)
    old = school_class.code
    child, _member = child_client(old, "Ada")
    assert teacher.post(f"/teach/classes/{school_class.pk}/code/").status_code == 302
    school_class.refresh_from_db()
    assert school_class.code != old and shown_code(teacher, school_class) == school_class.code
    refused = Client().post("/join/", {"code": old, "name": "Bo"})
    assert refused.status_code == 400 and not ClassMember.objects.filter(nickname="Bo").exists()
    assert "Playing as Ada" in child.get("/").content.decode()


def test_a_child_joins_with_code_and_name_only_and_their_adventures_are_the_members():
    teacher = teacher_client()
    school_class = class_of(teacher)
    form = Client().get("/join/").content.decode()
    assert 'name="code"' in form and 'name="name"' in form
    assert 'type="email"' not in form and 'type="password"' not in form
    # Typed as a child might: small letters, a space in the middle.
    code = school_class.code.lower()[:3] + " " + school_class.code.lower()[3:]
    child, member = child_client(code, "Ada")
    assert member.school_class == school_class and member.visitor.startswith("m-")
    cookie = child.cookies["storyweb_class"]
    assert cookie["httponly"] and cookie["max-age"] >= 60 * 60 * 24 * 300
    assert "Playing as Ada · Year 5 Oaks" in child.get("/").content.decode()

    response = start_as(child)
    adventure = Adventure.objects.get()
    assert response["Location"] == f"/adventures/{adventure.id}/"
    assert (adventure.member, adventure.visitor, adventure.user) == (member, member.visitor, None)
    assert child.get(f"/adventures/{adventure.id}/recap/").status_code == 200


@pytest.mark.parametrize(
    ("typed", "closed", "message"),
    [
        ("ZZZZZZ", False, "We could not find a class with that code."),
        ("", False, "Type the class code your teacher gave you."),
        (None, True, "That class has closed, so it cannot take new players."),
    ],
)
def test_a_wrong_or_closed_code_is_refused_kindly_and_creates_nothing(typed, closed, message):
    teacher = teacher_client()
    school_class = class_of(teacher)
    if closed:
        teacher.post(f"/teach/classes/{school_class.pk}/close/", {"confirm": "yes"})
    visitor = Client()
    response = visitor.post("/join/", {"code": typed if typed is not None else school_class.code, "name": "Ada"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ClassMember.objects.exists()
    assert "storyweb_class" not in visitor.cookies


def test_guessing_codes_is_throttled(settings):
    settings.STORYWEB_LOGIN_FAILURES_PER_IP = 3
    settings.STORYWEB_LOGIN_FAILURES_PER_USERNAME = 3
    school_class = class_of(teacher_client())
    visitor = Client()
    for _ in range(3):
        assert visitor.post("/join/", {"code": "ZZZZZZ", "name": "Ada"}).status_code == 400
    refused = visitor.post("/join/", {"code": school_class.code, "name": "Ada"})
    assert refused.status_code == 400 and not ClassMember.objects.exists()


def test_a_nickname_is_screened_like_other_player_text_and_a_flagged_one_creates_nothing():
    school_class = class_of(teacher_client())
    response = Client().post("/join/", {"code": school_class.code, "name": "killer_kid"})
    assert response.status_code == 400
    assert (
        "Please pick a different name: that one has words we don&#x27;t use in StoryWeb." in response.content.decode()
    )
    assert not ClassMember.objects.exists()
    flag = TelemetryEvent.objects.get(name="safety_flag").details
    assert (flag["where"], flag["action"]) == ("nickname", "refused")


def test_two_children_cannot_share_a_nickname_in_one_class():
    school_class = class_of(teacher_client())
    child_client(school_class.code, "Ada")
    response = Client().post("/join/", {"code": school_class.code, "name": "ada"})
    assert response.status_code == 400
    assert "Someone in this class already uses that name." in response.content.decode()
    assert ClassMember.objects.count() == 1


def test_the_code_on_a_childs_card_brings_them_back_on_another_device_and_nothing_else_does():
    teacher = teacher_client()
    school_class = class_of(teacher)
    child, member = child_client(school_class.code, "Ada")
    start_as(child)
    adventure = Adventure.objects.get()
    cards = teacher.get(f"/teach/classes/{school_class.pk}/cards/").content.decode()
    assert f'data-card-code="{member.card_code}"' in cards
    assert len(member.card_code) == 4 and set(member.card_code) <= set(codes.ALPHABET)

    tablet = Client()
    taken = tablet.post("/join/", {"code": school_class.code, "name": "ada"})
    assert taken.status_code == 400 and "type the code on your card" in taken.content.decode()
    wrong_card = "ZZZZ" if member.card_code != "ZZZZ" else "YYYY"
    wrong = tablet.post("/join/", {"code": school_class.code, "name": "Ada", "card": wrong_card})
    assert wrong.status_code == 400 and "That card code does not match your name." in wrong.content.decode()
    unknown = tablet.post("/join/", {"code": school_class.code, "name": "Zed", "card": member.card_code})
    assert unknown.status_code == 400 and "Nobody in this class has that name yet." in unknown.content.decode()
    assert ClassMember.objects.count() == 1 and "storyweb_class" not in tablet.cookies
    assert tablet.get(f"/adventures/{adventure.id}/recap/").status_code == 404

    card = member.card_code.lower()[:2] + " " + member.card_code.lower()[2:]
    back = tablet.post("/join/", {"code": school_class.code, "name": "ADA", "card": card})
    assert back.status_code == 302
    assert ClassMember.objects.count() == 1
    assert tablet.get(f"/adventures/{adventure.id}/recap/").status_code == 200


def test_wrong_card_codes_are_throttled_like_wrong_codes(settings):
    settings.STORYWEB_LOGIN_FAILURES_PER_IP = 3
    settings.STORYWEB_LOGIN_FAILURES_PER_USERNAME = 3
    school_class = class_of(teacher_client())
    _, member = child_client(school_class.code, "Ada")
    wrong_card = "ZZZZ" if member.card_code != "ZZZZ" else "YYYY"
    tablet = Client()
    for _ in range(3):
        tablet.post("/join/", {"code": school_class.code, "name": "Ada", "card": wrong_card})
    refused = tablet.post("/join/", {"code": school_class.code, "name": "Ada", "card": member.card_code})
    assert refused.status_code == 400 and "storyweb_class" not in tablet.cookies


def test_a_signed_in_account_does_not_join_as_a_child(django_user_model):
    school_class = class_of(teacher_client())
    django_user_model.objects.create_user("grown-up", password=PASSWORD)
    client = Client()
    client.post("/accounts/login/", {"username": "grown-up", "password": PASSWORD})
    response = client.post("/join/", {"code": school_class.code, "name": "Ada"})
    assert response.status_code == 400 and not ClassMember.objects.exists()


def test_the_card_link_brings_a_child_back_on_another_device():
    teacher = teacher_client()
    school_class = class_of(teacher)
    child, member = child_client(school_class.code, "Ada")
    start_as(child)
    adventure = Adventure.objects.get()
    cards = teacher.get(f"/teach/classes/{school_class.pk}/cards/").content.decode()
    link = f"/join/{member.rejoin_token}/"
    assert link in cards
    tablet = Client()
    assert tablet.get(f"/adventures/{adventure.id}/recap/").status_code == 404
    assert tablet.get(link).status_code == 200  # a look changes nothing
    assert "storyweb_class" not in tablet.cookies
    assert tablet.post(link).status_code == 302
    assert tablet.get(f"/adventures/{adventure.id}/recap/").status_code == 200
    assert Client().get("/join/not-a-token/").status_code == 404


def test_logging_in_on_a_childs_device_does_not_take_their_adventures(django_user_model):
    school_class = class_of(teacher_client())
    child, member = child_client(school_class.code, "Ada")
    start_as(child)
    django_user_model.objects.create_user("grown-up", password=PASSWORD)
    assert child.post("/accounts/login/", {"username": "grown-up", "password": PASSWORD}).status_code == 302
    adventure = Adventure.objects.get()
    assert (adventure.user, adventure.member) == (None, member)
    assert str(adventure.id) not in child.get("/adventures/").content.decode()


def test_closing_a_class_ends_playing_in_it():
    teacher = teacher_client()
    school_class = class_of(teacher)
    child, _ = child_client(school_class.code, "Ada")
    start_as(child)
    adventure = Adventure.objects.get()
    # Not without ticking "Yes, close it".
    teacher.post(f"/teach/classes/{school_class.pk}/close/")
    assert SchoolClass.objects.get().closed_at is None
    assert child.get(f"/adventures/{adventure.id}/").status_code == 200
    teacher.post(f"/teach/classes/{school_class.pk}/close/", {"confirm": "yes"})
    assert SchoolClass.objects.get().closed_at is not None
    assert child.get(f"/adventures/{adventure.id}/").status_code == 404
    assert "Playing as" not in child.get("/").content.decode()
    assert "storyweb_class" not in child.cookies or not child.cookies["storyweb_class"].value
    # The teacher still sees the results until the retention period ends.
    assert 'data-child="Ada"' in teacher.get(f"/teach/classes/{school_class.pk}/").content.decode()


def test_staff_make_any_account_a_teacher_in_the_admin(admin_client, django_user_model):
    account = django_user_model.objects.create_user("mr-ash", password=PASSWORD)
    assert admin_client.get("/admin/classroom/teacherprofile/add/").status_code == 200
    response = admin_client.post("/admin/classroom/teacherprofile/add/", {"user": account.pk})
    assert response.status_code == 302
    client = Client()
    client.post("/accounts/login/", {"username": "mr-ash", "password": PASSWORD})
    assert client.get("/teach/").status_code == 200
    school_class = class_of(client, "Year 4 Pines")
    assert admin_client.get(f"/admin/classroom/schoolclass/{school_class.pk}/change/").status_code == 200
    assert admin_client.get("/admin/classroom/schoolclass/").status_code == 200


def test_an_account_that_is_not_a_teachers_is_told_how_to_become_one(django_user_model):
    django_user_model.objects.create_user("mr-ash", password=PASSWORD)
    client = Client()
    client.post("/accounts/login/", {"username": "mr-ash", "password": PASSWORD})
    page = client.get("/teach/")
    assert page.status_code == 403 and "This is not a teacher account yet" in page.content.decode()
    assert client.post("/teach/signup/")["Location"] == "/teach/"
    assert client.get("/teach/").status_code == 200
