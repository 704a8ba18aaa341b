"""Field values in the JSON-safe form the audit log stores, and their comparison."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Model
from django.utils.functional import Promise

# Never part of a diff: bookkeeping columns every row has.
IGNORED_FIELDS = frozenset({"created_at", "updated_at"})
REPR_LENGTH = 200

_fields_cache: dict[type[Model], tuple[models.Field, ...]] = {}


def tracked_fields(model: type[Model]) -> tuple[models.Field, ...]:
    """The concrete fields whose changes are recorded: all but the key, timestamps and binary data."""
    fields = _fields_cache.get(model)
    if fields is None:
        fields = tuple(
            f
            for f in model._meta.concrete_fields
            if not f.primary_key
            and f.name not in IGNORED_FIELDS
            and not getattr(f, "auto_now", False)
            and not isinstance(f, models.BinaryField)
        )
        _fields_cache[model] = fields
    return fields


def normalise(field: models.Field, value: Any) -> Any:
    """The comparable Python value of ``field`` (a form may have set "12.50" where the database has 12.5)."""
    if value is None:
        return None
    if isinstance(field, models.FileField):
        return getattr(value, "name", value) or ""
    if field.is_relation:
        return value
    try:
        return field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return value


def json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value.total_seconds())
    if isinstance(value, uuid.UUID | Promise):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    return str(value)


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or value is False


def instance_repr(obj: Any) -> str:
    return str(obj)[:REPR_LENGTH]


def cached_related(instance: Model, field: Any, pk: Any) -> Model | None:
    """The related object of a foreign key if it is already loaded on ``instance`` (no query)."""
    if field.is_cached(instance):
        related = field.get_cached_value(instance)
        if related is not None and related.pk == pk:
            return related
    return None


def fk_value(pk: Any, repr_: str) -> dict[str, Any]:
    return {"id": json_safe(pk), "repr": repr_[:REPR_LENGTH]}


def fk_reprs(field: Any, pks: Iterable[Any]) -> dict[Any, str]:
    """Names of the related records of ``field`` with these keys, in one query."""
    wanted = {pk for pk in pks if pk is not None}
    if not wanted:
        return {}
    related = field.related_model._base_manager.in_bulk(wanted)
    return {pk: instance_repr(obj) for pk, obj in related.items()}


def dump(
    field: models.Field, value: Any, instance: Model | None = None, known: dict[Any, str] | None = None
) -> Any:
    """``value`` of ``field`` as stored in ``changes``. Foreign keys name their target: from ``known``, from
    the object loaded on ``instance``, or else by one query."""
    if value is None:
        return None
    if field.is_relation:
        if known is not None and value in known:
            return fk_value(value, known[value])
        related = cached_related(instance, field, value) if instance is not None else None
        if related is not None:
            return fk_value(value, instance_repr(related))
        return fk_value(value, fk_reprs(field, [value]).get(value, f"#{value}"))
    return json_safe(value)


def snapshot(instance: Model, fields: Iterable[models.Field]) -> dict[str, Any]:
    """Every non-empty value of ``instance`` as ``{name: value}`` (what a creation or deletion shows)."""
    values = {}
    for field in fields:
        value = normalise(field, getattr(instance, field.attname))
        if not is_empty(value):
            values[field.name] = dump(field, value, instance)
    return values
