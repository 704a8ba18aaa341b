"""需求诊断: scores and findings for a challenge before it is submitted. No database is touched."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.html import escape

from innomarket.challenges.diagnosis import RULES, Diagnosis, Finding, diagnose

TODAY = date(2025, 6, 2)


def complete(**overrides):
    """A well-written technical challenge, after the demo samples (innomarket/demo/samples.py)."""
    data = {
        "title": "锂电池极片表面缺陷在线检测算法攻关",
        "kind": "technical",
        "summary": "面向锂电池极片生产线，征集可在线部署的表面缺陷检测算法。",
        "problem_statement": (
            "现有极片产线依靠人工抽检与进口视觉设备，漏检率约 3%，进口设备无法适配新型号极片，"
            "换型调试周期长达两周。需要一套可在现有工控机上部署、支持快速换型的缺陷检测算法，"
            "覆盖划痕、漏箔、颗粒、褶皱四类缺陷。"
        ),
        "indicators": "缺陷检出率≥99%；误报率≤1%；检测精度≤0.5 mm；单帧处理时间小于 200 ms；换型调试不超过 2 天。",
        "acceptance_criteria": "在企业产线连续运行 72 小时无故障，检测报告由第三方出具，各项指标达到上述要求。",
        "constraints": "数据不得离开企业内网；须兼容现有工控机与相机；知识产权归双方共有。",
        "expected_trl": 6,
        "budget_min": Decimal("80"),
        "budget_max": Decimal("150"),
        "deadline": TODAY + timedelta(days=60),
        "confidentiality": "members",
        "fields": [1, 2],
        "city": 3,
    }
    data.update(overrides)
    return data


def codes(diagnosis: Diagnosis) -> set[str]:
    return {f.code for f in diagnosis.findings}


def finding(diagnosis: Diagnosis, code: str) -> Finding:
    return next(f for f in diagnosis.findings if f.code == code)


# --- the whole ---------------------------------------------------------------------------------------


def test_complete_quantified_challenge_scores_high_without_findings_that_matter():
    diagnosis = diagnose(complete(), today=TODAY)

    assert diagnosis.blockers == () and diagnosis.warnings == ()
    assert diagnosis.can_submit
    assert diagnosis.completeness == 100
    assert diagnosis.clarity >= 90
    assert diagnosis.score >= 90
    assert diagnosis.grade_code == "excellent" and str(diagnosis.grade) == "优"


def test_empty_challenge_scores_zero_and_cannot_be_submitted():
    diagnosis = diagnose({}, today=TODAY)

    assert (diagnosis.score, diagnosis.completeness, diagnosis.clarity) == (0, 0, 0)
    assert not diagnosis.can_submit
    assert str(diagnosis.grade) == "待完善"
    assert {"problem_statement_missing", "acceptance_criteria_missing", "deadline_missing"} <= codes(
        diagnosis
    )


def test_findings_are_ordered_by_severity_and_carry_their_rule_severity_and_label():
    diagnosis = diagnose({"title": "需求"}, today=TODAY)

    order = {"blocker": 0, "warning": 1, "tip": 2}
    assert [order[f.severity] for f in diagnosis.findings] == sorted(
        order[f.severity] for f in diagnosis.findings
    )
    assert all(f.severity == RULES[f.code] for f in diagnosis.findings)
    assert str(finding(diagnosis, "acceptance_criteria_missing").label) == "验收标准"
    assert str(finding(diagnosis, "budget_missing").label) == "预算下限（万元）"


def test_a_blocker_caps_the_score_below_the_good_grade():
    diagnosis = diagnose(complete(deadline=None), today=TODAY)

    assert diagnosis.score <= 59
    assert diagnosis.grade_code == "needs_work"


# --- blockers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("blank", [None, "", "   \n"])
def test_missing_acceptance_criteria_blocks_and_says_what_to_write(blank):
    diagnosis = diagnose(complete(acceptance_criteria=blank), today=TODAY)

    blocker = finding(diagnosis, "acceptance_criteria_missing")
    assert blocker.severity == "blocker" and blocker.field == "acceptance_criteria"
    assert "验收标准" in blocker.message and "例如" in blocker.message
    assert not diagnosis.can_submit


def test_missing_problem_statement_blocks():
    assert "problem_statement_missing" in codes(diagnose(complete(problem_statement=""), today=TODAY))


def test_problem_statement_under_thirty_characters_blocks_and_counts_them():
    diagnosis = diagnose(complete(problem_statement="检测算法漏检率高，需要改进。"), today=TODAY)

    blocker = finding(diagnosis, "problem_statement_too_short")
    assert blocker.severity == "blocker"
    assert "14 字" in blocker.message and "30 字" in blocker.message


def test_brief_problem_statement_is_only_a_tip():
    statement = (
        "现有生产执行系统依赖进口实时数据库，迁移至国产数据库后高频写入场景下延迟明显上升，需提出优化方案。"
    )

    diagnosis = diagnose(complete(problem_statement=statement), today=TODAY)

    assert diagnosis.can_submit
    assert finding(diagnosis, "problem_statement_brief").severity == "tip"


def test_missing_deadline_blocks():
    assert finding(diagnose(complete(deadline=None), today=TODAY), "deadline_missing").severity == "blocker"


def test_past_deadline_blocks():
    diagnosis = diagnose(complete(deadline=TODAY - timedelta(days=1)), today=TODAY)

    blocker = finding(diagnosis, "deadline_past")
    assert blocker.severity == "blocker"
    assert "2025-06-01" in blocker.message


def test_deadline_in_five_days_warns():
    diagnosis = diagnose(complete(deadline=TODAY + timedelta(days=5)), today=TODAY)

    warning = finding(diagnosis, "deadline_too_soon")
    assert warning.severity == "warning" and "5 天" in warning.message
    assert diagnosis.can_submit


def test_deadline_today_is_too_soon_but_not_past_and_fourteen_days_is_enough():
    assert codes(diagnose(complete(deadline=TODAY), today=TODAY)) & {
        "deadline_past",
        "deadline_too_soon",
    } == {"deadline_too_soon"}
    assert "deadline_too_soon" not in codes(
        diagnose(complete(deadline=TODAY + timedelta(days=14)), today=TODAY)
    )


# --- indicators and acceptance criteria ----------------------------------------------------------------


def test_vague_indicators_are_flagged_and_the_vague_words_quoted():
    diagnosis = diagnose(complete(indicators="性能达到国际先进水平，尽量提高效率"), today=TODAY)

    warning = finding(diagnosis, "indicators_vague")
    assert warning.severity == "warning"
    assert "国际先进水平" in warning.message and "尽量" in warning.message
    assert "≤ 0.5 mm" in warning.message  # an example of a quantified indicator


def test_quantified_indicators_are_not_flagged():
    diagnosis = diagnose(complete(indicators="检测精度≤0.5 mm，响应时间小于 200 ms"), today=TODAY)

    assert not codes(diagnosis) & {"indicators_vague", "indicators_partly_vague", "indicators_missing"}


@pytest.mark.parametrize(
    "indicators",
    [
        "检测精度≤０．５ｍｍ，响应时间小于２００毫秒",  # full-width digits, point and letters
        "导热系数不低于５Ｗ／（ｍ·Ｋ）",
        "连续运行三个月无故障，误报率低于百分之五",  # Chinese numerals with units
        "定位精度达到微米级",  # an order of magnitude
        "工作温度 -40℃～85℃",
    ],
)
def test_full_width_and_chinese_quantities_count_as_numbers(indicators):
    diagnosis = diagnose(complete(indicators=indicators), today=TODAY)

    assert not codes(diagnosis) & {"indicators_vague", "indicators_partly_vague"}


@pytest.mark.parametrize(
    "indicators",
    [
        "不低于国际先进水平",  # a comparison without a number is still vague
        "提供一套稳定可靠的系统，支持二次开发",  # 一套 and 二次 are not quantities
        "支持国产CPU与操作系统",  # concrete but not measurable
    ],
)
def test_indicators_without_a_number_are_vague(indicators):
    assert "indicators_vague" in codes(diagnose(complete(indicators=indicators), today=TODAY))


def test_vague_clause_among_quantified_ones_is_quoted_in_a_tip():
    diagnosis = diagnose(complete(indicators="检出率≥99%；算法性能较好"), today=TODAY)

    tip = finding(diagnosis, "indicators_partly_vague")
    assert tip.severity == "tip" and "“算法性能较好”" in tip.message
    assert "indicators_vague" not in codes(diagnosis)


def test_missing_indicators_warn():
    assert finding(diagnose(complete(indicators=""), today=TODAY), "indicators_missing").severity == "warning"


@pytest.mark.parametrize(
    ("criteria", "quoted"),
    [
        ("达到国际先进水平，专家认可", ["国际先进水平", "专家认可"]),
        ("满足企业需求", ["满足企业需求"]),
        ("满足企业实际需求", ["满足企业实际需求"]),
        ("国内领先", ["国内领先"]),
        ("专家评审通过即可", ["专家评审通过即可"]),
        ("效果显著，用户满意", ["效果显著", "用户满意"]),
        ("双方协商确定", ["双方协商确定"]),
        ("通过专家组验收", ["通过专家组验收"]),
        # A date is not a threshold, and a judgement does not become measurable by having one.
        ("2026年6月30日前通过专家评审", ["通过专家评审"]),
        # A test cannot decide a vague target: the target still blocks.
        ("经第三方检测，各项性能满足企业需求", ["满足企业需求"]),
        ("性能达到国外同类产品先进水平", ["先进水平"]),
        ("技术指标达到国际先进水平", ["国际先进水平"]),
    ],
)
def test_vague_acceptance_criteria_block_and_say_what_is_vague_and_how_to_fix_it(criteria, quoted):
    diagnosis = diagnose(complete(acceptance_criteria=criteria), today=TODAY)

    blocker = finding(diagnosis, "acceptance_criteria_vague")
    assert blocker.severity == "blocker" and blocker.field == "acceptance_criteria"
    assert not diagnosis.can_submit and diagnosis.score <= 59
    for phrase in quoted:
        assert f"“{phrase}”" in blocker.message
    assert "无法据此判断是否达标" in blocker.message
    # The three ways out, each with an example.
    assert "数值门槛和单位" in blocker.message and "检测方法或标准" in blocker.message
    assert "可比对的参照" in blocker.message and "GB/T 31484" in blocker.message


@pytest.mark.parametrize(
    "criteria",
    [
        "提交晶型研究报告和专利申请文件。",  # deliverables, nothing to measure them by
        "符合相关国家标准",  # which one?
        "交付软件一套",  # 一套 is an article, not a quantity
    ],
)
def test_acceptance_criteria_without_anything_measurable_block(criteria):
    blocker = finding(
        diagnose(complete(acceptance_criteria=criteria), today=TODAY), "acceptance_criteria_vague"
    )

    assert blocker.severity == "blocker"
    assert blocker.message.startswith("验收标准没有可测量的指标")


@pytest.mark.parametrize(
    "criteria",
    [
        # the brief's example: a number with a unit under stated conditions, and a named standard
        "在 25℃ 下连续运行 1000 小时容量保持率≥90%，按 GB/T 31484 检测",
        "在２５℃下连续运行１０００小时容量保持率≥９０％",  # full width
        "按 GB/T 31484-2015《电动汽车用动力蓄电池循环寿命要求及试验方法》检测",
        "按《锂离子电池用聚烯烃隔膜检测方法》出具报告",
        "取得 CE 认证",
        "小批量试制样品经第三方检测达标，并在企业产品上完成装机验证。",  # an objective test
        "在企业车间上线运行三个月，提交运行数据对比报告。",
        "跌落试验后无明显损伤",  # 无明显 is a test outcome, not a vague target
        "检测精度与人工复判结果无显著差异",
        "性能不低于现用进口设备",  # a comparable reference
        "各项指标达到上述要求",  # the quantified 技术指标 of complete()
        "在１万份脱敏报告上验证并通过院内信息科评审",  # a number makes the judgement checkable
    ],
)
def test_measurable_acceptance_criteria_do_not_block(criteria):
    diagnosis = diagnose(complete(acceptance_criteria=criteria), today=TODAY)

    assert "acceptance_criteria_vague" not in codes(diagnosis)
    assert diagnosis.can_submit


def test_citing_indicators_that_state_no_number_blocks_and_says_so():
    diagnosis = diagnose(
        complete(indicators="性能较好，稳定性强", acceptance_criteria="各项指标达到上述要求"), today=TODAY
    )

    blocker = finding(diagnosis, "acceptance_criteria_vague")
    assert blocker.message.startswith("验收标准以技术指标为准，但技术指标中没有带单位的数值")


def test_a_judgement_next_to_a_measurable_clause_is_only_a_tip():
    diagnosis = diagnose(
        complete(acceptance_criteria="容量保持率≥90%，按 GB/T 31484 检测，专家认可"), today=TODAY
    )

    assert diagnosis.can_submit
    assert "“专家认可”" in finding(diagnosis, "acceptance_criteria_partly_vague").message


def test_making_vague_acceptance_criteria_measurable_lifts_the_block_and_the_score():
    vague = diagnose(complete(acceptance_criteria="达到国际先进水平，专家认可"), today=TODAY)
    measurable = diagnose(
        complete(acceptance_criteria="在 25℃ 下连续运行 1000 小时容量保持率≥90%，按 GB/T 31484 检测"),
        today=TODAY,
    )

    assert not vague.can_submit and measurable.can_submit
    assert measurable.clarity > vague.clarity and measurable.score > vague.score


def test_vague_clause_in_acceptance_criteria_is_a_tip():
    diagnosis = diagnose(complete(acceptance_criteria="连续运行 72 小时无故障，用户体验良好"), today=TODAY)

    assert "“用户体验良好”" in finding(diagnosis, "acceptance_criteria_partly_vague").message


# --- budget, tags, TRL -------------------------------------------------------------------------------


def test_missing_budget_warns():
    diagnosis = diagnose(complete(budget_min=None, budget_max=None), today=TODAY)

    warning = finding(diagnosis, "budget_missing")
    assert warning.severity == "warning" and "万元" in warning.message


@pytest.mark.parametrize("bounds", [(Decimal("50"), None), (None, Decimal("200"))])
def test_one_budget_bound_is_enough(bounds):
    diagnosis = diagnose(complete(budget_min=bounds[0], budget_max=bounds[1]), today=TODAY)

    assert not codes(diagnosis) & {"budget_missing", "budget_range_inverted"}


def test_budget_min_above_max_warns_with_both_amounts():
    diagnosis = diagnose(complete(budget_min=Decimal("200.00"), budget_max=Decimal("50.00")), today=TODAY)

    warning = finding(diagnosis, "budget_range_inverted")
    assert warning.severity == "warning" and warning.field == "budget_max"
    assert "200 万元" in warning.message and "50 万元" in warning.message


def test_missing_tags_and_trl_warn():
    diagnosis = diagnose(complete(fields=[], expected_trl=None), today=TODAY)

    assert {"fields_missing", "expected_trl_missing"} <= {f.code for f in diagnosis.warnings}


# --- summary, constraints, title -----------------------------------------------------------------------


def test_empty_summary_and_constraints_are_tips():
    diagnosis = diagnose(complete(summary="", constraints=""), today=TODAY)

    assert {"summary_missing", "constraints_missing"} <= {f.code for f in diagnosis.tips}
    assert diagnosis.warnings == ()


def test_summary_copying_the_problem_statement_is_flagged():
    data = complete()
    data["summary"] = data["problem_statement"][:60]

    tip = finding(diagnose(data, today=TODAY), "summary_may_disclose")
    assert tip.severity == "tip" and "问题描述" in tip.message


def test_summary_repeating_the_topic_is_not_a_disclosure():
    diagnosis = diagnose(complete(summary="锂电池极片缺陷检测"), today=TODAY)

    assert "summary_may_disclose" not in codes(diagnosis)


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("视觉检测", "title_too_short"),
        ("技术攻关需求", "title_generic"),
        ("关于征集揭榜挂帅项目的技术需求", "title_generic"),
        (
            "面向锂电池极片生产线的表面缺陷在线检测算法及其在多型号极片快速换型场景下的工程化应用攻关",
            "title_too_long",
        ),
    ],
)
def test_title_tips(title, code):
    assert finding(diagnose(complete(title=title), today=TODAY), code).severity == "tip"


def test_missing_title_warns():
    assert finding(diagnose(complete(title=""), today=TODAY), "title_missing").severity == "warning"


# --- scores ------------------------------------------------------------------------------------------


def test_adding_acceptance_criteria_raises_the_score():
    without = diagnose(complete(acceptance_criteria=""), today=TODAY)
    with_criteria = diagnose(complete(), today=TODAY)

    assert with_criteria.score > without.score
    assert with_criteria.completeness > without.completeness
    assert with_criteria.clarity > without.clarity


@pytest.mark.parametrize(
    "field",
    [
        "title",
        "summary",
        "problem_statement",
        "indicators",
        "acceptance_criteria",
        "constraints",
        "expected_trl",
        "budget_min",
        "deadline",
        "fields",
    ],
)
def test_leaving_out_any_field_never_raises_the_score(field):
    full = diagnose(complete(), today=TODAY)
    missing = diagnose(complete(**{field: None}), today=TODAY)

    assert missing.score <= full.score
    assert missing.completeness <= full.completeness


def test_quantifying_indicators_raises_clarity_and_score():
    vague = diagnose(complete(indicators="检测精度较高，响应尽量快"), today=TODAY)
    quantified = diagnose(complete(), today=TODAY)

    assert quantified.clarity > vague.clarity and quantified.score > vague.score


def test_every_rule_is_reachable():
    scenarios = [
        {},
        {"title": "技术需求", "problem_statement": "太短", "deadline": TODAY - timedelta(days=3)},
        complete(
            title="视觉检测", deadline=TODAY + timedelta(days=3), budget_min=Decimal(9), budget_max=Decimal(1)
        ),
        complete(
            title="面向锂电池极片生产线的表面缺陷在线检测算法及其在多型号极片快速换型场景下的工程化应用攻关",
            problem_statement="现有生产执行系统依赖进口实时数据库，迁移后高频写入场景下延迟明显上升。",
            indicators="性能较好",
            acceptance_criteria="效果显著",
        ),
        complete(indicators="检出率≥99%；性能较好", acceptance_criteria="运行 72 小时，体验良好"),
        complete(summary=complete()["problem_statement"]),
    ]

    reached = set().union(*(codes(diagnose(s, today=TODAY)) for s in scenarios))

    assert reached == set(RULES)


# --- input as posted -----------------------------------------------------------------------------------


def test_raw_form_data_is_understood():
    posted = QueryDict(mutable=True)
    posted.update({key: str(value) for key, value in complete().items() if key not in {"fields", "deadline"}})
    posted["deadline"] = (TODAY + timedelta(days=60)).isoformat()
    posted.setlist("fields", ["1", "2"])

    assert diagnose(posted, today=TODAY) == diagnose(complete(), today=TODAY)


def test_unparseable_values_count_as_missing():
    diagnosis = diagnose(
        complete(budget_min="很多", budget_max="", deadline="下个月", expected_trl="12"), today=TODAY
    )

    assert {"budget_missing", "deadline_missing", "expected_trl_missing"} <= codes(diagnosis)


def test_today_defaults_to_the_local_date():
    assert "deadline_past" in codes(diagnose(complete(deadline=date(2000, 1, 1))))


# --- the partial -------------------------------------------------------------------------------------


def test_partial_renders_scores_grade_and_grouped_findings():
    diagnosis = diagnose(
        complete(acceptance_criteria="", budget_min=None, budget_max=None, constraints=""), today=TODAY
    )

    html = render_to_string("challenges/_diagnosis.html", {"diagnosis": diagnosis})

    assert 'id="challenge-diagnosis"' in html and 'role="status"' in html and 'aria-live="polite"' in html
    assert "需求诊断" in html and "待完善" in html
    assert f"{diagnosis.completeness} / 100" in html and f"{diagnosis.clarity} / 100" in html
    assert "必须修改（1）" in html and "建议修改（1）" in html and "优化提示（1）" in html
    assert 'class="message message-error finding finding-blocker"' in html
    assert "finding-warning" in html and "finding-tip" in html
    assert 'data-code="acceptance_criteria_missing"' in html and 'href="#id_acceptance_criteria"' in html
    for found in diagnosis.findings:
        assert escape(found.message) in html
        assert str(found.label) in html


def test_partial_escapes_messages_and_quoted_user_text():
    diagnosis = diagnose(complete(indicators="检出率≥99%；<b>性能较好</b>"), today=TODAY)
    forged = Diagnosis(
        score=50,
        completeness=50,
        clarity=50,
        findings=(*diagnosis.findings, Finding("x", "title", "tip", "<script>alert(1)</script>")),
    )

    html = render_to_string("challenges/_diagnosis.html", {"diagnosis": forged})

    assert "<b>" not in html and "&lt;b&gt;性能较好&lt;/b&gt;" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert escape(finding(diagnosis, "indicators_partly_vague").message) in html


def test_partial_says_a_clean_challenge_can_be_submitted():
    html = render_to_string("challenges/_diagnosis.html", {"diagnosis": diagnose(complete(), today=TODAY)})

    assert "优" in html and "可以提交核验" in html and "finding-" not in html


def test_partial_without_a_diagnosis_keeps_the_swap_target():
    html = render_to_string("challenges/_diagnosis.html", {})

    assert 'id="challenge-diagnosis"' in html and "填写榜单后" in html
