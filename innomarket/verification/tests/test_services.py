"""The verification workflow services: transitions, permissions and the event each one leaves."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from innomarket.challenges.models import Challenge
from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.common.tests import factories as f
from innomarket.policies.models import Policy
from innomarket.verification import services
from innomarket.verification.models import StatusEvent
from innomarket.verification.selectors import status_events_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return f.OrganisationFactory(city=f.city("nanjing"))


@pytest.fixture
def member(org):
    return f.member_of(org)


@pytest.fixture
def admin():
    return f.city_admin("nanjing")


def new_policy(org, **kwargs):
    values = {"title": "南京市科技创新券实施细则", "issuer": "南京市科学技术局", "support_type": "funding"}
    values.update(kwargs)
    return Policy(owner=org, city=org.city, **values)


def make(org, actor, status="draft", admin=None):
    """A policy brought to ``status`` through the services."""
    record = services.listing_create(actor=actor, record=new_policy(org))
    if status == "draft":
        return record
    record = services.listing_submit(actor=actor, record=record)
    if status == "submitted":
        return record
    admin = admin or f.city_admin(org.city.slug)
    if status == "rejected":
        return services.listing_reject(actor=admin, record=record, reason="请补充文号")
    record = services.listing_verify(actor=admin, record=record)
    if status == "published":
        return record
    if status == "archived":
        return services.listing_archive(actor=actor, record=record)
    if status == "expired":
        return services.listing_expire(record=record)
    raise AssertionError(status)


def events(record):
    return list(status_events_for(record))


def assert_one_new_event(record, before, *, actor, from_status, to_status, reason=""):
    after = events(record)
    assert len(after) == before + 1
    latest = after[0]
    assert latest.actor == actor
    assert (latest.from_status, latest.to_status, latest.reason) == (from_status, to_status, reason)


# ------------------------------------------------------------------ create and update


def test_create_starts_as_a_draft_from_the_form_with_one_event(org, member):
    record = services.listing_create(
        actor=member, record=new_policy(org), m2m={"fields": [f.field_tag("ai")]}
    )
    record.refresh_from_db()
    assert record.status == "draft"
    assert record.source == "form"
    assert record.created_by == member
    assert list(record.fields.values_list("slug", flat=True)) == ["ai"]
    (event,) = events(record)
    assert (event.actor, event.from_status, event.to_status) == (member, "", "draft")


def test_create_with_submit_sends_it_for_verification(org, member):
    record = services.listing_create(actor=member, record=new_policy(org), submit=True)
    assert record.status == "submitted"
    assert [e.to_status for e in events(record)] == ["submitted", "draft"]


def test_create_for_another_organisation_is_denied(org):
    outsider = f.member_of(f.OrganisationFactory())
    with pytest.raises(PermissionDenied):
        services.listing_create(actor=outsider, record=new_policy(org))
    assert not Policy.objects.exists()
    assert not StatusEvent.objects.exists()


def test_create_validates_the_model(org, member):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.listing_create(actor=member, record=new_policy(org, issuer=""))
    assert not Policy.objects.exists()


def test_update_of_a_draft_keeps_it_a_draft_without_an_event(org, member):
    record = make(org, member)
    before = len(events(record))
    record = services.listing_update(actor=member, record=record, changed={"title": "新标题"})
    assert (record.status, record.title) == ("draft", "新标题")
    assert len(events(record)) == before


def test_update_with_submit_sends_a_draft_for_verification(org, member):
    record = make(org, member)
    before = len(events(record))
    record = services.listing_update(actor=member, record=record, changed={"title": "新标题"}, submit=True)
    assert record.status == "submitted"
    assert_one_new_event(record, before, actor=member, from_status="draft", to_status="submitted")


def test_update_of_a_published_listing_returns_it_to_verification(org, member, admin):
    record = make(org, member, "published", admin=admin)
    before = len(events(record))
    record = services.listing_update(
        actor=member, record=record, changed={"title": "修订版"}, m2m={"fields": [f.field_tag("ic")]}
    )
    record.refresh_from_db()
    assert (record.status, record.title) == ("submitted", "修订版")
    assert list(record.fields.values_list("slug", flat=True)) == ["ic"]
    assert_one_new_event(
        record,
        before,
        actor=member,
        from_status="published",
        to_status="submitted",
        reason="内容已修改，重新提交核验",
    )


def test_update_by_a_member_of_another_organisation_is_denied(org, member):
    record = make(org, member)
    with pytest.raises(PermissionDenied):
        services.listing_update(
            actor=f.member_of(f.OrganisationFactory()), record=record, changed={"title": "x"}
        )
    record.refresh_from_db()
    assert record.title == "南京市科技创新券实施细则"


# ------------------------------------------------------------------ submit / withdraw


def test_submit_a_draft(org, member):
    record = make(org, member)
    before = len(events(record))
    record = services.listing_submit(actor=member, record=record)
    assert record.status == "submitted"
    assert_one_new_event(record, before, actor=member, from_status="draft", to_status="submitted")


def test_resubmit_a_rejected_listing(org, member, admin):
    record = make(org, member, "rejected", admin=admin)
    before = len(events(record))
    record = services.listing_submit(actor=member, record=record)
    assert record.status == "submitted"
    assert_one_new_event(record, before, actor=member, from_status="rejected", to_status="submitted")


def test_withdraw_a_submitted_listing(org, member):
    record = make(org, member, "submitted")
    before = len(events(record))
    record = services.listing_withdraw(actor=member, record=record)
    assert record.status == "draft"
    assert_one_new_event(record, before, actor=member, from_status="submitted", to_status="draft")


def test_submit_by_an_outsider_is_denied_and_changes_nothing(org, member):
    record = make(org, member)
    before = len(events(record))
    for outsider in (f.member_of(f.OrganisationFactory()), f.city_admin("suzhou"), AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.listing_submit(actor=outsider, record=record)
    record.refresh_from_db()
    assert record.status == "draft"
    assert len(events(record)) == before


# ------------------------------------------------------------------ verify / reject


def test_city_admin_verifies_a_submitted_listing(org, member, admin):
    record = make(org, member, "submitted")
    before = len(events(record))
    record = services.listing_verify(actor=admin, record=record, note="材料齐全")
    record.refresh_from_db()
    assert record.status == "published"
    assert record.published_at is not None and record.last_verified_at is not None
    assert record.is_public
    assert_one_new_event(
        record, before, actor=admin, from_status="submitted", to_status="published", reason="材料齐全"
    )


def test_alliance_admin_verifies_any_city(org, member):
    record = make(org, member, "submitted")
    assert services.listing_verify(actor=f.alliance_admin(), record=record).status == "published"


def test_city_admin_of_another_city_cannot_verify_or_reject(org, member):
    record = make(org, member, "submitted")
    before = len(events(record))
    other = f.city_admin("suzhou")
    with pytest.raises(PermissionDenied):
        services.listing_verify(actor=other, record=record)
    with pytest.raises(PermissionDenied):
        services.listing_reject(actor=other, record=record, reason="不属于本市")
    record.refresh_from_db()
    assert record.status == "submitted"
    assert len(events(record)) == before


def test_members_cannot_verify_their_own_listing(org, member):
    record = make(org, member, "submitted")
    with pytest.raises(PermissionDenied):
        services.listing_verify(actor=member, record=record)


def test_verify_is_refused_while_the_owner_organisation_is_unverified(member, admin):
    org = f.OrganisationFactory(city=f.city("nanjing"), status="submitted", last_verified_at=None)
    member = f.member_of(org)
    record = make(org, member, "submitted")
    before = len(events(record))
    with pytest.raises(ApplicationError) as exc:
        services.listing_verify(actor=admin, record=record)
    assert exc.value.code == ErrorCode.ORGANISATION_NOT_VERIFIED
    record.refresh_from_db()
    assert record.status == "submitted"
    assert len(events(record)) == before


def test_reject_with_a_reason(org, member, admin):
    record = make(org, member, "submitted")
    before = len(events(record))
    record = services.listing_reject(actor=admin, record=record, reason="  请补充政策文号  ")
    record.refresh_from_db()
    assert record.status == "rejected"
    assert record.status_reason == "请补充政策文号"
    assert_one_new_event(
        record, before, actor=admin, from_status="submitted", to_status="rejected", reason="请补充政策文号"
    )


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reject_without_a_reason_is_refused_and_changes_nothing(org, member, admin, reason):
    record = make(org, member, "submitted")
    before = len(events(record))
    with pytest.raises(ApplicationError) as exc:
        services.listing_reject(actor=admin, record=record, reason=reason)
    assert exc.value.code == ErrorCode.REASON_REQUIRED
    record.refresh_from_db()
    assert (record.status, record.status_reason) == ("submitted", "")
    assert len(events(record)) == before


def test_verify_after_a_rejection_clears_the_reason(org, member, admin):
    record = make(org, member, "rejected", admin=admin)
    record = services.listing_submit(actor=member, record=record)
    record = services.listing_verify(actor=admin, record=record)
    record.refresh_from_db()
    assert (record.status, record.status_reason) == ("published", "")


def test_a_challenge_is_returned_rather_than_rejected(org, member, admin):
    challenge = services.listing_create(
        actor=member,
        record=Challenge(
            owner=org,
            city=org.city,
            title="高精度传感器国产化",
            problem_statement="进口压力传感器交期长、价格高，需要精度 0.1%FS 的国产替代方案并通过车规验证。",
            acceptance_criteria="第三方检测报告确认精度≤0.1%FS，-40～125℃ 温漂≤0.02%FS/℃。",
            deadline=timezone.localdate() + datetime.timedelta(days=60),
        ),
        submit=True,
    )
    challenge = services.listing_reject(actor=admin, record=challenge, reason="请补充技术指标")
    assert challenge.status == "returned"
    assert events(challenge)[0].to_status == "returned"


# ------------------------------------------------------------------ archive / expire


def test_member_archives_a_published_listing_without_a_reason(org, member, admin):
    record = make(org, member, "published", admin=admin)
    before = len(events(record))
    record = services.listing_archive(actor=member, record=record)
    assert record.status == "archived"
    assert_one_new_event(record, before, actor=member, from_status="published", to_status="archived")


def test_city_admin_archives_only_with_a_reason(org, member, admin):
    record = make(org, member, "published", admin=admin)
    before = len(events(record))
    with pytest.raises(ApplicationError) as exc:
        services.listing_archive(actor=admin, record=record)
    assert exc.value.code == ErrorCode.REASON_REQUIRED
    assert len(events(record)) == before
    record = services.listing_archive(actor=admin, record=record, reason="政策已废止")
    record.refresh_from_db()
    assert (record.status, record.status_reason) == ("archived", "政策已废止")
    assert_one_new_event(
        record, before, actor=admin, from_status="published", to_status="archived", reason="政策已废止"
    )


def test_archived_listing_can_be_resubmitted(org, member, admin):
    record = make(org, member, "archived", admin=admin)
    assert services.listing_submit(actor=member, record=record).status == "submitted"


def test_expire_a_published_listing(org, member, admin):
    record = make(org, member, "published", admin=admin)
    before = len(events(record))
    record = services.listing_expire(record=record, reason="有效期届满")
    assert record.status == "expired"
    assert_one_new_event(
        record, before, actor=None, from_status="published", to_status="expired", reason="有效期届满"
    )


# ------------------------------------------------------------------ invalid transitions


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("draft", "withdraw"),
        ("draft", "verify"),
        ("draft", "reject"),
        ("draft", "archive"),
        ("submitted", "submit"),
        ("submitted", "archive"),
        ("published", "verify"),
        ("published", "withdraw"),
        ("published", "reject"),
        ("rejected", "verify"),
        ("rejected", "archive"),
        ("archived", "withdraw"),
        ("archived", "verify"),
        ("expired", "verify"),
    ],
)
def test_invalid_transitions_raise_and_change_nothing(org, member, admin, status, action):
    record = make(org, member, status, admin=admin)
    before = len(events(record))
    calls = {
        "submit": lambda: services.listing_submit(actor=member, record=record),
        "withdraw": lambda: services.listing_withdraw(actor=member, record=record),
        "verify": lambda: services.listing_verify(actor=admin, record=record),
        "reject": lambda: services.listing_reject(actor=admin, record=record, reason="理由"),
        "archive": lambda: services.listing_archive(actor=member, record=record),
    }
    with pytest.raises(ApplicationError) as exc:
        calls[action]()
    assert exc.value.code == ErrorCode.INVALID_TRANSITION
    record.refresh_from_db()
    assert record.status == status
    assert len(events(record)) == before


def test_can_edit_covers_members_and_their_city_admin(org, member):
    record = make(org, member)
    assert services.can_edit(member, record)
    assert services.can_edit(f.city_admin("nanjing"), record)
    assert services.can_edit(member, org)
    assert not services.can_edit(f.city_admin("suzhou"), record)
    assert not services.can_edit(f.member_of(f.OrganisationFactory()), record)


@pytest.mark.django_db
def test_system_reasons_are_stored_in_the_source_language_and_translated_when_shown():
    from django.utils import translation

    from innomarket.common.tests.factories import OrganisationFactory, member_of
    from innomarket.policies.models import Policy
    from innomarket.verification.models import REASON_CREATED
    from innomarket.verification.selectors import status_events_for

    organisation = OrganisationFactory()
    actor = member_of(organisation)
    with translation.override("en"):
        policy = services.listing_create(
            actor=actor,
            record=Policy(
                owner=organisation,
                city=organisation.city,
                title="政策",
                issuer="某委",
                support_type="funding",
            ),
        )
    event = status_events_for(policy).get()
    assert event.reason == REASON_CREATED
    with translation.override("en"):
        assert event.reason_display == "Created"
    with translation.override("zh-hans"):
        assert event.reason_display == "创建"
