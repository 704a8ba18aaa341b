"""疑似重复机构: normalising organisation names and finding candidate duplicate pairs.

The same firm is often registered twice — once by each city, or once by hand and once by an import —
under names that differ only in form: ``上海黑湖科技有限公司`` / ``黑湖科技（上海）有限公司`` /
``黑湖科技有限公司``, full- and half-width characters, 繁体 and 简体, ``股份有限公司`` or
``有限责任公司``. Two records are candidates when they share a 统一社会信用代码, or when their names
reduce to the same core (``normalise_org_name``) *and* the places the names state do not contradict
each other (``places_compatible``): ``南京黑湖科技有限公司`` and ``苏州黑湖科技有限公司`` are two
firms (typically two local entities of one brand), not a duplicate.

The name functions are pure (no database); ``candidate_pairs`` is the selector. Both are measured on
a labelled set of name pairs in ``tests/data/name_pairs.tsv``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from django.db.models import QuerySet
from zhconv import convert
from zhconv.zhconv import getdict

from .models import Organisation

# --- places ------------------------------------------------------------------------------------
# name → (province, city, district). A province-level entry has only a province; a municipality is
# both province and city. Only places listed here are recognised (and stripped): the corridor's
# cities and their neighbours, every province, and the districts firms commonly name themselves by.
_PROVINCES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 "
    "四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门"
)
_MUNICIPALITIES = {"北京", "天津", "上海", "重庆", "香港", "澳门"}
_CITIES = {
    "江苏": "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁 昆山 常熟 张家港 太仓 江阴 宜兴 "
    "溧阳 丹阳 句容 扬中 靖江 泰兴 如皋 海门 启东",
    "浙江": "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 舟山 台州 义乌",
    "安徽": "合肥 芜湖 马鞍山 滁州 蚌埠 安庆",
    "广东": "广州 深圳 珠海 东莞 佛山",
    "山东": "济南 青岛 烟台",
    "湖北": "武汉",
    "四川": "成都",
    "陕西": "西安",
    "福建": "福州 厦门",
    "辽宁": "沈阳 大连",
    "湖南": "长沙",
    "河南": "郑州",
}
_DISTRICTS = {
    "上海": "浦东 黄浦 徐汇 长宁 静安 普陀 虹口 杨浦 闵行 宝山 嘉定 金山 松江 青浦 奉贤 崇明 临港 张江 漕河泾",
    "南京": "玄武 秦淮 建邺 鼓楼 浦口 栖霞 雨花台 江宁 六合 溧水 高淳 江北",
    "苏州": "姑苏 虎丘 吴中 相城 吴江 工业园",
    "无锡": "梁溪 锡山 惠山 滨湖 新吴",
    "常州": "天宁 钟楼 新北 武进 金坛",
}
# Administrative suffixes after a place name. A district is stripped as a prefix only with one.
_PLACE_SUFFIXES = ("新区", "省", "市", "区", "县", "自治区")


@dataclass(frozen=True)
class Place:
    province: str
    city: str = ""
    district: str = ""


def _build_places() -> dict[str, Place]:
    places: dict[str, Place] = {}
    for province in _PROVINCES.split():
        places[province] = Place(province, province if province in _MUNICIPALITIES else "")
    for province, names in _CITIES.items():
        for name in names.split():
            places[name] = Place(province, name)
    for city, names in _DISTRICTS.items():
        province = places[city].province
        for name in names.split():
            places[name] = Place(province, city, name)
    return places


PLACES: dict[str, Place] = _build_places()
_DISTRICT_NAMES = frozenset(n for n, p in PLACES.items() if p.district)
_PREFIX_RE = re.compile(
    "^(?P<place>"
    + "|".join(sorted(PLACES, key=len, reverse=True))
    + ")(?P<suffix>"
    + "|".join(sorted(_PLACE_SUFFIXES, key=len, reverse=True))
    + ")?"
)
# Countries in brackets (西门子（中国）有限公司) are dropped and never contradict anything.
_COUNTRIES = frozenset({"中国", "中国大陆", "china", "亚太", "亚洲", "国际"})

# --- legal forms -------------------------------------------------------------------------------
# Bracketed legal forms and qualifiers dropped with their brackets.
_BRACKET_FORMS = frozenset({"有限合伙", "普通合伙", "特殊普通合伙", "集团", "股份", "控股", "有限公司"})
# Suffixes stripped from the end, repeatedly (longest first). ``分公司`` is deliberately absent: a
# branch is a different registered entity from its head office.
_LEGAL_SUFFIXES = tuple(
    sorted(
        {
            "股份有限公司",
            "有限责任公司",
            "集团有限公司",
            "控股有限公司",
            "有限公司",
            "股份公司",
            "集团公司",
            "总公司",
            "公司",
            "合伙企业",
            "集团",
            "控股",
            "股份",
            "companylimited",
            "coltd",
            "corporation",
            "limited",
            "corp",
            "ltd",
            "inc",
            "llc",
            "gmbh",
            "co",
        },
        key=len,
        reverse=True,
    )
)
_LEGAL_SUFFIX_SET = frozenset(_LEGAL_SUFFIXES)
_LEGAL_SUFFIX_LENGTHS = sorted({len(s) for s in _LEGAL_SUFFIXES}, reverse=True)  # longest first
# Legal forms inside a longer name (XX有限公司南京分公司) are removed too.
_INNER_LEGAL_RE = re.compile("股份有限公司|有限责任公司|有限公司")
_NON_WORD_RE = re.compile(r"[\W_]+")
_TRADITIONAL_CHARS = frozenset(k for k, v in getdict("zh-hans").items() if len(k) == 1 and k != v)
_OPENING_BRACKETS = frozenset("([{【〔〖「『")
_BRACKETS_RE = re.compile(r"[(\[{【〔〖「『]([^()\[\]{}【】〔〕〖〗「」『』]*)[)\]}】〕〗」』]")

# Below this many characters the core is too generic to stand alone (上海电气 → 电气, 南京银行 → 银行):
# the most specific place the name states is kept in front of it.
MIN_CORE_LENGTH = 3


@dataclass(frozen=True)
class NameParts:
    """A name taken apart: the places it states (in order) and the rest without legal form."""

    core: str
    places: tuple[Place, ...]

    @property
    def key(self) -> str:
        """The comparison key: the core, with a place in front when the core alone is too short."""
        if len(self.core) >= MIN_CORE_LENGTH or not self.places:
            return self.core
        place = _most_specific(self.places)
        return (place.district or place.city or place.province) + self.core


def _most_specific(places: Iterable[Place]) -> Place:
    return max(places, key=lambda p: (bool(p.district), bool(p.city)))


def _clean(text: str) -> str:
    """Drop whitespace, punctuation and symbols (after NFKC every bracket and dot is one of those)."""
    return _NON_WORD_RE.sub("", text)


def _to_simplified(text: str) -> str:
    """繁体 → 简体. zhconv's phrase-aware conversion costs ~40 µs a name, so it only runs on names
    with at least one character its table converts on its own (almost all names have none)."""
    return text if _TRADITIONAL_CHARS.isdisjoint(text) else convert(text, "zh-hans")


def _bracket_place(content: str) -> Place | None:
    for suffix in _PLACE_SUFFIXES:
        if content.endswith(suffix) and content[: -len(suffix)] in PLACES:
            return PLACES[content[: -len(suffix)]]
    return PLACES.get(content)


@lru_cache(maxsize=8192)
def split_org_name(name: str) -> NameParts:
    """Take an organisation's name apart into its core and the places it names.

    Steps: NFKC (full-width → half-width), 繁体 → 简体, lower case; bracketed places, countries and
    legal forms removed wherever they are (``（上海）``, ``【南京】``, ``(中国)``, ``（有限合伙）``),
    other brackets opened; punctuation and spaces removed; legal-form suffixes stripped from the end
    (``股份有限公司``, ``有限责任公司``, ``有限公司``, ``集团``, ``Co., Ltd.`` …); then leading places
    (``江苏省南京市``, ``上海``, ``浦东新区``) stripped as long as the core keeps at least
    ``MIN_CORE_LENGTH`` characters. Districts are only recognised as a prefix with their suffix
    (``江宁区``, ``浦东新区``) or in brackets.
    """
    text = _to_simplified(unicodedata.normalize("NFKC", name or "")).lower()
    places: list[Place] = []

    def bracket(match: re.Match[str]) -> str:
        content = _clean(match.group(1))
        place = _bracket_place(content)
        if place is not None:
            places.append(place)
            return ""
        if content in _COUNTRIES or content in _BRACKET_FORMS:
            return ""
        return content

    while not _OPENING_BRACKETS.isdisjoint(text):  # nested brackets: innermost first
        previous, text = text, _BRACKETS_RE.sub(bracket, text)
        if text == previous:  # an unclosed bracket
            break
    text = _strip_legal_suffixes(_clean(text))
    if "公司" in text:
        text = _INNER_LEGAL_RE.sub("", text)

    prefix_places: list[Place] = []
    while True:
        match = _PREFIX_RE.match(text)
        if match is None:
            break
        place = PLACES[match.group("place")]
        if place.district and not match.group("suffix"):
            break  # 上海浦东发展银行: a district without 区 is often part of the name itself
        rest = text[match.end() :]
        if len(rest) < MIN_CORE_LENGTH:
            # Too little left to be a name on its own (上海电气, 南京银行): the place goes back in front
            # of the core in ``NameParts.key``.
            if rest:
                prefix_places.append(place)
                text = rest
            break
        prefix_places.append(place)
        text = rest
    return NameParts(core=text, places=tuple(prefix_places + places))


def _strip_legal_suffixes(text: str) -> str:
    """Strip legal forms from the end, repeatedly, longest first; never ``分公司`` (a branch)."""
    while text.endswith(_LEGAL_SUFFIXES):
        suffix = next(text[-n:] for n in _LEGAL_SUFFIX_LENGTHS if text[-n:] in _LEGAL_SUFFIX_SET)
        start = len(text) - len(suffix)
        if start == 0 or text[start - 1] == "分":
            break
        text = text[:start]
    return text


def normalise_org_name(name: str) -> str:
    """The key two names of one organisation share: ``上海黑湖科技有限公司`` → ``黑湖科技``.

    Equal keys are necessary, not sufficient, for a duplicate: use ``names_match`` (which also checks
    that the places the names state agree) to decide.
    """
    return split_org_name(name).key


def places_compatible(a: Iterable[Place], b: Iterable[Place]) -> bool:
    """Whether two names' places can describe one organisation.

    At each level (province, city, district) the places the names state must share a value when both
    state any: 南京 vs 苏州 contradict, 江苏 vs 南京 agree (南京 is in 江苏), 上海 vs 南京 contradict
    (different provinces), no place vs any place agree.
    """
    a, b = tuple(a), tuple(b)
    for level in ("province", "city", "district"):
        values_a = {getattr(p, level) for p in a} - {""}
        values_b = {getattr(p, level) for p in b} - {""}
        if values_a and values_b and not values_a & values_b:
            return False
    return True


def names_match(a: str, b: str) -> bool:
    """Whether two organisation names normalise alike and name no contradicting places."""
    parts_a, parts_b = split_org_name(a), split_org_name(b)
    return (
        bool(parts_a.key) and parts_a.key == parts_b.key and places_compatible(parts_a.places, parts_b.places)
    )


def normalise_credit_code(code: str) -> str:
    return _clean(unicodedata.normalize("NFKC", code or "")).upper()


# --- the selector ------------------------------------------------------------------------------
Reason = Literal["credit_code", "name"]
MERGED_REASON_PREFIX = "已合并至"  # the status_reason of an organisation merged away (see merge.py)


@dataclass(frozen=True)
class Candidate:
    """A pair of organisations that may be one: ``a.pk < b.pk``; ``key`` is what they share."""

    a: Organisation
    b: Organisation
    reason: Reason
    key: str


def merged_away() -> QuerySet[Organisation]:
    """Organisations archived by a merge (they stay, with their history, but are no candidates)."""
    return Organisation.objects.filter(
        status=Organisation.WORKFLOW.archived, status_reason__startswith=MERGED_REASON_PREFIX
    )


def candidate_pairs(
    queryset: QuerySet[Organisation] | None = None, *, city_id: int | None = None
) -> list[Candidate]:
    """Candidate duplicate pairs among ``queryset`` (all organisations not merged away by default).

    One pass over ``(id, name, credit_code)`` rows groups them by normalised credit code and by name
    key (no pairwise comparison of all rows: 100,000 organisations take about 3 s of CPU, mostly
    the normalisation at ~20 µs a name). Within a name group, pairs whose names state
    contradicting places are left out. A pair sharing both a credit code and a name is reported once,
    as ``credit_code``. With ``city_id``, only pairs with at least one record in that city are
    returned (a city administrator's view); the other record may be in any city.

    Sorted: credit-code pairs first, then by key. Organisations are fetched with their city.
    """
    base = Organisation.objects.all() if queryset is None else queryset
    base = base.exclude(pk__in=merged_away().values("pk"))
    by_code: dict[str, list[int]] = defaultdict(list)
    by_key: dict[str, list[tuple[int, tuple[Place, ...]]]] = defaultdict(list)
    city_of: dict[int, int] = {}
    for pk, name, code, org_city_id in base.values_list("pk", "name", "credit_code", "city_id").iterator(
        chunk_size=5000
    ):
        city_of[pk] = org_city_id
        if code:
            by_code[normalise_credit_code(code)].append(pk)
        parts = split_org_name(name)
        if parts.key:
            by_key[parts.key].append((pk, parts.places))

    found: dict[tuple[int, int], tuple[Reason, str]] = {}
    for code, pks in by_code.items():
        for i, first in enumerate(pks):
            for second in pks[i + 1 :]:
                found[_ordered(first, second)] = ("credit_code", code)
    for key, members in by_key.items():
        for i, (first, places_first) in enumerate(members):
            for second, places_second in members[i + 1 :]:
                pair = _ordered(first, second)
                if pair not in found and places_compatible(places_first, places_second):
                    found[pair] = ("name", key)

    if city_id is not None:
        found = {p: v for p, v in found.items() if city_id in (city_of[p[0]], city_of[p[1]])}
    organisations = Organisation.objects.select_related("city").in_bulk({pk for pair in found for pk in pair})
    candidates = [
        Candidate(organisations[a], organisations[b], reason, key) for (a, b), (reason, key) in found.items()
    ]
    candidates.sort(key=lambda c: (c.reason != "credit_code", c.key, c.a.pk, c.b.pk))
    return candidates


def _ordered(first: int, second: int) -> tuple[int, int]:
    return (first, second) if first < second else (second, first)
