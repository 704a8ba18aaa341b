"""Eligibility conditions proposed from a policy's text (政策计算器 assistant).

Pure Python, no Django: ``propose_conditions(text)`` reads clauses such as 「企业申请认定时须注册成立
一年以上」 or 「最近一年销售收入小于5,000万元（含）的企业，比例不低于5%」 and proposes structured
conditions (kind, comparison, value in a fixed unit, the words they came from) for an administrator
to confirm. It proposes only what a clause states with a comparison: a subsidy amount (给予最高
50万元奖励) or a period (近三年) is no condition. Precision comes first: a wrong proposal costs the
administrator more than a missed one. Measured by ``bench/policy_conditions.py`` on the labelled
clauses in ``bench/data/policy_clauses.tsv``.

Kinds and units: ``revenue``, ``rd_expense``, ``total_assets`` (万元); ``rd_ratio``,
``tech_staff_ratio``, ``high_tech_revenue_ratio``, ``revenue_growth`` (percent); ``headcount``
(people); ``years_founded`` (years); ``ip_count`` (items, with the IP type as ``qualifier`` when
named); ``qualification`` and ``registered_in`` (names, ``==``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KINDS = (
    "revenue",
    "rd_expense",
    "total_assets",
    "rd_ratio",
    "tech_staff_ratio",
    "high_tech_revenue_ratio",
    "revenue_growth",
    "headcount",
    "years_founded",
    "ip_count",
    "qualification",
    "registered_in",
)


@dataclass(frozen=True)
class Condition:
    kind: str
    op: str
    value: float | str
    qualifier: str = ""
    # The words of the text the condition was read from (shown to the administrator).
    source: str = ""


# --- numbers -------------------------------------------------------------------------------------

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = "[零〇一二两三四五六七八九十百千]+"


def chinese_number(text: str) -> float | None:
    """一 → 1, 十二 → 12, 三百五十 → 350, 两千 → 2000; None when it is not a number."""
    if not text or any(c not in _DIGITS and c not in _SMALL_UNITS for c in text):
        return None
    total, current = 0, 0
    for c in text:
        if c in _DIGITS:
            current = _DIGITS[c]
        else:
            total += (current or 1) * _SMALL_UNITS[c]
            current = 0
    return float(total + current)


def _number(text: str) -> float | None:
    text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return chinese_number(text)


# --- comparisons ---------------------------------------------------------------------------------

_PREFIX_OPS = [
    (r"不低于|不少于|不小于|不得低于|不得少于|大于或等于|大于等于|大于或者等于|达到|≥|>=", ">="),
    (r"不超过|不高于|不大于|不得超过|不多于|小于或等于|小于等于|≤|<=", "<="),
    (r"超过|高于|大于|多于|突破|>", ">"),
    (r"低于|少于|小于|不足|未达到|<", "<"),
    (r"满", ">="),
]
_PREFIX = "|".join(f"(?:{p})" for p, _ in _PREFIX_OPS)
_SUFFIX_OPS = [
    (r"[（(]含[)）]以上|及以上|以上|[（(]含[)）]及以上", ">="),
    (r"[（(]不含[)）]以上", ">"),
    (r"[（(]含[)）]以下|及以下|以下|以内", "<="),
    (r"[（(]不含[)）]以下", "<"),
    (r"[（(]含[)）]", "(含)"),  # 小于5000万元（含）: the bound itself is allowed
]
_SUFFIX = "|".join(f"(?:{p})" for p, _ in _SUFFIX_OPS)


def _prefix_op(word: str) -> str | None:
    for pattern, op in _PREFIX_OPS:
        if re.fullmatch(pattern, word):
            return op
    return None


def _suffix_op(word: str) -> str | None:
    for pattern, op in _SUFFIX_OPS:
        if re.fullmatch(pattern, word):
            return op
    return None


# --- quantities ----------------------------------------------------------------------------------

# unit → (class, factor to the kind's unit)
_UNITS = {
    "亿元": ("money", 10000.0),
    "千万元": ("money", 1000.0),
    "百万元": ("money", 100.0),
    "万元": ("money", 1.0),
    "亿": ("money", 10000.0),
    "万": ("money", 1.0),
    "%": ("percent", 1.0),
    "个百分点": ("percent", 1.0),
    "人": ("people", 1.0),
    "名": ("people", 1.0),
    "年": ("years", 1.0),
    "件": ("items", 1.0),
    "项": ("items", 1.0),
    "个": ("items", 1.0),
}
_UNIT = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?P<pre>{_PREFIX})?\s*(?:人民币)?(?:百分之(?P<pct>{_CN_NUMBER}|\d+(?:\.\d+)?)|(?P<num>\d[\d,]*(?:\.\d+)?|{_CN_NUMBER})\s*"
    rf"(?P<unit>{_UNIT}))\s*(?P<post>{_SUFFIX})?"
)

# Metric words: the nearest one before a quantity (in the same sentence) says what it measures.
_METRICS: list[tuple[str, str, str]] = [
    # (kind, unit class, pattern)
    ("rd_ratio", "percent", r"(?:研发|研究开发|科技研发)的?(?:费用|投入|经费|支出)[^。；;]{0,30}?(?:占|比例|比重|强度)|研发(?:投入|费用)(?:强度|占比)"),
    ("high_tech_revenue_ratio", "percent", r"高新技术产品\s*(?:[（(]?服务[)）]?)?\s*(?:的)?收入[^。；;]{0,20}?(?:占|比例|比重)"),
    ("tech_staff_ratio", "percent", r"(?:科技人员|研发人员|研究开发人员|技术人员|从事研发和相关技术创新活动的科技人员)[^。；;]{0,20}?(?:占|比例|比重)"),
    ("revenue_growth", "percent", r"(?:营业收入|销售收入|主营业务收入|营收)?[^，,。；;]{0,6}(?:增长率|增速|增幅|年均增长|同比增长|增长)"),
    ("rd_expense", "money", r"(?:研发|研究开发)(?:费用|投入|经费|支出)(?:总额|总量)?"),
    ("revenue", "money", r"营业收入|销售收入|主营业务收入|营业总收入|营收|年收入|销售额|年销售收入|主营收入"),
    ("total_assets", "money", r"资产总额|总资产"),
    ("headcount", "people", r"职工总数|职工人数|职工|从业人数|从业人员|员工人数|员工|在职人员|参保人数|人员规模|用工人数"),
    ("years_founded", "years", r"成立|注册|设立|经营|运营|存续"),
    ("ip_count", "items", r"知识产权|专利|著作权|布图设计|植物新品种|新药证书"),
]
# Words of other measures: a figure nearest to one of these is not one of our kinds (股权融资2000万元,
# 市值15亿元, 研发人员10人).
_METRICS += [
    ("", "money", r"融资|市值|应纳税所得额|净利润|利润|注册资本|实缴|投资额|纳税|贷款|授信|估值|薪酬|工资"),
    ("", "percent", r"毛利率|资产负债率|市场占有率|占有率|持股|股权|出资|利润率"),
    ("", "people", r"研发人员|科技人员|技术人员|研究开发人员|博士|硕士|本科|大专|人才"),
    ("", "items", r"标准|产品|项目|课题|论文|奖项"),
]
_METRIC_RES = [(kind, cls, re.compile(p)) for kind, cls, p in _METRICS]
_PARENTHETICAL = re.compile(r"[（(][^（()）]*[)）]")


def _blank_parentheticals(text: str) -> str:
    """``text`` with explanatory asides （…） blanked out, positions kept."""
    return _PARENTHETICAL.sub(lambda m: " " * len(m.group()), text)

_IP_QUALIFIERS = [
    (r"[ⅠI]\s*类知识产权", "Ⅰ类知识产权"),
    (r"发明专利", "发明专利"),
    (r"实用新型专利", "实用新型专利"),
    (r"软件著作权|软件著作", "软件著作权"),
    (r"集成电路布图设计", "集成电路布图设计"),
]

# Words before a money figure that make it a reward, not a threshold (给予最高50万元).
_REWARD = re.compile(r"(?:给予|奖励|补贴|补助|资助|支持|贴息|扶持|最高|不超过\S{0,2}的(?:奖励|补助))\S{0,6}$")
# Words that make a number of years a period, not an age (近三年, 连续2年, 3年内).
_PERIOD_BEFORE = re.compile(r"(?:近|最近|连续|前|过去|上|每)$")
_PERIOD_AFTER = re.compile(r"^(?:内|来|度|的(?:研发|销售|营业)|中|之内|期)")

# --- named qualifications ------------------------------------------------------------------------

_QUALIFICATIONS = [
    (r"专精特新[“”\"「」『』]?小巨人[“”\"「」『』]?(?:企业)?", "专精特新“小巨人”企业"),
    (r"(?:省级|市级)?(?:[“”\"「」]?专精特新[“”\"「」]?)中小企业|专精特新企业", "专精特新中小企业"),
    (r"(?:国家级?)?高新技术企业", "高新技术企业"),
    (r"科技型中小企业", "科技型中小企业"),
    (r"创新型中小企业", "创新型中小企业"),
    (r"规模以上工业企业|规上工业企业|规上企业", "规模以上工业企业"),
    (r"瞪羚企业", "瞪羚企业"),
    (r"独角兽企业", "独角兽企业"),
    (r"上市企业|上市公司", "上市企业"),
    (r"省级工程技术研究中心", "省级工程技术研究中心"),
    (r"省级企业技术中心", "省级企业技术中心"),
]
# A qualification named as a programme or document, not as a status one must hold.
_NOT_STATUS_AFTER = re.compile(
    r"^(?:认定管理|评价(?:办法|工作)|培育(?:办法|工作)|认定工作|入库|申报|工作指引|是指|指|的发展|发展|条件|认定条件|评价指标)"
)
_NOT_STATUS_BEFORE = re.compile(r"(?:《[^》]*|申报|申请|培育|推荐|新认定为?|首次认定为?|认定为|所称|鼓励|扶持|促进|支持)$")

_REGISTERED = re.compile(
    r"(?:在|于)(?P<a>中国境内|中华人民共和国境内|本市|本区|本省|[\u4e00-\u9fff]{1,6}?(?:市|区|县|省|园区|开发区))(?:[（(][^)）]*[)）])?(?:行政区域内|辖区内|范围内|内)?"
    r"(?:依法)?(?:注册|登记|设立)"
    r"|(?:注册地|注册地址|工商注册地|税收户管地|税务登记地)(?:和税收户管地)?(?:均)?(?:在|位于|为)(?P<b>本市|本区|本省|[\u4e00-\u9fff]{1,6}?(?:市|区|县|省))"
)

_SENTENCE = re.compile(r"[^。；;！？!?\n]+")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    # NFKC turns （含） into (含) and ％ into %; keep digits with thousands separators whole.
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def propose_conditions(text: str) -> list[Condition]:
    """The eligibility conditions ``text`` states, in order of appearance, without duplicates."""
    out: list[Condition] = []
    for sentence in _SENTENCE.findall(_normalise(text)):
        out += _quantities(sentence)
        out += _qualifications(sentence)
        out += _registrations(sentence)
    seen: set[tuple] = set()
    unique = []
    for c in out:
        key = (c.kind, c.op, c.value, c.qualifier)
        if key not in seen:
            seen.add(key)
            unique.append(c)
    return unique


def _quantities(sentence: str) -> list[Condition]:
    found = []
    previous_end = 0
    blanked = _blank_parentheticals(sentence)
    for m in _QUANTITY.finditer(sentence):
        last_end, previous_end = previous_end, m.end()
        number_at = m.start("pct") if m.group("pct") is not None else m.start("num")
        if blanked[number_at] == " ":
            continue  # inside an aside (实际经营期不满三年的按实际经营时间计算)
        pre, post = m.group("pre"), m.group("post")
        op = _prefix_op(pre) if pre else None
        suffix = _suffix_op(post) if post else None
        if suffix == "(含)":
            op = {"<": "<=", ">": ">="}.get(op or "", op)
        elif op is None:
            op = suffix
        if op is None:
            continue  # a figure without a comparison is no threshold (给予50万元, 近三年)
        if m.group("pct") is not None:
            unit_class, factor, value = "percent", 1.0, _number(m.group("pct"))
        else:
            unit_class, factor = _UNITS[m.group("unit")]
            value = _number(m.group("num"))
        if value is None:
            continue
        before, after = blanked[: m.start()], sentence[m.end() :]
        if unit_class == "money" and not pre and _REWARD.search(before):
            continue
        if unit_class == "years" and (_PERIOD_BEFORE.search(before + (pre or "")) or _PERIOD_AFTER.search(after)):
            continue
        kind, where = _metric(before, unit_class)
        words_from, words_to = where, m.end()
        if kind is None and unit_class == "items":
            # 拥有2项以上与主导产品相关的Ⅰ类知识产权: the thing counted comes after the figure.
            kind, where = _metric_after(after[:20], unit_class)
            words_from, words_to = m.start(), m.end() + where
        if not kind:
            continue  # no measure named, or another one (股权融资, 市值, 研发人员)
        qualifier = ""
        if kind == "ip_count":
            qualifier = _ip_qualifier(sentence[max(words_from - 6, last_end) : words_to])
        words = sentence[words_from:words_to].strip()
        if len(words) > 40:
            words = "…" + words[-30:]
        found.append(Condition(kind, op, round(value * factor, 6), qualifier, words))
    for m in _RANGE.finditer(sentence):
        # 营业收入在5000万元至2亿元（含）: two bounds, both inclusive unless said otherwise.
        unit_class, factor = _UNITS[m.group("unit")]
        lo_factor = _UNITS[m.group("lo_unit")][1] if m.group("lo_unit") else factor
        lo, hi = _number(m.group("lo")), _number(m.group("hi"))
        kind, where = _metric(blanked[: m.start()], unit_class)
        if not kind or lo is None or hi is None or unit_class == "years":
            continue  # (2024—2026年 is a period, not an age)
        words = sentence[where : m.end()].strip()
        found.append(Condition(kind, ">=", round(lo * lo_factor, 6), "", words))
        found.append(Condition(kind, "<=", round(hi * factor, 6), "", words))
    for m in _POSITIVE_GROWTH.finditer(sentence):
        found.append(Condition("revenue_growth", ">", 0.0, "", m.group()))
    return found


_RANGE = re.compile(
    rf"(?P<lo>\d[\d,]*(?:\.\d+)?)\s*(?P<lo_unit>{_UNIT})?\s*(?:至|到|—|–|-|~|～)\s*(?P<hi>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>{_UNIT})(?:[（(]含[)）])?"
)
_POSITIVE_GROWTH = re.compile(r"(?:营业收入|销售收入|主营业务收入|营收)?[^，,。；;]{0,6}正增长")


def _metric(before: str, unit_class: str, *, window: int = 60) -> tuple[str | None, int]:
    """The kind whose word stands nearest before the quantity among the kinds measured in
    ``unit_class`` ("" for another measure), and where that word starts: within ``window``
    characters, else anywhere earlier in the sentence for a ratio (「研究开发费用总额占…的比例符合
    如下要求：…比例不低于5%」). Of two words ending at the same place the later-starting wins
    (研发人员占 over 研发费用…研发人员占)."""
    for start in (max(0, len(before) - window), 0):
        best: tuple[int, int, str] | None = None  # (end, start, kind)
        for kind, cls, pattern in _METRIC_RES:
            if cls != unit_class:
                continue
            for m in pattern.finditer(before, start):
                if best is None or (m.end(), m.start()) > best[:2]:
                    best = (m.end(), m.start(), kind)
        if best is not None:
            return best[2], best[1]
        if unit_class != "percent":
            break
    return None, 0


def _metric_after(after: str, unit_class: str) -> tuple[str | None, int]:
    """The first of ``unit_class``'s kinds named in ``after``, and where its word ends."""
    first: tuple[int, int, str] | None = None
    for kind, cls, pattern in _METRIC_RES:
        if kind and cls == unit_class and (m := pattern.search(after)) and (first is None or m.start() < first[0]):
            first = (m.start(), m.end(), kind)
    return (first[2], first[1]) if first else (None, 0)


def _ip_qualifier(text: str) -> str:
    """The IP type named last in ``text``, or ""."""
    named = [(m.end(), name) for pattern, name in _IP_QUALIFIERS for m in re.finditer(pattern, text)]
    return max(named)[1] if named else ""


def _qualifications(sentence: str) -> list[Condition]:
    found = []
    taken: list[tuple[int, int]] = []
    for pattern, name in _QUALIFICATIONS:
        for m in re.finditer(pattern, sentence):
            if any(a <= m.start() < b for a, b in taken):
                continue
            if _NOT_STATUS_AFTER.search(sentence[m.end() :]) or _NOT_STATUS_BEFORE.search(sentence[: m.start()]):
                continue
            taken.append((m.start(), m.end()))
            found.append(Condition("qualification", "==", name, "", m.group()))
    return found


def _registrations(sentence: str) -> list[Condition]:
    return [
        Condition("registered_in", "==", m.group("a") or m.group("b"), "", m.group())
        for m in _REGISTERED.finditer(sentence)
    ]
