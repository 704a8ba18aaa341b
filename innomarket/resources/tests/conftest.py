"""A small 资源共享 world: a university in 南京 shares an electron microscope; an enterprise in 常州 books it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from innomarket.common.tests.factories import OrganisationFactory, city, city_admin, member_of
from innomarket.organisations.models import Organisation
from innomarket.regions.tests.helpers import make_listing
from innomarket.resources import availability as av
from innomarket.resources import services
from innomarket.resources.models import BookableResource, Booking, Instrument


def working_day(after: int) -> dt.date:
    """The ``after``-th working day after today."""
    return av.add_working_days(timezone.localdate(), after)


def period(day: dt.date, start: str, end: str) -> tuple[dt.datetime, dt.datetime]:
    return av.at(day, dt.time.fromisoformat(start)), av.at(day, dt.time.fromisoformat(end))


@dataclass
class World:
    owner: Organisation
    owner_user: Any
    requester: Organisation
    requester_user: Any
    other: Organisation
    other_user: Any
    admin: Any  # 南京 city administrator
    outsider: Any
    instrument: Instrument
    bookable: BookableResource

    def request(
        self,
        day: dt.date | None = None,
        start: str = "09:00",
        end: str = "12:00",
        *,
        who: str = "requester",
        **extra: Any,
    ) -> Booking:
        user, organisation = (
            (self.requester_user, self.requester) if who == "requester" else (self.other_user, self.other)
        )
        starts_at, ends_at = period(day or working_day(3), start, end)
        values = {
            "purpose": "观察锂电池正极材料颗粒形貌，放大倍数 5 万倍。",
            "contact": "测试联系人",
            "samples": "正极粉末样品 3 份，无毒。",
            **extra,
        }
        return services.booking_request(
            actor=user,
            bookable=self.bookable,
            organisation=organisation,
            starts_at=starts_at,
            ends_at=ends_at,
            **values,
        )


@pytest.fixture
def world(db) -> World:
    owner = OrganisationFactory(name="南京某大学", kind=Organisation.Kind.UNIVERSITY, city=city("nanjing"))
    requester = OrganisationFactory(name="常州某新材料有限公司", city=city("changzhou"))
    other = OrganisationFactory(name="无锡某电池有限公司", city=city("wuxi"))
    owner_user = member_of(owner, username="owner1")
    instrument = make_listing(
        "instrument",
        city="nanjing",
        title="场发射扫描电子显微镜",
        owner=owner,
        is_sample=False,
        booking_rules="提前2个工作日线上预约。",
        accepts_vouchers=True,
    )
    bookable = services.bookable_configure(
        actor=owner_user,
        resource=instrument,
        data={
            "unit": "hour",
            "weekdays": "12345",
            "opens_at": dt.time(9, 0),
            "closes_at": dt.time(17, 0),
            "lead_days": 2,
            "horizon_days": 60,
            "price": 300,
        },
    )
    return World(
        owner=owner,
        owner_user=owner_user,
        requester=requester,
        requester_user=member_of(requester, username="req1"),
        other=other,
        other_user=member_of(other, username="other1"),
        admin=city_admin("nanjing", username="njadmin"),
        outsider=member_of(OrganisationFactory(name="苏州某公司", city=city("suzhou")), username="outsider"),
        instrument=instrument,
        bookable=bookable,
    )
