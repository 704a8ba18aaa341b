"""What the API shows of a public record: exactly what its public page shows, no more.

The fields come from the listing type's ``CatalogueSpec`` (the public detail page's facts, card meta and
prose, ``innomarket/<app>/views.py``), so a field the page does not show cannot reach the API either;
the records come from the same public selector as the page (``site.catalogue.queryset_for``). For
each type this module builds typed pydantic schemas (``<Type>Item``, ``<Type>Detail``) for the OpenAPI
document and the functions that fill them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import import_module
from typing import Any

from django.db import models
from django.db.models import QuerySet
from ninja import Schema
from pydantic import create_model

from innomarket.catalog import LISTING_TYPES
from innomarket.site.catalogue import CatalogueSpec, facts_for, queryset_for
from innomarket.talent.templatetags.talent_privacy import hide_phones

# Shown by every public page in its header and side panel; given their own keys below.
COMMON_FIELDS = frozenset({"title", "name", "summary", "intro", "city", "owner", "fields"})

# People's pages pass their prose through ``hide_phones`` (talent/*_detail.html): so does the API.
TEXT_FILTERS: dict[str, Callable[[Any], str]] = {"expert": hide_phones, "techmanager": hide_phones}


class CityRef(Schema):
    slug: str
    name: str


class FieldRef(Schema):
    slug: str
    name: str


class Ref(Schema):
    """Another record: ``id`` only when that record is itself public (else its name alone)."""

    id: int | None = None
    name: str


class Fact(Schema):
    label: str
    value: str
    url: str = ""


class ListingBase(Schema):
    id: int
    type: str
    title: str
    summary: str
    city: CityRef
    fields: list[FieldRef]
    owner: Ref | None = None
    is_sample: bool
    source: str
    source_note: str
    last_verified_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    updated_at: dt.datetime
    url: str


def _pascal(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_"))


def catalogue_spec(type_key: str) -> CatalogueSpec:
    """The ``CatalogueSpec`` of the type's public pages, found in its app's ``views`` module."""
    module = import_module(LISTING_TYPES[type_key].selector.rsplit(".selectors.", 1)[0] + ".views")
    for value in vars(module).values():
        if isinstance(value, CatalogueSpec) and value.type_key == type_key:
            return value
    raise LookupError(f"No CatalogueSpec for {type_key}")


def _annotation(field: models.Field) -> Any:
    if field.many_to_many:
        return list[Ref]
    if isinstance(field, models.ForeignKey):
        return Ref | None
    if field.choices:
        return str
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, (models.IntegerField, models.AutoField)):
        return int | None
    if isinstance(field, models.DecimalField):
        return str | None  # exact: "3248.00", never a rounded float
    if isinstance(field, models.FloatField):
        return float | None
    if isinstance(field, models.DateTimeField):
        return dt.datetime | None
    if isinstance(field, models.DateField):
        return dt.date | None
    return str


@dataclass(frozen=True)
class PublicShape:
    type_key: str
    spec: CatalogueSpec
    attribute_fields: tuple[models.Field, ...]
    prose_names: tuple[str, ...]
    item_schema: type[Schema]
    detail_schema: type[Schema]

    @property
    def model(self) -> Any:
        return LISTING_TYPES[self.type_key].model

    def queryset(self) -> QuerySet[Any]:
        """The site's public queryset, plus the relations the attributes show (no N+1)."""
        qs = queryset_for(self.type_key)
        fks = [f.name for f in self.attribute_fields if isinstance(f, models.ForeignKey)]
        m2m = [f.name for f in self.attribute_fields if f.many_to_many]
        return qs.select_related(*fks).prefetch_related(*m2m)


def _attribute_names(spec: CatalogueSpec) -> list[str]:
    names: list[str] = []
    for source in (*spec.card_meta, *spec.facts, *spec.card_badges):
        if isinstance(source, str) and source not in COMMON_FIELDS and source not in names:
            names.append(source)
    return names


@cache
def shape(type_key: str) -> PublicShape:
    spec = catalogue_spec(type_key)
    model = LISTING_TYPES[type_key].model
    fields = tuple(model._meta.get_field(name) for name in _attribute_names(spec))
    attrs: dict[str, Any] = {}
    for field in fields:
        attrs[field.name] = (_annotation(field), ...)
        if field.choices:
            attrs[f"{field.name}_label"] = (str, ...)
    name = _pascal(type_key)
    attributes = create_model(f"{name}Attributes", __base__=Schema, **attrs)
    prose_names = tuple(n for n in spec.prose if isinstance(n, str))
    prose = create_model(f"{name}Prose", __base__=Schema, **dict.fromkeys(prose_names, (str, ...)))
    item = create_model(f"{name}Item", __base__=ListingBase, attributes=(attributes, ...))
    detail = create_model(f"{name}Detail", __base__=item, prose=(prose, ...), facts=(list[Fact], ...))
    return PublicShape(type_key, spec, fields, prose_names, item, detail)


def _ref(obj: Any) -> dict[str, Any] | None:
    if obj is None:
        return None
    public = getattr(obj, "is_public", True)
    return {"id": obj.pk if public else None, "name": str(obj)}


def _value(obj: Any, field: models.Field) -> Any:
    if field.many_to_many:
        return [_ref(o) for o in getattr(obj, field.name).all()]
    if isinstance(field, models.ForeignKey):
        return _ref(getattr(obj, field.name))
    value = getattr(obj, field.name)
    if isinstance(value, Decimal):
        return str(value)
    if field.choices or isinstance(field, (models.CharField, models.TextField)):
        return value or ""
    return value


def _text(type_key: str, value: Any) -> str:
    text = value or ""
    text_filter = TEXT_FILTERS.get(type_key)
    return str(text_filter(text) if text_filter else text)


def item(shape_: PublicShape, obj: Any, *, absolute: Callable[[str], str]) -> dict[str, Any]:
    spec = shape_.spec
    attributes: dict[str, Any] = {}
    for field in shape_.attribute_fields:
        attributes[field.name] = _value(obj, field)
        if field.choices:
            raw = getattr(obj, field.name)
            attributes[f"{field.name}_label"] = (
                str(getattr(obj, f"get_{field.name}_display")()) if raw else ""
            )
    return {
        "id": obj.pk,
        "type": shape_.type_key,
        "title": obj.title,
        "summary": _text(shape_.type_key, getattr(obj, spec.summary_field, "")),
        "city": {"slug": obj.city.slug, "name": obj.city.name},
        "fields": [{"slug": f.slug, "name": f.name} for f in obj.fields.all()],
        "owner": {"id": obj.owner.pk if obj.owner.is_public else None, "name": obj.owner.name}
        if getattr(obj, "owner", None) is not None
        else None,
        "is_sample": obj.is_sample,
        # A sample's source is just 示例数据 on the page: how it was generated is internal.
        "source": "sample" if obj.is_sample else obj.source,
        "source_note": "" if obj.is_sample else (obj.source_note or ""),
        "last_verified_at": obj.last_verified_at,
        "published_at": getattr(obj, "published_at", None),
        "updated_at": obj.updated_at,
        "url": absolute(obj.get_absolute_url()),
        "attributes": attributes,
    }


def detail(shape_: PublicShape, obj: Any, *, absolute: Callable[[str], str]) -> dict[str, Any]:
    data = item(shape_, obj, absolute=absolute)
    data["prose"] = {name: _text(shape_.type_key, getattr(obj, name, "")) for name in shape_.prose_names}
    data["facts"] = [
        {"label": f.label, "value": f.value, "url": absolute(f.url) if f.url and not f.external else f.url}
        for f in facts_for(obj, shape_.spec.facts)
    ]
    return data
