"""The verification queue: scope, filters, ordering and the bulk verify / reject services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils import timezone

from innomarket.common.exceptions import ApplicationError
from innomarket.common.tests.factories import (
    OrganisationFactory,
    UserFactory,
    alliance_admin,
    city,
    city_admin,
    member_of,
)
from innomarket.notifications.models import Notification
from innomarket.regions.tests.helpers import make_listing
from innomarket.verification.queue import (
    QueueFilters,
    parse_keys,
    queue_city,
    queue_reject,
    queue_verify,
    verification_queue,
)
from innomarket.verification.selectors import status_events_for

pytestmark = pytest.mark.django_db


def submitted(type_key, slug="nanjing", owner=None, **fields):
    if type_key == "organisation":
        return make_listing("organisation", city=slug, status="submitted", last_verified_at=None, **fields)
    owner = owner or OrganisationFactory(city=city(slug))
    return make_listing(type_key, city=slug, status="submitted", owner=owner, **fields)


def keys(page):
    return [row.key for row in page.rows]


def test_city_admin_queue_is_their_city_across_kinds():
    nanjing = [submitted("policy"), submitted("space"), submitted("event"), submitted("organisation")]
    submitted("policy", "suzhou")
    make_listing("policy", city="nanjing", status="published")  # not waiting
    admin = city_admin("nanjing")

    scope = queue_city(actor=admin)
    page = verification_queue(filters=QueueFilters(city=scope))

    assert scope == city("nanjing")
    expected = {f"{r._meta.model_name}:{r.pk}" for r in nanjing}
    found = {f"{row.record._meta.model_name}:{row.record.pk}" for row in page.rows}
    assert found == expected
    assert page.counts["policy"] == 1 and page.counts["organisation"] == 1


def test_city_admin_cannot_open_another_city_and_others_are_refused():
    with pytest.raises(Http404):
        queue_city(actor=city_admin("nanjing"), slug="suzhou")
    assert queue_city(actor=city_admin("suzhou"), slug="suzhou") == city("suzhou")
    with pytest.raises(DjangoPermissionDenied):
        queue_city(actor=UserFactory(is_staff=True))
    alliance = alliance_admin()
    assert queue_city(actor=alliance) is None
    assert queue_city(actor=alliance, slug="wuxi") == city("wuxi")
    with pytest.raises(Http404):
        queue_city(actor=alliance, slug="atlantis")


def test_alliance_admin_sees_every_city_oldest_first():
    first = submitted("policy", "suzhou")
    second = submitted("expert", "nanjing")
    third = submitted("organisation", "wuxi")
    now = timezone.now()
    for record, days in ((first, 9), (second, 5), (third, 1)):
        type(record).objects.filter(pk=record.pk).update(updated_at=now - dt.timedelta(days=days))

    page = verification_queue(filters=QueueFilters(), now=now)

    assert [row.record.pk for row in page.rows] == [first.pk, second.pk, third.pk]
    assert [row.waiting_days for row in page.rows] == [9, 5, 1]


def test_filters_kind_source_text_and_dates():
    nanjing = city("nanjing")
    ai_policy = f"policy:{submitted('policy', title='人工智能十条').pk}"
    imported = f"space:{submitted('space', title='人工智能孵化器', source='import').pk}"
    old = submitted("event", title="数字经济论坛")
    old_event = f"event:{old.pk}"
    org = f"organisation:{submitted('organisation', name='人工智能研究院').pk}"
    now = timezone.now()
    type(old).objects.filter(pk=old.pk).update(updated_at=now - dt.timedelta(days=40))

    def found(**kwargs):
        return set(keys(verification_queue(filters=QueueFilters(city=nanjing, **kwargs))))

    assert found(kind="policy") == {ai_policy}
    assert found(source="import") == {imported}
    assert found(q="人工智能") == {ai_policy, imported, org}
    today = timezone.localdate()
    assert found(submitted_to=today - dt.timedelta(days=30)) == {old_event}
    assert found(submitted_from=today - dt.timedelta(days=2)) == {ai_policy, imported, org}
    assert found(submitted_from=today, submitted_to=today, q="人工智能", kind="space") == {imported}


def test_submitted_date_is_the_latest_submission_event():
    owner = OrganisationFactory(city=city("nanjing"))
    member = member_of(owner)
    from innomarket.verification.services import listing_submit

    record = make_listing("policy", city="nanjing", owner=owner, status="draft")
    listing_submit(actor=member, record=record)
    event = status_events_for(record).first()

    [row] = verification_queue(filters=QueueFilters(city=city("nanjing"))).rows
    assert row.submitted_at == event.created_at


def test_pagination():
    for n in range(7):
        submitted("event", title=f"活动{n}")
    first = verification_queue(filters=QueueFilters(), per_page=5)
    second = verification_queue(filters=QueueFilters(), page=2, per_page=5)
    assert first.total == 7 and len(first.rows) == 5 and len(second.rows) == 2
    assert not set(keys(first)) & set(keys(second))


def test_bulk_verify_reports_per_row_failures_and_notifies_submitters():
    nanjing = city("nanjing")
    owner = OrganisationFactory(city=nanjing)
    member = member_of(owner, username="owner-member")
    creator = UserFactory(username="creator")
    good = submitted("policy", owner=owner, title="算力券政策", created_by=creator)
    pending_owner = OrganisationFactory(city=nanjing, status="submitted", name="待核验机构")
    blocked = submitted("space", owner=pending_owner, title="孵化器A")
    suzhou = submitted("policy", "suzhou", title="苏州政策")
    admin = city_admin("nanjing")

    outcome = queue_verify(
        actor=admin, keys=[f"policy:{good.pk}", f"space:{blocked.pk}", f"policy:{suzhou.pk}", "nonsense"]
    )

    assert outcome.done == ["算力券政策"]
    failures = dict(outcome.failures)
    assert failures["孵化器A"].startswith("发布机构“待核验机构”尚未通过核验")
    assert failures[f"政策 #{suzhou.pk}"] == "记录不存在，或不属于您管理的城市。"
    assert "nonsense" in failures
    good.refresh_from_db()
    blocked.refresh_from_db()
    suzhou.refresh_from_db()
    assert (good.status, blocked.status, suzhou.status) == ("published", "submitted", "submitted")
    assert status_events_for(good).first().actor == admin
    notes = Notification.objects.filter(kind="listing_verified", object_id=good.pk)
    assert {n.recipient for n in notes} == {member, creator}
    assert all("已核验通过" in n.title for n in notes)
    assert Notification.objects.filter(kind__startswith="listing_").count() == 2  # nothing for the others


def test_organisation_and_its_listing_verified_together():
    nanjing = city("nanjing")
    org = OrganisationFactory(city=nanjing, status="submitted", name="新登记机构")
    listing = submitted("achievement", owner=org, title="新成果")
    outcome = queue_verify(
        actor=city_admin("nanjing"), keys=[f"achievement:{listing.pk}", f"organisation:{org.pk}"]
    )
    assert outcome.failures == [] and outcome.done == ["新登记机构", "新成果"]


def test_bulk_reject_needs_a_reason_and_notifies_with_it():
    owner = OrganisationFactory(city=city("nanjing"))
    member = member_of(owner)
    records = [submitted("policy", owner=owner, title=f"政策{n}") for n in range(2)]
    admin = city_admin("nanjing")
    keys_ = [f"policy:{r.pk}" for r in records]

    with pytest.raises(ApplicationError) as error:
        queue_reject(actor=admin, keys=keys_, reason="  ")
    assert error.value.code == "reason_required"
    assert {r.status for r in type(records[0]).objects.filter(pk__in=[r.pk for r in records])} == {
        "submitted"
    }

    outcome = queue_reject(actor=admin, keys=keys_, reason="请补充政策原文链接")

    assert sorted(outcome.done) == ["政策0", "政策1"] and outcome.failures == []
    for record in records:
        record.refresh_from_db()
        assert (record.status, record.status_reason) == ("rejected", "请补充政策原文链接")
        [note] = Notification.objects.filter(kind="listing_rejected", object_id=record.pk)
        assert note.recipient == member
        assert note.title.endswith("被退回：请补充政策原文链接")


def test_challenges_are_notified_by_their_own_app_only_once():
    owner = OrganisationFactory(city=city("nanjing"))
    member_of(owner)
    challenge = submitted("challenge", owner=owner, title="高精度视觉检测难题")
    queue_reject(actor=city_admin("nanjing"), keys=[f"challenge:{challenge.pk}"], reason="请补充预算")
    kinds = list(Notification.objects.filter(object_id=challenge.pk).values_list("kind", flat=True))
    assert kinds == ["challenge_returned"]


def test_parse_keys_puts_organisations_first_and_drops_repeats():
    parsed, bad = parse_keys(["policy:3", "organisation:9", "policy:3", "x:1", "policy:abc"])
    assert parsed == [("organisation", 9), ("policy", 3)]
    assert bad == ["x:1", "policy:abc"]
