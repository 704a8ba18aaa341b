"""Excel exports of the three lists (三张清单): one workbook per list and city, one sheet per tense.

Every text cell goes through ``neutralise_formula`` so that a title such as ``=HYPERLINK(…)`` is
stored as text and never runs as a formula; dates are real Excel dates. The last sheet, 说明,
states the filter, the time of export and the rules of the three tenses.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from innomarket.intake.validators import neutralise_formula
from innomarket.regions.models import City

from .selectors import ListRow, list_rows, partner_city_names, present_rows
from .three_lists import PHASE_LABELS, PHASES, ThreeList

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
BATCH = 2000  # rows fetched per query while writing a sheet


def headers(three_list: ThreeList) -> list[str]:
    columns = [
        _("序号"),
        _("名称"),
        _("类别"),
        _("类型"),
        _("所属城市"),
        _("状态"),
        _("开始/发布日期"),
        _("截止/结束日期"),
        _("最近核验日期"),
        _("详情链接"),
    ]
    if three_list.source_has_partner_cities:
        columns.insert(5, _("合作城市"))
    return columns


def _text(value: Any) -> str:
    return neutralise_formula(str(value)) if value not in (None, "") else ""


def _date_cell(sheet: Worksheet, value: dt.date | None) -> Any:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = DATE_FORMAT
    return cell


def _row_cells(
    sheet: Worksheet,
    n: int,
    row: ListRow,
    partners: dict[int, list[str]] | None,
    absolute: Callable[[str], str],
) -> list[Any]:
    cells = [
        n,
        _text(row.title),
        _text(row.category),
        _text(row.kind),
        _text(row.city),
        _text(row.status),
        _date_cell(sheet, row.start),
        _date_cell(sheet, row.end),
        _date_cell(sheet, row.verified),
        _text(absolute(row.url)),
    ]
    if partners is not None:
        cells.insert(5, _text(_("、").join(partners.get(row.pk, []))))
    return cells


def _header_row(sheet: Worksheet, names: Iterable[str]) -> list[WriteOnlyCell]:
    row = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=_text(name))
        cell.font = Font(bold=True)
        row.append(cell)
    return row


def build_workbook(
    three_list: ThreeList,
    *,
    city: City | None = None,
    absolute: Callable[[str], str] = lambda path: path,
    today: dt.date | None = None,
) -> bytes:
    """The .xlsx bytes of one list (public records only): sheets 过去时, 进行时, 未来时 and 说明.

    ``absolute`` turns a site path into the link written in 详情链接 (the view passes
    ``request.build_absolute_uri``). Rows are read in batches of ``BATCH``; the workbook is written
    in openpyxl's write-only mode so memory stays flat.
    """
    today = today or timezone.localdate()
    workbook = Workbook(write_only=True)
    columns = headers(three_list)
    for phase in PHASES:
        sheet = workbook.create_sheet(title=str(PHASE_LABELS[phase]))
        sheet.freeze_panes = "A2"
        widths = {
            "A": 6,
            "B": 48,
            "C": 10,
            "D": 16,
            "E": 10,
            "F": 12,
            "G": 14,
            "H": 14,
            "I": 14,
            "J": 48,
            "K": 48,
        }
        for letter, width in widths.items():
            sheet.column_dimensions[letter].width = width
        sheet.append(_header_row(sheet, columns))
        rows = list_rows(three_list, phase, city=city, today=today)
        n = 0
        while True:
            batch = present_rows(three_list, rows[n : n + BATCH])
            partners = (
                partner_city_names(r.pk for r in batch) if three_list.source_has_partner_cities else None
            )
            for row in batch:
                n += 1
                sheet.append(_row_cells(sheet, n, row, partners, absolute))
            if len(batch) < BATCH:
                break
    notes = workbook.create_sheet(title=_("说明"))
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 100
    scope = city.name if city is not None else _("全联盟（全部成员城市）")
    generated = timezone.localtime().replace(tzinfo=None, microsecond=0)
    for label, value in [
        (_("清单"), three_list.name),
        (_("范围"), scope),
        (_("导出时间"), generated),
        (_("内容"), _("仅含已核验公开的信息。")),
        *[(PHASE_LABELS[phase], three_list.rules[phase]) for phase in PHASES],
    ]:
        cell: Any = _text(value) if not isinstance(value, dt.datetime) else value
        notes.append([_text(label), cell])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_filename(three_list: ThreeList, city: City | None, today: dt.date) -> str:
    scope = city.name if city is not None else _("全联盟")
    return f"{three_list.name}-{scope}-{today:%Y%m%d}.xlsx"


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the UTF-8 name per RFC 5987/6266."""
    safe_fallback = (
        "".join(c for c in ascii_fallback if c.isascii() and (c.isalnum() or c in "-_.")) or "export"
    )
    return f"attachment; filename=\"{safe_fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
