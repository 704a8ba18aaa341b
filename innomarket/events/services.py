"""Writes of 活动报名: register, review, waiting list, cancel, check in.

Concurrency: every write that can change who holds a seat locks the event row first
(``_lock_event``: ``SELECT … FOR UPDATE``), then the registration (``transition`` re-reads it with
a lock). So two people taking the last seat at once give one confirmation and one place on the
waiting list, and a cancellation promotes exactly the first person waiting.

Past events are read-only: once an event is over (its end, else a day after its start) nothing
about its registrations changes any more; the records stay.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.notifications import replies
from innomarket.notifications.recipients import organisation_members
from innomarket.notifications.services import notify
from innomarket.organisations.models import Organisation
from innomarket.verification.services import record_event, transition

from .models import (
    ACTIVE_REGISTRATION_STATUSES,
    SEAT_STATUSES,
    Event,
    Registration,
    RegistrationStatus,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the door
CODE_LENGTH = 6
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _authenticated(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def _site_language() -> Any:
    return translation.override(settings.LANGUAGE_CODE)


def can_organise(user: Any, event: Event) -> bool:
    """主办方: the owner organisation's members (and the city's administrators) manage registrations."""
    return _authenticated(user) and (
        roles.is_member_of(user, event.owner_id) or roles.can_administer_city(user, event.city_id)
    )


def _organisers(event: Event) -> Any:
    return organisation_members(event.owner_id) if event.owner_id else []


def _lock_event(event: Event) -> Event:
    """Re-read the event with a row lock; every seat-changing write holds it. Caller is atomic."""
    return Event.objects.select_for_update(of=("self",)).select_related("owner", "city").get(pk=event.pk)


def _refuse_if_over(event: Event) -> None:
    if event.is_over():
        raise ApplicationError(_("活动已结束，报名记录只读。"), ErrorCode.DEADLINE_PASSED)


def seats_taken(event: Event) -> int:
    return Registration.objects.filter(event=event, status__in=SEAT_STATUSES).count()


def seats_left(event: Event) -> int | None:
    """Free seats, ``None`` when the event has no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - seats_taken(event), 0)


def _new_code(event: Event) -> str:
    """A short check-in code not yet used in this event. The caller holds the event lock."""
    used = set(
        Registration.objects.filter(event=event)
        .exclude(check_in_code="")
        .values_list("check_in_code", flat=True)
    )
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in used:
            return code


def _seat_changes(event: Event) -> dict[str, Any]:
    """The fields of a registration that gets a seat now, or a place on the waiting list."""
    now = timezone.now()
    left = seats_left(event)
    if left is None or left > 0:
        return {
            "to_status": RegistrationStatus.CONFIRMED,
            "check_in_code": _new_code(event),
            "confirmed_at": now,
        }
    return {"to_status": RegistrationStatus.WAITLISTED, "waitlisted_at": now}


def _tell_registrant(registration: Registration) -> None:
    event = registration.event
    if registration.status == RegistrationStatus.CONFIRMED:
        title = _("报名成功：%(event)s") % {"event": event.title}
        body = _("签到码：%(code)s。活动当天向主办方出示签到码即可签到。") % {
            "code": registration.check_in_code
        }
    elif registration.status == RegistrationStatus.WAITLISTED:
        title = _("已进入候补：%(event)s") % {"event": event.title}
        body = _("名额已满，您在候补名单中；有人取消时按顺序递补，递补成功会通知您。")
    else:
        title = _("报名已提交，待主办方审核：%(event)s") % {"event": event.title}
        body = _("主办方审核后会通知您结果。")
    with _site_language():
        notify(
            recipients=[registration.user],
            kind=f"event_registration_{registration.status}",
            title=title,
            body=body,
            url=registration.get_absolute_url(),
            about=registration,
        )


def _clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(
            _("请填写%(label)s。") % {"label": label}, ErrorCode.VALIDATION, {"field": field}
        )
    if len(value) > max_length:
        raise ApplicationError(
            _("%(label)s最多 %(max)d 个字，当前 %(n)d 个字。")
            % {"label": label, "max": max_length, "n": len(value)},
            ErrorCode.VALIDATION,
            {"field": field},
        )
    return value


@transaction.atomic
def registration_submit(
    *,
    actor: Any,
    event: Event,
    name: str,
    affiliation: str = "",
    position: str = "",
    phone: str = "",
    note: str = "",
    organisation: Organisation | None = None,
) -> Registration:
    """报名: confirmed with a check-in code while seats last, then the waiting list; an event that
    requires review puts the registration before its organisers (待审核) first."""
    _require(_authenticated(actor), _("请先登录再报名。"))
    event = _lock_event(event)
    if not event.takes_registrations:
        raise ApplicationError(_("本活动不在平台报名。"), ErrorCode.INVALID_TRANSITION)
    if not event.is_registration_open():
        raise ApplicationError(_("报名已截止。"), ErrorCode.DEADLINE_PASSED)
    if organisation is not None and not roles.is_member_of(actor, organisation.pk):
        raise PermissionDenied(_("只能代表您所在的机构报名。"))
    name = _clean_text(name, field="name", label=_("姓名"), max_length=40, required=True)
    affiliation = _clean_text(
        affiliation or (organisation.name if organisation else ""),
        field="affiliation",
        label=_("单位"),
        max_length=120,
    )
    position = _clean_text(position, field="position", label=_("职务"), max_length=60)
    phone = re.sub(r"[\s-]", "", phone or "")
    if phone and not MOBILE_RE.match(phone):
        raise ApplicationError(
            _("手机号码应为 11 位数字、以 1 开头，如 13800000000。"), ErrorCode.VALIDATION, {"field": "phone"}
        )
    note = _clean_text(note, field="note", label=_("备注"), max_length=300)
    if Registration.objects.filter(event=event, user=actor, status__in=ACTIVE_REGISTRATION_STATUSES).exists():
        raise ApplicationError(_("您已报名这个活动，请在“我的报名”中查看。"), ErrorCode.DUPLICATE_BID)

    registration = Registration(
        event=event,
        user=actor,
        organisation=organisation,
        name=name,
        affiliation=affiliation,
        position=position,
        phone=phone,
        note=note,
    )
    if event.requires_review:
        registration.status = RegistrationStatus.PENDING
        replies.awaiting(registration)
    else:
        changes = _seat_changes(event)
        registration.status = changes.pop("to_status")
        for key, value in changes.items():
            setattr(registration, key, value)
    registration.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:
        raise ApplicationError(
            _("您已报名这个活动，请在“我的报名”中查看。"), ErrorCode.DUPLICATE_BID
        ) from exc
    record_event(record=registration, actor=actor, from_status="", to_status=registration.status)
    _tell_registrant(registration)
    with _site_language():
        notify(
            recipients=_organisers(event),
            kind="event_registration_new",
            title=(_("新的报名待审核：%(event)s") if event.requires_review else _("新的报名：%(event)s"))
            % {"event": event.title},
            body=_("%(name)s（%(aff)s）：%(status)s")
            % {
                "name": name,
                "aff": affiliation or _("未填单位"),
                "status": registration.get_status_display(),
            },
            url=manage_url(event),
            about=registration,
            # Automatic confirmations only land in the inbox; a review owed is mailed, too.
            email=event.requires_review,
        )
    return registration


def manage_url(event: Event) -> str:
    from django.urls import reverse

    return reverse("site:event-manage", kwargs={"pk": event.pk})


def _promote(event: Event, actor: Any) -> list[Registration]:
    """递补: give free seats to the waiting list in order. The caller holds the event lock."""
    promoted = []
    waiting = Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED).order_by(
        "waitlisted_at", "id"
    )
    for registration in waiting:
        left = seats_left(event)
        if left is not None and left <= 0:
            break
        registration = transition(
            record=registration,
            actor=actor,
            to_status=RegistrationStatus.CONFIRMED,
            reason="候补递补",
            check_in_code=_new_code(event),
            confirmed_at=timezone.now(),
        )
        registration.event = event
        with _site_language():
            notify(
                recipients=[registration.user],
                kind="event_registration_promoted",
                title=_("候补成功：%(event)s") % {"event": event.title},
                body=_("有名额空出，您已由候补转为报名成功。签到码：%(code)s。")
                % {"code": registration.check_in_code},
                url=registration.get_absolute_url(),
                about=registration,
            )
        promoted.append(registration)
    return promoted


def _locked_registration(registration: Registration) -> tuple[Event, Registration]:
    event = _lock_event(registration.event)
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    current.event = event
    return event, current


@transaction.atomic
def registration_approve(*, actor: Any, registration: Registration) -> Registration:
    """审核通过: a seat if one is free, else the waiting list."""
    _require(can_organise(actor, registration.event), _("只有主办机构的成员可以审核报名。"))
    event, current = _locked_registration(registration)
    _refuse_if_over(event)
    if current.status != RegistrationStatus.PENDING:
        raise ApplicationError(_("这条报名已经审核过了。"), ErrorCode.INVALID_TRANSITION)
    replies.answered(current)
    changes = _seat_changes(event)
    current = transition(
        record=current,
        actor=actor,
        reason="审核通过",
        awaiting_since=None,
        first_answered_at=current.first_answered_at,
        **changes,
    )
    current.event = event
    _tell_registrant(current)
    return current


@transaction.atomic
def registration_decline(
    *, actor: Any, registration: Registration, reason: str, note: str = ""
) -> Registration:
    """审核未通过: with a structured reason the registrant sees."""
    _require(can_organise(actor, registration.event), _("只有主办机构的成员可以审核报名。"))
    note = (note or "").strip()[:300]
    if reason not in Registration.DeclineReason.values:
        raise ApplicationError(_("请选择未通过的原因。"), ErrorCode.REASON_REQUIRED, {"field": "reason"})
    if reason == Registration.DeclineReason.OTHER and not note:
        raise ApplicationError(
            _("选择“其他”时请写明具体原因。"), ErrorCode.REASON_REQUIRED, {"field": "note"}
        )
    event, current = _locked_registration(registration)
    _refuse_if_over(event)
    if current.status != RegistrationStatus.PENDING:
        raise ApplicationError(_("这条报名已经审核过了。"), ErrorCode.INVALID_TRANSITION)
    replies.answered(current)
    label = str(Registration.DeclineReason(reason).label)
    text = f"{label}：{note}" if note else label
    current = transition(
        record=current,
        actor=actor,
        to_status=RegistrationStatus.DECLINED,
        reason=text,
        decline_reason=reason,
        decline_note=note,
        awaiting_since=None,
        first_answered_at=current.first_answered_at,
    )
    with _site_language():
        notify(
            recipients=[current.user],
            kind="event_registration_declined",
            title=_("报名未通过：%(event)s") % {"event": event.title},
            body=_("原因：%(reason)s") % {"reason": text},
            url=current.get_absolute_url(),
            about=current,
        )
    return current


@transaction.atomic
def registration_cancel(*, actor: Any, registration: Registration, reason: str = "") -> Registration:
    """取消报名: the registrant gives up their seat (or place); the first person waiting moves up."""
    _require(_authenticated(actor) and registration.user_id == actor.pk, _("只有报名人本人可以取消报名。"))
    event, current = _locked_registration(registration)
    _refuse_if_over(event)
    if current.status not in {
        RegistrationStatus.PENDING,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.CONFIRMED,
    }:
        raise ApplicationError(
            _("报名当前为“%(status)s”，不能取消。") % {"status": current.get_status_display()},
            ErrorCode.INVALID_TRANSITION,
        )
    had_seat = current.status == RegistrationStatus.CONFIRMED
    replies.closed(current)
    current = transition(
        record=current,
        actor=actor,
        to_status=RegistrationStatus.CANCELLED,
        reason=(reason or "").strip()[:300],
        awaiting_since=None,
    )
    current.event = event
    promoted = _promote(event, actor=None) if had_seat else []
    with _site_language():
        notify(
            recipients=_organisers(event),
            kind="event_registration_cancelled",
            title=_("%(name)s 取消了报名：%(event)s") % {"name": current.name, "event": event.title},
            body=(
                _("候补的 %(name)s 已自动递补。") % {"name": "、".join(r.name for r in promoted)}
                if promoted
                else ""
            ),
            url=manage_url(event),
            about=current,
            email=False,
        )
    return current


@transaction.atomic
def waitlist_promote(*, actor: Any, event: Event) -> list[Registration]:
    """按顺序递补: after the organisers raise the capacity, fill the free seats from the waiting list."""
    _require(can_organise(actor, event), _("只有主办机构的成员可以管理报名。"))
    event = _lock_event(event)
    _refuse_if_over(event)
    return _promote(event, actor=actor)


def normalise_code(code: str) -> str:
    return re.sub(r"\s", "", code or "").upper()


@transaction.atomic
def registration_check_in(*, actor: Any, event: Event, code: str) -> Registration:
    """签到: the organisers check a person in by the code on their registration."""
    _require(can_organise(actor, event), _("只有主办机构的成员可以签到。"))
    event = _lock_event(event)
    _refuse_if_over(event)
    code = normalise_code(code)
    if not code:
        raise ApplicationError(_("请输入签到码。"), ErrorCode.VALIDATION, {"field": "code"})
    current = Registration.objects.select_for_update().filter(event=event, check_in_code=code).first()
    if current is None:
        raise ApplicationError(
            _("签到码“%(code)s”不属于本活动的报名，请核对。") % {"code": code},
            ErrorCode.VALIDATION,
            {"field": "code"},
        )
    if current.status == RegistrationStatus.CHECKED_IN:
        raise ApplicationError(
            _("%(name)s 已于 %(time)s 签到。")
            % {"name": current.name, "time": timezone.localtime(current.checked_in_at).strftime("%H:%M")},
            ErrorCode.INVALID_TRANSITION,
            {"field": "code"},
        )
    if current.status != RegistrationStatus.CONFIRMED:
        raise ApplicationError(
            _("%(name)s 的报名已“%(status)s”，不能签到。")
            % {"name": current.name, "status": current.get_status_display()},
            ErrorCode.INVALID_TRANSITION,
            {"field": "code"},
        )
    current = transition(
        record=current, actor=actor, to_status=RegistrationStatus.CHECKED_IN, checked_in_at=timezone.now()
    )
    current.event = event
    with _site_language():
        notify(
            recipients=[current.user],
            kind="event_registration_checked_in",
            title=_("已签到：%(event)s") % {"event": event.title},
            url=current.get_absolute_url(),
            about=current,
            email=False,
        )
    return current
