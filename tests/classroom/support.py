"""Making teachers, classes and children for classroom tests, through the real pages."""

from __future__ import annotations

import re

from django.test import Client

from classroom.models import ClassMember, SchoolClass

PASSWORD = "a-long-Passphrase-for-42-owls"


def teacher_client(username: str = "ms-rowan") -> Client:
    """A teacher signed up at /teach/signup/ and signed in."""
    client = Client()
    response = client.post("/teach/signup/", {"username": username, "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/teach/"
    return client


def class_of(teacher: Client, name: str = "Year 5 Oaks") -> SchoolClass:
    response = teacher.post("/teach/classes/new/", {"name": name})
    assert response.status_code == 302
    school_class = SchoolClass.objects.get(name=name)
    assert response["Location"] == f"/teach/classes/{school_class.pk}/"
    return school_class


def shown_code(teacher: Client, school_class: SchoolClass) -> str:
    html = teacher.get(f"/teach/classes/{school_class.pk}/").content.decode()
    return re.search(r'class="class-code" data-class-code="([^"]+)"', html).group(1)


def child_client(code: str, name: str) -> tuple[Client, ClassMember]:
    """A child's browser that joined at /join/."""
    client = Client()
    response = client.post("/join/", {"code": code, "name": name})
    assert response.status_code == 302 and response["Location"] == "/", response.content.decode()[:2000]
    return client, ClassMember.objects.get(nickname=name, school_class__code=code.replace(" ", "").upper())


def start_as(client: Client, **fields: str) -> object:
    """Start an adventure from the start page's form; returns the response."""
    data = {"world": "pearlwater-deep", "topic": "ocean-life", "difficulty": "standard", "length": "6"}
    data.update(fields)
    return client.post("/adventures/", data)
