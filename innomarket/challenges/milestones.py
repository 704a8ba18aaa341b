"""里程碑验收: the milestones of a 揭榜挂帅 cooperation, reported done by the bidder and accepted or
returned by the owner.

State machine (``lists.models.MILESTONE_WORKFLOW``), one service per transition:

    待完成 ──报告完成 (the bidder's members: a note, optional evidence files)──▶ 已报告完成
    已报告完成 ──验收 (the owner's members or the challenge city's administrators)──▶ 已验收
    已报告完成 ──退回 (the same people, with a reason the bidder reads)──▶ 待完成

Each transition locks the challenge, the cooperation and the milestone (in that order, the order of
``services.challenge_cancel``), checks the challenge is 攻关中 (contract signed), checks the milestone's
state, writes, appends a ``StatusEvent`` (the report's note, the return's reason, the acceptance's
comment) and notifies the other side. Accepting the last milestone moves the cooperation to 过去时
with ``ended_on`` the acceptance date (``started_on`` is the award date, set by ``bid_award``) and the
challenge to 已完成.

Evidence files live in the private storage (``INNOMARKET_PRIVATE_MEDIA_ROOT``) under random names and
are opened only by the two parties and the cooperation city's administrators (``can_view``).
The few reads the milestone pages need are at the end of this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.common.choices import Phase
from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.lists.models import Cooperation, CooperationMilestone, MilestoneEvidence, MilestoneStatus
from innomarket.notifications.recipients import organisation_members
from innomarket.notifications.services import notify
from innomarket.ops.uploads import removes_uploads_on_error, upload_stored
from innomarket.verification.models import StatusEvent
from innomarket.verification.services import lock, record_event, transition

from . import access
from .models import Bid, Challenge, ChallengeStatus

NOTE_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 1000
EVIDENCE_MAX_FILES = 10
# The winning bid of a challenge, before and after the contract.
AWARDED_BID_STATUSES = ("awarded", "contracted")
# System reason of the events that close the cooperation and the challenge (stored as written).
REASON_ALL_ACCEPTED = "全部里程碑已验收"


# ---------------------------------------------------------------- who may do what


def bidder_organisation_id(cooperation: Cooperation) -> int | None:
    """The organisation whose bid won the cooperation's challenge (None for other cooperations)."""
    if cooperation.challenge_id is None:
        return None
    return (
        Bid.objects.filter(challenge_id=cooperation.challenge_id, status__in=AWARDED_BID_STATUSES)
        .values_list("organisation_id", flat=True)
        .first()
    )


def is_reporter(user: Any, cooperation: Cooperation) -> bool:
    """Members of the winning bidder report milestones done."""
    return roles.is_member_of(user, bidder_organisation_id(cooperation))


def is_reviewer(user: Any, cooperation: Cooperation) -> bool:
    """The owner's members (and the challenge city's administrators, as on the console) accept or return."""
    challenge = cooperation.challenge
    return challenge is not None and access.can_manage(user, challenge)


def can_view(user: Any, cooperation: Cooperation) -> bool:
    """Milestone pages and evidence: the two parties and the cooperation city's administrators."""
    if cooperation.challenge_id is None:
        return False
    return is_reviewer(user, cooperation) or is_reporter(user, cooperation)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


# ---------------------------------------------------------------- locks and checks


def _lock_all(milestone: CooperationMilestone) -> tuple[Challenge | None, Cooperation, CooperationMilestone]:
    """Lock the challenge, the cooperation and the milestone, in that order. Inside ``transaction.atomic``."""
    challenge_id = Cooperation.objects.values_list("challenge_id", flat=True).get(pk=milestone.cooperation_id)
    challenge = None
    if challenge_id is not None:
        challenge = Challenge.objects.select_for_update(of=("self",)).get(pk=challenge_id)
    cooperation = Cooperation.objects.select_for_update(of=("self",)).get(pk=milestone.cooperation_id)
    cooperation.challenge = challenge  # the locked row, for the permission checks
    return challenge, cooperation, lock(milestone)


def _require_in_progress(challenge: Challenge | None) -> None:
    if challenge is None:
        raise ApplicationError(_("只有揭榜挂帅的合作项目需要里程碑验收。"), ErrorCode.INVALID_TRANSITION)
    if challenge.status != ChallengeStatus.IN_PROGRESS:
        raise ApplicationError(
            _("榜单当前为“%(status)s”：签约进入攻关后才能报告和验收里程碑。")
            % {"status": challenge.get_status_display()},
            ErrorCode.INVALID_TRANSITION,
        )


def _require_status(milestone: CooperationMilestone, expected: str) -> None:
    if milestone.status == expected:
        return
    messages: dict[str, str] = {
        MilestoneStatus.PENDING: _("这个里程碑尚未报告完成。"),
        MilestoneStatus.REPORTED: _("这个里程碑已报告完成，正在等待发榜方验收。"),
        MilestoneStatus.ACCEPTED: _("这个里程碑已经验收。"),
    }
    raise ApplicationError(
        messages.get(milestone.status, _("里程碑当前状态不允许这项操作。")),
        ErrorCode.INVALID_TRANSITION,
        {"from": milestone.status, "to": expected},
    )


def _text(value: str | None, *, field: str, required: str, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError(required, ErrorCode.REASON_REQUIRED, {"field": field})
    if len(text) > max_length:
        raise ApplicationError(
            _("请把内容控制在 %(max)d 字以内（现有 %(count)d 字）。")
            % {"max": max_length, "count": len(text)},
            ErrorCode.VALIDATION,
            {"field": field},
        )
    return text


def _check_evidence(files: list[UploadedFile]) -> None:
    """Same types and size limit as the challenge's attachments; every file checked before any is stored."""
    config = settings.INNOMARKET_CHALLENGES
    types = config["ATTACHMENT_TYPES"]
    max_mb = int(config["ATTACHMENT_MAX_MB"])
    if len(files) > EVIDENCE_MAX_FILES:
        raise ApplicationError(
            _("一次最多上传 %(count)d 个证明材料。") % {"count": EVIDENCE_MAX_FILES},
            ErrorCode.VALIDATION,
            {"field": "evidence"},
        )
    for upload in files:
        name = upload.name or ""
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix not in types:
            raise ApplicationError(
                _("不支持的文件类型“%(name)s”，允许：%(types)s。")
                % {"name": name, "types": "、".join(types)},
                ErrorCode.VALIDATION,
                {"field": "evidence"},
            )
        if (upload.size or 0) > max_mb * 1024 * 1024:
            raise ApplicationError(
                _("文件“%(name)s”超过 %(mb)d MB。") % {"name": name, "mb": max_mb},
                ErrorCode.VALIDATION,
                {"field": "evidence"},
            )


def _latest_event(milestone: CooperationMilestone) -> StatusEvent:
    """The event the transition just wrote (the caller holds the milestone's lock)."""
    return StatusEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(CooperationMilestone), object_id=milestone.pk
    ).latest("id")


def milestone_url(milestone: CooperationMilestone) -> str:
    return reverse("challenges:milestone", kwargs={"pk": milestone.pk})


def _owner_people(cooperation: Cooperation) -> list[Any]:
    return list(organisation_members(cooperation.owner_id)) if cooperation.owner_id else []


def _bidder_people(cooperation: Cooperation) -> list[Any]:
    bidder_id = bidder_organisation_id(cooperation)
    return list(organisation_members(bidder_id)) if bidder_id else []


# ---------------------------------------------------------------- transitions


@removes_uploads_on_error  # a report that fails after its files were stored leaves none
@transaction.atomic
def milestone_report(
    *, actor: Any, milestone: CooperationMilestone, note: str, files: Iterable[UploadedFile] = ()
) -> CooperationMilestone:
    """报告完成: the bidder says the milestone is done, with a note (required) and evidence (optional);
    the owner is told and 验收 is theirs. 待完成 → 已报告完成."""
    challenge, cooperation, milestone = _lock_all(milestone)
    _require(is_reporter(actor, cooperation), _("只有揭榜机构的成员可以报告里程碑完成。"))
    _require_in_progress(challenge)
    _require_status(milestone, MilestoneStatus.PENDING)
    note = _text(
        note,
        field="note",
        required=_("请填写完成说明：交付了什么、如何验证，发榜方据此验收。"),
        max_length=NOTE_MAX_LENGTH,
    )
    uploads = list(files)
    _check_evidence(uploads)
    milestone = transition(
        record=milestone,
        actor=actor,
        to_status=MilestoneStatus.REPORTED,
        reason=note,
        note=note,
        reported_at=timezone.now(),
        reported_by=actor,
    )
    report = _latest_event(milestone)
    for upload in uploads:
        evidence = MilestoneEvidence.objects.create(
            milestone=milestone,
            report=report,
            file=upload,
            name=(upload.name or "")[:200],
            size=upload.size or 0,
            uploaded_by=actor,
        )
        upload_stored(evidence.file)
    body = note
    if uploads:
        body += "\n\n" + _("附证明材料 %(count)d 个。") % {"count": len(uploads)}
    notify(
        recipients=_owner_people(cooperation),
        kind="milestone_reported",
        title=_("里程碑待验收：%(title)s") % {"title": milestone.title},
        body=body,
        url=milestone_url(milestone),
        about=milestone,
    )
    return milestone


@transaction.atomic
def milestone_return(*, actor: Any, milestone: CooperationMilestone, reason: str) -> CooperationMilestone:
    """退回: the owner does not accept the report, always with a reason the bidder reads; the bidder
    reports again. 已报告完成 → 待完成."""
    challenge, cooperation, milestone = _lock_all(milestone)
    _require(is_reviewer(actor, cooperation), _("只有发榜机构成员或本城市管理员可以验收或退回里程碑。"))
    _require_in_progress(challenge)
    _require_status(milestone, MilestoneStatus.REPORTED)
    reason = _text(
        reason,
        field="reason",
        required=_("退回时必须填写理由，说明还需要补充或修改什么。"),
        max_length=REASON_MAX_LENGTH,
    )
    milestone = transition(
        record=milestone, actor=actor, to_status=MilestoneStatus.PENDING, reason=reason, return_reason=reason
    )
    notify(
        recipients=_bidder_people(cooperation),
        kind="milestone_returned",
        title=_("里程碑未通过验收，已退回：%(title)s") % {"title": milestone.title},
        body=_("退回理由：%(reason)s") % {"reason": reason},
        url=milestone_url(milestone),
        about=milestone,
    )
    return milestone


@transaction.atomic
def milestone_accept(
    *, actor: Any, milestone: CooperationMilestone, comment: str = ""
) -> CooperationMilestone:
    """验收: the owner accepts the reported milestone (who and when are kept). The last acceptance
    completes the cooperation (过去时, ``ended_on`` today) and the challenge (已完成).
    已报告完成 → 已验收."""
    challenge, cooperation, milestone = _lock_all(milestone)
    _require(is_reviewer(actor, cooperation), _("只有发榜机构成员或本城市管理员可以验收或退回里程碑。"))
    _require_in_progress(challenge)
    _require_status(milestone, MilestoneStatus.REPORTED)
    comment = (comment or "").strip()
    if len(comment) > REASON_MAX_LENGTH:
        raise ApplicationError(
            _("请把验收意见控制在 %(max)d 字以内。") % {"max": REASON_MAX_LENGTH},
            ErrorCode.VALIDATION,
            {"field": "comment"},
        )
    now = timezone.now()
    milestone = transition(
        record=milestone,
        actor=actor,
        to_status=MilestoneStatus.ACCEPTED,
        reason=comment,
        accepted_at=now,
        accepted_by=actor,
        return_reason="",
    )
    notify(
        recipients=_bidder_people(cooperation),
        kind="milestone_accepted",
        title=_("里程碑已通过验收：%(title)s") % {"title": milestone.title},
        body=comment,
        url=milestone_url(milestone),
        about=milestone,
    )
    if not cooperation.milestones.exclude(status=MilestoneStatus.ACCEPTED).exists():
        assert challenge is not None  # _require_in_progress
        _complete(actor=actor, cooperation=cooperation, challenge=challenge, on=timezone.localdate(now))
    return milestone


def _complete(*, actor: Any, cooperation: Cooperation, challenge: Challenge, on: dt.date) -> None:
    """The last milestone is accepted: the cooperation ends that day (过去时), the challenge is 已完成.
    The caller holds the locks of both."""
    cooperation.phase = Phase.PAST
    cooperation.ended_on = on
    cooperation.save(update_fields=["phase", "ended_on", "updated_at"])
    record_event(
        record=cooperation,
        actor=actor,
        from_status=cooperation.status,
        to_status=cooperation.status,
        reason=REASON_ALL_ACCEPTED,
    )
    transition(record=challenge, actor=actor, to_status=ChallengeStatus.COMPLETED, reason=REASON_ALL_ACCEPTED)
    notify(
        recipients=_owner_people(cooperation) + _bidder_people(cooperation),
        kind="cooperation_completed",
        title=_("全部里程碑已验收，合作项目完成：%(title)s") % {"title": cooperation.title},
        url=cooperation.get_absolute_url(),
        about=cooperation,
    )


# ---------------------------------------------------------------- reads for the milestone pages


@dataclass
class HistoryEntry:
    """One step of a milestone: a report (with its evidence), a return or an acceptance."""

    event: StatusEvent
    kind: str  # "reported" | "returned" | "accepted"
    evidence: list[MilestoneEvidence] = field(default_factory=list)


def _kind(event: StatusEvent) -> str:
    if event.to_status == MilestoneStatus.REPORTED:
        return "reported"
    if event.to_status == MilestoneStatus.ACCEPTED:
        return "accepted"
    return "returned"


def milestone_history(milestone: CooperationMilestone) -> list[HistoryEntry]:
    """The milestone's reports, returns and acceptance, oldest first, each report with its files
    (two queries). Milestones completed before 验收 existed have no events, only ``accepted_at``."""
    events = list(
        StatusEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(CooperationMilestone), object_id=milestone.pk
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    files: dict[int | None, list[MilestoneEvidence]] = {}
    for evidence in milestone.evidence.all():
        files.setdefault(evidence.report_id, []).append(evidence)
    return [HistoryEntry(event=e, kind=_kind(e), evidence=files.get(e.pk, [])) for e in events]


def milestone_for_page(pk: int) -> CooperationMilestone:
    """The milestone with its cooperation, challenge and the people on it (raises DoesNotExist)."""
    return CooperationMilestone.objects.select_related(
        "cooperation__challenge__owner",
        "cooperation__challenge__city",
        "reported_by",
        "accepted_by",
    ).get(pk=pk)
