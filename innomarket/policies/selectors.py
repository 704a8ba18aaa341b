"""Reads of policies for the public site."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from innomarket.organisations.models import Organisation, OrganisationProfile
from innomarket.site.catalogue import filter_listings, public_listings

from .eligibility import Assessment, assess
from .filters import PolicyFilterSet
from .models import Policy, PolicyCondition, PolicyPush


def policy_queryset() -> QuerySet[Policy]:
    """Public policies with city, owner and field tags joined."""
    return public_listings(Policy)


def policy_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Policy]:
    """Public policies filtered by ``PolicyFilterSet`` (invalid filter values are ignored)."""
    return filter_listings(PolicyFilterSet, policy_queryset(), filters).qs


# Verified 资质与名单 tags that are qualifications a policy may ask for (tag slug → the name the
# conditions use, policies.conditions).
TAG_QUALIFICATIONS = {
    "hnte": "高新技术企业",
    "srdi": "专精特新中小企业",
    "little-giant": "专精特新“小巨人”企业",
    "gazelle": "瞪羚企业",
    "listed": "上市企业",
}


def _ratio(part: Any, whole: Any) -> float | None:
    if part is None or whole is None or not whole:
        return None
    return round(100.0 * float(part) / float(whole), 2)


def organisation_facts(organisation: Organisation, *, today: dt.date | None = None) -> dict[str, Any]:
    """What the calculator knows of ``organisation``: its reported figures (经营数据), its verified
    qualifications (资质与名单 tags) and where it is registered. A figure not reported is absent."""
    profile = OrganisationProfile.objects.filter(organisation=organisation).first()
    slugs = organisation.tags.values_list("slug", flat=True)
    return facts_from(organisation, profile, slugs, today=today)


def facts_from(
    organisation: Organisation,
    profile: OrganisationProfile | None,
    tag_slugs: Iterable[str],
    *,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """``organisation_facts`` from rows the caller has already loaded (``organisation.city`` too), so
    that judging many organisations costs no query each."""
    today = today or timezone.localdate()
    facts: dict[str, Any] = {
        "qualification": {TAG_QUALIFICATIONS[slug] for slug in tag_slugs if slug in TAG_QUALIFICATIONS},
        "registered_in": {organisation.city.name, organisation.city.short_name, "中国境内"} - {""},
    }
    if profile is None:
        return facts
    if profile.district:
        facts["registered_in"].add(profile.district)
    if profile.founded_on:
        years = (
            today.year
            - profile.founded_on.year
            - ((today.month, today.day) < (profile.founded_on.month, profile.founded_on.day))
        )
        facts["years_founded"] = years
    measured = {
        "revenue": profile.revenue_wan,
        "rd_expense": profile.rd_expense_wan,
        "total_assets": profile.total_assets_wan,
        "headcount": profile.headcount,
        "rd_ratio": _ratio(profile.rd_expense_wan, profile.revenue_wan),
        "tech_staff_ratio": _ratio(profile.tech_staff, profile.headcount),
        "high_tech_revenue_ratio": _ratio(profile.high_tech_revenue_wan, profile.revenue_wan),
    }
    if profile.revenue_wan is not None and profile.revenue_prev_wan:
        measured["revenue_growth"] = round(
            100.0
            * (float(profile.revenue_wan) - float(profile.revenue_prev_wan))
            / float(profile.revenue_prev_wan),
            2,
        )
    facts.update({k: float(v) for k, v in measured.items() if v is not None})
    ip = {"": profile.ip_total, "发明专利": profile.invention_patents, "Ⅰ类知识产权": profile.class1_ip}
    if any(v is not None for v in ip.values()):
        facts["ip_count"] = {k: v for k, v in ip.items() if v is not None}
    return facts


@dataclass(frozen=True)
class PolicyFit:
    policy: Policy
    assessment: Assessment


@dataclass(frozen=True)
class Calculation:
    eligible: list[PolicyFit]
    near: list[PolicyFit]
    other: list[PolicyFit]
    facts: dict[str, Any]


def _with_confirmed_conditions(policies: QuerySet[Policy]) -> QuerySet[Policy]:
    confirmed = Prefetch(
        "conditions", queryset=PolicyCondition.objects.filter(is_confirmed=True), to_attr="confirmed"
    )
    return policies.filter(conditions__is_confirmed=True).distinct().prefetch_related(confirmed)


def policy_assess(policy: Policy, facts: Mapping[str, Any]) -> Assessment:
    """``policy``'s confirmed conditions (prefetched as ``confirmed``) judged against ``facts``; a
    policy's 本市/本区 is its own city."""
    places = {"本市": policy.city.name, "本区": policy.city.name}
    return assess(policy.confirmed, facts, places=places)  # type: ignore[attr-defined]  # the Prefetch to_attr


def policy_calculator(organisation: Organisation, *, today: dt.date | None = None) -> Calculation:
    """政策计算器: every public policy with confirmed conditions, judged for ``organisation`` —
    those it meets, near misses (what is missing), and the rest. Two queries for the policies and
    their conditions, whatever their number."""
    facts = organisation_facts(organisation, today=today)
    policies = _with_confirmed_conditions(policy_queryset()).order_by("-issued_on", "-id")
    eligible, near, other = [], [], []
    for policy in policies:
        fit = PolicyFit(policy, policy_assess(policy, facts))
        if fit.assessment.eligible:
            eligible.append(fit)
        elif fit.assessment.near_miss:
            near.append(fit)
        else:
            other.append(fit)
    return Calculation(eligible, near, other, facts)


# ---------------------------------------------------------------- 免申即享


def pushable_policies(*, today: dt.date | None = None) -> QuerySet[Policy]:
    """Policies the 免申即享 push may tell organisations about: published, with at least one confirmed
    condition (a policy without conditions would be "for everyone"), and still open — neither its
    application period nor its validity has ended. Confirmed conditions are prefetched."""
    today = today or timezone.localdate()
    return _with_confirmed_conditions(
        Policy.objects.filter(status__in=Policy.WORKFLOW.public)
        .filter(Q(apply_until__isnull=True) | Q(apply_until__gte=today))
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        .select_related("city")
    ).order_by("pk")


def profiled_organisations(*, organisation_ids: Iterable[int] | None = None) -> QuerySet[OrganisationProfile]:
    """The 经营数据 of organisations the push considers — those that reported figures and are not
    archived or rejected — with the organisation, its city and its tag slugs loaded."""
    from innomarket.organisations.models import OrganisationTag

    profiles = (
        OrganisationProfile.objects.exclude(organisation__status__in=("archived", "rejected"))
        .select_related("organisation__city")
        .prefetch_related(Prefetch("organisation__tags", queryset=OrganisationTag.objects.only("slug")))
        .order_by("organisation_id")
    )
    if organisation_ids is not None:
        profiles = profiles.filter(organisation_id__in=list(organisation_ids))
    return profiles


def eligible_pairs(
    policies: Iterable[Policy], profiles: Iterable[OrganisationProfile], *, today: dt.date | None = None
) -> list[tuple[Organisation, Policy, Assessment]]:
    """Every (organisation, policy) where the organisation meets every confirmed condition, not yet
    pushed. Near misses and unknowns are not eligible."""
    policies = list(policies)
    profiles = list(profiles)
    if not policies or not profiles:
        return []
    done = set(
        PolicyPush.objects.filter(
            policy__in=[p.pk for p in policies], organisation__in=[p.organisation_id for p in profiles]
        ).values_list("organisation_id", "policy_id")
    )
    pairs = []
    for profile in profiles:
        organisation = profile.organisation
        facts = facts_from(organisation, profile, [t.slug for t in organisation.tags.all()], today=today)
        for policy in policies:
            if (organisation.pk, policy.pk) in done:
                continue
            assessment = policy_assess(policy, facts)
            if assessment.eligible:
                pairs.append((organisation, policy, assessment))
    return pairs
