"""The owner's and city administrator's console (榜单管理) and the evaluators' pages (专家评审).

Views are thin: find the object, check the permission on the server (a challenge the user may not
manage, or an assignment that is not theirs, is answered with 404 so its existence is not
disclosed), parse one form, call one service, then message and redirect (POST/redirect/GET). A
service's refusal is shown as a message and, where a form was posted, on the field it names, with
the page re-rendered (status 400).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innomarket.common.exceptions import ApplicationError
from innomarket.common.forms import add_service_error
from innomarket.verification.selectors import status_events_for

from . import access, services
from . import manage_selectors as selectors
from .manage_forms import (
    AttachForm,
    AwardForm,
    CancelForm,
    CriteriaForm,
    DeclarationForm,
    DeclineForm,
    DetachForm,
    EvaluatorForm,
    ScoreForm,
    TechManagerForm,
)
from .models import Bid, Challenge, ChallengeStatus, DisclosureView, EvaluatorAssignment
from .selectors import pending_diagnosis

# ---------------------------------------------------------------- helpers


def _challenge_for_manager(request: HttpRequest, pk: int) -> Challenge:
    challenge = get_object_or_404(Challenge.objects.select_related("owner", "city", "tech_manager"), pk=pk)
    if not access.can_manage(request.user, challenge):
        raise Http404
    return challenge


def _bid_for_manager(request: HttpRequest, pk: int) -> Bid:
    bid = get_object_or_404(
        Bid.objects.select_related("organisation", "challenge", "challenge__owner", "challenge__city"), pk=pk
    )
    if bid.status == Bid.Status.DRAFT or not access.can_manage(request.user, bid.challenge):
        raise Http404
    return bid


def _manage_redirect(challenge: Challenge, anchor: str = "") -> HttpResponse:
    response = redirect("challenges:manage", pk=challenge.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _milestones_initial(bid: Bid) -> str:
    """The bid's own milestone text when every line of it parses, so the owner can accept it as is."""
    try:
        parsed = services.parse_milestones(bid.milestones)
    except ApplicationError:
        return ""
    return "\n".join(f"{due.isoformat()} {title}" for title, due in parsed)


# ---------------------------------------------------------------- the console


def _manage_page(
    request: HttpRequest,
    challenge: Challenge,
    *,
    forms: dict[str, Form] | None = None,
    bid_forms: dict[tuple[int, str], Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the console; ``forms`` / ``bid_forms`` replace the blank forms with bound ones that
    carry errors (keyed by action slug, or by (bid pk, action))."""
    forms = forms or {}
    bid_forms = bid_forms or {}
    criteria = selectors.criteria_with_shares(challenge)
    ranked = selectors.ranked_bids(challenge)
    reviewed = any(row.review_count for row in ranked) or selectors.has_reviews(challenge)
    open_bids = sum(1 for row in ranked if row.bid.status in selectors.OPEN_BID_STATUSES)
    for row in ranked:
        row.decline_form = bid_forms.get((row.bid.pk, "decline")) or DeclineForm(prefix=f"bid{row.bid.pk}")
        row.award_form = bid_forms.get((row.bid.pk, "award")) or AwardForm(
            prefix=f"bid{row.bid.pk}", initial={"milestones": _milestones_initial(row.bid)}
        )
    context: dict[str, Any] = {
        "challenge": challenge,
        "record": challenge,
        "actions": selectors.console_actions(challenge, open_bids=open_bids, reviewed=reviewed),
        "criteria": criteria,
        "reviewed": reviewed,
        "ranked": ranked,
        "overdue_count": sum(1 for row in ranked if row.overdue),
        "response_days": settings.INNOMARKET_CHALLENGES["RESPONSE_DAYS"],
        "evaluators": selectors.evaluator_assignments(challenge),
        "attachments": challenge.attachments.all(),
        "invitations": selectors.invitations_sent(challenge),
        "disclosures": selectors.disclosure_log(challenge),
        "acceptances": selectors.terms_acceptances(challenge),
        "ledger": selectors.ledger_entries(challenge),
        "cooperation": selectors.cooperation_of(challenge),
        "history": status_events_for(challenge),
        "diagnosis": pending_diagnosis(challenge),
        "cancel_form": forms.get("cancel") or CancelForm(),
        "tech_manager_form": forms.get("assign-tech-manager")
        or TechManagerForm(queryset=selectors.assignable_tech_managers()),
        "criteria_form": forms.get("criteria") or CriteriaForm(criteria=[c.criterion for c in criteria]),
        "evaluator_form": forms.get("assign-evaluator")
        or EvaluatorForm(queryset=selectors.assignable_experts(challenge)),
        "attach_form": forms.get("attach") or AttachForm(),
        "open_forms": set(forms),
    }
    return render(request, "challenges/manage.html", context, status=status)


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    """榜单管理: status and actions, ranked bids, evaluators, invitations, disclosure log, ledger, history."""
    challenge = _challenge_for_manager(request, pk)
    return _manage_page(request, challenge)


def _run(
    request: HttpRequest,
    challenge: Challenge,
    key: str,
    form: Form | None,
    call: Callable[[], object],
    success: str,
    *,
    anchor: str = "",
    bid: Bid | None = None,
) -> HttpResponse:
    """Validate ``form`` (if any), call the one service, then redirect to the console with a message;
    when the form or the service refuses, the console is shown again with the bound form (status 400)."""

    def again() -> HttpResponse:
        assert form is not None
        if bid is None:
            return _manage_page(request, challenge, forms={key: form}, status=400)
        return _manage_page(request, challenge, bid_forms={(bid.pk, key): form}, status=400)

    if form is not None and not form.is_valid():
        messages.error(request, _("请修正下面标出的错误。"))
        return again()
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, str(exc))
        if form is None:
            return _manage_redirect(challenge, anchor)
        if isinstance(form, CriteriaForm):
            form.add_row_error(exc.extra.get("row"), str(exc))
        else:
            add_service_error(form, exc)
        return again()
    messages.success(request, success)
    return _manage_redirect(challenge, anchor)


def _close_bidding(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    return _run(
        request,
        challenge,
        "close-bidding",
        None,
        lambda: services.bidding_close(actor=request.user, challenge=challenge),
        _("已截止揭榜，榜单进入评审。"),
    )


def _cancel(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    form = CancelForm(request.POST)
    return _run(
        request,
        challenge,
        "cancel",
        form,
        lambda: services.challenge_cancel(
            actor=request.user, challenge=challenge, reason=form.cleaned_data["reason"]
        ),
        _("榜单已取消，所有揭榜方都已收到取消理由。"),
    )


def _sign_contract(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    return _run(
        request,
        challenge,
        "sign-contract",
        None,
        lambda: services.contract_sign(actor=request.user, challenge=challenge),
        _("已确认签约，榜单进入攻关阶段。"),
        anchor="cooperation",
    )


def _assign_tech_manager(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    form = TechManagerForm(request.POST, queryset=selectors.assignable_tech_managers())
    return _run(
        request,
        challenge,
        "assign-tech-manager",
        form,
        lambda: services.tech_manager_assign(
            actor=request.user, challenge=challenge, tech_manager=form.cleaned_data["tech_manager"]
        ),
        _("已指派技术经理人。"),
        anchor="ledger",
    )


def _criteria(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    form = CriteriaForm(request.POST)
    return _run(
        request,
        challenge,
        "criteria",
        form,
        lambda: services.criteria_set(actor=request.user, challenge=challenge, items=form.items()),
        _("评审指标已保存。"),
        anchor="evaluation",
    )


def _assign_evaluator(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    form = EvaluatorForm(request.POST, queryset=selectors.assignable_experts(challenge))
    return _run(
        request,
        challenge,
        "assign-evaluator",
        form,
        lambda: services.evaluator_assign(
            actor=request.user, challenge=challenge, expert=form.cleaned_data["expert"]
        ),
        _("已邀请评审专家，专家声明利益冲突后即可评审。"),
        anchor="evaluation",
    )


def _attach(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    form = AttachForm(request.POST, request.FILES)
    return _run(
        request,
        challenge,
        "attach",
        form,
        lambda: services.challenge_attach(
            actor=request.user, challenge=challenge, files=form.cleaned_data["attachments"]
        ),
        _("附件已上传。"),
        anchor="attachments",
    )


def _detach(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    form = DetachForm(request.POST)
    if not form.is_valid():
        raise Http404
    attachment = get_object_or_404(challenge.attachments, pk=form.cleaned_data["attachment"])
    return _run(
        request,
        challenge,
        "detach",
        None,
        lambda: services.challenge_detach(actor=request.user, attachment=attachment),
        _("附件“%(name)s”已删除。") % {"name": attachment.name},
        anchor="attachments",
    )


CONSOLE_ACTIONS: dict[str, Callable[[HttpRequest, Challenge], HttpResponse]] = {
    "close-bidding": _close_bidding,
    "cancel": _cancel,
    "sign-contract": _sign_contract,
    "assign-tech-manager": _assign_tech_manager,
    "criteria": _criteria,
    "assign-evaluator": _assign_evaluator,
    "attach": _attach,
    "detach": _detach,
}


@login_required
@require_POST
def manage_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One POST per console action; ``action`` is the slug of the button that was pressed."""
    challenge = _challenge_for_manager(request, pk)
    handler = CONSOLE_ACTIONS.get(action)
    if handler is None:
        raise Http404
    return handler(request, challenge)


def _shortlist(request: HttpRequest, bid: Bid) -> HttpResponse:
    return _run(
        request,
        bid.challenge,
        "shortlist",
        None,
        lambda: services.bid_shortlist(actor=request.user, bid=bid),
        _("“%(org)s”的方案已入围，对方现在可以查看榜单附件。") % {"org": bid.organisation},
        anchor=f"bid-{bid.pk}",
        bid=bid,
    )


def _decline(request: HttpRequest, bid: Bid) -> HttpResponse:
    form = DeclineForm(request.POST, prefix=f"bid{bid.pk}")
    return _run(
        request,
        bid.challenge,
        "decline",
        form,
        lambda: services.bid_decline(
            actor=request.user, bid=bid, reasons=form.cleaned_data["reasons"], note=form.cleaned_data["note"]
        ),
        _("已答复“%(org)s”：未入选，对方会看到原因。") % {"org": bid.organisation},
        anchor=f"bid-{bid.pk}",
        bid=bid,
    )


def _award(request: HttpRequest, bid: Bid) -> HttpResponse:
    form = AwardForm(request.POST, prefix=f"bid{bid.pk}")

    def award() -> object:
        # A malformed line raises before anything is written, naming the line.
        milestones = services.parse_milestones(form.cleaned_data["milestones"])
        return services.bid_award(actor=request.user, bid=bid, milestones=milestones)

    return _run(
        request,
        bid.challenge,
        "award",
        form,
        award,
        _("已定榜：“%(org)s”中榜，合作项目已列入合作清单，其他方案已答复。") % {"org": bid.organisation},
        anchor="cooperation",
        bid=bid,
    )


BID_ACTIONS: dict[str, Callable[[HttpRequest, Bid], HttpResponse]] = {
    "shortlist": _shortlist,
    "decline": _decline,
    "award": _award,
}


@login_required
@require_POST
def bid_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """入围 / 未入选 / 定榜 on one bid, from the ranked list of the console."""
    bid = _bid_for_manager(request, pk)
    handler = BID_ACTIONS.get(action)
    if handler is None:
        raise Http404
    return handler(request, bid)


# ---------------------------------------------------------------- the evaluators' pages


@login_required
def evaluations(request: HttpRequest) -> HttpResponse:
    """我的评审任务: the signed-in expert's assignments."""
    return render(
        request, "challenges/evaluation_list.html", {"assignments": selectors.assignments_of(request.user)}
    )


def _assignment_for_expert(request: HttpRequest, pk: int) -> EvaluatorAssignment:
    assignment = get_object_or_404(
        EvaluatorAssignment.objects.select_related(
            "expert", "challenge", "challenge__owner", "challenge__city"
        ),
        pk=pk,
    )
    if assignment.expert.user_id is None or assignment.expert.user_id != request.user.pk:
        raise Http404
    return assignment


def _evaluation_page(
    request: HttpRequest,
    assignment: EvaluatorAssignment,
    *,
    declaration_form: DeclarationForm | None = None,
    score_forms: dict[int, ScoreForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    challenge = assignment.challenge
    context: dict[str, Any] = {"assignment": assignment, "challenge": challenge}
    if assignment.status == EvaluatorAssignment.Status.ASSIGNED:
        context["declaration_form"] = declaration_form or DeclarationForm()
    elif assignment.status == EvaluatorAssignment.Status.ACTIVE:
        # The full text is a confidential part: every view of it is logged for the owner.
        services.disclosure_log(user=request.user, challenge=challenge, part=DisclosureView.Part.FULL_TEXT)
        criteria = selectors.criteria_with_shares(challenge)
        rows = selectors.bids_to_score(assignment)
        score_forms = score_forms or {}
        for row in rows:
            row.form = score_forms.get(row.bid.pk) or ScoreForm(
                prefix=f"bid{row.bid.pk}",
                criteria=[c.criterion for c in criteria],
                previous=row.previous,
                comment=row.review.comment if row.review else "",
            )
        context.update(
            {
                "criteria": criteria,
                "rows": rows,
                "attachments": challenge.attachments.all(),
                "can_score": challenge.status == ChallengeStatus.EVALUATING,
            }
        )
    return render(request, "challenges/evaluation.html", context, status=status)


def _declare(request: HttpRequest, assignment: EvaluatorAssignment) -> HttpResponse:
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        return _evaluation_page(request, assignment, declaration_form=form, status=400)
    try:
        assignment = services.evaluator_declare(
            actor=request.user,
            assignment=assignment,
            has_conflict=form.cleaned_data["has_conflict"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as exc:
        messages.error(request, str(exc))
        add_service_error(form, exc)
        return _evaluation_page(request, assignment, declaration_form=form, status=400)
    if assignment.status == EvaluatorAssignment.Status.RECUSED:
        messages.warning(
            request, _("您已回避本榜单的评审：%(reason)s") % {"reason": assignment.recusal_reason}
        )
    else:
        messages.success(request, _("已声明无利益冲突，现在可以查看揭榜方案并打分。"))
    return redirect("challenges:evaluation", pk=assignment.pk)


def _score(request: HttpRequest, assignment: EvaluatorAssignment) -> HttpResponse:
    if assignment.status != EvaluatorAssignment.Status.ACTIVE:
        # Nothing about the bids is revealed to an evaluator who has not declared or is recused.
        messages.error(request, _("存在利益冲突或尚未声明利益冲突，不能打分。"))
        return redirect("challenges:evaluation", pk=assignment.pk)
    bid = get_object_or_404(
        Bid.objects.select_related("organisation"),
        pk=request.POST.get("bid") or 0,
        challenge=assignment.challenge,
        status__in=selectors.OPEN_BID_STATUSES,
    )
    form = ScoreForm(request.POST, prefix=f"bid{bid.pk}", criteria=list(assignment.challenge.criteria.all()))
    if not form.is_valid():
        messages.error(request, _("请修正下面标出的错误。"))
        return _evaluation_page(request, assignment, score_forms={bid.pk: form}, status=400)
    try:
        services.review_submit(
            actor=request.user,
            assignment=assignment,
            bid=bid,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
        )
    except ApplicationError as exc:
        messages.error(request, str(exc))
        add_service_error(form, exc)
        return _evaluation_page(request, assignment, score_forms={bid.pk: form}, status=400)
    messages.success(request, _("已保存对“%(org)s”方案的评分。") % {"org": bid.organisation})
    response = redirect("challenges:evaluation", pk=assignment.pk)
    response["Location"] += f"#bid-{bid.pk}"
    return response


@login_required
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    """专家评审: declare conflicts first; then read the full text and score each open bid."""
    assignment = _assignment_for_expert(request, pk)
    if request.method == "POST":
        intent = request.POST.get("intent")
        if intent == "declare":
            return _declare(request, assignment)
        if intent == "score":
            return _score(request, assignment)
        raise Http404
    return _evaluation_page(request, assignment)
