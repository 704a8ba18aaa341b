"""Workspace pages of 人才交流 (mounted under /workspace/talent/ in the ``site`` namespace).

Both sides of each transaction see the same record page with its history; what they may do on it
is decided by the services' permission predicates. A record the user may not open is a 404, so its
existence is not disclosed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError
from innomarket.common.forms import add_service_error
from innomarket.organisations.models import Organisation
from innomarket.verification.selectors import status_events_for

from . import selectors, services
from .forms import (
    ApplicationDeclineForm,
    ContactAcceptForm,
    ContactDeclineForm,
    HireForm,
    ShortlistForm,
    TalentProfileForm,
    WithdrawForm,
)
from .models import ApplicationStatus, ContactRequest, TalentApplication, TalentProfile

# ---------------------------------------------------------------- applications


def _application_for(request: HttpRequest, pk: int) -> TalentApplication:
    application = get_object_or_404(
        TalentApplication.objects.select_related("post", "post__owner", "post__city", "applicant"), pk=pk
    )
    if not services.can_open_application(request.user, application):
        raise Http404
    return application


def _application_page(request: HttpRequest, application: TalentApplication, **forms: Form) -> HttpResponse:
    is_org = services.can_answer_application(request.user, application)
    is_applicant = application.applicant_id == request.user.pk
    workflow = TalentApplication.WORKFLOW
    context = {
        "application": application,
        "post": application.post,
        "is_org": is_org,
        "is_applicant": is_applicant,
        "history": status_events_for(application),
        "can_shortlist": is_org and workflow.allows(application.status, "shortlisted"),
        "can_decline": is_org and workflow.allows(application.status, "declined"),
        "can_hire": is_org and workflow.allows(application.status, "hired"),
        "can_withdraw": is_applicant and application.is_open,
        "shortlist_form": forms.get("shortlist_form") or ShortlistForm(),
        "decline_form": forms.get("decline_form") or ApplicationDeclineForm(),
        "hire_form": forms.get("hire_form") or HireForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
    }
    return render(request, "talent/application_detail.html", context, status=400 if forms else 200)


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk)
    if services.can_answer_application(request.user, application) and application.status == "submitted":
        application = services.application_view(actor=request.user, application=application)
    return _application_page(request, application)


@login_required
@require_GET
def application_cv(request: HttpRequest, pk: int) -> FileResponse:
    """The CV: the applicant and the posting organisation's members only, never a public URL."""
    application = _application_for(request, pk)
    try:
        handle = application.cv.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("文件不存在。")) from exc
    response = FileResponse(handle, as_attachment=True, filename=application.cv_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _act(
    request: HttpRequest,
    application: TalentApplication,
    form: Form,
    form_name: str,
    action: Callable[[dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, success)
            return redirect(application.get_absolute_url())
    return _application_page(request, application, **{form_name: form})


@login_required
@require_POST
def application_shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk)
    return _act(
        request,
        application,
        ShortlistForm(request.POST),
        "shortlist_form",
        lambda d: services.application_shortlist(actor=request.user, application=application, note=d["note"]),
        _("已邀请面谈，申请人会收到通知。"),
    )


@login_required
@require_POST
def application_decline(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk)
    return _act(
        request,
        application,
        ApplicationDeclineForm(request.POST),
        "decline_form",
        lambda d: services.application_decline(
            actor=request.user, application=application, reason=d["reason"], note=d["note"]
        ),
        _("已答复申请人：未通过。"),
    )


@login_required
@require_POST
def application_hire(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk)
    return _act(
        request,
        application,
        HireForm(request.POST),
        "hire_form",
        lambda d: services.application_hire(actor=request.user, application=application, note=d["note"]),
        _("已录用，申请人会收到通知。"),
    )


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk)
    return _act(
        request,
        application,
        WithdrawForm(request.POST),
        "withdraw_form",
        lambda d: services.application_withdraw(
            actor=request.user, application=application, reason=d["reason"]
        ),
        _("申请已撤回。"),
    )


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.applications_of(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "talent/my_applications.html", {"page": page})


@login_required
@require_GET
def organisation_applications(request: HttpRequest, org_pk: int) -> HttpResponse:
    """收到的申请: per post, for the organisation's members only."""
    organisation = get_object_or_404(Organisation, pk=org_pk)
    if not roles.is_member_of(request.user, organisation.pk):
        raise Http404
    posts = list(selectors.posts_with_application_counts(organisation.pk))
    post_id = _int(request.GET.get("post"))
    status = request.GET.get("status", "")
    if status not in ApplicationStatus.values:
        status = ""
    applications = selectors.applications_for_organisation(organisation.pk, post_id=post_id, status=status)
    page = Paginator(applications, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "talent/organisation_applications.html",
        {
            "organisation": organisation,
            "posts": posts,
            "post_id": post_id,
            "status": status,
            "statuses": ApplicationStatus.choices,
            "page": page,
        },
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# ---------------------------------------------------------------- talent profile


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = TalentProfile.objects.filter(user=request.user).first()
    initial = {} if profile else {"display_name": request.user.display_name}
    form = TalentProfileForm(request.POST or None, instance=profile, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.talent_profile_save(
                actor=request.user, data={name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("人才档案已保存，并在人才库中公开。")
                if profile.is_public
                else _("人才档案已保存（不公开）。"),
            )
            return redirect("site:talent-profile")
    return render(
        request,
        "talent/profile_form.html",
        {"form": form, "profile": profile},
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------- contact requests


def _contact_for(request: HttpRequest, pk: int) -> ContactRequest:
    contact = get_object_or_404(
        ContactRequest.objects.select_related(
            "expert", "tech_manager", "requester", "requester_organisation", "answered_by"
        ),
        pk=pk,
    )
    if not services.can_open_contact(request.user, contact):
        raise Http404
    return contact


def _contact_page(request: HttpRequest, contact: ContactRequest, **forms: Form) -> HttpResponse:
    is_answerer = services.can_answer_contact(request.user, contact)
    is_requester = contact.requester_id == request.user.pk
    open_ = contact.status == "submitted"
    context = {
        "contact": contact,
        "target": contact.target,
        "is_answerer": is_answerer,
        "is_requester": is_requester,
        "history": status_events_for(contact),
        "can_answer": is_answerer and open_,
        "can_withdraw": is_requester and open_,
        # The requester's contact is the answerer's only after accepting; before, they answer here.
        "show_requester_contact": is_answerer and contact.status == "accepted",
        "accept_form": forms.get("accept_form") or ContactAcceptForm(),
        "decline_form": forms.get("decline_form") or ContactDeclineForm(),
    }
    return render(request, "talent/contact_detail.html", context, status=400 if forms else 200)


@login_required
@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _contact_page(request, _contact_for(request, pk))


def _contact_act(
    request: HttpRequest,
    contact: ContactRequest,
    form: Form,
    form_name: str,
    action: Callable[[dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, success)
            return redirect(contact.get_absolute_url())
    return _contact_page(request, contact, **{form_name: form})


@login_required
@require_POST
def contact_accept(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_for(request, pk)
    return _contact_act(
        request,
        contact,
        ContactAcceptForm(request.POST),
        "accept_form",
        lambda d: services.contact_request_accept(
            actor=request.user, request=contact, reply=d["reply"], shared_contact=d["shared_contact"]
        ),
        _("已接受，对方会收到您的答复和联系方式。"),
    )


@login_required
@require_POST
def contact_decline(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_for(request, pk)
    return _contact_act(
        request,
        contact,
        ContactDeclineForm(request.POST),
        "decline_form",
        lambda d: services.contact_request_decline(
            actor=request.user, request=contact, reason=d["reason"], note=d["note"]
        ),
        _("已婉拒，对方会收到原因。"),
    )


@login_required
@require_POST
def contact_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_for(request, pk)
    try:
        services.contact_request_withdraw(actor=request.user, request=contact)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("联系请求已撤回。"))
    return redirect(contact.get_absolute_url())


@login_required
@require_GET
def contacts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "talent/contacts.html",
        {
            "received": selectors.contact_requests_received(request.user)[:100],
            "sent": selectors.contact_requests_sent(request.user)[:100],
        },
    )
