"""Searching the audit log: scoped by role and city, filtered by text, actor, model, city and date."""

import datetime

import pytest
from django.utils import timezone

from innomarket import audit
from innomarket.audit.models import AuditEntry
from innomarket.audit.selectors import history_for, search
from innomarket.common.tests import factories as f
from innomarket.organisations.models import Organisation
from innomarket.policies.models import Policy
from innomarket.regions.tests.helpers import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(nanjing_admin, suzhou_admin):
    with audit.actor(nanjing_admin):
        nanjing = make_listing("policy", city="nanjing", title="南京算力券政策")
    with audit.actor(suzhou_admin):
        suzhou = make_listing("policy", city="suzhou", title="苏州科创十条")
        suzhou.summary = "支持人工智能企业"
        suzhou.save()
    return nanjing, suzhou


def test_alliance_admin_sees_every_city(alliance, entries):
    nanjing, suzhou = entries
    found = search(alliance)
    assert {e.object_id for e in found} >= {nanjing.pk, suzhou.pk}


def test_city_admin_sees_only_own_city(nanjing_admin, entries):
    nanjing, suzhou = entries
    found = list(search(nanjing_admin))
    assert found and {e.city.slug for e in found} == {"nanjing"}
    assert not search(nanjing_admin, city=f.city("suzhou")).exists()


def test_others_see_nothing(entries, org):
    member = f.member_of(org)
    assert not search(member).exists()
    assert not search(f.UserFactory()).exists()
    from django.contrib.auth.models import AnonymousUser

    assert not search(AnonymousUser()).exists()


def test_filters(alliance, suzhou_admin, entries):
    nanjing, suzhou = entries
    assert [e.object_id for e in search(alliance, q="人工智能")] == [suzhou.pk]
    assert {e.object_id for e in search(alliance, q="苏州科创")} == {suzhou.pk}
    assert {e.object_id for e in search(alliance, actor=suzhou_admin)} == {suzhou.pk}
    assert {e.object_id for e in search(alliance, actor="苏州管理员")} == {suzhou.pk}
    assert {e.object_id for e in search(alliance, model=Policy, city=f.city("nanjing"))} == {nanjing.pk}
    assert search(alliance, model="policies.Policy").count() == 3
    assert (
        not search(alliance, model=Organisation)
        .filter(object_id=nanjing.pk, content_type__model="policy")
        .exists()
    )
    assert [e.action for e in search(alliance, model="policies.policy", q="人工智能")] == ["update"]


def test_date_range_includes_both_days(alliance, entries):
    nanjing, _ = entries
    old = history_for(nanjing).get()
    AuditEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=10))
    today = timezone.localdate()

    assert nanjing.pk not in {e.object_id for e in search(alliance, date_from=today)}
    assert nanjing.pk in {e.object_id for e in search(alliance, date_to=today - datetime.timedelta(days=10))}
    assert nanjing.pk in {
        e.object_id for e in search(alliance, date_from=today - datetime.timedelta(days=10), date_to=today)
    }
