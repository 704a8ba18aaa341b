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
named); ``qualification`` and ``registered_in`` (names, ``==``). A title is a condition only where
the applicant must hold it (须为…, 具有…资格, 已认定为…), not where it is merely named (a purpose
statement, a procedure, its own definition, a 培育库); the issuer's own area (我市, 本区范围内, an
unnamed 园区) is written 本市/本区/本省. A target (到2025年，…达到…; 力争…; a figure of 全市/全社会) is no
condition.
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

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
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
    (r"不超过|不高于|不大于|不得超过|不多于|未超过|小于或等于|小于等于|≤|<=", "<="),
    (r"超过|高于|大于|多于|突破|>", ">"),
    (r"低于|少于|小于|不足|未达到|未满|不满|不到|<", "<"),
    (r"满", ">="),
]
_PREFIX = "|".join(f"(?:{p})" for p, _ in _PREFIX_OPS)
_SUFFIX_OPS = [
    (r"[（(]含[)）]以上|及以上|或以上|以上|[（(]含[)）]及以上", ">="),
    (r"[（(]不含[)）]以上", ">"),
    (r"[（(]含[)）]以下|[（(]含[)）]以内|及以下|或以下|以下|以内", "<="),
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
    "个月": ("years", 1 / 12),  # 未满18个月 → under 1.5 years
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
# 研发, 研究开发, 研究与技术开发, 研究与试验发展: the words for research and development.
_RD = r"(?:研发|研究开发|研究与(?:技术|试验)?开发|研究和(?:技术|试验)?开发|研究与试验发展|科技研发|科技活动)"
_METRICS: list[tuple[str, str, str]] = [
    # (kind, unit class, pattern)
    (
        "rd_ratio",
        "percent",
        rf"{_RD}的?(?:费用|投入|经费|支出){{1,2}}[^。；;]{{0,30}}?(?:占|比例|比重|强度)|研发(?:投入|费用)(?:强度|占比)",
    ),
    (
        "high_tech_revenue_ratio",
        "percent",
        r"高新技术产品\s*(?:[（(]?服务[)）]?)?\s*(?:的)?(?:销售)?收入[^。；;]{0,20}?(?:占|比例|比重)",
    ),
    (
        "tech_staff_ratio",
        "percent",
        r"(?:科技人员|研发人员|研究开发人员|技术人员|从事研发和相关技术创新活动的科技人员)[^。；;]{0,20}?(?:占|比例|比重)",
    ),
    (
        "revenue_growth",
        "percent",
        r"(?:营业收入|销售收入|主营业务收入|营收)?[^，,。；;]{0,6}(?:增长率|增速|增幅|年均增长|同比增长|增长)",
    ),
    ("rd_expense", "money", rf"{_RD}(?:费用|投入|经费|支出){{1,2}}(?:总额|总量)?"),
    ("revenue", "money", r"营业收入|销售收入|主营业务收入|营业总收入|营收|年收入|销售额|年销售收入|主营收入"),
    ("total_assets", "money", r"资产总额|总资产"),
    (
        "headcount",
        "people",
        r"职工总数|职工人数|职工|从业人数|从业人员|员工人数|员工|在职人员|参保人数|人员规模|用工人数",
    ),
    ("years_founded", "years", r"成立|注册|设立|经营|运营|存续"),
    ("ip_count", "items", r"知识产权|专利|著作权|布图设计|植物新品种|新药证书"),
]
# Words of other measures: a figure nearest to one of these is not one of our kinds (股权融资2000万元,
# 市值15亿元, 研发人员10人).
_METRICS += [
    (
        "",
        "money",
        r"现金流量|现金流|净资产|实收资本|股本|融资|市值|应纳税所得额|净利润|利润|注册资本|实缴|投资额|纳税|贷款|授信|估值|薪酬|工资"
        r"|新增投入|新增投资|累计投入|总投入|总投资|项目投入|项目投资|固定资产投资",
    ),
    ("", "percent", r"毛利率|资产负债率|市场占有率|占有率|持股|股权|出资|利润率"),
    ("", "people", r"研发人员|科技人员|技术人员|研究开发人员|博士|硕士|本科|大专|人才"),
    ("", "items", r"标准|产品|项目|课题|论文|奖项"),
    # A planned or contractual term (经营期在15年以上) and the time spent in a line of business
    # (从事相关业务领域的时间达到10年) are not the age of the applicant.
    (
        "",
        "years",
        r"(?:经营|运营|存续|服务|合作|租赁|承诺|建设|实施)期限?|期限|从事[^，,。；;]{0,20}?的?(?:时间|年限)",
    ),
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
_PERIOD_BEFORE = re.compile(r"(?:近|最近|连续|前|过去|(?<!以)上|每)$")
_PERIOD_AFTER = re.compile(r"^(?:内|来|度|的(?:研发|销售|营业)|中|之内|期)")
# …but a number of years right after the founding word and before 内 is an age: 成立10年内.
_AGE_WITHIN = re.compile(r"(?:成立|注册|设立|注册成立)(?:时间|年限)?(?:在)?$")

# --- named qualifications ------------------------------------------------------------------------

_QUALIFICATIONS = [
    (r"专精特新[“”\"「」『』]?小巨人[“”\"「」『』]?(?:企业)?", "专精特新“小巨人”企业"),
    # 专精特新中小企业, “专精特新”企业, 专精特新授牌 (the title awarded)
    (
        r"(?:省级|市级)?(?:[“”\"「」]?专精特新[“”\"「」]?)(?:中小)?企业|专精特新(?=(?:企业)?(?:授牌|称号|资质|证书))",
        "专精特新中小企业",
    ),
    (r"制造业单项冠军(?:示范|培育)?(?:企业)?(?!培育|产品)", "制造业单项冠军企业"),
    (r"(?:国家级?)?高新技术企业", "高新技术企业"),
    (r"科技型中小企业", "科技型中小企业"),
    (r"创新型中小企业", "创新型中小企业"),
    (r"规模以上工业企业|规上工业企业|规上企业", "规模以上工业企业"),
    (r"瞪羚企业", "瞪羚企业"),
    # The 独角兽 tiers, with or without 企业 (首次认定为潜在独角兽的…); the longer names first.
    (r"潜在独角兽(?:企业)?", "潜在独角兽企业"),
    (r"准独角兽(?:企业)?", "准独角兽企业"),
    (r"种子独角兽(?:企业)?", "种子独角兽企业"),
    (r"独角兽(?:企业)?", "独角兽企业"),
    (r"雏鹰企业", "雏鹰企业"),
    (r"科技小巨人(?:企业)?(?!培育)", "科技小巨人企业"),
    (r"技术创新示范企业", "技术创新示范企业"),
    (r"技术先进型服务企业", "技术先进型服务企业"),
    (r"知识产权示范企业", "知识产权示范企业"),
    (r"知识产权优势企业", "知识产权优势企业"),
    (r"上市企业|上市公司", "上市企业"),
    # Centres named with their level (国家/省级/市级) are one title each: the level is dropped.
    (r"(?:企业)?工程技术研究中心", "工程技术研究中心"),
    (r"企业技术中心", "企业技术中心"),
]
# A qualification named as a programme, document, list or defined term, not as a status one must
# hold (高新技术企业认定管理办法, 瞪羚企业培育库, 独角兽企业是指…, 独角兽企业：…).
_NOT_STATUS_AFTER = re.compile(
    r"^(?:认定管理|评价(?:办法|工作)|培育(?:办法|工作)|认定工作|入库|申报|工作指引|是指|指|的发展|发展|条件"
    r"|认定条件|评价指标|培育库|库|培育|群体|[：:]|[（(]以下简称)"
)
# …or named right after words that make it a goal, a programme or its absence (非上市企业, 准独角兽企业,
# 培育…, 申请认定为…).
_NOT_STATUS_BEFORE = re.compile(
    r"(?:《[^》]*|申报|申请|培育|推荐|申请认定为|申报认定为|所称|鼓励|扶持|促进|支持"
    r"|非|未|尚未|不是|不属于|不得为|后备|成为|培育为|发展为|争创|创建)"
    r"(?:国家|省|市|区|县)?级?$"
)
# Recognition to come (首次认定为…) is a goal, unless the applicant has been recognised already: 被首次认定为
# 高新技术企业的, 对首次认定为…的企业给予奖励.
_NEWLY_RECOGNISED = re.compile(r"(?P<by>被)?(?:新|首次)认定为?$")
# Words that may stand between a requirement word and the title (有效期内的国家级…).
# Also the issuing level or body (工信部, 上海市, 江苏省级) and the batch (2024年度第一批至第四批的).
_QUAL_MODIFIERS = (
    r"(?:有效期内的?|经认定的?|已认定的?|认定的|(?:国家|省|市|区|县)级?(?:、|和|及|或)?|[“”\"「」『』]"
    r"|工信部|工业和信息化部|[\u4e00-\u9fff]{2,3}(?:省|市)级?"
    r"|(?:\d{4}年度?)?(?:第[\d一二三四五六七八九十]+批(?:至第[\d一二三四五六七八九十]+批)?)的?|\d{4}年度的?)*"
)
# A requirement that the applicant holds the title: 须为/属于/具有/获得/已认定为/有效期内的… right before it.
_QUAL_REQUIRED_BEFORE = re.compile(
    r"(?:是指|系指|为|是|系|属于|属|具有|具备|拥有|持有|取得|获得|获评|荣获|获批|评为|列入|入选|建有|认定为|有效期内的?"
    rf"|(?:对象|主体)[：:])\s*{_QUAL_MODIFIERS}$"
)
# A preference (优先支持有效期内的高新技术企业) or a negation (未被认定为…, 不属于…) requires nothing.
_QUAL_NOT_REQUIRED = re.compile(
    rf"(?:优先(?:支持|考虑|推荐|资助|扶持|安排|纳入|给予)?[^，,；;。]{{0,12}}?"
    rf"|(?:未|非|不|没有|从未|尚未|不曾)[曾被]?(?:被)?[\u4e00-\u9fff]{{0,4}}?(?:认定|评定|评为|列入|获得|取得|入选|获评|属于|为|是)为?)"
    rf"{_QUAL_MODIFIERS}$"
)
# Recognised, reviewed or announced by an authority: 被认定或复核通过的…, 经各设区市公告并报省工信厅备案的….
_QUAL_RECOGNISED = re.compile(
    rf"(?:被[^，,；;。]{{0,6}}?(?:认定|复核通过|评定|评为|命名|授予)|经[^，,；;。]{{0,20}}?(?:公告|公布|备案|认定|评定|复核|通过))"
    rf"的{_QUAL_MODIFIERS}$"
)
# 通过高新技术企业认定, 通过科技型中小企业评价.
_QUAL_PASSED = re.compile(rf"通过{_QUAL_MODIFIERS}$")
_QUAL_PASSED_AFTER = re.compile(r"^(?:(?:重新|再次)?认定|评价|评定|备案|复审|复核)")
# Helping others to a title (辅导企业通过高新技术企业认定的中介机构): the applicant holds none.
_QUAL_ASSISTED = re.compile(
    rf"(?:辅导|帮助|协助|指导|服务|带动|组织)[^，,；;。]{{0,12}}?(?:通过|获得|取得|获评|认定为|成为){_QUAL_MODIFIERS}$"
)
# A title applied for (申报高新技术企业) whose recognition the same clause rewards (…重新获得认定的再给予
# 10万元奖励): the reward is for holding it.
_RECOGNITION_REWARDED = re.compile(
    r"(?:(?:重新|再次)?(?:获得|通过)(?:认定|评价)|(?:重新|再次)?认定通过)[^，,；;。]{0,4}?(?:的|后)"
    r"[^。；;]*?(?:给予|奖励|资助|补助|补贴)"
)
# 科技型中小企业 entered in the national database (完成…入库登记, 取得入库编号, 已入库的…) holds the title.
_SME_REGISTERED_AFTER = re.compile(r"^(?:评价)?入库(?:登记|编号)?")
_SME_REGISTERED_BEFORE = re.compile(
    rf"(?:完成|已完成|通过|已|取得|获得|具有|拥有)(?:了)?{_QUAL_MODIFIERS}$|入库(?:登记)?的{_QUAL_MODIFIERS}$"
)
# An exclusion: 不得与…的高新技术企业扶持政策重复享受 names a title it requires nothing of.
_NOT_COMBINED = re.compile(r"与[^，,。；;]*?(?:重复|同时|叠加)享受")
# The head of a description of the applicant: 在南京市注册的高新技术企业, 进入爆发增长阶段的高新技术企业,
# …是指…的高新技术企业 (not 通过认定的高新技术企业 or 对申报的高新技术企业进行审核).
_QUAL_DESCRIBED = re.compile(
    r"(?:注册|设立|登记|成立|拥有|具有|具备|符合|满足|达到|进入|从事|属于|位于|落户|迁入|扶持)[^，,；;：:]*"
    r"(?<!认定)(?<!评定)的[“”\"「」]*$"
)
_DEFINITION = re.compile(r"是指|系指")
# Another title or list member right before: 须为高新技术企业或科技型中小企业.
_QUAL_LISTED = re.compile(rf"^{_QUAL_MODIFIERS}(?:、|，|,|或者?|和|及|以及|与|/){_QUAL_MODIFIERS}$")
# A clause granting something, whose subject (opening the clause) is the title's holders:
# 科技型中小企业开展研发活动中实际发生的研发费用…加计扣除, 国家需要重点扶持的高新技术企业，减按….
_BENEFIT = re.compile(r"减按|加计扣除|税前|免征|减免|享受|准予|给予|奖励|补助|补贴|资助|贴息|支持|扶持|优先")
_QUAL_SUBJECT = re.compile(rf"^(?:对|凡)?(?:[^，,：:；;]*的)?{_QUAL_MODIFIERS}$")
_QUAL_SUBJECT_AFTER = re.compile(r"^(?!名单|名录|数量|总数|的)")
# …or the counted object of a grant: 重点支持1000余家专精特新“小巨人”企业.
_QUAL_GRANTED = re.compile(
    rf"(?:支持|扶持|奖励|资助|补助|补贴)(?:\d+|[一二三四五六七八九十百千万]+)余?家{_QUAL_MODIFIERS}$"
)
# A statement of purpose or procedure (为加快培育…，制定本办法; …通知如下): it requires nothing.
_PURPOSE = re.compile(
    r"^(?:为了?|旨在)(?:贯彻|落实|加快|加大|加强|促进|推动|推进|鼓励|扶持|支持|培育|进一步|深入|全面|持续|规范|引导"
    r"|提升|提高|实施|做好|更好|发挥|激发|壮大|优化|深化|助力|强化|完善|营造|确保|保障|服务|切实|大力)"
    r"|制定本(?:办法|细则|规定|规则|指引|方案|政策)|通知如下|特制定"
)

# --- places of registration ---------------------------------------------------------------------

# The issuer's own area (我市, 本区, 园区 without a name); labels and administrators write 本市/本区/本省.
_HOME_PLACE = r"本市|本区|本省|本县|我市|我区|我省|我县|本园区"
# Provinces and municipalities named without 省/市 before 境内 (在江苏境内注册 → 江苏省).
_PROVINCES = dict.fromkeys(("北京", "天津", "上海", "重庆"), "市") | dict.fromkeys(
    ("河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东")
    + ("河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海"),
    "省",
)
_PROVINCE = "(?:" + "|".join(_PROVINCES) + ")(?=境内|行政区域|辖区|范围内)"
# A named park: 常州西太湖科技产业园, 苏州工业园区 (the longest name before the suffix).
_PARK = r"(?![在于本我])(?:(?![的和或及并且与])[\u4e00-\u9fff]){2,12}(?:产业园|科技园|工业园|软件园|科学城|园区|开发区|高新区)"
_NAMED_PLACE = rf"中国境内|中华人民共和国境内|{_PROVINCE}|(?![在于本我])[\u4e00-\u9fff]{{1,6}}?(?:市|区|县|省|园区|开发区)"
_PLACE_WITHIN = r"(?:[（(][^)）]*[)）])?(?:行政区域内|行政区域|辖区内|区域内|范围内|境内|内)?"
_REGISTER = r"(?:工商)?(?:依法)?(?:工商)?(?:注册|登记|设立|成立|落户)"
# The places a clause may fix: 注册地、纳税地, 工商注册地、实际经营地和财税户管地 ….
_SEAT = r"(?:(?:工商)?注册地(?:址)?|纳税地|(?:税收|财税)户管地|税务登记地|(?:实际|生产)?经营地(?:址)?|办公地(?:址)?)"
_REGISTERED = re.compile(
    # 在南京市行政区域内注册, 须为我市范围内依法设立, 在本区范围内工商注册登记
    rf"(?:(?:在|于|为)?(?P<home>{_HOME_PLACE})|(?:在|于|为)(?P<a>园区|{_NAMED_PLACE})){_PLACE_WITHIN}{_REGISTER}"
    # 申报单位在常州市行政区域内，…: the area named as such, with no verb
    rf"|(?:在|于)(?P<c>{_HOME_PLACE}|{_NAMED_PLACE})(?:行政区域内|辖区内|范围内|境内)(?=[，,。；;、]|$)"
    # 注册地在本市, 注册在园区, 设立于苏州工业园区
    rf"|(?:{_SEAT}(?:(?:、|和|及|与|以及){_SEAT})*(?:均|都)?(?:应|须|需|必须|要)?(?:均|都)?(?:在|位于|为|设在)"
    rf"|(?:注册|登记|设立|设|落户)(?:(?:并|和|且|及|、)(?:纳税|税务登记|税收户管))?(?:地|地址)?(?:均)?(?:在|于|位于))"
    rf"(?P<b>{_HOME_PLACE}|园区|{_PARK}|{_NAMED_PLACE})"
    # 在杨浦区首次认定的…, (从…)迁入我区的…: recognised in or moved to the area
    rf"|(?:在|于)(?P<e>{_HOME_PLACE}|{_NAMED_PLACE})(?:首次|新|被)?认定的"
    rf"|迁(?:入|至|到)(?P<f>{_HOME_PLACE}|{_NAMED_PLACE})(?=的|后|并|且|[，,。；;、]|$)"
    # 区内企业, 对区内企业…: the issuer's own district
    r"|(?:^|(?<=[对凡是及和与、，,：:]))(?P<d>区内)(?:注册的?|的)?(?:企业|单位|机构)"
)


def _place(name: str) -> str:
    """中华人民共和国境内 → 中国境内; the issuer's own area (我市, 园区) → 本市/本区/本省."""
    if name == "中华人民共和国境内":
        return "中国境内"
    if name in _PROVINCES:
        return name + _PROVINCES[name]
    if name == "区内":
        return "本区"
    if name in ("园区", "本园区", "本县", "我县"):
        return "本区"  # an unnamed park or county is the issuer's own district-level area
    return "本" + name[1:] if name.startswith("我") else name


_TRIGGER_LIST = re.compile(
    r"(?<![具拥享])(?:存在|有|出现|发生)(?:以下|下列|如下)(?:情况|情形|行为|问题)(?:之一)?"
)
_LIST_ITEM = re.compile(r"\s*(?:[（(]?(?:\d+|[一二三四五六七八九十]+)[)）.、]|[①-⑳])")
_SENTENCE = re.compile(r"[^。；;！？!?\n]+")
# A target, not a condition: from 「到2025年，」 or 「力争…」 on, a clause states what the area aims at.
_TARGET = re.compile(r"(?:^|(?<=[，,：:]))\s*(?:力争|争取)?\s*(?:到|至)\s*\d{4}\s*年(?:底|末)?\s*[，,]|力争")
# …and a figure of the whole area (全市专利申请总数达到…, 全社会研发投入…) is a target too.
_AGGREGATE = re.compile(r"全(?:市|区|省|县|镇|国|社会|行业|域)")
# The growth of a measure as an amount (研发费用年度增长20万元以上) is no bound on the measure.
_INCREASE = re.compile(r"增长|增加|增幅|增量|提高|提升|新增")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    # 专、精、特、新 spelled with enumeration commas is 专精特新.
    text = re.sub(r"专[、,]精[、,]特[、,]新", "专精特新", text)
    # NFKC turns （含） into (含) and ％ into %; keep digits with thousands separators whole.
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def propose_conditions(text: str) -> list[Condition]:
    """The eligibility conditions ``text`` states, in order of appearance, without duplicates."""
    out: list[Condition] = []
    in_trigger_list = False
    for sentence in _SENTENCE.findall(_normalise(text)):
        # 如存在以下情况之一，需配合实地核查：（1）职工总数为5人及以下的企业；（2）…: the items of a list
        # of cases that trigger a check or an exclusion are no eligibility conditions.
        if _TRIGGER_LIST.search(sentence):
            in_trigger_list = True
            continue
        if in_trigger_list and _LIST_ITEM.match(sentence):
            continue
        in_trigger_list = False
        if target := _TARGET.search(sentence):
            sentence = sentence[: target.start()]
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
    found: list[Condition] = []
    restated: list[Condition] = []  # read from an aside 「（即…）」 that restates a condition
    previous_end = 0
    blanked = _blank_parentheticals(sentence)
    replaced = [q.span() for q in _REPLACED.finditer(sentence)]
    for m in _QUANTITY.finditer(sentence):
        last_end, previous_end = previous_end, m.end()
        number_at = m.start("pct") if m.group("pct") is not None else m.start("num")
        if any(a <= number_at < b for a, b in replaced):
            continue  # 「从业人数不超过200人」调整为…: the old limit
        aside_at = -1
        if blanked[number_at] == " ":
            aside_at = max(sentence.rfind("(", 0, number_at), sentence.rfind("（", 0, number_at))
            if not (
                sentence.startswith(("(即", "（即"), aside_at)
                or _VAGUE_BEFORE_ASIDE.search(sentence[:aside_at])
            ):
                continue  # inside an aside (实际经营期不满三年的按实际经营时间计算)
        pre, post = m.group("pre"), m.group("post")
        op = _prefix_op(pre) if pre else None
        suffix = _suffix_op(post) if post else None
        if suffix == "(含)":
            op = {"<": "<=", ">": ">="}.get(op or "", op)
        elif op is None:
            op = suffix
        within_age = bool(
            m.group("unit") in ("年", "个月")
            and not pre
            and not post
            and _AGE_WITHIN.search(sentence[: m.start()])
            and re.match(r"(?:之)?内", sentence[m.end() :])
        )
        if within_age:
            op = "<="  # 成立10年内: the age is at most ten years
        base_first = None
        if op is None and (m.group("pct") is not None or m.group("unit") == "%"):
            # 研发人员不低于职工总数的10%: the comparison stands before the base of the ratio.
            base_first = _base_first_ratio(sentence[: m.start()])
            if base_first:
                op = base_first[1]
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
        if aside_at >= 0:
            before = " " * (aside_at + 1) + sentence[aside_at + 1 : m.start()]
        if unit_class == "years":
            # The founding word stands in the same part of the clause (not 注册的企业，…通过5年以上的许可).
            part_start = max(before.rfind(c) for c in "，,；;") + 1
            before = " " * part_start + before[part_start:]
        if unit_class == "money" and not pre and _REWARD.search(before):
            continue
        if (
            unit_class == "years"
            and not within_age
            and (_PERIOD_BEFORE.search(before + (pre or "")) or _PERIOD_AFTER.search(after))
        ):
            continue
        kind: str | None
        if base_first:
            kind, where = base_first[0], base_first[2]
        else:
            kind, where = _metric(before, unit_class)
        if kind in _RATIO_BASES and not _ratio_base_fits(kind, sentence[: m.start()]):
            continue  # 境内研发费用占全部研发费用的比例, 研发费用占成本费用的比例: another ratio
        if kind == "revenue_growth" and not _growth_of_revenue(blanked[: m.start()]):
            continue  # 从业人员数…复合增长率: the growth of another measure
        words_from, words_to = where, m.end()
        if kind is None and unit_class == "items":
            # 拥有2项以上与主导产品相关的Ⅰ类知识产权: the thing counted comes after the figure.
            kind, where = _metric_after(after[:20], unit_class)
            words_from, words_to = m.start(), m.end() + where
        if not kind:
            continue  # no measure named, or another one (股权融资, 市值, 研发人员)
        part_start = max(sentence.rfind(c, 0, words_from) for c in "，,；;：:") + 1
        if _AGGREGATE.search(sentence, part_start, m.start()):
            continue  # 全市专利申请总数达到…: a figure of the whole area
        if unit_class in ("money", "people", "items") and _INCREASE.search(blanked, words_from, m.start()):
            continue  # 研发费用年度增长20万元: an increase, not a level
        qualifier = ""
        if kind == "ip_count":
            qualifier = _ip_qualifier(sentence[max(words_from - 6, last_end) : words_to])
        words = sentence[words_from:words_to].strip()
        if len(words) > 40:
            words = "…" + words[-30:]
        kinds = [kind]
        if re.search(r"均|都", before[where:]):
            # 资产总额和年销售收入均不超过3000万元: one bound for two measures.
            kinds += [k for k, _ in _shared_with(before[:where], unit_class)]
        for k in kinds:
            (restated if aside_at >= 0 else found).append(
                Condition(k, op, round(value * factor, 6), qualifier, words)
            )
    for m in _RANGE.finditer(sentence):
        # 营业收入在5000万元至2亿元（含）: two bounds, both inclusive unless said otherwise.
        unit_class, factor = _UNITS[m.group("unit")]
        lo_factor = _UNITS[m.group("lo_unit")][1] if m.group("lo_unit") else factor
        lo, hi = _number(m.group("lo")), _number(m.group("hi"))
        kind, where = _metric(blanked[: m.start()], unit_class)
        if unit_class == "years" and _PERIOD_BEFORE.search(sentence[: m.start()]):
            continue  # 近1-3年
        if not kind or lo is None or hi is None or (unit_class == "years" and max(lo, hi) >= 100):
            continue  # (2024—2026年 is a period, not an age)
        words = sentence[where : m.end()].strip()
        found.append(
            Condition(kind, ">" if m.group("lo_excl") else ">=", round(lo * lo_factor, 6), "", words)
        )
        found.append(Condition(kind, "<" if m.group("hi_excl") else "<=", round(hi * factor, 6), "", words))
    for m in _POSITIVE_GROWTH.finditer(sentence):
        if _growth_of_revenue(blanked[: m.end()]):
            found.append(Condition("revenue_growth", ">", 0.0, "", m.group()))
    # 营业收入不低于10亿元（即成立10年内营业收入突破10亿元）: the aside adds what the clause left unsaid.
    stated = {c.kind for c in found}
    return found + [c for c in restated if c.kind not in stated]


# A vague requirement that an aside spells out: 拥有一定规模（年销售额原则上不低于5000万元）.
_VAGUE_BEFORE_ASIDE = re.compile(r"(?:一定|相当|较大|较强)的?[\u4e00-\u9fff]{0,6}$")

# A quoted limit replaced by another: 「从业人数不超过200人」调整为「从业人数不超过300人」.
_REPLACED = re.compile(
    r"[“\"「『][^“”\"「」『』]*[”\"」』](?=\s*(?:调整为|修改为|改为|调整到|提高到|提高至|放宽到|放宽至|降低到|降低至|变更为))"
)


def _shared_with(before: str, unit_class: str) -> list[tuple[str, int]]:
    """The kinds named right before a measure and joined to it (资产总额和…): [(kind, start)]."""
    out: list[tuple[str, int]] = []
    while True:
        best: tuple[int, str] | None = None
        for kind, cls, pattern in _METRIC_RES:
            if (
                kind
                and cls == unit_class
                and (m := re.search(rf"(?:{pattern.pattern})(?:和|及|与|以及|、)$", before))
                and (best is None or m.start() > best[0])
            ):
                best = (m.start(), kind)
        if best is None:
            return out
        out.append((best[1], best[0]))
        before = before[: best[0]]


# Dashes and words between the bounds of a range (NFKC has already turned －/～ into -/~).
_RANGE_DASH = r"至|到|[—―─]{1,2}|–|-|‐|‑|‒|~|〜|～"
_RANGE = re.compile(
    rf"(?P<lo>\d[\d,]*(?:\.\d+)?)\s*(?P<lo_unit>{_UNIT})?\s*(?:[（(](?P<lo_excl>不)?含[)）])?\s*(?:{_RANGE_DASH})\s*"
    rf"(?P<hi>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>{_UNIT})(?:[（(](?P<hi_excl>不)?含[)）])?"
)
_POSITIVE_GROWTH = re.compile(r"(?:营业收入|销售收入|主营业务收入|营收)?[^，,。；;]{0,6}正增长")

_REVENUE_WORDS = r"收入|营收|销售额|营业额"
_STAFF_WORDS = r"职工|员工|从业|人员|人数"
# What a ratio named with 占 must be a share of, per kind.
_RATIO_BASES = {
    "rd_ratio": _REVENUE_WORDS,
    "high_tech_revenue_ratio": _REVENUE_WORDS,
    "tech_staff_ratio": _STAFF_WORDS,
}
_CLAUSE_PART = re.compile(r"[^，,：:；;、]*$")
# Measures whose growth is not revenue growth (从业人员数…复合增长率, 净利润增长率).
_OTHER_GROWTH = (
    r"从业人员|从业人数|职工|员工|人数|人员|利润|税收|纳税|产值|研发|研究开发|资产|市值|融资|估值|出口"
)
_BASE_FIRST = re.compile(rf"(?P<pre>{_PREFIX})(?P<base>[^，,。；;、\d%]{{1,16}}?)的?\s*$")
# (kind, the measure before the comparison, the base after it)
_BASE_FIRST_KINDS = [
    ("tech_staff_ratio", r"(?:科技人员|研发人员|研究开发人员|技术人员)(?:数|人数|数量|总数)?", _STAFF_WORDS),
    (
        "rd_ratio",
        rf"{_RD}(?:费用|投入|经费|支出){{1,2}}(?:总额|总量)?",
        _REVENUE_WORDS,
    ),
    (
        "high_tech_revenue_ratio",
        r"高新技术产品\s*(?:[（(]?服务[)）]?)?\s*(?:的)?(?:销售)?收入",
        _REVENUE_WORDS,
    ),
]


def _base_first_ratio(before: str) -> tuple[str, str, int] | None:
    """(kind, comparison, where the measure starts) for 「研发人员不低于职工总数的」 ending ``before``."""
    m = _BASE_FIRST.search(before)
    if not m:
        return None
    op = _prefix_op(m.group("pre"))
    head = before[: m.start()]
    for kind, measure, base in _BASE_FIRST_KINDS:
        named = re.search(rf"{measure}(?:应|须|需|均|要)?$", head)
        if op and named and re.search(base, m.group("base")):
            return kind, op, named.start()
    return None


def _ratio_base_fits(kind: str, before: str) -> bool:
    """Whether the base after the last 占 in this part of the clause (if any) is the one ``kind``
    is a share of: 研发费用占营业收入 is an R&D ratio, 研发费用占研发费用总额 is not."""
    part = _CLAUSE_PART.search(before)
    text = part.group() if part else before
    at = text.rfind("占")
    if at < 0 or text.startswith("占比", at):
        return True
    return re.search(_RATIO_BASES[kind], text[at + 1 :]) is not None


def _growth_of_revenue(before: str) -> bool:
    """Whether a growth rate ending ``before`` is one of revenue: the nearest measure named before it
    is revenue, or is joined to revenue (销售收入或净利润的复合增长率), or none is named."""
    named = [(m.start(), m.end(), True) for m in re.finditer(_REVENUE_WORDS, before)]
    named += [(m.start(), m.end(), False) for m in re.finditer(_OTHER_GROWTH, before)]
    if not named:
        return True
    named.sort(key=lambda n: n[1])
    start, _, revenue = named[-1]
    if revenue:
        return True
    joined = [
        n
        for n in named[:-1]
        if n[2] and re.fullmatch(r"\s*(?:或者?|和|及|与|、|以及)[\u4e00-\u9fff]{0,2}", before[n[1] : start])
    ]
    return bool(joined)


def _window_start(before: str, window: int) -> int:
    """Where the last ``window`` characters of ``before`` start, blanked asides not counted."""
    count = 0
    for i in range(len(before) - 1, -1, -1):
        if before[i] != " ":
            count += 1
            if count >= window:
                return i
    return 0


def _metric(before: str, unit_class: str, *, window: int = 60) -> tuple[str | None, int]:
    """The kind whose word stands nearest before the quantity among the kinds measured in
    ``unit_class`` ("" for another measure), and where that word starts: within ``window``
    characters, else anywhere earlier in the sentence for a ratio (「研究开发费用总额占…的比例符合
    如下要求：…比例不低于5%」). Of two words ending at the same place the later-starting wins
    (研发人员占 over 研发费用…研发人员占)."""
    for start in (_window_start(before, window), 0):
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
        if (
            kind
            and cls == unit_class
            and (m := pattern.search(after))
            and (first is None or m.start() < first[0])
        ):
            first = (m.start(), m.end(), kind)
    return (first[2], first[1]) if first else (None, 0)


def _ip_qualifier(text: str) -> str:
    """The IP type named last in ``text``, or ""."""
    named = [(m.end(), name) for pattern, name in _IP_QUALIFIERS for m in re.finditer(pattern, text)]
    return max(named)[1] if named else ""


def _qualifications(sentence: str) -> list[Condition]:
    """The titles the applicant must hold: named with a requirement word (须为, 具有…资格, 已认定为,
    有效期内的…), as the head of a description of the applicant, or as the subject of a grant."""
    if _PURPOSE.search(sentence):
        return []
    mentions: list[tuple[int, int, str, str]] = []
    for pattern, name in _QUALIFICATIONS:
        for m in re.finditer(pattern, sentence):
            if not any(a <= m.start() < b for a, b, _, _ in mentions):
                mentions.append((m.start(), m.end(), name, m.group()))
    mentions.sort()
    found = []
    previous_end: int | None = None  # where the last title proposed ends
    excluded = [m.span() for m in _NOT_COMBINED.finditer(sentence)]
    for start, end, name, words in mentions:
        before, after = sentence[:start], sentence[end:]
        if any(a <= start < b for a, b in excluded) or _QUAL_ASSISTED.search(before):
            continue
        if (
            name == "科技型中小企业"
            and (_SME_REGISTERED_AFTER.search(after) or before.endswith("的"))
            and _SME_REGISTERED_BEFORE.search(before)
        ):
            found.append(Condition("qualification", "==", name, "", words))
            previous_end = end
            continue
        not_before = _NOT_STATUS_BEFORE.search(before)
        if (
            not_before
            and re.search(r"(?:申报|申请|推荐)", not_before.group())
            and _RECOGNITION_REWARDED.search(after)
        ):
            found.append(Condition("qualification", "==", name, "", words))
            previous_end = end
            continue
        if _NOT_STATUS_AFTER.search(after) or not_before:
            continue
        if _QUAL_NOT_REQUIRED.search(before):
            continue
        newly = _NEWLY_RECOGNISED.search(before)
        if newly and not (newly.group("by") or (after.startswith("的") and _BENEFIT.search(sentence))):
            continue
        required = (
            _QUAL_REQUIRED_BEFORE.search(before)
            or (_QUAL_RECOGNISED.search(before) and _QUAL_SUBJECT_AFTER.search(after))
            or (_QUAL_PASSED.search(before) and _QUAL_PASSED_AFTER.search(after))
            or _QUAL_DESCRIBED.search(before)
            or (_DEFINITION.search(before) and before.endswith("的"))
            or _QUAL_GRANTED.search(before)
            or (
                _QUAL_SUBJECT.search(before)
                and _QUAL_SUBJECT_AFTER.search(after)
                and _BENEFIT.search(sentence)
            )
            or (previous_end is not None and _QUAL_LISTED.search(sentence[previous_end:start]))
        )
        if required:
            found.append(Condition("qualification", "==", name, "", words))
            previous_end = end
    return found


def _registrations(sentence: str) -> list[Condition]:
    return [
        Condition("registered_in", "==", _place(next(g for g in m.groups() if g)), "", m.group())
        for m in _REGISTERED.finditer(sentence)
    ]
