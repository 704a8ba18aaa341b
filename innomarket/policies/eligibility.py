"""Whether an organisation meets a policy's conditions, and what is missing (政策计算器).

Plain functions over plain values, so that the calculator, the 免申即享 push and the tests share
one judgement: ``assess(conditions, facts)`` checks every confirmed condition against what an
organisation reported and says, per condition, met / not met / unknown with a sentence a person
can act on (「研发费用占营业收入比例需 ≥ 5%，当前 3.2%」).

``facts`` maps a condition kind to a number (revenue in 万元, ratios in percent, headcount, years
since founding), for ``ip_count`` to a mapping of IP type ("" for all) to a count, for
``qualification`` to the set of qualifications held and for ``registered_in`` to the set of places
the organisation is registered in (city, district, "中国境内" …). A missing kind is unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.utils.translation import gettext as _

UNITS = {
    "revenue": "万元",
    "rd_expense": "万元",
    "total_assets": "万元",
    "rd_ratio": "%",
    "tech_staff_ratio": "%",
    "high_tech_revenue_ratio": "%",
    "revenue_growth": "%",
    "headcount": "人",
    "years_founded": "年",
    "ip_count": "件",
}
SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
# Places a policy names relative to itself; the caller says what they are for the policy at hand.
RELATIVE_PLACES = ("本市", "本区", "本省")
# A measured shortfall within this share of the bound makes a near miss (差一点就符合).
NEAR_MISS_SHARE = 0.3


class ConditionLike(Protocol):
    kind: str
    op: str
    number: Any
    name: str
    qualifier: str

    def get_kind_display(self) -> str: ...


@dataclass(frozen=True)
class Verdict:
    condition: Any
    status: str  # "met", "unmet" or "unknown"
    message: str
    near: bool = False  # unmet, but by less than NEAR_MISS_SHARE of the bound


@dataclass(frozen=True)
class Assessment:
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def met(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.status == "met"]

    @property
    def unmet(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.status == "unmet"]

    @property
    def unknown(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.status == "unknown"]

    @property
    def eligible(self) -> bool:
        """Every condition met (a policy without conditions is eligible for everyone)."""
        return all(v.status == "met" for v in self.verdicts)

    @property
    def near_miss(self) -> bool:
        """Not eligible, but only for one or two measured shortfalls that are each close."""
        unmet = self.unmet
        return not self.eligible and not self.unknown and 0 < len(unmet) <= 2 and all(v.near for v in unmet)


def _fmt(value: Any) -> str:
    d = Decimal(str(value)).normalize()
    return f"{d:f}"


def _compare(op: str, value: float, bound: float) -> bool:
    return {">=": value >= bound, ">": value > bound, "<=": value <= bound, "<": value < bound}[op]


def _label(condition: ConditionLike) -> str:
    label = str(condition.get_kind_display())
    # The model's labels carry their unit in brackets (营业收入（万元）); the sentence says it itself.
    label = label.split("（")[0]
    if condition.kind == "ip_count" and condition.qualifier:
        label = _("%(type)s数量") % {"type": condition.qualifier}
    return label


def check(condition: ConditionLike, facts: Mapping[str, Any], *, places: Mapping[str, str] | None = None) -> Verdict:
    """One condition against ``facts`` (see the module docstring)."""
    kind = condition.kind
    if kind == "qualification":
        held = facts.get("qualification")
        if held is None:
            return Verdict(condition, "unknown", _("未填写已获资质，无法判断是否为%(name)s") % {"name": condition.name})
        if condition.name in held:
            return Verdict(condition, "met", _("已是%(name)s") % {"name": condition.name})
        return Verdict(condition, "unmet", _("需为%(name)s") % {"name": condition.name})
    if kind == "registered_in":
        where = condition.name
        if where in RELATIVE_PLACES:
            where = (places or {}).get(where, where)
        mine = facts.get("registered_in")
        if not mine:
            return Verdict(condition, "unknown", _("未填写注册地"))
        if where in mine or where == "中国境内":
            return Verdict(condition, "met", _("注册地符合（%(place)s）") % {"place": where})
        return Verdict(
            condition,
            "unmet",
            _("注册地需在%(place)s，当前为%(mine)s") % {"place": where, "mine": "、".join(sorted(mine))},
        )
    value: Any = facts.get(kind)
    if kind == "ip_count" and isinstance(value, Mapping):
        value = value.get(condition.qualifier or "")
    label, unit = _label(condition), UNITS.get(kind, "")
    bound = float(condition.number)
    rule = f"{SYMBOLS[condition.op]} {_fmt(condition.number)}{unit}"
    if value is None:
        return Verdict(condition, "unknown", _("未填写%(label)s（条件：%(rule)s）") % {"label": label, "rule": rule})
    current = f"{_fmt(value)}{unit}"
    if _compare(condition.op, float(value), bound):
        return Verdict(condition, "met", _("%(label)s %(rule)s，当前 %(current)s") % {"label": label, "rule": rule, "current": current})
    near = abs(float(value) - bound) <= NEAR_MISS_SHARE * max(abs(bound), 1e-9)
    return Verdict(
        condition,
        "unmet",
        _("%(label)s需 %(rule)s，当前 %(current)s") % {"label": label, "rule": rule, "current": current},
        near=near,
    )


def assess(
    conditions: Iterable[ConditionLike], facts: Mapping[str, Any], *, places: Mapping[str, str] | None = None
) -> Assessment:
    """Every condition of a policy checked against an organisation's facts."""
    return Assessment([check(c, facts, places=places) for c in conditions])
