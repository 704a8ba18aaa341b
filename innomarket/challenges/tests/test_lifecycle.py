"""The 揭榜挂帅 state machines through their services: every legal step, and illegal ones refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from innomarket.challenges import services
from innomarket.challenges.milestones import milestone_accept, milestone_report
from innomarket.challenges.models import (
    BID_WORKFLOW,
    CHALLENGE_WORKFLOW,
    Bid,
    BrokerLedgerEntry,
    Challenge,
    EvaluatorAssignment,
    Review,
    TermsAcceptance,
)
from innomarket.common.choices import Phase
from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.common.tests.factories import OrganisationFactory, city, member_of
from innomarket.lists.models import Cooperation
from innomarket.notifications.models import Notification
from innomarket.verification import services as verification
from innomarket.verification.models import StatusEvent
from innomarket.verification.services import transition

from .conftest import COMPLETE_CHALLENGE

pytestmark = pytest.mark.django_db


def kinds_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def events_for(record) -> list[tuple[str, str]]:
    return [
        (e.from_status, e.to_status)
        for e in StatusEvent.objects.filter(
            object_id=record.pk, content_type__model=type(record)._meta.model_name
        ).order_by("id")
    ]


# ---------------------------------------------------------------- the tables themselves


ALL_CHALLENGE = [s for s, _ in Challenge._meta.get_field("status").choices]
ALL_BID = list(Bid.Status.values)


@pytest.mark.parametrize(
    "from_status,to_status",
    [(a, b) for a in ALL_CHALLENGE for b in ALL_CHALLENGE if a != b and not CHALLENGE_WORKFLOW.allows(a, b)],
)
def test_every_illegal_challenge_transition_is_refused(world, from_status, to_status):
    challenge = world.challenge(status=from_status)
    with pytest.raises(ApplicationError) as err:
        transition(record=challenge, actor=world.admin, to_status=to_status)
    assert err.value.code == ErrorCode.INVALID_TRANSITION
    challenge.refresh_from_db()
    assert challenge.status == from_status
    assert events_for(challenge) == []


@pytest.mark.parametrize(
    "from_status,to_status",
    [(a, b) for a, targets in CHALLENGE_WORKFLOW.transitions.items() for b in targets],
)
def test_every_legal_challenge_transition_writes_an_event(world, from_status, to_status):
    challenge = world.challenge(status=from_status)
    transition(record=challenge, actor=world.admin, to_status=to_status, reason="测试")
    challenge.refresh_from_db()
    assert challenge.status == to_status
    assert events_for(challenge) == [(from_status, to_status)]


@pytest.mark.parametrize(
    "from_status,to_status",
    [(a, b) for a in ALL_BID for b in ALL_BID if a != b and not BID_WORKFLOW.allows(a, b)],
)
def test_every_illegal_bid_transition_is_refused(world, from_status, to_status):
    bid = Bid.objects.create(
        challenge=world.challenge(status="bidding"), organisation=world.uni_a, status=from_status
    )
    with pytest.raises(ApplicationError) as err:
        transition(record=bid, actor=world.admin, to_status=to_status)
    assert err.value.code == ErrorCode.INVALID_TRANSITION
    bid.refresh_from_db()
    assert bid.status == from_status


@pytest.mark.parametrize(
    "from_status,to_status", [(a, b) for a, targets in BID_WORKFLOW.transitions.items() for b in targets]
)
def test_every_legal_bid_transition_writes_an_event(world, from_status, to_status):
    bid = Bid.objects.create(
        challenge=world.challenge(status="bidding"), organisation=world.uni_a, status=from_status
    )
    transition(record=bid, actor=world.admin, to_status=to_status)
    bid.refresh_from_db()
    assert bid.status == to_status
    assert events_for(bid) == [(from_status, to_status)]


# ---------------------------------------------------------------- posting and publication


def test_the_diagnosis_blocks_a_challenge_without_acceptance_criteria(world):
    draft = Challenge(
        owner=world.owner, city=city("changzhou"), **{**COMPLETE_CHALLENGE, "acceptance_criteria": ""}
    )
    draft.deadline = timezone.localdate() + dt.timedelta(days=60)
    draft = verification.listing_create(actor=world.owner_user, record=draft)
    with pytest.raises(ApplicationError) as err:
        verification.listing_submit(actor=world.owner_user, record=draft)
    assert err.value.code == ErrorCode.DIAGNOSIS_BLOCKED
    assert "acceptance_criteria_missing" in err.value.extra["codes"]
    assert err.value.extra["field"] == "acceptance_criteria"
    assert "验收标准" in str(err.value)
    draft.refresh_from_db()
    assert draft.status == "draft"

    verification.listing_update(
        actor=world.owner_user,
        record=draft,
        changed={"acceptance_criteria": COMPLETE_CHALLENGE["acceptance_criteria"]},
        submit=True,
    )
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_only_the_challenge_citys_administrator_publishes_and_the_owner_hears_of_it(world):
    challenge = world.challenge(status="submitted")
    with pytest.raises(PermissionDenied):
        verification.listing_verify(actor=world.other_admin, record=challenge)
    verification.listing_verify(actor=world.admin, record=challenge)
    challenge.refresh_from_db()
    assert challenge.status == "published"
    assert "challenge_published" in kinds_for(world.owner_user)


def test_a_returned_challenge_carries_the_reason_to_the_owner(world):
    challenge = world.challenge(status="submitted")
    verification.listing_reject(actor=world.admin, record=challenge, reason="预算区间过宽，请细化")
    challenge.refresh_from_db()
    assert challenge.status == "returned"
    note = Notification.objects.get(recipient=world.owner_user, kind="challenge_returned")
    assert "预算区间过宽" in note.body


def test_publishing_invites_suppliers_with_their_evidence_and_likelihood(
    world, django_capture_on_commit_callbacks, settings
):
    """The plumbing: publication queues the invitations, which name the evidence and the calibrated
    likelihood. (Which suppliers are sure enough is matching's business: its thresholds are set to
    0 here so that this tiny catalogue invites anyone with evidence.)"""
    from innomarket.matching.services import rebuild_index
    from innomarket.regions.tests.helpers import make_listing

    settings.INNOMARKET_MATCHING = {
        **settings.INNOMARKET_MATCHING,
        "SUPPLIER_SHOW_THRESHOLD": 1e-9,
        "SUPPLIER_INVITE_THRESHOLD": 1e-9,
    }
    make_listing(
        "achievement",
        city="nanjing",
        title="锂电池热失控早期预警技术",
        summary="基于气体与温度多传感器融合的动力电池热失控早期预警",
        owner=world.uni_a,
        is_sample=False,
    )
    make_listing(
        "achievement", city="changzhou", title="电池热失控预警（发榜企业自有）", owner=world.owner, is_sample=False
    )
    challenge = world.challenge(status="submitted")
    rebuild_index()
    with django_capture_on_commit_callbacks(execute=True):
        verification.listing_verify(actor=world.admin, record=challenge)
    invitations = list(challenge.invitations.all())
    assert world.uni_a in [i.organisation for i in invitations]
    assert world.owner not in [i.organisation for i in invitations]
    first = next(i for i in invitations if i.organisation == world.uni_a)
    assert first.via_type == "achievement" and "热失控" in first.via_title
    assert first.supplier == f"organisation:{world.uni_a.pk}" and 0 < first.score <= 1
    assert "热失控" in first.explanation  # the evidence, as text
    note = Notification.objects.get(recipient=world.bidder_a, kind="challenge_invitation")
    assert first.explanation in note.body and "可能性约为" in note.body and "高度匹配" not in note.body


# ---------------------------------------------------------------- bidding


def test_bidding_needs_the_terms_and_a_verified_organisation(world):
    challenge = world.challenge()
    data = services.BidData(team="课题组", approach="方案", milestones="2027-01-01 完成")
    with pytest.raises(ApplicationError) as err:
        services.bid_create(actor=world.bidder_a, challenge=challenge, organisation=world.uni_a, data=data)
    assert err.value.code == ErrorCode.TERMS_REQUIRED

    pending = OrganisationFactory(status="submitted", city=city("nanjing"))
    newcomer = member_of(pending)
    with pytest.raises(PermissionDenied):
        services.terms_accept(actor=newcomer, challenge=challenge)
    with pytest.raises(ApplicationError) as err:
        services.bid_create(actor=newcomer, challenge=challenge, organisation=pending, data=data)
    assert err.value.code == ErrorCode.ORGANISATION_NOT_VERIFIED

    with pytest.raises(PermissionDenied):  # not a member of uni_a
        services.bid_create(actor=world.bidder_b, challenge=challenge, organisation=world.uni_a, data=data)


def test_terms_acceptance_is_recorded_with_person_organisation_version_and_time(world):
    challenge = world.challenge()
    before = timezone.now()
    services.terms_accept(actor=world.bidder_a, challenge=challenge)
    services.terms_accept(actor=world.bidder_a, challenge=challenge)  # idempotent
    row = TermsAcceptance.objects.get(challenge=challenge)
    assert (row.user, row.organisation, row.terms_version) == (world.bidder_a, world.uni_a, "2026-1")
    assert row.accepted_at >= before


def test_the_first_bid_opens_bidding_and_tells_the_owner(world):
    world.challenge().tech_manager = None
    challenge = world.challenge()
    services.tech_manager_assign(actor=world.owner_user, challenge=challenge, tech_manager=world.tech_manager)
    bid = world.bid(challenge)
    challenge.refresh_from_db()
    assert bid.status == "submitted" and bid.submitted_at is not None
    assert challenge.status == "bidding"
    assert "bid_submitted" in kinds_for(world.owner_user)
    assert "bid_submitted" in kinds_for(world.tm_user)
    assert events_for(challenge) == [("published", "bidding")]


def test_one_live_bid_per_organisation_editable_until_withdrawn(world):
    challenge = world.challenge()
    bid = world.bid(challenge)
    with pytest.raises(ApplicationError) as err:
        world.bid(challenge)
    assert err.value.code == ErrorCode.DUPLICATE_BID
    services.bid_update(
        actor=world.bidder_a,
        bid=bid,
        data=services.BidData.from_mapping({**bid.__dict__, "price": Decimal("180")}),
    )
    bid.refresh_from_db()
    assert bid.price == Decimal("180") and bid.status == "submitted"
    services.bid_withdraw(actor=world.bidder_a, bid=bid, reason="团队调整")
    bid.refresh_from_db()
    assert bid.status == "withdrawn"
    again = world.bid(challenge)
    assert again.pk != bid.pk and again.status == "submitted"


def test_the_owner_cannot_bid_and_nobody_bids_after_the_deadline(world):
    challenge = world.challenge()
    services.terms_accept(actor=world.owner_user, challenge=challenge)
    with pytest.raises(ApplicationError):
        services.bid_create(
            actor=world.owner_user,
            challenge=challenge,
            organisation=world.owner,
            data=services.BidData(team="x"),
        )
    late = world.challenge(deadline_days=-1)
    with pytest.raises(ApplicationError) as err:
        world.bid(late)
    assert err.value.code == ErrorCode.DEADLINE_PASSED
    submitted = world.bid(world.challenge(deadline_days=3), submit=False)
    Challenge.objects.filter(pk=submitted.challenge_id).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(ApplicationError) as err:
        services.bid_submit(actor=world.bidder_a, bid=Bid.objects.get(pk=submitted.pk))
    assert err.value.code == ErrorCode.DEADLINE_PASSED


def test_a_bid_cannot_be_submitted_half_written(world):
    challenge = world.challenge()
    draft = world.bid(challenge, submit=False, approach="")
    with pytest.raises(ApplicationError) as err:
        services.bid_submit(actor=world.bidder_a, bid=draft)
    assert "技术方案" in str(err.value)
    draft.refresh_from_db()
    assert draft.status == "draft"


# ---------------------------------------------------------------- evaluation


def _evaluating(world):
    challenge = world.challenge()
    a = world.bid(challenge, "a")
    b = world.bid(challenge, "b")
    assignment = services.evaluator_assign(actor=world.owner_user, challenge=challenge, expert=world.expert)
    services.bidding_close(actor=world.owner_user, challenge=challenge)
    challenge.refresh_from_db()
    return challenge, a, b, assignment


def test_evaluators_declare_then_score_on_weighted_criteria(world):
    challenge, a, b, assignment = _evaluating(world)
    assert challenge.status == "evaluating"
    assert [c.weight for c in challenge.criteria.all()] == [40, 25, 20, 15]  # the default criteria
    criteria = list(challenge.criteria.all())
    with pytest.raises(ApplicationError) as err:  # not declared yet
        services.review_submit(
            actor=world.expert_user, assignment=assignment, bid=a, scores={c.pk: 80 for c in criteria}
        )
    assert err.value.code == ErrorCode.CONFLICT_OF_INTEREST
    assignment = services.evaluator_declare(
        actor=world.expert_user, assignment=assignment, has_conflict=False
    )
    assert assignment.status == "active"
    scores = dict(zip([c.pk for c in criteria], [90, 80, 70, 60], strict=True))
    review = services.review_submit(
        actor=world.expert_user, assignment=assignment, bid=a, scores=scores, comment="方案扎实"
    )
    assert review.total == Decimal("79.00")  # (40·90 + 25·80 + 20·70 + 15·60) / 100
    services.review_submit(
        actor=world.expert_user, assignment=assignment, bid=a, scores={c.pk: 50 for c in criteria}
    )
    assert Review.objects.get(pk=review.pk).total == Decimal("50.00")  # re-scoring replaces
    with pytest.raises(ApplicationError):
        services.review_submit(
            actor=world.expert_user, assignment=assignment, bid=b, scores={criteria[0].pk: 101}
        )
    with pytest.raises(PermissionDenied):
        services.review_submit(actor=world.bidder_a, assignment=assignment, bid=b, scores=scores)
    with pytest.raises(ApplicationError):  # criteria are fixed once someone scored
        services.criteria_set(actor=world.owner_user, challenge=challenge, items=[("创新性", 100, "")])


def test_an_evaluator_with_a_declared_conflict_is_recused_and_cannot_score(world):
    challenge, a, _b, assignment = _evaluating(world)
    assignment = services.evaluator_declare(
        actor=world.expert_user, assignment=assignment, has_conflict=True, note="曾与南京某大学合作发表论文"
    )
    assert assignment.status == EvaluatorAssignment.Status.RECUSED
    with pytest.raises(ApplicationError) as err:
        services.review_submit(actor=world.expert_user, assignment=assignment, bid=a, scores={})
    assert err.value.code == ErrorCode.CONFLICT_OF_INTEREST
    assert not Review.objects.exists()
    assert "evaluator_recused" in kinds_for(world.owner_user)


def test_an_evaluator_from_a_bidding_organisation_is_recused_automatically(world):
    world.expert.owner = world.uni_a
    world.expert.save()
    challenge, a, b, assignment = _evaluating(world)
    assignment = services.evaluator_declare(
        actor=world.expert_user, assignment=assignment, has_conflict=False
    )
    assert assignment.status == "recused"
    assert world.uni_a.name in assignment.recusal_reason
    with pytest.raises(ApplicationError):
        services.review_submit(
            actor=world.expert_user,
            assignment=assignment,
            bid=b,
            scores={c.pk: 60 for c in challenge.criteria.all()},
        )


def test_a_later_bid_from_an_active_evaluators_organisation_recuses_them(world):
    challenge = world.challenge()
    world.expert.owner = world.uni_b
    world.expert.save()
    world.bid(challenge, "a")
    assignment = services.evaluator_assign(actor=world.owner_user, challenge=challenge, expert=world.expert)
    assignment = services.evaluator_declare(
        actor=world.expert_user, assignment=assignment, has_conflict=False
    )
    assert assignment.status == "active"
    world.bid(challenge, "b")
    assignment.refresh_from_db()
    assert assignment.status == "recused"


def test_the_owners_own_expert_cannot_be_assigned(world):
    world.expert.owner = world.owner
    world.expert.save()
    with pytest.raises(ApplicationError) as err:
        services.evaluator_assign(actor=world.owner_user, challenge=world.challenge(), expert=world.expert)
    assert err.value.code == ErrorCode.CONFLICT_OF_INTEREST


# ---------------------------------------------------------------- shortlist, decline, award, delivery


def test_declining_requires_a_structured_reason_the_bidder_sees(world):
    challenge, a, _b, _ = _evaluating(world)
    with pytest.raises(ApplicationError) as err:
        services.bid_decline(actor=world.owner_user, bid=a, reason="")
    assert err.value.code == ErrorCode.REASON_REQUIRED
    with pytest.raises(ApplicationError):
        services.bid_decline(actor=world.owner_user, bid=a, reason="other", note="  ")
    with pytest.raises(PermissionDenied):
        services.bid_decline(actor=world.bidder_b, bid=a, reason="cost")
    a = services.bid_decline(actor=world.owner_user, bid=a, reason="cost", note="报价超出预算上限")
    assert (a.status, a.decline_reasons, a.responded_at is not None) == ("declined", ["cost"], True)
    note = Notification.objects.get(recipient=world.bidder_a, kind="bid_declined")
    assert "报价或预算不合适" in note.body and "报价超出预算上限" in note.body


def test_award_creates_the_cooperation_declines_the_rest_and_delivery_completes_it(world):
    challenge = world.challenge()
    services.tech_manager_assign(actor=world.admin, challenge=challenge, tech_manager=world.tech_manager)
    a = world.bid(challenge, "a", introduced_by=world.tech_manager)
    b = world.bid(challenge, "b")
    services.bidding_close(actor=world.owner_user, challenge=challenge)
    with pytest.raises(ApplicationError):  # not shortlisted yet
        services.bid_award(actor=world.owner_user, bid=a, milestones=[("样机", timezone.localdate())])
    services.bid_shortlist(actor=world.owner_user, bid=a)
    assert "bid_shortlisted" in kinds_for(world.bidder_a)
    milestones = services.parse_milestones("2027-03-31 方案设计\n样机验证 2027年9月30日")
    assert milestones == [("方案设计", dt.date(2027, 3, 31)), ("样机验证", dt.date(2027, 9, 30))]
    cooperation = services.bid_award(
        actor=world.owner_user, bid=Bid.objects.get(pk=a.pk), milestones=milestones
    )

    challenge.refresh_from_db()
    a.refresh_from_db()
    b.refresh_from_db()
    assert (challenge.status, a.status, b.status) == ("awarded", "awarded", "declined")
    assert b.decline_reasons == ["other"] and b.decline_note
    assert "bid_declined" in kinds_for(world.bidder_b) and "bid_awarded" in kinds_for(world.bidder_a)
    assert cooperation.phase == Phase.PRESENT and cooperation.status == "published"
    assert set(cooperation.partners.all()) == {world.owner, world.uni_a}
    assert {c.slug for c in cooperation.partner_cities.all()} == {"changzhou", "nanjing"}
    assert [m.title for m in cooperation.milestones.all()] == ["方案设计", "样机验证"]

    first, second = cooperation.milestones.all()
    with pytest.raises(ApplicationError):  # not contracted yet
        milestone_report(actor=world.bidder_a, milestone=first, note="方案评审通过")
    services.contract_sign(actor=world.owner_user, challenge=challenge)
    challenge.refresh_from_db()
    a.refresh_from_db()
    assert (challenge.status, a.status) == ("in_progress", "contracted")

    with pytest.raises(PermissionDenied):
        milestone_report(actor=world.bidder_b, milestone=first, note="方案评审通过")
    milestone_report(actor=world.bidder_a, milestone=first, note="方案评审通过")
    milestone_accept(actor=world.owner_user, milestone=first)
    cooperation.refresh_from_db()
    assert cooperation.phase == Phase.PRESENT
    with pytest.raises(ApplicationError):
        milestone_accept(actor=world.owner_user, milestone=first)
    milestone_report(actor=world.bidder_a, milestone=second, note="样机验证通过")
    milestone_accept(actor=world.owner_user, milestone=second)
    cooperation.refresh_from_db()
    challenge.refresh_from_db()
    assert cooperation.phase == Phase.PAST and cooperation.ended_on == timezone.localdate()
    assert challenge.status == "completed"

    ledger = {(e.role, e.tech_manager_id) for e in BrokerLedgerEntry.objects.filter(challenge=challenge)}
    assert ledger == {
        ("sourced", world.tech_manager.pk),
        ("matched", world.tech_manager.pk),
        ("closed", world.tech_manager.pk),
    }
    assert [t for _, t in events_for(challenge)] == [
        "bidding",
        "evaluating",
        "awarded",
        "in_progress",
        "completed",
    ]


def test_a_second_award_is_refused(world):
    challenge, a, b, _ = _evaluating(world)
    services.bid_shortlist(actor=world.owner_user, bid=a)
    services.bid_shortlist(actor=world.owner_user, bid=b)
    services.bid_award(actor=world.owner_user, bid=a, milestones=[("交付", dt.date(2027, 1, 1))])
    with pytest.raises(ApplicationError) as err:
        services.bid_award(
            actor=world.admin, bid=Bid.objects.get(pk=b.pk), milestones=[("交付", dt.date(2027, 1, 1))]
        )
    assert err.value.code == ErrorCode.ALREADY_AWARDED
    assert Cooperation.objects.filter(challenge=challenge).count() == 1


def test_malformed_milestones_name_the_line(world):
    with pytest.raises(ApplicationError) as err:
        services.parse_milestones("2027-03-31 方案设计\n样机验证，尽快")
    assert err.value.extra == {"field": "milestones", "line": 2}
    with pytest.raises(ApplicationError) as err:
        services.parse_milestones("2027-02-30 方案设计")
    assert "2027-02-30" in str(err.value)


def test_cancelling_tells_every_bidder_the_reason(world, mailoutbox, django_capture_on_commit_callbacks):
    challenge = world.challenge()
    a = world.bid(challenge, "a")
    b = world.bid(challenge, "b")
    services.bid_withdraw(actor=world.bidder_b, bid=b)
    with pytest.raises(ApplicationError) as err:
        services.challenge_cancel(actor=world.owner_user, challenge=challenge, reason=" ")
    assert err.value.code == ErrorCode.REASON_REQUIRED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.challenge_cancel(
            actor=world.owner_user, challenge=challenge, reason="企业已自行完成技术攻关"
        )
    challenge.refresh_from_db()
    a.refresh_from_db()
    assert (challenge.status, challenge.status_reason, a.status) == (
        "cancelled",
        "企业已自行完成技术攻关",
        "cancelled",
    )
    for user in (world.bidder_a, world.bidder_b):  # even the one who withdrew hears why
        note = Notification.objects.get(recipient=user, kind="challenge_cancelled")
        assert "企业已自行完成技术攻关" in note.body
    assert {m.to[0] for m in mailoutbox} >= {world.bidder_a.email, world.bidder_b.email}
    with pytest.raises(ApplicationError):
        services.challenge_cancel(actor=world.owner_user, challenge=challenge, reason="再次取消")


def test_only_the_owner_or_the_citys_administrator_runs_the_challenge(world):
    challenge, a, _b, _ = _evaluating(world)
    for outsider in (world.bidder_a, world.other_admin, world.expert_user):
        with pytest.raises(PermissionDenied):
            services.bid_shortlist(actor=outsider, bid=a)
        with pytest.raises(PermissionDenied):
            services.challenge_cancel(actor=outsider, challenge=challenge, reason="x")
    services.bid_shortlist(actor=world.admin, bid=a)


# ---------------------------------------------------------------- nobody left unanswered


def test_unanswered_bids_remind_then_escalate_at_the_configured_days(world, settings):
    settings.INNOMARKET_CHALLENGES = {
        **settings.INNOMARKET_CHALLENGES,
        "RESPONSE_DAYS": 7,
        "ESCALATE_DAYS": 14,
    }
    challenge = world.challenge()
    services.tech_manager_assign(actor=world.owner_user, challenge=challenge, tech_manager=world.tech_manager)
    bid = world.bid(challenge)
    answered = world.bid(challenge, "b")
    t0 = timezone.now()
    Bid.objects.filter(pk__in=[bid.pk, answered.pk]).update(submitted_at=t0)
    services.bid_shortlist(actor=world.owner_user, bid=answered)
    Notification.objects.all().delete()

    assert services.send_reminders(now=t0 + dt.timedelta(days=6, hours=23)).reminded == 0
    report = services.send_reminders(now=t0 + dt.timedelta(days=7, minutes=1))
    assert (report.reminded, report.escalated) == (1, 0)
    assert kinds_for(world.owner_user) == ["bid_reminder"]
    assert kinds_for(world.tm_user) == ["bid_reminder"]
    assert kinds_for(world.admin) == []
    assert services.send_reminders(now=t0 + dt.timedelta(days=8)).reminded == 0  # once only

    report = services.send_reminders(now=t0 + dt.timedelta(days=14, minutes=1))
    assert (report.reminded, report.escalated) == (0, 1)
    assert kinds_for(world.admin) == ["bid_escalated"]
    assert kinds_for(world.other_admin) == []
    assert services.send_reminders(now=t0 + dt.timedelta(days=30)).escalated == 0


def test_a_bid_answered_in_time_is_never_chased(world):
    challenge = world.challenge()
    bid = world.bid(challenge)
    services.bidding_close(actor=world.owner_user, challenge=challenge)
    services.bid_decline(actor=world.owner_user, bid=bid, reason="timeline")
    report = services.send_reminders(now=timezone.now() + dt.timedelta(days=60))
    assert (report.reminded, report.escalated) == (0, 0)


def test_unanswered_invitations_remind_owner_and_invitee_then_escalate(world):
    from innomarket.challenges.models import Invitation

    challenge = world.challenge()
    invitation = Invitation.objects.create(
        challenge=challenge, organisation=world.uni_b, via_type="achievement", via_id=1, via_title="x"
    )
    declined = Invitation.objects.create(
        challenge=challenge, organisation=world.uni_a, via_type="achievement", via_id=2, via_title="y"
    )
    services.invitation_decline(actor=world.bidder_a, invitation=declined, reason="out_of_scope", note="方向不符")
    t0 = invitation.created_at
    assert services.send_reminders(now=t0 + dt.timedelta(days=7, minutes=1)).reminded == 1
    assert "invitation_reminder" in kinds_for(world.owner_user)
    assert "invitation_reminder" in kinds_for(world.bidder_b)
    assert "invitation_reminder" not in kinds_for(world.bidder_a)
    assert services.send_reminders(now=t0 + dt.timedelta(days=15)).escalated == 1
    assert "invitation_escalated" in kinds_for(world.admin)


def test_the_deadline_closes_bidding_or_expires_the_challenge(world):
    with_bids = world.challenge(deadline_days=2)
    world.bid(with_bids)
    without = world.challenge(deadline_days=2)
    future = world.challenge(deadline_days=10)
    report = services.close_due_challenges(today=timezone.localdate() + dt.timedelta(days=3))
    assert (report.closed, report.expired) == (1, 1)
    for record, status in ((with_bids, "evaluating"), (without, "expired"), (future, "published")):
        record.refresh_from_db()
        assert record.status == status
