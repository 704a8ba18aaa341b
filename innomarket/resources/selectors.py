"""Reads of shared spaces and instruments for the public site."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innomarket.accounts import roles
from innomarket.notifications.replies import ReplyRule
from innomarket.site.catalogue import filter_listings, public_listings
from innomarket.verification.models import StatusEvent
from innomarket.verification.selectors import status_events_for

from . import availability as av
from .filters import InstrumentFilterSet, SpaceFilterSet
from .models import BookableResource, Booking, BookingProposal, BookingRating, Instrument, Space
from .services import owned_by, owner_people, requester_people


def space_queryset() -> QuerySet[Space]:
    """Public spaces with city, owner and field tags joined."""
    return public_listings(Space)


def space_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Space]:
    return filter_listings(SpaceFilterSet, space_queryset(), filters).qs


def instrument_queryset() -> QuerySet[Instrument]:
    """Public instruments with city, owner and field tags joined."""
    return public_listings(Instrument)


def instrument_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Instrument]:
    return filter_listings(InstrumentFilterSet, instrument_queryset(), filters).qs


# ---------------------------------------------------------------- booking (预约)


def bookable_for(resource: Instrument | Space) -> BookableResource | None:
    """The resource's booking settings, or ``None`` when its owner has not opened it for booking."""
    key = "instrument" if isinstance(resource, Instrument) else "space"
    return BookableResource.objects.select_related("instrument", "space").filter(**{key: resource}).first()


def busy_periods(
    bookable: BookableResource,
    start: dt.datetime,
    end: dt.datetime,
    *,
    own_organisation_ids: Collection[int] = (),
    reveal_names: bool = False,
) -> list[av.Busy]:
    """Approved bookings and blocked periods overlapping ``[start, end)``. Others' bookings say only
    已预约 (who booked is not public); the viewer's own organisation's say so; the owner
    (``reveal_names``) sees the requesting organisation."""
    busy = [
        av.Busy(b.starts_at, b.ends_at, "blocked", str(b.get_reason_display()))
        for b in bookable.blocked_periods.filter(starts_at__lt=end, ends_at__gt=start)
    ]
    for booking in bookable.bookings.filter(
        status__in=(Booking.Status.APPROVED, Booking.Status.COMPLETED), starts_at__lt=end, ends_at__gt=start
    ).select_related("organisation"):
        mine = booking.organisation_id in own_organisation_ids
        if reveal_names:
            busy.append(av.Busy(booking.starts_at, booking.ends_at, "booked", booking.organisation.name))
            continue
        busy.append(
            av.Busy(
                booking.starts_at,
                booking.ends_at,
                "mine" if mine else "booked",
                str(_("本机构预约") if mine else _("已预约")),
            )
        )
    return busy


def booking_calendar(
    bookable: BookableResource,
    *,
    first_day: dt.date | None = None,
    days: int = 28,
    own_organisation_ids: Collection[int] = (),
    reveal_names: bool = False,
    now: dt.datetime | None = None,
) -> list[av.CalendarDay]:
    """The next ``days`` days of the resource, from ``first_day`` (today by default)."""
    now = now or timezone.now()
    first_day = first_day or timezone.localdate(now)
    start = av.at(first_day, dt.time(0))
    end = av.at(first_day + dt.timedelta(days=days), dt.time(0))
    return av.calendar(
        av.Rules.of(bookable),
        first_day=first_day,
        days=days,
        busy=busy_periods(
            bookable, start, end, own_organisation_ids=own_organisation_ids, reveal_names=reveal_names
        ),
        now=now,
    )


def rating_summary(bookable: BookableResource) -> dict[str, Any]:
    """使用评价 of the resource: the mean of the 1–5 stars and how many ratings, for its public page."""
    result = BookingRating.objects.filter(booking__bookable=bookable).aggregate(
        mean=Avg("score"), count=Count("pk")
    )
    return {"mean": result["mean"], "count": result["count"]}


def _booking_queryset() -> QuerySet[Booking]:
    return Booking.objects.select_related(
        "bookable__instrument__owner", "bookable__space__owner", "organisation", "city", "requested_by"
    )


def bookings_requested(user: Any) -> QuerySet[Booking]:
    """我的预约: the bookings of the user's organisations, newest first."""
    return (
        _booking_queryset()
        .filter(organisation_id__in=roles.member_organisation_ids(user))
        .order_by("-created_at", "-id")
    )


def bookings_received(user: Any) -> QuerySet[Booking]:
    """收到的预约: bookings of resources the user's organisations own."""
    return _booking_queryset().filter(owned_by(roles.member_organisation_ids(user)))


def bookable_resources_of(user: Any) -> list[Instrument | Space]:
    """The instruments and spaces the user's organisations own, with their booking settings."""
    org_ids = roles.member_organisation_ids(user)
    resources: list[Instrument | Space] = []
    for model in (Instrument, Space):
        resources.extend(
            model.objects.filter(owner_id__in=org_ids)
            .exclude(status="draft")
            .select_related("booking_settings", "city", "owner")
            .order_by("title")
        )
    return resources


def booking_detail(pk: int) -> Booking:
    return _booking_queryset().get(pk=pk)


def booking_history(booking: Booking) -> list[Any]:
    return list(status_events_for(booking))


# ---------------------------------------------------------------- nobody left unanswered (有问必答)


def booking_funnel(city_id: int | None) -> list[tuple[Any, int]]:
    """预约申请 → 已答复 → 已批准 → 已完成 → 已评价 (approved: ever, also if cancelled since)."""
    qs = Booking.objects.filter(submitted_at__isnull=False)
    if city_id is not None:
        qs = qs.filter(city_id=city_id)
    ever_approved = StatusEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Booking),
        object_id=OuterRef("pk"),
        to_status=Booking.Status.APPROVED,
    )
    counts = qs.annotate(was_approved=Exists(ever_approved)).aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=Q(first_answered_at__isnull=False)),
        approved=Count("pk", filter=Q(was_approved=True)),
        completed=Count("pk", filter=Q(status=Booking.Status.COMPLETED)),
        rated=Count("pk", filter=Q(rating__isnull=False)),
    )
    return [
        (_("预约申请"), counts["total"]),
        (_("已答复"), counts["answered"]),
        (_("已批准"), counts["approved"]),
        (_("已完成使用"), counts["completed"]),
        (_("已评价"), counts["rated"]),
    ]


def proposal_funnel(city_id: int | None) -> list[tuple[Any, int]]:
    """建议时段 → 申请方已答复 → 接受."""
    qs = BookingProposal.objects.all()
    if city_id is not None:
        qs = qs.filter(booking__city_id=city_id)
    counts = qs.aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=Q(first_answered_at__isnull=False)),
        accepted=Count("pk", filter=Q(status=BookingProposal.Status.ACCEPTED)),
    )
    return [
        (_("建议其他时段"), counts["total"]),
        (_("申请方已答复"), counts["answered"]),
        (_("接受建议时段"), counts["accepted"]),
    ]


def _describe(booking: Booking) -> str:
    return _("%(org)s预约“%(resource)s”：%(period)s") % {
        "org": booking.organisation.name,
        "resource": booking.bookable.resource.title,
        "period": av.period_label(booking.starts_at, booking.ends_at),
    }


def _booking_url(booking: Booking) -> str:
    return reverse("site:booking-detail", kwargs={"pk": booking.pk})


BOOKING_RULE = ReplyRule(
    key="booking",
    label=_("资源预约"),
    model=Booking,
    pending=lambda: Booking.objects.filter(status=Booking.Status.PENDING).select_related(
        "organisation", "bookable__instrument", "bookable__space"
    ),
    answerers=owner_people,
    requesters=requester_people,
    city_id=lambda booking: booking.city_id,
    describe=_describe,
    answer_url=_booking_url,
    funnel=booking_funnel,
    mine=lambda user: bookings_received(user).filter(status=Booking.Status.PENDING),
    inbox_url="site:bookings-received",
)

# While the owner's proposal of another period is open, the requester owes the answer: a rule of its
# own, so the reminders go to the requester and the response times are measured separately.
PROPOSAL_RULE = ReplyRule(
    key="booking_proposal",
    label=_("预约建议时段确认"),
    model=BookingProposal,
    pending=lambda: BookingProposal.objects.filter(status=BookingProposal.Status.OPEN).select_related(
        "booking__organisation", "booking__bookable__instrument", "booking__bookable__space"
    ),
    answerers=lambda proposal: requester_people(proposal.booking),
    requesters=lambda proposal: owner_people(proposal.booking),
    city_id=lambda proposal: proposal.booking.city_id,
    describe=lambda proposal: (
        _("请确认建议时段 %(period)s（%(what)s）")
        % {
            "period": av.period_label(proposal.starts_at, proposal.ends_at),
            "what": _describe(proposal.booking),
        }
    ),
    answer_url=lambda proposal: _booking_url(proposal.booking),
    funnel=proposal_funnel,
    city_field="booking__city",
    mine=lambda user: BookingProposal.objects.filter(
        status=BookingProposal.Status.OPEN, booking__organisation_id__in=roles.member_organisation_ids(user)
    ),
    inbox_url="site:bookings",
)
