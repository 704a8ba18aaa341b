"""Who is searching, as the ranking sees it: where their 创新券 can be spent and which financial
products their 创新积分 tier qualifies for.

The engine knows neither vouchers nor tiers; this module turns the viewer's enterprise(s) into sets
of document keys (``Query.your_vouchers`` / ``Query.tier_qualifies`` boosts, ``Filters.only_ids``
restrictions) and tells each hit which badge it earns. Nothing here is shown to anyone but the
viewer: the keys are computed per request from the viewer's own memberships.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from innomarket.catalog import LISTING_TYPES
from innomarket.organisations.models import Organisation

from .models import document_key

# Listing types whose owner renders the service a voucher pays for: the instrument or space itself,
# and the provider organisation's own page (testing bodies, tech-transfer agencies).
VOUCHER_TYPES = ("instrument", "space")


@dataclass(frozen=True)
class Viewer:
    """The search's viewer: ``enterprises`` they act for; document keys of records that accept
    vouchers at all, that accept *their* vouchers, of gated financial products and of those whose
    tier requirement they meet, plus every product their tier allows (gated and met, or ungated)."""

    enterprises: tuple[Organisation, ...] = ()
    tier: str | None = None
    accepting: frozenset[str] = frozenset()
    your_vouchers: frozenset[str] = frozenset()
    gated: frozenset[str] = frozenset()
    qualifies: frozenset[str] = frozenset()
    products_allowed: frozenset[str] = frozenset()

    @property
    def holds_vouchers(self) -> bool:
        return bool(self.your_vouchers)

    @property
    def has_tier(self) -> bool:
        return self.tier is not None

    def badges(self, key: str) -> list[str]:
        """Badge codes for one hit: ``your_vouchers`` / ``accepts_vouchers``, ``tier_ok`` / ``tier_short``."""
        out = []
        if key in self.your_vouchers:
            out.append("your_vouchers")
        elif key in self.accepting:
            out.append("accepts_vouchers")
        if key in self.gated and self.tier is not None:
            out.append("tier_ok" if key in self.qualifies else "tier_short")
        return out


def _owned_keys(owner_ids: set[int]) -> set[str]:
    """Keys of the public voucher-service records owned by ``owner_ids``, and of the owners themselves."""
    keys = {document_key("organisation", pk) for pk in owner_ids}
    for type_key in VOUCHER_TYPES:
        model = LISTING_TYPES[type_key].model
        for pk in model._default_manager.filter(owner_id__in=owner_ids).values_list("pk", flat=True):
            keys.add(document_key(type_key, pk))
    return keys


def accepting_keys() -> frozenset[str]:
    """Records that accept 创新券: instruments that say so on their verified listing, and every
    voucher-service record of a provider accepted in an open programme."""
    from innomarket.vouchers.selectors import accepting_provider_ids

    keys = _owned_keys(set(accepting_provider_ids()))
    instrument = LISTING_TYPES["instrument"].model
    for pk in instrument._default_manager.filter(accepts_vouchers=True).values_list("pk", flat=True):
        keys.add(document_key("instrument", pk))
    return frozenset(keys)


def viewer_enterprises(user: Any) -> tuple[Organisation, ...]:
    if not getattr(user, "is_authenticated", False):
        return ()
    return tuple(
        Organisation.objects.filter(members=user, kind=Organisation.Kind.ENTERPRISE).distinct().order_by("pk")
    )


def viewer_for(user: Any) -> Viewer:
    """The viewer's voucher and tier context (empty for visitors and non-enterprise members)."""
    from innomarket.points.selectors import current_score, tier_rank

    accepting = accepting_keys()
    enterprises = viewer_enterprises(user)
    if not enterprises:
        return Viewer(accepting=accepting)
    from innomarket.vouchers.selectors import voucher_acceptors

    acceptors: set[int] = set()
    tiers = []
    for org in enterprises:
        acceptors |= set(voucher_acceptors(organisation=org))
        score = current_score(organisation=org)
        if score is not None and score.tier:
            tiers.append(score.tier)
    tier = min(tiers, key=tier_rank) if tiers else None
    gated, qualifies, allowed = _product_keys(tier)
    return Viewer(
        enterprises=enterprises,
        tier=tier,
        accepting=accepting,
        your_vouchers=frozenset(_owned_keys(acceptors)) if acceptors else frozenset(),
        gated=gated,
        qualifies=qualifies,
        products_allowed=allowed,
    )


def _product_keys(tier: str | None) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    from innomarket.points.selectors import tier_meets

    product = LISTING_TYPES["product"].model
    gated: set[str] = set()
    qualifies: set[str] = set()
    allowed: set[str] = set()
    for pk, min_tier in product._default_manager.values_list("pk", "min_tier"):
        key = document_key("product", pk)
        if not min_tier:
            allowed.add(key)
            continue
        gated.add(key)
        if tier is not None and tier_meets(tier=tier, required=min_tier):
            qualifies.add(key)
            allowed.add(key)
    return frozenset(gated), frozenset(qualifies), frozenset(allowed)
