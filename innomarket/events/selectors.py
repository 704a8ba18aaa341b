"""Reads of events for the public site."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, When
from django.utils.translation import gettext_lazy as _

from innomarket.site.catalogue import filter_listings, public_listings

from .filters import EventFilterSet
from .models import ACTIVE_REGISTRATION_STATUSES, Event, Registration


def event_queryset() -> QuerySet[Event]:
    return public_listings(Event)


def event_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Event]:
    return filter_listings(EventFilterSet, event_queryset(), filters).qs


# ---------------------------------------------------------------- 活动报名


def registrations_of(user: Any) -> QuerySet[Registration]:
    """我的报名: the person's own registrations, upcoming events first."""
    if not getattr(user, "is_authenticated", False):
        return Registration.objects.none()
    return (
        Registration.objects.filter(user=user)
        .select_related("event", "event__city", "organisation")
        .order_by("-event__starts_at", "-created_at")
    )


def registration_of(user: Any, event: Event) -> Registration | None:
    """The person's active registration for the event, else their latest one (or ``None``)."""
    if not getattr(user, "is_authenticated", False):
        return None
    qs = Registration.objects.filter(event=event, user=user)
    return (
        qs.filter(status__in=list(ACTIVE_REGISTRATION_STATUSES)).first()
        or qs.order_by("-created_at", "-id").first()
    )


def registrations_for_event(event: Event, *, status: str = "") -> QuerySet[Registration]:
    """报名名单 in the organisers' order: pending, confirmed/checked in, waiting list, then the rest."""
    qs = Registration.objects.filter(event=event).select_related("user", "organisation")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(
        Case(
            When(status="pending", then=0),
            When(status__in=["confirmed", "checked_in"], then=1),
            When(status="waitlisted", then=2),
            default=3,
        ),
        Case(When(status="waitlisted", then=F("waitlisted_at")), default=F("created_at")),
        "id",
    )


def registration_counts(event: Event) -> dict[str, int]:
    rows = Registration.objects.filter(event=event).values("status").annotate(n=Count("id"))
    counts = {row["status"]: row["n"] for row in rows}
    counts["seats_taken"] = counts.get("confirmed", 0) + counts.get("checked_in", 0)
    return counts


def waitlist_position(registration: Registration) -> int | None:
    """1-based place on the waiting list, ``None`` when not waiting."""
    if registration.status != "waitlisted" or registration.waitlisted_at is None:
        return None
    ahead = Registration.objects.filter(event_id=registration.event_id, status="waitlisted").filter(
        Q(waitlisted_at__lt=registration.waitlisted_at)
        | Q(waitlisted_at=registration.waitlisted_at, id__lt=registration.pk)
    )
    return ahead.count() + 1


def events_organised_by(organisation_id: int) -> QuerySet[Event]:
    """The organisation's events that take registrations on the platform, with their counts."""
    return (
        Event.objects.filter(owner_id=organisation_id, takes_registrations=True)
        .annotate(
            registrations_active=Count(
                "registrations", filter=Q(registrations__status__in=["confirmed", "checked_in"])
            ),
            registrations_pending=Count("registrations", filter=Q(registrations__status="pending")),
            registrations_waiting=Count("registrations", filter=Q(registrations__status="waitlisted")),
        )
        .order_by("-starts_at", "-id")
    )


def registration_funnel(city_id: int | None) -> list[tuple[Any, int]]:
    """报名 → 报名成功 → 签到 (each stage counts the registrations that reached it)."""
    qs = Registration.objects.all()
    if city_id is not None:
        qs = qs.filter(event__city_id=city_id)
    counts = qs.aggregate(
        registered=Count("id"),
        confirmed=Count("id", filter=Q(confirmed_at__isnull=False)),
        checked_in=Count("id", filter=Q(checked_in_at__isnull=False)),
    )
    return [
        (_("报名"), counts["registered"]),
        (_("报名成功"), counts["confirmed"]),
        (_("到场签到"), counts["checked_in"]),
    ]
