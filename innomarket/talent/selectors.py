"""Reads of experts, technology managers, talent posts and talent stations for the public site."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, When
from django.utils.translation import gettext_lazy as _

from innomarket.accounts import roles
from innomarket.site.catalogue import filter_listings, public_listings

from .filters import ExpertFilterSet, TalentPostFilterSet, TalentStationFilterSet, TechManagerFilterSet
from .models import (
    OPEN_APPLICATION_STATUSES,
    ContactRequest,
    Expert,
    TalentApplication,
    TalentPost,
    TalentProfile,
    TalentStation,
    TechManager,
)


def expert_queryset() -> QuerySet[Expert]:
    return public_listings(Expert)


def expert_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Expert]:
    return filter_listings(ExpertFilterSet, expert_queryset(), filters).qs


def techmanager_queryset() -> QuerySet[TechManager]:
    return public_listings(TechManager)


def techmanager_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[TechManager]:
    return filter_listings(TechManagerFilterSet, techmanager_queryset(), filters).qs


def talentpost_queryset() -> QuerySet[TalentPost]:
    return public_listings(TalentPost)


def talentpost_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[TalentPost]:
    return filter_listings(TalentPostFilterSet, talentpost_queryset(), filters).qs


def station_queryset() -> QuerySet[TalentStation]:
    return public_listings(TalentStation)


def station_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[TalentStation]:
    return filter_listings(TalentStationFilterSet, station_queryset(), filters).qs


# ---------------------------------------------------------------- 人才交流 as a service


def talent_profiles_public(
    *, q: str = "", city_id: int | None = None, field_id: int | None = None
) -> QuerySet[TalentProfile]:
    """人才库: only profiles their owners made public, newest first."""
    qs = TalentProfile.objects.filter(visibility=TalentProfile.Visibility.PUBLIC, user__is_active=True)
    if q:
        qs = qs.filter(Q(display_name__icontains=q) | Q(headline__icontains=q) | Q(skills__icontains=q))
    if city_id:
        qs = qs.filter(city_id=city_id)
    if field_id:
        qs = qs.filter(field_id=field_id)
    return qs.select_related("city", "field").order_by("-updated_at", "-id")


def _applications() -> QuerySet[TalentApplication]:
    return TalentApplication.objects.select_related("post", "post__owner", "post__city", "applicant")


def applications_of(user: Any) -> QuerySet[TalentApplication]:
    """我的求职: the person's own applications, newest first."""
    if not getattr(user, "is_authenticated", False):
        return TalentApplication.objects.none()
    return _applications().filter(applicant=user)


def applications_for_organisation(
    organisation_id: int, *, post_id: int | None = None, status: str = ""
) -> QuerySet[TalentApplication]:
    """收到的申请: every application to the organisation's talent posts (open ones first)."""
    qs = _applications().filter(post__owner_id=organisation_id)
    if post_id:
        qs = qs.filter(post_id=post_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(
        Case(When(status__in=list(OPEN_APPLICATION_STATUSES), then=0), default=1), "-created_at", "-id"
    )


def posts_with_application_counts(organisation_id: int) -> QuerySet[TalentPost]:
    """The organisation's talent posts, each with how many applications it has and how many are open."""
    return (
        TalentPost.objects.filter(owner_id=organisation_id)
        .annotate(
            applications_total=Count("applications"),
            applications_open=Count(
                "applications", filter=Q(applications__status__in=list(OPEN_APPLICATION_STATUSES))
            ),
        )
        .order_by("-published_at", "-id")
    )


def _contacts() -> QuerySet[ContactRequest]:
    return ContactRequest.objects.select_related(
        "expert", "tech_manager", "requester", "requester_organisation", "city"
    )


def contact_requests_received(user: Any) -> QuerySet[ContactRequest]:
    """Requests to the person's own expert/technology-manager profile, and to the unlinked profiles of
    the organisations they belong to (answered on the profile's behalf)."""
    if not getattr(user, "is_authenticated", False):
        return ContactRequest.objects.none()
    orgs = list(roles.member_organisation_ids(user))
    return _contacts().filter(
        Q(expert__user=user)
        | Q(tech_manager__user=user)
        | Q(expert__user__isnull=True, expert__owner_id__in=orgs)
        | Q(tech_manager__user__isnull=True, tech_manager__owner_id__in=orgs)
    )


def contact_requests_sent(user: Any) -> QuerySet[ContactRequest]:
    if not getattr(user, "is_authenticated", False):
        return ContactRequest.objects.none()
    return _contacts().filter(requester=user)


def _by_city(qs: QuerySet[Any], field: str, city_id: int | None) -> QuerySet[Any]:
    return qs.filter(**{f"{field}_id": city_id}) if city_id is not None else qs


def application_funnel(city_id: int | None) -> list[tuple[Any, int]]:
    """投递 → 已查看 → 邀请面谈 → 录用 (each stage counts the applications that reached it)."""
    counts = _by_city(TalentApplication.objects.all(), "post__city", city_id).aggregate(
        submitted=Count("id"),
        viewed=Count("id", filter=Q(viewed_at__isnull=False)),
        shortlisted=Count("id", filter=Q(shortlisted_at__isnull=False)),
        hired=Count("id", filter=Q(status="hired")),
    )
    return [
        (_("投递简历"), counts["submitted"]),
        (_("已查看"), counts["viewed"]),
        (_("邀请面谈"), counts["shortlisted"]),
        (_("录用"), counts["hired"]),
    ]


def contact_funnel(city_id: int | None) -> list[tuple[Any, int]]:
    """请求 → 已答复 → 接受."""
    counts = _by_city(ContactRequest.objects.all(), "city", city_id).aggregate(
        submitted=Count("id"),
        answered=Count("id", filter=Q(first_answered_at__isnull=False)),
        accepted=Count("id", filter=Q(status="accepted")),
    )
    return [
        (_("发出联系请求"), counts["submitted"]),
        (_("已答复"), counts["answered"]),
        (_("接受并交换联系方式"), counts["accepted"]),
    ]
