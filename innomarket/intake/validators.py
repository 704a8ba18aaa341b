"""Pure cell parsers for the Excel/CSV intake (批量导入).

Every parser takes the raw cell value as openpyxl or the csv module hands it over (``str``, ``int``,
``float``, ``Decimal``, ``date``/``datetime``, ``bool`` or ``None``) and returns a clean Python value, or
raises :class:`CellError`. ``str(exc)`` is the translated Chinese message about the *value*; the caller
adds the row, the column and the field name.

Blank cells: :func:`clean_text` returns ``""`` and :func:`parse_field_tags` returns ``[]``; every other
parser raises :class:`CellError` (code ``"blank"``) so a required column never slips through. Callers
that allow blanks test :func:`is_blank` first.

No model is imported: cities, tags and choices are passed in as plain objects, so these functions are
tested without a database.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext

from innomarket.common.validators import USCC_ALPHABET, uscc_check_char

__all__ = [
    "CREDIT_CODE_ALPHABET",
    "CellError",
    "clean_text",
    "credit_code_check_char",
    "is_blank",
    "neutralise_formula",
    "normalise_city",
    "parse_bool",
    "parse_choice",
    "parse_credit_code",
    "parse_date",
    "parse_email",
    "parse_field_tags",
    "parse_int",
    "parse_money_wan",
    "parse_phone",
]


class CellError(ValueError):
    """A cell value that cannot be accepted. ``str(exc)`` is the user-facing (translated) message."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------------

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _nfkc(value: Any) -> str:
    """NFKC-fold a cell to text (full-width → half-width), drop zero-width characters, trim."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).translate(_ZERO_WIDTH).strip()


def _key(value: Any) -> str:
    """Comparison key: NFKC, case-folded, without any white space."""
    return "".join(_nfkc(value).casefold().split())


def is_blank(value: Any) -> bool:
    """True for ``None`` and for text that is empty once white space (any width) is removed."""
    return value is None or (isinstance(value, str) and _nfkc(value) == "")


def _require(value: Any) -> None:
    if is_blank(value):
        raise CellError(gettext("此项不能为空。"), code="blank")


def _shown(value: Any, limit: int = 40) -> str:
    """The value as quoted in a message: trimmed and shortened so a pasted essay does not flood the report."""
    text = str(value).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _join(names: Iterable[str]) -> str:
    return "、".join(names)


# --------------------------------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)
# --------------------------------------------------------------------------------------------------

# Digits and upper-case letters except I, O, Z, S, V; a character's value is its index. The check
# character itself is computed by the project's one implementation (common.validators).
CREDIT_CODE_ALPHABET = USCC_ALPHABET
_CREDIT_CODE_VALUE = {ch: i for i, ch in enumerate(CREDIT_CODE_ALPHABET)}


def credit_code_check_char(first17: str) -> str:
    """The 18th (check) character of a 统一社会信用代码 whose first 17 characters are ``first17``.

    ``C18 = 31 - (Σ value(Ci) × 3^(i-1) mod 31)``, with 31 mapped to ``0``. ``first17`` must already be
    normalised (17 characters of :data:`CREDIT_CODE_ALPHABET`); anything else raises ``ValueError``.
    """
    if len(first17) != 17 or any(ch not in _CREDIT_CODE_VALUE for ch in first17):
        raise ValueError(f"expected 17 characters of {CREDIT_CODE_ALPHABET!r}, got {first17!r}")
    return uscc_check_char(first17)


def parse_credit_code(value: Any) -> str:
    """Normalise and check a 统一社会信用代码; return the 18 upper-case characters."""
    _require(value)
    if isinstance(value, float):
        # Excel keeps 15 significant digits: an all-digit code typed into a number cell is already damaged.
        raise CellError(
            gettext(
                "统一社会信用代码被 Excel 存成了数字，末尾几位可能已丢失；请把该列设为“文本”格式后重新填写。"
            ),
            code="credit_code_number",
        )
    code = "".join(_nfkc(value).upper().split()).replace("-", "")
    if len(code) != 18:
        raise CellError(
            gettext("统一社会信用代码应为 18 位，当前为 %(n)d 位。") % {"n": len(code)},
            code="credit_code_length",
        )
    for position, ch in enumerate(code, start=1):
        if ch not in _CREDIT_CODE_VALUE:
            raise CellError(
                gettext(
                    "统一社会信用代码第 %(pos)d 位“%(ch)s”不是允许的字符（只用数字和除 I、O、Z、S、V 以外的大写字母）。"
                )
                % {"pos": position, "ch": ch},
                code="credit_code_char",
            )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise CellError(
            gettext("统一社会信用代码校验位应为“%(expected)s”，实际为“%(actual)s”，请核对代码是否抄错。")
            % {"expected": expected, "actual": code[17]},
            code="credit_code_check",
        )
    return code


# --------------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")
_SERVICE = re.compile(r"([48]00)(\d{3})(\d{4})")
# 010 and 02x are the three-digit area codes; every other area code has four digits (0 + three).
_LANDLINE = re.compile(r"(010|02\d|0[3-9]\d{2})([2-9]\d{6,7})")
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$", re.IGNORECASE)
# +86 / 0086 always; a bare 86 only before a separator or a mobile number (86 also starts nothing else).
_COUNTRY = re.compile(r"^(?:(?:\+|00)86|86(?=[\s\-(]|1[3-9]\d{9}$))")


def parse_phone(value: Any) -> str:
    """Mobile, landline or 400/800 number of mainland China, normalised.

    Returns ``13812345678`` for mobiles (country code dropped), ``021-62345678`` or ``0512-68881234-801``
    for landlines, ``400-820-8820`` for service numbers. Spaces, dashes, brackets and a leading ``+86``/
    ``86``/``0086`` are accepted; an extension follows ``-``, ``转``, ``分机``, ``ext`` or ``#``.
    """
    _require(value)
    text = _nfkc(value)
    extension = ""
    match = _EXTENSION.search(text)
    if match:
        extension, text = match.group(1), text[: match.start()]
    international = False
    country = _COUNTRY.match(text)
    if country:
        international, text = True, text[country.end() :]
    text = re.sub(r"[\s().]", "", text)
    if not re.fullmatch(r"[\d\-]+", text):
        raise CellError(
            gettext("电话号码“%(value)s”含有无法识别的字符。") % {"value": _shown(value)}, code="phone_chars"
        )
    groups = [g for g in text.split("-") if g]
    digits = "".join(groups)

    if _MOBILE.fullmatch(digits) and not extension:
        return digits
    service = _SERVICE.fullmatch(digits)
    if service and not extension:
        return "-".join(service.groups())

    if international and digits[:1] != "0":
        digits = "0" + digits  # +86 21 … drops the trunk prefix 0 of the area code
        groups = ["0" + groups[0], *groups[1:]] if groups else groups
    landline = _LANDLINE.fullmatch(digits)
    if not landline and not extension and len(groups) >= 2 and len(groups[-1]) <= 6:
        # 0512-68881234-801: the last dash-separated group is an extension.
        extension = groups[-1]
        landline = _LANDLINE.fullmatch("".join(groups[:-1]))
    if landline:
        area, number = landline.groups()
        return f"{area}-{number}" + (f"-{extension}" if extension else "")

    if re.fullmatch(r"[2-9]\d{6,7}", digits):
        raise CellError(
            gettext("固定电话“%(value)s”缺少区号，请写成“0512-68881234”的形式。") % {"value": _shown(value)},
            code="phone_area_code",
        )
    raise CellError(
        gettext(
            "电话号码“%(value)s”格式不正确：应为 11 位手机号、带区号的固定电话（如 021-62345678）或 400/800 号码。"
        )
        % {"value": _shown(value)},
        code="phone_invalid",
    )


# --------------------------------------------------------------------------------------------------
# E-mail
# --------------------------------------------------------------------------------------------------


def parse_email(value: Any) -> str:
    """An e-mail address as Django's ``validate_email`` accepts it, with the domain lower-cased."""
    _require(value)
    text = _nfkc(value)  # also turns a full-width ＠ into @
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(
            gettext("邮箱地址“%(value)s”格式不正确。") % {"value": _shown(value)}, code="email_invalid"
        ) from None
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------

_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_TIME_TAIL = r"(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATE_PATTERNS = (
    re.compile(r"(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})" + _TIME_TAIL),
    re.compile(r"(\d{4})\s*(年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?" + _TIME_TAIL),
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def _excel_serial_to_date(serial: float) -> datetime.date:
    whole = int(serial)
    if whole < 1 or whole > _EXCEL_MAX_SERIAL:
        raise ValueError(serial)
    if whole < 60:  # Excel's 1900 system counts a non-existent 1900-02-29 as serial 60
        whole += 1
    elif whole == 60:
        raise ValueError(serial)
    return _EXCEL_EPOCH + datetime.timedelta(days=whole)


def parse_date(value: Any) -> datetime.date:
    """A calendar date from an openpyxl date, an Excel serial number (1900 system) or common written forms.

    Accepted text: ``2024-01-05``, ``2024/1/5``, ``2024.1.5``, ``2024年1月5日``, ``20240105`` (full-width
    digits too; a trailing time of day is ignored). A date that does not exist is rejected with the value
    quoted.
    """
    _require(value)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise CellError(gettext("“%(value)s”不是日期。") % {"value": value}, code="date_invalid")
    if isinstance(value, int | float | Decimal):
        if 10_000_000 <= value <= 99_999_999 and value == int(value):
            text = str(int(value))  # 20240105 typed into a number cell
        else:
            try:
                return _excel_serial_to_date(float(value))
            except (ValueError, OverflowError):
                raise CellError(
                    gettext("数字“%(value)s”不是有效的 Excel 日期。") % {"value": _shown(value)},
                    code="date_invalid",
                ) from None
    else:
        text = _nfkc(value)

    parts = None
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            parts = match.group(1), match.group(3), match.group(4)
            break
    else:
        match = _COMPACT_DATE.fullmatch(text)
        if match:
            parts = match.groups()
    if parts is None:
        raise CellError(
            gettext("无法识别日期“%(value)s”，请写成“2024-01-05”或“2024年1月5日”。")
            % {"value": _shown(value)},
            code="date_format",
        )
    year, month, day = (int(p) for p in parts)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(
            gettext("日期“%(value)s”不存在，请检查年、月、日。") % {"value": _shown(value)},
            code="date_impossible",
        ) from None


# --------------------------------------------------------------------------------------------------
# Money (万元)
# --------------------------------------------------------------------------------------------------

_CENT = Decimal("0.01")
# Multiplier that turns an amount in the given unit into 万元. A bare number is already 万元.
_MONEY_UNITS = {
    "": Decimal(1),
    "万": Decimal(1),
    "万元": Decimal(1),
    "亿": Decimal(10000),
    "亿元": Decimal(10000),
    "千万": Decimal(1000),
    "千万元": Decimal(1000),
    "百万": Decimal(100),
    "百万元": Decimal(100),
    "千元": Decimal("0.1"),
    "元": Decimal("0.0001"),
}
_MONEY = re.compile(r"(?P<sign>[-−])?(?P<number>\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)(?P<unit>[^\d]*)")
_CURRENCY_PREFIX = re.compile(r"^(?:[¥￥]|RMB|CNY|人民币)")


def parse_money_wan(value: Any) -> Decimal:
    """An amount of money in 万元, rounded half-up to 0.01.

    ``"500万元"``, ``"500 万"``, ``"1.2亿元"``, ``"5,000,000元"``, ``"￥300万"`` and bare numbers (already
    万元, the template's unit) are accepted; negative amounts are not.
    """
    _require(value)
    if isinstance(value, bool):
        raise CellError(gettext("“%(value)s”不是金额。") % {"value": value}, code="money_invalid")
    if isinstance(value, int | float | Decimal):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite():
            raise CellError(gettext("“%(value)s”不是金额。") % {"value": value}, code="money_invalid")
        multiplier = Decimal(1)
    else:
        text = "".join(_nfkc(value).split())
        text = _CURRENCY_PREFIX.sub("", text.upper()).replace("RMB", "").replace("人民币", "")
        match = _MONEY.fullmatch(text)
        if not match:
            raise CellError(
                gettext("无法识别金额“%(value)s”，请填写数字（单位：万元），如“500”或“1.2亿元”。")
                % {"value": _shown(value)},
                code="money_format",
            )
        unit = match.group("unit")
        if unit not in _MONEY_UNITS:
            raise CellError(
                gettext("金额“%(value)s”的单位“%(unit)s”无法识别，可用：元、万元、亿元。")
                % {"value": _shown(value), "unit": unit},
                code="money_unit",
            )
        amount = Decimal(match.group("number").replace(",", ""))
        if match.group("sign"):
            amount = -amount
        multiplier = _MONEY_UNITS[unit]
    if amount < 0:
        raise CellError(
            gettext("金额不能为负数（“%(value)s”）。") % {"value": _shown(value)}, code="money_negative"
        )
    return (amount * multiplier).quantize(_CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------------
# Integers and booleans
# --------------------------------------------------------------------------------------------------


def parse_int(value: Any, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """A whole number (``"1,200"``, ``12.0`` and full-width digits accepted), optionally bounded."""
    _require(value)
    if isinstance(value, bool):
        raise CellError(gettext("“%(value)s”不是整数。") % {"value": value}, code="int_invalid")
    number: int | None = None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal):
        exact = Decimal(str(value))
        if exact.is_finite() and exact == exact.to_integral_value():
            number = int(exact)
    else:
        text = "".join(_nfkc(value).split()).replace("−", "-")
        if re.fullmatch(r"[-+]?\d+(?:,\d{3})*(?:\.0+)?", text):
            number = int(text.replace(",", "").split(".")[0])
    if number is None:
        raise CellError(gettext("“%(value)s”不是整数。") % {"value": _shown(value)}, code="int_invalid")
    if min_value is not None and number < min_value:
        raise CellError(
            gettext("数值 %(value)s 过小，应不小于 %(limit)s。") % {"value": number, "limit": min_value},
            code="int_min",
        )
    if max_value is not None and number > max_value:
        raise CellError(
            gettext("数值 %(value)s 过大，应不大于 %(limit)s。") % {"value": number, "limit": max_value},
            code="int_max",
        )
    return number


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "对", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "✘", "x", "不是", "无"}


def parse_bool(value: Any) -> bool:
    """是/否, Y/N, YES/NO, TRUE/FALSE, 1/0, √/× (any case or width)."""
    _require(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return bool(value)
    key = _key(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(
        gettext("“%(value)s”无法识别为是或否，请填写“是”或“否”。") % {"value": _shown(value)},
        code="bool_invalid",
    )


# --------------------------------------------------------------------------------------------------
# Choices, cities, field tags
# --------------------------------------------------------------------------------------------------


def _flat_choices(choices: Any) -> list[tuple[str, str]]:
    """(value, label) pairs from a ``TextChoices`` class or a (possibly grouped) choices iterable."""
    pairs = getattr(choices, "choices", choices)
    flat: list[tuple[str, str]] = []
    for value, label in pairs:
        if isinstance(label, list | tuple):  # an option group: (group name, [(value, label), …])
            flat.extend(_flat_choices(label))
        else:
            flat.append((str(value), str(label)))
    return flat


def parse_choice(value: Any, choices: Any) -> str:
    """The stored value of the choice whose Chinese label (or value) the cell holds.

    Matching ignores case, width and white space; labels win over values. A blank cell is accepted only
    when ``""`` is itself one of the values (e.g. “未定级”).
    """
    flat = _flat_choices(choices)
    if is_blank(value):
        if any(v == "" for v, _label in flat):
            return ""
        _require(value)
    key = _key(value)
    for stored, label in flat:
        if _key(label) == key:
            return stored
    for stored, _label in flat:
        if stored and _key(stored) == key:
            return stored
    raise CellError(
        gettext("“%(value)s”不是可选项，可选：%(allowed)s。")
        % {"value": _shown(value), "allowed": _join(label for stored, label in flat if stored or label)},
        code="choice_invalid",
    )


_ADMIN_SUFFIX = re.compile(r"(?:省|市|区|县|自治区|自治州|特别行政区)$")
# Used only for objects without a ``province``: any chain of 省/市/自治区… names, or a bare municipality.
_ANY_ADMIN_PREFIX = re.compile(r"(?:北京|上海|天津|重庆|.{2,7}?(?:省|自治区|市|自治州|地区))+")


def _city_keys(city: Any) -> set[str]:
    keys = {_key(city.name), _key(city.short_name), _key(city.slug)}
    return {k for k in keys if k}


def _province_prefixes(city: Any) -> set[str]:
    province = _key(getattr(city, "province", "") or "")
    if not province:
        return set()
    return {province, _ADMIN_SUFFIX.sub("", province)} - {""}


def normalise_city(value: Any, cities: Iterable[Any]) -> Any:
    """The city whose name, short name or slug the cell holds: 苏州 / 苏州市 / suzhou / 上海市普陀区 / 普陀.

    A province-level prefix (“上海市普陀区”, “江苏省苏州市”, “江苏苏州”) is accepted. When the objects have a
    ``province`` the prefix must be that province (so “舟山市普陀区” is not Shanghai's 普陀区); plain objects
    without one accept any prefix ending in 省/市/自治区 or a bare municipality (上海, 北京 …).
    """
    cities = list(cities)
    _require(value)
    key = _key(value)
    matches = []
    for city in cities:
        keys = _city_keys(city)
        prefixes = _province_prefixes(city)
        for city_key in keys:
            if key == city_key:
                hit = True
            elif key.endswith(city_key):
                prefix = key[: -len(city_key)]
                hit = prefix in prefixes if prefixes else bool(_ANY_ADMIN_PREFIX.fullmatch(prefix))
            else:
                hit = False
            if hit:
                matches.append(city)
                break
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise CellError(
            gettext("城市“%(value)s”有多个匹配：%(names)s，请填写全称。")
            % {"value": _shown(value), "names": _join(c.name for c in matches)},
            code="city_ambiguous",
        )
    raise CellError(
        gettext("未知的城市“%(value)s”，可选：%(allowed)s。")
        % {"value": _shown(value), "allowed": _join(c.name for c in cities)},
        code="city_unknown",
    )


_TAG_SEPARATORS = re.compile(r"[、,，;；/／|\n\r]+")


def _tag_synonyms(tag: Any) -> list[str]:
    if callable(getattr(tag, "synonym_list", None)):
        return list(tag.synonym_list())
    return [s for s in re.split(r"[、,，;；\s]+", getattr(tag, "synonyms", "") or "") if s]


def parse_field_tags(value: Any, tags: Iterable[Any]) -> list[Any]:
    """The tags named in the cell, in the order written, without duplicates.

    Names are separated by 、 , ， ; ； / or new lines; each may be a tag's name, its slug or (when it
    belongs to exactly one tag) one of its synonyms. Unknown names are all listed in one error.
    """
    tags = list(tags)
    if is_blank(value):
        return []
    exact: dict[str, Any] = {}
    for tag in tags:
        exact.setdefault(_key(tag.name), tag)
        exact.setdefault(_key(tag.slug), tag)
    by_synonym: dict[str, list[Any]] = {}
    for tag in tags:
        for synonym in _tag_synonyms(tag):
            owners = by_synonym.setdefault(_key(synonym), [])
            if tag not in owners:
                owners.append(tag)

    found: list[Any] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for part in _TAG_SEPARATORS.split(_nfkc(value)):
        name = part.strip()
        if not name:
            continue
        key = _key(name)
        tag = exact.get(key)
        if tag is None:
            owners = by_synonym.get(key, [])
            if len(owners) == 1:
                tag = owners[0]
            elif owners:
                ambiguous.append(name)
                continue
        if tag is None:
            unknown.append(name)
        elif tag not in found:
            found.append(tag)
    if unknown or ambiguous:
        problems = []
        if unknown:
            problems.append(gettext("未知的领域：%(names)s") % {"names": _join(f"“{n}”" for n in unknown)})
        if ambiguous:
            problems.append(
                gettext("含义不明确的领域：%(names)s") % {"names": _join(f"“{n}”" for n in ambiguous)}
            )
        raise CellError(
            gettext("%(problems)s。可选：%(allowed)s。")
            % {"problems": "；".join(problems), "allowed": _join(t.name for t in tags)},
            code="field_tag_unknown",
        )
    return found


# --------------------------------------------------------------------------------------------------
# Free text
# --------------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any, *, max_length: int | None = None) -> str:
    """Trimmed text with odd spaces made ordinary; Chinese punctuation is kept as typed.

    Only space characters are NFKC-normalised (U+3000 ideographic space, no-break space … → `` ``), line
    breaks become ``\\n``, zero-width and control characters and Excel's ``_x000D_`` escapes are removed.
    Longer than ``max_length`` characters → :class:`CellError` naming the limit.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(" " if unicodedata.category(ch) == "Zs" else ch for ch in text)
    text = _CONTROL.sub("", text.translate(_ZERO_WIDTH)).replace("\u2028", "\n").replace("\u2029", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    if max_length is not None and len(text) > max_length:
        raise CellError(
            gettext("内容过长：最多 %(limit)d 个字符，当前 %(n)d 个。")
            % {"limit": max_length, "n": len(text)},
            code="text_too_long",
        )
    return text


# Leading characters that make a spreadsheet evaluate a cell (OWASP “CSV Injection”), plus their
# full-width forms, which some spreadsheet programs also honour.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise_formula(value: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula; anything else is returned unchanged.

    Used on export only (imports keep the text as written).
    """
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value
