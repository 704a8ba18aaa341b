"""The policy-condition assistant: what a clause states, in fixed units, and nothing it does not."""

import pytest

from innomarket.policies.conditions import chinese_number, propose_conditions


def props(text: str) -> set[tuple]:
    return {(c.kind, c.op, c.value, c.qualifier) for c in propose_conditions(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("企业申请认定时须注册成立一年以上", {("years_founded", ">=", 1.0, "")}),
        (
            "职工总数不超过500人、年销售收入不超过2亿元、资产总额不超过2亿元",
            {("headcount", "<=", 500.0, ""), ("revenue", "<=", 20000.0, ""), ("total_assets", "<=", 20000.0, "")},
        ),
        (
            "近一年高新技术产品（服务）收入占企业同期总收入的比例不低于60%",
            {("high_tech_revenue_ratio", ">=", 60.0, "")},
        ),
        (
            "企业从事研发和相关技术创新活动的科技人员占企业当年职工总数的比例不低于10%",
            {("tech_staff_ratio", ">=", 10.0, "")},
        ),
        (
            "上年度营业收入1000万元以上，研发费用占营业收入比重不低于百分之三",
            {("revenue", ">=", 1000.0, ""), ("rd_ratio", ">=", 3.0, "")},
        ),
        ("近2年主营业务收入平均增长率不低于5%", {("revenue_growth", ">=", 5.0, "")}),
        ("年营业收入超过1.5千万元", {("revenue", ">", 1500.0, "")}),
        ("设立满三年", {("years_founded", ">=", 3.0, "")}),
        ("成立5年内营业收入突破5亿元", {("revenue", ">", 50000.0, "")}),
        ("最近一年营业收入不低于人民币3亿元", {("revenue", ">=", 30000.0, "")}),
        ("最近一年销售收入小于5,000万元（含）的企业", {("revenue", "<=", 5000.0, "")}),
        (
            "上年度营业收入总额在5000万元—1亿元的企业",
            {("revenue", ">=", 5000.0, ""), ("revenue", "<=", 10000.0, "")},
        ),
        ("拥有2项以上与主导产品相关的Ⅰ类知识产权", {("ip_count", ">=", 2.0, "Ⅰ类知识产权")}),
        ("且截止年营业收入正增长", {("revenue_growth", ">", 0.0, "")}),
    ],
)
def test_thresholds_are_read_in_fixed_units(text, expected):
    assert props(text) == expected


def test_a_ratio_named_early_in_the_sentence_is_the_one_a_later_bare_ratio_means():
    text = (
        "近三年研究开发费用总额占同期销售收入总额的比例符合如下要求："
        "最近一年销售收入小于5,000万元（含）的企业，比例不低于5%"
    )
    assert props(text) == {("revenue", "<=", 5000.0, ""), ("rd_ratio", ">=", 5.0, "")}


def test_ip_counts_carry_their_type_and_qualifications_and_places_are_named():
    text = "在南京市行政区域内注册的高新技术企业，拥有Ⅰ类知识产权1项以上或发明专利2件以上"
    assert props(text) == {
        ("ip_count", ">=", 1.0, "Ⅰ类知识产权"),
        ("ip_count", ">=", 2.0, "发明专利"),
        ("qualification", "==", "高新技术企业", ""),
        ("registered_in", "==", "南京市", ""),
    }
    assert props("获评国家级专精特新“小巨人”企业") == {("qualification", "==", "专精特新“小巨人”企业", "")}


@pytest.mark.parametrize(
    "text",
    [
        "给予最高50万元的一次性奖励",  # a reward, not a threshold
        "近三年内未发生重大安全、重大质量事故或严重环境违法行为",  # a period
        "按照《高新技术企业认定管理办法》组织申报",  # a document, not a status
        "申报截止时间为2026年6月30日",
        "项目实施期一般为2年",
        "近2年新增股权融资总额（合格机构投资者的实缴额）达到2000万元以上",  # financing, not revenue
        "研发人员不少于10人",  # a count of researchers is not the headcount
        "（实际经营期不满三年的按实际经营时间计算）",  # an aside
        "本办法所称瞪羚企业是指进入爆发增长阶段的企业",  # a definition
        "实施期为2024—2026年",
    ],
)
def test_what_is_no_condition_proposes_nothing(text):
    assert propose_conditions(text) == []


def test_each_condition_names_the_words_it_came_from():
    (c,) = propose_conditions("职工总数不超过500人")
    assert c.source == "职工总数不超过500人"


@pytest.mark.parametrize(("text", "value"), [("一", 1), ("十", 10), ("十二", 12), ("三百五十", 350), ("两千", 2000)])
def test_chinese_numerals(text, value):
    assert chinese_number(text) == value
    assert chinese_number("abc") is None
