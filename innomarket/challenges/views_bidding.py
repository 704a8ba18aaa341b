"""The public and the bidder's side of 揭榜挂帅: tiers of disclosure on the challenge page, 我要揭榜,
the bid's page, 我的揭榜, invitations and milestones.

Views are thin: fetch, check the permission on this object (404 when the user may not even know it
exists, 403 or a message otherwise), call one service, message and redirect. Permissions are the
predicates of ``access``; the rules of the workflow are the services'.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError
from innomarket.common.forms import add_service_error
from innomarket.organisations.models import Organisation
from innomarket.verification.selectors import status_events_for

from . import access, selectors, services
from .forms import BidForm, bid_initial
from .models import (
    BIDDABLE_STATUSES,
    Bid,
    BidAttachment,
    Challenge,
    ChallengeAttachment,
    DisclosureView,
    Invitation,
)

NOTE_MAX_LENGTH = 300
# Bid statuses in which the winning bid's cooperation (合作清单) and its milestones are shown.
AWARDED_BID_STATUSES = frozenset({"awarded", "contracted"})


def _note(request: HttpRequest, name: str = "note") -> str:
    return (request.POST.get(name) or "").strip()[:NOTE_MAX_LENGTH]


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _closed_message(challenge: Challenge) -> str:
    if challenge.status not in BIDDABLE_STATUSES or challenge.deadline is None:
        return _("榜单当前状态为“%(status)s”，不接受揭榜。") % {"status": challenge.get_status_display()}
    return _("揭榜已于 %(date)s 截止。") % {"date": challenge.deadline.isoformat()}


def _days_left(challenge: Challenge) -> int | None:
    if challenge.deadline is None:
        return None
    return (challenge.deadline - timezone.localdate()).days


# ---------------------------------------------------------------- the challenge page (tiers of disclosure)


def disclosure_context(request: HttpRequest, challenge: Challenge) -> dict[str, Any]:
    """What the challenge page shows to this user: which tier, the bid and invitation panels.

    Each render of the full text is logged (``services.disclosure_log``) so the owner sees who read it.
    """
    user = request.user
    member_ids = roles.member_organisation_ids(user)
    verified = access.verified_organisations(user)
    full_text = access.can_read_full_text(user, challenge)
    public_text = challenge.confidentiality == Challenge.Confidentiality.PUBLIC
    if full_text:
        if user.is_authenticated and not public_text:  # who read a restricted text; a public one is public
            services.disclosure_log(user=user, challenge=challenge, part=DisclosureView.Part.FULL_TEXT)
        tier = "full"
    elif not user.is_authenticated:
        tier = "visitor"
    elif access.can_accept_terms(user, challenge):
        tier = "terms"
    elif member_ids:
        tier = "unverified"
    else:
        tier = "no_organisation"

    my_bids = selectors.live_bids_for(user, challenge)
    with_live_bid = {bid.organisation_id for bid in my_bids}
    bid_organisations = [o for o in verified if o.pk != challenge.owner_id]
    attachments = list(challenge.attachments.all()) if full_text else []
    return {
        "tier": tier,
        "requires_terms": access.requires_terms(challenge),
        "terms_version": access.terms_version(),
        "is_manager": access.can_manage(user, challenge),
        "is_evaluator": access.active_assignment(user, challenge) is not None,
        "attachments": attachments,
        "can_open_attachments": bool(attachments) and access.can_open_attachments(user, challenge),
        "my_bids": my_bids,
        "can_bid": challenge.is_open_for_bids and any(o.pk not in with_live_bid for o in bid_organisations),
        "days_left": _days_left(challenge),
        "invitations": list(selectors.open_invitations_for(user, challenge=challenge)),
        "decline_reasons": Invitation.DeclineReason.choices,
        "unverified_organisations": (
            list(Organisation.objects.filter(pk__in=member_ids).order_by("name"))
            if tier == "unverified"
            else []
        ),
    }


@require_POST
@login_required
def terms_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """同意并查看全文: record the acceptance (person, organisation, version, time), back to the page."""
    challenge = get_object_or_404(selectors.challenge_queryset(), pk=pk)
    try:
        services.terms_accept(actor=request.user, challenge=challenge)
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return redirect(challenge.get_absolute_url())
    messages.success(request, _("您已签署保密条款，以下为榜单全文。"))
    return redirect(f"{challenge.get_absolute_url()}#full-text")


def _file_response(field_file: Any, name: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("文件不存在。")) from exc
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    """A challenge attachment: shortlisted bidders who accepted the terms, evaluators, the owner, the city."""
    challenge = get_object_or_404(Challenge, pk=pk)
    attachment = get_object_or_404(ChallengeAttachment, pk=attachment_pk, challenge=challenge)
    if not access.can_open_attachments(request.user, challenge):
        raise Http404
    response = _file_response(attachment.file, attachment.name)
    services.disclosure_log(
        user=request.user, challenge=challenge, part=DisclosureView.Part.ATTACHMENT, attachment=attachment
    )
    return response


@require_POST
@login_required
def invitation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """婉拒邀请, with one or several structured reasons (and text for “other”) the owner reads."""
    invitation = get_object_or_404(Invitation.objects.select_related("challenge", "organisation"), pk=pk)
    if not roles.is_member_of(request.user, invitation.organisation_id):
        raise Http404
    try:
        services.invitation_decline(
            actor=request.user,
            invitation=invitation,
            reasons=[code.strip() for code in request.POST.getlist("reasons")],
            note=_note(request),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已婉拒邀请，发榜方会收到您的答复。"))
    return redirect(_safe_next(request) or invitation.challenge.get_absolute_url())


# ---------------------------------------------------------------- 我要揭榜


def _bid_page(request: HttpRequest, template: str, context: dict[str, Any], form: BidForm) -> HttpResponse:
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


def _saved_message(bid: Bid) -> str:
    if bid.status == Bid.Status.SUBMITTED:
        return _("方案已提交。发榜方将在 %(days)d 天内答复，结果会通知您。") % {
            "days": settings.INNOMARKET_CHALLENGES["RESPONSE_DAYS"]
        }
    return _("方案已保存为草稿，截止前可以继续修改并提交。")


@login_required
def bid_form(request: HttpRequest, pk: int) -> HttpResponse:
    """我要揭榜: a new bid for one of the user's verified organisations, saved as a draft or submitted."""
    challenge = get_object_or_404(selectors.challenge_queryset(), pk=pk)
    detail_url = challenge.get_absolute_url()
    organisations = [o for o in access.verified_organisations(request.user) if o.pk != challenge.owner_id]
    if not organisations:
        messages.error(request, _("只有已核验机构（发榜机构除外）的成员可以揭榜。"))
        return redirect(detail_url)
    if not access.has_terms_if_required(request.user, challenge):
        messages.warning(request, _("请先阅读并签署榜单的保密条款，再填写揭榜方案。"))
        return redirect(f"{detail_url}#terms")
    if not challenge.is_open_for_bids:
        messages.error(request, _closed_message(challenge))
        return redirect(detail_url)
    live = selectors.live_bids_for(request.user, challenge)
    free = [o for o in organisations if o.pk not in {b.organisation_id for b in live}]
    if request.method != "POST" and not free:
        messages.info(request, _("您的机构已有一份有效的揭榜方案，可以在这里修改或撤回。"))
        return redirect("challenges:bid-detail", pk=live[0].pk)

    form = BidForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        organisations=organisations,
        initial={"organisation": free[0] if free else organisations[0]},
    )
    if request.method == "POST" and form.is_valid():
        organisation = form.chosen_organisation()
        assert organisation is not None
        try:
            bid = services.bid_create(
                actor=request.user,
                challenge=challenge,
                organisation=organisation,
                data=form.bid_data(),
                files=form.files_list(),
                submit=request.POST.get("action") == "submit",
            )
        except (ApplicationError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _saved_message(bid))
            return redirect("challenges:bid-detail", pk=bid.pk)
    context = {
        "challenge": challenge,
        "bid": None,
        "organisations": organisations,
        "days_left": _days_left(challenge),
    }
    return _bid_page(request, "challenges/bid_form.html", context, form)


def _bid_for_viewer(request: HttpRequest, pk: int) -> Bid:
    """The bid if this user may see it (its organisation, the challenge's managers, active evaluators)."""
    bid = get_object_or_404(selectors.bid_queryset(), pk=pk)
    if not access.can_view_bid(request.user, bid):
        raise Http404
    return bid


def _bid_for_bidder(request: HttpRequest, pk: int) -> Bid:
    bid = _bid_for_viewer(request, pk)
    if not access.is_bidder(request.user, bid):
        raise PermissionDenied(_("只有揭榜机构的成员可以修改、提交或撤回方案。"))
    return bid


@login_required
def bid_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft or submitted bid until the deadline (a submitted bid stays submitted)."""
    bid = _bid_for_bidder(request, pk)
    challenge = bid.challenge
    if bid.status not in Bid.WORKFLOW.editable:
        messages.error(request, _("“%(status)s”的方案不能再修改。") % {"status": bid.get_status_display()})
        return redirect("challenges:bid-detail", pk=bid.pk)
    if not challenge.is_open_for_bids:
        messages.error(request, _closed_message(challenge))
        return redirect("challenges:bid-detail", pk=bid.pk)
    form = BidForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=bid_initial(bid),
    )
    if request.method == "POST" and form.is_valid():
        was_draft = bid.status == Bid.Status.DRAFT
        try:
            bid = services.bid_update(
                actor=request.user,
                bid=bid,
                data=form.bid_data(),
                files=form.files_list(),
                submit=request.POST.get("action") == "submit",
            )
        except (ApplicationError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            if was_draft or bid.status == Bid.Status.DRAFT:
                messages.success(request, _saved_message(bid))
            else:
                messages.success(request, _("修改已保存，发榜方会收到通知。"))
            return redirect("challenges:bid-detail", pk=bid.pk)
    context = {
        "challenge": challenge,
        "bid": bid,
        "existing_attachments": list(bid.attachments.all()),
        "days_left": _days_left(challenge),
    }
    return _bid_page(request, "challenges/bid_form.html", context, form)


@require_POST
@login_required
def bid_submit(request: HttpRequest, pk: int) -> HttpResponse:
    bid = _bid_for_bidder(request, pk)
    try:
        bid = services.bid_submit(actor=request.user, bid=bid)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _saved_message(bid))
    return redirect("challenges:bid-detail", pk=bid.pk)


@require_POST
@login_required
def bid_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """撤回方案, with an optional reason the owner reads."""
    bid = _bid_for_bidder(request, pk)
    try:
        services.bid_withdraw(actor=request.user, bid=bid, reason=_note(request, "reason"))
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("方案已撤回。截止前可以重新揭榜。"))
    return redirect("challenges:bid-detail", pk=bid.pk)


# ---------------------------------------------------------------- the bid's page


@login_required
def bid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bid = _bid_for_viewer(request, pk)
    challenge = bid.challenge
    user = request.user
    is_bidder = access.is_bidder(user, bid)
    open_for_bids = challenge.is_open_for_bids
    cooperation = challenge.cooperations.first() if bid.status in AWARDED_BID_STATUSES else None
    milestones = list(cooperation.milestones.all()) if cooperation is not None else []
    return render(
        request,
        "challenges/bid_detail.html",
        {
            "bid": bid,
            "challenge": challenge,
            "is_bidder": is_bidder,
            "is_manager": access.can_manage(user, challenge),
            "can_edit": is_bidder and bid.status in Bid.WORKFLOW.editable and open_for_bids,
            "can_submit": is_bidder and bid.status == Bid.Status.DRAFT and open_for_bids,
            "can_withdraw": is_bidder and Bid.WORKFLOW.allows(bid.status, Bid.Status.WITHDRAWN),
            "closed_message": (
                _closed_message(challenge)
                if is_bidder and bid.status in Bid.WORKFLOW.editable and not open_for_bids
                else ""
            ),
            "days_left": _days_left(challenge),
            "attachments": list(bid.attachments.all()),
            "history": status_events_for(bid),
            "cooperation": cooperation,
            "milestones": milestones,
            "today": timezone.localdate(),
        },
    )


@require_GET
@login_required
def bid_attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    bid = _bid_for_viewer(request, pk)
    attachment = get_object_or_404(BidAttachment, pk=attachment_pk, bid=bid)
    return _file_response(attachment.file, attachment.name)


# ---------------------------------------------------------------- 我的揭榜


@login_required
def my_bids(request: HttpRequest) -> HttpResponse:
    bids: QuerySet[Bid] = selectors.bids_for_user(request.user)
    return render(
        request,
        "challenges/my_bids.html",
        {
            "bids": bids,
            "invitations": selectors.open_invitations_for(request.user),
            "has_organisation": bool(roles.member_organisation_ids(request.user)),
            "today": timezone.localdate(),
        },
    )
