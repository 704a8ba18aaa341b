"""One small world for the API tests: two organisations in two cities, a public and a private record of
every listing type, the six roles and their tokens, and an enquiry between the organisations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import caches

from innomarket.api.models import CITY_SCOPES, ORGANISATION_SCOPES
from innomarket.api.services import api_token_issue
from innomarket.catalog import LISTING_TYPES
from innomarket.common.tests.factories import (
    OrganisationFactory,
    UserFactory,
    alliance_admin,
    city,
    city_admin,
    field_tag,
    member_of,
)
from innomarket.enquiries.services import enquiry_submit
from innomarket.regions.tests.helpers import make_listing

# Text that only private data carries: no API answer to anyone may contain it.
PRIVATE = "不应公开"
CONFIDENTIAL = "榜单机密内容"
PHONE = "13912345678"


@dataclass
class World:
    org_a: Any
    org_b: Any
    users: dict[str, Any]
    keys: dict[str, str]  # role → bearer key ("visitor" has none)
    public: dict[str, Any] = field(default_factory=dict)  # type key → public record of org A in 南京
    public_b: dict[str, Any] = field(default_factory=dict)  # type key → public record of org B in 无锡
    private: dict[str, list[Any]] = field(default_factory=dict)
    enquiry_b_to_a: Any = None

    def headers(self, role: str) -> dict[str, str]:
        key = self.keys.get(role)
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}


ROLES = ("visitor", "member_a", "member_b", "admin_x", "admin_y", "alliance")


def _records(type_key: str, city_slug: str, owner: Any, label: str) -> Any:
    extra: dict[str, Any] = {}
    model = LISTING_TYPES[type_key].model
    if type_key == "organisation":
        return owner
    if any(f.name == "owner" for f in model._meta.get_fields()):
        extra["owner"] = owner
    if type_key == "challenge":
        extra.update(
            problem_statement=CONFIDENTIAL, indicators=CONFIDENTIAL, acceptance_criteria=CONFIDENTIAL
        )
    if type_key in ("expert", "techmanager"):
        extra["summary"] = f"联系电话 {PHONE}，欢迎合作。"
    return make_listing(type_key, city=city_slug, title=f"{label}{model._meta.verbose_name}", **extra)


@pytest.fixture(autouse=True)
def _generous_rates(settings):
    """The matrix makes hundreds of calls a minute; the rate-limit tests set their own small rates."""
    settings.INNOMARKET_API = {
        **settings.INNOMARKET_API,
        "RATE_TOKEN": "100000/min",
        "RATE_ANONYMOUS": "100000/min",
    }


@pytest.fixture(autouse=True)
def _clear_rate_counts():
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def world(db) -> World:
    org_a = OrganisationFactory(name="甲科技公司", city=city("nanjing"))
    org_b = OrganisationFactory(name="乙研究院", city=city("wuxi"))
    users = {
        "member_a": member_of(org_a, username="member-a"),
        "member_b": member_of(org_b, username="member-b"),
        "admin_x": city_admin("nanjing", username="admin-x"),
        "admin_y": city_admin("wuxi", username="admin-y"),
        "alliance": alliance_admin(username="alliance"),
        "outsider": UserFactory(username="outsider"),
    }
    keys = {
        "member_a": api_token_issue(
            actor=users["member_a"], name="甲的系统", organisation=org_a, scopes=ORGANISATION_SCOPES
        )[1],
        "member_b": api_token_issue(
            actor=users["member_b"], name="乙的系统", organisation=org_b, scopes=ORGANISATION_SCOPES
        )[1],
        "admin_x": api_token_issue(
            actor=users["admin_x"], name="南京平台", city=city("nanjing"), scopes=CITY_SCOPES
        )[1],
        "admin_y": api_token_issue(
            actor=users["admin_y"], name="无锡平台", city=city("wuxi"), scopes=CITY_SCOPES
        )[1],
        "alliance": api_token_issue(
            actor=users["alliance"], name="联盟平台", city=city("suzhou"), scopes=CITY_SCOPES
        )[1],
    }
    world = World(org_a=org_a, org_b=org_b, users=users, keys=keys)
    org_private = OrganisationFactory(name=f"{PRIVATE}的草稿机构", city=city("nanjing"), status="submitted")
    for type_key in LISTING_TYPES:
        world.public[type_key] = _records(type_key, "nanjing", org_a, "甲公开")
        world.public[type_key].fields.add(field_tag("ai"))
        world.public_b[type_key] = _records(type_key, "wuxi", org_b, "乙公开")
        if type_key == "organisation":
            world.private[type_key] = [org_private]
            continue
        model = LISTING_TYPES[type_key].model
        world.private[type_key] = [
            make_listing(type_key, city="nanjing", title=f"{PRIVATE}{status}", status=status, owner=org_a)
            if any(f.name == "owner" for f in model._meta.get_fields())
            else make_listing(type_key, city="nanjing", title=f"{PRIVATE}{status}", status=status)
            for status in ("draft", model.WORKFLOW.submitted, model.WORKFLOW.rejected)
        ]
    world.enquiry_b_to_a = enquiry_submit(
        actor=users["member_b"],
        record=world.public["achievement"],
        subject="乙问甲的成果",
        message="请介绍许可条件。",
        author_organisation=org_b,
    )
    return world
