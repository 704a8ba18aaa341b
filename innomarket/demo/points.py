"""Demo 创新积分: 经营数据 for the sample enterprises of every city, then one recompute.

The seeds give no enterprise's figures, so every figure here is a generated sample on a sample
(``is_sample``) enterprise: drawn from a random generator seeded by the city and the role, so a rerun
produces the same numbers. demo-member's enterprise (普陀, ``enterprise_a``) already has the policy
calculator's profile (``policies.DEMO_PROFILE``); it gets the figures the points need on top, chosen so it
lands in tier C with one clear "what would raise it most" (股权融资 to the next step).

Idempotent: a profile is created only when missing and the points figures are filled only while all of
them are empty, so figures a user changed are kept; the recompute writes nothing when nothing changed.
Consents are left to the users (and to ``demo.finance``, which gives the 普陀 bank one sample consent).
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from innomarket.organisations.models import OrganisationProfile
from innomarket.points.services import score_recompute

from . import samples as S

if TYPE_CHECKING:
    from .loader import DemoLoader

POINTS_FIELDS = ("rd_staff", "tech_contract_wan", "equity_financing_wan", "rd_institutions", "science_awards")

# demo-member's enterprise: added to the policy calculator's sample profile (85 employees, 1,500 万元).
DEMO_MEMBER_FIGURES: dict[str, Any] = {
    "rd_staff": 18,
    "class1_ip": 2,
    "tech_contract_wan": Decimal("80"),
    "equity_financing_wan": Decimal("300"),
    "rd_institutions": 0,
    "science_awards": 0,
}


def _money(value: float) -> Decimal:
    return Decimal(str(round(value))).quantize(Decimal("0.01"))


def sample_figures(city_slug: str, role: str, year: int) -> dict[str, Any]:
    """A plausible, internally consistent sample profile; ``strength`` spreads the tiers from D to A."""
    rng = random.Random(f"innomarket-points-{city_slug}-{role}")
    strength = rng.uniform(0.15, 1.0)
    headcount = int(40 + strength * rng.uniform(200, 800))
    revenue = 600 + strength * rng.uniform(3000, 30000)
    growth = rng.uniform(-0.08, 0.1) + strength * 0.3
    rd_share = 0.02 + strength * rng.uniform(0.02, 0.09)
    inventions = int(strength * rng.uniform(0, 25))
    class1 = inventions + int(strength * rng.uniform(0, 6))
    return {
        "year": year,
        "headcount": headcount,
        "tech_staff": int(headcount * (0.12 + 0.3 * strength)),
        "rd_staff": int(headcount * (0.06 + 0.28 * strength)),
        "revenue_wan": _money(revenue),
        "revenue_prev_wan": _money(revenue / (1 + growth)),
        "rd_expense_wan": _money(revenue * rd_share),
        "high_tech_revenue_wan": _money(revenue * min(0.95, 0.2 + 0.6 * strength)),
        "total_assets_wan": _money(revenue * rng.uniform(0.8, 2.0)),
        "ip_total": class1 + int(rng.uniform(2, 30) * strength),
        "invention_patents": inventions,
        "class1_ip": class1,
        "tech_contract_wan": _money(strength**2 * rng.uniform(0, 1500)),
        "equity_financing_wan": _money(strength**3 * rng.uniform(0, 8000)) if strength > 0.5 else Decimal(0),
        "rd_institutions": int(strength > 0.6) + int(strength > 0.9),
        "science_awards": int(strength > 0.75) + int(strength > 0.95),
    }


def load_points(loader: DemoLoader) -> None:
    """Profiles for the sample enterprises of every city (for demo-member's, the points figures only), then
    recompute every score."""
    year = loader.today.year - 1
    demo_enterprise = loader.sample_orgs.get(("putuo", "enterprise_a"))
    with transaction.atomic():
        for slug in S.CITY_CODES:
            for role in ("enterprise_a", "enterprise_b"):
                organisation = loader.sample_orgs.get((slug, role))
                if organisation is None or not organisation.is_sample:
                    continue
                profile = OrganisationProfile.objects.filter(organisation=organisation).first()
                if profile is None:
                    profile = OrganisationProfile(
                        organisation=organisation, **sample_figures(slug, role, year)
                    )
                    profile.full_clean()
                    profile.save()
                    loader.created[OrganisationProfile._meta.label] += 1
                elif all(getattr(profile, name) is None for name in POINTS_FIELDS):
                    figures = (
                        DEMO_MEMBER_FIGURES
                        if organisation == demo_enterprise
                        else {k: v for k, v in sample_figures(slug, role, year).items() if k in POINTS_FIELDS}
                    )
                    for name, value in figures.items():
                        if getattr(profile, name) in (None, "") or name in POINTS_FIELDS:
                            setattr(profile, name, value)
                    profile.full_clean()
                    profile.save()
                    loader.updated[OrganisationProfile._meta.label] += 1
        changed = score_recompute()
    if changed:
        loader.updated["points.EnterpriseScore"] += changed
