"""Fixtures of 活动报名: an organisation's upcoming event with three seats, and people to register."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from innomarket.common.tests.factories import OrganisationFactory, UserFactory, city, member_of
from innomarket.events.models import Event


def make_event(owner, **kwargs) -> Event:
    start = timezone.now() + dt.timedelta(days=10)
    values = {
        "title": "智能制造供需对接会",
        "owner": owner,
        "city": owner.city,
        "status": "published",
        "published_at": timezone.now(),
        "kind": Event.Kind.MATCHMAKING,
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=3),
        "venue": "某科技园报告厅",
        "takes_registrations": True,
        "capacity": 3,
    }
    values.update(kwargs)
    return Event.objects.create(**values)


@pytest.fixture
def events(db, settings) -> SimpleNamespace:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    org = OrganisationFactory(name="常州某科技园", city=city("changzhou"))
    organiser = member_of(org, username="organiser", name="主办方甲")
    people = [UserFactory(username=f"p{n}", name=f"参会人{n}") for n in range(1, 6)]
    outsider = member_of(OrganisationFactory(name="南京某公司"), username="outsider")
    return SimpleNamespace(
        org=org, organiser=organiser, people=people, outsider=outsider, event=make_event(org)
    )
