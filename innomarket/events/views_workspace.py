"""Workspace pages of 活动报名 (mounted under /workspace/events/ in the ``site`` namespace):
the registrant's own registrations, and the organisers' 报名名单 with review, check-in and export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError
from innomarket.common.forms import add_service_error
from innomarket.organisations.models import Organisation
from innomarket.verification.selectors import status_events_for

from . import exports, selectors, services
from .forms import CancelForm, CheckInForm, RegistrationDeclineForm
from .models import Event, Registration, RegistrationStatus

# ---------------------------------------------------------------- the registrant


def _registration_for(request: HttpRequest, pk: int) -> Registration:
    registration = get_object_or_404(
        Registration.objects.select_related("event", "event__city", "event__owner", "organisation"), pk=pk
    )
    if registration.user_id != request.user.pk and not services.can_organise(
        request.user, registration.event
    ):
        raise Http404
    return registration


def _registration_page(
    request: HttpRequest, registration: Registration, cancel_form: Form | None = None
) -> HttpResponse:
    is_registrant = registration.user_id == request.user.pk
    event = registration.event
    return render(
        request,
        "events/registration_detail.html",
        {
            "registration": registration,
            "event": event,
            "is_registrant": is_registrant,
            "is_organiser": services.can_organise(request.user, event),
            "waitlist_position": selectors.waitlist_position(registration),
            "history": status_events_for(registration),
            "can_cancel": is_registrant
            and not event.is_over()
            and registration.status in {"pending", "waitlisted", "confirmed"},
            "cancel_form": cancel_form or CancelForm(),
        },
        status=400 if cancel_form is not None else 200,
    )


@login_required
@require_GET
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _registration_page(request, _registration_for(request, pk))


@login_required
@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration_for(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.registration_cancel(
                actor=request.user, registration=registration, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("报名已取消。"))
            return redirect(registration.get_absolute_url())
    return _registration_page(request, registration, cancel_form=form)


@login_required
@require_GET
def my_registrations(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.registrations_of(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "events/my_registrations.html", {"page": page, "now": timezone.now()})


# ---------------------------------------------------------------- the organisers


def _event_for_organiser(request: HttpRequest, pk: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("owner", "city"), pk=pk)
    if not services.can_organise(request.user, event):
        raise Http404
    return event


def _manage_page(
    request: HttpRequest,
    event: Event,
    *,
    check_in_form: Form | None = None,
    decline_form: Form | None = None,
    decline_pk: int | None = None,
    status: int = 200,
) -> HttpResponse:
    wanted = request.GET.get("status", "")
    if wanted not in RegistrationStatus.values:
        wanted = ""
    counts = selectors.registration_counts(event)
    return render(
        request,
        "events/manage.html",
        {
            "event": event,
            "registrations": selectors.registrations_for_event(event, status=wanted),
            "status_filter": wanted,
            "statuses": RegistrationStatus.choices,
            "counts": counts,
            "seats_left": services.seats_left(event),
            "is_over": event.is_over(),
            "check_in_form": check_in_form or CheckInForm(),
            "decline_form": decline_form or RegistrationDeclineForm(),
            "decline_pk": decline_pk,
            "decline_reasons": Registration.DeclineReason.choices,
        },
        status=status,
    )


@login_required
@require_GET
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    return _manage_page(request, _event_for_organiser(request, pk))


@login_required
@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for_organiser(request, pk)
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            registration = services.registration_check_in(
                actor=request.user, event=event, code=form.cleaned_data["code"]
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s（%(aff)s）签到成功。")
                % {"name": registration.name, "aff": registration.affiliation or _("未填单位")},
            )
            return redirect("site:event-manage", pk=event.pk)
    return _manage_page(request, event, check_in_form=form, status=400)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    event = _event_for_organiser(request, pk)
    registration = get_object_or_404(Registration, pk=registration_pk, event=event)
    try:
        registration = services.registration_approve(actor=request.user, registration=registration)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("已通过 %(name)s 的报名：%(status)s。")
            % {"name": registration.name, "status": registration.get_status_display()},
        )
    return redirect("site:event-manage", pk=event.pk)


@login_required
@require_POST
def decline(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    event = _event_for_organiser(request, pk)
    registration = get_object_or_404(Registration, pk=registration_pk, event=event)
    form = RegistrationDeclineForm(request.POST)
    if form.is_valid():
        try:
            services.registration_decline(
                actor=request.user,
                registration=registration,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已答复 %(name)s：未通过。") % {"name": registration.name})
            return redirect("site:event-manage", pk=event.pk)
    return _manage_page(request, event, decline_form=form, decline_pk=registration.pk, status=400)


@login_required
@require_POST
def promote(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for_organiser(request, pk)
    try:
        promoted = services.waitlist_promote(actor=request.user, event=event)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        if promoted:
            messages.success(
                request,
                _("已递补 %(n)d 人：%(names)s。")
                % {"n": len(promoted), "names": "、".join(r.name for r in promoted)},
            )
        else:
            messages.info(request, _("没有空余名额或没有候补，无需递补。"))
    return redirect("site:event-manage", pk=event.pk)


@login_required
@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for_organiser(request, pk)
    content = exports.registration_workbook(actor=request.user, event=event)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = _("报名名单-%(title)s-%(date)s.xlsx") % {
        "title": event.title[:40],
        "date": timezone.localdate().strftime("%Y%m%d"),
    }
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def organisation_events(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=org_pk)
    if not roles.is_member_of(request.user, organisation.pk):
        raise Http404
    return render(
        request,
        "events/organisation_events.html",
        {
            "organisation": organisation,
            "events": selectors.events_organised_by(organisation.pk),
            "now": timezone.now(),
        },
    )
