"""Tests of the intake's pure cell parsers. Only the tests marked ``django_db`` touch the database."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import models
from hypothesis import given, settings
from hypothesis import strategies as st

from innomarket.common.choices import Level
from innomarket.common.validators import uscc_check_char
from innomarket.intake.validators import (
    CREDIT_CODE_ALPHABET,
    CellError,
    clean_text,
    credit_code_check_char,
    is_blank,
    neutralise_formula,
    normalise_city,
    parse_bool,
    parse_choice,
    parse_credit_code,
    parse_date,
    parse_email,
    parse_field_tags,
    parse_int,
    parse_money_wan,
    parse_phone,
)

# --------------------------------------------------------------------------------------------------
# 统一社会信用代码
# --------------------------------------------------------------------------------------------------

# Written out from GB 32100-2015 table 2 / formula, independently of the implementation.
STANDARD_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
STANDARD_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

# Widely published codes of large companies; their check characters agree with the standard's formula
# (a random 18th character would agree with probability 1/31), which is what these tests rely on.
PUBLISHED_CODES = [
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "914403001922038216",  # 华为技术有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
]

first17s = st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17)


def reference_check_char(first17: str) -> str:
    remainder = (
        sum(STANDARD_ALPHABET.index(c) * w for c, w in zip(first17, STANDARD_WEIGHTS, strict=True)) % 31
    )
    return STANDARD_ALPHABET[0 if remainder == 0 else 31 - remainder]


def test_alphabet_is_the_standards():
    assert CREDIT_CODE_ALPHABET == STANDARD_ALPHABET
    assert not set("IOZSV") & set(CREDIT_CODE_ALPHABET)


@settings(database=None)
@given(first17s)
def test_check_char_agrees_with_reference_and_common_validator(first17):
    assert credit_code_check_char(first17) == reference_check_char(first17) == uscc_check_char(first17)


@settings(database=None)
@given(first17s)
def test_code_with_computed_check_char_always_parses(first17):
    code = first17 + credit_code_check_char(first17)
    assert parse_credit_code(code) == code
    # lower case, surrounding spaces and full-width forms are normalised to the same code
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    assert parse_credit_code(f"  {full_width}\u3000") == code


@settings(database=None)
@given(first17s, st.sampled_from(CREDIT_CODE_ALPHABET))
def test_any_other_check_char_fails_naming_the_expected_one(first17, wrong):
    expected = credit_code_check_char(first17)
    if wrong == expected:
        return
    with pytest.raises(CellError) as exc:
        parse_credit_code(first17 + wrong)
    assert exc.value.code == "credit_code_check"
    assert f"校验位应为“{expected}”，实际为“{wrong}”" in str(exc.value)


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_published_codes_pass(code):
    assert parse_credit_code(code) == code
    assert parse_credit_code(code.lower()) == code


def test_example_code_from_the_brief_has_a_wrong_check_char():
    # 91310000MA1FL5LD5M circulates as an example, but by the standard its check character is 9.
    with pytest.raises(CellError, match="校验位应为“9”，实际为“M”"):
        parse_credit_code("91310000MA1FL5LD5M")


@pytest.mark.parametrize(
    ("value", "fragment", "code"),
    [
        ("", "不能为空", "blank"),
        (None, "不能为空", "blank"),
        ("91440300708461136", "应为 18 位，当前为 17 位", "credit_code_length"),
        ("91440300708461136TT", "应为 18 位，当前为 19 位", "credit_code_length"),
        ("9144030070846113IT", "第 17 位“I”", "credit_code_char"),
        ("91440300708461136O", "第 18 位“O”", "credit_code_char"),
        ("9144030070846113ST", "不是允许的字符", "credit_code_char"),
        ("914403007084611-6T", "应为 18 位，当前为 17 位", "credit_code_length"),
        (9.14403001922038e17, "存成了数字", "credit_code_number"),
    ],
)
def test_credit_code_rejected(value, fragment, code):
    with pytest.raises(CellError) as exc:
        parse_credit_code(value)
    assert fragment in str(exc.value)
    assert exc.value.code == code


def test_credit_code_all_digit_integer_cell_is_accepted():
    assert parse_credit_code(914403001922038216) == "914403001922038216"


@pytest.mark.parametrize("bad", ["", "1234", "9144030070846113I", "91440300708461136T"])
def test_check_char_rejects_unnormalised_input(bad):
    with pytest.raises(ValueError):
        credit_code_check_char(bad)


# --------------------------------------------------------------------------------------------------
# Phone
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("86-13812345678", "13812345678"),
        ("008619912345678", "19912345678"),
        ("１３８１２３４５６７８", "13812345678"),
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),
        ("021-62345678", "021-62345678"),
        ("(021)62345678", "021-62345678"),
        ("（021）6234 5678", "021-62345678"),
        ("02162345678", "021-62345678"),
        ("010 62345678", "010-62345678"),
        ("0512-68881234", "0512-68881234"),
        ("051268881234", "0512-68881234"),
        ("0511-5123456", "0511-5123456"),
        ("0512-68881234-801", "0512-68881234-801"),
        ("0512 6888 1234 转 801", "0512-68881234-801"),
        ("021-62345678 分机 12", "021-62345678-12"),
        ("021-62345678 ext. 12", "021-62345678-12"),
        ("021-62345678#12", "021-62345678-12"),
        ("+86 21 62345678", "021-62345678"),
        ("+86-21-62345678-801", "021-62345678-801"),
        ("400-820-8820", "400-820-8820"),
        ("4008208820", "400-820-8820"),
        ("800 820 8820", "800-820-8820"),
    ],
)
def test_phone_accepted(value, expected):
    assert parse_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("62345678", "缺少区号"),
        ("12345", "格式不正确"),
        ("1381234567", "格式不正确"),  # 10 digits
        ("138123456789", "格式不正确"),  # 12 digits
        ("12812345678", "格式不正确"),  # no 12x mobile numbers
        ("021-12345678", "格式不正确"),  # local numbers do not start with 1
        ("13812345678转8", "格式不正确"),  # mobiles have no extension
        ("电话：13812345678", "无法识别的字符"),
        ("", "不能为空"),
    ],
)
def test_phone_rejected(value, fragment):
    with pytest.raises(CellError, match=fragment) as exc:
        parse_phone(value)
    if value:
        assert f"“{value}”" in str(exc.value)


# --------------------------------------------------------------------------------------------------
# E-mail
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("kw@Example.COM", "kw@example.com"),
        ("  Zhang.San@PTKW.sh.gov.cn ", "Zhang.San@ptkw.sh.gov.cn"),
        ("zhangsan＠example.com", "zhangsan@example.com"),
        ("mailto:info@example.org", "info@example.org"),
        ("first+tag@sub.example.cn", "first+tag@sub.example.cn"),
    ],
)
def test_email_accepted(value, expected):
    assert parse_email(value) == expected


@pytest.mark.parametrize(
    "value", ["zhangsan", "a@b", "a@@example.com", "张三 <a@example.com>", "a b@example.com"]
)
def test_email_rejected(value):
    with pytest.raises(CellError, match="邮箱地址“.*”格式不正确"):
        parse_email(value)


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------

JAN5 = datetime.date(2024, 1, 5)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (JAN5, JAN5),
        (datetime.datetime(2024, 1, 5, 13, 30), JAN5),
        (45296, JAN5),  # Excel serial
        (45296.75, JAN5),  # serial with a time of day
        (1, datetime.date(1900, 1, 1)),
        (59, datetime.date(1900, 2, 28)),
        (61, datetime.date(1900, 3, 1)),
        (20240105, JAN5),
        ("2024-01-05", JAN5),
        ("2024/1/5", JAN5),
        ("2024.1.5", JAN5),
        ("2024年1月5日", JAN5),
        ("2024 年 1 月 5 日", JAN5),
        ("2024年1月5号", JAN5),
        ("20240105", JAN5),
        ("２０２４年１月５日", JAN5),
        ("２０２４－０１－０５", JAN5),
        ("2024-01-05 00:00:00", JAN5),
        ("2024-01-05T08:30", JAN5),
        ("2024-02-29", datetime.date(2024, 2, 29)),
    ],
)
def test_date_accepted(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2024年2月30日", "日期“2024年2月30日”不存在"),
        ("2023-02-29", "日期“2023-02-29”不存在"),
        ("2024-13-01", "日期“2024-13-01”不存在"),
        ("20240230", "日期“20240230”不存在"),
        ("2024-1/5", "无法识别日期“2024-1/5”"),
        ("明年春天", "无法识别日期“明年春天”"),
        ("24-1-5", "无法识别日期"),
        (60, "不是有效的 Excel 日期"),  # Excel's fictitious 1900-02-29
        (0, "不是有效的 Excel 日期"),
        (-3, "不是有效的 Excel 日期"),
        (3_000_000, "不是有效的 Excel 日期"),
        (True, "不是日期"),
        ("", "不能为空"),
    ],
)
def test_date_rejected(value, fragment):
    with pytest.raises(CellError, match=fragment):
        parse_date(value)


@settings(database=None)
@given(st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)))
def test_excel_serial_round_trip(day):
    serial = (day - datetime.date(1899, 12, 30)).days
    assert parse_date(serial) == day
    assert parse_date(f"{day.year}年{day.month}月{day.day}日") == day
    assert parse_date(day.strftime("%Y%m%d")) == day


# --------------------------------------------------------------------------------------------------
# Money (万元)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("500万元", "500.00"),
        ("500 万", "500.00"),
        ("500万", "500.00"),
        ("1.2亿元", "12000.00"),
        ("1.2亿", "12000.00"),
        ("5,000,000元", "500.00"),
        ("5000000 元", "500.00"),
        ("￥300万", "300.00"),
        ("¥300万元", "300.00"),
        ("人民币300万元", "300.00"),
        ("RMB 12", "12.00"),
        ("300", "300.00"),
        ("１２万", "12.00"),
        ("3千万", "3000.00"),
        ("2百万元", "200.00"),
        ("800千元", "80.00"),
        ("0", "0.00"),
        (".5", "0.50"),
        ("12345元", "1.23"),
        ("12350元", "1.24"),  # half up
        (300, "300.00"),
        (0.1, "0.10"),
        (12.345, "12.35"),
        (Decimal("7.005"), "7.01"),
    ],
)
def test_money_accepted(value, expected):
    result = parse_money_wan(value)
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("-5", "不能为负数"),
        ("-5万元", "不能为负数"),
        ("－5万", "不能为负数"),
        (-1, "不能为负数"),
        ("1,5", "无法识别金额“1,5”"),
        ("五百万", "无法识别金额"),
        ("500美元", "单位“美元”无法识别"),
        ("约500万", "无法识别金额"),
        (float("nan"), "不是金额"),
        (True, "不是金额"),
        ("", "不能为空"),
    ],
)
def test_money_rejected(value, fragment):
    with pytest.raises(CellError, match=fragment):
        parse_money_wan(value)


# --------------------------------------------------------------------------------------------------
# Integers and booleans
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, 12),
        ("12", 12),
        (" 1,200 ", 1200),
        ("１２", 12),
        (12.0, 12),
        ("12.0", 12),
        ("-3", -3),
        (Decimal("4"), 4),
    ],
)
def test_int_accepted(value, expected):
    assert parse_int(value) == expected


@pytest.mark.parametrize(
    ("value", "kwargs", "fragment"),
    [
        ("12.5", {}, "不是整数"),
        (12.5, {}, "不是整数"),
        ("十二", {}, "不是整数"),
        ("1,20", {}, "不是整数"),
        (True, {}, "不是整数"),
        (float("inf"), {}, "不是整数"),
        ("", {}, "不能为空"),
        ("-1", {"min_value": 0}, "应不小于 0"),
        ("1000", {"max_value": 999}, "应不大于 999"),
    ],
)
def test_int_rejected(value, kwargs, fragment):
    with pytest.raises(CellError, match=fragment):
        parse_int(value, **kwargs)


def test_int_bounds_inclusive():
    assert parse_int("0", min_value=0, max_value=0) == 0


@pytest.mark.parametrize("value", ["是", "Y", "y", "yes", "TRUE", "true", "1", 1, 1.0, True, "√", "✓", "Ｙ"])
def test_bool_true(value):
    assert parse_bool(value) is True


@pytest.mark.parametrize("value", ["否", "N", "no", "FALSE", "0", 0, False, "×", "X", " 否 "])
def test_bool_false(value):
    assert parse_bool(value) is False


@pytest.mark.parametrize("value", ["可能", "2", 2, ""])
def test_bool_rejected(value):
    with pytest.raises(CellError, match="不能为空|无法识别为是或否"):
        parse_bool(value)


# --------------------------------------------------------------------------------------------------
# Choices
# --------------------------------------------------------------------------------------------------


class Kind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    UNIVERSITY = "university", "高校"
    INSTITUTE = "institute", "科研院所"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("企业", "enterprise"),
        (" 高校 ", "university"),
        ("ENTERPRISE", "enterprise"),
        ("Ｉｎｓｔｉｔｕｔｅ", "institute"),
    ],
)
def test_choice_by_label_or_value(value, expected):
    assert parse_choice(value, Kind) == expected
    assert parse_choice(value, Kind.choices) == expected


def test_choice_error_lists_allowed_labels():
    with pytest.raises(CellError) as exc:
        parse_choice("公司", Kind)
    assert "“公司”不是可选项" in str(exc.value)
    assert "企业、高校、科研院所" in str(exc.value)


def test_choice_blank_only_when_blank_is_a_value():
    assert parse_choice("", Level) == ""
    assert parse_choice("未定级", Level) == ""
    assert parse_choice("国家级", Level) == "national"
    with pytest.raises(CellError, match="不能为空"):
        parse_choice("  ", Kind)


def test_choice_label_wins_over_value_and_groups_are_flattened():
    choices = [("a", "b"), ("b", "c"), ("组", [("x", "甲")])]
    assert parse_choice("b", choices) == "a"
    assert parse_choice("甲", choices) == "x"


# --------------------------------------------------------------------------------------------------
# Cities
# --------------------------------------------------------------------------------------------------

PUTUO = SimpleNamespace(name="普陀区", short_name="普陀", slug="putuo")
SUZHOU = SimpleNamespace(name="苏州市", short_name="苏州", slug="suzhou")
NANJING = SimpleNamespace(name="南京市", short_name="南京", slug="nanjing")
PLAIN_CITIES = [PUTUO, SUZHOU, NANJING]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("苏州", SUZHOU),
        ("苏州市", SUZHOU),
        ("suzhou", SUZHOU),
        ("SuZhou", SUZHOU),
        (" ｓｕｚｈｏｕ\u3000", SUZHOU),
        ("江苏省苏州市", SUZHOU),
        ("上海市普陀区", PUTUO),
        ("上海普陀区", PUTUO),
        ("普陀", PUTUO),
        ("普陀区", PUTUO),
        ("南 京", NANJING),
    ],
)
def test_city_plain_objects(value, expected):
    assert normalise_city(value, PLAIN_CITIES) is expected


@pytest.mark.parametrize("value", ["杭州", "江苏省苏州市吴中区", "普陀山", "州"])
def test_city_unknown_lists_allowed_names(value):
    with pytest.raises(CellError) as exc:
        normalise_city(value, PLAIN_CITIES)
    assert f"未知的城市“{value}”" in str(exc.value)
    assert "普陀区、苏州市、南京市" in str(exc.value)


def test_city_province_prefix_must_match_when_known():
    putuo = SimpleNamespace(name="普陀区", short_name="普陀", slug="putuo", province="上海市")
    assert normalise_city("上海市普陀区", [putuo]) is putuo
    assert normalise_city("上海普陀", [putuo]) is putuo
    with pytest.raises(CellError, match="未知的城市"):
        normalise_city("舟山市普陀区", [putuo])  # Zhejiang has a 普陀区 too


def test_city_ambiguous():
    a = SimpleNamespace(name="泰州市", short_name="泰州", slug="taizhou")
    b = SimpleNamespace(name="台州市", short_name="台州", slug="taizhou-zj")
    c = SimpleNamespace(name="台州区", short_name="泰州", slug="x")
    assert normalise_city("台州", [a, b]) is b
    with pytest.raises(CellError, match="有多个匹配"):
        normalise_city("泰州", [a, c])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "slug"),
    [
        ("苏州", "suzhou"),
        ("苏州市", "suzhou"),
        ("上海市普陀区", "putuo"),
        ("普陀", "putuo"),
        ("江苏泰州", "taizhou"),
    ],
)
def test_city_real_rows(value, slug):
    from innomarket.regions.models import City

    assert normalise_city(value, City.objects.all()).slug == slug


# --------------------------------------------------------------------------------------------------
# Field tags
# --------------------------------------------------------------------------------------------------

AI = SimpleNamespace(name="人工智能", slug="ai", synonyms="AI、大模型、机器学习")
IC = SimpleNamespace(name="集成电路", slug="ic", synonyms="芯片、半导体")
BIO = SimpleNamespace(name="生物医药", slug="biomedicine", synonyms="创新药、生命健康")
HEALTH = SimpleNamespace(name="数智健康", slug="digital-health", synonyms="智慧医疗、生命健康")
TAGS = [AI, IC, BIO, HEALTH]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("人工智能", [AI]),
        ("人工智能、集成电路", [AI, IC]),
        ("集成电路,人工智能", [IC, AI]),
        ("人工智能，集成电路；生物医药", [AI, IC, BIO]),
        ("人工智能;集成电路/生物医药", [AI, IC, BIO]),
        ("人工智能\n集成电路\r\n数智健康", [AI, IC, HEALTH]),
        ("人工智能／集成电路", [AI, IC]),
        (" 人工智能 、、 ", [AI]),
        ("ai、IC", [AI, IC]),
        ("大模型、芯片", [AI, IC]),  # synonyms
        ("人工智能、AI、ai", [AI]),  # duplicates dropped
        ("", []),
        (None, []),
    ],
)
def test_field_tags_accepted(value, expected):
    assert parse_field_tags(value, TAGS) == expected


def test_field_tags_unknown_names_all_listed():
    with pytest.raises(CellError) as exc:
        parse_field_tags("人工智能、量子计算、区块链", TAGS)
    message = str(exc.value)
    assert "未知的领域：“量子计算”、“区块链”" in message
    assert "可选：人工智能、集成电路、生物医药、数智健康" in message


def test_field_tags_synonym_shared_by_two_tags_is_ambiguous():
    with pytest.raises(CellError, match="含义不明确的领域：“生命健康”"):
        parse_field_tags("生命健康", TAGS)


@pytest.mark.django_db
def test_field_tags_real_rows():
    from innomarket.taxonomy.models import FieldTag

    tags = parse_field_tags("人工智能、芯片，5G", FieldTag.objects.all())
    assert [t.slug for t in tags] == ["ai", "ic", "communications"]


# --------------------------------------------------------------------------------------------------
# Text and formulas
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("  普陀区科学技术委员会  ", "普陀区科学技术委员会"),
        ("\u3000全角空格\u3000", "全角空格"),
        ("a\u00a0b", "a b"),
        ("你好，世界！（测试）", "你好，世界！（测试）"),  # Chinese punctuation kept
        ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
        ("行尾空格   \n下一行", "行尾空格\n下一行"),
        ("Excel_x000D_\n换行", "Excel\n换行"),
        ("零\u200b宽\ufeff", "零宽"),
        ("控制\x07字符", "控制字符"),
        ("ＡＢＣ１２３", "ＡＢＣ１２３"),  # only spaces are NFKC-normalised
        (200001, "200001"),
        (200001.0, "200001"),
    ],
)
def test_clean_text(value, expected):
    assert clean_text(value) == expected


def test_clean_text_too_long_names_the_limit():
    assert clean_text("一二三", max_length=3) == "一二三"
    with pytest.raises(CellError, match="最多 3 个字符，当前 4 个"):
        clean_text("一二三四", max_length=3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.example","点击")', '\'=HYPERLINK("http://evil.example","点击")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("＝1+1", "'＝1+1"),
        ("普通文本", "普通文本"),
        ("a=b", "a=b"),
        ("13812345678", "13812345678"),
        ("", ""),
        ("'already", "'already"),
    ],
)
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_neutralise_formula_leaves_non_text_alone():
    assert neutralise_formula(-1) == -1
    assert neutralise_formula(None) is None


# --------------------------------------------------------------------------------------------------
# Shared behaviour
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "blank"), [(None, True), ("", True), (" \u3000\n", True), ("0", False), (0, False)]
)
def test_is_blank(value, blank):
    assert is_blank(value) is blank


def test_cell_error_is_a_value_error_with_the_message():
    exc = CellError("信息", code="x")
    assert isinstance(exc, ValueError)
    assert str(exc) == "信息"
    assert exc.code == "x"
