"""需求诊断: score a challenge (榜单) for completeness and clarity before it is submitted for verification.

``diagnose(data)`` reads the challenge's field values from a mapping (a form's ``cleaned_data``, its raw
``data`` or a dict built from an instance) and returns a ``Diagnosis``: three scores and the findings
that explain them. It touches no database, so it can run on every keystroke of the 发榜 form.

Input
    ``title, kind, summary, problem_statement, indicators, acceptance_criteria, constraints,
    expected_trl, budget_min, budget_max, deadline, confidentiality, fields, city``. Missing keys and
    blank values mean "not filled in". Strings are NFKC-normalised first (full-width digits, letters and
    punctuation become half-width; ℃ becomes °C), so ``０．５ｍｍ`` reads as ``0.5mm``. Numbers, dates and
    TRL may also arrive as the strings a browser posts; a value that does not parse counts as missing
    (the form reports the format error itself). ``fields`` is a sequence of tags or ids; for a
    ``QueryDict`` its ``getlist`` is used.

Rules (code → severity; ``RULES`` is the authoritative table)
    blocker  problem_statement_missing, problem_statement_too_short (< 30 characters),
             acceptance_criteria_missing, acceptance_criteria_vague, deadline_missing, deadline_past
    warning  title_missing, indicators_missing, indicators_vague, budget_missing,
             budget_range_inverted, fields_missing, expected_trl_missing, deadline_too_soon (< 14 days)
    tip      title_too_short (< 6 characters), title_generic, title_too_long (> 40 characters),
             summary_missing, summary_may_disclose, problem_statement_brief (< 60 characters),
             indicators_partly_vague, acceptance_criteria_partly_vague, constraints_missing

    A text is *quantified* when it states a number: digits, a Chinese numeral with a unit (三个月、
    两年、十万次), 百分之/千分之, or an order of magnitude (微米级、毫秒级). A clause is *vague* when it
    uses a vague term (较高、先进水平、一流、尽量、显著、大幅、适当、一定程度 …) and states no number.
    Indicators are vague when no clause states a number. A comparison (≥、不低于、以内 …) without a
    number is not a quantity: "不低于国际先进水平" is as vague as "国际先进水平". When some clauses are
    quantified and others vague, the vague clauses are quoted in a tip.

    Acceptance criteria decide whether a bidder is paid, so vague ones block submission. They are
    *measurable* (``acceptance_measurability``), in this order:
      1. strong evidence, enough on its own: a number with a unit or comparison (dates and ordinals
         such as "2026年6月前"、"第2阶段" do not count), a named standard (GB/T 31484、ISO 26262、
         《…检测方法》) or certification scheme (CE 认证), or a reference to technical indicators that
         are themselves measured ("各项指标达到上述要求");
      2. otherwise a *vague target* (先进水平、国内领先、满足企业需求、达到预期效果、效果显著、协商确定 …)
         makes them vague, whatever else they say: no test can decide it;
      3. otherwise weak evidence suffices: an objective test (检测、测试、试验、试运行、验证、比对 …) or a
         comparable reference (不低于现用进口设备、优于同类产品);
      4. anything else is vague, in particular a judgement alone (专家认可、评审通过即可、用户满意).
    The blocker's message quotes the vague phrases and names the three ways to fix it.

Scores (integers 0–100)
    completeness  weighted share of fields filled in: problem statement 20 (counts only from 30
                  characters), indicators 15, acceptance criteria 15, summary 10, deadline 10,
                  budget 10 (either bound), title 5, field tags 5, expected TRL 5, constraints 5.
    clarity       indicators 30 (1 if a clause has a number with a unit or comparison, 0.7 if only
                  bare numbers such as "ISO 26262", 0 if none; −0.15 per vague clause, not below 0.3
                  while quantified), acceptance criteria 25 (number and way of checking 1, number only
                  0.8, measurable without a number 0.6, otherwise 0.1; −0.15 per vague clause),
                  problem statement length 20 (0 below 30 characters, 0.5 at 30 rising to 1 at 120),
                  wording 15 (1 − ⅓ per vague clause in indicators and acceptance criteria; 0 when both
                  are empty), title 10 (1 for 6–40 characters that are not generic, 0.5 otherwise,
                  0 when empty).
    score         round(0.5 × completeness + 0.5 × clarity) − 3 per warning, within 0–100 and at most
                  59 while any blocker remains.
    grade         优 from 85, 良 from 70, otherwise 待完善; always 待完善 while a blocker remains.

Messages are translated with ``gettext`` when ``diagnose`` runs, i.e. in the active language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

BLOCKER = "blocker"
WARNING = "warning"
TIP = "tip"
SEVERITIES = (BLOCKER, WARNING, TIP)

SEVERITY_LABELS = {
    BLOCKER: gettext_lazy("必须修改"),
    WARNING: gettext_lazy("建议修改"),
    TIP: gettext_lazy("优化提示"),
}

# Labels as the 发榜 form shows them (ChallengeForm overrides title and summary).
FIELD_LABELS = {
    "title": gettext_lazy("榜单名称"),
    "kind": gettext_lazy("榜单类型"),
    "summary": gettext_lazy("公开摘要"),
    "problem_statement": gettext_lazy("问题描述"),
    "indicators": gettext_lazy("技术指标"),
    "acceptance_criteria": gettext_lazy("验收标准"),
    "constraints": gettext_lazy("约束条件"),
    "expected_trl": gettext_lazy("期望技术成熟度"),
    "budget_min": gettext_lazy("预算下限（万元）"),
    "budget_max": gettext_lazy("预算上限（万元）"),
    "deadline": gettext_lazy("揭榜截止日期"),
    "confidentiality": gettext_lazy("保密等级"),
    "fields": gettext_lazy("领域/产业"),
    "city": gettext_lazy("所在城市"),
}
FIELD_ORDER = tuple(FIELD_LABELS)

RULES: Mapping[str, str] = {
    "problem_statement_missing": BLOCKER,
    "problem_statement_too_short": BLOCKER,
    "acceptance_criteria_missing": BLOCKER,
    "acceptance_criteria_vague": BLOCKER,
    "deadline_missing": BLOCKER,
    "deadline_past": BLOCKER,
    "title_missing": WARNING,
    "indicators_missing": WARNING,
    "indicators_vague": WARNING,
    "budget_missing": WARNING,
    "budget_range_inverted": WARNING,
    "fields_missing": WARNING,
    "expected_trl_missing": WARNING,
    "deadline_too_soon": WARNING,
    "title_too_short": TIP,
    "title_generic": TIP,
    "title_too_long": TIP,
    "summary_missing": TIP,
    "summary_may_disclose": TIP,
    "problem_statement_brief": TIP,
    "indicators_partly_vague": TIP,
    "acceptance_criteria_partly_vague": TIP,
    "constraints_missing": TIP,
}

MIN_STATEMENT_CHARS = 30
BRIEF_STATEMENT_CHARS = 60
FULL_STATEMENT_CHARS = 120
MIN_TITLE_CHARS = 6
MAX_TITLE_CHARS = 40
MIN_DAYS_TO_DEADLINE = 14

COMPLETENESS_WEIGHTS = {
    "problem_statement": 20,
    "indicators": 15,
    "acceptance_criteria": 15,
    "summary": 10,
    "deadline": 10,
    "budget": 10,
    "title": 5,
    "fields": 5,
    "expected_trl": 5,
    "constraints": 5,
}
CLARITY_WEIGHTS = {
    "indicators": 30,
    "acceptance_criteria": 25,
    "problem_statement": 20,
    "wording": 15,
    "title": 10,
}
WARNING_PENALTY = 3
TOP_FINDINGS = 3  # shown in summaries (the verification queue, the owner's list of listings)
BLOCKED_SCORE_CAP = 59
GRADE_THRESHOLDS = (("excellent", 85), ("good", 70))
GRADE_LABELS = {
    "excellent": gettext_lazy("优"),
    "good": gettext_lazy("良"),
    "needs_work": gettext_lazy("待完善"),
}


@dataclass(frozen=True)
class Finding:
    """One problem found in a challenge: a stable ``code``, the form ``field`` it concerns, how serious."""

    code: str
    field: str
    severity: str  # "blocker" | "warning" | "tip"
    message: str

    @property
    def label(self) -> str:
        """The field's label as the 发榜 form shows it (lazy, translated when rendered)."""
        return FIELD_LABELS.get(self.field, self.field)  # type: ignore[return-value]

    @property
    def severity_label(self) -> str:
        """必须修改 / 建议修改 / 优化提示 (lazy, translated when rendered)."""
        return SEVERITY_LABELS[self.severity]  # type: ignore[return-value]

    @property
    def anchor(self) -> str:
        """The HTML id of the form input, for a link that jumps to it (tags are a checkbox list)."""
        return "id_fields_0" if self.field == "fields" else f"id_{self.field}"


@dataclass(frozen=True)
class Diagnosis:
    """The result of ``diagnose``: scores 0–100 and findings ordered by severity, then form order."""

    score: int
    completeness: int
    clarity: int
    findings: tuple[Finding, ...]

    def _of(self, severity: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == severity)

    @property
    def blockers(self) -> tuple[Finding, ...]:
        return self._of(BLOCKER)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return self._of(WARNING)

    @property
    def tips(self) -> tuple[Finding, ...]:
        return self._of(TIP)

    @property
    def top_findings(self) -> tuple[Finding, ...]:
        """The most serious findings (at most ``TOP_FINDINGS``), for a summary in a list or a queue."""
        return self.findings[:TOP_FINDINGS]

    @property
    def more_findings(self) -> int:
        """How many findings ``top_findings`` leaves out."""
        return len(self.findings) - len(self.top_findings)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(f.code for f in self.findings)

    @property
    def can_submit(self) -> bool:
        """True when nothing blocks submission for verification (warnings and tips do not)."""
        return not self.blockers

    @property
    def grade_code(self) -> str:
        """``excellent`` | ``good`` | ``needs_work``: stable, for CSS classes and API clients."""
        if self.blockers:
            return "needs_work"
        for code, threshold in GRADE_THRESHOLDS:
            if self.score >= threshold:
                return code
        return "needs_work"

    @property
    def grade(self) -> str:
        """优 / 良 / 待完善 (lazy, translated when rendered)."""
        return GRADE_LABELS[self.grade_code]  # type: ignore[return-value]

    @property
    def groups(self) -> tuple[tuple[str, str, tuple[Finding, ...]], ...]:
        """(severity, heading, findings) for each severity that has findings, most serious first."""
        return tuple(
            (severity, SEVERITY_LABELS[severity], found)  # type: ignore[misc]
            for severity in SEVERITIES
            if (found := self._of(severity))
        )


# ---------------------------------------------------------------------------------------------------
# Text analysis. All patterns run on NFKC-normalised text: full-width digits and ASCII punctuation are
# already half-width, ℃ is °C, µ (micro sign) is μ.

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_CN_UNITS = (
    "个百分点|百分点|个月|小时|分钟|秒钟|毫秒|微秒|摄氏度|万元|亿元|千米|公里|厘米|毫米|微米|纳米|千克|公斤|"
    "千瓦|兆瓦|年|月|周|天|日|秒|倍|成|元|米|克|吨|瓦|伏|安|度|项|次|台|套|件|人|家|种|级|批|轮|个|万|亿"
)
# A lone 一 with a classifier is an article ("一套系统", "一次通过"), not a target; 二次 is a term of
# art (二次开发、二次电池), not "twice".
_CN_CLASSIFIERS = frozenset("项次台套件人家种级批轮个度成")
_CN_TERMS_OF_ART = frozenset({("二", "次")})
_CN_QUANTITY = re.compile(rf"([{_CN_DIGITS}]+)({_CN_UNITS})")
_CN_FRACTION = re.compile(rf"[百千万]分之[{_CN_DIGITS}]")
_MAGNITUDE = re.compile(r"(?:纳米|微米|毫米|厘米|纳秒|微秒|毫秒|秒|分钟|nm|μm|um|mm|ms|μs|us|ns)级")
_DIGIT = re.compile(r"\d")
# Longest first, so that the alternation prefers mm over m and kWh over kW.
_UNITS = sorted(
    """% ‰ ppm ppb °C °F K nm μm um mm cm km m L mL ml μL kg mg g t Pa kPa MPa GPa N kN N·m W kW MW GW
    Wh kWh MWh mAh Ah V kV mV A mA Hz kHz MHz GHz dB dBm ms μs us ns s min h d rpm fps bps kbps Mbps
    Gbps KB MB GB TB PB lux cd lm""".split(),  # noqa: SIM905 - 70 symbols read best as one line of text
    key=len,
    reverse=True,
)
_CN_MEASURES = (
    "个百分点|百分点|个月|小时|分钟|秒钟|毫秒|微秒|纳秒|摄氏度|万元|亿元|千米|公里|厘米|毫米|微米|纳米|千克|公斤|毫克|"
    "千瓦|兆瓦|万次|万点|万|亿|年|月|周|天|日|秒|倍|元|米|克|吨|瓦|伏|安|度|项|次|台|套|件|人|家|种|级|批|轮|个|"
    "份|点|条|页|帧|片|块|例|株|只|颗|路|层|道"
)
_NUMBER_WITH_UNIT = re.compile(
    r"\d\s*(?:" + "|".join(re.escape(u) for u in _UNITS) + r")(?![A-Za-z])|\d\s*(?:" + _CN_MEASURES + ")"
)
_COMPARISON = re.compile(
    r"[<>≤≥≦≧⩽⩾±~]|不低于|不高于|不超过|不少于|不多于|不小于|不大于|不超出|小于|大于|低于|高于|少于|多于|"
    r"超过|以上|以下|以内|之内|至少|至多|最多|最少|控制在|范围内|提升|提高|降低|减少|缩短"
)
_VAGUE = re.compile(
    r"(?:国际|国内|行业|世界)?(?:先进|领先)水平|(?:国际|国内|行业|世界)(?:先进|领先)|(?:世界|国际|国内)?一流|"
    r"较高|较好|较强|较大|较小|较低|较快|较少|较优|较短|较长|尽量|尽可能|显著|明显|大幅度?|大大|适当|适度|"
    r"一定程度|一定的|进一步|良好|合理|足够|若干|满足[^,;。]{0,8}?(?:要求|需求)"
)
_VERIFICATION = re.compile(
    r"第三方|检测|测试|检验|试运行|试用|试点|验证|评审|评估|鉴定|认证|比对|对比|复测|复判|审核|验收会|专家组|"
    r"报告|标准|GB|ISO|IEC|运行\d|装机|上线"
)
_CLAUSE_SPLIT = re.compile(r"[,;。!?\n]+")

# 验收标准 (see the module docstring, "Acceptance criteria"). Each list below is what a reviewer of
# real 揭榜挂帅 lists would call it; the tests show both sides of every line.
#
# A vague target stands where a threshold should be: no test can decide it. "无明显损伤" and "无显著差异"
# are test outcomes, not vague targets.
_VAGUE_TARGET = re.compile(
    r"(?:国际|国内|行业|世界)?(?:先进|领先)水平|(?:国际|国内|行业|世界)(?:先进|领先)|(?:世界|国际|国内)?一流|"
    r"较高|较好|较强|较大|较小|较低|较快|较少|较优|较短|较长|尽量|尽可能|(?<!无)(?<!没有)显著|(?<!无)(?<!没有)明显|"
    r"大幅度?|大大|适当|适度|一定程度|一定的|进一步|良好|合理|足够|若干|"
    r"满足(?:企业|甲方|乙方|用户|客户|业主|使用|实际|生产|业务|项目|工程|应用|设计|相关|有关|各方)?的?"
    r"(?:实际|使用|生产|应用|业务)?(?:要求|需求|需要)|"
    r"符合(?:企业|甲方|用户|客户|业主|使用|实际|设计|相关|有关)?的?(?:要求|需求|需要)|"
    r"达到(?:预期|设计|合同|项目)?的?(?:目标|效果|要求|目的)|预期(?:效果|目标)|"
    r"效果(?:好|佳|良好|明显|显著|满意|理想)|(?:运行|性能|质量)(?:稳定|可靠|优良|优异|理想|正常)|稳定可靠|安全可靠|"
    r"(?:双方)?协商确定|另行(?:商定|约定|确定)|双方(?:商定|协商)|待定|填补(?:国内|国际|行业)?空白|(?:国内外?|国际|行业)首创"
)
# A judgement names who decides, not what they measure.
_JUDGEMENT = re.compile(
    r"(?:专家|用户|客户|甲方|企业|业主|双方|领导|发榜方)[^,;。]{0,6}?(?:认可|满意|认同|同意|好评|肯定)|"
    r"(?:专家|评审|验收|鉴定|评议)[^,;。]{0,6}?通过(?:即可)?|"
    r"(?:通过|经)[^,;。]{0,6}?(?:评审|验收|鉴定|评议|论证)(?:即可)?"
)
_ACCEPTANCE_VAGUE = re.compile(f"{_VAGUE_TARGET.pattern}|{_JUDGEMENT.pattern}")
# Dates and ordinals say when or which, not how much: "2026年6月前" and "第2阶段" set no threshold.
_NOT_A_MEASURE = re.compile(
    r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?|\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?|"
    r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]|第\s*\d+|第[一二三四五六七八九十]+(?!方)"
)
# A named standard or certification scheme fixes the method and the thresholds.
_STANDARD = re.compile(
    r"(?<![A-Za-z])(?:GB/T|GB/Z|GB|GJB|JB/T|QC/T|YY/T|YY|HJ|SJ/T|NB/T|DL/T|HG/T|YD/T|JJG|JJF|T/[A-Z]{2,10}|"
    r"ISO/IEC|ISO|IEC|EN|DIN|ASTM|SAE|UL|JIS|IEEE|ANSI|AEC-Q)\s*[A-Z]?\s*[-/]?\s*\d+|"
    r"《[^》]{2,60}(?:标准|规范|规程|导则|方法|指南|技术条件)》|"
    r"(?<![A-Za-z])(?:CE|CCC|3C|CQC|FCC|FDA|TÜV|TUV|RoHS|REACH)\s*(?:认证|注册|标准)"
)
# "各项指标达到上述要求": the thresholds are in the 技术指标 field (they count when that field has numbers).
_CITES_INDICATORS = re.compile(r"(?:上述|以上|前述|所列|约定|规定|各项|全部|所有|技术)[^,;。]{0,4}?指标")
# An objective test: its result does not depend on who looks.
_OBJECTIVE_TEST = re.compile(
    r"检测|测试|试验|实验|实测|测定|测量|试运行|验证|比对|对比|复测|复判|抽检|检验|评测|标定|校准|探伤"
)
# A comparable reference: something that exists and can be measured side by side.
_COMPARABLE = re.compile(
    r"(?:优于|好于|不低于|不劣于|不差于|不逊于|高于|超过|超越|对标|相当于|等同于|持平|一致|相比)"
    r"[^,;。]{0,12}?(?:进口|现有|现用|原有|在用|同类|国外|竞品|对照|基准|标杆|人工|原厂)|"
    r"(?:与|和|同)[^,;。]{0,12}?(?:进口|现有|现用|原有|在用|同类|国外|竞品|对照|基准|人工)"
    r"[^,;。]{0,12}?(?:相比|相当|一致|持平)"
)
_DROP_FOR_NGRAMS = re.compile(r"[\s\W_]+")
_GENERIC_TITLE = re.compile(
    r"关于|的|技术|需求|攻关|难题|项目|征集|榜单|揭榜|挂帅|发榜|合作|研发|开发|问题|课题|计划|一项|一个|"
    r"企业|公司|寻求|解决|方案|[\s\W_]"
)


def _normalise(value: Any) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _length(text: str) -> int:
    """Characters that carry content: white space does not count towards a minimum length."""
    return len("".join(text.split()))


def _has_number(text: str) -> bool:
    if _DIGIT.search(text) or _CN_FRACTION.search(text) or _MAGNITUDE.search(text):
        return True
    for numeral, unit in _CN_QUANTITY.findall(text):
        if numeral in {"万", "亿"}:
            continue
        if (numeral == "一" and unit in _CN_CLASSIFIERS) or (numeral, unit) in _CN_TERMS_OF_ART:
            continue
        return True
    return False


def _is_measured(text: str) -> bool:
    """A number with a unit or a comparison: "≤0.5 mm", "30天", "≥92%", "三个月", "微米级"."""
    if not _has_number(text):
        return False
    if _NUMBER_WITH_UNIT.search(text) or _COMPARISON.search(text):
        return True
    return bool(_CN_FRACTION.search(text) or _MAGNITUDE.search(text) or _CN_QUANTITY.search(text))


@dataclass(frozen=True)
class _TextQuality:
    quantified: bool  # some clause states a number
    measured: bool  # some clause states a number with a unit or comparison
    vague_terms: tuple[str, ...]  # vague terms used in clauses that state no number, in order
    vague_clauses: tuple[str, ...]  # those clauses, as written (normalised)
    verifiable: bool  # names a way of checking (acceptance criteria)


def _analyse(text: str, vague: re.Pattern[str] = _VAGUE) -> _TextQuality:
    clauses = [c.strip() for c in _CLAUSE_SPLIT.split(text) if c.strip()]
    terms: list[str] = []
    vague_clauses: list[str] = []
    for clause in clauses:
        if _has_number(clause):
            continue
        found = [m.group(0) for m in vague.finditer(clause)]
        if found:
            vague_clauses.append(clause)
            terms.extend(t for t in found if t not in terms)
    return _TextQuality(
        quantified=any(_has_number(c) for c in clauses),
        measured=any(_is_measured(c) for c in clauses),
        vague_terms=tuple(terms),
        vague_clauses=tuple(vague_clauses),
        verifiable=bool(_VERIFICATION.search(text)),
    )


@dataclass(frozen=True)
class _Acceptance:
    measurable: bool
    phrases: tuple[str, ...]  # vague targets and judgements as written, in order, for the message
    cites_unmeasured_indicators: bool  # "达到上述指标" while the 技术指标 state no number


def acceptance_measurability(text: str, *, indicators_measured: bool) -> _Acceptance:
    """Whether acceptance criteria can decide if a result passes (see the module docstring).

    ``text`` is normalised; ``indicators_measured`` says whether the 技术指标 field states a number
    with a unit, so that "各项指标达到上述要求" can lean on it.
    """
    phrases = tuple(dict.fromkeys(m.group(0) for m in _ACCEPTANCE_VAGUE.finditer(text)))
    clauses = [c.strip() for c in _CLAUSE_SPLIT.split(text) if c.strip()]
    cites = any(_CITES_INDICATORS.search(c) and not _VAGUE_TARGET.search(c) for c in clauses)
    stripped = _NOT_A_MEASURE.sub(" ", text)
    strong = (
        any(_is_measured(c) for c in _CLAUSE_SPLIT.split(stripped))
        or bool(_STANDARD.search(text))
        or (cites and indicators_measured)
    )
    if strong:
        measurable = True
    elif _VAGUE_TARGET.search(text):
        measurable = False
    else:
        measurable = bool(_OBJECTIVE_TEST.search(text) or _COMPARABLE.search(text))
    return _Acceptance(
        measurable=measurable,
        phrases=phrases,
        cites_unmeasured_indicators=cites and not indicators_measured,
    )


def _quote(clauses: Iterable[str], limit: int = 2, width: int = 30) -> str:
    shown = [c if len(c) <= width else c[: width - 1] + "…" for c in list(clauses)[:limit]]
    return "、".join(f"“{c}”" for c in shown)


def _ngrams(text: str, n: int = 4) -> set[str]:
    compact = _DROP_FOR_NGRAMS.sub("", text)
    return {compact[i : i + n] for i in range(len(compact) - n + 1)}


def _copied_into(summary: str, source: str) -> bool:
    """True when a sizeable part of ``source`` appears word for word in ``summary``.

    Shares of 4-character shingles: at least 12 shared (about 15 characters copied), and they make up
    half of the source or most of the summary. A short teaser that repeats the topic does not qualify.
    """
    source_grams, summary_grams = _ngrams(source), _ngrams(summary)
    if not source_grams or not summary_grams:
        return False
    shared = len(source_grams & summary_grams)
    return shared >= 12 and (shared >= 0.5 * len(source_grams) or shared >= 0.6 * len(summary_grams))


# ---------------------------------------------------------------------------------------------------
# Input coercion: the mapping may hold cleaned values or the strings a browser posted.


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    text = _normalise(value).replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _normalise(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _trl(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = int(value) if value.is_integer() else None
    try:
        level = int(value) if isinstance(value, int) else int(_normalise(value))
    except ValueError:
        return None
    return level if 1 <= level <= 9 else None


def _tags(data: Mapping[str, Any]) -> list[Any]:
    getlist = getattr(data, "getlist", None)
    values: Any = getlist("fields") if callable(getlist) else data.get("fields")
    if values is None:
        return []
    if isinstance(values, str | int):
        values = [values]
    return [v for v in values if v is not None and _normalise(v) != ""]


# ---------------------------------------------------------------------------------------------------

_INDICATOR_EXAMPLE = "“检测精度 ≤ 0.5 mm，响应时间 < 200 ms，连续运行 72 小时无故障”"
_ACCEPTANCE_EXAMPLE = "“连续运行 72 小时无故障，检测报告由第三方出具”"
_ACCEPTANCE_MEASURABLE_EXAMPLE = "“在 25 °C 下连续运行 1000 小时容量保持率≥90%，按 GB/T 31484 检测”"


def diagnose(data: Mapping[str, Any], *, today: date | None = None) -> Diagnosis:
    """Diagnose a challenge's field values (see the module docstring for input, rules and scores).

    ``today`` defaults to ``timezone.localdate()``; pass it to make deadline checks reproducible.
    Never raises on odd input: unparseable values count as missing.
    """
    today = today or timezone.localdate()
    found: list[Finding] = []

    def add(code: str, field: str, message: str) -> None:
        found.append(Finding(code=code, field=field, severity=RULES[code], message=message))

    title = _normalise(data.get("title"))
    summary = _normalise(data.get("summary"))
    statement = _normalise(data.get("problem_statement"))
    indicators = _normalise(data.get("indicators"))
    acceptance = _normalise(data.get("acceptance_criteria"))
    constraints = _normalise(data.get("constraints"))
    trl = _trl(data.get("expected_trl"))
    budget_min, budget_max = _decimal(data.get("budget_min")), _decimal(data.get("budget_max"))
    deadline = _date(data.get("deadline"))
    tags = _tags(data)

    # 榜单名称
    title_len = _length(title)
    title_generic = bool(title) and len(_GENERIC_TITLE.sub("", title)) < 2
    if not title:
        add(
            "title_missing",
            "title",
            _("缺少榜单名称：请用一句话概括对象和要解决的问题，例如“锂电池极片表面缺陷在线检测算法攻关”。"),
        )
    elif title_generic:
        add(
            "title_generic",
            "title",
            _(
                "榜单名称过于笼统：请写明具体对象和要解决的问题，而不只是“技术需求”“攻关项目”，"
                "例如“锂电池极片表面缺陷在线检测算法攻关”。"
            ),
        )
    elif title_len < MIN_TITLE_CHARS:
        add(
            "title_too_short",
            "title",
            _(
                "榜单名称过短（%(count)d 字）：请写明具体对象和要解决的问题，例如“锂电池极片表面缺陷在线检测算法攻关”。"
            )
            % {"count": title_len},
        )
    elif title_len > MAX_TITLE_CHARS:
        add(
            "title_too_long",
            "title",
            _("榜单名称过长（%(count)d 字）：建议控制在 %(max)d 字以内，把细节留到问题描述中。")
            % {"count": title_len, "max": MAX_TITLE_CHARS},
        )

    # 公开摘要
    if not summary:
        add(
            "summary_missing",
            "summary",
            _(
                "公开摘要为空：榜单列表和详情页只展示公开摘要，请用一两句话介绍应用场景和攻关方向（不含保密内容），"
                "例如“面向锂电池极片生产线的表面缺陷在线检测”。"
            ),
        )
    else:
        copied = [
            FIELD_LABELS[name]
            for name, text in (
                ("problem_statement", statement),
                ("indicators", indicators),
                ("acceptance_criteria", acceptance),
            )
            if text and _copied_into(summary, text)
        ]
        if copied:
            add(
                "summary_may_disclose",
                "summary",
                _(
                    "公开摘要与%(fields)s大段重复：公开摘要对所有访客可见，而%(fields)s只向已核验机构开放。"
                    "请在摘要中只保留应用场景和攻关方向，具体数据、工艺细节和指标留在原处。"
                )
                % {"fields": "、".join(str(label) for label in copied)},
            )

    # 问题描述
    statement_len = _length(statement)
    if not statement:
        add(
            "problem_statement_missing",
            "problem_statement",
            _(
                "缺少问题描述：请说明需要解决的技术问题、现状与瓶颈、已尝试的方法，例如“现有产线视觉检测漏检率约 3%，"
                "进口设备无法适配新型号极片，需要可在线部署的检测算法”。"
            ),
        )
    elif statement_len < MIN_STATEMENT_CHARS:
        add(
            "problem_statement_too_short",
            "problem_statement",
            _(
                "问题描述过于简略（%(count)d 字，至少需要 %(min)d 字）：请补充应用场景、现状与瓶颈、"
                "已尝试的方法，让揭榜方判断能否承接。"
            )
            % {"count": statement_len, "min": MIN_STATEMENT_CHARS},
        )
    elif statement_len < BRIEF_STATEMENT_CHARS:
        add(
            "problem_statement_brief",
            "problem_statement",
            _(
                "问题描述较简略（%(count)d 字）：建议补充现状数据、瓶颈原因和已尝试过的方案，"
                "便于揭榜方评估可行性。"
            )
            % {"count": statement_len},
        )

    # 技术指标
    ind = _analyse(indicators)
    if not indicators:
        add(
            "indicators_missing",
            "indicators",
            _("缺少技术指标：请列出需要达到的关键指标并量化，例如%(example)s。")
            % {"example": _INDICATOR_EXAMPLE},
        )
    elif not ind.quantified:
        if ind.vague_terms:
            message = _(
                "技术指标没有可核验的数值，并使用了%(terms)s等模糊表述：请把每项指标写成“指标 + 比较 + 数值 + 单位”，"
                "例如%(example)s。"
            ) % {"terms": _quote(ind.vague_terms, limit=3), "example": _INDICATOR_EXAMPLE}
        else:
            message = _(
                "技术指标没有可核验的数值：请把每项指标写成“指标 + 比较 + 数值 + 单位”，例如%(example)s。"
            ) % {"example": _INDICATOR_EXAMPLE}
        add("indicators_vague", "indicators", message)
    elif ind.vague_clauses:
        add(
            "indicators_partly_vague",
            "indicators",
            _("部分技术指标仍是模糊表述：%(clauses)s。请同样给出数值和单位，例如“良率提升 ≥ 5 个百分点”。")
            % {"clauses": _quote(ind.vague_clauses)},
        )

    # 验收标准
    acc = _analyse(acceptance, _ACCEPTANCE_VAGUE)
    acc_measure = acceptance_measurability(acceptance, indicators_measured=ind.measured)
    if not acceptance:
        add(
            "acceptance_criteria_missing",
            "acceptance_criteria",
            _("缺少验收标准：请写明揭榜成果如何验收，例如%(example)s。") % {"example": _ACCEPTANCE_EXAMPLE},
        )
    elif not acc_measure.measurable:
        fix = _(
            "请至少写明一项可测量的内容：数值门槛和单位（如“容量保持率≥90%%”）、检测方法或标准"
            "（如“按 GB/T 31484 检测”）、可比对的参照（如“不低于现用进口设备的实测值”），例如%(example)s。"
        ) % {"example": _ACCEPTANCE_MEASURABLE_EXAMPLE}
        if acc_measure.phrases:
            message = _(
                "验收标准使用了%(phrases)s等主观或模糊的表述，没有可测量的指标，无法据此判断是否达标。"
            ) % {"phrases": _quote(acc_measure.phrases, limit=3)}
        elif acc_measure.cites_unmeasured_indicators:
            message = _(
                "验收标准以技术指标为准，但技术指标中没有带单位的数值，仍无法判断是否达标：请在技术指标中写明数值，"
                "或在验收标准中直接写明。"
            )
        else:
            message = _("验收标准没有可测量的指标，无法据此判断是否达标。")
        add("acceptance_criteria_vague", "acceptance_criteria", f"{message}{fix}")
    elif acc.vague_clauses:
        add(
            "acceptance_criteria_partly_vague",
            "acceptance_criteria",
            _(
                "部分验收标准仍是模糊表述：%(clauses)s。请给出数值门槛或验收方式，例如“试运行 3 个月，误报率 ≤ 3%%”。"
            )
            % {"clauses": _quote(acc.vague_clauses)},
        )

    # 约束条件
    if not constraints:
        add(
            "constraints_missing",
            "constraints",
            _(
                "未填写约束条件：如有知识产权归属、数据不出厂、须兼容现有设备或国产化等要求，请写明，"
                "例如“数据不得离开企业内网；须兼容现有西门子 PLC；知识产权归发榜方所有”。"
            ),
        )

    # 期望技术成熟度
    if trl is None:
        add(
            "expected_trl_missing",
            "expected_trl",
            _(
                "未填写期望技术成熟度：请选择 1–9 级，例如需要可在产线试用的样机可填 6 级，"
                "只需原理验证可填 3–4 级。"
            ),
        )

    # 预算
    if budget_min is None and budget_max is None:
        add(
            "budget_missing",
            "budget_min",
            _("未填写预算：请至少填写预算下限或上限（万元），例如“50–150 万元”，揭榜方据此判断投入规模。"),
        )
    elif budget_min is not None and budget_max is not None and budget_min > budget_max:
        add(
            "budget_range_inverted",
            "budget_max",
            _("预算下限（%(min)s 万元）高于预算上限（%(max)s 万元）：请核对两者是否填反。")
            % {"min": _plain(budget_min), "max": _plain(budget_max)},
        )

    # 揭榜截止日期
    if deadline is None:
        add(
            "deadline_missing",
            "deadline",
            _("缺少揭榜截止日期：请填写揭榜方提交方案的截止日期，建议至少预留 %(days)d 天。")
            % {"days": MIN_DAYS_TO_DEADLINE},
        )
    elif deadline < today:
        add(
            "deadline_past",
            "deadline",
            _("揭榜截止日期 %(date)s 已过：请改为今天之后的日期，建议至少预留 %(days)d 天。")
            % {"date": deadline.isoformat(), "days": MIN_DAYS_TO_DEADLINE},
        )
    elif (deadline - today).days < MIN_DAYS_TO_DEADLINE:
        add(
            "deadline_too_soon",
            "deadline",
            _(
                "距揭榜截止仅剩 %(days)d 天，还需经过核验才能发布：揭榜方难以及时准备完整方案，"
                "建议把截止日期设在 %(min)d 天以后。"
            )
            % {"days": (deadline - today).days, "min": MIN_DAYS_TO_DEADLINE},
        )

    # 领域/产业
    if not tags:
        add(
            "fields_missing",
            "fields",
            _("未选择领域/产业：请至少选择一个，系统据此向相关的科技成果、专家和高校院所推荐您的榜单。"),
        )

    # Scores
    present = {
        "problem_statement": statement_len >= MIN_STATEMENT_CHARS,
        "indicators": bool(indicators),
        "acceptance_criteria": bool(acceptance),
        "summary": bool(summary),
        "deadline": deadline is not None,
        "budget": budget_min is not None or budget_max is not None,
        "title": bool(title),
        "fields": bool(tags),
        "expected_trl": trl is not None,
        "constraints": bool(constraints),
    }
    completeness = sum(weight for name, weight in COMPLETENESS_WEIGHTS.items() if present[name])

    quality = {
        "indicators": _indicator_quality(indicators, ind),
        "acceptance_criteria": _acceptance_quality(acceptance, acc, measurable=acc_measure.measurable),
        "problem_statement": _statement_quality(statement_len),
        "wording": _wording_quality(indicators, acceptance, len(ind.vague_clauses) + len(acc.vague_clauses)),
        "title": _title_quality(title_len, title_generic),
    }
    clarity = round(sum(CLARITY_WEIGHTS[name] * value for name, value in quality.items()))

    order = {severity: i for i, severity in enumerate(SEVERITIES)}
    findings = tuple(sorted(found, key=lambda f: (order[f.severity], FIELD_ORDER.index(f.field))))
    score = round(0.5 * completeness + 0.5 * clarity) - WARNING_PENALTY * sum(
        f.severity == WARNING for f in findings
    )
    if any(f.severity == BLOCKER for f in findings):
        score = min(score, BLOCKED_SCORE_CAP)
    return Diagnosis(
        score=max(0, min(100, score)),
        completeness=completeness,
        clarity=max(0, min(100, clarity)),
        findings=findings,
    )


def _plain(amount: Decimal) -> str:
    """50.00 → "50", 12.50 → "12.5": amounts as people write them."""
    return format(amount.normalize(), "f")


def _title_quality(length: int, generic: bool) -> float:
    if not length:
        return 0.0
    return 1.0 if MIN_TITLE_CHARS <= length <= MAX_TITLE_CHARS and not generic else 0.5


def _indicator_quality(text: str, quality: _TextQuality) -> float:
    if not text or not quality.quantified:
        return 0.0
    base = 1.0 if quality.measured else 0.7
    return max(0.3, base - 0.15 * len(quality.vague_clauses))


def _acceptance_quality(text: str, quality: _TextQuality, *, measurable: bool) -> float:
    if not text:
        return 0.0
    if not measurable:
        base = 0.1
    elif quality.quantified:
        base = 1.0 if quality.verifiable else 0.8
    else:
        base = 0.6
    return max(0.0, base - 0.15 * len(quality.vague_clauses))


def _statement_quality(length: int) -> float:
    if length < MIN_STATEMENT_CHARS:
        return 0.0
    span = FULL_STATEMENT_CHARS - MIN_STATEMENT_CHARS
    return min(1.0, 0.5 + 0.5 * (length - MIN_STATEMENT_CHARS) / span)


def _wording_quality(indicators: str, acceptance: str, vague_clauses: int) -> float:
    if not indicators and not acceptance:
        return 0.0
    return max(0.0, 1.0 - vague_clauses / 3)
