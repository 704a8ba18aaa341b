"""Public pages of 资源共享: the catalogue of spaces and instruments, each with its booking calendar,
and 申请预约 (the request form). The workspace side of booking is ``views_workspace``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError
from innomarket.organisations.models import Organisation
from innomarket.site.catalogue import CatalogueSpec, detail_view, list_view
from innomarket.verification.services import can_edit
from innomarket.vouchers.acceptance import detail_context as voucher_detail_context

from . import availability as av
from . import selectors, services
from .forms import BookingRequestForm, add_service_error
from .models import BookableResource, Instrument, Space

CALENDAR_DAYS = 14


def _first_day(request: HttpRequest, bookable: BookableResource) -> dt.date:
    """The calendar's first day: ``?from=`` within today … the booking horizon, else today."""
    today = timezone.localdate()
    try:
        wanted = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        return today
    return min(max(wanted, today), today + dt.timedelta(days=bookable.horizon_days))


def booking_panel(request: HttpRequest, resource: Instrument | Space) -> dict[str, Any]:
    """The detail page's 预约 panel: the settings, the next two weeks, and who may book."""
    bookable = selectors.bookable_for(resource)
    user = request.user
    if bookable is None:
        return {"bookable": None, "can_configure": can_edit(user, resource)}
    own = roles.member_organisation_ids(user)
    first_day = _first_day(request, bookable)
    today = timezone.localdate()
    rules = av.Rules.of(bookable)
    return {
        "bookable": bookable,
        "calendar": selectors.booking_calendar(
            bookable, first_day=first_day, days=CALENDAR_DAYS, own_organisation_ids=own
        ),
        "calendar_prev": (first_day - dt.timedelta(days=CALENDAR_DAYS)).isoformat()
        if first_day > today
        else "",
        "calendar_next": (first_day + dt.timedelta(days=CALENDAR_DAYS)).isoformat()
        if first_day + dt.timedelta(days=CALENDAR_DAYS) <= av.latest_day(rules, today)
        else "",
        "earliest_label": av.day_label(av.earliest_day(rules, today)),
        "weekdays_label": av.weekdays_label(bookable.weekday_numbers),
        "is_owner": services.is_owner_member(user, bookable),
        "can_configure": can_edit(user, resource),
        "ratings": selectors.rating_summary(bookable),
        "book_url": f"{resource.get_absolute_url()}book/",
    }


def resource_detail_context(request: HttpRequest, resource: Any) -> dict[str, Any]:
    """The booking panel and what the page says about 创新券."""
    return {**booking_panel(request, resource), **voucher_detail_context(request, resource)}


space_catalogue = CatalogueSpec(
    type_key="space",
    lead=gettext_lazy("孵化器、众创空间、科技园区与概念验证中心：面积、可租空间与服务内容。"),
    card_meta=("kind", "level", "area_m2"),
    facts=("kind", "level", "address", "area_m2", "vacant_area_m2", "rent_note", "website", "contact"),
    prose=("summary", "services"),
    kind_chips="kind",
    detail_template="resources/detail.html",
    request_detail_context=resource_detail_context,
)

instrument_catalogue = CatalogueSpec(
    type_key="instrument",
    lead=gettext_lazy("高校院所与平台开放共享的大型仪器设备，可预约使用。"),
    card_meta=("category", "manufacturer", "accepts_vouchers"),
    facts=(
        "category",
        "manufacturer",
        "model_number",
        "location",
        "fee_note",
        "accepts_vouchers",
        "contact",
    ),
    prose=("summary", "booking_rules"),
    detail_template="resources/detail.html",
    request_detail_context=resource_detail_context,
)

space_list = list_view(space_catalogue)
space_detail = detail_view(space_catalogue)
instrument_list = list_view(instrument_catalogue)
instrument_detail = detail_view(instrument_catalogue)


def _bookable_or_404(model: type[Instrument] | type[Space], pk: int) -> tuple[Any, BookableResource]:
    queryset = selectors.instrument_queryset() if model is Instrument else selectors.space_queryset()
    resource = get_object_or_404(queryset, pk=pk)
    bookable = selectors.bookable_for(resource)
    if bookable is None:
        raise Http404(_("该资源尚未开放在线预约。"))
    return resource, bookable


def _requesting_organisations(user: Any, bookable: BookableResource) -> Any:
    return (
        Organisation.objects.filter(
            pk__in=roles.member_organisation_ids(user), status__in=Organisation.WORKFLOW.public
        )
        .exclude(pk=services.owner_id(bookable))
        .order_by("name")
    )


@login_required
def booking_new(request: HttpRequest, pk: int, model: type[Instrument] | type[Space]) -> HttpResponse:
    """申请预约: the form beside the calendar; a refused period is named on its field."""
    resource, bookable = _bookable_or_404(model, pk)
    organisations = _requesting_organisations(request.user, bookable)
    blocked = ""
    try:
        services.check_requestable(bookable)
    except ApplicationError as exc:
        blocked = str(exc)
    if services.is_owner_member(request.user, bookable):
        blocked = _("这是本机构的资源，无需预约；内部使用请在预约设置中登记为不可预约时段。")
    elif not organisations.exists():
        blocked = _("预约需要以已核验机构的名义进行。请先登记机构，或请机构管理员把您加为成员。")
    initial = {"contact": getattr(request.user, "display_name", "")}
    if request.GET.get("date"):
        initial["date"] = request.GET["date"]
    form = BookingRequestForm(
        request.POST or None, bookable=bookable, organisations=organisations, initial=initial
    )
    if request.method == "POST" and not blocked and form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.booking_request(
                actor=request.user,
                bookable=bookable,
                organisation=data["organisation"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                purpose=data["purpose"],
                samples=data.get("samples", ""),
                contact=data["contact"],
                needs_operator=data.get("needs_operator", False),
                use_voucher=data.get("use_voucher", False),
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("预约申请已提交，等待%(owner)s答复。每份申请都会得到答复。")
                % {"owner": resource.owner.name},
            )
            return redirect(booking.get_absolute_url())
    context = booking_panel(request, resource)
    context.update(
        {"obj": resource, "form": form, "blocked": blocked, "type_name": resource._meta.verbose_name}
    )
    return render(request, "resources/booking_form.html", context, status=400 if form.errors else 200)
