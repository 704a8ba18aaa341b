"""The workspace side of 资源共享 booking (mounted under /workspace/bookings/ in the ``site`` namespace):
我的预约 (the requester's list), 收到的预约 (the owner's pending requests and calendar), one booking's
page with the actions each side may take and its history, and 预约设置 of a resource.

Views are thin: fetch, check the permission on this object (404 when the user may not know it exists),
call one service, message and redirect; a refused action re-renders the page with the form's errors.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError, ErrorCode
from innomarket.notifications import replies
from innomarket.verification.services import can_edit

from . import availability as av
from . import selectors, services
from .forms import (
    BlockedPeriodForm,
    BookableSettingsForm,
    CancelForm,
    CompleteForm,
    DeclineForm,
    NoteForm,
    ProposeForm,
    RateForm,
    add_service_error,
    settings_initial,
)
from .models import (
    BlockedPeriod,
    Booking,
    BookingCompletion,
    BookingProposal,
    BookingRating,
    Instrument,
    Space,
)

OWNER_CALENDAR_DAYS = 14


# ---------------------------------------------------------------- lists


@login_required
def bookings(request: HttpRequest) -> HttpResponse:
    """我的预约: what the user's organisations asked for, and what awaits their answer."""
    rows = list(selectors.bookings_requested(request.user)[:200])
    return render(
        request,
        "resources/bookings.html",
        {
            "bookings": rows,
            "awaiting_me": [b for b in rows if b.status == Booking.Status.PROPOSED],
            "has_organisation": bool(roles.member_organisation_ids(request.user)),
        },
    )


@login_required
def bookings_received(request: HttpRequest) -> HttpResponse:
    """收到的预约: pending requests first, then the calendar of each resource the organisations own."""
    received = selectors.bookings_received(request.user)
    now = timezone.now()
    pending = list(received.filter(status=Booking.Status.PENDING).order_by("submitted_at", "pk"))
    waiting_requester = list(received.filter(status=Booking.Status.PROPOSED).order_by("starts_at"))
    upcoming = list(
        received.filter(status=Booking.Status.APPROVED, ends_at__gt=now).order_by("starts_at")[:50]
    )
    to_record = list(
        received.filter(status=Booking.Status.APPROVED, starts_at__lte=now).order_by("starts_at")[:50]
    )
    recent = list(
        received.filter(
            status__in=(Booking.Status.COMPLETED, Booking.Status.DECLINED, Booking.Status.CANCELLED)
        )
        .select_related("rating")
        .order_by("-updated_at")[:20]
    )
    resources = []
    for resource in selectors.bookable_resources_of(request.user):
        bookable = getattr(resource, "booking_settings", None)
        resources.append(
            {
                "resource": resource,
                "type_key": "instrument" if isinstance(resource, Instrument) else "space",
                "bookable": bookable,
                "calendar": selectors.booking_calendar(bookable, days=OWNER_CALENDAR_DAYS, reveal_names=True)
                if bookable is not None
                else None,
            }
        )
    return render(
        request,
        "resources/bookings_received.html",
        {
            "pending": pending,
            "waiting_requester": waiting_requester,
            "upcoming": [b for b in upcoming if b.starts_at > now],
            "to_record": to_record,
            "recent": recent,
            "resources": resources,
            "days_to_answer": replies.rule("booking").days_to_answer,
        },
    )


# ---------------------------------------------------------------- one booking


def _booking_for(request: HttpRequest, pk: int) -> Booking:
    try:
        booking = selectors.booking_detail(pk)
    except Booking.DoesNotExist as exc:
        raise Http404 from exc
    if not services.can_view(request.user, booking):
        raise Http404
    return booking


def _actions(user: Any, booking: Booking) -> dict[str, bool]:
    owner = services.is_owner_member(user, booking.bookable)
    requester = services.is_requester(user, booking)
    status = booking.status
    now = timezone.now()
    S = Booking.Status
    return {
        "approve": owner and status == S.PENDING and booking.starts_at > now,
        "propose": owner and status == S.PENDING,
        "decline": owner and status == S.PENDING,
        "accept": requester and status == S.PROPOSED,
        "reject": requester and status == S.PROPOSED,
        "cancel": (requester and status in (S.PENDING, S.PROPOSED, S.APPROVED) and booking.ends_at > now)
        or (owner and status == S.APPROVED and booking.ends_at > now),
        "complete": owner and status == S.APPROVED and booking.starts_at <= now,
        "rate": requester
        and status == S.COMPLETED
        and not BookingRating.objects.filter(booking=booking).exists(),
    }


ACTION_FORMS: dict[str, Any] = {
    "approve": NoteForm,
    "decline": DeclineForm,
    "reject": NoteForm,
    "cancel": CancelForm,
    "complete": CompleteForm,
    "rate": RateForm,
}


def _forms(booking: Booking, bound: dict[str, Form] | None = None) -> dict[str, Form]:
    forms: dict[str, Form] = {key: cls(prefix=key) for key, cls in ACTION_FORMS.items()}
    forms["propose"] = ProposeForm(bookable=booking.bookable)
    forms.update(bound or {})
    return forms


def _booking_page(
    request: HttpRequest, booking: Booking, *, bound: dict[str, Form] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    actions = _actions(user, booking)
    rating = BookingRating.objects.filter(booking=booking).first()
    proposal = booking.proposals.filter(status=BookingProposal.Status.OPEN).first()
    completion = BookingCompletion.objects.filter(booking=booking).first()
    bookable = booking.bookable
    rules = av.Rules.of(bookable)
    units = av.units_of(rules, booking.starts_at, booking.ends_at)
    return render(
        request,
        "resources/booking_detail.html",
        {
            "booking": booking,
            "resource": bookable.resource,
            "bookable": bookable,
            "period": av.period_label(booking.starts_at, booking.ends_at),
            "units": units,
            "estimate": bookable.price * units if bookable.price is not None else None,
            "is_owner": services.is_owner_member(user, bookable),
            "is_requester": services.is_requester(user, booking),
            "actions": actions,
            "forms": _forms(booking, bound),
            "proposal": proposal,
            "proposal_period": av.period_label(proposal.starts_at, proposal.ends_at) if proposal else "",
            "proposals": list(booking.proposals.all()),
            "completion": completion,
            "rating": rating,
            "history": selectors.booking_history(booking),
            "calendar": selectors.booking_calendar(
                bookable,
                first_day=timezone.localtime(booking.starts_at).date(),
                days=7,
                reveal_names=services.is_owner_member(user, bookable),
            )
            if actions["propose"]
            else None,
        },
        status=status,
    )


@login_required
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _booking_page(request, _booking_for(request, pk))


SUCCESS = {
    "approve": gettext_lazy("预约已批准，已通知申请方。"),
    "propose": gettext_lazy("已向申请方提出建议时段，等待对方确认。"),
    "decline": gettext_lazy("已婉拒并通知申请方。"),
    "accept": gettext_lazy("已接受建议时段，预约已批准。"),
    "reject": gettext_lazy("已告知管理单位您不接受建议时段。"),
    "cancel": gettext_lazy("预约已取消，已通知对方。"),
    "complete": gettext_lazy("使用记录已登记，已邀请申请方评价。"),
    "rate": gettext_lazy("感谢您的评价。"),
}


def _run(request: HttpRequest, booking: Booking, action: str, form: Form | None) -> Any:
    user = request.user
    data = form.cleaned_data if form is not None else {}
    if action == "approve":
        return services.booking_approve(actor=user, booking=booking, note=data.get("note", ""))
    if action == "propose":
        return services.booking_propose(
            actor=user,
            booking=booking,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            note=data.get("note", ""),
        )
    if action == "decline":
        return services.booking_decline(
            actor=user, booking=booking, reason=data["reason"], note=data.get("note", "")
        )
    if action in ("accept", "reject"):
        proposal = booking.proposals.filter(status=BookingProposal.Status.OPEN).first()
        if proposal is None:
            raise ApplicationError(_("没有待确认的建议时段。"))
        if action == "accept":
            return services.proposal_accept(actor=user, proposal=proposal)
        return services.proposal_reject(actor=user, proposal=proposal, note=data.get("note", ""))
    if action == "cancel":
        return services.booking_cancel(actor=user, booking=booking, reason=data.get("reason", ""))
    if action == "complete":
        return services.booking_complete(
            actor=user,
            booking=booking,
            outcome=data["outcome"],
            used_hours=data.get("used_hours"),
            fee=data.get("fee"),
            note=data.get("note", ""),
        )
    if action == "rate":
        return services.booking_rate(
            actor=user, booking=booking, score=data["score"], comment=data.get("comment", "")
        )
    raise Http404


@require_POST
@login_required
def booking_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in SUCCESS:
        raise Http404
    booking = _booking_for(request, pk)
    form: Form | None = None
    if action == "propose":
        form = ProposeForm(request.POST, bookable=booking.bookable)
    elif action in ACTION_FORMS:
        form = ACTION_FORMS[action](request.POST, prefix=action)
    if form is not None and not form.is_valid():
        return _booking_page(request, booking, bound={action: form}, status=400)
    try:
        _run(request, booking, action, form)
    except ApplicationError as exc:
        # Not this user's action, or no longer possible in this state: say so on the page; a
        # refused input is shown on its field.
        if form is None or exc.code in (ErrorCode.PERMISSION_DENIED, ErrorCode.INVALID_TRANSITION):
            messages.error(request, str(exc))
            return redirect(booking.get_absolute_url())
        add_service_error(form, exc)
        return _booking_page(request, selectors.booking_detail(pk), bound={action: form}, status=400)
    messages.success(request, SUCCESS[action])
    return redirect(booking.get_absolute_url())


# ---------------------------------------------------------------- 预约设置


def _resource_for_editor(request: HttpRequest, type_key: str, pk: int) -> Instrument | Space:
    model = {"instrument": Instrument, "space": Space}.get(type_key)
    if model is None:
        raise Http404
    resource = get_object_or_404(model.objects.select_related("owner", "city"), pk=pk)
    if not can_edit(request.user, resource):
        raise Http404
    return resource


def _settings_page(
    request: HttpRequest,
    resource: Instrument | Space,
    *,
    form: BookableSettingsForm | None = None,
    block_form: BlockedPeriodForm | None = None,
    status: int = 200,
) -> HttpResponse:
    bookable = selectors.bookable_for(resource)
    is_instrument = isinstance(resource, Instrument)
    form = form or BookableSettingsForm(
        initial=settings_initial(bookable, resource), is_instrument=is_instrument
    )
    return render(
        request,
        "resources/booking_settings.html",
        {
            "resource": resource,
            "type_key": "instrument" if is_instrument else "space",
            "bookable": bookable,
            "form": form,
            "block_form": block_form or BlockedPeriodForm(),
            "blocked": list(bookable.blocked_periods.filter(ends_at__gt=timezone.now())) if bookable else [],
            "calendar": selectors.booking_calendar(bookable, days=OWNER_CALENDAR_DAYS, reveal_names=True)
            if bookable
            else None,
        },
        status=status,
    )


@login_required
def booking_settings(request: HttpRequest, type_key: str, pk: int) -> HttpResponse:
    resource = _resource_for_editor(request, type_key, pk)
    if request.method != "POST":
        return _settings_page(request, resource)
    form = BookableSettingsForm(request.POST, is_instrument=isinstance(resource, Instrument))
    if form.is_valid():
        try:
            services.bookable_configure(actor=request.user, resource=resource, data=form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            if isinstance(exc, ApplicationError):
                add_service_error(form, exc)
            else:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("预约设置已保存。"))
            return redirect(reverse("site:booking-settings", kwargs={"type_key": type_key, "pk": pk}))
    return _settings_page(request, resource, form=form, status=400)


@require_POST
@login_required
def blocked_period_add(request: HttpRequest, type_key: str, pk: int) -> HttpResponse:
    resource = _resource_for_editor(request, type_key, pk)
    bookable = selectors.bookable_for(resource)
    if bookable is None:
        raise Http404
    form = BlockedPeriodForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.blocked_period_add(
                actor=request.user,
                bookable=bookable,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data["reason"],
                note=data.get("note", ""),
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("不可预约时段已登记，日历上已标出。"))
            return redirect(reverse("site:booking-settings", kwargs={"type_key": type_key, "pk": pk}))
    return _settings_page(request, resource, block_form=form, status=400)


@require_POST
@login_required
def blocked_period_remove(request: HttpRequest, type_key: str, pk: int, period_pk: int) -> HttpResponse:
    resource = _resource_for_editor(request, type_key, pk)
    key = "bookable__instrument" if type_key == "instrument" else "bookable__space"
    period = get_object_or_404(
        BlockedPeriod.objects.select_related("bookable"), pk=period_pk, **{key: resource}
    )
    try:
        services.blocked_period_remove(actor=request.user, period=period)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已删除该不可预约时段。"))
    return redirect(reverse("site:booking-settings", kwargs={"type_key": type_key, "pk": pk}))
