"""Test data for city figures, the home page and the browser tests: a few records per listing type."""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import timezone

from innomarket.catalog import LISTING_TYPES
from innomarket.regions.models import City

_seq = itertools.count(1)

# The fields each model requires beyond title/city/status (the first choice of each).
_REQUIRED = {
    "policy": lambda: {"issuer": "示例发文机关", "support_type": "funding"},
    "space": lambda: {"kind": "incubator"},
    "organisation": lambda: {"kind": "enterprise"},
    "product": lambda: {"product_type": _first_choice("finance.FinancialProduct", "product_type")},
    "fund": lambda: {"stage": _first_choice("finance.Fund", "stage")},
    "financing": lambda: {"round": _first_choice("finance.FinancingRequest", "round")},
    "event": lambda: {"kind": "forum"},
    "cooperation": lambda: {
        "kind": _first_choice("lists.Cooperation", "kind"),
        "phase": _first_choice("lists.Cooperation", "phase"),
    },
}


def _first_choice(model_label: str, field: str) -> str:
    from django.apps import apps

    return apps.get_model(model_label)._meta.get_field(field).choices[0][0]


def make_listing(
    type_key: str, *, city: City | str, status: str = "published", title: str = "", **fields: Any
):
    """One record of a catalogue type in a city (slug or City), saved directly (no workflow)."""
    if isinstance(city, str):
        city = City.objects.get(slug=city)
    model = LISTING_TYPES[type_key].model
    n = next(_seq)
    values: dict[str, Any] = {
        **_REQUIRED.get(type_key, dict)(),
        "city": city,
        "status": status,
        "is_sample": True,
    }
    label = title or f"示例{model._meta.verbose_name}{n}"
    if type_key == "organisation":
        values["name"] = label
        values["last_verified_at"] = timezone.now()
    else:
        values["title"] = label
        if status in model.WORKFLOW.public:
            values["published_at"] = timezone.now()
    values.update(fields)
    return model.objects.create(**values)


def ensure_observer_cities() -> list[City]:
    """长宁区 and 杨浦区: Shanghai districts on record that are not alliance members."""
    rows = [("长宁区", "长宁", "changning", 201), ("杨浦区", "杨浦", "yangpu", 202)]
    return [
        City.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short,
                "kind": City.Kind.DISTRICT,
                "province": "上海市",
                "map_name": name,
                "is_member": False,
                "sort_order": order,
            },
        )[0]
        for name, short, slug, order in rows
    ]
