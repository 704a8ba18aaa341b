"""Writes of 在线咨询 / 洽谈意向: ask, answer, accept, decline, follow up, close.

Every step is one function: it checks the actor's right on this enquiry, locks the row, moves the
state through ``verification.services.transition`` (which appends the ``StatusEvent``), keeps the
``AwaitsReply`` bookkeeping of ``notifications.replies`` and tells the other side (inbox + e-mail).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.notifications import replies
from innomarket.notifications.services import notify
from innomarket.verification.services import lock, record_event, transition

from .models import OPEN_STATUSES, Enquiry, EnquiryMessage, EnquiryStatus
from .selectors import answerers, can_answer, enquiry_url

MESSAGE_MAX_LENGTH = 2000
INTENT_MODELS = ("achievements.achievement",)


class EnquiryError:
    ALREADY_OPEN = "enquiry_already_open"
    OWN_RECORD = "enquiry_own_record"
    NOT_PUBLIC = "enquiry_not_public"
    DAILY_LIMIT = "enquiry_daily_limit"


def _site_language() -> Any:
    return translation.override(settings.LANGUAGE_CODE)


def _clean_message(message: str, *, field: str = "message") -> str:
    text = (message or "").strip()
    if not text:
        raise ApplicationError(_("请填写内容。"), ErrorCode.VALIDATION, {"field": field})
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ApplicationError(
            _("内容最多 %(max)d 字，当前 %(n)d 字。") % {"max": MESSAGE_MAX_LENGTH, "n": len(text)},
            ErrorCode.VALIDATION,
            {"field": field},
        )
    return text


def _daily_limit() -> int:
    return int(getattr(settings, "INNOMARKET_ENQUIRIES_PER_DAY", 20))


@transaction.atomic
def enquiry_submit(
    *,
    actor: Any,
    record: Any,
    subject: str,
    message: str,
    kind: str = Enquiry.Kind.CONSULT,
    author_organisation: Any = None,
    purpose: str = "",
    budget_wan: Decimal | None = None,
    now: dt.datetime | None = None,
) -> Enquiry:
    """在线咨询 (any public record) or 洽谈意向 (an achievement): ask the record's owner.

    Refused for an anonymous or inactive actor, a record that is not public, the actor's own
    organisation's record, a second open enquiry of the same kind on the same record (the existing
    one's id is in ``extra["enquiry"]``), and beyond the daily limit per person.
    """
    now = now or timezone.now()
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("请先登录后再咨询。"))
    if not getattr(record, "is_public", False):
        raise ApplicationError(_("这条信息目前未公开，不能咨询。"), EnquiryError.NOT_PUBLIC)
    owner_id = getattr(record, "owner_id", None)
    if owner_id is not None and roles.is_member_of(actor, owner_id):
        raise ApplicationError(_("这是本机构发布的信息，无需向自己咨询。"), EnquiryError.OWN_RECORD)
    if kind not in Enquiry.Kind.values:
        raise ApplicationError(_("咨询类型无效。"), ErrorCode.VALIDATION, {"field": "kind"})
    content_type = ContentType.objects.get_for_model(type(record))
    if kind == Enquiry.Kind.INTENT:
        if content_type.app_label + "." + content_type.model not in INTENT_MODELS:
            raise ApplicationError(
                _("只有科技成果可以提交洽谈意向。"), ErrorCode.VALIDATION, {"field": "kind"}
            )
        if purpose not in Enquiry.Purpose.values:
            raise ApplicationError(_("请选择合作方式。"), ErrorCode.VALIDATION, {"field": "purpose"})
        if author_organisation is None:
            raise ApplicationError(
                _("洽谈意向需以机构名义提交，请选择您所在的机构。"),
                ErrorCode.VALIDATION,
                {"field": "author_organisation"},
            )
        if budget_wan is not None and budget_wan < 0:
            raise ApplicationError(_("预算不能为负数。"), ErrorCode.VALIDATION, {"field": "budget_wan"})
    else:
        purpose, budget_wan = "", None
    if author_organisation is not None and not roles.is_member_of(actor, author_organisation.pk):
        raise PermissionDenied(_("只能以您所在的机构名义咨询。"))
    subject = (subject or "").strip()
    if not subject:
        raise ApplicationError(_("请填写主题。"), ErrorCode.VALIDATION, {"field": "subject"})
    if len(subject) > 120:
        raise ApplicationError(_("主题最多 120 字。"), ErrorCode.VALIDATION, {"field": "subject"})
    text = _clean_message(message)
    if (
        Enquiry.objects.filter(author=actor, created_at__gte=now - dt.timedelta(days=1)).count()
        >= _daily_limit()
    ):
        raise ApplicationError(
            _("您在 24 小时内已提交 %(n)d 条咨询，已达上限，请稍后再试。") % {"n": _daily_limit()},
            EnquiryError.DAILY_LIMIT,
        )
    existing = Enquiry.objects.filter(
        author=actor, content_type=content_type, object_id=record.pk, kind=kind, status__in=OPEN_STATUSES
    ).first()
    if existing is not None:
        raise ApplicationError(
            _("您对这条信息已有进行中的咨询，请在原对话中继续。"),
            EnquiryError.ALREADY_OPEN,
            {"enquiry": existing.pk},
        )
    enquiry = Enquiry(
        kind=kind,
        content_type=content_type,
        object_id=record.pk,
        record_title=str(record)[:200],
        owner_id=owner_id,
        city_id=record.city_id,
        author=actor,
        author_organisation=author_organisation,
        subject=subject,
        purpose=purpose,
        budget_wan=budget_wan,
        created_at=now,
    )
    replies.awaiting(enquiry, now=now)
    enquiry.full_clean()
    try:
        with transaction.atomic():
            enquiry.save()
    except IntegrityError:  # a concurrent twin won the unique constraint
        raise ApplicationError(
            _("您对这条信息已有进行中的咨询，请在原对话中继续。"), EnquiryError.ALREADY_OPEN
        ) from None
    EnquiryMessage.objects.create(enquiry=enquiry, author=actor, body=text, created_at=now)
    record_event(record=enquiry, actor=actor, from_status="", to_status=EnquiryStatus.SUBMITTED)
    with _site_language():
        notify(
            recipients=answerers(enquiry),
            kind=f"enquiry_{kind}",
            title=_("新的%(kind)s：%(subject)s（%(record)s）")
            % {"kind": enquiry.get_kind_display(), "subject": subject, "record": enquiry.record_title},
            body=text,
            url=enquiry_url(enquiry),
            about=enquiry,
        )
    return enquiry


def _require_answerer(actor: Any, enquiry: Enquiry) -> None:
    if not can_answer(actor, enquiry):
        raise PermissionDenied(_("只有发布机构的成员可以答复这条咨询。"))


def _require_author(actor: Any, enquiry: Enquiry) -> None:
    if not getattr(actor, "is_authenticated", False) or enquiry.author_id != actor.pk:
        raise PermissionDenied(_("只有咨询人本人可以操作。"))


def _tell_author(enquiry: Enquiry, *, kind: str, title: str, body: str) -> None:
    notify(
        recipients=[enquiry.author],
        kind=kind,
        title=title,
        body=body,
        url=enquiry_url(enquiry),
        about=enquiry,
    )


@transaction.atomic
def enquiry_reply(*, actor: Any, enquiry: Enquiry, message: str) -> Enquiry:
    """The owner answers (or adds to an answer / an agreed negotiation)."""
    _require_answerer(actor, enquiry)
    text = _clean_message(message)
    current = lock(enquiry)
    if current.status not in OPEN_STATUSES:
        raise ApplicationError(_("这条咨询已结束，不能再答复。"), ErrorCode.INVALID_TRANSITION)
    if current.status == EnquiryStatus.SUBMITTED:
        replies.answered(current)
        current = transition(
            record=current,
            actor=actor,
            to_status=EnquiryStatus.ANSWERED,
            awaiting_since=current.awaiting_since,
            first_answered_at=current.first_answered_at,
        )
    EnquiryMessage.objects.create(enquiry=current, author=actor, from_owner=True, body=text)
    with _site_language():
        _tell_author(
            current,
            kind="enquiry_answered",
            title=_("您的咨询“%(subject)s”有了答复") % {"subject": current.subject},
            body=text,
        )
    return current


@transaction.atomic
def enquiry_accept(*, actor: Any, enquiry: Enquiry, message: str) -> Enquiry:
    """洽谈意向: the owner agrees to negotiate (the conversation goes on in the thread)."""
    _require_answerer(actor, enquiry)
    if enquiry.kind != Enquiry.Kind.INTENT:
        raise ApplicationError(_("只有洽谈意向可以同意洽谈。"), ErrorCode.INVALID_TRANSITION)
    text = _clean_message(message)
    current = lock(enquiry)
    replies.answered(current)
    current = transition(
        record=current,
        actor=actor,
        to_status=EnquiryStatus.ACCEPTED,
        awaiting_since=current.awaiting_since,
        first_answered_at=current.first_answered_at,
    )
    EnquiryMessage.objects.create(enquiry=current, author=actor, from_owner=True, body=text)
    with _site_language():
        _tell_author(
            current,
            kind="enquiry_accepted",
            title=_("“%(record)s”的发布机构同意洽谈") % {"record": current.record_title},
            body=text,
        )
    return current


@transaction.atomic
def enquiry_decline(*, actor: Any, enquiry: Enquiry, reason: str, note: str = "") -> Enquiry:
    """The owner declines, always with a structured reason (and words when the reason is 其他)."""
    _require_answerer(actor, enquiry)
    if reason not in Enquiry.DeclineReason.values:
        raise ApplicationError(_("请选择婉拒原因。"), ErrorCode.REASON_REQUIRED, {"field": "reason"})
    note = (note or "").strip()
    if reason == Enquiry.DeclineReason.OTHER and not note:
        raise ApplicationError(_("选择“其他”时请写明原因。"), ErrorCode.REASON_REQUIRED, {"field": "note"})
    label = str(Enquiry.DeclineReason(reason).label)
    written = f"{label}：{note}" if note else label
    current = lock(enquiry)
    replies.answered(current)
    current = transition(
        record=current,
        actor=actor,
        to_status=EnquiryStatus.DECLINED,
        reason=written,
        decline_reason=reason,
        awaiting_since=current.awaiting_since,
        first_answered_at=current.first_answered_at,
    )
    with _site_language():
        _tell_author(
            current,
            kind="enquiry_declined",
            title=_("您的咨询“%(subject)s”被婉拒") % {"subject": current.subject},
            body=_("原因：%(reason)s") % {"reason": written},
        )
    return current


@transaction.atomic
def enquiry_follow_up(*, actor: Any, enquiry: Enquiry, message: str) -> Enquiry:
    """The asker adds to the conversation; after an answer, the owner owes a new one."""
    _require_author(actor, enquiry)
    text = _clean_message(message)
    current = lock(enquiry)
    if current.status not in OPEN_STATUSES:
        raise ApplicationError(_("这条咨询已结束；如有新问题请重新发起咨询。"), ErrorCode.INVALID_TRANSITION)
    if current.status == EnquiryStatus.ANSWERED:
        replies.awaiting(current)
        current = transition(
            record=current,
            actor=actor,
            to_status=EnquiryStatus.SUBMITTED,
            awaiting_since=current.awaiting_since,
        )
    EnquiryMessage.objects.create(enquiry=current, author=actor, body=text)
    with _site_language():
        notify(
            recipients=answerers(current),
            kind="enquiry_follow_up",
            title=_("咨询“%(subject)s”有新的追问") % {"subject": current.subject},
            body=text,
            url=enquiry_url(current),
            about=current,
        )
    return current


@transaction.atomic
def enquiry_close(*, actor: Any, enquiry: Enquiry, note: str = "") -> Enquiry:
    """The asker ends the conversation (question solved, or no longer needed)."""
    _require_author(actor, enquiry)
    current = lock(enquiry)
    replies.closed(current)
    current = transition(
        record=current,
        actor=actor,
        to_status=EnquiryStatus.CLOSED,
        reason=(note or "").strip(),
        awaiting_since=None,
    )
    with _site_language():
        notify(
            recipients=answerers(current),
            kind="enquiry_closed",
            title=_("咨询“%(subject)s”已由咨询人结束") % {"subject": current.subject},
            body=(note or "").strip(),
            url=enquiry_url(current),
            about=current,
        )
    return current
