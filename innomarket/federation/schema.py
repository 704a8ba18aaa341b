"""The feed format, version 1: which kinds are published, which of their fields, and how a record
turns into plain JSON (``item_for``) and back (``data_to_values``). docs/feeds.md documents it.

Only public fields are listed here, per kind, on purpose: a field added to a model is not published
until someone adds it below. Challenges publish their teaser only (``challenges.selectors.TEASER_FIELDS``);
their problem statement, indicators, acceptance criteria and attachments never leave the site.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from innomarket.catalog import LISTING_TYPES, ListingType
from innomarket.challenges.selectors import TEASER_FIELDS

FEED_VERSION = "1"
MAX_LIMIT = 500
DEFAULT_LIMIT = 100

# kind → the model fields published in ``item["data"]`` (``fields`` is the list of field-tag slugs).
FEED_FIELDS: dict[str, tuple[str, ...]] = {
    "policy": (
        "title",
        "summary",
        "fields",
        "issuer",
        "document_number",
        "level",
        "support_type",
        "issued_on",
        "effective_from",
        "effective_to",
        "full_text",
        "original_url",
    ),
    "event": (
        "title",
        "summary",
        "fields",
        "kind",
        "starts_at",
        "ends_at",
        "date_note",
        "venue",
        "organiser",
        "is_online",
        "registration_url",
    ),
    "space": (
        "title",
        "summary",
        "fields",
        "kind",
        "level",
        "address",
        "area_m2",
        "vacant_area_m2",
        "services",
        "rent_note",
        "website",
        "contact",
    ),
    "achievement": (
        "title",
        "summary",
        "fields",
        "kind",
        "abstract",
        "discipline",
        "trl",
        "ip_status",
        "patent_numbers",
        "transfer_mode",
        "team",
        "applications",
        "price_note",
        # Not external_ref: an importer's own key (a dataset id for the demo's papers), not public.
    ),
    # The teaser only; the status travels at item level like every kind's.
    "challenge": (*(name for name in TEASER_FIELDS if name != "status"), "fields"),
}


def feed_kinds() -> tuple[str, ...]:
    return tuple(FEED_FIELDS)


def listing_type(kind: str) -> ListingType | None:
    return LISTING_TYPES.get(kind) if kind in FEED_FIELDS else None


def kind_for_target(target: str) -> str | None:
    """The feed kind of a ``backoffice.Feed.target`` (``"policies.policy"`` → ``"policy"``)."""
    for key in FEED_FIELDS:
        if LISTING_TYPES[key].model_label.lower() == (target or "").lower():
            return key
    return None


def external_id(city_slug: str, kind: str, pk: int) -> str:
    return f"{city_slug}:{kind}:{pk}"


# --------------------------------------------------------------------------- record → JSON


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def record_data(record: Any, kind: str) -> dict[str, Any]:
    """``item["data"]``: the published fields of ``record`` as plain JSON values.

    Field tags must be prefetched (``prefetch_related("fields")``) to avoid a query per record.
    """
    data: dict[str, Any] = {}
    for name in FEED_FIELDS[kind]:
        if name == "fields":
            data[name] = sorted(tag.slug for tag in record.fields.all())
        else:
            data[name] = _plain(getattr(record, name))
    return data


def item_for(record: Any, kind: str, *, city_slug: str, url: str) -> dict[str, Any]:
    owner = getattr(record, "owner", None)
    return {
        "id": external_id(city_slug, kind, record.pk),
        "kind": kind,
        "city": city_slug,
        "url": url,
        "status": record.status,
        "updated_at": record.updated_at.isoformat(),
        "published_at": _plain(record.published_at),
        "last_verified_at": _plain(record.last_verified_at),
        "owner": owner.name if owner is not None else None,
        "data": record_data(record, kind),
    }


def content_hash(data: dict[str, Any]) -> str:
    """A stable hash of an item's data: the harvester updates a record only when it changes."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- JSON → record values


def data_to_values(
    model: type[models.Model], kind: str, data: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Convert an item's data into model values (without the field tags) and the list of tag slugs.

    Keys this version does not know are ignored (a newer publisher may add fields); a missing key
    leaves the model's default. Raises ``ValidationError`` keyed by field name on a value that does not
    convert (a date that is not a date, a number that is not a number, a tag list that is not a list).
    """
    values: dict[str, Any] = {}
    tags: list[str] = []
    errors: dict[str, list[str]] = {}
    for name in FEED_FIELDS[kind]:
        if name not in data:
            continue
        raw = data[name]
        if name == "fields":
            if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
                errors[name] = [str(_("应为领域标识（字符串）的列表"))]
                continue
            tags = list(dict.fromkeys(raw))
            continue
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field), name
        if raw is None:
            values[name] = None if field.null else field.get_default()
            continue
        if isinstance(raw, (dict, list)):
            errors[name] = [str(_("应为单个值，不能是对象或列表"))]
            continue
        try:
            value = field.to_python(raw)
        except ValidationError as exc:
            errors[name] = exc.messages
            continue
        if (
            isinstance(field, models.DateTimeField)
            and isinstance(value, dt.datetime)
            and value.tzinfo is None
        ):
            errors[name] = [str(_("时间必须带时区，如 2025-05-01T09:00:00+08:00"))]
            continue
        values[name] = value
    if errors:
        raise ValidationError(errors)
    return values, tags
