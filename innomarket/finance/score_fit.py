"""创新积分 × 金融产品: does an enterprise's tier meet what a product requires, and if not, what is missing.

Reads only. The tier order and the scores are ``innomarket.points``'s (``points.selectors``); this module
turns them into the sentences the product pages, the apply form and the policy calculator show:

* meets: 您的积分等级符合（B 级，要求 C 级及以上）;
* below: 需达到 B 级，当前 C 级（还差 6.5 分），最能提分：研发费用占营业收入比例达到 5%（可加 8 分）;
* no score: 尚无创新积分，请先填写经营数据;
* anonymous, or someone who is not a member of an enterprise: 本产品要求创新积分 B 级及以上.

An enterprise's score is private: a fit is only ever computed for an enterprise the viewer is a member
of, and shown to that viewer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from innomarket.organisations.models import Organisation
from innomarket.points import selectors as points
from innomarket.points.models import EnterpriseScore

from .models import FinancialProduct

# A product "nearly" fits when the enterprise is one tier short of it.
NEAR_TIERS = 1


def number_text(value: Any) -> str:
    """6.50 → "6.5", 7.00 → "7", 1234.5 → "1234.5" (no exponent, no trailing zeros)."""
    if value is None:
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number.quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def score_url(organisation: Organisation | int) -> str:
    """The enterprise's 创新积分 page (the org workspace page while the points pages are not mounted)."""
    org_pk = organisation if isinstance(organisation, int) else organisation.pk
    try:
        return reverse("site:workspace-points", kwargs={"org_pk": org_pk})
    except NoReverseMatch:
        return reverse("site:workspace-org", kwargs={"org_pk": org_pk})


def shortfall(score: EnterpriseScore, required: str) -> Decimal | None:
    """Points between the score's total and the required tier's cut-off in the score's own indicator
    set (None when the set has no such cut-off or the total already reaches it)."""
    cutoffs = score.indicator_set.tier_cutoffs or {}
    if required not in cutoffs:
        return None
    try:
        gap = Decimal(str(cutoffs[required])) - Decimal(score.total)
    except InvalidOperation:
        return None
    return gap if gap > 0 else None


def _unit_of(score: EnterpriseScore, key: str) -> str:
    for row in score.explanation or []:
        if isinstance(row, dict) and row.get("key") == key:
            return str(row.get("unit") or "")
    return ""


def best_gain_text(score: EnterpriseScore) -> str:
    """ "研发费用占营业收入比例达到 5%（可加 8 分）", or "" when nothing can raise the total."""
    gain = score.best_gain or {}
    if not gain.get("name"):
        return ""
    unit = _unit_of(score, str(gain.get("key", "")))
    needed = number_text(gain.get("value_needed"))
    separator = "" if unit in ("%", "‰") else " "
    text = _("%(name)s达到 %(value)s") % {
        "name": gain["name"],
        "value": f"{needed}{separator}{unit}".rstrip(),
    }
    if gain.get("gain") not in (None, ""):
        text += _("（可加 %(points)s 分）") % {"points": number_text(gain["gain"])}
    return text


@dataclass(frozen=True)
class TierFit:
    """One enterprise (or an anonymous viewer) against one product's requirement."""

    required: str  # the product's min_tier ("" = none)
    organisation: Organisation | None = None  # None: the viewer is not a member of an enterprise
    score: EnterpriseScore | None = None

    @property
    def state(self) -> str:
        """none (no requirement) · open (no enterprise to judge) · no_score · meets · below."""
        if not self.required:
            return "none"
        if self.organisation is None:
            return "open"
        if self.score is None:
            return "no_score"
        return "meets" if points.tier_meets(tier=self.score.tier, required=self.required) else "below"

    @property
    def meets(self) -> bool:
        return self.state in ("none", "meets")

    @property
    def tier_gap(self) -> int:
        """How many tiers short (0 when it meets; large without a score)."""
        if self.score is None:
            return len(points.TIERS)
        return max(0, points.tier_rank(self.score.tier) - points.tier_rank(self.required))

    @property
    def shortfall(self) -> Decimal | None:
        return shortfall(self.score, self.required) if self.state == "below" and self.score else None

    @property
    def best_gain_text(self) -> str:
        return best_gain_text(self.score) if self.state == "below" and self.score else ""

    @property
    def score_url(self) -> str:
        return score_url(self.organisation) if self.organisation is not None else ""

    @property
    def css_class(self) -> str:
        return {
            "meets": "tier-fit tier-ok",
            "below": "tier-fit tier-short",
            "no_score": "tier-fit tier-short",
        }.get(self.state, "tier-fit")

    @property
    def message(self) -> str:
        state = self.state
        if state == "none":
            return ""
        if state == "open":
            return _("本产品要求创新积分 %(tier)s 级及以上") % {"tier": self.required}
        if state == "no_score":
            return _("尚无创新积分，请先填写经营数据")
        assert self.score is not None
        if state == "meets":
            return _("您的积分等级符合（%(tier)s 级，要求 %(required)s 级及以上）") % {
                "tier": self.score.tier,
                "required": self.required,
            }
        text = _("需达到 %(required)s 级，当前 %(tier)s 级") % {
            "required": self.required,
            "tier": self.score.tier,
        }
        gap = self.shortfall
        if gap is not None:
            text += _("（还差 %(points)s 分）") % {"points": number_text(gap)}
        gain = self.best_gain_text
        if gain:
            text += _("，最能提分：%(gain)s") % {"gain": gain}
        return text

    def __str__(self) -> str:
        return self.message


def fit(*, product: FinancialProduct, organisation: Organisation | None, score: Any = ...) -> TierFit:
    """The fit of one enterprise (None: nobody to judge) for one product. ``score`` may be passed when
    already read (None = the enterprise has none); otherwise it is read here."""
    if organisation is not None and score is ...:
        score = points.current_score(organisation=organisation)
    return TierFit(
        required=product.min_tier,
        organisation=organisation,
        score=None if score is ... else score,
    )


def enterprises_of(user: Any) -> list[Organisation]:
    """The enterprises the viewer is a member of, by name (whose fit they may see)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Organisation.objects.filter(membership__user=user, kind=Organisation.Kind.ENTERPRISE)
        .select_related("city")
        .order_by("name", "pk")
    )


def scores_of(organisations: Iterable[Organisation]) -> dict[int, EnterpriseScore | None]:
    return {o.pk: points.current_score(organisation=o) for o in organisations}


def fits_for_viewer(user: Any, product: FinancialProduct) -> list[TierFit]:
    """One fit per enterprise of the viewer; one open fit (the requirement alone) otherwise. Empty when
    the product has no requirement."""
    if not product.min_tier:
        return []
    enterprises = enterprises_of(user)
    if not enterprises:
        return [TierFit(required=product.min_tier)]
    scores = scores_of(enterprises)
    return [TierFit(required=product.min_tier, organisation=o, score=scores[o.pk]) for o in enterprises]


def card_notes(user: Any, products: Iterable[FinancialProduct]) -> dict[int, TierFit]:
    """The fit line of each gated product on a list page, for the viewer's first enterprise."""
    gated = [p for p in products if p.min_tier]
    if not gated:
        return {}
    enterprises = enterprises_of(user)
    organisation = enterprises[0] if enterprises else None
    score = points.current_score(organisation=organisation) if organisation is not None else None
    return {p.pk: TierFit(required=p.min_tier, organisation=organisation, score=score) for p in gated}


@dataclass(frozen=True)
class ProductFit:
    product: FinancialProduct
    fit: TierFit


@dataclass(frozen=True)
class ProductMatches:
    """The tier-gated products for one enterprise (政策计算器 “可对接的金融产品”)."""

    score: EnterpriseScore | None
    meets: list[ProductFit]
    near: list[ProductFit]  # one tier short, each with what is missing
    gated_count: int  # published products with a tier requirement (for the empty states)


def products_for(*, organisation: Organisation, limit: int = 10) -> ProductMatches:
    """Published tier-gated products of others whose requirement the enterprise meets (the strictest
    requirement first, then the largest 额度), and those it misses by one tier (closest first)."""
    from .selectors import product_queryset

    products = list(
        product_queryset()
        .exclude(min_tier="")
        .exclude(owner_id=organisation.pk)
        .order_by("min_tier", F("amount_max_wan").desc(nulls_last=True), "-pk")
    )
    score = points.current_score(organisation=organisation)
    if score is None:
        return ProductMatches(score=None, meets=[], near=[], gated_count=len(products))
    fits = [
        ProductFit(p, TierFit(required=p.min_tier, organisation=organisation, score=score)) for p in products
    ]
    meets = [f for f in fits if f.fit.state == "meets"]
    near = [f for f in fits if f.fit.state == "below" and f.fit.tier_gap <= NEAR_TIERS]
    near.sort(key=lambda f: f.fit.shortfall if f.fit.shortfall is not None else Decimal("Infinity"))
    return ProductMatches(score=score, meets=meets[:limit], near=near[:limit], gated_count=len(products))
