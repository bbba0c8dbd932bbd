"""Housekeeping: a teacher removes a child with everything they played; a closed class
goes, with its children and their adventures, once cleanup_adventures finds it closed
for longer than STORYWEB_RETENTION_CLOSED_CLASS_DAYS."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from adventures.models import Adventure, Chapter
from classroom.models import ClassMember, SchoolClass
from tests.classroom.support import child_client, class_of, start_as, teacher_client
from tests.support.story import write_chapters

pytestmark = pytest.mark.django_db(transaction=True)


def played(client, chapters: int = 2) -> tuple[Adventure, list[str]]:
    start_as(client)
    adventure = Adventure.objects.filter(member__visitor=client.session["storyweb_visitor"]).get()
    write_chapters(adventure, chapters)
    pictures = [c.image.name for c in Chapter.objects.filter(adventure=adventure).exclude(image="")]
    assert pictures and all(default_storage.exists(name) for name in pictures)
    return adventure, pictures


def test_removing_a_child_removes_their_name_and_everything_they_played():
    teacher = teacher_client()
    school_class = class_of(teacher)
    ada_client, ada = child_client(school_class.code, "Ada")
    bo_client, _ = child_client(school_class.code, "Bo")
    ada_adventure, ada_pictures = played(ada_client)
    bo_adventure, bo_pictures = played(bo_client)

    remove = f"/teach/classes/{school_class.pk}/children/{ada.pk}/remove/"
    # Not without ticking "Yes, remove Ada".
    assert teacher.post(remove)["Location"] == f"/teach/classes/{school_class.pk}/children/{ada.pk}/"
    assert ClassMember.objects.count() == 2 and Adventure.objects.count() == 2
    response = teacher.post(remove, {"confirm": "yes"})
    assert response["Location"] == f"/teach/classes/{school_class.pk}/"
    assert list(ClassMember.objects.values_list("nickname", flat=True)) == ["Bo"]
    assert list(Adventure.objects.values_list("pk", flat=True)) == [bo_adventure.pk]
    assert not Chapter.objects.filter(adventure_id=ada_adventure.pk).exists()
    assert not any(default_storage.exists(name) for name in ada_pictures)
    assert all(default_storage.exists(name) for name in bo_pictures)
    page = teacher.get(f"/teach/classes/{school_class.pk}/").content.decode()
    assert 'data-child="Ada"' not in page and 'data-child="Bo"' in page
    # Ada's device is a guest's again: no class, and the class cookie goes.
    home = ada_client.get("/")
    assert "Playing as" not in home.content.decode()
    assert ada_client.cookies["storyweb_class"].value == ""


def test_cleanup_removes_classes_closed_past_the_retention_period_only(settings):
    settings.STORYWEB_RETENTION_CLOSED_CLASS_DAYS = 30
    teacher = teacher_client()
    old, recent, open_class = (class_of(teacher, name) for name in ("Old", "Recent", "Open"))
    adventures = {}
    for school_class, nickname in ((old, "Ada"), (recent, "Bo"), (open_class, "Cy")):
        client, _ = child_client(school_class.code, nickname)
        adventures[school_class.name] = played(client)
    now = timezone.now()
    SchoolClass.objects.filter(pk=old.pk).update(closed_at=now - timedelta(days=31))
    SchoolClass.objects.filter(pk=recent.pk).update(closed_at=now - timedelta(days=29))

    dry = StringIO()
    call_command("cleanup_adventures", "--dry-run", stdout=dry)
    line = "Classes closed more than 30 days ago: would remove 1 class with 1 child and 1 adventure."
    assert line in dry.getvalue().splitlines()
    assert SchoolClass.objects.count() == 3

    out = StringIO()
    call_command("cleanup_adventures", stdout=out)
    assert "Classes closed more than 30 days ago: removed 1 class with 1 child and 1 adventure." in out.getvalue()
    assert sorted(SchoolClass.objects.values_list("name", flat=True)) == ["Open", "Recent"]
    assert sorted(ClassMember.objects.values_list("nickname", flat=True)) == ["Bo", "Cy"]
    gone, pictures = adventures["Old"]
    assert not Adventure.objects.filter(pk=gone.pk).exists()
    assert not any(default_storage.exists(name) for name in pictures)
    for name in ("Recent", "Open"):
        kept, pictures = adventures[name]
        assert Adventure.objects.filter(pk=kept.pk).exists() and all(default_storage.exists(n) for n in pictures)

    # --class-days overrides the setting.
    call_command("cleanup_adventures", "--class-days", "28", stdout=StringIO())
    assert list(SchoolClass.objects.values_list("name", flat=True)) == ["Open"]


def test_a_teacher_deleting_their_account_takes_their_classes_and_the_childrens_pictures_with_it():
    teacher = teacher_client()
    school_class = class_of(teacher)
    ada_client, _ = child_client(school_class.code, "Ada")
    adventure, pictures = played(ada_client)
    response = teacher.post("/accounts/", {"confirm": "on"})
    assert response.status_code == 302
    assert not SchoolClass.objects.exists() and not ClassMember.objects.exists()
    assert not Adventure.objects.filter(pk=adventure.pk).exists()
    assert not any(default_storage.exists(name) for name in pictures)
