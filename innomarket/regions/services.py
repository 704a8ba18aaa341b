"""Writes about places: a record's point on the alliance map, from its address (offline gazetteer)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction

from . import gazetteer
from .models import City, Located

# The records that appear on the map, and where each keeps its address. The first text that names a
# place more specific than the record's city wins; the rest are fallbacks (an instrument's own
# 存放地点, then its owner's address; an organisation's address, then its profile's 注册所在区县).
LOCATED_MODELS = (
    "resources.Space",
    "resources.Instrument",
    "organisations.Organisation",
    "talent.TalentStation",
)


def located_models() -> list[type[Located]]:
    return [apps.get_model(label) for label in LOCATED_MODELS]


def address_texts(record: Any) -> list[str]:
    """The texts that may say where ``record`` is, most authoritative first (may query its owner/profile)."""
    texts = [getattr(record, name, "") for name in ("address", "location")]
    owner_id = getattr(record, "owner_id", None)
    if owner_id is not None:
        from innomarket.organisations.models import Organisation

        texts.append(Organisation.objects.filter(pk=owner_id).values_list("address", flat=True).first() or "")
    if record._meta.label == "organisations.Organisation" and record.pk is not None:
        from innomarket.organisations.models import OrganisationProfile

        texts.append(
            OrganisationProfile.objects.filter(organisation_id=record.pk)
            .values_list("district", flat=True)
            .first()
            or ""
        )
    return [t for t in texts if t]


def _city_name(city: City) -> str:
    return city.map_name or city.name


def locate(texts: Iterable[str], city_name: str) -> gazetteer.Location | None:
    """The point of the first text that names a place of the city, else the city's own point."""
    fallback = None
    for text in texts:
        found = gazetteer.geocode(text, city_name)
        if found is None:
            return None
        if found.place != city_name:
            return found
        fallback = found
    return fallback or gazetteer.geocode("", city_name)


def record_locate(record: Any, *, city_name: str | None = None, texts: list[str] | None = None) -> bool:
    """Set ``record``'s map point from its address; the caller saves. Returns whether anything changed.

    A point set by hand (precision ``manual``) is left alone. A record of a city the gazetteer does not
    know loses its point (it cannot be drawn in the right place).
    """
    if not isinstance(record, Located) or record.geo_precision == Located.Precision.MANUAL:
        return False
    if city_name is None:
        city_id = getattr(record, "city_id", None)
        if city_id is None:
            return False
        city_name = _city_name(City.objects.get(pk=city_id))
    found = locate(address_texts(record) if texts is None else texts, city_name)
    new = (found.lng, found.lat, found.precision) if found else (None, None, "")
    if (record.geo_lng, record.geo_lat, record.geo_precision) == new:
        return False
    record.geo_lng, record.geo_lat, record.geo_precision = new
    return True


def map_point_changes(record: Any) -> dict[str, Any]:
    """The point fields to write so that ``record``'s point follows its address ({} when unchanged).

    For services that save through ``update_fields`` (a workflow transition): sets them on ``record``
    too.
    """
    if not record_locate(record):
        return {}
    return {"geo_lng": record.geo_lng, "geo_lat": record.geo_lat, "geo_precision": record.geo_precision}


@dataclass
class GeocodeReport:
    checked: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    by_precision: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def records_geocode(*, labels: Iterable[str] = LOCATED_MODELS, batch_size: int = 500) -> GeocodeReport:
    """Fill or refresh the map point of every record of the located models (all statuses).

    Idempotent: writes only the rows whose point changed, in bulk. Points set by hand are kept.
    """
    from innomarket.organisations.models import Organisation, OrganisationProfile

    report = GeocodeReport()
    city_names = {c.pk: _city_name(c) for c in City.objects.all()}
    org_addresses = dict(Organisation.objects.exclude(address="").values_list("pk", "address"))
    districts = dict(
        OrganisationProfile.objects.exclude(district="").values_list("organisation_id", "district")
    )
    for label in labels:
        model = apps.get_model(label)
        changed = []
        checked = 0
        for record in model._default_manager.exclude(geo_precision=Located.Precision.MANUAL).iterator(
            chunk_size=2000
        ):
            checked += 1
            texts = [getattr(record, name, "") for name in ("address", "location")]
            owner_id = getattr(record, "owner_id", None)
            if owner_id is not None:
                texts.append(org_addresses.get(owner_id, ""))
            if model is Organisation:
                texts.append(districts.get(record.pk, ""))
            if record_locate(
                record, city_name=city_names.get(record.city_id, ""), texts=[t for t in texts if t]
            ):
                changed.append(record)
            precision = record.geo_precision or "none"
            report.by_precision[precision] = report.by_precision.get(precision, 0) + 1
        if changed:
            model._default_manager.bulk_update(
                changed, ["geo_lng", "geo_lat", "geo_precision"], batch_size=batch_size
            )
        report.checked[label] = checked
        report.changed[label] = len(changed)
    return report
