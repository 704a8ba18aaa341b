"""Writes of the 揭榜挂帅 lifecycle. One function per transition or action.

Each function checks the actor's permission on this object (``access``), takes the row locks it
needs inside ``transaction.atomic``, checks the current state against the workflow table, writes,
appends the event row (``verification.services.transition``) and tells the people concerned
(``notifications.services.notify``: an inbox item and an e-mail after commit).

Concurrency: every transition re-reads its row with ``SELECT … FOR UPDATE``. The award locks the
challenge row first, so two owners pressing 定榜 at once produce one award and one clear refusal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.common.choices import Phase
from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.lists.models import Cooperation, CooperationMilestone
from innomarket.notifications.recipients import city_admins, organisation_members
from innomarket.notifications.services import notify, reply_reminders_send
from innomarket.ops.uploads import removes_uploads_on_error, upload_stored
from innomarket.organisations.models import Organisation
from innomarket.talent.models import Expert, TechManager
from innomarket.verification.models import Source
from innomarket.verification.services import lock, record_event, transition

from . import access
from .models import (
    BIDDABLE_STATUSES,
    CANCELLABLE_STATUSES,
    NOT_FIT_REASONS,  # decline reasons that say the team did not fit (teach the recommender)
    Bid,
    BidAttachment,
    BrokerLedgerEntry,
    Challenge,
    ChallengeAttachment,
    ChallengeStatus,
    DeclineReason,
    DisclosureView,
    EvaluationCriterion,
    EvaluatorAssignment,
    Invitation,
    Reminder,
    Review,
    ReviewScore,
    TermsAcceptance,
    decline_reasons_text,
)

BID_FIELDS = ("team", "approach", "milestones", "price", "credentials", "introduced_by")
OPEN_BID_STATUSES = ("submitted", "shortlisted")


def _config(name: str) -> Any:
    return settings.INNOMARKET_CHALLENGES[name]


# ---------------------------------------------------------------- people to tell


def _owner_people(challenge: Challenge) -> list[Any]:
    people: list[Any] = list(organisation_members(challenge.owner_id)) if challenge.owner_id else []
    manager = challenge.tech_manager if challenge.tech_manager_id else None
    if manager is not None and manager.user_id:
        people.append(manager.user)
    return people


def _bidder_people(bid: Bid) -> list[Any]:
    return list(organisation_members(bid.organisation_id))


def _manage_url(challenge: Challenge) -> str:
    return reverse("challenges:manage", kwargs={"pk": challenge.pk})


def _bid_url(bid: Bid) -> str:
    return reverse("challenges:bid-detail", kwargs={"pk": bid.pk})


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _require_manager(actor: Any, challenge: Challenge) -> None:
    _require(access.can_manage(actor, challenge), _("只有发榜机构成员或本城市管理员可以执行此操作。"))


def _lock_challenge(challenge: Challenge) -> Challenge:
    return (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("owner", "city", "tech_manager")
        .get(pk=challenge.pk)
    )


# ---------------------------------------------------------------- publication follow-up


def on_status_changed(
    *, record: Challenge, actor: Any, from_status: str, to_status: str, reason: str, **kwargs: Any
) -> None:
    """Receiver of ``verification.signals.status_changed`` for challenges (see ``apps.py``)."""
    if to_status == ChallengeStatus.PUBLISHED and from_status == ChallengeStatus.SUBMITTED:
        notify(
            recipients=_owner_people(record),
            kind="challenge_published",
            title=_("榜单“%(title)s”已发布") % {"title": record.title},
            body=_("%(city)s管理员已核验并发布您的榜单。系统将邀请最匹配的揭榜方。") % {"city": record.city},
            url=_manage_url(record),
            about=record,
        )
        pk = record.pk
        transaction.on_commit(lambda: _enqueue_invitations(pk))
    elif to_status == ChallengeStatus.RETURNED:
        notify(
            recipients=_owner_people(record),
            kind="challenge_returned",
            title=_("榜单“%(title)s”被退回") % {"title": record.title},
            body=_("退回理由：%(reason)s") % {"reason": reason},
            url=reverse("site:workspace-listing", kwargs={"type_key": "challenge", "pk": record.pk}),
            about=record,
        )


def _enqueue_invitations(challenge_id: int) -> None:
    from .tasks import invite_suppliers_task

    invite_suppliers_task.enqueue(challenge_id)


def _invitation_reason(hit: Any) -> str:
    """Why a supplier is invited, in words the invitee can check: the evidence and what it shares."""
    parts = []
    titles = "".join(f"《{item.obj}》" for item in hit.evidence[:2])
    if titles:
        parts.append(_("相关成果或专长：%(titles)s") % {"titles": titles})
    terms = list(dict.fromkeys(t for item in hit.evidence for t in item.terms))[:6]
    if terms:
        parts.append(_("共同关键词：%(terms)s") % {"terms": "、".join(terms)})
    if hit.shared_fields:
        parts.append(_("共同领域：%(fields)s") % {"fields": "、".join(str(f) for f in hit.shared_fields)})
    if hit.city_relation == "same":
        parts.append(_("同城"))
    elif hit.city_relation == "neighbouring":
        parts.append(_("邻近城市"))
    return "；".join(str(p) for p in parts)


def invite_suppliers(challenge: Challenge) -> list[Invitation]:
    """邀请揭榜: invite the suppliers the recommender is sure enough of — calibrated probability at
    or above the stricter ``invite`` threshold — at most ``INVITE_TOP``, one per organisation, each
    with the evidence. Nobody is invited when nobody is that likely to fit."""
    from innomarket.matching.recommendations import invitable_suppliers

    if challenge.status not in BIDDABLE_STATUSES:
        return []
    top = int(_config("INVITE_TOP"))
    created: list[Invitation] = []
    seen: set[int] = set(challenge.invitations.values_list("organisation_id", flat=True))
    for hit in invitable_suppliers(challenge, k=top + len(seen)):
        organisation = hit.organisation
        if organisation.pk == challenge.owner_id or organisation.pk in seen:
            continue
        seen.add(organisation.pk)
        explanation = _invitation_reason(hit)
        via = hit.evidence[0]
        with transaction.atomic():
            invitation = Invitation.objects.create(
                challenge=challenge,
                organisation=organisation,
                via_type=via.listing_type.key,
                via_id=via.obj.pk,
                via_title=str(via.obj)[:200],
                explanation=explanation,
                score=float(hit.probability),
                supplier=hit.key,
            )
            notify(
                recipients=organisation_members(organisation.pk),
                kind="challenge_invitation",
                title=_("邀请揭榜：%(title)s") % {"title": challenge.title},
                body=_(
                    "平台根据“%(via)s”等公开信息，估计贵机构与这项榜单相关的可能性约为 %(p)d%%，"
                    "邀请您查看并考虑揭榜。%(why)s"
                )
                % {"via": invitation.via_title, "p": round(hit.probability * 100), "why": explanation},
                url=challenge.get_absolute_url(),
                about=invitation,
            )
        created.append(invitation)
        if len(created) >= top:
            break
    return created


def _learn(*, challenge: Challenge, organisation_id: int, kind: str) -> None:
    """Tell the recommender how a supplier answered (``matching.MatchOutcome``), after the commit.
    The supplier is the unit that was invited when there was an invitation, else the organisation."""
    from innomarket.matching.services import outcome_record

    supplier = (
        Invitation.objects.filter(challenge=challenge, organisation_id=organisation_id)
        .exclude(supplier="")
        .values_list("supplier", flat=True)
        .first()
    )
    transaction.on_commit(
        lambda: outcome_record(
            challenge=challenge, organisation_id=organisation_id, kind=kind, supplier=supplier or None
        )
    )


def clean_decline_reasons(reasons: Sequence[str] | str, note: str, *, missing: str) -> list[str]:
    """The structured reasons of a decline (one or several ``DeclineReason`` codes, in list order, each
    once); "other" needs a written note. Errors name the form field (``reasons`` or ``note``)."""
    given = [reasons] if isinstance(reasons, str) else list(reasons)
    given = [code for code in given if code]
    if not given:
        raise ApplicationError(missing, ErrorCode.REASON_REQUIRED, {"field": "reasons"})
    unknown = [code for code in given if code not in DeclineReason.values]
    if unknown:
        raise ApplicationError(
            _("无法识别的原因：%(codes)s") % {"codes": "、".join(unknown)},
            ErrorCode.VALIDATION,
            {"field": "reasons"},
        )
    codes = [code for code in DeclineReason.values if code in given]
    if DeclineReason.OTHER in codes and not note:
        raise ApplicationError(
            _("选择“其他”时请写明具体原因。"), ErrorCode.REASON_REQUIRED, {"field": "note"}
        )
    return codes


@transaction.atomic
def invitation_decline(
    *,
    actor: Any,
    invitation: Invitation,
    reasons: Sequence[str] | str = (),
    note: str = "",
    reason: str = "",
) -> Invitation:
    """婉拒邀请: the invited organisation answers that it will not bid (an answer, too), with one or
    several structured reasons (the list bid declines use); the not-fit ones teach the recommender.
    ``reason`` is the one-reason form of ``reasons``."""
    _require(roles.is_member_of(actor, invitation.organisation_id), _("只有受邀机构的成员可以答复邀请。"))
    note = (note or "").strip()[:300]
    codes = clean_decline_reasons(reasons or reason, note, missing=_("请选择婉拒的原因（可多选）。"))
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("challenge").get(pk=invitation.pk)
    )
    if invitation.status != Invitation.Status.SENT:
        raise ApplicationError(_("这条邀请已经答复过了。"), ErrorCode.INVALID_TRANSITION)
    invitation.status = Invitation.Status.DECLINED
    invitation.responded_at = timezone.now()
    invitation.decline_reasons = codes
    invitation.response_note = note
    invitation.save(
        update_fields=["status", "responded_at", "decline_reasons", "response_note", "updated_at"]
    )
    label = decline_reasons_text(codes)
    notify(
        recipients=_owner_people(invitation.challenge),
        kind="invitation_declined",
        title=_("%(org)s 婉拒了揭榜邀请") % {"org": invitation.organisation},
        body=f"{label}：{note}" if note else str(label),
        url=_manage_url(invitation.challenge),
        about=invitation,
    )
    _learn(
        challenge=invitation.challenge,
        organisation_id=invitation.organisation_id,
        kind="declined_not_fit" if NOT_FIT_REASONS.intersection(codes) else "declined_other",
    )
    return invitation


# ---------------------------------------------------------------- disclosure


@transaction.atomic
def terms_accept(*, actor: Any, challenge: Challenge) -> TermsAcceptance:
    """签署保密条款: recorded with the person, their organisation, the terms' version and the time."""
    organisations = access.verified_organisations(actor)
    _require(challenge.is_public, _("这项榜单当前不公开。"))
    _require(access.requires_terms(challenge), _("这项榜单的全文无需签署保密条款。"))
    _require(bool(organisations), _("只有已核验机构的成员登录后才能查看榜单全文。"))
    acceptance, _created = TermsAcceptance.objects.get_or_create(
        challenge=challenge,
        user=actor,
        defaults={"organisation": organisations[0], "terms_version": access.terms_version()},
    )
    if acceptance.terms_version != access.terms_version():
        acceptance.terms_version = access.terms_version()
        acceptance.accepted_at = timezone.now()
        acceptance.save(update_fields=["terms_version", "accepted_at"])
    return acceptance


def disclosure_log(
    *, user: Any, challenge: Challenge, part: str, attachment: ChallengeAttachment | None = None
) -> DisclosureView:
    """Log one view of a confidential part (the owner's own views are logged too, for completeness)."""
    acceptance = (
        TermsAcceptance.objects.filter(challenge=challenge, user=user).select_related("organisation").first()
    )
    if acceptance is not None:
        organisation: Organisation | None = acceptance.organisation
    else:
        orgs = access.verified_organisations(user)
        organisation = orgs[0] if orgs else None
    return DisclosureView.objects.create(
        challenge=challenge,
        user=user,
        organisation=organisation,
        part=part,
        attachment=attachment,
    )


def _upload_name(upload: UploadedFile) -> str:
    return (upload.name or "")[:200]


def _check_upload(upload: UploadedFile) -> None:
    max_mb = int(_config("ATTACHMENT_MAX_MB"))
    name = _upload_name(upload)
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in _config("ATTACHMENT_TYPES"):
        raise ApplicationError(
            _("不支持的附件类型“%(name)s”，允许：%(types)s。")
            % {"name": upload.name, "types": "、".join(_config("ATTACHMENT_TYPES"))},
            ErrorCode.VALIDATION,
            {"field": "attachments"},
        )
    if (upload.size or 0) > max_mb * 1024 * 1024:
        raise ApplicationError(
            _("附件“%(name)s”超过 %(mb)d MB。") % {"name": upload.name, "mb": max_mb},
            ErrorCode.VALIDATION,
            {"field": "attachments"},
        )


@transaction.atomic
def challenge_attach(
    *, actor: Any, challenge: Challenge, files: Iterable[UploadedFile]
) -> list[ChallengeAttachment]:
    _require_manager(actor, challenge)
    files = list(files)
    for upload in files:  # every file checked before any is written
        _check_upload(upload)
    created = []
    for upload in files:
        created.append(
            ChallengeAttachment.objects.create(
                challenge=challenge,
                file=upload,
                name=_upload_name(upload),
                size=upload.size or 0,
                uploaded_by=actor,
            )
        )
    return created


@transaction.atomic
def challenge_detach(*, actor: Any, attachment: ChallengeAttachment) -> None:
    _require_manager(actor, attachment.challenge)
    attachment.file.delete(save=False)
    attachment.delete()


# ---------------------------------------------------------------- technology manager and ledger


def _ledger(
    challenge: Challenge, tech_manager: TechManager | None, role: str, actor: Any, bid: Bid | None = None
) -> None:
    if tech_manager is None:
        return
    BrokerLedgerEntry.objects.get_or_create(
        challenge=challenge, tech_manager=tech_manager, role=role, defaults={"bid": bid, "recorded_by": actor}
    )


@transaction.atomic
def tech_manager_assign(*, actor: Any, challenge: Challenge, tech_manager: TechManager) -> Challenge:
    """指派技术经理人: the first one assigned is recorded in the ledger as having sourced the deal."""
    _require_manager(actor, challenge)
    if tech_manager.status not in TechManager.WORKFLOW.public:
        raise ApplicationError(
            _("只能指派已核验公开的技术经理人。"), ErrorCode.VALIDATION, {"field": "tech_manager"}
        )
    challenge = _lock_challenge(challenge)
    challenge.tech_manager = tech_manager
    challenge.save(update_fields=["tech_manager", "updated_at"])
    if not challenge.ledger.filter(role=BrokerLedgerEntry.Role.SOURCED).exists():
        _ledger(challenge, tech_manager, BrokerLedgerEntry.Role.SOURCED, actor)
    if tech_manager.user_id:
        notify(
            recipients=[tech_manager.user],
            kind="tech_manager_assigned",
            title=_("您被指派为榜单“%(title)s”的技术经理人") % {"title": challenge.title},
            url=_manage_url(challenge),
            about=challenge,
        )
    return challenge


# ---------------------------------------------------------------- bids


@dataclass(frozen=True)
class BidData:
    team: str = ""
    approach: str = ""
    milestones: str = ""
    price: Decimal | None = None
    credentials: str = ""
    introduced_by: TechManager | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> BidData:
        return cls(**{name: data.get(name, getattr(cls, name, None)) for name in BID_FIELDS})


def _check_biddable(challenge: Challenge) -> None:
    if challenge.status not in BIDDABLE_STATUSES:
        raise ApplicationError(
            _("榜单当前状态为“%(status)s”，不接受揭榜。") % {"status": challenge.get_status_display()},
            ErrorCode.INVALID_TRANSITION,
        )
    if challenge.deadline is not None and challenge.deadline < timezone.localdate():
        raise ApplicationError(
            _("揭榜已于 %(date)s 截止。") % {"date": challenge.deadline.isoformat()},
            ErrorCode.DEADLINE_PASSED,
        )


def _check_complete(data: BidData) -> None:
    required = (("team", _("团队")), ("approach", _("技术方案")), ("milestones", _("里程碑与进度")))
    missing = [(name, label) for name, label in required if not str(getattr(data, name) or "").strip()]
    if missing:
        raise ApplicationError(
            _("提交前请填写：%(fields)s。") % {"fields": "、".join(str(label) for _name, label in missing)},
            ErrorCode.VALIDATION,
            {"field": missing[0][0]},
        )
    if data.price is not None and data.price < 0:
        raise ApplicationError(_("报价不能为负数。"), ErrorCode.VALIDATION, {"field": "price"})


@removes_uploads_on_error  # a bid that fails after its files were stored leaves none
@transaction.atomic
def bid_create(
    *,
    actor: Any,
    challenge: Challenge,
    organisation: Organisation,
    data: BidData,
    files: Sequence[UploadedFile] = (),
    submit: bool = False,
) -> Bid:
    """我要揭榜: a member of a verified organisation (who accepted the terms, on a confidential challenge)
    answers an open challenge."""
    _require(roles.is_member_of(actor, organisation.pk), _("只能以本人所在机构的名义揭榜。"))
    if organisation.status not in Organisation.WORKFLOW.public:
        raise ApplicationError(
            _("机构“%(name)s”尚未通过核验，核验通过后才能揭榜。") % {"name": organisation.name},
            ErrorCode.ORGANISATION_NOT_VERIFIED,
        )
    challenge = _lock_challenge(challenge)
    if organisation.pk == challenge.owner_id:
        raise ApplicationError(_("发榜机构不能揭自己的榜。"), ErrorCode.VALIDATION)
    _check_biddable(challenge)
    if not access.has_terms_if_required(actor, challenge):
        raise ApplicationError(_("请先阅读并签署榜单保密条款。"), ErrorCode.TERMS_REQUIRED)
    if (
        Bid.objects.filter(challenge=challenge, organisation=organisation)
        .exclude(status__in=("withdrawn", "declined", "cancelled"))
        .exists()
    ):
        raise ApplicationError(
            _("“%(org)s”已有一份有效的揭榜方案，请修改原方案或先撤回。") % {"org": organisation.name},
            ErrorCode.DUPLICATE_BID,
        )
    bid = Bid(challenge=challenge, organisation=organisation, submitted_by=actor, status=Bid.Status.DRAFT)
    for name in BID_FIELDS:
        setattr(bid, name, getattr(data, name))
    try:
        with transaction.atomic():
            bid.full_clean(exclude=["challenge", "organisation"])
            bid.save()
    except IntegrityError as exc:  # the partial unique index, if two members press 提交 at once
        raise ApplicationError(
            _("“%(org)s”已有一份有效的揭榜方案。") % {"org": organisation.name}, ErrorCode.DUPLICATE_BID
        ) from exc
    record_event(record=bid, actor=actor, from_status="", to_status=bid.status, reason="创建")
    _save_bid_files(actor, bid, files)
    if submit:
        bid = bid_submit(actor=actor, bid=bid)
    return bid


def _save_bid_files(actor: Any, bid: Bid, files: Sequence[UploadedFile]) -> None:
    for upload in files:  # every file checked before any is written
        _check_upload(upload)
    for upload in files:
        attachment = BidAttachment.objects.create(
            bid=bid, file=upload, name=_upload_name(upload), size=upload.size or 0, uploaded_by=actor
        )
        upload_stored(attachment.file)


@removes_uploads_on_error  # a bid that fails after its files were stored leaves none
@transaction.atomic
def bid_update(
    *, actor: Any, bid: Bid, data: BidData, files: Sequence[UploadedFile] = (), submit: bool = False
) -> Bid:
    """Edit a draft or submitted bid until the deadline (a submitted bid stays submitted)."""
    _require(access.is_bidder(actor, bid), _("只有揭榜机构的成员可以修改方案。"))
    bid = lock(bid)
    if bid.status not in Bid.WORKFLOW.editable:
        raise ApplicationError(
            _("“%(status)s”的方案不能再修改。") % {"status": bid.get_status_display()},
            ErrorCode.INVALID_TRANSITION,
        )
    _check_biddable(bid.challenge)
    for name in BID_FIELDS:
        setattr(bid, name, getattr(data, name))
    if bid.status == Bid.Status.SUBMITTED:
        _check_complete(data)
    bid.full_clean(exclude=["challenge", "organisation"])
    bid.save()
    _save_bid_files(actor, bid, files)
    if bid.status == Bid.Status.SUBMITTED:
        record_event(
            record=bid, actor=actor, from_status=bid.status, to_status=bid.status, reason="方案已修改"
        )
        notify(
            recipients=_owner_people(bid.challenge),
            kind="bid_updated",
            title=_("%(org)s 修改了揭榜方案") % {"org": bid.organisation},
            url=_manage_url(bid.challenge),
            about=bid,
        )
    elif submit:
        bid = bid_submit(actor=actor, bid=bid)
    return bid


@transaction.atomic
def bid_submit(*, actor: Any, bid: Bid) -> Bid:
    _require(access.is_bidder(actor, bid), _("只有揭榜机构的成员可以提交方案。"))
    challenge = _lock_challenge(bid.challenge)
    _check_biddable(challenge)
    _check_complete(BidData(**{name: getattr(bid, name) for name in BID_FIELDS}))
    bid = transition(record=bid, actor=actor, to_status=Bid.Status.SUBMITTED, submitted_at=timezone.now())
    if challenge.status == ChallengeStatus.PUBLISHED:
        transition(record=challenge, actor=None, to_status=ChallengeStatus.BIDDING, reason="收到首个揭榜方案")
    Invitation.objects.filter(
        challenge=challenge, organisation_id=bid.organisation_id, status=Invitation.Status.SENT
    ).update(status=Invitation.Status.BID, responded_at=timezone.now())
    _learn(challenge=challenge, organisation_id=bid.organisation_id, kind="bid")
    _recuse_conflicted(challenge, bid)
    notify(
        recipients=_owner_people(challenge),
        kind="bid_submitted",
        title=_("收到揭榜方案：%(org)s") % {"org": bid.organisation},
        body=_("榜单“%(title)s”收到新的揭榜方案，请在 %(days)d 天内答复。")
        % {"title": challenge.title, "days": _config("RESPONSE_DAYS")},
        url=_manage_url(challenge),
        about=bid,
    )
    return bid


@transaction.atomic
def bid_withdraw(*, actor: Any, bid: Bid, reason: str = "") -> Bid:
    _require(access.is_bidder(actor, bid), _("只有揭榜机构的成员可以撤回方案。"))
    was_submitted = bid.status != Bid.Status.DRAFT
    bid = transition(record=bid, actor=actor, to_status=Bid.Status.WITHDRAWN, reason=(reason or "").strip())
    if was_submitted:
        notify(
            recipients=_owner_people(bid.challenge),
            kind="bid_withdrawn",
            title=_("%(org)s 撤回了揭榜方案") % {"org": bid.organisation},
            body=reason,
            url=_manage_url(bid.challenge),
            about=bid,
        )
    return bid


def _mark_responded(bid: Bid) -> dict[str, Any]:
    return {} if bid.responded_at else {"responded_at": timezone.now()}


@transaction.atomic
def bid_shortlist(*, actor: Any, bid: Bid) -> Bid:
    """入围: the bidder may now open the challenge's attachments."""
    _require_manager(actor, bid.challenge)
    challenge = _lock_challenge(bid.challenge)
    if challenge.status not in {ChallengeStatus.BIDDING, ChallengeStatus.EVALUATING}:
        raise ApplicationError(_("只有揭榜中或评审中的榜单可以确定入围方案。"), ErrorCode.INVALID_TRANSITION)
    bid = transition(record=bid, actor=actor, to_status=Bid.Status.SHORTLISTED, **_mark_responded(bid))
    _learn(challenge=challenge, organisation_id=bid.organisation_id, kind="shortlisted")
    notify(
        recipients=_bidder_people(bid),
        kind="bid_shortlisted",
        title=_("您的揭榜方案已入围：%(title)s") % {"title": challenge.title},
        body=_("您现在可以查看榜单附件。"),
        url=_bid_url(bid),
        about=bid,
    )
    return bid


@transaction.atomic
def bid_decline(
    *, actor: Any, bid: Bid, reasons: Sequence[str] | str = (), note: str = "", reason: str = ""
) -> Bid:
    """未入选: always with one or several structured reasons (and text when one is “other”) the bidder
    sees. ``reason`` is the one-reason form of ``reasons``."""
    _require_manager(actor, bid.challenge)
    note = (note or "").strip()
    codes = clean_decline_reasons(reasons or reason, note, missing=_("请选择未入选的原因（可多选）。"))
    label = decline_reasons_text(codes)
    bid = transition(
        record=bid,
        actor=actor,
        to_status=Bid.Status.DECLINED,
        reason=f"{label}：{note}" if note else str(label),
        decline_reasons=codes,
        decline_note=note,
        **_mark_responded(bid),
    )
    if NOT_FIT_REASONS.intersection(codes):
        _learn(challenge=bid.challenge, organisation_id=bid.organisation_id, kind="bid_declined_fit")
    _tell_declined(bid)
    return bid


def _tell_declined(bid: Bid) -> None:
    notify(
        recipients=_bidder_people(bid),
        kind="bid_declined",
        title=_("揭榜方案未入选：%(title)s") % {"title": bid.challenge.title},
        body=_("原因：%(reason)s。%(note)s")
        % {"reason": bid.decline_reasons_display, "note": bid.decline_note},
        url=_bid_url(bid),
        about=bid,
    )


# ---------------------------------------------------------------- evaluation


@transaction.atomic
def bidding_close(*, actor: Any, challenge: Challenge) -> Challenge:
    """截止揭榜, 进入评审: no more bids; assigned evaluators are told to score."""
    _require_manager(actor, challenge)
    challenge = _lock_challenge(challenge)
    if not challenge.bids.filter(status__in=OPEN_BID_STATUSES).exists():
        raise ApplicationError(_("还没有收到有效的揭榜方案，不能进入评审。"), ErrorCode.INVALID_TRANSITION)
    challenge = transition(record=challenge, actor=actor, to_status=ChallengeStatus.EVALUATING)
    evaluators = [
        a.expert.user for a in challenge.evaluators.select_related("expert__user") if a.expert.user_id
    ]
    notify(
        recipients=evaluators,
        kind="evaluation_open",
        title=_("榜单“%(title)s”进入评审") % {"title": challenge.title},
        url=reverse("challenges:evaluations"),
        about=challenge,
    )
    return challenge


@transaction.atomic
def criteria_set(
    *, actor: Any, challenge: Challenge, items: Sequence[tuple[str, int, str]]
) -> list[EvaluationCriterion]:
    """评审指标与权重. Fixed once the first review is in, so every bid is scored on the same scale."""
    _require_manager(actor, challenge)
    challenge = _lock_challenge(challenge)
    if Review.objects.filter(bid__challenge=challenge).exists():
        raise ApplicationError(_("已有专家打分，评审指标不能再修改。"), ErrorCode.INVALID_TRANSITION)
    cleaned: list[tuple[str, int, str]] = []
    names: set[str] = set()
    for index, (name, weight, description) in enumerate(items, start=1):
        name = (name or "").strip()
        if not name:
            continue
        if name in names:
            raise ApplicationError(
                _("评审指标“%(name)s”重复。") % {"name": name}, ErrorCode.VALIDATION, {"row": index}
            )
        if not isinstance(weight, int) or not 1 <= weight <= 100:
            raise ApplicationError(
                _("第 %(row)d 行“%(name)s”的权重应为 1–100 的整数。") % {"row": index, "name": name},
                ErrorCode.VALIDATION,
                {"row": index},
            )
        names.add(name)
        cleaned.append((name, weight, (description or "").strip()))
    if not cleaned:
        raise ApplicationError(_("请至少设置一项评审指标。"), ErrorCode.VALIDATION)
    challenge.criteria.all().delete()
    return [
        EvaluationCriterion.objects.create(challenge=challenge, name=n, weight=w, description=d, sort_order=i)
        for i, (n, w, d) in enumerate(cleaned)
    ]


DEFAULT_CRITERIA = (
    ("技术方案可行性", 40, ""),
    ("团队能力与业绩", 25, ""),
    ("报价合理性", 20, ""),
    ("进度安排", 15, ""),
)


def _expert_organisation_ids(expert: Expert) -> set[int]:
    ids = set(roles.member_organisation_ids(expert.user)) if expert.user_id else set()
    if expert.owner_id:
        ids.add(expert.owner_id)
    return ids


@transaction.atomic
def evaluator_assign(*, actor: Any, challenge: Challenge, expert: Expert) -> EvaluatorAssignment:
    _require_manager(actor, challenge)
    if expert.status not in Expert.WORKFLOW.public or not expert.accepts_evaluation:
        raise ApplicationError(
            _("只能邀请已核验且接受评审邀请的专家。"), ErrorCode.VALIDATION, {"field": "expert"}
        )
    if not expert.user_id:
        raise ApplicationError(
            _("专家“%(name)s”尚未关联平台账号，无法在线评审。") % {"name": expert.title},
            ErrorCode.VALIDATION,
            {"field": "expert"},
        )
    if challenge.owner_id and challenge.owner_id in _expert_organisation_ids(expert):
        raise ApplicationError(
            _("发榜机构的专家不能评审本机构的榜单。"), ErrorCode.CONFLICT_OF_INTEREST, {"field": "expert"}
        )
    challenge = _lock_challenge(challenge)
    if challenge.status not in {
        ChallengeStatus.PUBLISHED,
        ChallengeStatus.BIDDING,
        ChallengeStatus.EVALUATING,
    }:
        raise ApplicationError(_("当前状态不能再指派评审专家。"), ErrorCode.INVALID_TRANSITION)
    assignment, created = EvaluatorAssignment.objects.get_or_create(
        challenge=challenge, expert=expert, defaults={"assigned_by": actor}
    )
    if not created:
        raise ApplicationError(_("这位专家已在评审名单中。"), ErrorCode.VALIDATION, {"field": "expert"})
    if not challenge.criteria.exists():
        criteria_set(actor=actor, challenge=challenge, items=DEFAULT_CRITERIA)
    notify(
        recipients=[expert.user],
        kind="evaluator_assigned",
        title=_("评审邀请：%(title)s") % {"title": challenge.title},
        body=_("请先声明利益冲突，声明后才能查看揭榜方案并打分。"),
        url=reverse("challenges:evaluation", kwargs={"pk": assignment.pk}),
        about=assignment,
    )
    return assignment


def _conflict_reason(assignment: EvaluatorAssignment, challenge: Challenge) -> str:
    bidding = set(
        challenge.bids.exclude(status__in=("draft", "withdrawn")).values_list("organisation_id", flat=True)
    )
    shared = bidding & _expert_organisation_ids(assignment.expert)
    if shared:
        names = "、".join(Organisation.objects.filter(pk__in=shared).values_list("name", flat=True))
        return _("本人所在机构参与揭榜：%(orgs)s") % {"orgs": names}
    return ""


@transaction.atomic
def evaluator_declare(
    *, actor: Any, assignment: EvaluatorAssignment, has_conflict: bool, note: str = ""
) -> EvaluatorAssignment:
    """利益冲突声明: a declared conflict, or membership of a bidding organisation, recuses the evaluator."""
    assignment = (
        EvaluatorAssignment.objects.select_for_update(of=("self",))
        .select_related("expert", "challenge")
        .get(pk=assignment.pk)
    )
    _require(assignment.expert.user_id == getattr(actor, "pk", None), _("只有被指派的专家本人可以声明。"))
    if assignment.status != EvaluatorAssignment.Status.ASSIGNED:
        raise ApplicationError(_("已经声明过利益冲突。"), ErrorCode.INVALID_TRANSITION)
    note = (note or "").strip()
    if has_conflict and not note:
        raise ApplicationError(_("请说明存在的利益冲突。"), ErrorCode.REASON_REQUIRED, {"field": "note"})
    automatic = _conflict_reason(assignment, assignment.challenge)
    assignment.declared_at = timezone.now()
    assignment.conflict_note = note
    if has_conflict or automatic:
        assignment.status = EvaluatorAssignment.Status.RECUSED
        assignment.recusal_reason = (automatic or _("本人声明存在利益冲突"))[:300]
    else:
        assignment.status = EvaluatorAssignment.Status.ACTIVE
    assignment.save()
    if assignment.status == EvaluatorAssignment.Status.RECUSED:
        _tell_recused(assignment)
    return assignment


def _tell_recused(assignment: EvaluatorAssignment) -> None:
    notify(
        recipients=_owner_people(assignment.challenge),
        kind="evaluator_recused",
        title=_("评审专家 %(name)s 已回避") % {"name": assignment.expert.title},
        body=assignment.recusal_reason,
        url=_manage_url(assignment.challenge),
        about=assignment,
    )


def _recuse_conflicted(challenge: Challenge, bid: Bid) -> None:
    """A new bid from an evaluator's own organisation recuses that evaluator at once."""
    for assignment in (
        challenge.evaluators.select_for_update(of=("self",))
        .select_related("expert")
        .exclude(status=EvaluatorAssignment.Status.RECUSED)
    ):
        if bid.organisation_id in _expert_organisation_ids(assignment.expert):
            assignment.status = EvaluatorAssignment.Status.RECUSED
            assignment.recusal_reason = (
                _("本人所在机构参与揭榜：%(orgs)s") % {"orgs": bid.organisation.name}
            )[:300]
            assignment.save(update_fields=["status", "recusal_reason", "updated_at"])
            _tell_recused(assignment)


@transaction.atomic
def review_submit(
    *, actor: Any, assignment: EvaluatorAssignment, bid: Bid, scores: Mapping[int, int], comment: str = ""
) -> Review:
    """打分: every criterion 0–100; the weighted total is stored. Re-submitting replaces the review."""
    assignment = (
        EvaluatorAssignment.objects.select_for_update(of=("self",))
        .select_related("expert", "challenge")
        .get(pk=assignment.pk)
    )
    _require(assignment.expert.user_id == getattr(actor, "pk", None), _("只有被指派的专家本人可以打分。"))
    challenge = assignment.challenge
    if (
        assignment.status != EvaluatorAssignment.Status.ACTIVE
        or bid.organisation_id in _expert_organisation_ids(assignment.expert)
    ):
        raise ApplicationError(
            _("存在利益冲突或尚未声明利益冲突，不能打分。"), ErrorCode.CONFLICT_OF_INTEREST
        )
    if bid.challenge_id != challenge.pk:
        raise PermissionDenied(_("这份方案不属于您评审的榜单。"))
    if challenge.status != ChallengeStatus.EVALUATING:
        raise ApplicationError(_("榜单进入评审阶段后才能打分。"), ErrorCode.INVALID_TRANSITION)
    bid = lock(bid)
    if bid.status not in OPEN_BID_STATUSES:
        raise ApplicationError(
            _("“%(status)s”的方案不再评审。") % {"status": bid.get_status_display()},
            ErrorCode.INVALID_TRANSITION,
        )
    criteria = list(challenge.criteria.all())
    values: dict[int, int] = {}
    for criterion in criteria:
        raw = scores.get(criterion.pk)
        if raw is None or not isinstance(raw, int) or not 0 <= raw <= 100:
            raise ApplicationError(
                _("“%(name)s”请打 0–100 分。") % {"name": criterion.name},
                ErrorCode.VALIDATION,
                {"field": f"score_{criterion.pk}"},
            )
        values[criterion.pk] = raw
    weight_sum = sum(c.weight for c in criteria)
    total = (
        Decimal(sum(c.weight * values[c.pk] for c in criteria)) / Decimal(weight_sum)
        if weight_sum
        else Decimal(0)
    ).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    review, _created = Review.objects.update_or_create(
        assignment=assignment, bid=bid, defaults={"comment": (comment or "").strip(), "total": total}
    )
    review.scores.all().delete()
    ReviewScore.objects.bulk_create(
        ReviewScore(review=review, criterion_id=pk, value=v) for pk, v in values.items()
    )
    return review


# ---------------------------------------------------------------- award, contract, delivery


def parse_milestones(text: str, *, start: dt.date | None = None) -> list[tuple[str, dt.date]]:
    """Lines “YYYY-MM-DD 标题” (or “标题 YYYY-MM-DD”) → [(title, due date)]; errors name the line."""
    import re

    pattern = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
    result: list[tuple[str, dt.date]] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = pattern.search(line)
        if match is None:
            raise ApplicationError(
                _("里程碑第 %(line)d 行缺少计划完成日期（例如 2027-03-31 样机交付）。") % {"line": number},
                ErrorCode.VALIDATION,
                {"field": "milestones", "line": number},
            )
        try:
            due = dt.date(*(int(g) for g in match.groups()))
        except ValueError as exc:
            raise ApplicationError(
                _("里程碑第 %(line)d 行的日期“%(value)s”无效。") % {"line": number, "value": match.group(0)},
                ErrorCode.VALIDATION,
                {"field": "milestones", "line": number},
            ) from exc
        title = (line[: match.start()] + line[match.end() :]).strip(" ：:-—|，,")
        if not title:
            raise ApplicationError(
                _("里程碑第 %(line)d 行缺少名称。") % {"line": number},
                ErrorCode.VALIDATION,
                {"field": "milestones", "line": number},
            )
        result.append((title[:200], due))
    if not result:
        raise ApplicationError(
            _("请至少填写一个里程碑，每行一个：日期 名称。"), ErrorCode.VALIDATION, {"field": "milestones"}
        )
    return result


@transaction.atomic
def bid_award(*, actor: Any, bid: Bid, milestones: Sequence[tuple[str, dt.date]]) -> Cooperation:
    """定榜: the shortlisted bid wins; a Cooperation (合作清单, 进行时) with milestones is created; every
    other open bid is declined with a reason. The challenge row is locked first: one award only."""
    _require_manager(actor, bid.challenge)
    challenge = _lock_challenge(bid.challenge)
    if challenge.status != ChallengeStatus.EVALUATING:
        if challenge.status in {
            ChallengeStatus.AWARDED,
            ChallengeStatus.IN_PROGRESS,
            ChallengeStatus.COMPLETED,
        }:
            raise ApplicationError(_("这项榜单已经定榜。"), ErrorCode.ALREADY_AWARDED)
        raise ApplicationError(_("榜单进入评审阶段后才能定榜。"), ErrorCode.INVALID_TRANSITION)
    if not milestones:
        raise ApplicationError(_("请至少填写一个里程碑。"), ErrorCode.VALIDATION, {"field": "milestones"})
    bid = transition(record=bid, actor=actor, to_status=Bid.Status.AWARDED, **_mark_responded(bid))
    _learn(challenge=challenge, organisation_id=bid.organisation_id, kind="awarded")
    challenge = transition(
        record=challenge, actor=actor, to_status=ChallengeStatus.AWARDED, reason=str(bid.organisation)
    )
    now = timezone.now()
    cooperation = Cooperation(
        owner=challenge.owner,
        city=challenge.city,
        title=challenge.title,
        summary=_("揭榜挂帅：%(owner)s 发榜，%(bidder)s 揭榜。")
        % {"owner": challenge.owner, "bidder": bid.organisation},
        kind=Cooperation.Kind.JOINT_RESEARCH,
        phase=Phase.PRESENT,
        started_on=timezone.localdate(),
        amount_wan=bid.price,
        challenge=challenge,
        status="published",
        source=Source.FORM,
        published_at=now,
        last_verified_at=now,
        created_by=actor,
    )
    cooperation.full_clean()
    cooperation.save()
    cooperation.partners.set([o for o in (challenge.owner, bid.organisation) if o is not None])
    cooperation.partner_cities.set({challenge.city_id, bid.organisation.city_id})
    cooperation.fields.set(challenge.fields.all())
    record_event(
        record=cooperation, actor=actor, from_status="", to_status="published", reason="揭榜挂帅定榜"
    )
    CooperationMilestone.objects.bulk_create(
        CooperationMilestone(cooperation=cooperation, title=title, due_on=due, sort_order=i)
        for i, (title, due) in enumerate(milestones)
    )
    for other in challenge.bids.filter(status__in=OPEN_BID_STATUSES).exclude(pk=bid.pk):
        other = transition(
            record=other,
            actor=actor,
            to_status=Bid.Status.DECLINED,
            reason="已选定其他揭榜方案",
            decline_reasons=[DeclineReason.OTHER],
            decline_note=_("榜单已选定其他揭榜方案，感谢参与。"),
            **_mark_responded(other),
        )
        _tell_declined(other)
    _ledger(
        challenge, bid.introduced_by or challenge.tech_manager, BrokerLedgerEntry.Role.MATCHED, actor, bid
    )
    notify(
        recipients=_bidder_people(bid),
        kind="bid_awarded",
        title=_("恭喜，您的方案中榜：%(title)s") % {"title": challenge.title},
        body=_("请与发榜机构确认合同，里程碑已列入合作清单。"),
        url=_bid_url(bid),
        about=bid,
    )
    return cooperation


@transaction.atomic
def contract_sign(*, actor: Any, challenge: Challenge) -> Challenge:
    """签约: the awarded bid is contracted and the challenge is in progress (攻关中)."""
    _require_manager(actor, challenge)
    challenge = _lock_challenge(challenge)
    bid = challenge.bids.filter(status=Bid.Status.AWARDED).first()
    if challenge.status != ChallengeStatus.AWARDED or bid is None:
        raise ApplicationError(_("定榜后才能确认签约。"), ErrorCode.INVALID_TRANSITION)
    transition(record=bid, actor=actor, to_status=Bid.Status.CONTRACTED)
    challenge = transition(record=challenge, actor=actor, to_status=ChallengeStatus.IN_PROGRESS)
    _ledger(challenge, challenge.tech_manager, BrokerLedgerEntry.Role.CLOSED, actor, bid)
    notify(
        recipients=_bidder_people(bid) + _owner_people(challenge),
        kind="contract_signed",
        title=_("榜单“%(title)s”已签约，进入攻关") % {"title": challenge.title},
        url=_bid_url(bid),
        about=challenge,
    )
    return challenge


# 里程碑验收 (the bidder reports each milestone done, the owner accepts or returns it; the last
# acceptance completes the cooperation and the challenge) lives in ``milestones.py``.


@transaction.atomic
def challenge_cancel(*, actor: Any, challenge: Challenge, reason: str) -> Challenge:
    """取消榜单: with a reason every bidder receives; open bids are closed as cancelled."""
    _require_manager(actor, challenge)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("取消榜单必须填写理由，所有揭榜方都会收到。"), ErrorCode.REASON_REQUIRED, {"field": "reason"}
        )
    challenge = _lock_challenge(challenge)
    if challenge.status not in CANCELLABLE_STATUSES:
        raise ApplicationError(
            _("“%(status)s”的榜单不能取消。") % {"status": challenge.get_status_display()},
            ErrorCode.INVALID_TRANSITION,
        )
    challenge = transition(
        record=challenge,
        actor=actor,
        to_status=ChallengeStatus.CANCELLED,
        reason=reason,
        status_reason=reason,
    )
    bids = list(challenge.bids.exclude(status__in=("draft",)).select_related("organisation"))
    for bid in bids:
        if Bid.WORKFLOW.allows(bid.status, Bid.Status.CANCELLED):
            transition(record=bid, actor=actor, to_status=Bid.Status.CANCELLED, reason=reason)
    for cooperation in challenge.cooperations.filter(status="published"):
        transition(record=cooperation, actor=actor, to_status="archived", reason=reason, status_reason=reason)
    people = [u for bid in bids for u in _bidder_people(bid)]
    notify(
        recipients=people,
        kind="challenge_cancelled",
        title=_("榜单“%(title)s”已取消") % {"title": challenge.title},
        body=_("取消理由：%(reason)s") % {"reason": reason},
        url=challenge.get_absolute_url(),
        about=challenge,
    )
    return challenge


# ---------------------------------------------------------------- nobody left unanswered


@dataclass
class HousekeepingReport:
    closed: int = 0
    expired: int = 0
    reminded: int = 0
    escalated: int = 0
    replies_reminded: int = 0  # the other transactions' requests (notifications.replies)
    replies_escalated: int = 0
    vouchers_expired: int = 0  # 创新券 past their programme's 有效期止, unspent amounts returned
    scores_changed: int = 0  # 创新积分 rows recomputed (points.services.score_recompute)
    # Crash recovery (ops.services.recover): tasks of dead workers, stuck imports, index, orphan files.
    tasks_requeued: int = 0
    tasks_failed: int = 0
    imports_failed: int = 0
    index_missing: int = 0
    index_stale: int = 0
    index_removed: int = 0
    uploads_removed: int = 0


def _sent(*, level: str, bid: Bid | None = None, invitation: Invitation | None = None) -> bool:
    """Record a reminder once; False when it was already sent (unique constraint)."""
    try:
        with transaction.atomic():
            Reminder.objects.create(bid=bid, invitation=invitation, level=level)
    except IntegrityError:
        return False
    return True


def send_reminders(*, now: dt.datetime | None = None) -> HousekeepingReport:
    """催办: unanswered bids and invitations remind the owner and technology manager after
    ``RESPONSE_DAYS``, and escalate to the city's administrators after ``ESCALATE_DAYS``."""
    now = now or timezone.now()
    report = HousekeepingReport()
    remind_before = now - dt.timedelta(days=int(_config("RESPONSE_DAYS")))
    escalate_before = now - dt.timedelta(days=int(_config("ESCALATE_DAYS")))
    open_challenge = Q(challenge__status__in=("published", "bidding", "evaluating"))
    bids = Bid.objects.filter(
        open_challenge, status=Bid.Status.SUBMITTED, responded_at__isnull=True
    ).select_related("challenge__owner", "challenge__city", "challenge__tech_manager", "organisation")
    for bid in bids.filter(submitted_at__lte=remind_before):
        challenge = bid.challenge
        days = (now - bid.submitted_at).days if bid.submitted_at else 0
        if (
            bid.submitted_at
            and bid.submitted_at <= escalate_before
            and _sent(level=Reminder.Level.ESCALATE, bid=bid)
        ):
            _sent(level=Reminder.Level.REMIND, bid=bid)
            notify(
                recipients=city_admins(challenge.city_id),
                kind="bid_escalated",
                title=_("督办：%(org)s 的揭榜方案 %(days)d 天未获答复")
                % {"org": bid.organisation, "days": days},
                body=_("榜单“%(title)s”（%(owner)s）。")
                % {"title": challenge.title, "owner": challenge.owner},
                url=_manage_url(challenge),
                about=bid,
            )
            report.escalated += 1
        elif _sent(level=Reminder.Level.REMIND, bid=bid):
            notify(
                recipients=_owner_people(challenge),
                kind="bid_reminder",
                title=_("提醒：%(org)s 的揭榜方案已等待 %(days)d 天")
                % {"org": bid.organisation, "days": days},
                body=_("请入围、婉拒（并说明原因）或定榜，每位揭榜方都应得到答复。"),
                url=_manage_url(challenge),
                about=bid,
            )
            report.reminded += 1
    invitations = Invitation.objects.filter(open_challenge, status=Invitation.Status.SENT).select_related(
        "challenge__owner", "challenge__city", "challenge__tech_manager", "organisation"
    )
    for invitation in invitations.filter(created_at__lte=remind_before):
        challenge = invitation.challenge
        days = (now - invitation.created_at).days
        if invitation.created_at <= escalate_before and _sent(
            level=Reminder.Level.ESCALATE, invitation=invitation
        ):
            _sent(level=Reminder.Level.REMIND, invitation=invitation)
            notify(
                recipients=city_admins(challenge.city_id),
                kind="invitation_escalated",
                title=_("督办：揭榜邀请 %(days)d 天无回应（%(org)s）")
                % {"org": invitation.organisation, "days": days},
                body=_("榜单“%(title)s”。") % {"title": challenge.title},
                url=_manage_url(challenge),
                about=invitation,
            )
            report.escalated += 1
        elif _sent(level=Reminder.Level.REMIND, invitation=invitation):
            notify(
                recipients=[*_owner_people(challenge), *organisation_members(invitation.organisation_id)],
                kind="invitation_reminder",
                title=_("提醒：揭榜邀请 %(days)d 天无回应（%(org)s）")
                % {"org": invitation.organisation, "days": days},
                body=_("榜单“%(title)s”。受邀机构可以揭榜或婉拒；发榜方可以主动联系。")
                % {"title": challenge.title},
                url=challenge.get_absolute_url(),
                about=invitation,
            )
            report.reminded += 1
    return report


def close_due_challenges(*, today: dt.date | None = None) -> HousekeepingReport:
    """At the deadline: a challenge with bids goes to evaluation; one without bids expires."""
    today = today or timezone.localdate()
    report = HousekeepingReport()
    due = Challenge.objects.filter(status__in=BIDDABLE_STATUSES, deadline__lt=today).select_related(
        "owner", "city"
    )
    for challenge in due:
        with transaction.atomic():
            if challenge.bids.filter(status__in=OPEN_BID_STATUSES).exists():
                transition(
                    record=challenge, actor=None, to_status=ChallengeStatus.EVALUATING, reason="揭榜截止"
                )
                report.closed += 1
            else:
                transition(
                    record=challenge,
                    actor=None,
                    to_status=ChallengeStatus.EXPIRED,
                    reason="揭榜截止，未收到方案",
                )
                report.expired += 1
    return report


def housekeeping(*, now: dt.datetime | None = None) -> HousekeepingReport:
    now = now or timezone.now()
    closing = close_due_challenges(today=timezone.localdate(now))
    reminders = send_reminders(now=now)
    from innomarket.vouchers.services import vouchers_expire_due

    # Before the reply reminders: expiry lapses the vouchers' open 兑付 requests, nobody owes them.
    vouchers_expired = vouchers_expire_due(today=timezone.localdate(now))
    replies = reply_reminders_send(now=now)
    from innomarket.points.services import score_recompute

    scores_changed = score_recompute()  # platform records (awards, bookings) move scores too
    from innomarket.ops.services import recover

    recovery = recover(now=now)
    return HousekeepingReport(
        **asdict(recovery),
        closed=closing.closed,
        expired=closing.expired,
        reminded=reminders.reminded,
        escalated=reminders.escalated,
        replies_reminded=replies.reminded,
        replies_escalated=replies.escalated,
        scores_changed=scores_changed,
        vouchers_expired=vouchers_expired,
    )
