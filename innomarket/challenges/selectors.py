"""Reads of challenges (榜单) for the public site (only the public teaser is exposed by the catalogue
selectors) and of bids and invitations for the bidder's pages (callers check ``access`` per object)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from innomarket.accounts import roles
from innomarket.site.catalogue import filter_listings, public_listings
from innomarket.talent.models import TechManager
from innomarket.verification.selectors import public

from .diagnosis import Diagnosis, diagnose
from .filters import ChallengeFilterSet
from .models import BIDDABLE_STATUSES, Bid, Challenge, Invitation

# What a visitor may read of a challenge (the tiered disclosure's first tier).
TEASER_FIELDS = ("title", "summary", "kind", "budget_min", "budget_max", "deadline", "status")


def challenge_queryset() -> QuerySet[Challenge]:
    """Public challenges (published through completed) with city, owner and field tags joined."""
    return public_listings(Challenge)


def challenge_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Challenge]:
    return filter_listings(ChallengeFilterSet, challenge_queryset(), filters).qs


def pending_diagnosis(record: Any) -> Diagnosis | None:
    """需求诊断 of a saved challenge while its owner can still change it before it is (re-)verified:
    not public and not finished (draft, submitted, returned, expired, archived). ``None`` in other
    states and for records of other kinds. Reads the field tags: prefetch ``fields`` for a list."""
    if not isinstance(record, Challenge):
        return None
    workflow = Challenge.WORKFLOW
    if record.status in workflow.public or record.status not in workflow.editable:
        return None
    return diagnose(record.diagnosis_data())


# ---------------------------------------------------------------- the bidder's side (揭榜)

# A bid that still counts (at most one per organisation and challenge).
DEAD_BID_STATUSES = ("withdrawn", "declined", "cancelled")


def bid_queryset() -> QuerySet[Bid]:
    """Bids with what their pages show joined; callers check ``access.can_view_bid`` per bid."""
    return Bid.objects.select_related(
        "challenge", "challenge__city", "challenge__owner", "organisation", "submitted_by", "introduced_by"
    )


def bids_for_user(user: Any) -> QuerySet[Bid]:
    """我的揭榜: every bid (all statuses) of the organisations ``user`` is a member of, newest first."""
    ids = roles.member_organisation_ids(user)
    return bid_queryset().filter(organisation_id__in=ids).order_by("-updated_at", "-id")


def live_bids_for(user: Any, challenge: Challenge) -> list[Bid]:
    """The live bids of ``user``'s organisations on one challenge (for 查看我的方案)."""
    ids = roles.member_organisation_ids(user)
    if not ids:
        return []
    return list(
        Bid.objects.filter(challenge=challenge, organisation_id__in=ids)
        .exclude(status__in=DEAD_BID_STATUSES)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def open_invitations_for(user: Any, *, challenge: Challenge | None = None) -> QuerySet[Invitation]:
    """Unanswered 揭榜邀请 to ``user``'s organisations (optionally on one challenge), on challenges still
    open for bids (``Challenge.is_open_for_bids``): once bidding closes there is nothing left to answer,
    so a closed or completed challenge shows no invitation and asks for no bid."""
    ids = roles.member_organisation_ids(user)
    qs = (
        Invitation.objects.filter(
            organisation_id__in=ids,
            status=Invitation.Status.SENT,
            challenge__status__in=BIDDABLE_STATUSES,
        )
        .filter(Q(challenge__deadline__isnull=True) | Q(challenge__deadline__gte=timezone.localdate()))
        .select_related("challenge", "challenge__city", "organisation")
    )
    if challenge is not None:
        qs = qs.filter(challenge=challenge)
    return qs.order_by("-created_at", "-id")


def public_tech_managers() -> QuerySet[TechManager]:
    """Technology managers a bidder may name as having introduced them (verified, public)."""
    return public(TechManager).select_related("city").order_by("title")
