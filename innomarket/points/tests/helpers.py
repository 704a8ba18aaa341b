"""Shared set-up of the 创新积分 tests: enterprises with 经营数据 in several cities, a bank."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from innomarket.common.tests.factories import OrganisationFactory, city
from innomarket.organisations.models import Organisation, OrganisationProfile

# (city, revenue, previous revenue, R&D expense, R&D staff, headcount, invention patents, class-1 IP)
FIGURES = [
    ("nanjing", 12000, 9000, 900, 60, 300, 12, 15),
    ("nanjing", 3000, 3100, 120, 12, 80, 2, 3),
    ("nanjing", 800, 600, None, None, 40, 0, 0),
    ("suzhou", 20000, 15000, 2500, 150, 600, 30, 40),
    ("suzhou", 1500, 1200, 90, 8, 50, 1, 1),
    ("wuxi", 5000, 4000, 400, 40, 200, 5, 6),
]


def enterprise(city_slug: str = "nanjing", **profile: Any) -> Organisation:
    organisation = OrganisationFactory(city=city(city_slug), kind=Organisation.Kind.ENTERPRISE)
    OrganisationProfile.objects.create(organisation=organisation, year=2025, **profile)
    return organisation


def population() -> list[Organisation]:
    firms = []
    for slug, revenue, previous, rd, rd_staff, headcount, inventions, class1 in FIGURES:
        firms.append(
            enterprise(
                slug,
                revenue_wan=Decimal(revenue),
                revenue_prev_wan=Decimal(previous),
                rd_expense_wan=None if rd is None else Decimal(rd),
                rd_staff=rd_staff,
                headcount=headcount,
                ip_total=inventions + class1,
                invention_patents=inventions,
                class1_ip=class1,
            )
        )
    return firms


def bank(city_slug: str = "nanjing", **kwargs: Any) -> Organisation:
    kwargs.setdefault("kind", Organisation.Kind.BANK)
    return OrganisationFactory(city=city(city_slug), **kwargs)
