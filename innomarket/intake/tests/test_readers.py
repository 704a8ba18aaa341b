"""Reading uploaded files: format by content, encodings, limits, clear refusals. No database."""

from __future__ import annotations

import datetime
import io
import time

import pytest
from openpyxl import Workbook

from innomarket.intake.readers import OLE_MAGIC, ReadError, ReadErrorCode, open_table

from .helpers import ORG_HEADER, csv_bytes, org_row, xlsx_bytes


def rows_of(data: bytes, **limits):
    table = open_table(io.BytesIO(data), **limits)
    return table, list(table.rows)


def test_utf8_csv_with_bom_and_row_numbers():
    table, rows = rows_of(csv_bytes(ORG_HEADER, [org_row(1), org_row(2)]))
    assert table.format == "csv" and table.encoding == "utf-8-sig"
    assert table.header[0] == "机构名称*"
    assert [n for n, _cells in rows] == [2, 3]
    assert rows[0][1][0] == "苏州测试智能科技有限公司1"


def test_utf8_csv_without_bom():
    table, rows = rows_of(csv_bytes(ORG_HEADER, [org_row(1)], encoding="utf-8"))
    assert table.encoding == "utf-8" and rows[0][1][3] == "苏州市"


def test_gbk_csv_is_detected():
    table, rows = rows_of(csv_bytes(ORG_HEADER, [org_row(1)], encoding="gbk"))
    assert table.encoding == "gb18030"
    assert table.header[0] == "机构名称*" and rows[0][1][3] == "苏州市"


def test_neither_utf8_nor_gbk_is_refused_with_the_line():
    data = "机构名称\n".encode() + b"\x81\x20\xff\xfe\n"
    with pytest.raises(ReadError) as exc:
        rows_of(data)
    assert exc.value.code == ReadErrorCode.ENCODING
    assert "UTF-8" in str(exc.value) and "第 2 行" in str(exc.value)


def test_legacy_xls_is_refused_with_save_as_advice():
    with pytest.raises(ReadError) as exc:
        rows_of(OLE_MAGIC + b"\x00" * 600)
    assert exc.value.code == ReadErrorCode.LEGACY_XLS
    assert ".xlsx" in str(exc.value) and "另存为" in str(exc.value)


def test_xls_content_with_xlsx_name_is_still_detected(tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_bytes(OLE_MAGIC + b"\x00" * 600)
    with pytest.raises(ReadError) as exc:
        open_table(path)
    assert exc.value.code == ReadErrorCode.LEGACY_XLS


def test_empty_file():
    with pytest.raises(ReadError) as exc:
        rows_of(b"")
    assert exc.value.code == ReadErrorCode.EMPTY and "空" in str(exc.value)


def test_binary_garbage_is_not_csv():
    with pytest.raises(ReadError) as exc:
        rows_of(b"\x00\x01\x02binary" * 10)
    assert exc.value.code == ReadErrorCode.BINARY


def test_corrupt_xlsx_zip():
    with pytest.raises(ReadError) as exc:
        rows_of(b"PK\x03\x04 this is not really a zip archive")
    assert exc.value.code == ReadErrorCode.NOT_XLSX


def test_50_mb_file_is_refused_before_parsing(tmp_path, settings):
    settings.INNOMARKET_IMPORT_MAX_MB = 20
    path = tmp_path / "big.csv"
    with open(path, "wb") as f:  # sparse: no 50 MB is actually written
        f.truncate(50 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(ReadError) as exc:
        open_table(path)
    assert time.perf_counter() - started < 1
    assert exc.value.code == ReadErrorCode.TOO_LARGE
    assert "50.0 MB" in str(exc.value) and "20 MB" in str(exc.value)


def test_row_with_1000_columns_names_the_row():
    wide = org_row(2) + ["x"] * (1000 - len(ORG_HEADER))
    table = open_table(io.BytesIO(csv_bytes(ORG_HEADER, [org_row(1), wide])))
    with pytest.raises(ReadError) as exc:
        list(table.rows)
    assert exc.value.code == ReadErrorCode.ROW_TOO_WIDE
    assert exc.value.extra["row"] == 3 and exc.value.extra["cells"] == 1000
    assert "第 3 行" in str(exc.value)


def test_trailing_empty_cells_are_tolerated():
    _table, rows = rows_of(csv_bytes(ORG_HEADER, [org_row(1) + ["", "", ""]]))
    assert len(rows[0][1]) == len(ORG_HEADER)


def test_blank_rows_are_skipped_but_counted_in_numbers():
    _table, rows = rows_of(csv_bytes(ORG_HEADER, [org_row(1), [""] * 7, org_row(3)]))
    assert [n for n, _ in rows] == [2, 4]


def test_too_many_rows():
    table = open_table(io.BytesIO(csv_bytes(ORG_HEADER, [org_row(i) for i in range(5)])), limit_rows=3)
    with pytest.raises(ReadError) as exc:
        list(table.rows)
    assert exc.value.code == ReadErrorCode.TOO_MANY_ROWS and "3" in str(exc.value)


def test_header_only_blank_first_row():
    with pytest.raises(ReadError) as exc:
        rows_of(b"\n\na,b\n")
    assert exc.value.code == ReadErrorCode.NO_HEADER


def test_xlsx_values_keep_their_types_and_sheet_row_numbers():
    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "日期", "数量", "是否"])
    ws.append(["甲", datetime.date(2024, 3, 5), 12, True])
    ws.append([None, None, None, None])  # blank row 3
    ws.append(["=1+1 not a formula", 45292, 1.5, "否"])
    ws["A4"].data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    table, rows = rows_of(out.getvalue())
    assert table.format == "xlsx" and table.header == ["名称", "日期", "数量", "是否"]
    assert rows[0] == (2, ["甲", datetime.datetime(2024, 3, 5), 12, True])
    assert rows[1][0] == 4 and rows[1][1][1:] == [45292, 1.5, "否"]


def test_xlsx_row_too_wide():
    data = xlsx_bytes(["a", "b"], [["1", "2"], ["1", "2", None, "extra"]])
    table = open_table(io.BytesIO(data))
    with pytest.raises(ReadError) as exc:
        list(table.rows)
    assert exc.value.extra == {"row": 3, "cells": 4, "width": 2}


# Lean on purpose: 100,000 rows of 3 short columns (≈ 3 MB), read once.
def test_100k_row_csv_is_streamed_quickly():
    lines = ["名称,城市,类型"] + [f"机构{i},苏州市,企业" for i in range(100_000)]
    data = ("\n".join(lines) + "\n").encode()
    started = time.perf_counter()
    table = open_table(io.BytesIO(data))
    count = sum(1 for _ in table.rows)
    assert count == 100_000
    assert table.estimated_rows == 100_000
    assert time.perf_counter() - started < 10
