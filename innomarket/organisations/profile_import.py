"""经营数据 from Excel: an organisation imports its own figures, a city administrator those of many.

Reuses the intake machinery (``intake.readers.open_table`` decides the format by content and
streams rows; ``intake.validators`` parse money, integers, dates and text the same way every import
does). What differs from ``intake.services`` is the target: a profile is not a new listing waiting
for verification but figures of an organisation that already exists, found by its 统一社会信用代码
or name, so this module matches rows to organisations and updates their profiles.

Rules: the header is row 1 (a trailing * is ignored); a blank cell keeps the figure already on
record; figures that contradict each other (科技人员多于职工 …) are refused on their cell. Every
problem names its row and column as the user sees them (「第 3 行 第 E 列“营业收入（万元）”：…」).
``profile_import_commit`` writes nothing when any row has a problem, unless the user asks to keep
the valid rows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.intake.readers import ReadError, ReadErrorCode, open_table
from innomarket.intake.validators import (
    CellError,
    clean_text,
    is_blank,
    neutralise_formula,
    parse_credit_code,
    parse_date,
    parse_int,
    parse_money_wan,
)

from .models import Organisation, OrganisationProfile
from .services import PROFILE_FIELDS, profile_write

OWN_MAX_ROWS = 20  # an organisation's own file has one row; a little slack for notes typed below
ADMIN_MAX_ROWS = 5000  # validated and written within one request
_MONEY_LIMIT = Decimal(10) ** 12  # max_digits=14, decimal_places=2

CODE, NAME = "credit_code", "name"


@dataclass(frozen=True)
class ProfileColumn:
    header: str  # as written in the file: data, the same in every language
    field: str
    type: str  # "code", "name", "year", "date", "text", "int", "money"
    hint: str = ""


COLUMNS: tuple[ProfileColumn, ...] = (
    ProfileColumn("统一社会信用代码", CODE, "code", "18 位；用于找到机构（优先于名称）"),
    ProfileColumn("机构名称", NAME, "name", "与平台登记的全称一致；未填统一社会信用代码时据此找到机构"),
    ProfileColumn("数据年度", "year", "year", "如 2025"),
    ProfileColumn("成立日期", "founded_on", "date", "如 2020-03-01"),
    ProfileColumn("注册所在区县", "district", "text", "如 江北新区、工业园区"),
    ProfileColumn("职工总数（人）", "headcount", "int"),
    ProfileColumn("科技人员数（人）", "tech_staff", "int", "不多于职工总数"),
    ProfileColumn("营业收入（万元）", "revenue_wan", "money", "单位万元；也可写“1.2亿元”"),
    ProfileColumn("上一年营业收入（万元）", "revenue_prev_wan", "money"),
    ProfileColumn("研发费用（万元）", "rd_expense_wan", "money"),
    ProfileColumn("高新技术产品（服务）收入（万元）", "high_tech_revenue_wan", "money", "不多于营业收入"),
    ProfileColumn("资产总额（万元）", "total_assets_wan", "money"),
    ProfileColumn("有效知识产权（件）", "ip_total", "int"),
    ProfileColumn("其中发明专利（件）", "invention_patents", "int", "不多于有效知识产权总数"),
    ProfileColumn("其中Ⅰ类知识产权（件）", "class1_ip", "int"),
    ProfileColumn("研发人员数（人）", "rd_staff", "int", "不多于职工总数"),
    ProfileColumn("技术合同成交额（万元）", "tech_contract_wan", "money"),
    ProfileColumn("股权融资额（万元）", "equity_financing_wan", "money", "当年获得的股权投资"),
    ProfileColumn("省级以上研发机构（个）", "rd_institutions", "int"),
    ProfileColumn("省部级以上科技奖励（项）", "science_awards", "int", "近三年获得的"),
)
assert {c.field for c in COLUMNS if c.type not in ("code", "name")} == set(PROFILE_FIELDS)


@dataclass(frozen=True)
class Problem:
    row: int  # as the user sees it; the header is row 1
    column: str  # letter ("E"), "" for the whole row
    header: str
    value: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("第 %(row)d 行 第 %(col)s 列“%(header)s”：%(message)s") % {
                "row": self.row,
                "col": self.column,
                "header": self.header,
                "message": self.message,
            }
        return _("第 %(row)d 行：%(message)s") % {"row": self.row, "message": self.message}


@dataclass(frozen=True)
class ProfileRow:
    row: int
    organisation: Organisation
    values: dict[str, Any]  # profile field → new value; fields left blank are absent


@dataclass
class ProfileImport:
    total_rows: int = 0
    rows: list[ProfileRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        return len({p.row for p in self.problems})

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def _key(text: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split()).rstrip("*").casefold()


_BY_KEY = {_key(c.header): c for c in COLUMNS}
HEADERS = {c.field: c.header for c in COLUMNS}


def _match_header(header: list[str]) -> list[tuple[int, ProfileColumn]]:
    mapping: list[tuple[int, ProfileColumn]] = []
    seen: set[str] = set()
    unknown: list[str] = []
    for index, raw in enumerate(header):
        if not _key(raw):
            continue
        column = _BY_KEY.get(_key(raw))
        if column is None or column.field in seen:
            unknown.append(f"第 {get_column_letter(index + 1)} 列“{raw}”")
            continue
        seen.add(column.field)
        mapping.append((index, column))
    if unknown:
        raise ReadError(
            _("表头有无法识别或重复的列：%(names)s。请下载经营数据模板，按模板的列名填写。")
            % {"names": "、".join(unknown)},
            ReadErrorCode.BAD_HEADER,
        )
    if not any(c.field in PROFILE_FIELDS for _i, c in mapping):
        raise ReadError(_("表中没有任何经营数据列。请下载经营数据模板填写。"), ReadErrorCode.BAD_HEADER)
    return mapping


def _parse(column: ProfileColumn, value: Any) -> Any:
    t = column.type
    if t == "code":
        return parse_credit_code(value)
    if t in ("name", "text"):
        return clean_text(value, max_length=120 if t == "name" else 30)
    if t == "year":
        return parse_int(value, min_value=1949, max_value=2100)
    if t == "date":
        return parse_date(value)
    if t == "int":
        return parse_int(value, min_value=0, max_value=2_147_483_647)
    if t == "money":
        amount = parse_money_wan(value)
        if amount >= _MONEY_LIMIT:
            raise CellError(_("金额 %(value)s 万元过大。") % {"value": amount})
        return amount
    raise AssertionError(t)


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def profile_import_validate(
    *, actor: Any, fileobj: Any, organisation: Organisation | None = None
) -> ProfileImport:
    """Read ``fileobj`` (.xlsx or CSV) and check every row; nothing is written.

    With ``organisation``, the file is that organisation's own (the actor must be one of its members
    or administer its city): a row naming another organisation is a problem. Without it the actor is
    a city administrator (rows of their city only) or an alliance administrator, and each row names
    its organisation. Raises ``ReadError`` for a file that cannot be read as a whole and
    ``PermissionDenied``.
    """
    from innomarket.verification.services import can_edit

    if organisation is not None:
        if not can_edit(actor, organisation):
            raise PermissionDenied(_("只有本机构的成员可以导入经营数据。"))
        limit = OWN_MAX_ROWS
    else:
        if not (roles.is_alliance_admin(actor) or roles.is_city_admin(actor)):
            raise PermissionDenied(_("只有城市管理员或联盟管理员可以批量导入经营数据。"))
        limit = ADMIN_MAX_ROWS
    table = open_table(fileobj, limit_rows=limit)
    mapping = _match_header(table.header)
    fields = {c.field for _i, c in mapping}
    if organisation is None and not fields & {CODE, NAME}:
        raise ReadError(
            _("表中需要“统一社会信用代码”或“机构名称”列，用来找到每一行的机构。"), ReadErrorCode.BAD_HEADER
        )
    letters = {c.field: get_column_letter(i + 1) for i, c in mapping}
    headers = HEADERS
    report = ProfileImport()
    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, cells in table.rows:
        report.total_rows += 1
        row: dict[str, Any] = {}
        for index, column in mapping:
            value = cells[index]
            if is_blank(value):
                continue
            try:
                row[column.field] = _parse(column, value)
            except CellError as exc:
                report.problems.append(
                    Problem(number, letters[column.field], column.header, _shown(value), str(exc))
                )
        parsed.append((number, row))
    if report.total_rows == 0:
        raise ReadError(_("文件只有表头，没有数据行。"), ReadErrorCode.NO_ROWS)
    bad = {p.row for p in report.problems}
    targets = _organisations(parsed, bad, report, letters, actor=actor, own=organisation)
    profiles = {
        p.organisation_id: p
        for p in OrganisationProfile.objects.filter(organisation__in=[o.pk for o in targets.values()])
    }
    for number, row in parsed:
        org = targets.get(number)
        if org is None or number in bad:
            continue
        values = {name: row[name] for name in PROFILE_FIELDS if name in row}
        if not values:
            report.problems.append(Problem(number, "", "", "", _("这一行没有填写任何经营数据。")))
            continue
        problem = _contradiction(number, org, profiles.get(org.pk), values, letters, headers)
        if problem is not None:
            report.problems.append(problem)
            continue
        report.rows.append(ProfileRow(number, org, values))
    bad = {p.row for p in report.problems}
    report.rows = [r for r in report.rows if r.row not in bad]
    report.problems.sort(key=lambda p: (p.row, p.column))
    return report


def _organisations(
    parsed: list[tuple[int, dict[str, Any]]],
    bad: set[int],
    report: ProfileImport,
    letters: dict[str, str],
    *,
    actor: Any,
    own: Organisation | None,
) -> dict[int, Organisation]:
    """Row number → the organisation the row is about (two queries for the whole file)."""
    codes = {row[CODE] for _n, row in parsed if row.get(CODE)}
    names = {row[NAME] for _n, row in parsed if row.get(NAME) and not row.get(CODE)}
    by_code = {
        o.credit_code: o for o in Organisation.objects.filter(credit_code__in=codes).select_related("city")
    }
    by_name: dict[str, list[Organisation]] = {}
    for o in Organisation.objects.filter(name__in=names).select_related("city"):
        by_name.setdefault(o.name, []).append(o)
    own_city = roles.administered_city_id(actor)
    found: dict[int, Organisation] = {}
    first_row: dict[int, int] = {}

    def problem(number: int, name: str, value: Any, message: str) -> None:
        report.problems.append(Problem(number, letters.get(name, ""), HEADERS[name], _shown(value), message))

    for number, row in parsed:
        code, name = row.get(CODE), row.get(NAME)
        org: Organisation | None
        if own is not None:
            org = own
            if code and code != own.credit_code:
                problem(
                    number, CODE, code, _("不是本机构（%(name)s）的统一社会信用代码。") % {"name": own.name}
                )
                continue
            if name and not code and name != own.name:
                problem(number, NAME, name, _("不是本机构的名称（应为“%(name)s”）。") % {"name": own.name})
                continue
        elif code:
            org = by_code.get(code)
            if org is None:
                problem(number, CODE, code, _("平台上没有这个统一社会信用代码的机构。"))
                continue
        elif name:
            candidates = by_name.get(name, [])
            if own_city is not None and not roles.is_alliance_admin(actor):
                candidates = [o for o in candidates if o.city_id == own_city] or candidates
            if not candidates:
                problem(number, NAME, name, _("平台上没有这个名称的机构；请核对全称或填写统一社会信用代码。"))
                continue
            if len(candidates) > 1:
                problem(number, NAME, name, _("有多个同名机构，请填写统一社会信用代码。"))
                continue
            org = candidates[0]
        else:
            if number not in bad:
                report.problems.append(
                    Problem(
                        number, "", "", "", _("请填写统一社会信用代码或机构名称，以确定这一行是哪个机构。")
                    )
                )
            continue
        if own is None and not roles.can_administer_city(actor, org.city_id):
            column = CODE if code else NAME
            problem(
                number,
                column,
                code or name,
                _("“%(name)s”属于%(city)s，您只能导入本市机构的经营数据。")
                % {"name": org.name, "city": org.city},
            )
            continue
        if org.pk in first_row:
            report.problems.append(
                Problem(
                    number,
                    "",
                    "",
                    "",
                    _("与第 %(row)d 行是同一机构，每个机构只能有一行。") % {"row": first_row[org.pk]},
                )
            )
            continue
        first_row[org.pk] = number
        found[number] = org
    return found


def _contradiction(
    number: int,
    organisation: Organisation,
    current: OrganisationProfile | None,
    values: dict[str, Any],
    letters: dict[str, str],
    headers: dict[str, str],
) -> Problem | None:
    """The model's own checks (科技人员数不能多于职工总数 …) on the figures as they would be after the
    row is applied, located on the row's cell when the row holds the figure. No query."""
    profile = OrganisationProfile(organisation_id=organisation.pk)
    if current is not None:
        for name in PROFILE_FIELDS:
            setattr(profile, name, getattr(current, name))
    for name, value in values.items():
        setattr(profile, name, value)
    try:
        profile.clean_fields(exclude=["organisation"])
        profile.clean()
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            message = "；".join(errors)
            if name in letters:
                return Problem(number, letters[name], headers[name], _shown(values.get(name)), message)
            return Problem(number, "", "", "", message)
    return None


@transaction.atomic
def profile_import_commit(*, actor: Any, report: ProfileImport, keep_valid: bool = False) -> int:
    """Write the rows of a validated import in one transaction and return how many profiles changed.

    Any problem refuses the whole file (``ApplicationError``) unless ``keep_valid`` is given: then
    the valid rows are written and the others skipped. Each changed organisation gets its 免申即享
    push queued after the commit. The actor's right to each organisation is checked again.
    """
    from innomarket.verification.services import can_edit

    if report.problems and not keep_valid:
        raise ApplicationError(
            _(
                "有 %(rows)d 行数据有误（共 %(n)d 个问题），未导入任何数据。请修改后重新上传，或选择只导入正确的行。"
            )
            % {"rows": report.invalid_rows, "n": len(report.problems)},
            "import_invalid",
        )
    if not report.rows:
        raise ApplicationError(_("没有可以导入的数据行。"), "import_nothing")
    for row in report.rows:
        if not can_edit(actor, row.organisation):
            raise PermissionDenied(_("您无权修改“%(name)s”的经营数据。") % {"name": row.organisation.name})
    from innomarket.points.services import score_recompute_batch

    with score_recompute_batch():  # one 创新积分 recompute for the whole file
        for row in sorted(report.rows, key=lambda r: r.organisation.pk):  # lock in primary-key order
            profile_write(organisation=row.organisation, values=row.values)
    return len(report.rows)


def write_profile_template(target: str | IO[bytes], *, organisations: Sequence[Organisation] = ()) -> None:
    """The 经营数据 workbook: the header (with a hint on each column), one row per organisation in
    ``organisations`` filled with its current figures, and a 填写说明 sheet. Text cells are written
    through ``neutralise_formula``."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = "经营数据"
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = fill
        if column.hint:
            cell.comment = Comment(column.hint, "沿沪宁协同创新集市")
        sheet.column_dimensions[get_column_letter(index)].width = max(14, min(len(column.header) * 2 + 2, 34))
        if column.type == "code":
            for row in range(2, 502):
                sheet.cell(row=row, column=index).number_format = "@"  # or Excel shows 9.1E+17
    profiles = {
        p.organisation_id: p
        for p in OrganisationProfile.objects.filter(organisation__in=[o.pk for o in organisations])
    }
    for r, organisation in enumerate(organisations, start=2):
        profile = profiles.get(organisation.pk)
        for c, column in enumerate(COLUMNS, start=1):
            if column.field in (CODE, NAME):
                value: Any = getattr(organisation, column.field)
            else:
                value = getattr(profile, column.field, None) if profile is not None else None
            if isinstance(value, Decimal):
                value = float(value)
            if isinstance(value, str):
                value = neutralise_formula(value) or None
            sheet.cell(row=r, column=c, value=value)
            if column.type == "date" and value is not None:
                sheet.cell(row=r, column=c).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    guide = wb.create_sheet("填写说明")
    guide.append(["列名", "说明"])
    for column in COLUMNS:
        guide.append([column.header, column.hint or "选填"])
    for line in (
        "",
        "1. 第 1 行是表头，请勿修改列名；每个机构一行。",
        "2. 用统一社会信用代码（或机构全称）找到机构；金额单位为万元。",
        "3. 留空的单元格不改变平台上已有的数据。",
        "4. 任何一行有错误时默认不导入任何数据，并指出错误所在的行和列。",
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 60
    wb.save(target)
