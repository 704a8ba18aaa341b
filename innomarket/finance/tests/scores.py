"""Test helpers of the 创新积分 finance link: a score for an enterprise under the current (seeded V1) set,
whose tier cut-offs are A 75 · B 60 · C 40 · D 0."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from innomarket.organisations.models import Organisation
from innomarket.points import selectors as points
from innomarket.points.models import EnterpriseScore

RD = {"key": "rd-intensity", "name": "研发费用占营业收入比例", "unit": "%"}


def give_score(
    organisation: Organisation,
    *,
    total: str,
    tier: str,
    percentile_city: str | None = "82.5",
    percentile_alliance: str | None = "64",
) -> EnterpriseScore:
    indicator_set = points.current_set()
    assert indicator_set is not None and indicator_set.tier_cutoffs["B"] == 60
    return EnterpriseScore.objects.create(
        organisation=organisation,
        indicator_set=indicator_set,
        city=organisation.city,
        total=Decimal(total),
        tier=tier,
        explanation=[{**RD, "value": 3.2, "points": "4", "weight": "1", "weighted": "4", "missing": False}],
        best_gain={**RD, "value_needed": 5.0, "points_after": "12", "gain": "8"},
        percentile_city=Decimal(percentile_city) if percentile_city is not None else None,
        percentile_alliance=Decimal(percentile_alliance) if percentile_alliance is not None else None,
        computed_at=timezone.now(),
    )
