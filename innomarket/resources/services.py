"""Writes of 资源共享 booking (预约): the owner's availability settings and blocked periods, and the
booking request's lifecycle. One function per transition, each with its event row
(``verification.services.transition``) and a notification to the other side.

Conflicts are the database's to refuse: an approved booking and a blocked period each occupy
``BookingSlot`` rows (one per half-hour cell) under a unique constraint on (resource, cell), written
in the same transaction as the approval. The checks before the insert only make the message name
the conflict; when two approvals race, the second insert fails and the whole approval rolls back.

Who may act: the members of the resource's owner organisation answer (approve, propose, decline,
complete); the members of the requesting organisation cancel, accept or reject a proposal, and rate.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.notifications import replies
from innomarket.notifications.recipients import organisation_members
from innomarket.notifications.services import notify
from innomarket.organisations.models import Organisation
from innomarket.verification.services import can_edit, lock, record_event, transition

from . import availability as av
from .models import (
    BlockedPeriod,
    BookableResource,
    Booking,
    BookingCompletion,
    BookingProposal,
    BookingRating,
    BookingSlot,
    Instrument,
    Space,
)

SETTINGS_FIELDS = (
    "is_open",
    "unit",
    "weekdays",
    "opens_at",
    "closes_at",
    "lead_days",
    "horizon_days",
    "price",
    "price_note",
    "accepts_vouchers",
    "notes",
)
MAX_BLOCK_DAYS = 180
TEXT_MAX = 2000


# ---------------------------------------------------------------- who


def owner_id(bookable: BookableResource) -> int | None:
    return bookable.resource.owner_id


def is_owner_member(actor: Any, bookable: BookableResource) -> bool:
    return roles.is_member_of(actor, owner_id(bookable))


def is_requester(actor: Any, booking: Booking) -> bool:
    return roles.is_member_of(actor, booking.organisation_id)


def can_view(actor: Any, booking: Booking) -> bool:
    """Both sides, and the administrators of the resource's city (they are asked to 督办)."""
    return (
        is_requester(actor, booking)
        or is_owner_member(actor, booking.bookable)
        or roles.can_administer_city(actor, booking.city_id)
    )


def owner_people(booking: Booking) -> list[Any]:
    oid = owner_id(booking.bookable)
    return list(organisation_members(oid)) if oid else []


def requester_people(booking: Booking) -> list[Any]:
    return list(organisation_members(booking.organisation_id))


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _require_owner(actor: Any, booking: Booking) -> None:
    _require(is_owner_member(actor, booking.bookable), _("只有资源所属机构的成员可以答复预约。"))


def _require_requester(actor: Any, booking: Booking) -> None:
    _require(is_requester(actor, booking), _("只有申请机构的成员可以执行此操作。"))


def _url(booking: Booking) -> str:
    return reverse("site:booking-detail", kwargs={"pk": booking.pk})


def _say(booking: Booking, **values: Any) -> dict[str, Any]:
    return {
        "resource": booking.bookable.resource.title,
        "org": booking.organisation.name,
        "period": av.period_label(booking.starts_at, booking.ends_at),
        **values,
    }


def _text(value: str | None, *, field: str, label: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(
            _("请填写%(label)s。") % {"label": label}, ErrorCode.VALIDATION, {"field": field}
        )
    if len(value) > TEXT_MAX:
        raise ApplicationError(
            _("%(label)s不能超过 %(n)d 字。") % {"label": label, "n": TEXT_MAX},
            ErrorCode.VALIDATION,
            {"field": field},
        )
    return value


# ---------------------------------------------------------------- availability settings


@transaction.atomic
def bookable_configure(*, actor: Any, resource: Instrument | Space, data: dict[str, Any]) -> BookableResource:
    """预约设置: open an instrument or space for booking, or change its hours, unit, lead time, price."""
    _require(can_edit(actor, resource), _("只有资源所属机构的成员或本城市管理员可以修改预约设置。"))
    if resource.owner_id is None:
        raise ApplicationError(_("这条信息没有发布机构，无法接受预约。"), ErrorCode.VALIDATION)
    key = "instrument" if isinstance(resource, Instrument) else "space"
    bookable = BookableResource.objects.select_for_update().filter(**{key: resource}).first()
    if bookable is None:
        bookable = BookableResource(**{key: resource})
    for name in SETTINGS_FIELDS:
        if name in data:
            setattr(bookable, name, data[name])
    if isinstance(resource, Instrument):
        bookable.accepts_vouchers = resource.accepts_vouchers  # the verified listing says so
    bookable.weekdays = "".join(sorted(set(str(bookable.weekdays))))
    if bookable.opens_at >= bookable.closes_at:
        raise ApplicationError(_("关闭时间须晚于开放时间。"), ErrorCode.VALIDATION, {"field": "closes_at"})
    bookable.full_clean()
    bookable.save()
    return bookable


def _occupy(
    bookable: BookableResource,
    start: dt.datetime,
    end: dt.datetime,
    *,
    booking: Booking | None = None,
    blocked: BlockedPeriod | None = None,
) -> None:
    """Write the slot rows of a period. Raises ``IntegrityError`` when any cell is taken (the caller
    runs inside ``transaction.atomic`` and turns it into a message)."""
    with transaction.atomic():
        BookingSlot.objects.bulk_create(
            [
                BookingSlot(bookable=bookable, start=cell, booking=booking, blocked=blocked)
                for cell in av.cells(start, end)
            ]
        )


def _conflict(
    bookable: BookableResource, start: dt.datetime, end: dt.datetime, *, exclude: Booking | None = None
) -> str:
    """What already occupies part of the period, in words (empty when nothing does)."""
    slots = BookingSlot.objects.filter(bookable=bookable, start__in=av.cells(start, end))
    if exclude is not None:
        slots = slots.exclude(booking=exclude)
    slot = slots.select_related("booking", "blocked").order_by("start").first()
    if slot is None:
        return ""
    if slot.blocked is not None:
        return _("%(period)s为不可预约时段（%(reason)s）") % {
            "period": av.period_label(slot.blocked.starts_at, slot.blocked.ends_at),
            "reason": slot.blocked.get_reason_display(),
        }
    assert slot.booking is not None
    return _("%(period)s已被预约") % {"period": av.period_label(slot.booking.starts_at, slot.booking.ends_at)}


@transaction.atomic
def blocked_period_add(
    *,
    actor: Any,
    bookable: BookableResource,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
    note: str = "",
) -> BlockedPeriod:
    """登记不可预约时段 (maintenance, holidays, internal use). Refused where an approved booking is:
    cancel that booking with a reason first, so its requester is told."""
    _require(
        can_edit(actor, bookable.resource), _("只有资源所属机构的成员或本城市管理员可以登记不可预约时段。")
    )
    if ends_at <= starts_at:
        raise ApplicationError(_("结束时间须晚于开始时间。"), ErrorCode.VALIDATION, {"field": "end"})
    if ends_at - starts_at > dt.timedelta(days=MAX_BLOCK_DAYS):
        raise ApplicationError(
            _("一次最多登记 %(n)d 天，请分段登记。") % {"n": MAX_BLOCK_DAYS},
            ErrorCode.VALIDATION,
            {"field": "end"},
        )
    if ends_at <= timezone.now():
        raise ApplicationError(_("不能登记已经过去的时段。"), ErrorCode.VALIDATION, {"field": "end"})
    if reason not in BlockedPeriod.Reason.values:
        raise ApplicationError(_("请选择原因。"), ErrorCode.VALIDATION, {"field": "reason"})
    period = BlockedPeriod(
        bookable=bookable,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        note=(note or "").strip()[:200],
        created_by=actor,
    )
    period.full_clean(exclude=["bookable", "created_by"])
    period.save()
    conflict = _conflict(bookable, starts_at, ends_at)
    try:
        if conflict:
            raise IntegrityError(conflict)
        _occupy(bookable, starts_at, ends_at, blocked=period)
    except IntegrityError as exc:
        raise ApplicationError(
            _("与已有安排冲突：%(what)s。如需停用，请先取消相应预约并说明原因。")
            % {"what": conflict or _("该时段已被占用")},
            ErrorCode.VALIDATION,
            {"field": "start"},
        ) from exc
    return period


@transaction.atomic
def blocked_period_remove(*, actor: Any, period: BlockedPeriod) -> None:
    _require(
        can_edit(actor, period.bookable.resource),
        _("只有资源所属机构的成员或本城市管理员可以删除不可预约时段。"),
    )
    period.delete()


# ---------------------------------------------------------------- the request


def check_requestable(bookable: BookableResource) -> None:
    resource = bookable.resource
    if not resource.is_public:
        raise ApplicationError(_("这条信息尚未公开，暂不能预约。"), ErrorCode.INVALID_TRANSITION)
    if not bookable.is_open:
        raise ApplicationError(_("该资源暂停接受在线预约，请联系管理单位。"), ErrorCode.INVALID_TRANSITION)


def _check_period(
    bookable: BookableResource, start: dt.datetime, end: dt.datetime, *, now: dt.datetime
) -> None:
    try:
        av.check_period(av.Rules.of(bookable), start, end, now=now)
    except av.PeriodError as exc:
        raise ApplicationError(exc.message, ErrorCode.VALIDATION, {"field": exc.field}) from exc
    conflict = _conflict(bookable, start, end)
    if conflict:
        raise ApplicationError(
            _("所选时段与已有安排冲突：%(what)s。请在日历中选择空闲时段。") % {"what": conflict},
            ErrorCode.VALIDATION,
            {"field": "date"},
        )


@transaction.atomic
def booking_request(
    *,
    actor: Any,
    bookable: BookableResource,
    organisation: Organisation,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    contact: str,
    samples: str = "",
    needs_operator: bool = False,
    use_voucher: bool = False,
    now: dt.datetime | None = None,
) -> Booking:
    """申请预约: a member of a verified organisation asks to use the resource for a period."""
    now = now or timezone.now()
    _require(roles.is_member_of(actor, organisation.pk), _("只能以本人所在机构的名义申请预约。"))
    if organisation.status not in Organisation.WORKFLOW.public:
        raise ApplicationError(
            _("机构“%(name)s”尚未通过核验，核验通过后才能预约。") % {"name": organisation.name},
            ErrorCode.ORGANISATION_NOT_VERIFIED,
            {"field": "organisation"},
        )
    bookable = BookableResource.objects.select_related("instrument", "space").get(pk=bookable.pk)
    if organisation.pk == owner_id(bookable):
        raise ApplicationError(
            _("本机构的资源无需预约；内部使用请登记为不可预约时段。"),
            ErrorCode.VALIDATION,
            {"field": "organisation"},
        )
    check_requestable(bookable)
    purpose = _text(purpose, field="purpose", label=_("使用目的与实验内容"), required=True)
    contact = _text(contact, field="contact", label=_("联系人及电话"), required=True)[:120]
    samples = _text(samples, field="samples", label=_("样品信息"))
    if use_voucher and not bookable.vouchers_accepted:
        raise ApplicationError(_("该资源不接受创新券。"), ErrorCode.VALIDATION, {"field": "use_voucher"})
    _check_period(bookable, starts_at, ends_at, now=now)
    if Booking.objects.filter(
        bookable=bookable,
        organisation=organisation,
        status__in=(Booking.Status.PENDING, Booking.Status.PROPOSED),
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).exists():
        raise ApplicationError(
            _("贵机构已有一份该时段的预约申请在等待答复。"), ErrorCode.VALIDATION, {"field": "date"}
        )
    booking = Booking(
        bookable=bookable,
        city_id=bookable.resource.city_id,
        organisation=organisation,
        requested_by=actor,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose,
        samples=samples,
        contact=contact,
        needs_operator=needs_operator,
        use_voucher=use_voucher,
        status=Booking.Status.PENDING,
    )
    replies.awaiting(booking, now=now)
    booking.full_clean(exclude=["bookable", "organisation", "city", "requested_by"])
    booking.save()
    record_event(record=booking, actor=actor, from_status="", to_status=booking.status, reason="提交预约申请")
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=owner_people(booking),
            kind="booking_requested",
            title=_("收到预约申请：%(resource)s") % _say(booking),
            body=_(
                "%(org)s申请使用 %(period)s。\n使用目的：%(purpose)s\n请在 %(days)d 天内答复（批准、提出其他时段或说明理由婉拒）。"
            )
            % _say(booking, purpose=purpose, days=replies.rule("booking").days_to_answer),
            url=_url(booking),
            about=booking,
        )
    return booking


# ---------------------------------------------------------------- the owner's answers


def _approve_slots(booking: Booking, start: dt.datetime, end: dt.datetime) -> None:
    conflict = _conflict(booking.bookable, start, end, exclude=booking)
    try:
        if conflict:
            raise IntegrityError(conflict)
        _occupy(booking.bookable, start, end, booking=booking)
    except IntegrityError as exc:
        raise ApplicationError(
            _("所选时段已被占用（%(what)s），不能批准。可以提出其他时段或说明理由婉拒。")
            % {"what": conflict or _("另一份预约刚刚获批")},
            ErrorCode.VALIDATION,
            {"field": "date"},
        ) from exc


@transaction.atomic
def booking_approve(*, actor: Any, booking: Booking, note: str = "") -> Booking:
    """批准: the booking takes its period in the slot table, in this transaction."""
    _require_owner(actor, booking)
    note = _text(note, field="note", label=_("答复说明"))
    now = timezone.now()
    current = lock(booking)
    if current.status == Booking.Status.PENDING and current.starts_at <= now:
        raise ApplicationError(
            _("申请的时段已经开始，不能再批准；可以提出其他时段或说明理由婉拒。"),
            ErrorCode.INVALID_TRANSITION,
        )
    booking = transition(
        record=current,
        actor=actor,
        to_status=Booking.Status.APPROVED,
        reason=note,
        answer_note=note,
        **_answered(current, now),
    )
    _approve_slots(booking, booking.starts_at, booking.ends_at)
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=requester_people(booking),
            kind="booking_approved",
            title=_("预约已批准：%(resource)s %(period)s") % _say(booking),
            body=(_("说明：%(note)s") % {"note": note}) if note else "",
            url=_url(booking),
            about=booking,
        )
    return booking


def _answered(booking: Booking, now: dt.datetime) -> dict[str, Any]:
    changes: dict[str, Any] = {"awaiting_since": None}
    if booking.first_answered_at is None:
        changes["first_answered_at"] = now
    return changes


@transaction.atomic
def booking_propose(
    *, actor: Any, booking: Booking, starts_at: dt.datetime, ends_at: dt.datetime, note: str = ""
) -> BookingProposal:
    """提出其他时段: the owner offers another period; the requester now owes the answer.

    The lead time does not bind the owner (it protects the owner), the opening rules do."""
    _require_owner(actor, booking)
    note = _text(note, field="note", label=_("说明"))
    now = timezone.now()
    current = lock(booking)
    rules = av.Rules.of(current.bookable)
    try:
        av.check_period(_without_lead(rules), starts_at, ends_at, now=now)
    except av.PeriodError as exc:
        raise ApplicationError(exc.message, ErrorCode.VALIDATION, {"field": exc.field}) from exc
    if starts_at == current.starts_at and ends_at == current.ends_at:
        raise ApplicationError(
            _("建议时段与申请时段相同，如可以安排请直接批准。"), ErrorCode.VALIDATION, {"field": "date"}
        )
    conflict = _conflict(current.bookable, starts_at, ends_at)
    if conflict:
        raise ApplicationError(
            _("建议时段与已有安排冲突：%(what)s。") % {"what": conflict},
            ErrorCode.VALIDATION,
            {"field": "date"},
        )
    booking = transition(
        record=current,
        actor=actor,
        to_status=Booking.Status.PROPOSED,
        reason=_("建议改为 %(period)s") % {"period": av.period_label(starts_at, ends_at)}
        + (f"：{note}" if note else ""),
        answer_note=note,
        **_answered(current, now),
    )
    proposal = BookingProposal(
        booking=booking, starts_at=starts_at, ends_at=ends_at, note=note, proposed_by=actor
    )
    replies.awaiting(proposal, now=now)
    proposal.save()
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=requester_people(booking),
            kind="booking_proposed",
            title=_("%(resource)s：管理单位建议改为 %(new)s")
            % _say(booking, new=av.period_label(starts_at, ends_at)),
            body=_("原申请时段：%(period)s。%(note)s\n请接受新时段，或说明原因不接受。")
            % _say(booking, note=note),
            url=_url(booking),
            about=booking,
        )
    return proposal


def _without_lead(rules: av.Rules) -> av.Rules:
    return av.Rules(
        unit=rules.unit,
        weekdays=rules.weekdays,
        opens_at=rules.opens_at,
        closes_at=rules.closes_at,
        lead_days=0,
        horizon_days=rules.horizon_days,
    )


@transaction.atomic
def booking_decline(*, actor: Any, booking: Booking, reason: str, note: str = "") -> Booking:
    """婉拒: always with a structured reason (and text for “other”) the requester sees."""
    _require_owner(actor, booking)
    note = _text(note, field="note", label=_("婉拒说明"))
    if reason not in Booking.DeclineReason.values:
        raise ApplicationError(_("请选择婉拒原因。"), ErrorCode.REASON_REQUIRED, {"field": "reason"})
    if reason == Booking.DeclineReason.OTHER and not note:
        raise ApplicationError(
            _("选择“其他”时请写明具体原因。"), ErrorCode.REASON_REQUIRED, {"field": "note"}
        )
    label = Booking.DeclineReason(reason).label
    current = lock(booking)
    booking = transition(
        record=current,
        actor=actor,
        to_status=Booking.Status.DECLINED,
        reason=f"{label}：{note}" if note else str(label),
        decline_reason=reason,
        decline_note=note,
        **_answered(current, timezone.now()),
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=requester_people(booking),
            kind="booking_declined",
            title=_("预约未获批准：%(resource)s") % _say(booking),
            body=_("原因：%(reason)s。%(note)s") % {"reason": label, "note": note},
            url=_url(booking),
            about=booking,
        )
    return booking


# ---------------------------------------------------------------- the requester's answers


def _open_proposal(booking: Booking) -> BookingProposal:
    proposal = (
        BookingProposal.objects.select_for_update()
        .filter(booking=booking, status=BookingProposal.Status.OPEN)
        .first()
    )
    if proposal is None:
        raise ApplicationError(_("没有待确认的建议时段。"), ErrorCode.INVALID_TRANSITION)
    return proposal


@transaction.atomic
def proposal_accept(*, actor: Any, proposal: BookingProposal) -> Booking:
    """接受建议时段: the booking moves to the proposed period and is approved (the owner offered it)."""
    booking = proposal.booking
    _require_requester(actor, booking)
    current = lock(booking)
    proposal = _open_proposal(current)
    now = timezone.now()
    if proposal.starts_at <= now:
        raise ApplicationError(_("建议时段已经过去，请重新申请。"), ErrorCode.VALIDATION)
    booking = transition(
        record=current,
        actor=actor,
        to_status=Booking.Status.APPROVED,
        reason=_("接受建议时段 %(period)s")
        % {"period": av.period_label(proposal.starts_at, proposal.ends_at)},
        starts_at=proposal.starts_at,
        ends_at=proposal.ends_at,
    )
    _approve_slots(booking, proposal.starts_at, proposal.ends_at)
    proposal.status = BookingProposal.Status.ACCEPTED
    replies.answered(proposal, now=now)
    proposal.save(update_fields=["status", "awaiting_since", "first_answered_at", "updated_at"])
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=owner_people(booking),
            kind="booking_proposal_accepted",
            title=_("%(org)s接受了建议时段：%(resource)s %(period)s") % _say(booking),
            url=_url(booking),
            about=booking,
        )
    return booking


@transaction.atomic
def proposal_reject(*, actor: Any, proposal: BookingProposal, note: str = "") -> Booking:
    """不接受建议时段: the request goes back to the owner, with the requester's note."""
    booking = proposal.booking
    _require_requester(actor, booking)
    note = _text(note, field="note", label=_("说明"))
    current = lock(booking)
    proposal = _open_proposal(current)
    now = timezone.now()
    replies.awaiting(current, now=now)
    booking = transition(
        record=current,
        actor=actor,
        to_status=Booking.Status.PENDING,
        reason=_("不接受建议时段") + (f"：{note}" if note else ""),
        awaiting_since=current.awaiting_since,
    )
    proposal.status = BookingProposal.Status.REJECTED
    proposal.answer_note = note
    replies.answered(proposal, now=now)
    proposal.save(
        update_fields=["status", "answer_note", "awaiting_since", "first_answered_at", "updated_at"]
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=owner_people(booking),
            kind="booking_proposal_rejected",
            title=_("%(org)s未接受建议时段：%(resource)s") % _say(booking),
            body=_("申请方说明：%(note)s\n请重新答复（批准原时段、提出其他时段或说明理由婉拒）。")
            % {"note": note or _("未说明")},
            url=_url(booking),
            about=booking,
        )
    return booking


@transaction.atomic
def booking_cancel(*, actor: Any, booking: Booking, reason: str = "") -> Booking:
    """取消: the requester withdraws (any time before completion), or the owner cancels an approved
    booking it can no longer honour — then with a reason. The period is freed at once."""
    by_requester = is_requester(actor, booking)
    by_owner = is_owner_member(actor, booking.bookable)
    _require(by_requester or by_owner, _("只有申请机构或资源所属机构的成员可以取消预约。"))
    reason = _text(reason, field="reason", label=_("取消原因"), required=not by_requester)
    current = lock(booking)
    if not by_requester and current.status != Booking.Status.APPROVED:
        raise ApplicationError(
            _("待答复的申请请直接婉拒并说明原因。"), ErrorCode.INVALID_TRANSITION, {"field": "reason"}
        )
    if current.status == Booking.Status.APPROVED and current.ends_at <= timezone.now():
        raise ApplicationError(_("预约时段已经结束，请填写使用记录。"), ErrorCode.INVALID_TRANSITION)
    who = _("申请方取消") if by_requester else _("管理单位取消")
    booking = transition(
        record=current,
        actor=actor,
        to_status=Booking.Status.CANCELLED,
        reason=f"{who}：{reason}" if reason else str(who),
        cancel_reason=reason,
        awaiting_since=None,
    )
    BookingSlot.objects.filter(booking=booking).delete()
    open_proposals = BookingProposal.objects.filter(booking=booking, status=BookingProposal.Status.OPEN)
    open_proposals.update(
        status=BookingProposal.Status.LAPSED, awaiting_since=None, updated_at=timezone.now()
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=owner_people(booking) if by_requester else requester_people(booking),
            kind="booking_cancelled",
            title=_("预约已取消：%(resource)s %(period)s") % _say(booking),
            body=(_("原因：%(reason)s") % {"reason": reason}) if reason else "",
            url=_url(booking),
            about=booking,
        )
    return booking


# ---------------------------------------------------------------- after the use


@transaction.atomic
def booking_complete(
    *,
    actor: Any,
    booking: Booking,
    outcome: str,
    used_hours: Decimal | None = None,
    fee: Decimal | None = None,
    note: str = "",
) -> BookingCompletion:
    """使用记录: the owner records what happened once the booked period has begun."""
    _require_owner(actor, booking)
    if outcome not in BookingCompletion.Outcome.values:
        raise ApplicationError(_("请选择使用情况。"), ErrorCode.VALIDATION, {"field": "outcome"})
    note = _text(note, field="note", label=_("使用记录说明"))
    current = lock(booking)
    if current.status == Booking.Status.APPROVED and current.starts_at > timezone.now():
        raise ApplicationError(
            _("预约时段尚未开始（%(period)s），开始后才能填写使用记录。")
            % {"period": av.period_label(current.starts_at, current.ends_at)},
            ErrorCode.INVALID_TRANSITION,
        )
    booking = transition(
        record=current,
        actor=actor,
        to_status=Booking.Status.COMPLETED,
        reason=str(BookingCompletion.Outcome(outcome).label) + (f"：{note}" if note else ""),
    )
    completion = BookingCompletion(
        booking=booking, outcome=outcome, used_hours=used_hours, fee=fee, note=note, recorded_by=actor
    )
    completion.full_clean(exclude=["booking", "recorded_by"])
    completion.save()
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=requester_people(booking),
            kind="booking_completed",
            title=_("使用记录已登记：%(resource)s，欢迎评价") % _say(booking),
            body=_("使用情况：%(outcome)s。%(note)s")
            % {"outcome": completion.get_outcome_display(), "note": note},
            url=_url(booking),
            about=booking,
        )
    return completion


@transaction.atomic
def booking_rate(*, actor: Any, booking: Booking, score: int, comment: str = "") -> BookingRating:
    """使用评价: 1–5 stars and a comment from the requester, once, after the use is recorded."""
    _require_requester(actor, booking)
    comment = _text(comment, field="comment", label=_("评价"))
    current = lock(booking)
    if current.status != Booking.Status.COMPLETED:
        raise ApplicationError(_("使用记录登记后才能评价。"), ErrorCode.INVALID_TRANSITION)
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ApplicationError(_("请选择 1–5 星评分。"), ErrorCode.VALIDATION, {"field": "score"})
    if BookingRating.objects.filter(booking=current).exists():
        raise ApplicationError(_("这次使用已经评价过了。"), ErrorCode.VALIDATION)
    try:
        with transaction.atomic():
            rating = BookingRating.objects.create(
                booking=current, score=score, comment=comment, rated_by=actor
            )
    except IntegrityError as exc:
        raise ApplicationError(_("这次使用已经评价过了。"), ErrorCode.VALIDATION) from exc
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=owner_people(current),
            kind="booking_rated",
            title=_("%(org)s评价了 %(resource)s：%(score)d 星") % _say(current, score=score),
            body=comment,
            url=_url(current),
            about=current,
        )
    return rating


def owned_by(organisation_ids: set[int] | list[int]) -> Q:
    """Bookings of resources owned by these organisations (a filter for ``Booking`` querysets)."""
    return Q(bookable__instrument__owner_id__in=organisation_ids) | Q(
        bookable__space__owner_id__in=organisation_ids
    )
