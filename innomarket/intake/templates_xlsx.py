"""Downloadable import templates: an Excel workbook per kind, and the same columns as CSV.

Sheet 1 holds the Chinese headers (required ones marked *) with an input hint as a comment on each,
the header row frozen and columns sized; drop-down lists for cities, choices, booleans and field
tags read from a hidden “选项” sheet (a list typed into the validation itself is limited to 255
characters); a “填写说明” sheet explains every column. Every text cell is written through
``neutralise_formula``, so no cell of a template is ever a formula.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO, Any

from django.utils import translation
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from innomarket.organisations.models import OrganisationTag
from innomarket.regions.models import City
from innomarket.taxonomy.models import FieldTag

from . import specs as s
from .specs import Column, KindSpec, get_spec
from .validators import neutralise_formula

DATA_ROWS = 5000  # rows of the data sheet that carry the drop-downs and text formats
OPTIONS_SHEET = "选项"
GUIDE_SHEET = "填写说明"
_TEXT_TYPES = {s.CREDIT_CODE, s.PHONE, s.TEXT, s.OWNER}
_TYPE_LABELS = {
    s.TEXT: "文本",
    s.URL: "网址",
    s.CHOICE: "下拉选择",
    s.BOOL: "是/否",
    s.DATE: "日期",
    s.DATETIME: "日期时间",
    s.MONEY_WAN: "金额（万元）",
    s.MONEY_YI: "金额（亿元）",
    s.DECIMAL: "数字",
    s.INT: "整数",
    s.CITY: "城市（下拉选择）",
    s.TAGS: "领域（可多选，顿号分隔）",
    s.ORG_TAGS: "资质与名单（可多选，顿号分隔）",
    s.OWNER: "机构（统一社会信用代码或全称）",
    s.CREDIT_CODE: "统一社会信用代码",
    s.PHONE: "电话",
    s.EMAIL: "邮箱",
}


def _text(value: Any) -> Any:
    return neutralise_formula(str(value)) if value is not None else None


def options_for(column: Column) -> list[str]:
    """The drop-down values of a column (Chinese labels), empty for free input."""
    if column.type == s.CHOICE:
        return [label for value, label in column.choices if value or label]
    if column.type == s.BOOL:
        return ["是", "否"]
    if column.type == s.CITY:
        return list(City.objects.order_by("sort_order", "id").values_list("name", flat=True))
    if column.type == s.TAGS:
        return list(FieldTag.objects.order_by("sort_order", "id").values_list("name", flat=True))
    if column.type == s.ORG_TAGS:
        return list(OrganisationTag.objects.order_by("sort_order", "id").values_list("name", flat=True))
    return []


def _hint(column: Column) -> str:
    with translation.override("zh-hans"):
        parts = [str(column.hint)] if column.hint else []
        if column.required:
            parts.insert(0, "必填。")
        if column.max_length:
            parts.append(f"最多 {column.max_length} 字。")
        return " ".join(parts) or "选填。"


def write_template(kind: str | KindSpec, target: str | Path | IO[bytes]) -> None:
    """Write the Excel template of ``kind`` to a path or binary stream."""
    spec = kind if isinstance(kind, KindSpec) else get_spec(kind)
    wb = Workbook()
    data = wb.active
    with translation.override("zh-hans"):
        data.title = str(spec.label)[:31]
    options = wb.create_sheet(OPTIONS_SHEET)
    guide = wb.create_sheet(GUIDE_SHEET)
    wb.move_sheet(guide, offset=-1)  # data, 填写说明, 选项 (hidden)
    options.sheet_state = "hidden"

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    required_font = Font(bold=True, color="C00000")
    plain_font = Font(bold=True)
    option_col = 0
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = data.cell(row=1, column=index, value=_text(column.marked_header))
        cell.font = required_font if column.required else plain_font
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        comment = Comment(_hint(column), "沿沪宁协同创新集市")
        comment.width, comment.height = 260, 110
        cell.comment = comment
        width = max(len(column.header) * 2 + 4, 14)
        if (
            column.type in (s.TEXT,)
            and (column.max_length or 0) > 100
            or column.max_length is None
            and column.type == s.TEXT
        ):
            width = max(width, 30)
        data.column_dimensions[letter].width = min(width, 40)
        cell_range = f"{letter}2:{letter}{DATA_ROWS + 1}"
        if column.type in (s.CREDIT_CODE, s.PHONE):
            # Text format, or Excel turns long digit strings into 9.1E+17.
            for row in range(2, DATA_ROWS + 2):
                data.cell(row=row, column=index).number_format = "@"
        values = options_for(column)
        if values:
            option_col += 1
            opt_letter = get_column_letter(option_col)
            options.cell(row=1, column=option_col, value=_text(column.header))
            for row, value in enumerate(values, start=2):
                options.cell(row=row, column=option_col, value=_text(value))
            ref = f"{quote_sheetname(OPTIONS_SHEET)}!${opt_letter}$2:${opt_letter}${len(values) + 1}"
            multi = column.type in (s.TAGS, s.ORG_TAGS)
            validation = DataValidation(
                type="list",
                formula1=ref,
                allow_blank=True,
                showErrorMessage=not multi,  # several tags in one cell are typed, not picked
                errorTitle="输入有误",
                error="请从下拉列表中选择。",
                promptTitle=column.header[:32],
                prompt=_hint(column)[:255],
                showInputMessage=True,
            )
            validation.add(cell_range)
            data.add_data_validation(validation)
    data.freeze_panes = "A2"
    data.row_dimensions[1].height = 30

    # 填写说明
    guide.append([_text(h) for h in ("列名", "是否必填", "类型", "填写说明", "可选值")])
    for cell in guide[1]:
        cell.font = plain_font
        cell.fill = header_fill
    for column in spec.columns:
        values = options_for(column)
        guide.append(
            [
                _text(column.marked_header),
                _text("必填" if column.required else "选填"),
                _text(_TYPE_LABELS.get(column.type, "")),
                _text(_hint(column)),
                _text("、".join(values)[:1000]),
            ]
        )
    notes = [
        "",
        "说明：",
        "1. 第一个工作表第 1 行是表头，请勿修改列名；从第 2 行开始每行填写一条数据。带 * 的列必须填写。",
        "2. 导入后的数据进入所属城市的核验队列（状态为“待核验”），由城市管理员核验后对外发布。",
        "3. 同一文件内或平台上已有的重复数据（统一社会信用代码相同，或同一城市名称相同）会被指出，不会重复导入。",
        "4. 文件中任何一行有错误时默认不导入任何数据；也可以在校验报告中选择只导入正确的行。",
        "5. 也可另存为 CSV（UTF-8 或 GBK 编码均可）后上传，列名与本模板相同。",
    ]
    for line in notes:
        guide.append([_text(line) if line else None])
    for letter, width in zip("ABCDE", (22, 10, 22, 60, 60), strict=True):
        guide.column_dimensions[letter].width = width
    guide.freeze_panes = "A2"
    wb.save(target)


def write_csv_template(kind: str | KindSpec, target: str | Path | IO[bytes]) -> None:
    """The template's header row as CSV, UTF-8 with BOM (so Excel opens it with the right encoding)."""
    spec = kind if isinstance(kind, KindSpec) else get_spec(kind)
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow([_text(c.marked_header) for c in spec.columns])
    payload = "\ufeff".encode() + buffer.getvalue().encode("utf-8")
    if isinstance(target, str | Path):
        Path(target).write_bytes(payload)
    else:
        target.write(payload)
