"""A JSONField with a shape: its Python value is typed (a dataclass from
adventures/shapes.py, a list of them, a list of chapter kinds), checked by pydantic
whenever it is set, read from the database or written to it.

The stored JSON is the same as a plain JSONField's, and so is the field's migration
(`deconstruct` names django.db.models.JSONField): no data migration, no schema change.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

import pydantic
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.query_utils import DeferredAttribute


class ShapeEncoder(json.JSONEncoder):
    """JSON for the shapes' dataclasses and enums, as they are stored."""

    def default(self, o: Any) -> Any:
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            return {key: value for key, value in dataclasses.asdict(o).items() if value is not None}
        return super().default(o)


class ShapedAttribute(DeferredAttribute):
    """Every value assigned (by a caller, by Model.__init__ from a row) is made typed."""

    field: ShapedJSONField[Any, Any]

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = self.field.to_shape(value)


if TYPE_CHECKING:  # django-stubs' JSONField is generic: what it is set to, what it gives
    _GenericJSONField = models.JSONField
else:

    class _GenericJSONField[ST, GT](models.JSONField):
        """Django's JSONField, subscriptable at run time as django-stubs' is for mypy."""


class ShapedJSONField[ST, GT](_GenericJSONField[ST, GT]):
    """`ShapedJSONField[Any, Shape](shape=Shape)`: the attribute reads as `Shape`, for
    mypy as at run time, and may be set to the shape or its JSON."""

    descriptor_class = ShapedAttribute

    def __init__(self, *args: Any, shape: Any = Any, **kwargs: Any) -> None:
        self.shape = shape
        self.adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(shape)
        super().__init__(*args, **kwargs)
        if self.encoder is None:  # so that the admin shows a shape as its JSON
            self.encoder = ShapeEncoder

    def deconstruct(self) -> Any:
        # Migrations see a JSONField: the shape is Python's business, not the schema's.
        name, _path, args, kwargs = super().deconstruct()
        if kwargs.get("encoder") is ShapeEncoder:
            del kwargs["encoder"]
        return name, "django.db.models.JSONField", args, kwargs

    def clone(self) -> ShapedJSONField[ST, GT]:
        field = super().clone()
        field.shape, field.adapter = self.shape, self.adapter
        return field

    def to_shape(self, value: Any) -> Any:
        """`value` as typed objects; a wrong shape raises ValidationError."""
        if value is None:
            return None
        try:
            return self.adapter.validate_python(value)
        except pydantic.ValidationError as error:
            raise ValidationError(f"{self.name} has the wrong shape: {error}") from error

    def to_json(self, value: Any) -> Any:
        """`value` (typed objects or their JSON) as the JSON that is stored."""
        if value is None:
            return None
        return self.adapter.dump_python(self.to_shape(value), mode="json", exclude_none=True)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return self.to_shape(super().from_db_value(value, expression, connection))

    def get_prep_value(self, value: Any) -> Any:
        return super().get_prep_value(self.to_json(value))

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        # Django checks that the value dumps as JSON: its JSON form does.
        super().validate(self.to_json(value), model_instance)

    def value_to_string(self, obj: models.Model) -> Any:
        return self.to_json(self.value_from_object(obj))
