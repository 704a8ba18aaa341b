"""金融服务 in the member workspace: apply for a product, answer applications, express and answer interest.

Thin views: find the object, check that the user may see it (anything else is a 404, so another
party's application is not disclosed), bind one form, call one service, render. Services check the
permission for the action again and raise ``ApplicationError``; its message is shown on the field it
names.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError
from innomarket.common.forms import add_service_error
from innomarket.points import selectors as points
from innomarket.verification.selectors import status_events_for

from . import access, forms, score_fit, selectors, services
from .models import (
    LOAN_AWAITING_INSTITUTION,
    LOAN_OPEN,
    FinancingInterest,
    LoanApplication,
    LoanApplicationAttachment,
    LoanApplicationStatus,
)


def _files(form: Form) -> list[Any]:
    return list(form.cleaned_data.get("attachments") or [])


def _waiting_days(record: Any) -> int | None:
    if record.awaiting_since is None:
        return None
    return (timezone.now() - record.awaiting_since).days


# ---------------------------------------------------------------- home


@login_required
def finance_home(request: HttpRequest) -> HttpResponse:
    """金融服务工作台: an institution's applications by status and the requests it can answer;
    an enterprise's applications and the interests it received."""
    user = request.user
    chosen_status = request.GET.get("status", "")
    if chosen_status not in LoanApplicationStatus.values:
        chosen_status = ""
    institutions = []
    for organisation in selectors.institutions_of(user):
        counts = selectors.application_status_counts(organisation)
        applications = list(selectors.applications_received(organisation, status=chosen_status or None)[:100])
        institutions.append(
            {
                "organisation": organisation,
                "verified": access.is_verified(organisation),
                "tabs": [
                    {"value": value, "label": label, "count": counts.get(value, 0)}
                    for value, label in LoanApplicationStatus.choices
                ],
                "total": sum(counts.values()),
                "applications": [{"record": a, "waiting_days": _waiting_days(a)} for a in applications],
                "requests": selectors.open_financing_requests(organisation),
                "interests": list(selectors.interests_made(organisation)[:50]),
                "consent_count": selectors.consent_count(organisation),
            }
        )
    enterprises = selectors.enterprises_of(user)
    enterprise_ids = [o.pk for o in enterprises]
    received = list(selectors.interests_received(enterprise_ids)[:100]) if enterprises else []
    return render(
        request,
        "finance/workspace/home.html",
        {
            "institutions": institutions,
            "chosen_status": chosen_status,
            "enterprises": enterprises,
            "my_applications": list(selectors.applications_made(enterprise_ids)[:100]) if enterprises else [],
            "interests_received": [{"record": i, "waiting_days": _waiting_days(i)} for i in received],
            "response_days": settings.INNOMARKET_REPLIES["RESPONSE_DAYS"],
        },
    )


# ---------------------------------------------------------------- 融资申请


@login_required
def application_new(request: HttpRequest, product_pk: int) -> HttpResponse:
    """申请金融产品 (the enterprise side)."""
    product = get_object_or_404(selectors.product_queryset().select_related("owner", "city"), pk=product_pk)
    enterprises = selectors.enterprises_of(request.user)
    form = forms.LoanApplicationForm(
        request.POST or None, request.FILES or None, product=product, organisations=enterprises
    )
    if request.method == "POST" and enterprises and form.is_valid():
        try:
            application = services.loan_application_submit(
                actor=request.user,
                product=product,
                applicant=form.cleaned_data["applicant"],
                amount_wan=form.cleaned_data["amount_wan"],
                term_months=form.cleaned_data.get("term_months"),
                purpose=form.cleaned_data["purpose"],
                company_profile=form.cleaned_data.get("company_profile", ""),
                files=_files(form),
                share_score=form.cleaned_data.get("share_score", False),
            )
        except (ApplicationError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("申请已提交给%(institution)s，答复会出现在这里和您的消息中。")
                % {"institution": application.institution.name},
            )
            return redirect(application.get_absolute_url())
    return render(
        request,
        "finance/workspace/application_form.html",
        {
            "product": product,
            "form": form,
            "enterprises": enterprises,
            "range_text": services.product_range_text(product),
            "tier_fits": score_fit.fits_for_viewer(request.user, product),
        },
        status=400 if request.method == "POST" else 200,
    )


def _application_or_404(request: HttpRequest, pk: int) -> LoanApplication:
    try:
        application = selectors.application_for(pk)
    except LoanApplication.DoesNotExist:
        raise Http404 from None
    if not access.can_view_application(request.user, application):
        raise Http404
    return application


APPLICATION_ACTIONS: dict[str, tuple[str, type[Form]]] = {
    "accept": ("institution", forms.AcceptForm),
    "info": ("institution", forms.InfoRequestForm),
    "grant": ("institution", forms.GrantForm),
    "decline": ("institution", forms.LoanDeclineForm),
    "resubmit": ("applicant", forms.ResubmitForm),
    "withdraw": ("applicant", forms.WithdrawForm),
}


def _application_actions(user: Any, application: LoanApplication) -> list[str]:
    status = application.status
    actions: list[str] = []
    if access.institution_side(user, application):
        if status == "submitted":
            actions.append("accept")
        if status in LOAN_AWAITING_INSTITUTION:
            actions += ["info", "grant"]
        if status in LOAN_OPEN:
            actions.append("decline")
    if access.applicant_side(user, application):
        if status == "needs_info":
            actions.append("resubmit")
        if status in LOAN_OPEN:
            actions.append("withdraw")
    return actions


def _application_page(
    request: HttpRequest,
    application: LoanApplication,
    *,
    bound: tuple[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    allowed = _application_actions(user, application)
    action_forms = {}
    for name in allowed:
        if bound is not None and bound[0] == name:
            action_forms[name] = bound[1]
        elif name == "grant":
            action_forms[name] = forms.GrantForm(
                initial={"amount_wan": application.amount_wan, "term_months": application.term_months},
                auto_id=f"id_{name}_%s",
            )
        else:
            action_forms[name] = APPLICATION_ACTIONS[name][1](auto_id=f"id_{name}_%s")
    can_open = access.can_open_application_files(user, application)
    # 创新积分: the two parties see it only while the enterprise's consent to the institution is active.
    party = access.institution_side(user, application) or access.applicant_side(user, application)
    score_view = selectors.application_score(application) if party else None
    return render(
        request,
        "finance/workspace/application_detail.html",
        {
            "application": application,
            "product": application.product,
            "is_institution": access.institution_side(user, application),
            "is_applicant": access.applicant_side(user, application),
            "action_forms": action_forms,
            "open_action": bound[0] if bound else "",
            "attachments": list(selectors.application_attachments(application)) if can_open else [],
            "can_open_files": can_open,
            "history": status_events_for(application),
            "waiting_days": _waiting_days(application),
            "range_text": services.product_range_text(application.product),
            "score_view": score_view,
            "show_score": score_view is not None
            and (application.product.uses_innovation_score or score_view.state != "none"),
            "score_url": score_fit.score_url(application.applicant_id),
        },
        status=status,
    )


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _application_page(request, _application_or_404(request, pk))


@login_required
@require_POST
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    application = _application_or_404(request, pk)
    if action not in APPLICATION_ACTIONS:
        raise Http404
    form = APPLICATION_ACTIONS[action][1](request.POST, request.FILES or None, auto_id=f"id_{action}_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "accept":
                services.loan_application_accept(
                    actor=request.user, application=application, note=data["note"]
                )
                done = _("已受理。请在审批后答复授信或婉拒。")
            elif action == "info":
                services.loan_application_request_info(
                    actor=request.user, application=application, info_request=data["info_request"]
                )
                done = _("已请企业补充材料，企业重新提交后会通知您。")
            elif action == "grant":
                services.loan_application_grant(
                    actor=request.user,
                    application=application,
                    amount_wan=data["amount_wan"],
                    term_months=data.get("term_months"),
                    note=data["note"],
                    files=_files(form),
                )
                done = _("已答复授信，企业会收到通知。")
            elif action == "decline":
                services.loan_application_decline(
                    actor=request.user, application=application, reason=data["reason"], note=data["note"]
                )
                done = _("已答复婉拒，企业会看到原因。")
            elif action == "resubmit":
                services.loan_application_resubmit(
                    actor=request.user, application=application, note=data["note"], files=_files(form)
                )
                done = _("补充材料已提交，等待机构继续办理。")
            else:
                services.loan_application_withdraw(
                    actor=request.user, application=application, note=data["note"]
                )
                done = _("申请已撤回。")
        except (ApplicationError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(application.get_absolute_url())
    application = selectors.application_for(application.pk)
    return _application_page(request, application, bound=(action, form), status=400)


@login_required
@require_GET
def application_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """An attachment, to the two parties only (a city administrator following up sees that it exists)."""
    application = _application_or_404(request, pk)
    attachment = get_object_or_404(LoanApplicationAttachment, pk=file_pk, application=application)
    if not access.can_open_application_files(request.user, application):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("文件不存在。")) from exc
    response = FileResponse(handle, as_attachment=True, filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- 已授权企业 (创新积分)


@login_required
@require_GET
def consented_enterprises(request: HttpRequest) -> HttpResponse:
    """已授权企业: the enterprises that let this institution see their 创新积分, by tier. Institutions only
    (anyone else gets a 404); an institution sees only the consents given to itself."""
    institutions = selectors.institutions_of(request.user)
    if not institutions:
        raise Http404
    chosen = next((o for o in institutions if str(o.pk) == request.GET.get("org", "")), institutions[0])
    tier = request.GET.get("tier", "")
    if tier not in points.TIERS:
        tier = ""
    city = request.GET.get("city", "")[:60]
    listing = selectors.consenting_enterprises(chosen, tier=tier, city_slug=city)
    return render(
        request,
        "finance/workspace/consents.html",
        {
            "institutions": institutions,
            "institution": chosen,
            "tier": tier,
            "city": city,
            "tiers": [{"tier": t, "count": listing["tier_counts"].get(t, 0)} for t in points.TIERS],
            **listing,
        },
    )


# ---------------------------------------------------------------- 投融资意向


@login_required
def interest_new(request: HttpRequest, request_pk: int) -> HttpResponse:
    """表达意向 (the institution side) on a published financing request."""
    financing = get_object_or_404(
        selectors.financing_queryset().select_related("owner", "city"), pk=request_pk
    )
    institutions = selectors.institutions_of(request.user)
    form = forms.InterestForm(request.POST or None, organisations=institutions)
    if request.method == "GET" and financing.amount_wan:
        form.initial.update({"amount_max_wan": financing.amount_wan})
    if request.method == "POST" and institutions and form.is_valid():
        try:
            interest = services.financing_interest_submit(
                actor=request.user,
                request=financing,
                institution=form.cleaned_data["institution"],
                amount_min_wan=form.cleaned_data["amount_min_wan"],
                amount_max_wan=form.cleaned_data["amount_max_wan"],
                note=form.cleaned_data["note"],
            )
        except (ApplicationError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("意向已发送给%(name)s。") % {"name": financing.owner.name})
            return redirect(interest.get_absolute_url())
    return render(
        request,
        "finance/workspace/interest_form.html",
        {"financing": financing, "form": form, "institutions": institutions},
        status=400 if request.method == "POST" else 200,
    )


def _interest_or_404(request: HttpRequest, pk: int) -> FinancingInterest:
    try:
        interest = selectors.interest_for(pk)
    except FinancingInterest.DoesNotExist:
        raise Http404 from None
    if not access.can_view_interest(request.user, interest):
        raise Http404
    return interest


INTEREST_ACTIONS: dict[str, type[Form]] = {
    "accept": forms.InterestAcceptForm,
    "decline": forms.InterestDeclineForm,
    "withdraw": forms.WithdrawForm,
}


def _interest_page(
    request: HttpRequest,
    interest: FinancingInterest,
    *,
    bound: tuple[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    allowed: list[str] = []
    if interest.status == "submitted":
        if access.interest_requester_side(user, interest):
            allowed += ["accept", "decline"]
        if access.interest_institution_side(user, interest):
            allowed.append("withdraw")
    action_forms = {
        name: bound[1] if bound and bound[0] == name else INTEREST_ACTIONS[name](auto_id=f"id_{name}_%s")
        for name in allowed
    }
    party = access.interest_requester_side(user, interest) or access.interest_institution_side(user, interest)
    return render(
        request,
        "finance/workspace/interest_detail.html",
        {
            "interest": interest,
            "financing": interest.request,
            "is_requester": access.interest_requester_side(user, interest),
            "is_institution": access.interest_institution_side(user, interest),
            # Contacts are exchanged once the enterprise agrees to talk, and only between the parties.
            "show_contacts": party and interest.status == "accepted",
            "action_forms": action_forms,
            "open_action": bound[0] if bound else "",
            "history": status_events_for(interest),
            "waiting_days": _waiting_days(interest),
            "is_admin_view": not party and roles.can_administer_city(user, interest.city_id),
        },
        status=status,
    )


@login_required
@require_GET
def interest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _interest_page(request, _interest_or_404(request, pk))


@login_required
@require_POST
def interest_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    interest = _interest_or_404(request, pk)
    if action not in INTEREST_ACTIONS:
        raise Http404
    form = INTEREST_ACTIONS[action](request.POST, auto_id=f"id_{action}_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "accept":
                services.financing_interest_accept(actor=request.user, interest=interest, note=data["note"])
                done = _("已同意洽谈，双方现在可以看到对方联系人。")
            elif action == "decline":
                services.financing_interest_decline(
                    actor=request.user, interest=interest, reason=data["reason"], note=data["note"]
                )
                done = _("已婉拒，对方会看到原因。")
            else:
                services.financing_interest_withdraw(actor=request.user, interest=interest, note=data["note"])
                done = _("意向已撤回。")
        except (ApplicationError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(interest.get_absolute_url())
    return _interest_page(request, selectors.interest_for(interest.pk), bound=(action, form), status=400)
