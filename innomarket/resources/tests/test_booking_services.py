"""The booking lifecycle: request, approve / propose / decline, cancel, complete, rate — each side's
permissions, located messages for bad input, slots in the database, notifications and reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.notifications.models import Notification
from innomarket.notifications.selectors import reply_stats
from innomarket.notifications.services import reply_reminders_send
from innomarket.resources import services
from innomarket.resources.models import BlockedPeriod, Booking, BookingProposal, BookingSlot
from innomarket.resources.selectors import booking_calendar, booking_history, bookings_received
from innomarket.verification.models import StatusEvent

from .conftest import period, working_day

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def refused(call, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as info:
        call(**kwargs)
    return info.value


# ---------------------------------------------------------------- the request


def test_request_waits_for_the_owner_who_is_told(world):
    booking = world.request()

    assert booking.status == Booking.Status.PENDING
    assert booking.awaiting_since is not None and booking.submitted_at is not None
    assert booking.city_id == world.instrument.city_id
    assert kinds(world.owner_user) == ["booking_requested"]
    note = Notification.objects.get(recipient=world.owner_user)
    assert "常州某新材料有限公司" in note.body and note.url == f"/workspace/bookings/{booking.pk}/"
    assert [e.to_status for e in booking_history(booking)] == ["pending"]
    assert list(bookings_received(world.owner_user)) == [booking]


def test_lead_time_and_hours_are_refused_on_their_field(world):
    error = refused(world.request, day=working_day(1))
    assert error.extra["field"] == "date" and "须提前 2 个工作日预约：最早可预约" in error.message

    error = refused(world.request, start="16:00", end="18:00")
    assert error.extra["field"] == "start_time" and "开放时间为 09:00–17:00" in error.message
    assert not Booking.objects.exists()


def test_request_needs_purpose_contact_and_a_verified_own_organisation(world):
    assert refused(world.request, purpose="  ").extra["field"] == "purpose"
    assert refused(world.request, contact="").extra["field"] == "contact"

    with pytest.raises(PermissionDenied):
        world.bookable and services.booking_request(
            actor=world.outsider,
            bookable=world.bookable,
            organisation=world.requester,
            starts_at=period(working_day(3), "09:00", "10:00")[0],
            ends_at=period(working_day(3), "09:00", "10:00")[1],
            purpose="x",
            contact="y",
        )
    world.requester.status = "submitted"
    world.requester.save()
    assert refused(world.request).code == ErrorCode.ORGANISATION_NOT_VERIFIED


def test_owner_cannot_book_its_own_instrument(world):
    start, end = period(working_day(3), "09:00", "10:00")
    error = refused(
        services.booking_request,
        actor=world.owner_user,
        bookable=world.bookable,
        organisation=world.owner,
        starts_at=start,
        ends_at=end,
        purpose="内部测试",
        contact="x",
    )
    assert "不可预约时段" in error.message


def test_closed_or_unpublished_resource_takes_no_requests(world):
    world.bookable.is_open = False
    world.bookable.save()
    assert "暂停接受在线预约" in refused(world.request).message
    world.bookable.is_open = True
    world.bookable.save()
    world.instrument.status = "archived"
    world.instrument.save()
    assert "尚未公开" in refused(world.request).message


def test_voucher_only_where_accepted(world):
    assert world.request(use_voucher=True).use_voucher
    world.instrument.accepts_vouchers = False
    world.instrument.save()
    assert refused(world.request, day=working_day(4), use_voucher=True).extra["field"] == "use_voucher"


def test_a_period_already_approved_or_blocked_cannot_be_requested(world):
    first = world.request(start="09:00", end="12:00")
    services.booking_approve(actor=world.owner_user, booking=first)

    error = refused(world.request, who="other", start="11:00", end="13:00")
    assert error.extra["field"] == "date" and "09:00–12:00已被预约" in error.message

    start, end = period(working_day(4), "00:00", "23:30")
    services.blocked_period_add(
        actor=world.owner_user, bookable=world.bookable, starts_at=start, ends_at=end, reason="maintenance"
    )
    error = refused(world.request, who="other", day=working_day(4))
    assert "维护保养" in error.message


# ---------------------------------------------------------------- the owner's answers


def test_approve_occupies_slots_and_tells_the_requester(world):
    booking = world.request(start="09:00", end="11:00")

    booking = services.booking_approve(actor=world.owner_user, booking=booking, note="请提前 10 分钟到场")

    assert booking.status == Booking.Status.APPROVED
    assert booking.awaiting_since is None and booking.first_answered_at is not None
    assert BookingSlot.objects.filter(booking=booking).count() == 4
    assert kinds(world.requester_user) == ["booking_approved"]
    assert "请提前 10 分钟到场" in Notification.objects.get(recipient=world.requester_user).body


def test_second_overlapping_approval_is_refused_and_writes_nothing(world):
    a = world.request(start="09:00", end="12:00")
    b = world.request(who="other", start="11:00", end="13:00")  # both pending: allowed
    services.booking_approve(actor=world.owner_user, booking=a)

    error = refused(services.booking_approve, actor=world.owner_user, booking=b)

    assert "已被占用" in error.message and "提出其他时段" in error.message
    b.refresh_from_db()
    assert b.status == Booking.Status.PENDING
    assert not BookingSlot.objects.filter(booking=b).exists()
    assert not StatusEvent.objects.filter(object_id=b.pk, to_status="approved").exists()


def test_only_the_owner_answers(world):
    booking = world.request()
    for actor in (world.requester_user, world.outsider, world.admin):
        with pytest.raises(PermissionDenied):
            services.booking_approve(actor=actor, booking=booking)
    assert services.can_view(world.admin, booking) and not services.can_view(world.outsider, booking)


def test_decline_needs_a_structured_reason(world):
    booking = world.request()
    assert (
        refused(services.booking_decline, actor=world.owner_user, booking=booking, reason="").extra["field"]
        == "reason"
    )
    assert (
        refused(services.booking_decline, actor=world.owner_user, booking=booking, reason="other").extra[
            "field"
        ]
        == "note"
    )

    booking = services.booking_decline(
        actor=world.owner_user, booking=booking, reason="maintenance", note="电镜灯丝更换中"
    )

    assert booking.status == Booking.Status.DECLINED and booking.awaiting_since is None
    assert kinds(world.requester_user) == ["booking_declined"]
    assert booking_history(booking)[0].reason == "设备维护或故障：电镜灯丝更换中"
    with pytest.raises(ApplicationError):
        services.booking_approve(actor=world.owner_user, booking=booking)


def test_proposal_accepted_moves_and_approves_the_booking(world):
    booking = world.request(start="09:00", end="11:00")
    start, end = period(working_day(5), "14:00", "16:00")

    proposal = services.booking_propose(
        actor=world.owner_user, booking=booking, starts_at=start, ends_at=end, note="上午已满"
    )

    booking.refresh_from_db()
    assert booking.status == Booking.Status.PROPOSED and booking.awaiting_since is None
    assert proposal.awaiting_since is not None
    assert kinds(world.requester_user) == ["booking_proposed"]
    with pytest.raises(PermissionDenied):
        services.proposal_accept(actor=world.owner_user, proposal=proposal)

    booking = services.proposal_accept(actor=world.requester_user, proposal=proposal)

    assert booking.status == Booking.Status.APPROVED
    assert (booking.starts_at, booking.ends_at) == (start, end)
    assert BookingSlot.objects.filter(booking=booking).count() == 4
    proposal.refresh_from_db()
    assert proposal.status == BookingProposal.Status.ACCEPTED and proposal.awaiting_since is None
    assert kinds(world.owner_user)[-1] == "booking_proposal_accepted"


def test_proposal_rejected_returns_the_request_to_the_owner(world):
    booking = world.request()
    start, end = period(working_day(5), "14:00", "16:00")
    proposal = services.booking_propose(actor=world.owner_user, booking=booking, starts_at=start, ends_at=end)

    booking = services.proposal_reject(actor=world.requester_user, proposal=proposal, note="下午没有人手")

    assert booking.status == Booking.Status.PENDING and booking.awaiting_since is not None
    proposal.refresh_from_db()
    assert proposal.status == BookingProposal.Status.REJECTED and proposal.answer_note == "下午没有人手"
    assert kinds(world.owner_user)[-1] == "booking_proposal_rejected"


def test_proposal_must_respect_opening_rules_and_differ(world):
    booking = world.request(start="09:00", end="11:00")
    start, end = period(working_day(5), "18:00", "19:00")
    assert (
        "开放时间"
        in refused(
            services.booking_propose, actor=world.owner_user, booking=booking, starts_at=start, ends_at=end
        ).message
    )
    error = refused(
        services.booking_propose,
        actor=world.owner_user,
        booking=booking,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
    )
    assert "直接批准" in error.message


# ---------------------------------------------------------------- cancel, complete, rate


def test_requester_cancels_and_the_period_is_free_again(world):
    booking = world.request()
    services.booking_approve(actor=world.owner_user, booking=booking)

    booking = services.booking_cancel(actor=world.requester_user, booking=booking)

    assert booking.status == Booking.Status.CANCELLED
    assert not BookingSlot.objects.exists()
    assert kinds(world.owner_user)[-1] == "booking_cancelled"
    assert world.request(who="other").status == Booking.Status.PENDING


def test_owner_cancels_only_approved_bookings_and_with_a_reason(world):
    booking = world.request()
    error = refused(services.booking_cancel, actor=world.owner_user, booking=booking, reason="x")
    assert "婉拒" in error.message
    services.booking_approve(actor=world.owner_user, booking=booking)
    assert (
        refused(services.booking_cancel, actor=world.owner_user, booking=booking).extra["field"] == "reason"
    )

    booking = services.booking_cancel(actor=world.owner_user, booking=booking, reason="设备故障")

    assert booking.cancel_reason == "设备故障" and kinds(world.requester_user)[-1] == "booking_cancelled"


def _approved_in_the_past(world) -> Booking:
    booking = world.request(day=working_day(6))
    services.booking_approve(actor=world.owner_user, booking=booking)
    past = timezone.now() - dt.timedelta(days=2)
    Booking.objects.filter(pk=booking.pk).update(starts_at=past, ends_at=past + dt.timedelta(hours=3))
    return Booking.objects.get(pk=booking.pk)


def test_completion_only_after_the_start_then_one_rating(world):
    booking = world.request()
    services.booking_approve(actor=world.owner_user, booking=booking)
    assert (
        "尚未开始"
        in refused(services.booking_complete, actor=world.owner_user, booking=booking, outcome="used").message
    )
    assert (
        "使用记录登记后"
        in refused(services.booking_rate, actor=world.requester_user, booking=booking, score=5).message
    )

    booking = _approved_in_the_past(world)
    with pytest.raises(PermissionDenied):
        services.booking_complete(actor=world.requester_user, booking=booking, outcome="used")
    completion = services.booking_complete(
        actor=world.owner_user,
        booking=booking,
        outcome="used",
        used_hours=Decimal("3"),
        fee=Decimal("900"),
        note="测试顺利",
    )
    assert completion.booking.status == Booking.Status.COMPLETED
    assert kinds(world.requester_user)[-1] == "booking_completed"

    assert (
        refused(services.booking_rate, actor=world.requester_user, booking=booking, score=6).extra["field"]
        == "score"
    )
    with pytest.raises(PermissionDenied):
        services.booking_rate(actor=world.owner_user, booking=booking, score=5)
    rating = services.booking_rate(actor=world.requester_user, booking=booking, score=5, comment="服务专业")
    assert rating.score == 5 and kinds(world.owner_user)[-1] == "booking_rated"
    assert (
        "已经评价过"
        in refused(services.booking_rate, actor=world.requester_user, booking=booking, score=4).message
    )


# ---------------------------------------------------------------- settings and blocked periods


def test_settings_for_an_instrument_follow_its_voucher_flag_and_validate(world):
    assert world.bookable.vouchers_accepted
    error = refused(
        services.bookable_configure,
        actor=world.owner_user,
        resource=world.instrument,
        data={"opens_at": dt.time(18, 0), "closes_at": dt.time(9, 0)},
    )
    assert error.extra["field"] == "closes_at"
    with pytest.raises(PermissionDenied):
        services.bookable_configure(actor=world.requester_user, resource=world.instrument, data={})


def test_blocked_period_cannot_cover_an_approved_booking(world):
    booking = world.request(start="09:00", end="10:00")
    services.booking_approve(actor=world.owner_user, booking=booking)
    start, end = period(working_day(3), "00:00", "23:30")

    error = refused(
        services.blocked_period_add,
        actor=world.owner_user,
        bookable=world.bookable,
        starts_at=start,
        ends_at=end,
        reason="holiday",
    )

    assert "已被预约" in error.message and "先取消相应预约" in error.message
    assert not BlockedPeriod.objects.exists()


def test_calendar_hides_who_booked_except_to_the_owner(world):
    booking = world.request(start="09:00", end="10:00")
    services.booking_approve(actor=world.owner_user, booking=booking)
    day = working_day(3)

    public = {d.day: d for d in booking_calendar(world.bookable)}[day]
    owner = {d.day: d for d in booking_calendar(world.bookable, reveal_names=True)}[day]
    mine = {d.day: d for d in booking_calendar(world.bookable, own_organisation_ids={world.requester.pk})}[
        day
    ]

    assert public.busy == [("09:00", "10:00", "booked", "已预约")]
    assert owner.busy == [("09:00", "10:00", "booked", "常州某新材料有限公司")]
    assert mine.busy[0][2] == "mine"
    assert public.free[0] == ("10:00", "17:00")


# ---------------------------------------------------------------- nobody left unanswered


def test_reminder_then_escalation_for_an_unanswered_request(world):
    booking = world.request()
    now = timezone.now()

    assert reply_reminders_send(now=now + dt.timedelta(days=4)).reminded == 1
    assert kinds(world.owner_user)[-1] == "booking_reminder"
    assert reply_reminders_send(now=now + dt.timedelta(days=8)).escalated == 1
    assert kinds(world.admin)[-1] == "booking_escalated"
    assert kinds(world.requester_user)[-1] == "booking_escalated_requester"
    # Answered: nothing more.
    services.booking_decline(actor=world.owner_user, booking=booking, reason="scope")
    report = reply_reminders_send(now=now + dt.timedelta(days=20))
    assert report.reminded == report.escalated == 0


def test_an_open_proposal_reminds_the_requester(world):
    booking = world.request()
    start, end = period(working_day(5), "14:00", "16:00")
    services.booking_propose(actor=world.owner_user, booking=booking, starts_at=start, ends_at=end)

    report = reply_reminders_send(now=timezone.now() + dt.timedelta(days=4))

    assert report.reminded == 1
    assert kinds(world.requester_user)[-1] == "booking_proposal_reminder"
    assert "booking_proposal_reminder" not in kinds(world.owner_user)


def test_response_times_and_funnel(world):
    a = world.request(start="09:00", end="10:00")
    b = world.request(who="other", start="10:00", end="11:00")
    world.request(day=working_day(4))
    services.booking_approve(actor=world.owner_user, booking=a)
    services.booking_decline(actor=world.owner_user, booking=b, reason="scope")

    stats = {s.key: s for s in reply_stats(city_id=world.instrument.city_id)}

    booking = stats["booking"]
    assert (booking.submitted, booking.answered, booking.pending) == (3, 2, 1)
    assert [count for _label, count in booking.funnel] == [3, 2, 1, 0, 0]
    assert [str(label) for label, _count in booking.funnel][0] == "预约申请"
    assert stats["booking_proposal"].funnel[0][1] == 0
    assert {s.key: s for s in reply_stats(city_id=world.requester.city_id)}["booking"].submitted == 0


def test_waiting_bookings_and_proposals_show_in_the_side_that_owes_the_answer(world):
    from innomarket.notifications.selectors import awaiting_my_reply

    world.request()

    owner = {item.key: item for item in awaiting_my_reply(world.owner_user)}
    assert owner["booking"].count == 1 and owner["booking"].url == "/workspace/bookings/received/"
    assert awaiting_my_reply(world.requester_user) == []
    assert awaiting_my_reply(world.outsider) == []

    booking = Booking.objects.get()
    starts_at, ends_at = period(working_day(5), "13:00", "15:00")
    services.booking_propose(actor=world.owner_user, booking=booking, starts_at=starts_at, ends_at=ends_at)
    requester = {item.key: item for item in awaiting_my_reply(world.requester_user)}
    assert requester["booking_proposal"].count == 1 and requester["booking_proposal"].url == "/workspace/bookings/"
    assert "booking" not in {item.key for item in awaiting_my_reply(world.owner_user)}
