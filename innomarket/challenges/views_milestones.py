"""里程碑验收 pages: one page per milestone for the two parties (the bidder's report form, the owner's
验收 / 退回 forms, the history with the evidence files) and the evidence download.

Thin views: fetch, check the permission on this milestone (404 for anyone who is neither party nor
the cooperation city's administrator, 403 for a party pressing the other party's button), call one
service of ``milestones``, message and redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from innomarket.common.exceptions import ApplicationError, ErrorCode
from innomarket.common.forms import add_service_error
from innomarket.lists.models import CooperationMilestone, MilestoneEvidence, MilestoneStatus

from . import milestones
from .milestone_forms import MilestoneAcceptForm, MilestoneReportForm, MilestoneReturnForm
from .models import Bid, ChallengeStatus

# Errors that mean "not now / not you" rather than "fix this field": shown as a page message.
_STATE_ERRORS = frozenset({ErrorCode.INVALID_TRANSITION, ErrorCode.PERMISSION_DENIED})


def _milestone_for_viewer(request: HttpRequest, pk: int) -> CooperationMilestone:
    try:
        milestone = milestones.milestone_for_page(pk)
    except CooperationMilestone.DoesNotExist:
        raise Http404 from None
    if not milestones.can_view(request.user, milestone.cooperation):
        raise Http404
    return milestone


def _back_url(milestone: CooperationMilestone, *, is_reporter: bool) -> str:
    """The bid's page for the bidder, the console for the owner side."""
    challenge = milestone.cooperation.challenge
    assert challenge is not None  # milestone pages exist only for challenge cooperations
    if is_reporter:
        bid = (
            Bid.objects.filter(challenge=challenge, status__in=milestones.AWARDED_BID_STATUSES)
            .only("pk")
            .first()
        )
        if bid is not None:
            return reverse("challenges:bid-detail", kwargs={"pk": bid.pk})
    return reverse("challenges:manage", kwargs={"pk": challenge.pk}) + "#cooperation"


def _page(
    request: HttpRequest,
    milestone: CooperationMilestone,
    *,
    forms: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    forms = forms or {}
    cooperation = milestone.cooperation
    challenge = cooperation.challenge
    assert challenge is not None
    in_progress = challenge.status == ChallengeStatus.IN_PROGRESS
    is_reporter = milestones.is_reporter(request.user, cooperation)
    is_reviewer = milestones.is_reviewer(request.user, cooperation)
    # After a return, the bidder starts from what they wrote last time.
    initial = {"note": milestone.note} if milestone.return_reason else None
    context: dict[str, Any] = {
        "milestone": milestone,
        "cooperation": cooperation,
        "challenge": challenge,
        "history": milestones.milestone_history(milestone),
        "is_reporter": is_reporter,
        "is_reviewer": is_reviewer,
        "can_report": is_reporter and in_progress and milestone.status == MilestoneStatus.PENDING,
        "can_review": is_reviewer and in_progress and milestone.status == MilestoneStatus.REPORTED,
        "report_form": forms.get("report") or MilestoneReportForm(initial=initial),
        "return_form": forms.get("return") or MilestoneReturnForm(),
        "accept_form": forms.get("accept") or MilestoneAcceptForm(),
        "back_url": _back_url(milestone, is_reporter=is_reporter),
        "today": timezone.localdate(),
    }
    return render(request, "challenges/milestone_detail.html", context, status=status)


@require_GET
@login_required
def milestone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone_for_viewer(request, pk)
    return _page(request, milestone)


def _act(
    request: HttpRequest, milestone: CooperationMilestone, name: str, form: Form, call: Any, done: str
) -> HttpResponse:
    """Validate ``form``, call the service; a field error re-renders the page (400), a state error is a
    message, success a message; both go back to the milestone's page."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ApplicationError as exc:
            if exc.code in _STATE_ERRORS:
                messages.error(request, str(exc))
                return redirect("challenges:milestone", pk=milestone.pk)
            add_service_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("challenges:milestone", pk=milestone.pk)
    return _page(request, milestone, forms={name: form}, status=400)


@require_POST
@login_required
def milestone_report(request: HttpRequest, pk: int) -> HttpResponse:
    """报告完成 (the bidder's members): a note and optional evidence files."""
    milestone = _milestone_for_viewer(request, pk)
    if not milestones.is_reporter(request.user, milestone.cooperation):
        raise PermissionDenied(_("只有揭榜机构的成员可以报告里程碑完成。"))
    return _act(
        request,
        milestone,
        "report",
        MilestoneReportForm(request.POST, request.FILES),
        lambda data: milestones.milestone_report(
            actor=request.user, milestone=milestone, note=data["note"], files=data["evidence"]
        ),
        _("已报告完成，发榜方会收到通知并验收。"),
    )


@require_POST
@login_required
def milestone_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """验收 (the owner's members or the challenge city's administrators)."""
    milestone = _milestone_for_viewer(request, pk)
    if not milestones.is_reviewer(request.user, milestone.cooperation):
        raise PermissionDenied(_("只有发榜机构成员或本城市管理员可以验收或退回里程碑。"))
    return _act(
        request,
        milestone,
        "accept",
        MilestoneAcceptForm(request.POST),
        lambda data: milestones.milestone_accept(
            actor=request.user, milestone=milestone, comment=data["comment"]
        ),
        _("里程碑“%(title)s”已验收。") % {"title": milestone.title},
    )


@require_POST
@login_required
def milestone_return(request: HttpRequest, pk: int) -> HttpResponse:
    """退回 with a reason the bidder reads (the same people as 验收)."""
    milestone = _milestone_for_viewer(request, pk)
    if not milestones.is_reviewer(request.user, milestone.cooperation):
        raise PermissionDenied(_("只有发榜机构成员或本城市管理员可以验收或退回里程碑。"))
    return _act(
        request,
        milestone,
        "return",
        MilestoneReturnForm(request.POST),
        lambda data: milestones.milestone_return(
            actor=request.user, milestone=milestone, reason=data["reason"]
        ),
        _("里程碑已退回，揭榜方会收到退回理由。"),
    )


@require_GET
@login_required
def milestone_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponseBase:
    """A report's evidence file: the two parties and the cooperation city's administrators only."""
    milestone = _milestone_for_viewer(request, pk)
    evidence = get_object_or_404(MilestoneEvidence, pk=evidence_pk, milestone=milestone)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("文件不存在。")) from exc
    response = FileResponse(handle, as_attachment=True, filename=evidence.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
