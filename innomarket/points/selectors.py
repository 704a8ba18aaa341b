"""Reads of 创新积分: the current indicator set, scores, consents, and the raw indicator values.

Who may see what (checked here for the views and in the services for writes):

* an enterprise's members see its own score (:func:`score_visible_to`);
* a city administrator sees the scores of enterprises in the city, an alliance administrator all;
* a bank, investor or guarantor sees an enterprise's tier and score only while the enterprise's consent
  to it is active (:func:`has_consent`, :func:`consenting_scores`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from innomarket.accounts import roles
from innomarket.organisations.models import Organisation, OrganisationProfile

from .models import (
    INSTITUTION_KINDS,
    ConsentEvent,
    EnterpriseScore,
    IndicatorDefinition,
    IndicatorSet,
    ScoreConsent,
)

TIERS: tuple[str, ...] = ("A", "B", "C", "D")

# Organisation tags (``organisations.OrganisationTag.slug``) that count as 资质 for the 资质 indicator.
QUALIFICATION_TAGS: tuple[str, ...] = ("hnte", "srdi", "little-giant", "tech-little-giant", "gazelle")

# Enterprises whose figures are scored: not archived or rejected.
_EXCLUDED_STATUSES = ("archived", "rejected")


# ---------------------------------------------------------------- tiers


def tier_rank(tier: str | None) -> int:
    """0 for A (best) … 3 for D; anything else (no score) ranks below D."""
    try:
        return TIERS.index(tier or "")
    except ValueError:
        return len(TIERS)


def tier_meets(*, tier: str | None, required: str) -> bool:
    """Whether ``tier`` is ``required`` or better (A meets B). No tier meets nothing."""
    if tier not in TIERS:
        return False
    return tier_rank(tier) <= tier_rank(required)


# ---------------------------------------------------------------- sets and scores


def current_set() -> IndicatorSet | None:
    """The published indicator set (at most one), or None before the first is published."""
    return IndicatorSet.objects.filter(status=IndicatorSet.Status.PUBLISHED).first()


def definitions_of(indicator_set: IndicatorSet) -> list[IndicatorDefinition]:
    return list(indicator_set.definitions.order_by("order", "id"))


def _scores() -> QuerySet[EnterpriseScore]:
    return EnterpriseScore.objects.select_related("organisation", "indicator_set", "city")


def current_score(*, organisation: Organisation | int) -> EnterpriseScore | None:
    """The organisation's score under the current set, or None (no current set, no data yet)."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    return (
        _scores()
        .filter(organisation_id=organisation_id, indicator_set__status=IndicatorSet.Status.PUBLISHED)
        .first()
    )


def past_scores(*, organisation: Organisation) -> QuerySet[EnterpriseScore]:
    """Scores under retired sets, newest set first (kept as computed; never recomputed)."""
    return (
        _scores()
        .filter(organisation=organisation, indicator_set__status=IndicatorSet.Status.RETIRED)
        .order_by("-indicator_set__version")
    )


def scores_for_city(*, city_id: int | None) -> QuerySet[EnterpriseScore]:
    """Current-set scores of one city's enterprises (all cities when ``city_id`` is None), best first."""
    scores = _scores().filter(indicator_set__status=IndicatorSet.Status.PUBLISHED)
    if city_id is not None:
        scores = scores.filter(city_id=city_id)
    return scores.order_by("-total", "organisation__name", "pk")


def tier_counts(scores: QuerySet[EnterpriseScore]) -> dict[str, int]:
    counts = dict(scores.order_by().values_list("tier").annotate(n=Count("pk")))
    return {tier: counts.get(tier, 0) for tier in TIERS}


# ---------------------------------------------------------------- consent


def has_consent(*, organisation: Organisation | int, institution: Organisation | int) -> bool:
    """Whether the enterprise's consent to the institution is active."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    institution_id = institution if isinstance(institution, int) else institution.pk
    return ScoreConsent.objects.filter(
        organisation_id=organisation_id, institution_id=institution_id, revoked_at__isnull=True
    ).exists()


def consenting_scores(*, institution: Organisation | int) -> QuerySet[EnterpriseScore]:
    """Current-set scores of the enterprises whose consent to ``institution`` is active, best tier first."""
    institution_id = institution if isinstance(institution, int) else institution.pk
    consenting = ScoreConsent.objects.filter(institution_id=institution_id, revoked_at__isnull=True).values(
        "organisation_id"
    )
    return scores_for_city(city_id=None).filter(organisation_id__in=consenting)


def consents_of(*, organisation: Organisation) -> QuerySet[ScoreConsent]:
    """Every consent the enterprise gave (active and revoked), newest first."""
    return (
        ScoreConsent.objects.filter(organisation=organisation)
        .select_related("institution__city", "granted_by", "revoked_by")
        .order_by("revoked_at", "-granted_at", "-pk")
    )


def consent_events(
    *, organisation: Organisation | None = None, institution: Organisation | None = None
) -> QuerySet[ConsentEvent]:
    events = ConsentEvent.objects.select_related("consent__organisation", "consent__institution", "actor")
    if organisation is not None:
        events = events.filter(consent__organisation=organisation)
    if institution is not None:
        events = events.filter(consent__institution=institution)
    return events.order_by("-at", "-pk")


def consent_institutions(*, exclude_ids: Iterable[int] = ()) -> QuerySet[Organisation]:
    """Verified banks, investors and guarantors an enterprise may choose to grant its consent to."""
    return (
        Organisation.objects.filter(kind__in=INSTITUTION_KINDS, status="published")
        .exclude(pk__in=list(exclude_ids))
        .select_related("city")
        .order_by("kind", "name", "pk")
    )


# ---------------------------------------------------------------- who sees what


def can_view_score(user: Any, organisation: Organisation) -> bool:
    """An enterprise's own members and the administrators of its city (or the alliance)."""
    return roles.is_member_of(user, organisation.pk) or roles.can_administer_city(user, organisation.city_id)


def institution_ids_of(user: Any) -> list[int]:
    """The banks, investors and guarantors the user is a member of."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Organisation.objects.filter(membership__user=user, kind__in=INSTITUTION_KINDS).values_list(
            "pk", flat=True
        )
    )


def visible_score_for_institution(*, user: Any, organisation: Organisation | int) -> EnterpriseScore | None:
    """The enterprise's current score if the user is a member of an institution it consented to."""
    ids = institution_ids_of(user)
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    if (
        not ids
        or not ScoreConsent.objects.filter(
            organisation_id=organisation_id, institution_id__in=ids, revoked_at__isnull=True
        ).exists()
    ):
        return None
    return current_score(organisation=organisation_id)


# ---------------------------------------------------------------- raw values


@dataclass(frozen=True)
class Population:
    """The enterprises scored: their ids, cities, data years and raw values keyed by ``source_field``."""

    organisation_ids: list[int]
    city_ids: list[int | None]
    data_years: list[int | None]
    values: list[dict[str, float | None]]


def _number(value: Any) -> float | None:
    if value is None:
        return None
    result = float(value)
    return None if math.isnan(result) else result


def _ratio(part: Any, whole: Any, *, scale: float = 100.0) -> float | None:
    """``part / whole`` in percent; missing when either is missing or the whole is not positive."""
    if part is None or whole is None or whole <= 0:
        return None
    return round(float(part) / float(whole) * scale, 4)


def profile_values(profile: OrganisationProfile) -> dict[str, float | None]:
    """The profile's figures and the ratios derived from them, keyed as ``IndicatorDefinition.source_field``."""
    values: dict[str, float | None] = {}
    for field in (
        "headcount",
        "tech_staff",
        "rd_staff",
        "revenue_wan",
        "revenue_prev_wan",
        "rd_expense_wan",
        "high_tech_revenue_wan",
        "ip_total",
        "invention_patents",
        "class1_ip",
        "tech_contract_wan",
        "equity_financing_wan",
        "rd_institutions",
        "science_awards",
    ):
        values[field] = _number(getattr(profile, field, None))
    revenue = getattr(profile, "revenue_wan", None)
    previous = getattr(profile, "revenue_prev_wan", None)
    values["rd_intensity"] = _ratio(getattr(profile, "rd_expense_wan", None), revenue)
    values["high_tech_share"] = _ratio(getattr(profile, "high_tech_revenue_wan", None), revenue)
    values["rd_staff_ratio"] = _ratio(getattr(profile, "rd_staff", None), getattr(profile, "headcount", None))
    growth = None
    if revenue is not None and previous is not None:
        growth = _ratio(Decimal(revenue) - Decimal(previous), previous)
    values["revenue_growth"] = growth
    return values


def platform_values(organisation_ids: list[int]) -> dict[int, dict[str, float]]:
    """Measures the platform itself records, per organisation (0 when there is none):

    * ``qualifications``: 资质 tags (高新技术企业, 专精特新, 小巨人, 瞪羚 …) set on the organisation;
    * ``challenge_projects``: 揭榜挂帅 projects — its own challenges that reached 定榜 and bids it won;
    * ``cooperation_projects``: published cooperation projects (合作清单) it owns or is a partner of;
    * ``bookings_completed``: completed bookings of shared instruments and spaces.
    """
    from innomarket.challenges.models import Bid, Challenge
    from innomarket.lists.models import Cooperation
    from innomarket.resources.models import Booking

    ids = list(organisation_ids)
    result: dict[int, dict[str, float]] = defaultdict(
        lambda: {
            "qualifications": 0.0,
            "challenge_projects": 0.0,
            "cooperation_projects": 0.0,
            "bookings_completed": 0.0,
        }
    )
    if not ids:
        return {}

    quals = (
        Organisation.tags.through.objects.filter(
            organisation_id__in=ids, organisationtag__slug__in=QUALIFICATION_TAGS
        )
        .values_list("organisation_id")
        .annotate(n=Count("pk"))
    )
    for pk, n in quals:
        result[pk]["qualifications"] = float(n)

    awarded = ("awarded", "in_progress", "completed")
    owned = (
        Challenge.objects.filter(owner_id__in=ids, status__in=awarded)
        .values_list("owner_id")
        .annotate(n=Count("pk"))
    )
    won = (
        Bid.objects.filter(organisation_id__in=ids, status__in=(Bid.Status.AWARDED, Bid.Status.CONTRACTED))
        .values_list("organisation_id")
        .annotate(n=Count("challenge_id", distinct=True))
    )
    for rows in (owned, won):
        for pk, n in rows:
            result[pk]["challenge_projects"] += float(n)

    cooperations = Cooperation.objects.filter(status="published").filter(
        Q(owner_id__in=ids) | Q(partners__in=ids)
    )
    pairs: set[tuple[int, int]] = set()
    for coop_id, owner_id, partner_id in cooperations.values_list("pk", "owner_id", "partners"):
        for pk in (owner_id, partner_id):
            if pk in ids:
                pairs.add((pk, coop_id))
    for pk, _coop in pairs:
        result[pk]["cooperation_projects"] += 1.0

    bookings = (
        Booking.objects.filter(organisation_id__in=ids, status=Booking.Status.COMPLETED)
        .values_list("organisation_id")
        .annotate(n=Count("pk"))
    )
    for pk, n in bookings:
        result[pk]["bookings_completed"] = float(n)
    return {pk: dict(result[pk]) for pk in ids}


def scored_population(*, organisation_ids: Iterable[int] | None = None) -> Population:
    """Enterprises with 经营数据 (not archived or rejected), with their raw values; all of them when
    ``organisation_ids`` is None. Values combine :func:`profile_values` and :func:`platform_values`."""
    profiles = (
        OrganisationProfile.objects.filter(organisation__kind=Organisation.Kind.ENTERPRISE)
        .exclude(organisation__status__in=_EXCLUDED_STATUSES)
        .select_related("organisation")
        .order_by("organisation_id")
    )
    if organisation_ids is not None:
        profiles = profiles.filter(organisation_id__in=list(organisation_ids))
    profile_list = list(profiles)
    ids = [p.organisation_id for p in profile_list]
    platform = platform_values(ids)
    values = []
    for profile in profile_list:
        row: dict[str, float | None] = profile_values(profile)
        row.update(platform.get(profile.organisation_id, {}))
        values.append(row)
    return Population(
        organisation_ids=ids,
        city_ids=[p.organisation.city_id for p in profile_list],
        data_years=[p.year for p in profile_list],
        values=values,
    )
