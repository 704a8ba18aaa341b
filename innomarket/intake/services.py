"""批量导入: validate a spreadsheet against a kind's spec, then commit it all-or-nothing.

``validate`` streams the file (``readers.open_table``), parses every cell with the kind's column
types (``validators``), checks required fields, cross-field order, duplicates inside the file and
against the database, and the actor's right to import into each row's city. It returns a ``Report``
(cleaned rows and every problem, with row numbers as the user sees them: the header is row 1).

``commit`` writes a report's rows in one transaction: ``bulk_create`` in batches, field tags through
the M2M tables in bulk, one ``StatusEvent`` per record; records land as 待核验 (submitted) from the
import source, in their city's verification queue. Any problem refuses the whole file unless
``keep_valid`` is asked for explicitly. Search-index work is queued once, after the commit
(``bulk_create`` sends no ``post_save``, so the matching signals do not see these rows).

Import jobs (``ImportJob``: the back office's upload → background validation → report → commit)
are at the end of this module.
"""

from __future__ import annotations

import datetime
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.audit.services import record_bulk_create
from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.common.validators import validate_http_url
from innomarket.organisations.models import Organisation, OrganisationTag
from innomarket.regions.models import City
from innomarket.taxonomy.models import FieldTag
from innomarket.verification.models import REASON_CREATED, Listing, Source, StatusEvent
from innomarket.verification.notices import queue_batch

from . import specs as s
from .readers import ReadError, ReadErrorCode, Table, open_table
from .specs import Column, KindSpec, get_spec
from .validators import (
    CellError,
    clean_text,
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

# Text that clean_text would change: white space other than a plain space (tabs, new lines, the
# ideographic and no-break spaces), control and zero-width characters, Excel's _x000D_, or white
# space at either end.
_NEEDS_CLEANING = re.compile(r"[^\S ]|[\x00-\x1f\x7f\u200b-\u200d\u2060\ufeff\u2028\u2029]|_x000D_|^\s|\s$")
PROGRESS_EVERY = 1000
COMMIT_BATCH = 2000
_LOOKUP_CHUNK = 500
_MAX_SHOWN_VALUE = 100

Progress = Callable[[int, int | None], None]


class ImportErrorCode:
    INVALID = "import_invalid"
    NOTHING = "import_nothing"
    NOT_ALLOWED = "permission_denied"


@dataclass(frozen=True)
class Problem:
    row: int  # as the user sees it in the sheet; the header is row 1
    column: str  # Chinese header ("" for a problem of the whole row)
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class Report:
    kind: str
    total_rows: int = 0
    valid: list[dict[str, Any]] = field(default_factory=list)  # cleaned rows; "_row" holds the row number
    problems: list[Problem] = field(default_factory=list)
    city_id: int | None = None  # forced city (--city, or the city administrator's own)
    headers: list[str] = field(default_factory=list)
    format: str = ""
    encoding: str = ""

    @property
    def invalid_rows(self) -> int:
        return len({p.row for p in self.problems})

    @property
    def valid_rows(self) -> int:
        return len(self.valid)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.valid)


@dataclass
class CommitResult:
    kind: str
    created: int
    skipped_rows: int
    ids: list[int]


# -- permission ----------------------------------------------------------------------------------


def resolve_city(value: City | str | int | None) -> City | None:
    """A ``City`` from a City, primary key, slug or Chinese name (苏州 / 苏州市 / suzhou)."""
    if value is None or value == "":
        return None
    if isinstance(value, City):
        return value
    if isinstance(value, int):
        return City.objects.get(pk=value)
    cities = list(City.objects.all())
    try:
        return normalise_city(value, cities)
    except CellError as exc:
        raise ApplicationError(str(exc), "import_unknown_city") from None


def _import_city(actor: Any, city: City | None) -> City | None:
    """The city an import is restricted to. ``actor=None`` is the command line (the system)."""
    if actor is None:
        return city
    if roles.is_alliance_admin(actor):
        return city
    own = roles.administered_city_id(actor)
    if own is None:
        raise PermissionDenied(_("只有城市管理员或联盟管理员可以批量导入数据。"))
    if city is not None and city.pk != own:
        raise PermissionDenied(
            _("城市管理员只能导入本市的数据，不能导入到“%(city)s”。") % {"city": city.name}
        )
    return City.objects.get(pk=own)


# -- cell parsing --------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and not value.time():
        value = value.date()
    text = str(value)
    return text if len(text) <= _MAX_SHOWN_VALUE else text[: _MAX_SHOWN_VALUE - 1] + "…"


def _key(value: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value)).casefold().split())


def _parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("“%(value)s”不是数字。") % {"value": value})
    try:
        number = Decimal(
            str(value)
            if isinstance(value, int | float | Decimal)
            else unicodedata.normalize("NFKC", str(value)).replace(",", "").strip()
        )
    except InvalidOperation:
        raise CellError(_("“%(value)s”不是数字。") % {"value": _shown(value)}) from None
    if not number.is_finite():
        raise CellError(_("“%(value)s”不是数字。") % {"value": _shown(value)})
    if number < 0:
        raise CellError(_("数值不能为负数（“%(value)s”）。") % {"value": _shown(value)})
    return number


def _parse_datetime(value: Any) -> datetime.datetime:
    moment: datetime.datetime | None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        moment = None
        if isinstance(value, str):
            text = unicodedata.normalize("NFKC", value).strip().replace("/", "-")
            try:
                moment = parse_datetime(text)
            except ValueError:
                moment = None
        if moment is None:
            day = parse_date(value)
            moment = datetime.datetime.combine(day, datetime.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _fits_digits(value: Decimal, column: Column) -> Decimal:
    if column.max_digits is None or column.decimal_places is None:
        return value
    quantised = value.quantize(Decimal(1).scaleb(-column.decimal_places))
    if quantised.adjusted() >= column.max_digits - column.decimal_places:
        raise CellError(_("数值 %(value)s 过大。") % {"value": value})
    return quantised


def _parse_url(value: Any, column: Column) -> str:
    text = clean_text(value, max_length=column.max_length)
    try:
        validate_http_url(text)
        from django.core.validators import URLValidator

        URLValidator()(text)
    except ValidationError:
        raise CellError(
            _("网址“%(value)s”格式不正确，应以 http:// 或 https:// 开头。") % {"value": _shown(value)}
        ) from None
    return text


class _Context:
    """Lookups loaded once per validation (cities, tags), and a memo of cells whose parse depends only
    on their value (choices, cities, tags, booleans): a 100,000-row file has few distinct values there."""

    MEMO_TYPES = frozenset({s.CHOICE, s.CITY, s.TAGS, s.ORG_TAGS, s.BOOL})

    def __init__(self) -> None:
        self.cities = list(City.objects.all())
        self.tags = list(FieldTag.objects.all())
        self.org_tags = list(OrganisationTag.objects.all())
        self.memo: dict[tuple[str, Any], Any] = {}

    def parse(self, column: Column, value: Any) -> Any:
        if column.type in self.MEMO_TYPES:
            key = (column.field, value if not isinstance(value, float) else repr(value))
            hit = self.memo.get(key, self)
            if hit is self:
                try:
                    hit = self._parse(column, value)
                except CellError as exc:
                    hit = exc
                self.memo[key] = hit
            if isinstance(hit, CellError):
                raise hit
            return hit
        return self._parse(column, value)

    def _parse(self, column: Column, value: Any) -> Any:  # noqa: C901 - one branch per column type
        t = column.type
        if t == s.TEXT:
            if (
                value.__class__ is str
                and not _NEEDS_CLEANING.search(value)
                and (column.max_length is None or len(value) <= column.max_length)
            ):
                return value  # what clean_text would return, without its per-character pass
            return clean_text(value, max_length=column.max_length)
        if t == s.CHOICE:
            return parse_choice(value, column.choices)
        if t == s.CITY:
            return normalise_city(value, self.cities).pk
        if t == s.TAGS:
            return [tag.pk for tag in parse_field_tags(value, self.tags)]
        if t == s.ORG_TAGS:
            return [tag.pk for tag in parse_field_tags(value, self.org_tags)]
        if t == s.BOOL:
            return parse_bool(value)
        if t == s.DATE:
            return parse_date(value)
        if t == s.DATETIME:
            return _parse_datetime(value)
        if t == s.MONEY_WAN:
            return _fits_digits(parse_money_wan(value), column)
        if t == s.MONEY_YI:
            return _fits_digits(parse_money_wan(value) / 10000, column)
        if t == s.DECIMAL:
            return _fits_digits(_parse_decimal(value), column)
        if t == s.INT:
            return parse_int(value, min_value=column.min_value, max_value=column.max_value)
        if t == s.CREDIT_CODE:
            return parse_credit_code(value)
        if t == s.PHONE:
            return parse_phone(value)
        if t == s.EMAIL:
            return parse_email(value)
        if t == s.URL:
            return _parse_url(value, column)
        if t == s.OWNER:
            return clean_text(value, max_length=200)  # resolved in bulk after the rows are read
        raise AssertionError(f"unknown column type {t}")


# -- validation ----------------------------------------------------------------------------------


def _match_header(spec: KindSpec, header: list[str]) -> list[tuple[int, Column]]:
    """Map the file's header to the spec's columns: a trailing * (or ＊) and spaces are ignored."""
    by_key = {_key(c.header): c for c in spec.columns}
    seen: dict[str, int] = {}
    mapping: list[tuple[int, Column]] = []
    unknown: list[str] = []
    duplicated: list[str] = []
    for index, raw in enumerate(header):
        name = unicodedata.normalize("NFKC", raw or "").strip().rstrip("*").strip()
        if not name:
            if any(h and str(h).strip() for h in header[index + 1 :]):
                unknown.append(_("第 %(n)d 列（空表头）") % {"n": index + 1})
            continue
        column = by_key.get(_key(name))
        if column is None:
            unknown.append(f"“{raw}”")
        elif column.field in seen:
            duplicated.append(f"“{raw}”")
        else:
            seen[column.field] = index
            mapping.append((index, column))
    missing = [c.marked_header for c in spec.columns if c.required and c.field not in seen]
    if missing or unknown or duplicated:
        parts = []
        if missing:
            parts.append(_("缺少必填列：%(names)s") % {"names": "、".join(f"“{m}”" for m in missing)})
        if unknown:
            parts.append(_("无法识别的列：%(names)s") % {"names": "、".join(unknown)})
        if duplicated:
            parts.append(_("重复的列：%(names)s") % {"names": "、".join(duplicated)})
        raise ReadError(
            _("表头与“%(kind)s”导入模板不一致（%(problems)s）。请下载最新模板，按模板的列名填写。")
            % {"kind": spec.label, "problems": "；".join(parts)},
            ReadErrorCode.BAD_HEADER,
            {"missing": missing, "unknown": unknown, "duplicated": duplicated},
        )
    return mapping


def validate(
    kind: str,
    fileobj: Any,
    *,
    city: City | str | None = None,
    actor: Any = None,
    progress: Progress | None = None,
    limit_bytes: int | None = None,
    limit_rows: int | None = None,
) -> Report:
    """Read and check ``fileobj`` (a path or binary file) as rows of ``kind``; nothing is written.

    ``city`` restricts the import to one city: rows naming another city are problems, rows without a
    city get it. A city administrator is always restricted to their city; ``actor=None`` is the
    command line. Raises ``ReadError`` when the file as a whole cannot be read (format, encoding,
    size, header, a row wider than the header, too many rows) and ``PermissionDenied``.
    """
    spec = get_spec(kind)
    forced = _import_city(actor, resolve_city(city))
    if isinstance(fileobj, str | os.PathLike):
        with open(fileobj, "rb") as handle:
            return validate(
                kind,
                handle,
                city=forced,
                actor=actor,
                progress=progress,
                limit_bytes=limit_bytes,
                limit_rows=limit_rows,
            )
    table = open_table(fileobj, limit_bytes=limit_bytes, limit_rows=limit_rows)
    return _validate_table(spec, table, forced=forced, actor=actor, progress=progress)


def _validate_table(
    spec: KindSpec, table: Table, *, forced: City | None, actor: Any, progress: Progress | None
) -> Report:
    mapping = _match_header(spec, table.header)
    report = Report(
        kind=spec.kind,
        city_id=forced.pk if forced else None,
        headers=table.header,
        format=table.format,
        encoding=table.encoding,
    )
    ctx = _Context()
    problems = report.problems
    parsed_rows: list[dict[str, Any]] = []
    bad_rows: set[int] = set()
    allowed_city = (
        None if actor is None or roles.is_alliance_admin(actor) else roles.administered_city_id(actor)
    )
    city_column = spec.column("city")
    city_header = city_column.header if city_column else ""
    city_names = {c.pk: c.name for c in ctx.cities}
    columns_present = {c.field for _i, c in mapping}
    required_absent = [c for c in spec.columns if c.required and c.field not in columns_present]
    pairs = spec.ordered_pairs
    headers = {c.field: c.header for c in spec.columns}
    ctx_parse = ctx.parse
    count = 0
    for number, cells in table.rows:
        count += 1
        row: dict[str, Any] = {"_row": number}
        row_ok = True
        for index, column in mapping:
            value = cells[index]
            if value is not None and not (value.__class__ is str and not value.strip()):
                try:
                    parsed = ctx_parse(column, value)
                except CellError as exc:
                    problems.append(Problem(number, column.header, _shown(value), str(exc)))
                    row_ok = False
                    continue
                if parsed != "" or column.type == s.CHOICE:
                    row[column.field] = parsed
                    continue
            if column.required and not (column.type == s.CITY and forced is not None):
                problems.append(Problem(number, column.header, "", _("此项为必填项，不能为空。")))
                row_ok = False
        for column in required_absent:  # the city column may be left out when the city is forced
            if not (column.type == s.CITY and forced is not None):
                problems.append(Problem(number, column.header, "", _("此项为必填项，不能为空。")))
                row_ok = False
        if forced is not None:
            city_id = row.get("city")
            if city_id is None:
                row["city"] = forced.pk
            elif city_id != forced.pk:
                problems.append(
                    Problem(
                        number,
                        city_header,
                        city_names.get(city_id, ""),
                        _("本次导入只能导入“%(city)s”的数据。") % {"city": forced.name},
                    )
                )
                row_ok = False
        elif allowed_city is not None and row.get("city") not in (None, allowed_city):
            problems.append(
                Problem(number, city_header, city_names.get(row["city"], ""), _("您只能导入本市的数据。"))
            )
            row_ok = False
        for low, high in pairs:
            a, b = row.get(low), row.get(high)
            if a is not None and b is not None and a > b:
                problems.append(
                    Problem(
                        number,
                        headers[high],
                        _shown(b),
                        _("“%(high)s”不能小于“%(low)s”（%(value)s）。")
                        % {"high": headers[high], "low": headers[low], "value": _shown(a)},
                    )
                )
                row_ok = False
        if not row_ok:
            bad_rows.add(number)
        parsed_rows.append(row)
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, table.estimated_rows)
    report.total_rows = count
    if count == 0:
        raise ReadError(_("文件只有表头，没有数据行。"), ReadErrorCode.NO_ROWS)
    _check_duplicates(spec, parsed_rows, bad_rows, problems)
    if spec.has_owner:
        _resolve_owners(spec, parsed_rows, bad_rows, problems)
    report.valid = [r for r in parsed_rows if r["_row"] not in bad_rows]
    problems.sort(key=lambda p: p.row)
    if progress is not None:
        progress(count, count)
    return report


def _check_duplicates(
    spec: KindSpec, rows: list[dict[str, Any]], bad_rows: set[int], problems: list[Problem]
) -> None:
    """Same 统一社会信用代码, or same name/title in the same city: inside the file (the first occurrence
    is kept) and against the database."""
    model = spec.model
    title = spec.title_field
    title_column = spec.column(title)
    title_header = title_column.header if title_column else title
    seen_title: dict[tuple[str, int], int] = {}
    seen_code: dict[str, int] = {}
    for row in rows:
        number = row["_row"]
        if title in row and "city" in row:
            key = (_key(row[title]), row["city"])
            first = seen_title.setdefault(key, number)
            if first != number:
                problems.append(
                    Problem(
                        number,
                        title_header,
                        _shown(row[title]),
                        _("与第 %(row)d 行重复（同一城市的名称相同）。") % {"row": first},
                    )
                )
                bad_rows.add(number)
        code = row.get("credit_code")
        if code:
            first = seen_code.setdefault(code, number)
            if first != number:
                problems.append(
                    Problem(
                        number,
                        spec.column("credit_code").header,  # type: ignore[union-attr]
                        code,
                        _("与第 %(row)d 行重复（统一社会信用代码相同）。") % {"row": first},
                    )
                )
                bad_rows.add(number)
    # Against the database.
    if seen_code:
        code_header = spec.column("credit_code").header  # type: ignore[union-attr]
        existing: dict[str, str] = {}
        codes = list(seen_code)
        for start in range(0, len(codes), _LOOKUP_CHUNK):
            existing.update(
                Organisation.objects.filter(credit_code__in=codes[start : start + _LOOKUP_CHUNK]).values_list(
                    "credit_code", "name"
                )
            )
        for code, name in existing.items():
            number = seen_code[code]
            problems.append(
                Problem(
                    number,
                    code_header,
                    code,
                    _("平台上已有该统一社会信用代码的机构“%(name)s”。") % {"name": name},
                )
            )
            bad_rows.add(number)
    if seen_title:
        by_city: dict[int, list[str]] = {}
        for row in rows:
            if (
                title in row
                and "city" in row
                and seen_title.get((_key(row[title]), row["city"])) == row["_row"]
            ):
                by_city.setdefault(row["city"], []).append(row[title])
        found: set[tuple[str, int]] = set()
        for city_id, names in by_city.items():
            for start in range(0, len(names), _LOOKUP_CHUNK):
                for name in model.objects.filter(
                    city_id=city_id, **{f"{title}__in": names[start : start + _LOOKUP_CHUNK]}
                ).values_list(title, flat=True):
                    found.add((_key(name), city_id))
        for key in found:
            number = seen_title[key]
            problems.append(
                Problem(
                    number, title_header, "", _("平台上该城市已有同名的%(kind)s。") % {"kind": spec.label}
                )
            )
            bad_rows.add(number)


def _resolve_owners(
    spec: KindSpec, rows: list[dict[str, Any]], bad_rows: set[int], problems: list[Problem]
) -> None:
    """发布机构 by 统一社会信用代码 or name; a name used by organisations in several cities resolves to
    the one in the row's city, else it is ambiguous."""
    column = spec.column("owner")
    assert column is not None
    wanted = {row["owner"] for row in rows if row.get("owner")}
    if not wanted:
        return
    values = list(wanted)
    by_code: dict[str, int] = {}
    by_name: dict[str, list[tuple[int, int]]] = {}
    codes = [v.upper() for v in values if len(v) == 18 and v.isalnum()]
    for start in range(0, len(codes), _LOOKUP_CHUNK):
        by_code.update(
            Organisation.objects.filter(credit_code__in=codes[start : start + _LOOKUP_CHUNK]).values_list(
                "credit_code", "pk"
            )
        )
    for start in range(0, len(values), _LOOKUP_CHUNK):
        for name, org_pk, city_id in Organisation.objects.filter(
            name__in=values[start : start + _LOOKUP_CHUNK]
        ).values_list("name", "pk", "city_id"):
            by_name.setdefault(name, []).append((org_pk, city_id))
    for row in rows:
        value = row.get("owner")
        if not value:
            continue
        pk: int | None = by_code.get(value.upper())
        if pk is None:
            candidates = by_name.get(value, [])
            local = [c for c in candidates if c[1] == row.get("city")]
            if len(candidates) == 1:
                pk = candidates[0][0]
            elif len(local) == 1:
                pk = local[0][0]
            elif candidates:
                problems.append(
                    Problem(
                        row["_row"],
                        column.header,
                        value,
                        _("有多个同名机构，请改填该机构的统一社会信用代码。"),
                    )
                )
                bad_rows.add(row["_row"])
                continue
        if pk is None:
            problems.append(
                Problem(
                    row["_row"],
                    column.header,
                    value,
                    _("平台上没有找到这个机构；请先登记或导入该机构，或填写其统一社会信用代码。"),
                )
            )
            bad_rows.add(row["_row"])
            continue
        row["owner"] = pk


# -- commit --------------------------------------------------------------------------------------


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def commit(
    report: Report,
    *,
    actor: Any = None,
    keep_valid: bool = False,
    batch_size: int = COMMIT_BATCH,
    progress: Progress | None = None,
) -> CommitResult:
    """Write the valid rows of ``report`` in one transaction (all or nothing).

    With problems in the report nothing is written and ``ApplicationError`` (``import_invalid``) is
    raised, unless ``keep_valid`` is given: then the valid rows are written and the others skipped.
    Records get status 待核验 (their workflow's ``submitted``), source 批量导入, a ``StatusEvent`` each
    and, for listings, ``created_by=actor``. The actor's right to each row's city is checked again.
    Each city's administrators (but the actor) get one notification of what entered their queue.
    """
    spec = get_spec(report.kind)
    if report.problems and not keep_valid:
        raise ApplicationError(
            _(
                "有 %(rows)d 行数据有误（共 %(n)d 个问题），未导入任何数据。请修改后重新上传，或选择只导入正确的行。"
            )
            % {"rows": report.invalid_rows, "n": len(report.problems)},
            ImportErrorCode.INVALID,
            {"invalid_rows": report.invalid_rows, "problems": len(report.problems)},
        )
    if not report.valid:
        raise ApplicationError(_("没有可以导入的数据行。"), ImportErrorCode.NOTHING)
    if actor is not None:
        for city_id in {row["city"] for row in report.valid}:
            if not roles.can_administer_city(actor, city_id):
                raise PermissionDenied(_("您无权向该城市导入数据。"))
    model = spec.model
    status = model.WORKFLOW.submitted
    is_listing = issubclass(model, Listing)
    user = actor if getattr(actor, "is_authenticated", False) else None
    actor_id = user.pk if user is not None else None
    content_type = ContentType.objects.get_for_model(model)
    m2m = [(c.field, model._meta.get_field(c.field)) for c in spec.columns if c.type in (s.TAGS, s.ORG_TAGS)]
    scalar_fields = [c.field for c in spec.columns if c.type not in (s.TAGS, s.ORG_TAGS, s.CITY, s.OWNER)]
    ids: list[int] = []
    total = len(report.valid)
    from innomarket.matching.services import indexing_suspended

    with indexing_suspended(), transaction.atomic():
        for chunk in _chunks(report.valid, batch_size):
            now = timezone.now()
            objects = []
            for row in chunk:
                values = {name: row[name] for name in scalar_fields if name in row}
                values["city_id"] = row["city"]
                if "owner" in row:
                    values["owner_id"] = row["owner"]
                obj = model(**values, status=status, source=Source.IMPORT, created_at=now)
                if is_listing:
                    obj.created_by = user
                objects.append(obj)
            model.objects.bulk_create(objects, batch_size=batch_size)
            for name, m2m_field in m2m:
                _insert_rows(
                    m2m_field.remote_field.through,
                    [m2m_field.m2m_column_name(), m2m_field.m2m_reverse_name()],
                    [
                        (obj.pk, target)
                        for obj, row in zip(objects, chunk, strict=True)
                        for target in row.get(name, ())
                    ],
                )
            created_at = connection.ops.adapt_datetimefield_value(now)
            _insert_rows(
                StatusEvent,
                [
                    "content_type_id",
                    "object_id",
                    "actor_id",
                    "from_status",
                    "to_status",
                    "reason",
                    "created_at",
                ],
                [
                    (content_type.pk, obj.pk, actor_id, "", status, REASON_CREATED, created_at)
                    for obj in objects
                ],
            )
            record_bulk_create(model, objects, user, reason=_("批量导入"), batch_size=batch_size)
            ids.extend(obj.pk for obj in objects)
            if progress is not None:
                progress(len(ids), total)
        # One summary per city for its administrators: the file's rows are now in their queue.
        with queue_batch(
            description=_("批量导入%(kind)s") % {"kind": spec.label}, actor=user, source=Source.IMPORT
        ) as batch:
            batch.add_counts(spec.type_key, dict(Counter(row["city"] for row in report.valid)))
        transaction.on_commit(partial(_schedule_index, spec.type_key, list(ids)))
    return CommitResult(kind=spec.kind, created=len(ids), skipped_rows=report.invalid_rows, ids=ids)


def _insert_rows(model: Any, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Plain executemany INSERTs for rows whose keys we do not need back (M2M links, status events):
    building a model instance per row costs more than the insert itself. Values must already be in
    their database form."""
    if not rows:
        return
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - table and column names from the model
        qn(model._meta.db_table), ", ".join(qn(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, COMMIT_BATCH):
            cursor.executemany(sql, chunk)


def _schedule_index(type_key: str, ids: list[int]) -> None:
    """The matching index's bulk path: one task per 1,000 records, after the commit. (Submitted
    records are not public, so this only matters if the index ever held these keys; verifying them
    later re-indexes them through the signals.)"""
    from innomarket.matching.models import document_key
    from innomarket.matching.tasks import index_records_task

    for chunk in _chunks(ids, 1000):
        index_records_task.enqueue([document_key(type_key, pk) for pk in chunk])


# -- import jobs (back office) -------------------------------------------------------------------


def import_job_create(*, actor: Any, kind: str, upload: File, city: City | str | None = None) -> Any:
    """Store an uploaded file as an ``ImportJob`` and queue its validation after the commit."""
    from .models import ImportJob
    from .tasks import validate_job_task

    spec = get_spec(kind)
    if actor is None or not (roles.is_alliance_admin(actor) or roles.is_city_admin(actor)):
        raise PermissionDenied(_("只有城市管理员或联盟管理员可以批量导入数据。"))
    forced = _import_city(actor, resolve_city(city))
    size = getattr(upload, "size", None)
    from .readers import max_bytes

    if size is not None and size > max_bytes():
        raise ReadError(
            _("文件大小为 %(size).1f MB，超过上限 %(limit)d MB；请拆分成几个文件分别导入。")
            % {"size": size / 1024 / 1024, "limit": max_bytes() // 1024 // 1024},
            ReadErrorCode.TOO_LARGE,
        )
    with transaction.atomic():
        job = ImportJob(
            kind=spec.kind,
            city=forced,
            uploaded_by=actor,
            original_name=os.path.basename(getattr(upload, "name", "") or "")[:200],
        )
        job.file.save(job.original_name or "import", upload, save=False)
        job.save()
        transaction.on_commit(partial(validate_job_task.enqueue, job.pk))
    return job


def _job_progress(job_id: int) -> Progress:
    from .models import ImportJob

    def update(done: int, total: int | None) -> None:
        values: dict[str, Any] = {"processed_rows": done, "updated_at": timezone.now()}
        if total is not None:
            values["total_rows"] = max(total, done)
        ImportJob.objects.filter(pk=job_id).update(**values)

    return update


def _job_validate(job: Any) -> Report:
    with job.file.open("rb") as handle:
        return validate(
            job.kind,
            handle,
            city=job.city,
            actor=job.uploaded_by,
            progress=_job_progress(job.pk),
        )


def job_validate(*, job_id: int) -> Any:
    """Run a job's validation (background task): pending → validating → validated | invalid.

    Idempotent: a task run again after its worker died starts the validation over; a job that has
    moved on (validated, committed, failed) is left as it is. An unexpected error fails the job
    visibly (重新导入) instead of leaving it 校验中."""
    from .models import ImportJob

    job = ImportJob.objects.select_related("uploaded_by", "city").get(pk=job_id)
    if job.status not in (ImportJob.Status.PENDING, ImportJob.Status.VALIDATING):
        return job
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.VALIDATING, started_at=timezone.now(), processed_rows=0
    )
    try:
        report = _job_validate(job)
    except ApplicationError as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.INVALID, error=str(exc), finished_at=timezone.now()
        )
        return ImportJob.objects.get(pk=job.pk)
    except Exception:
        _job_failed(
            job.pk,
            stage="validate",
            reason=str(_("校验时后台处理出错，未导入任何数据。请点击“重新导入”再试。")),
        )
        raise
    job.refresh_from_db()
    job.record_report(report)
    job.status = ImportJob.Status.VALIDATED if report.ok else ImportJob.Status.INVALID
    job.finished_at = timezone.now()
    job.save()
    return job


def _require_job_actor(actor: Any, job: Any) -> None:
    if not (
        roles.is_alliance_admin(actor) or (job.city_id and roles.can_administer_city(actor, job.city_id))
    ) and job.uploaded_by_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("您无权提交这次导入。"))


def import_job_commit(*, actor: Any, job: Any, keep_valid: bool = False) -> Any:
    """The user confirms: queue the commit of a validated job (or, with ``keep_valid``, of the valid
    rows of an invalid one). The commit re-reads and re-validates the stored file."""
    from .models import ImportJob
    from .tasks import commit_job_task

    _require_job_actor(actor, job)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        allowed = locked.status == ImportJob.Status.VALIDATED or (
            keep_valid and locked.status == ImportJob.Status.INVALID and locked.valid_rows > 0
        )
        if not allowed:
            raise ApplicationError(
                _("这次导入当前为“%(status)s”，不能提交。") % {"status": locked.get_status_display()},
                "import_not_committable",
            )
        locked.status = ImportJob.Status.COMMITTING
        locked.keep_valid = keep_valid
        locked.error = ""
        locked.save(update_fields=["status", "keep_valid", "error", "updated_at"])
        transaction.on_commit(partial(commit_job_task.enqueue, locked.pk, keep_valid))
    return locked


def job_commit(*, job_id: int, keep_valid: bool) -> Any:
    """Background commit: validate the stored file again (it may not have changed behind our back),
    then commit; committing → committed | failed.

    The rows and the job's 已导入 status are written in one transaction, so a worker killed at any
    point leaves either both or neither; the task, re-queued, runs this again from the start, and a
    job found already committed is not imported twice."""
    from .models import ImportJob

    job = ImportJob.objects.select_related("uploaded_by", "city").get(pk=job_id)
    if job.status != ImportJob.Status.COMMITTING:
        return job
    try:
        report = _job_validate(job)
        job.record_report(report)
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status != ImportJob.Status.COMMITTING:  # another run got there first
                return locked
            result = commit(report, actor=job.uploaded_by, keep_valid=keep_valid)
            job.status = ImportJob.Status.COMMITTED
            job.created_count = result.created
            job.failed_stage = ""
            job.finished_at = timezone.now()
            job.save()
    except ApplicationError as exc:
        job.status = ImportJob.Status.FAILED
        job.error = str(exc)
        job.failed_stage = "commit"
        job.finished_at = timezone.now()
        job.save()
        return job
    except Exception:
        _job_failed(
            job.pk,
            stage="commit",
            reason=str(_("导入时后台处理出错，未导入任何数据。请点击“重新导入”再试。")),
        )
        raise
    return job


# -- jobs whose task died, and 重新导入 ------------------------------------------------------------

JOB_TASKS = ("innomarket.intake.tasks.validate_job_task", "innomarket.intake.tasks.commit_job_task")
WORKER_LOST = "innomarket.ops.workers.WorkerLost"


def _job_failed(job_id: int, *, stage: str, reason: str) -> int:
    """Fail a job that is still running (pending, validating, committing); returns 1 if it was."""
    from .models import ImportJob

    running = (ImportJob.Status.PENDING, ImportJob.Status.VALIDATING, ImportJob.Status.COMMITTING)
    return ImportJob.objects.filter(pk=job_id, status__in=running).update(
        status=ImportJob.Status.FAILED,
        error=reason,
        failed_stage=stage,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _task_job_id(row: Any) -> int | None:
    args = (row.args_kwargs or {}).get("args") or []
    kwargs = (row.args_kwargs or {}).get("kwargs") or {}
    value = args[0] if args else kwargs.get("job_id")
    return value if isinstance(value, int) else None


def import_jobs_recover(*, now: datetime.datetime | None = None) -> int:
    """Fail, visibly, every running import job that nothing will finish any more: its last task
    failed (its worker died too often, or it raised), or no task is queued or running for it and
    it has not moved for ``IMPORT_STALE_MINUTES``. Returns how many jobs were failed.

    A job whose task was re-queued after its worker died is left running: the task will redo it."""
    from django.apps import apps

    from .models import ImportJob

    now = now or timezone.now()
    running = (ImportJob.Status.PENDING, ImportJob.Status.VALIDATING, ImportJob.Status.COMMITTING)
    jobs = list(ImportJob.objects.filter(status__in=running).values_list("pk", "status", "updated_at"))
    if not jobs:
        return 0
    latest: dict[int, Any] = {}
    if apps.is_installed("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        for row in DBTaskResult.objects.filter(task_path__in=JOB_TASKS).order_by("enqueued_at"):
            job_id = _task_job_id(row)
            if job_id is not None:
                latest[job_id] = row  # the newest run of each job's task wins
    stale_before = now - datetime.timedelta(minutes=settings.INNOMARKET_RECOVERY["IMPORT_STALE_MINUTES"])
    failed = 0
    for pk, status, updated_at in jobs:
        stage = "commit" if status == ImportJob.Status.COMMITTING else "validate"
        task = latest.get(pk)
        if task is not None and task.status in ("READY", "RUNNING"):
            continue
        if task is not None and task.status == "FAILED":
            if task.exception_class_path == WORKER_LOST:
                reason = _(
                    "后台处理进程意外中断，已执行 %(n)d 次均未完成，本次未导入任何数据。请点击“重新导入”再试。"
                ) % {"n": len(task.worker_ids)}
            else:
                reason = _("后台处理出错，本次未导入任何数据。请点击“重新导入”再试。")
        elif updated_at < stale_before:
            reason = _(
                "后台任务已中断（超过 %(m)d 分钟没有进展），本次未导入任何数据。请点击“重新导入”再试。"
            ) % {"m": settings.INNOMARKET_RECOVERY["IMPORT_STALE_MINUTES"]}
        else:
            continue
        failed += _job_failed(pk, stage=stage, reason=str(reason))
    return failed


def import_job_retry(*, actor: Any, job: Any) -> Any:
    """重新导入: start a failed job's step again with the stored file (validation, or the commit with
    the same choice of rows); the commit re-validates, so a file that has become invalid meanwhile
    still writes nothing."""
    from .models import ImportJob
    from .tasks import commit_job_task, validate_job_task

    _require_job_actor(actor, job)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != ImportJob.Status.FAILED:
            raise ApplicationError(
                _("这次导入当前为“%(status)s”，只有导入失败的任务可以重新导入。")
                % {"status": locked.get_status_display()},
                "import_not_retryable",
            )
        committing = locked.failed_stage == "commit"
        locked.status = ImportJob.Status.COMMITTING if committing else ImportJob.Status.PENDING
        locked.error = ""
        locked.failed_stage = ""
        locked.finished_at = None
        locked.processed_rows = 0
        locked.save(
            update_fields=["status", "error", "failed_stage", "finished_at", "processed_rows", "updated_at"]
        )
        if committing:
            transaction.on_commit(partial(commit_job_task.enqueue, locked.pk, locked.keep_valid))
        else:
            transaction.on_commit(partial(validate_job_task.enqueue, locked.pk))
    return locked
