"""What each importable kind looks like in a spreadsheet: its columns, in order.

A *kind* is the model's name in lower case (``organisation``, ``policy``, ``space`` … the fifteen
models of ``catalog.LISTING_TYPES``). Each column names its Chinese header (the same in every
language: files are exchanged between cities, so headers are data, not interface text), the model
field it fills, whether it is required, how a cell is parsed (``Column.type``, see ``services``),
an input hint and, for drop-downs, where its choices come from.

Six kinds have hand-ordered specs with their own headers and hints (organisation, policy, space,
achievement, challenge, expert); the others are generated from their model's fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection, models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from innomarket.catalog import LISTING_TYPES, ListingType

# Column types: how a cell becomes a value (services.CellParser) and how the template offers it.
TEXT = "text"
URL = "url"
CHOICE = "choice"
BOOL = "bool"
DATE = "date"
DATETIME = "datetime"
MONEY_WAN = "money_wan"  # amounts in 万元 (units 元/万元/亿元 accepted)
MONEY_YI = "money_yi"  # amounts in 亿元
DECIMAL = "decimal"
INT = "int"
CITY = "city"
TAGS = "tags"  # taxonomy.FieldTag, several per cell
ORG_TAGS = "org_tags"  # organisations.OrganisationTag, several per cell
OWNER = "owner"  # an organisation by 统一社会信用代码 or name
CREDIT_CODE = "credit_code"
PHONE = "phone"
EMAIL = "email"

# Fields every import fills itself, never from a column.
SYSTEM_FIELDS = {
    "id",
    "created_at",
    "updated_at",
    "status",
    "source",
    "last_verified_at",
    "status_reason",
    "is_sample",
    "created_by",
    "published_at",
    "user",
}


@dataclass(frozen=True)
class Column:
    header: str  # Chinese header as written in the file (without the required mark *)
    field: str  # model field (or "city", "owner", "fields", "tags")
    type: str
    required: bool = False
    hint: Any = ""  # lazily translated input hint (template comment and 填写说明)
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, Chinese label) for CHOICE
    min_value: int | None = None
    max_value: int | None = None
    max_digits: int | None = None
    decimal_places: int | None = None

    @property
    def marked_header(self) -> str:
        return f"{self.header}*" if self.required else self.header

    @property
    def is_relation(self) -> bool:
        return self.type in (CITY, OWNER, TAGS, ORG_TAGS)


@dataclass(frozen=True)
class KindSpec:
    kind: str  # model name in lower case
    listing_type: ListingType
    columns: tuple[Column, ...]
    # Pairs (lower, upper) of fields where lower must not exceed upper, with the message's names.
    ordered_pairs: tuple[tuple[str, str], ...] = ()
    label: Any = field(default="")

    @property
    def model(self) -> Any:
        return self.listing_type.model

    @property
    def type_key(self) -> str:
        return self.listing_type.key

    @property
    def title_field(self) -> str:
        return "name" if self.kind == "organisation" else "title"

    @property
    def has_owner(self) -> bool:
        return any(c.type == OWNER for c in self.columns)

    def column(self, field_name: str) -> Column | None:
        return next((c for c in self.columns if c.field == field_name), None)

    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def _zh(text: Any) -> str:
    with translation.override("zh-hans"):
        return str(text)


def _choices(model_field: models.Field) -> tuple[tuple[str, str], ...]:
    with translation.override("zh-hans"):
        return tuple((str(v), str(label)) for v, label in model_field.flatchoices)


def _int_bounds(model_field: models.Field) -> tuple[int | None, int | None]:
    low, high = connection.ops.integer_field_range(model_field.get_internal_type())
    for validator in model_field.validators:
        limit = getattr(validator, "limit_value", None)
        code = getattr(validator, "code", "")
        if isinstance(limit, int) and code == "min_value":
            low = limit if low is None else max(low, limit)
        if isinstance(limit, int) and code == "max_value":
            high = limit if high is None else min(high, limit)
    return low, high


def _column_for(
    model: Any,
    name: str,
    *,
    header: str | None = None,
    required: bool | None = None,
    hint: Any = None,
    type: str | None = None,  # noqa: A002 - mirrors Column.type
) -> Column:
    """A column for model field ``name``, its type, bounds and choices read from the field."""
    if name == "city":
        return Column(
            header or "所属城市",
            "city",
            CITY,
            required=True,
            hint=hint or _("填写城市全称或简称，如“苏州市”或“苏州”；从下拉列表选择"),
        )
    if name == "owner":
        return Column(
            header or "发布机构",
            "owner",
            OWNER,
            required=bool(required),
            hint=hint or _("已在平台登记的机构：填写统一社会信用代码或机构全称"),
        )
    if name == "fields":
        return Column(
            header or "领域/产业",
            "fields",
            TAGS,
            hint=hint or _("一个或多个领域，用顿号“、”分隔，如“人工智能、集成电路”"),
        )
    f = model._meta.get_field(name)
    blank_ok = f.blank or f.has_default()
    is_required = (not blank_ok) if required is None else required
    label = header or _zh(f.verbose_name)
    common: dict[str, Any] = {
        "required": is_required,
        "hint": hint if hint is not None else (f.help_text or ""),
    }
    if type is not None:
        pass
    elif f.choices:
        type = CHOICE
    elif isinstance(f, models.BooleanField):
        type = BOOL
    elif isinstance(f, models.DateTimeField):
        type = DATETIME
    elif isinstance(f, models.DateField):
        type = DATE
    elif isinstance(f, models.URLField):
        type = URL
    elif isinstance(f, models.EmailField):
        type = EMAIL
    elif isinstance(f, models.DecimalField):
        type = (
            MONEY_WAN
            if name.endswith("_wan") or "万元" in label
            else MONEY_YI
            if name.endswith("_yi")
            else DECIMAL
        )
    elif isinstance(f, models.IntegerField):
        type = INT
    else:
        type = TEXT
    if type == CHOICE:
        common["choices"] = _choices(f)
        if not common["hint"]:
            common["hint"] = _("从下拉列表选择")
    if type == INT:
        common["min_value"], common["max_value"] = _int_bounds(f)
    if type in (MONEY_WAN, MONEY_YI, DECIMAL):
        common["max_digits"], common["decimal_places"] = f.max_digits, f.decimal_places
        if not common["hint"] and type == MONEY_WAN:
            common["hint"] = _("单位万元；也可写“1.2亿元”“500万元”")
        if not common["hint"] and type == MONEY_YI:
            common["hint"] = _("单位亿元；也可写“5000万元”")
    if type == DATE and not common["hint"]:
        common["hint"] = _("如 2025-03-01 或 2025年3月1日")
    if type == DATETIME and not common["hint"]:
        common["hint"] = _("如 2025-03-01 14:00")
    if type == BOOL and not common["hint"]:
        common["hint"] = _("填“是”或“否”")
    if type == URL and not common["hint"]:
        common["hint"] = _("以 http:// 或 https:// 开头")
    max_length = getattr(f, "max_length", None) if type in (TEXT, URL, EMAIL, CREDIT_CODE, PHONE) else None
    return Column(label, name, type, max_length=max_length, **common)


def _spec(kind: str, listing_type: ListingType, entries: list[Any], **extra: Any) -> KindSpec:
    model = listing_type.model
    columns = []
    for entry in entries:
        name, options = (entry, {}) if isinstance(entry, str) else entry
        columns.append(_column_for(model, name, **options))
    return KindSpec(
        kind=kind, listing_type=listing_type, columns=tuple(columns), label=model._meta.verbose_name, **extra
    )


def _generic_entries(model: Any) -> list[Any]:
    """Columns of a kind without a hand-written spec: its editable concrete fields, in model order."""
    entries: list[Any] = []
    has_title = any(f.name == "title" for f in model._meta.fields)
    if has_title:
        header = "姓名" if model._meta.model_name == "techmanager" else "名称"
        entries.append(("title", {"header": header, "required": True}))
    entries.append("city")
    skip = SYSTEM_FIELDS | {"city", "title", "owner", "summary", "source_note"}
    for f in model._meta.get_fields():
        if not getattr(f, "concrete", False) or f.name in skip or not f.editable or f.auto_created:
            continue
        if f.is_relation:
            continue
        entries.append(f.name)
    if has_title:
        entries += ["summary", "fields", "owner"]
    entries.append("source_note")
    return entries


_HAND_WRITTEN: dict[str, list[Any]] = {
    "organisation": [
        ("name", {"header": "机构名称", "hint": _("机构全称，与营业执照或法人证书一致")}),
        ("short_name", {"header": "简称"}),
        ("kind", {"header": "机构类型"}),
        (
            "credit_code",
            {
                "header": "统一社会信用代码",
                "type": CREDIT_CODE,
                "hint": _("18 位，含校验位；请将此列设为文本格式，避免 Excel 改成数字"),
            },
        ),
        "city",
        ("address", {"header": "地址"}),
        ("website", {"header": "网站"}),
        "fields",
        (
            "tags",
            {"header": "资质与名单"},
        ),
        ("intro", {"header": "简介"}),
        ("source_note", {"header": "来源说明"}),
    ],
    "policy": [
        ("title", {"header": "政策名称", "required": True}),
        "city",
        ("issuer", {"header": "发文机关"}),
        ("document_number", {"header": "文号", "hint": _("如“苏府规〔2024〕3号”")}),
        ("level", {"header": "层级"}),
        ("support_type", {"header": "支持方式"}),
        ("issued_on", {"header": "发布日期"}),
        ("effective_from", {"header": "生效日期"}),
        ("effective_to", {"header": "截止日期", "hint": _("政策失效日期；过期后不再对外展示")}),
        ("summary", {"header": "简介"}),
        ("full_text", {"header": "全文"}),
        ("original_url", {"header": "原文链接"}),
        "fields",
        ("owner", {"header": "发布机构"}),
        ("source_note", {"header": "来源说明", "hint": _("如公开文件的文号与日期")}),
    ],
    "space": [
        ("title", {"header": "载体名称", "required": True}),
        "city",
        ("kind", {"header": "载体类型"}),
        ("level", {"header": "级别"}),
        ("address", {"header": "地址"}),
        ("area_m2", {"header": "面积（平方米）"}),
        ("vacant_area_m2", {"header": "可租面积（平方米）"}),
        ("services", {"header": "服务内容"}),
        ("rent_note", {"header": "租金与优惠"}),
        ("website", {"header": "网站"}),
        ("contact", {"header": "联系方式", "hint": _("联系人与电话，如“王老师 0512-68881234”")}),
        ("summary", {"header": "简介"}),
        "fields",
        ("owner", {"header": "运营机构"}),
        ("source_note", {"header": "来源说明"}),
    ],
    "achievement": [
        ("title", {"header": "成果名称", "required": True}),
        "city",
        ("kind", {"header": "成果类型", "hint": _("技术成果或论文/研究成果；不填为技术成果")}),
        ("abstract", {"header": "成果摘要"}),
        ("discipline", {"header": "学科"}),
        ("trl", {"header": "技术成熟度（TRL）", "hint": _("1–9 的整数")}),
        ("ip_status", {"header": "知识产权状态", "hint": _("从下拉列表选择；论文/研究成果留空")}),
        ("patent_numbers", {"header": "专利号", "hint": _("多个专利号用顿号分隔")}),
        ("transfer_mode", {"header": "转化方式"}),
        ("team", {"header": "成果团队"}),
        ("applications", {"header": "应用场景"}),
        ("price_note", {"header": "价格说明"}),
        ("external_ref", {"header": "外部编号", "hint": _("来源系统中的编号，便于核对")}),
        ("summary", {"header": "简介"}),
        "fields",
        ("owner", {"header": "持有机构"}),
        ("source_note", {"header": "来源说明"}),
    ],
    "challenge": [
        ("title", {"header": "榜单名称", "required": True}),
        "city",
        ("kind", {"header": "榜单类型"}),
        ("owner", {"header": "发榜机构"}),
        ("summary", {"header": "简介", "hint": _("公开展示的需求概述")}),
        ("problem_statement", {"header": "问题描述"}),
        ("indicators", {"header": "技术指标"}),
        ("acceptance_criteria", {"header": "验收标准"}),
        ("constraints", {"header": "约束条件"}),
        ("expected_trl", {"header": "期望技术成熟度", "hint": _("1–9 的整数")}),
        ("budget_min", {"header": "预算下限（万元）", "type": MONEY_WAN}),
        ("budget_max", {"header": "预算上限（万元）", "type": MONEY_WAN}),
        ("deadline", {"header": "揭榜截止日期"}),
        ("confidentiality", {"header": "保密等级"}),
        "fields",
        ("source_note", {"header": "来源说明"}),
    ],
    "expert": [
        ("title", {"header": "姓名", "required": True}),
        "city",
        ("professional_title", {"header": "职称", "hint": _("如“教授”“研究员”“高级工程师”")}),
        ("affiliation", {"header": "工作单位"}),
        ("expertise", {"header": "专业方向"}),
        ("accepts_evaluation", {"header": "接受评审邀请"}),
        ("summary", {"header": "简介"}),
        "fields",
        ("owner", {"header": "所属机构"}),
        ("source_note", {"header": "来源说明"}),
    ],
}

# (lower, upper): cross-field checks on a row.
_ORDERED_PAIRS: dict[str, tuple[tuple[str, str], ...]] = {
    "policy": (("effective_from", "effective_to"),),
    "space": (("vacant_area_m2", "area_m2"),),
    "challenge": (("budget_min", "budget_max"),),
    "financialproduct": (("amount_min_wan", "amount_max_wan"),),
    "event": (("starts_at", "ends_at"),),
    "cooperation": (("started_on", "ended_on"),),
}


@lru_cache(maxsize=1)
def _specs() -> dict[str, KindSpec]:
    specs: dict[str, KindSpec] = {}
    for listing_type in LISTING_TYPES.values():
        kind = listing_type.model._meta.model_name
        entries = _HAND_WRITTEN.get(kind) or _generic_entries(listing_type.model)
        specs[kind] = _spec(kind, listing_type, entries, ordered_pairs=_ORDERED_PAIRS.get(kind, ()))
    # Organisation tags are their own table, not field tags.
    org = specs["organisation"]
    specs["organisation"] = KindSpec(
        kind=org.kind,
        listing_type=org.listing_type,
        columns=tuple(
            Column(
                c.header,
                c.field,
                ORG_TAGS,
                hint=_("资质或名单，如“高新技术企业、专精特新”，用顿号分隔"),
            )
            if c.field == "tags"
            else c
            for c in org.columns
        ),
        ordered_pairs=org.ordered_pairs,
        label=org.label,
    )
    return specs


def kinds() -> list[str]:
    return list(_specs())


def get_spec(kind: str) -> KindSpec:
    """The spec of ``kind`` (model name in lower case; the catalogue keys product/financing/station too)."""
    key = (kind or "").strip().lower()
    specs = _specs()
    if key in specs:
        return specs[key]
    if key in LISTING_TYPES:
        return specs[LISTING_TYPES[key].model._meta.model_name]
    from innomarket.common.exceptions import ApplicationError

    raise ApplicationError(
        _("未知的导入类型“%(kind)s”，可选：%(kinds)s。") % {"kind": kind, "kinds": "、".join(specs)},
        "import_unknown_kind",
    )


def label(spec: KindSpec) -> str | Promise:
    return spec.label
