"""Writes of 人才交流: applications to talent posts, talent profiles, contact requests to experts.

Each transition is one function: it checks the actor's permission on this object, locks the row
(``verification.services.transition`` re-reads it ``FOR UPDATE``), checks the state against the
model's ``WORKFLOW``, writes, appends a ``StatusEvent`` (who, when, from, to, why) and tells the
other side (``notifications.services.notify``: an inbox row, an e-mail after commit). The reply
fields (``AwaitsReply``) follow 有问必答: the answering side owes a reply from the submission until
its first answer; the hourly housekeeping reminds and escalates (rules in ``apps.py``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.notifications import replies
from innomarket.notifications.recipients import organisation_members
from innomarket.notifications.services import notify
from innomarket.organisations.models import Organisation
from innomarket.verification.services import lock, record_event, transition

from .models import (
    OPEN_APPLICATION_STATUSES,
    ApplicationStatus,
    ContactRequest,
    ContactStatus,
    Expert,
    TalentApplication,
    TalentPost,
    TalentProfile,
    TechManager,
)

# Leading bytes of the accepted CV formats: a renamed executable is refused whatever its suffix.
CV_SIGNATURES = {
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}


def cv_max_mb() -> int:
    return int(getattr(settings, "INNOMARKET_TALENT", {}).get("CV_MAX_MB", 5))


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _authenticated(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def _site_language() -> Any:
    """Messages are stored in the site's language, whoever triggered them (see ``notify``)."""
    return translation.override(settings.LANGUAGE_CODE)


def _reply_changes(record: Any, *, answered: bool = False, closed: bool = False) -> dict[str, Any]:
    """The ``AwaitsReply`` fields after an answer (or a close), for ``transition(**changes)``."""
    if answered:
        replies.answered(record)
    elif closed:
        replies.closed(record)
    return {name: getattr(record, name) for name in replies.REPLY_FIELDS}


# ---------------------------------------------------------------- applications (应聘)


def can_answer_application(user: Any, application: TalentApplication) -> bool:
    """The posting organisation's members answer its applications."""
    return roles.is_member_of(user, application.post.owner_id)


def can_open_application(user: Any, application: TalentApplication) -> bool:
    """The application and its CV: the applicant and the posting organisation's members only."""
    return _authenticated(user) and (
        application.applicant_id == user.pk or can_answer_application(user, application)
    )


def _check_cv(upload: UploadedFile | None) -> None:
    if upload is None:
        raise ApplicationError(_("请上传简历（PDF 或 Word 文件）。"), ErrorCode.VALIDATION, {"field": "cv"})
    name = upload.name or ""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in CV_SIGNATURES:
        raise ApplicationError(
            _("简历“%(name)s”的格式不支持，请上传 PDF、DOC 或 DOCX 文件。") % {"name": name},
            ErrorCode.VALIDATION,
            {"field": "cv"},
        )
    max_mb = cv_max_mb()
    if (upload.size or 0) > max_mb * 1024 * 1024:
        raise ApplicationError(
            _("简历“%(name)s”超过 %(mb)d MB，请压缩后再上传。") % {"name": name, "mb": max_mb},
            ErrorCode.VALIDATION,
            {"field": "cv"},
        )
    if not upload.size:
        raise ApplicationError(_("简历文件是空的，请重新选择。"), ErrorCode.VALIDATION, {"field": "cv"})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(CV_SIGNATURES[suffix]):
        raise ApplicationError(
            _("简历“%(name)s”的内容不是有效的 %(type)s 文件，请检查后重新上传。")
            % {"name": name, "type": suffix.upper()},
            ErrorCode.VALIDATION,
            {"field": "cv"},
        )


def post_accepts_applications(post: TalentPost, *, today: Any = None) -> bool:
    today = today or timezone.localdate()
    return (
        post.is_public
        and post.owner_id is not None
        and (post.valid_until is None or post.valid_until >= today)
    )


@transaction.atomic
def application_submit(
    *, actor: Any, post: TalentPost, cover_note: str, cv: UploadedFile | None
) -> TalentApplication:
    """投递简历: a logged-in person applies to a public, still valid talent post of an organisation."""
    _require(_authenticated(actor), _("请先登录再投递简历。"))
    post = TalentPost.objects.select_for_update(of=("self",)).select_related("owner", "city").get(pk=post.pk)
    if not post_accepts_applications(post):
        raise ApplicationError(_("这条人才需求已停止接收申请。"), ErrorCode.DEADLINE_PASSED)
    if roles.is_member_of(actor, post.owner_id):
        raise ApplicationError(_("不能应聘本机构发布的岗位。"), ErrorCode.CONFLICT_OF_INTEREST)
    cover_note = (cover_note or "").strip()
    if not cover_note:
        raise ApplicationError(
            _("请填写求职说明：您的专业、经历和应聘理由。"), ErrorCode.VALIDATION, {"field": "cover_note"}
        )
    if len(cover_note) > 2000:
        raise ApplicationError(
            _("求职说明最多 2000 字，当前 %(n)d 字。") % {"n": len(cover_note)},
            ErrorCode.VALIDATION,
            {"field": "cover_note"},
        )
    if TalentApplication.objects.filter(
        post=post, applicant=actor, status__in=OPEN_APPLICATION_STATUSES
    ).exists():
        raise ApplicationError(_("您已投递过这个岗位，请在“我的求职”中查看进度。"), ErrorCode.DUPLICATE_BID)
    _check_cv(cv)
    assert cv is not None
    application = TalentApplication(
        post=post,
        applicant=actor,
        cover_note=cover_note,
        cv=cv,
        cv_name=(cv.name or "")[:200],
        cv_size=cv.size or 0,
        status=ApplicationStatus.SUBMITTED,
    )
    replies.awaiting(application)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # a double click racing past the check above
        application.cv.delete(save=False)
        raise ApplicationError(
            _("您已投递过这个岗位，请在“我的求职”中查看进度。"), ErrorCode.DUPLICATE_BID
        ) from exc
    record_event(record=application, actor=actor, from_status="", to_status=application.status)
    with _site_language():
        notify(
            recipients=organisation_members(post.owner_id) if post.owner_id else [],
            kind="talent_application_submitted",
            title=_("新的应聘申请：%(post)s") % {"post": post.title},
            body=_("%(name)s 投递了简历，请查看并答复（邀请面谈或说明原因婉拒）。")
            % {"name": actor.display_name},
            url=application.get_absolute_url(),
            about=application,
        )
    return application


@transaction.atomic
def application_view(*, actor: Any, application: TalentApplication) -> TalentApplication:
    """已查看: the first time a member of the posting organisation opens the application.

    Not an answer: the organisation still owes the applicant a reply."""
    _require(can_answer_application(actor, application), _("只有发布机构的成员可以处理应聘申请。"))
    current = lock(application)
    if current.status != ApplicationStatus.SUBMITTED:
        return current
    current = transition(
        record=current, actor=actor, to_status=ApplicationStatus.VIEWED, viewed_at=timezone.now()
    )
    with _site_language():
        notify(
            recipients=[current.applicant],
            kind="talent_application_viewed",
            title=_("您投递的“%(post)s”简历已被查看") % {"post": current.post.title},
            url=current.get_absolute_url(),
            about=current,
            email=False,
        )
    return current


def _answer(
    *, actor: Any, application: TalentApplication, to_status: str, reason: str = "", **changes: Any
) -> TalentApplication:
    _require(can_answer_application(actor, application), _("只有发布机构的成员可以处理应聘申请。"))
    current = lock(application)
    if not TalentApplication.WORKFLOW.allows(current.status, to_status):
        raise ApplicationError(
            _("申请当前为“%(status)s”，不能再执行这个操作。") % {"status": current.get_status_display()},
            ErrorCode.INVALID_TRANSITION,
        )
    if current.viewed_at is not None:
        changes.pop("viewed_at", None)  # keep the first viewing time
    return transition(
        record=current,
        actor=actor,
        to_status=to_status,
        reason=reason,
        **_reply_changes(current, answered=True),
        **changes,
    )


@transaction.atomic
def application_shortlist(*, actor: Any, application: TalentApplication, note: str) -> TalentApplication:
    """邀请面谈: the organisation invites the applicant, saying when, where or how."""
    note = (note or "").strip()
    if not note:
        raise ApplicationError(
            _("请写明面谈安排：时间、地点或线上方式、联系人。"), ErrorCode.REASON_REQUIRED, {"field": "note"}
        )
    now = timezone.now()
    current = _answer(
        actor=actor,
        application=application,
        to_status=ApplicationStatus.SHORTLISTED,
        reason=note[:1000],
        interview_note=note[:1000],
        shortlisted_at=now,
        viewed_at=application.viewed_at or now,
    )
    with _site_language():
        notify(
            recipients=[current.applicant],
            kind="talent_application_shortlisted",
            title=_("%(org)s 邀请您面谈：%(post)s") % {"org": current.post.owner, "post": current.post.title},
            body=note,
            url=current.get_absolute_url(),
            about=current,
        )
    return current


@transaction.atomic
def application_decline(
    *, actor: Any, application: TalentApplication, reason: str, note: str = ""
) -> TalentApplication:
    """婉拒: always with a structured reason the applicant sees (and a note when it is 其他)."""
    note = (note or "").strip()[:1000]
    if reason not in TalentApplication.DeclineReason.values:
        raise ApplicationError(_("请选择未通过的原因。"), ErrorCode.REASON_REQUIRED, {"field": "reason"})
    if reason == TalentApplication.DeclineReason.OTHER and not note:
        raise ApplicationError(
            _("选择“其他”时请写明具体原因。"), ErrorCode.REASON_REQUIRED, {"field": "note"}
        )
    label = str(TalentApplication.DeclineReason(reason).label)
    current = _answer(
        actor=actor,
        application=application,
        to_status=ApplicationStatus.DECLINED,
        reason=f"{label}：{note}" if note else label,
        decline_reason=reason,
        decline_note=note,
        decided_at=timezone.now(),
        viewed_at=application.viewed_at or timezone.now(),
    )
    with _site_language():
        notify(
            recipients=[current.applicant],
            kind="talent_application_declined",
            title=_("“%(post)s”应聘结果：未通过") % {"post": current.post.title},
            body=_("原因：%(reason)s") % {"reason": f"{label}：{note}" if note else label},
            url=current.get_absolute_url(),
            about=current,
        )
    return current


@transaction.atomic
def application_hire(*, actor: Any, application: TalentApplication, note: str = "") -> TalentApplication:
    """录用: after the interview, the organisation hires the applicant."""
    note = (note or "").strip()[:1000]
    current = _answer(
        actor=actor,
        application=application,
        to_status=ApplicationStatus.HIRED,
        reason=note,
        decided_at=timezone.now(),
    )
    with _site_language():
        notify(
            recipients=[current.applicant],
            kind="talent_application_hired",
            title=_("恭喜，%(org)s 录用了您：%(post)s")
            % {"org": current.post.owner, "post": current.post.title},
            body=note,
            url=current.get_absolute_url(),
            about=current,
        )
    return current


@transaction.atomic
def application_withdraw(
    *, actor: Any, application: TalentApplication, reason: str = ""
) -> TalentApplication:
    """撤回: the applicant takes the application back; nobody owes a reply any more."""
    _require(
        _authenticated(actor) and application.applicant_id == actor.pk, _("只有申请人本人可以撤回申请。")
    )
    current = lock(application)
    if current.status not in OPEN_APPLICATION_STATUSES:
        raise ApplicationError(
            _("申请当前为“%(status)s”，不能撤回。") % {"status": current.get_status_display()},
            ErrorCode.INVALID_TRANSITION,
        )
    reason = (reason or "").strip()[:300]
    current = transition(
        record=current,
        actor=actor,
        to_status=ApplicationStatus.WITHDRAWN,
        reason=reason,
        **_reply_changes(current, closed=True),
    )
    with _site_language():
        notify(
            recipients=organisation_members(current.post.owner_id) if current.post.owner_id else [],
            kind="talent_application_withdrawn",
            title=_("%(name)s 撤回了对“%(post)s”的申请")
            % {"name": actor.display_name, "post": current.post.title},
            body=reason,
            url=current.get_absolute_url(),
            about=current,
        )
    return current


# ---------------------------------------------------------------- talent profile (人才库)


PROFILE_FIELDS = ("display_name", "headline", "field", "skills", "city", "availability", "visibility")


@transaction.atomic
def talent_profile_save(*, actor: Any, data: dict[str, Any]) -> TalentProfile:
    """Create or update the actor's own talent profile; ``visibility`` publishes it in 人才库 or not."""
    _require(_authenticated(actor), _("请先登录。"))
    profile = TalentProfile.objects.select_for_update().filter(user=actor).first() or TalentProfile(
        user=actor
    )
    for name in PROFILE_FIELDS:
        if name in data:
            value = data[name]
            setattr(profile, name, value.strip() if isinstance(value, str) else value)
    try:
        profile.full_clean()
    except ValidationError as exc:
        field = next(iter(exc.message_dict), None) if hasattr(exc, "error_dict") else None
        raise ApplicationError(
            "；".join(str(m) for msgs in exc.message_dict.values() for m in msgs)
            if hasattr(exc, "error_dict")
            else "；".join(exc.messages),
            ErrorCode.VALIDATION,
            {"field": field},
        ) from exc
    profile.save()
    return profile


# ---------------------------------------------------------------- contacting experts (联系专家)


ContactTarget = Expert | TechManager


def contact_answerers(target: ContactTarget) -> list[Any]:
    """Who answers a contact request: the linked user, else the owner organisation's members."""
    user = target.user if target.user_id else None
    if user is not None:
        return [user] if user.is_active else []
    if target.owner_id:
        return list(organisation_members(target.owner_id))
    return []


def can_be_contacted(target: ContactTarget) -> bool:
    return target.is_public and bool(target.user_id or target.owner_id)


def can_answer_contact(user: Any, request: ContactRequest) -> bool:
    if not _authenticated(user):
        return False
    target = request.target
    if target.user_id:
        return target.user_id == user.pk
    return roles.is_member_of(user, target.owner_id)


def can_open_contact(user: Any, request: ContactRequest) -> bool:
    return _authenticated(user) and (request.requester_id == user.pk or can_answer_contact(user, request))


def _target_kind(target: ContactTarget) -> str:
    return str(_("专家") if isinstance(target, Expert) else _("技术经理人"))


@transaction.atomic
def contact_request_submit(
    *,
    actor: Any,
    target: ContactTarget,
    purpose: str,
    message: str,
    requester_contact: str,
    organisation: Organisation | None = None,
) -> ContactRequest:
    """联系请求: ask an expert or technology manager to get in touch (no phone number is public)."""
    _require(_authenticated(actor), _("请先登录再联系。"))
    target = type(target).objects.select_for_update().get(pk=target.pk)
    if not can_be_contacted(target):
        raise ApplicationError(_("该%(kind)s暂未开通在线联系。") % {"kind": _target_kind(target)})
    if target.user_id == actor.pk:
        raise ApplicationError(_("不能联系自己。"))
    if organisation is not None and not roles.is_member_of(actor, organisation.pk):
        raise PermissionDenied(_("只能代表您所在的机构联系。"))
    if purpose not in ContactRequest.Purpose.values:
        raise ApplicationError(_("请选择联系事由。"), ErrorCode.VALIDATION, {"field": "purpose"})
    message = (message or "").strip()
    if len(message) < 10:
        raise ApplicationError(
            _("请把需求写清楚（至少 10 个字）：想咨询什么、希望怎样合作。"),
            ErrorCode.VALIDATION,
            {"field": "message"},
        )
    if len(message) > 2000:
        raise ApplicationError(
            _("留言最多 2000 字，当前 %(n)d 字。") % {"n": len(message)},
            ErrorCode.VALIDATION,
            {"field": "message"},
        )
    requester_contact = (requester_contact or "").strip()
    if not requester_contact:
        raise ApplicationError(
            _("请留下您的联系方式（电子邮箱或电话），对方接受后可见。"),
            ErrorCode.VALIDATION,
            {"field": "requester_contact"},
        )
    if len(requester_contact) > 120:
        raise ApplicationError(
            _("联系方式最多 120 个字。"), ErrorCode.VALIDATION, {"field": "requester_contact"}
        )
    lookup = {"expert": target} if isinstance(target, Expert) else {"tech_manager": target}
    if ContactRequest.objects.filter(requester=actor, status=ContactStatus.SUBMITTED, **lookup).exists():
        raise ApplicationError(_("您已发出联系请求，正在等待对方答复。"), ErrorCode.DUPLICATE_BID)
    request = ContactRequest(
        **lookup,
        city_id=target.city_id,
        requester=actor,
        requester_organisation=organisation,
        purpose=purpose,
        message=message,
        requester_contact=requester_contact,
    )
    replies.awaiting(request)
    request.full_clean()
    request.save()
    record_event(record=request, actor=actor, from_status="", to_status=request.status)
    who = organisation.name if organisation else actor.display_name
    with _site_language():
        notify(
            recipients=contact_answerers(target),
            kind="expert_contact_submitted",
            title=_("%(who)s 希望与您联系：%(purpose)s")
            % {"who": who, "purpose": request.get_purpose_display()},
            body=message,
            url=request.get_absolute_url(),
            about=request,
        )
    return request


def _contact_answer(
    *, actor: Any, request: ContactRequest, to_status: str, reason: str = "", **changes: Any
) -> ContactRequest:
    _require(can_answer_contact(actor, request), _("只有被联系人本人可以答复。"))
    current = lock(request)
    if current.status != ContactStatus.SUBMITTED:
        raise ApplicationError(_("这条联系请求已经答复过了。"), ErrorCode.INVALID_TRANSITION)
    return transition(
        record=current,
        actor=actor,
        to_status=to_status,
        reason=reason,
        answered_by=actor,
        **_reply_changes(current, answered=True),
        **changes,
    )


@transaction.atomic
def contact_request_accept(
    *, actor: Any, request: ContactRequest, reply: str, shared_contact: str
) -> ContactRequest:
    """接受: the person replies and reveals to the requester the contact they choose to share."""
    reply = (reply or "").strip()
    shared_contact = (shared_contact or "").strip()
    if not reply:
        raise ApplicationError(
            _("请写一句答复，如方便联系的时间。"), ErrorCode.VALIDATION, {"field": "reply"}
        )
    if not shared_contact:
        raise ApplicationError(
            _("请填写您愿意提供给对方的联系方式。"), ErrorCode.VALIDATION, {"field": "shared_contact"}
        )
    if len(shared_contact) > 120:
        raise ApplicationError(
            _("联系方式最多 120 个字。"), ErrorCode.VALIDATION, {"field": "shared_contact"}
        )
    current = _contact_answer(
        actor=actor,
        request=request,
        to_status=ContactStatus.ACCEPTED,
        reason=reply[:2000],
        reply=reply[:2000],
        shared_contact=shared_contact,
    )
    with _site_language():
        notify(
            recipients=[current.requester],
            kind="expert_contact_accepted",
            title=_("%(name)s 接受了您的联系请求") % {"name": current.target.title},
            body=_("%(reply)s\n联系方式：%(contact)s") % {"reply": reply, "contact": shared_contact},
            url=current.get_absolute_url(),
            about=current,
        )
    return current


@transaction.atomic
def contact_request_decline(
    *, actor: Any, request: ContactRequest, reason: str, note: str = ""
) -> ContactRequest:
    """婉拒: with a structured reason the requester sees."""
    note = (note or "").strip()[:2000]
    if reason not in ContactRequest.DeclineReason.values:
        raise ApplicationError(_("请选择婉拒的原因。"), ErrorCode.REASON_REQUIRED, {"field": "reason"})
    if reason == ContactRequest.DeclineReason.OTHER and not note:
        raise ApplicationError(
            _("选择“其他”时请写明具体原因。"), ErrorCode.REASON_REQUIRED, {"field": "note"}
        )
    label = str(ContactRequest.DeclineReason(reason).label)
    text = f"{label}：{note}" if note else label
    current = _contact_answer(
        actor=actor,
        request=request,
        to_status=ContactStatus.DECLINED,
        reason=text,
        decline_reason=reason,
        reply=note,
    )
    with _site_language():
        notify(
            recipients=[current.requester],
            kind="expert_contact_declined",
            title=_("%(name)s 婉拒了您的联系请求") % {"name": current.target.title},
            body=_("原因：%(reason)s") % {"reason": text},
            url=current.get_absolute_url(),
            about=current,
        )
    return current


@transaction.atomic
def contact_request_withdraw(*, actor: Any, request: ContactRequest) -> ContactRequest:
    """撤回: the requester takes back a request that has not been answered."""
    _require(_authenticated(actor) and request.requester_id == actor.pk, _("只有请求人本人可以撤回。"))
    current = lock(request)
    if current.status != ContactStatus.SUBMITTED:
        raise ApplicationError(_("这条联系请求已经答复过了，不能撤回。"), ErrorCode.INVALID_TRANSITION)
    current = transition(
        record=current, actor=actor, to_status=ContactStatus.WITHDRAWN, **_reply_changes(current, closed=True)
    )
    with _site_language():
        notify(
            recipients=contact_answerers(current.target),
            kind="expert_contact_withdrawn",
            title=_("%(name)s 撤回了联系请求") % {"name": actor.display_name},
            url=current.get_absolute_url(),
            about=current,
            email=False,
        )
    return current
