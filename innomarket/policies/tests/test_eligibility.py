"""The calculator's judgement: met, not met with what is missing, or unknown."""

from decimal import Decimal

import pytest

from innomarket.policies.eligibility import assess, check
from innomarket.policies.models import PolicyCondition


def cond(kind, op, value=None, qualifier=""):
    named = kind in PolicyCondition.NAMED_KINDS
    return PolicyCondition(
        kind=kind,
        op=op,
        number=None if named else Decimal(str(value)),
        name=value if named else "",
        qualifier=qualifier,
    )


FACTS = {
    "revenue": 1200,
    "rd_ratio": 3.2,
    "headcount": 80,
    "years_founded": 4,
    "ip_count": {"": 9, "发明专利": 2},
    "qualification": {"科技型中小企业"},
    "registered_in": {"南京市", "江北新区"},
}


def test_a_shortfall_says_the_bound_and_the_current_value():
    verdict = check(cond("rd_ratio", ">=", 5), FACTS)
    assert verdict.status == "unmet"
    assert verdict.message == "研发费用占营业收入比例需 ≥ 5%，当前 3.2%"
    assert not verdict.near  # 3.2 is 36 % below 5


def test_met_conditions_say_why():
    verdict = check(cond("revenue", ">=", 1000), FACTS)
    assert (verdict.status, verdict.message) == ("met", "营业收入 ≥ 1000万元，当前 1200万元")
    assert check(cond("headcount", "<=", 500), FACTS).status == "met"
    assert check(cond("years_founded", ">", 4), FACTS).status == "unmet"  # strict bound


def test_ip_counts_by_type_qualifications_and_places():
    assert check(cond("ip_count", ">=", 2, "发明专利"), FACTS).status == "met"
    assert check(cond("ip_count", ">=", 1, "Ⅰ类知识产权"), FACTS).status == "unknown"
    assert check(cond("ip_count", ">=", 10), FACTS).message == "知识产权数量需 ≥ 10件，当前 9件"
    assert check(cond("qualification", "==", "科技型中小企业"), FACTS).status == "met"
    assert check(cond("qualification", "==", "高新技术企业"), FACTS).message == "需为高新技术企业"
    assert check(cond("registered_in", "==", "南京市"), FACTS).status == "met"
    assert check(cond("registered_in", "==", "中国境内"), FACTS).status == "met"
    here = check(cond("registered_in", "==", "本市"), FACTS, places={"本市": "苏州市"})
    assert (here.status, here.message) == ("unmet", "注册地需在苏州市，当前为南京市、江北新区")


def test_nothing_reported_is_unknown_not_a_refusal():
    verdict = check(cond("total_assets", "<=", 20000), FACTS)
    assert verdict.status == "unknown" and "未填写资产总额" in verdict.message
    assert check(cond("qualification", "==", "高新技术企业"), {}).status == "unknown"


@pytest.mark.parametrize(
    ("conditions", "eligible", "near_miss"),
    [
        ([], True, False),
        ([("revenue", ">=", 1000), ("headcount", "<=", 500)], True, False),
        ([("revenue", ">=", 1500), ("headcount", "<=", 500)], False, True),  # 1200 is 20 % short
        ([("revenue", ">=", 5000)], False, False),  # far off
        ([("revenue", ">=", 1500), ("total_assets", "<=", 20000)], False, False),  # one unknown
        ([("revenue", ">=", 1300), ("rd_ratio", ">=", 4), ("headcount", "<=", 70)], False, False),  # three
    ],
)
def test_eligible_and_near_misses(conditions, eligible, near_miss):
    result = assess([cond(*c) for c in conditions], FACTS)
    assert (result.eligible, result.near_miss) == (eligible, near_miss)
    assert len(result.met) + len(result.unmet) + len(result.unknown) == len(conditions)
