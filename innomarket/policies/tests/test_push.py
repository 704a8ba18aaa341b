"""免申即享: organisations that meet a published, open policy are told once — on publication, on a
change of their figures, or when conditions are confirmed — and never twice."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from innomarket.backoffice.tests.helpers import admin_url, make_policy
from innomarket.common.tests.factories import OrganisationFactory, city, city_admin, member_of
from innomarket.notifications.models import Notification
from innomarket.organisations.models import OrganisationProfile
from innomarket.organisations.services import organisation_profile_update
from innomarket.policies import selectors, services
from innomarket.policies.models import PolicyCondition, PolicyPush
from innomarket.policies.tests.test_conditions_admin import form_data
from innomarket.verification import services as verification

pytestmark = pytest.mark.django_db

FIGURES = {"revenue_wan": Decimal("1500"), "rd_expense_wan": Decimal("90"), "headcount": 60, "tech_staff": 15}


def condition(policy, kind, op, value):
    named = kind in PolicyCondition.NAMED_KINDS
    return PolicyCondition.objects.create(
        policy=policy,
        kind=kind,
        op=op,
        number=None if named else Decimal(str(value)),
        name=value if named else "",
        is_confirmed=True,
    )


@pytest.fixture
def firm():
    org = OrganisationFactory(city=city("nanjing"), name="南京示例软件有限公司")
    OrganisationProfile.objects.create(organisation=org, **FIGURES)
    return org


@pytest.fixture
def member(firm):
    return member_of(firm, username="firm-member")


@pytest.fixture
def admin():
    return city_admin("nanjing", username="nj-push")


def pending_policy(**kwargs):
    values = {
        "status": "submitted",
        "title": "南京市研发投入奖励（测试）",
        "amount_max_wan": Decimal("50"),
        "amount_note": "按研发费用的 10% 奖励",
        "apply_until": timezone.localdate() + dt.timedelta(days=30),
        **kwargs,
    }
    policy = make_policy("nanjing", **values)
    condition(policy, "revenue", ">=", 1000)
    condition(policy, "registered_in", "==", "本市")
    return policy


def pushes_to(user):
    return Notification.objects.filter(recipient=user, kind=services.PUSH_KIND)


def test_publishing_a_policy_tells_the_members_of_each_eligible_organisation_once(
    firm, member, admin, mailoutbox, django_capture_on_commit_callbacks
):
    policy = pending_policy()
    with django_capture_on_commit_callbacks(execute=True):
        verification.listing_verify(actor=admin, record=policy)

    [note] = pushes_to(member)
    assert note.title == "免申即享：贵机构符合“南京市研发投入奖励（测试）”的条件"
    assert (
        "✓ 营业收入 ≥ 1000万元，当前 1500万元" in note.body
        and "支持金额：最高 50 万元（按研发费用的 10% 奖励）" in note.body
    )
    assert note.url.endswith(f"#policy-{policy.pk}") and f"/workspace/o/{firm.pk}/policies/" in note.url
    assert [m.to for m in mailoutbox] == [[member.email]]
    push = PolicyPush.objects.get()
    assert (push.organisation, push.policy, push.trigger, push.recipients) == (firm, policy, "published", 1)

    # Edited, verified again: published a second time, nobody is told twice.
    with django_capture_on_commit_callbacks(execute=True):
        verification.listing_update(actor=admin, record=policy, changed={"summary": "修订"})
        verification.listing_verify(actor=admin, record=policy)
    assert pushes_to(member).count() == 1 and PolicyPush.objects.count() == 1


def test_a_near_miss_an_unknown_and_a_stranger_are_not_pushed(
    firm, member, admin, django_capture_on_commit_callbacks
):
    close = make_policy("nanjing", title="差一点", status="submitted")
    condition(close, "revenue", ">=", 1800)  # 1500 of 1800: a near miss
    unknown = make_policy("nanjing", title="缺数据", status="submitted")
    condition(unknown, "total_assets", ">=", 100)  # not reported
    elsewhere = make_policy("suzhou", title="苏州政策", status="submitted")
    condition(elsewhere, "registered_in", "==", "本市")
    no_conditions = make_policy("nanjing", title="无条件政策", status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        for policy in (close, unknown, no_conditions):
            verification.listing_verify(actor=admin, record=policy)
        verification.listing_verify(actor=city_admin("suzhou", username="sz-push"), record=elsewhere)
    assert not pushes_to(member).exists() and not PolicyPush.objects.exists()


def test_a_closed_policy_is_not_pushed(firm, member):
    expired = pending_policy(title="已截止")
    expired.apply_until = timezone.localdate() - dt.timedelta(days=1)
    expired.status = "published"
    expired.save()
    assert services.policy_push(policy_id=expired.pk) == []
    ended = pending_policy(title="已失效", effective_to=timezone.localdate() - dt.timedelta(days=1))
    ended.status = "published"
    ended.save()
    assert services.policy_push(policy_id=ended.pk) == []
    assert not pushes_to(member).exists()


def test_a_profile_change_that_makes_an_organisation_eligible_pushes_once(
    firm, member, django_capture_on_commit_callbacks
):
    policy = pending_policy()
    condition(policy, "headcount", ">=", 100)  # 60 now
    policy.status = "published"
    policy.save()
    data = {**FIGURES, "headcount": 120, "tech_staff": 15}

    with django_capture_on_commit_callbacks(execute=True):
        organisation_profile_update(actor=member, organisation=firm, data={**FIGURES})
    assert not pushes_to(member).exists()  # still short of 100 staff

    with django_capture_on_commit_callbacks(execute=True):
        organisation_profile_update(actor=member, organisation=firm, data=data)
    with django_capture_on_commit_callbacks(execute=True):
        organisation_profile_update(actor=member, organisation=firm, data={**data, "headcount": 130})

    assert pushes_to(member).count() == 1
    assert PolicyPush.objects.get().trigger == "profile"


def test_confirming_conditions_of_a_published_policy_in_the_back_office_pushes(
    client, firm, member, admin, django_capture_on_commit_callbacks
):
    policy = make_policy("nanjing", status="published", title="已发布后确认条件")
    PolicyCondition.objects.create(policy=policy, kind="revenue", op=">=", number=1000, proposed=True)
    client.force_login(admin)
    data = form_data(client.get(admin_url(policy)))
    data["conditions-0-is_confirmed"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(admin_url(policy), data)
    assert response.status_code == 302
    assert pushes_to(member).count() == 1 and PolicyPush.objects.get().trigger == "conditions"


def test_the_database_allows_one_push_per_organisation_and_policy(firm):
    policy = pending_policy()
    PolicyPush.objects.create(organisation=firm, policy=policy, trigger="published")
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyPush.objects.create(organisation=firm, policy=policy, trigger="profile")


def test_a_pair_pushed_by_a_concurrent_worker_meanwhile_is_skipped_without_a_second_message(
    firm, member, monkeypatch
):
    # Given a worker that judged the pair before another one committed its push …
    policy = pending_policy()
    policy.status = "published"
    policy.save()
    pairs = selectors.eligible_pairs(
        [selectors.pushable_policies().get(pk=policy.pk)], selectors.profiled_organisations()
    )
    assert len(pairs) == 1
    PolicyPush.objects.create(organisation=firm, policy=policy, trigger="profile")
    monkeypatch.setattr(selectors, "eligible_pairs", lambda *a, **k: pairs)

    # … its insert hits the unique row: nothing is sent, nothing fails.
    assert services.policy_push(policy_id=policy.pk) == []
    assert not pushes_to(member).exists()


def test_an_organisation_without_members_is_not_marked_as_told(firm):
    policy = pending_policy()
    policy.status = "published"
    policy.save()
    assert services.policy_push(policy_id=policy.pk) == []
    assert not PolicyPush.objects.exists()
    member = member_of(firm, username="joined-later")
    assert len(services.organisation_policy_push(organisation_id=firm.pk)) == 1
    assert pushes_to(member).count() == 1


def test_eligible_pairs_cost_a_fixed_number_of_queries(django_assert_max_num_queries):
    policy = pending_policy()
    policy.status = "published"
    policy.save()
    for n in range(5):
        org = OrganisationFactory(city=city("nanjing"), name=f"批量企业{n}")
        OrganisationProfile.objects.create(organisation=org, **FIGURES)
    with django_assert_max_num_queries(5):
        pairs = selectors.eligible_pairs(selectors.pushable_policies(), selectors.profiled_organisations())
    assert len(pairs) == 5
