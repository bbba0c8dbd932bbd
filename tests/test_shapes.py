"""The JSON fields hold typed shapes (adventures/shapes.py): set as shapes or as their
JSON, read back as shapes, stored as the same JSON as before the shapes existed."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from adventures import services
from adventures.models import Adventure, Chapter, ChapterKind
from adventures.shapes import AgencyOption, Choice, Elements
from tests.factories import start_adventure, visitor_session

pytestmark = pytest.mark.django_db


def raw(sql: str, pk: object) -> list[object]:
    """The JSON columns as the database holds them, read without the models."""
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    return [json.loads(value) if isinstance(value, str) else value for value in row]


def adventure_with_chapter_1() -> tuple[Adventure, Chapter]:
    _, visitor = visitor_session()
    adventure = start_adventure(visitor=visitor, length=6, seed=5)
    chapter = services.chapter_save(
        adventure_id=adventure.id,
        number=1,
        kind=ChapterKind.STORY,
        text="The wind turned.",
        choices=[Choice(id=o.id, text=o.name) for o in adventure.agency_options],
        question_id=None,
    )
    return adventure, chapter


def test_the_fields_read_back_as_shapes():
    adventure, chapter = adventure_with_chapter_1()
    fresh = Adventure.objects.get(pk=adventure.pk)
    assert isinstance(fresh.elements, Elements)
    assert fresh.elements == adventure.elements
    assert all(isinstance(o, AgencyOption) for o in fresh.agency_options) and len(fresh.agency_options) == 3
    assert fresh.plan == adventure.plan and all(isinstance(kind, ChapterKind) for kind in fresh.plan)
    assert fresh.agency is None
    assert Chapter.objects.get(pk=chapter.pk).choices == [Choice(id=o.id, text=o.name) for o in fresh.agency_options]
    # values_list reads through the field too.
    [(options,)] = Adventure.objects.filter(pk=adventure.pk).values_list("agency_options")
    assert options == fresh.agency_options


def test_a_value_set_as_json_becomes_a_shape_at_once():
    _, chapter = adventure_with_chapter_1()
    chapter.choices = [{"id": "a1", "text": "Climb"}, {"id": "a2", "text": "Swim", "correct": False}]
    assert chapter.choices == [Choice(id="a1", text="Climb"), Choice(id="a2", text="Swim", correct=False)]


def test_the_stored_json_is_the_same_as_before_the_shapes():
    adventure, chapter = adventure_with_chapter_1()
    option = adventure.agency_options[0]
    services.chapter_record_choice(adventure_id=adventure.id, number=1, choice_id=option.id)
    services.agency_picture_save(adventure_id=adventure.id, option_id=option.id, name="a.webp", alt="a lantern")
    adventure_pk = Adventure._meta.pk.get_db_prep_value(adventure.pk, connection)
    agency, options = raw("SELECT agency, agency_options FROM adventures_adventure WHERE id = %s", adventure_pk)
    [choices] = raw("SELECT choices FROM adventures_chapter WHERE id = %s", chapter.pk)
    assert agency == {"id": option.id, "name": option.name, "visual": option.visual}
    assert options[0] == {
        "id": option.id,
        "name": option.name,
        "visual": option.visual,
        "image": "a.webp",
        "alt": "a lantern",
    }
    second = adventure.agency_options[1]
    assert options[1] == {"id": second.id, "name": second.name, "visual": second.visual, "image": ""}  # none yet
    assert choices == [{"id": o.id, "text": o.name} for o in adventure.agency_options]  # no "correct" on a story


def test_a_row_written_before_the_shapes_still_reads():
    """Rows written by the old code have `"image": ""` on every option."""
    adventure, _ = adventure_with_chapter_1()
    old = [{"id": o.id, "name": o.name, "visual": o.visual, "image": ""} for o in adventure.agency_options]
    Adventure.objects.filter(pk=adventure.pk).update(agency_options=old)
    options = Adventure.objects.get(pk=adventure.pk).agency_options
    assert [o.image for o in options] == ["", "", ""]
    assert options == [dataclasses.replace(o, image="") for o in adventure.agency_options]


@pytest.mark.parametrize(
    "choices",
    [
        [{"id": "a1"}],  # no text
        [{"id": "a1", "text": "Climb", "colour": "red"}],  # a key nobody knows
        [{"id": "a1", "text": ["Climb"]}],  # the wrong type
        {"id": "a1", "text": "Climb"},  # not a list
    ],
)
def test_a_wrong_shape_is_refused_with_a_clear_message_and_nothing_is_written(choices):
    adventure, chapter = adventure_with_chapter_1()
    with pytest.raises(ValidationError, match="choices has the wrong shape"):
        chapter.choices = choices
    with pytest.raises(ValidationError, match="choices has the wrong shape"), transaction.atomic():
        Chapter.objects.filter(pk=chapter.pk).update(choices=choices)
    assert Chapter.objects.get(pk=chapter.pk).choices == [
        Choice(id=o.id, text=o.name) for o in adventure.agency_options
    ]


def test_a_chapter_with_shapes_passes_full_clean_and_the_admin_shows_the_json():
    from django.contrib.admin.utils import display_for_field

    adventure, chapter = adventure_with_chapter_1()
    chapter.full_clean()  # Django's "is it JSON?" check sees the JSON form
    adventure.full_clean()
    field = Adventure._meta.get_field("agency_options")
    first = adventure.agency_options[0]
    shown = json.loads(display_for_field(adventure.agency_options, field, "-"))
    assert shown[0] == {"id": first.id, "name": first.name, "visual": first.visual, "image": ""}
    assert json.loads(display_for_field(adventure.plan, Adventure._meta.get_field("plan"), "-")) == list(adventure.plan)
