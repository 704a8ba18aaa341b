"""Public pages of 活动报名: the registration panel on an event's page and the registration form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from innomarket.common.exceptions import ApplicationError
from innomarket.common.forms import add_service_error

from . import selectors, services
from .forms import RegistrationForm
from .models import Event


def outcome_message(registration: Any) -> str:
    if registration.status == "confirmed":
        return _("报名成功，您的签到码是 %(code)s。") % {"code": registration.check_in_code}
    if registration.status == "waitlisted":
        return _("名额已满，您已进入候补（第 %(n)d 位），有人取消时按顺序递补。") % {
            "n": selectors.waitlist_position(registration) or 1
        }
    return _("报名已提交，待主办方审核，结果会通知您。")


def registration_panel(request: HttpRequest, event: Event) -> dict[str, Any]:
    """What the event's page says about registration, for whoever is looking."""
    if not event.takes_registrations:
        return {"takes_registrations": False}
    mine = selectors.registration_of(request.user, event)
    return {
        "takes_registrations": True,
        "registration_open": event.is_registration_open(),
        "event_over": event.is_over(),
        "seats_left": services.seats_left(event),
        "my_registration": mine,
        "my_waitlist_position": selectors.waitlist_position(mine) if mine else None,
        "can_organise": services.can_organise(request.user, event),
    }


@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(selectors.event_queryset().select_related("owner", "city"), pk=pk)
    if not event.takes_registrations or not event.is_registration_open():
        messages.error(request, _("报名已截止。") if event.takes_registrations else _("本活动不在平台报名。"))
        return redirect(event.get_absolute_url())
    mine = selectors.registration_of(request.user, event)
    if mine is not None and mine.is_active:
        messages.info(request, _("您已报名这个活动。"))
        return redirect(mine.get_absolute_url())
    form = RegistrationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.registration_submit(
                actor=request.user,
                event=event,
                name=data["name"],
                affiliation=data["affiliation"],
                position=data["position"],
                phone=data["phone"],
                note=data["note"],
                organisation=data["organisation"],
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, outcome_message(registration))
            return redirect(registration.get_absolute_url())
    return render(
        request,
        "events/register.html",
        {"event": event, "form": form, "seats_left": services.seats_left(event)},
        status=400 if form.errors else 200,
    )
