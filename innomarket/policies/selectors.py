"""Reads of policies for the public site."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from innomarket.organisations.models import Organisation, OrganisationProfile
from innomarket.site.catalogue import filter_listings, public_listings

from .eligibility import Assessment, assess
from .filters import PolicyFilterSet
from .models import Policy, PolicyCondition


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
    today = today or timezone.localdate()
    profile = OrganisationProfile.objects.filter(organisation=organisation).first()
    facts: dict[str, Any] = {
        "qualification": {
            TAG_QUALIFICATIONS[slug]
            for slug in organisation.tags.values_list("slug", flat=True)
            if slug in TAG_QUALIFICATIONS
        },
        "registered_in": {organisation.city.name, organisation.city.short_name, "中国境内"} - {""},
    }
    if profile is None:
        return facts
    if profile.district:
        facts["registered_in"].add(profile.district)
    if profile.founded_on:
        years = today.year - profile.founded_on.year - ((today.month, today.day) < (profile.founded_on.month, profile.founded_on.day))
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
            100.0 * (float(profile.revenue_wan) - float(profile.revenue_prev_wan)) / float(profile.revenue_prev_wan), 2
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


def policy_calculator(organisation: Organisation, *, today: dt.date | None = None) -> Calculation:
    """政策计算器: every public policy with confirmed conditions, judged for ``organisation`` —
    those it meets, near misses (what is missing), and the rest. A policy's 本市/本区 is its own
    city. Two queries for the policies and their conditions, whatever their number."""
    facts = organisation_facts(organisation, today=today)
    confirmed = Prefetch("conditions", queryset=PolicyCondition.objects.filter(is_confirmed=True), to_attr="confirmed")
    policies = (
        policy_queryset()
        .filter(conditions__is_confirmed=True)
        .distinct()
        .prefetch_related(confirmed)
        .order_by("-issued_on", "-id")
    )
    eligible, near, other = [], [], []
    for policy in policies:
        places = {"本市": policy.city.name, "本区": policy.city.name}
        fit = PolicyFit(policy, assess(policy.confirmed, facts, places=places))
        if fit.assessment.eligible:
            eligible.append(fit)
        elif fit.assessment.near_miss:
            near.append(fit)
        else:
            other.append(fit)
    return Calculation(eligible, near, other, facts)
