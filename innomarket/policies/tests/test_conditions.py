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
            {
                ("headcount", "<=", 500.0, ""),
                ("revenue", "<=", 20000.0, ""),
                ("total_assets", "<=", 20000.0, ""),
            },
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
        # 成立5年内: founded at most five years ago (as the labelled clauses read it).
        ("成立5年内营业收入突破5亿元", {("years_founded", "<=", 5.0, ""), ("revenue", ">", 50000.0, "")}),
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


@pytest.mark.parametrize(
    ("text", "value"), [("一", 1), ("十", 10), ("十二", 12), ("三百五十", 350), ("两千", 2000)]
)
def test_chinese_numerals(text, value):
    assert chinese_number(text) == value
    assert chinese_number("abc") is None


# --- fixes after the fresh set (new example sentences, none copied from the bench files) ----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("申请单位须为已认定的高新技术企业或科技型中小企业", {"高新技术企业", "科技型中小企业"}),
        ("企业已获得国家级专精特新“小巨人”企业认定", {"专精特新“小巨人”企业"}),
        ("具有有效期内高新技术企业资格的制造业企业", {"高新技术企业"}),
        ("申报主体应属于规模以上工业企业", {"规模以上工业企业"}),
        ("通过科技型中小企业评价并取得入库登记编号", {"科技型中小企业"}),
        ("对认定为高新技术企业的，一次性给予30万元奖励", {"高新技术企业"}),
    ],
)
def test_a_qualification_is_proposed_when_the_applicant_must_hold_it(text, expected):
    assert {c.value for c in propose_conditions(text) if c.kind == "qualification"} == expected


@pytest.mark.parametrize(
    "text",
    [
        "为加快培育一批独角兽企业和瞪羚企业，推动全区经济高质量发展，特制定本措施",  # purpose
        "为进一步壮大高新技术企业队伍，现就有关事项通知如下",  # purpose
        "瞪羚企业是指成立时间较短、增长速度较快的企业",  # the title defined
        "专精特新中小企业：具有专业化、精细化、特色化、新颖化特征的中小企业",  # the title defined
        "对纳入独角兽企业培育库的企业，实行动态管理",  # entering a 培育库
        "高新技术企业应当在每年5月底前填报年度发展情况报表",  # a procedure
        "已认定的高新技术企业有下列行为之一的，取消其资格",  # a procedure
        "市科技局会同有关部门对申报的高新技术企业进行审核",  # a procedure
        "申报企业为非上市公司",  # not listed: no title to hold
        "推动企业培育成为专精特新“小巨人”企业",  # a goal
        "每年重点培育100家专精特新中小企业",  # a programme target
    ],
)
def test_a_qualification_merely_named_is_not_proposed(text):
    assert [c for c in propose_conditions(text) if c.kind == "qualification"] == []


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("企业须在我区依法登记注册并正常经营", "本区"),
        ("注册地在我市的独立法人企业", "本市"),
        ("项目承担单位须于本省境内注册", "本省"),
        ("在本市范围内工商注册登记的企业", "本市"),
        ("申报单位应在苏州市行政区域内，具有独立法人资格", "苏州市"),
        ("企业总部须设在本市", "本市"),
        ("企业注册在园区并实际经营", "本区"),  # a park not named is the issuer's own area
        ("申报单位为在本市注册的企业", "本市"),
        ("依法在中华人民共和国境内工商注册登记的企业", "中国境内"),
    ],
)
def test_places_of_registration_including_the_issuers_own_area(text, place):
    assert {c.value for c in propose_conditions(text) if c.kind == "registered_in"} == {place}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("企业注册成立未满3年", {("years_founded", "<", 3.0, "")}),
        ("成立时间不满五年的企业", {("years_founded", "<", 5.0, "")}),
        ("注册登记不满24个月的初创企业", {("years_founded", "<", 2.0, "")}),
        ("企业成立满6个月", {("years_founded", ">=", 0.5, "")}),
        (
            "成立时间3年（含）以上、8年以内",
            {("years_founded", ">=", 3.0, ""), ("years_founded", "<=", 8.0, "")},
        ),
        (
            "申报单位注册时间须在2年以上5年以下",
            {("years_founded", ">=", 2.0, ""), ("years_founded", "<=", 5.0, "")},
        ),
        ("企业成立8年内实现营收翻番", {("years_founded", "<=", 8.0, "")}),
        ("成立时间为2年至5年的企业", {("years_founded", ">=", 2.0, ""), ("years_founded", "<=", 5.0, "")}),
    ],
)
def test_company_age_below_within_and_in_months(text, expected):
    assert props(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "近5年内无重大违法记录",  # a period
        "注册后的3年内完成实缴",  # a deadline, not an age
        "在本省注册的企业，通过4年以上的独占许可获得核心技术",  # the years are the licence's
    ],
)
def test_periods_are_not_ages(text):
    assert [c for c in propose_conditions(text) if c.kind == "years_founded"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("营业收入介于500万元－3000万元之间", {("revenue", ">=", 500.0, ""), ("revenue", "<=", 3000.0, "")}),
        (
            "上年度销售收入800万元（含）-6000万元",
            {("revenue", ">=", 800.0, ""), ("revenue", "<=", 6000.0, "")},
        ),
        ("销售收入3000万元～1亿元（含）", {("revenue", ">=", 3000.0, ""), ("revenue", "<=", 10000.0, "")}),
        (
            "营业收入200万元（不含）至1000万元（含）",
            {("revenue", ">", 200.0, ""), ("revenue", "<=", 1000.0, "")},
        ),
        ("研发投入在200万元–1000万元", {("rd_expense", ">=", 200.0, ""), ("rd_expense", "<=", 1000.0, "")}),
    ],
)
def test_ranges_with_any_dash(text, expected):
    assert props(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("科技人员不少于企业职工总数的20%", {("tech_staff_ratio", ">=", 20.0, "")}),
        ("研发人员数量不少于从业人员总数的12%", {("tech_staff_ratio", ">=", 12.0, "")}),
        ("研究开发费用支出不低于上年度销售收入的4%", {("rd_ratio", ">=", 4.0, "")}),
        ("企业上年度研发费用不低于主营业务收入的3.5%", {("rd_ratio", ">=", 3.5, "")}),
        ("高新技术产品收入不低于企业总收入的50%", {("high_tech_revenue_ratio", ">=", 50.0, "")}),
    ],
)
def test_ratios_worded_base_first(text, expected):
    assert props(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "企业经营活动现金流量净额不低于500万元",  # cash flow is not revenue
        "近两年从业人员数量年均增长率不低于15%",  # headcount growth is not revenue growth
        "上年度利润总额增长率不低于15%",  # nor is profit growth
        "境外研发投入占全部研发投入的比例不超过40%",  # a share of R&D, not the R&D ratio
        "研发费用占管理费用的比例不低于30%",  # a share of costs, not of revenue
        "出口额占销售收入的比例不低于30%",
        "实缴注册资本不低于500万元",
    ],
)
def test_measures_not_modelled_are_not_mapped_to_a_modelled_kind(text):
    assert propose_conditions(text) == []


def test_each_growth_rate_goes_with_its_own_measure():
    text = "近三年营业收入年均增长率不低于20%且利润总额增长率不低于10%"
    assert props(text) == {("revenue_growth", ">=", 20.0, "")}
    text = "近三年主营业务收入或净利润的平均增长率不低于12%"
    assert props(text) == {("revenue_growth", ">=", 12.0, "")}


def test_one_bound_for_two_measures_and_a_replaced_limit():
    assert props("企业资产总额和营业收入均不低于1000万元") == {
        ("revenue", ">=", 1000.0, ""),
        ("total_assets", ">=", 1000.0, ""),
    }
    assert props("将“职工总数不超过300人”调整为“职工总数不超过400人”") == {("headcount", "<=", 400.0, "")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            # a list of titles after a recognition word, with issuer and level prefixes
            "申报主体为经认定或复核通过的工信部专精特新“小巨人”企业、江苏省专精特新中小企业或国家级制造业单项冠军示范企业",
            {"专精特新“小巨人”企业", "专精特新中小企业", "制造业单项冠军企业"},
        ),
        (
            # an award list opened by 对新认定的…, quotes around 专精特新
            "对当年新认定的国家级“专精特新”小巨人企业、市级“专精特新”企业，分别给予50万元、20万元奖励",
            {"专精特新“小巨人”企业", "专精特新中小企业"},
        ),
        ("对于获得浙江省专、精、特、新称号的企业，给予一次性补助5万元", {"专精特新中小企业"}),
        ("申报单位应为获评工业和信息化部制造业单项冠军的企业", {"制造业单项冠军企业"}),
        ("园区企业被首次认定为科技型中小企业的，给予2万元奖励", {"科技型中小企业"}),
        ("对首次认定为高新技术企业的给予30万元奖励", {"高新技术企业"}),
        ("须为经市工信局公告并报省工信厅备案的创新型中小企业", {"创新型中小企业"}),
        ("申报2025年度第二批至第三批的上海市专精特新中小企业", set()),
        (
            "入选2024年度第三批的工信部专精特新“小巨人”企业、第五批的上海市专精特新中小企业",
            {"专精特新“小巨人”企业", "专精特新中小企业"},
        ),
    ],
)
def test_titles_in_lists_after_recognition_or_award_words(text, expected):
    assert {v for k, _, v, _ in props(text) if k == "qualification"} == expected


@pytest.mark.parametrize(
    "text",
    [
        "资产负债率不高于70%，同等条件下优先支持已认定的高新技术企业",
        "优先推荐有效期内的科技型中小企业和专精特新中小企业",
        "企业自2015年以来未被认定为高新技术企业",
        "申报企业尚未被评为专精特新“小巨人”企业",
        "支持企业首次认定为高新技术企业",  # a goal, not a status
    ],
)
def test_preferences_negations_and_goals_require_no_title(text):
    assert not {c for c in propose_conditions(text) if c.kind == "qualification"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("申报单位须在浙江境内依法注册", "浙江省"),
        ("在上海境内注册并具有独立法人资格", "上海市"),
        ("项目承担单位在安徽境内，具有独立法人资格", "安徽省"),
        ("凡区内企业通过知识产权贯标认证的，给予一次性奖励", "本区"),
        ("注册和纳税均在本市的企业", "本市"),
        ("工商注册、税务登记在苏州吴中经济技术开发区的企业", "苏州吴中经济技术开发区"),
        ("企业注册地在无锡惠山软件园", "无锡惠山软件园"),
    ],
)
def test_places_named_without_suffix_or_as_a_park(text, expected):
    assert {v for k, _, v, _ in props(text) if k == "registered_in"} == {expected}


@pytest.mark.parametrize(
    "text",
    [
        # a list of cases that trigger an on-site check or an exclusion
        "申报单位若有下列情形之一，将进行现场核实：(1)研发人员占比80%以上的企业；(2)年营业收入低于10万元的企业；(3)职工总数3人以下",
        "项目合作期限在10年以上的企业",  # a planned term
        "租赁期限不少于5年",
        "从事集成电路设计业务的年限达到8年以上",  # time in a line of business
        "申报项目新增投入不低于1000万元",  # an investment, not R&D expense
        "研发投入：项目总投资不低于2000万元",
    ],
)
def test_not_eligibility_figures(text):
    assert props(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "具备一定的经营规模（上年度营业收入原则上不低于3000万元）",
            {("revenue", ">=", 3000.0, "")},
        ),
        ("研究与试验发展经费支出占企业销售收入的比例达到4%以上", {("rd_ratio", ">=", 4.0, "")}),
        ("研究和技术开发费用不低于200万元", {("rd_expense", ">=", 200.0, "")}),
        ("从业人员10人或以上", {("headcount", ">=", 10.0, "")}),
    ],
)
def test_figures_in_asides_and_other_rd_wordings(text, expected):
    assert props(text) == expected


def test_a_list_of_recognised_holders_is_no_requirement():
    assert props("经审核通过的高新技术企业名单予以公示") == set()


def test_a_park_name_stops_at_function_words_and_serving_the_district_is_no_place():
    assert {v for k, _, v, _ in props("注册在南京市的园区企业") if k == "registered_in"} == {"南京市"}
    assert props("孵化器为区内企业提供公共技术服务") == set()


def titles(text: str) -> set:
    return {v for k, _, v, _ in props(text) if k == "qualification"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("对首次被评为市独角兽企业的，一次性奖励50万元", {"独角兽企业"}),
        ("对新认定为潜在独角兽的企业给予30万元奖励", {"潜在独角兽企业"}),
        ("申报单位须为有效期内的准独角兽企业", {"准独角兽企业"}),
        ("获评省级瞪羚企业、市级雏鹰企业的，分别给予奖励", {"瞪羚企业", "雏鹰企业"}),
        ("对新获批国家级、市级技术创新示范企业，分别奖励50万元、10万元", {"技术创新示范企业"}),
        ("申报主体应为国家企业技术中心或省级工程技术研究中心", {"企业技术中心", "工程技术研究中心"}),
        ("对首次被认定为科技小巨人企业的给予奖励", {"科技小巨人企业"}),
        ("获得国家专精特新小巨人称号的企业，奖励30万元", {"专精特新“小巨人”企业"}),
        ("申请单位应为经认定的技术先进型服务企业", {"技术先进型服务企业"}),
        ("本条所称重点企业是指科技型中小企业中年营业收入最高的一百家", {"科技型中小企业"}),
    ],
)
def test_well_known_titles_with_their_levels_dropped(text, expected):
    assert titles(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("对通过高新技术企业重新认定的企业，奖励5万元", {"高新技术企业"}),
        ("企业须已完成2024年度科技型中小企业评价入库登记", {"科技型中小企业"}),
        ("已取得科技型中小企业入库编号", {"科技型中小企业"}),
        ("对已入库的科技型中小企业给予研发费用补助", {"科技型中小企业"}),
        # applied for, and rewarded once recognised
        (
            "对申报高新技术企业且推荐至市科技局的企业给予2万元奖励，再次获得认定的给予8万元奖励",
            {"高新技术企业"},
        ),
    ],
)
def test_recognition_renewed_or_registered_holds_the_title(text, expected):
    assert titles(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "本奖励不得与区级高新技术企业奖励政策重复享受",
        "对帮助企业通过高新技术企业认定的服务机构，每家给予5000元奖励",
        "组织开展瞪羚企业、雏鹰企业培育入库工作",
        "申请准独角兽企业评价的企业须提交估值报告",
        "对进入科技小巨人培育企业名单的企业给予支持",
    ],
)
def test_exclusions_helpers_and_programmes_name_titles_without_requiring_them(text):
    assert titles(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("企业注册地、纳税地均须在闵行区", "闵行区"),
        ("工商注册地和实际经营地均在浦东新区的企业", "浦东新区"),
        ("税务登记地及生产经营地应在本市", "本市"),
        ("对在宝山区首次认定的科技型企业给予奖励", "宝山区"),
        ("对从外省市整体迁入我区的科技型企业给予一次性补助", "本区"),
        ("当年迁入嘉定区的企业可以申报", "嘉定区"),
    ],
)
def test_places_as_seats_recognition_or_moves(text, expected):
    assert {v for k, _, v, _ in props(text) if k == "registered_in"} == {expected}


def test_a_move_without_a_place_after_it_names_none():
    assert not {
        c for c in propose_conditions("迁入企业须在市政务平台完成登记变更") if c.kind == "registered_in"
    }


@pytest.mark.parametrize(
    "text",
    [
        "到2027年，全区高新技术企业数量达到800家，规上工业企业研发投入占营业收入比重达到3%",
        "力争到2030年规模以上工业企业研发费用占营业收入比例不低于2.5%",
        "全省发明专利拥有量达到5万件以上",
        "全社会研究与试验发展经费支出占地区生产总值比重超过3.5%",
        "且研发投入较上年增长50万元以上的企业给予奖励",
        "当年职工人数比上年增加20人以上",
    ],
)
def test_targets_and_increases_are_no_conditions(text):
    assert props(text) == set()


def test_a_condition_before_a_target_in_the_same_text_is_kept():
    text = "申报企业上年度营业收入不低于2000万元。到2026年，全市高新技术企业营业收入达到1万亿元"
    assert props(text) == {("revenue", ">=", 2000.0, "")}
