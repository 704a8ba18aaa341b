"""The feed format, version 1: which kinds are published (every public kind of the catalogue), which of their fields, and how a record
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

# kind → the model fields published in ``item["data"]``: one entry for every public kind of
# ``innomarket.catalog.LISTING_TYPES`` (a test checks that none is missing). ``fields`` is the list of
# field-tag slugs; the other many-to-many names (``tags``, ``partner_cities``) are lists of slugs too.
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
        "apply_from",
        "apply_until",
        "apply_url",
        "amount_min_wan",
        "amount_max_wan",
        "amount_note",
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
    "instrument": (
        "title",
        "summary",
        "fields",
        "category",
        "manufacturer",
        "model_number",
        "location",
        "booking_rules",
        "fee_note",
        "accepts_vouchers",
        "contact",
    ),
    # Not members (people) nor parent (another record's local key).
    "organisation": (
        "name",
        "short_name",
        "kind",
        "credit_code",
        "address",
        "website",
        "intro",
        "fields",
        "tags",
    ),
    # The teaser only; the status travels at item level like every kind's.
    "challenge": (*(name for name in TEASER_FIELDS if name != "status"), "fields"),
    # People: their account and contact stay on the site; phone numbers in free text are hidden
    # (``PRIVATE_TEXT``), as on the public page.
    "expert": (
        "title",
        "summary",
        "fields",
        "professional_title",
        "affiliation",
        "expertise",
        "accepts_evaluation",
    ),
    "techmanager": ("title", "summary", "fields", "grade", "certificate", "services"),
    "product": (
        "title",
        "summary",
        "fields",
        "product_type",
        "amount_min_wan",
        "amount_max_wan",
        "term_months",
        "rate_note",
        "eligibility",
        "uses_innovation_score",
        "min_tier",
    ),
    "fund": (
        "title",
        "summary",
        "fields",
        "manager",
        "stage",
        "size_yi",
        "target_size_yi",
        "focus",
        "projects_count",
        "invested_yi",
        "invested_ratio",
        "exits_count",
        "exits_note",
        "paid_in_wan",
        "distributions_wan",
        "dpi",
        "figures_as_of",
    ),
    "financing": ("title", "summary", "fields", "round", "amount_wan", "use_of_funds", "valid_until"),
    "talentpost": (
        "title",
        "summary",
        "fields",
        "kind",
        "headcount",
        "qualifications",
        "salary_note",
        "location",
        "valid_until",
    ),
    "station": ("title", "summary", "fields", "address", "services", "opening_hours", "contact"),
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
        "takes_registrations",
        "capacity",
        "registration_deadline",
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
        # Not lead_expert: another record's local key.
    ),
    # Not partners (organisations' local keys) nor challenge (a local key).
    "cooperation": (
        "title",
        "summary",
        "fields",
        "kind",
        "phase",
        "started_on",
        "ended_on",
        "date_note",
        "amount_wan",
        "outcome",
        "partner_cities",
    ),
}

# Free text of people's records published with phone numbers hidden, as their public pages show it.
PRIVATE_TEXT: dict[str, frozenset[str]] = {
    "expert": frozenset({"summary", "expertise"}),
    "techmanager": frozenset({"summary", "services"}),
}

# The kinds a harvester may import (``backoffice.Feed.Target``): every published kind. Each arrives as a
# record waiting for the receiving city's verification, with the published fields only (a challenge's
# teaser, a person's record without the text PRIVATE_TEXT keeps back).
HARVESTABLE_KINDS = tuple(FEED_FIELDS)


def feed_kinds() -> tuple[str, ...]:
    return tuple(FEED_FIELDS)


def listing_type(kind: str) -> ListingType | None:
    return LISTING_TYPES.get(kind) if kind in FEED_FIELDS else None


def kind_for_target(target: str) -> str | None:
    """The feed kind of a ``backoffice.Feed.target`` (``"policies.policy"`` → ``"policy"``)."""
    for key in HARVESTABLE_KINDS:
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


def many_to_many_names(kind: str) -> tuple[str, ...]:
    """The published many-to-many fields of ``kind`` (lists of slugs); the selector prefetches them."""
    model = LISTING_TYPES[kind].model
    return tuple(name for name in FEED_FIELDS[kind] if model._meta.get_field(name).many_to_many)


def record_data(record: Any, kind: str) -> dict[str, Any]:
    """``item["data"]``: the published fields of ``record`` as plain JSON values.

    Many-to-many fields must be prefetched (``many_to_many_names``) to avoid a query per record.
    """
    from innomarket.talent.templatetags.talent_privacy import hide_phones

    model = type(record)
    private = PRIVATE_TEXT.get(kind, frozenset())
    data: dict[str, Any] = {}
    for name in FEED_FIELDS[kind]:
        if model._meta.get_field(name).many_to_many:
            data[name] = sorted(related.slug for related in getattr(record, name).all())
        elif name in private:
            data[name] = hide_phones(getattr(record, name))
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
        "is_sample": bool(record.is_sample),
        "updated_at": record.updated_at.isoformat(),
        "published_at": _plain(getattr(record, "published_at", None)),
        "last_verified_at": _plain(record.last_verified_at),
        "owner": owner.name if owner is not None else None,
        "data": record_data(record, kind),
    }


def tombstone_for(kind: str, *, city_slug: str, pk: int, deleted_at: dt.datetime) -> dict[str, Any]:
    """A deletion marker: the record ``pk`` stopped being public (withdrawn, expired, archived,
    returned or deleted) at ``deleted_at``; a harvester removes or archives its copy."""
    return {"id": external_id(city_slug, kind, pk), "kind": kind, "deleted_at": deleted_at.isoformat()}


def content_hash(data: dict[str, Any], *, is_sample: bool = False) -> str:
    """A stable hash of an item's data (and its sample flag when set): the harvester updates a record
    only when it changes. A real record hashes its data alone, as before the flag existed."""
    payload: Any = {"data": data, "is_sample": True} if is_sample else data
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
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
        field = model._meta.get_field(name)
        if field.many_to_many and name != "fields":
            continue  # published for reading; a harvester imports field tags only
        if name == "fields":
            if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
                errors[name] = [str(_("应为领域标识（字符串）的列表"))]
                continue
            tags = list(dict.fromkeys(raw))
            continue
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
