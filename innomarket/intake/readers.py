"""Open an uploaded spreadsheet and stream its rows, refusing what cannot be read with a clear reason.

The format is decided by the content, never by the file name: an ``.xlsx`` is a zip archive, a
legacy ``.xls`` an OLE compound file (refused: save it as .xlsx), anything else must be CSV text in
UTF-8 (with or without BOM) or GBK/GB18030. Size is checked before anything is parsed.

``open_table`` returns a ``Table``: its header (list of strings) and an iterator of
``(row_number, cells)`` where ``row_number`` is the row as the user sees it in the sheet (the header
is row 1) and ``cells`` are the raw values (``str``, ``int``, ``float``, ``bool``, ``datetime`` or
``None``). Rows are produced lazily; fully blank rows are skipped. Rows longer than the header with
non-empty extra cells, and more rows than the limit, raise ``ReadError`` while iterating.

Excel sheets are read with a streaming expat parser over the worksheet XML (openpyxl, opened
read-only, supplies the workbook structure, shared strings and date styles): openpyxl's own cell
loop reads ~4,000 rows/s here, the expat loop over 25,000.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

from innomarket.common.exceptions import ApplicationError

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_COLUMNS = 200  # a header wider than this is not one of our templates
# Uncompressed size of one worksheet: protects against zip bombs (a 20 MB xlsx of inline strings
# inflates to about 350 MB).
MAX_SHEET_XML_BYTES = 1024 * 1024 * 1024
_CHUNK = 256 * 1024


class ReadErrorCode(StrEnum):
    EMPTY = "import_empty"
    TOO_LARGE = "import_too_large"
    LEGACY_XLS = "import_legacy_xls"
    NOT_XLSX = "import_bad_xlsx"
    ENCODING = "import_encoding"
    BINARY = "import_binary"
    NO_HEADER = "import_no_header"
    BAD_HEADER = "import_bad_header"
    ROW_TOO_WIDE = "import_row_too_wide"
    TOO_MANY_ROWS = "import_too_many_rows"
    NO_ROWS = "import_no_rows"
    BAD_CSV = "import_bad_csv"


class ReadError(ApplicationError):
    """The file as a whole cannot be imported; ``message`` says why in Chinese, ``extra`` has details."""

    def __init__(self, message: Any, code: ReadErrorCode, extra: dict[str, Any] | None = None):
        super().__init__(message, code, extra)


def max_bytes() -> int:
    return int(getattr(settings, "INNOMARKET_IMPORT_MAX_MB", 20)) * 1024 * 1024


def max_rows() -> int:
    return int(getattr(settings, "INNOMARKET_IMPORT_MAX_ROWS", 200_000))


@dataclass
class Table:
    format: str  # "xlsx" or "csv"
    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    estimated_rows: int | None = None  # data rows, for progress bars (may be off for xlsx)
    encoding: str = ""


Source = str | os.PathLike[str] | IO[bytes] | Any


def _size_of(source: Source) -> int:
    if isinstance(source, str | os.PathLike):
        return os.stat(source).st_size
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    pos = source.tell()
    source.seek(0, os.SEEK_END)
    end = source.tell()
    source.seek(pos)
    return end - pos


def _open_binary(source: Source) -> tuple[IO[bytes], bool]:
    if isinstance(source, str | os.PathLike):
        return open(Path(source), "rb"), True  # noqa: SIM115 - closed by the caller
    if hasattr(source, "open") and not hasattr(source, "read"):
        source.open("rb")
    if hasattr(source, "seek"):
        source.seek(0)
    return source, False


def open_table(source: Source, *, limit_bytes: int | None = None, limit_rows: int | None = None) -> Table:
    """Detect the format of ``source`` (a path or a binary file object) and open it as a ``Table``.

    Raises ``ReadError`` for an empty, oversize, legacy-Excel, corrupt, undecodable or header-less
    file. The returned rows iterator may raise ``ReadError`` too (a row wider than the header, too
    many rows). The whole file is read into memory only for CSV, which is at most ``limit_bytes``.
    """
    limit_bytes = max_bytes() if limit_bytes is None else limit_bytes
    limit_rows = max_rows() if limit_rows is None else limit_rows
    size = _size_of(source)
    if size == 0:
        raise ReadError(_("文件是空的，请选择填好数据的 Excel（.xlsx）或 CSV 文件。"), ReadErrorCode.EMPTY)
    if size > limit_bytes:
        raise ReadError(
            _("文件大小为 %(size).1f MB，超过上限 %(limit)d MB；请拆分成几个文件分别导入。")
            % {"size": size / 1024 / 1024, "limit": limit_bytes // 1024 // 1024},
            ReadErrorCode.TOO_LARGE,
            {"size": size, "limit": limit_bytes},
        )
    stream, _owned = _open_binary(source)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(OLE_MAGIC):
        raise ReadError(
            _(
                "这是旧版 Excel（.xls）文件，无法直接导入；请在 Excel 中“另存为”Excel 工作簿（.xlsx）后再上传。"
            ),
            ReadErrorCode.LEGACY_XLS,
        )
    table = _open_xlsx(stream) if head.startswith(XLSX_MAGIC) else _open_csv(stream.read())
    table.rows = _checked_rows(table.rows, len(table.header), limit_rows)
    return table


# -- checks common to both formats -------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _checked_header(raw: list[Any]) -> list[str]:
    while raw and _blank(raw[-1]):
        raw = raw[:-1]
    if not raw:
        raise ReadError(_("第 1 行应为表头（列名），但它是空的。请使用导入模板。"), ReadErrorCode.NO_HEADER)
    if len(raw) > MAX_COLUMNS:
        raise ReadError(
            _("表头有 %(n)d 列，超过上限 %(limit)d 列；请使用导入模板。")
            % {"n": len(raw), "limit": MAX_COLUMNS},
            ReadErrorCode.BAD_HEADER,
        )
    return ["" if v is None else str(v).strip() for v in raw]


def _checked_rows(
    rows: Iterator[tuple[int, list[Any]]], width: int, limit_rows: int
) -> Iterator[tuple[int, list[Any]]]:
    count = 0
    for number, cells in rows:
        if len(cells) > width:
            extra = cells[width:]
            if any(not _blank(v) for v in extra):
                used = width + max(i for i, v in enumerate(extra) if not _blank(v)) + 1
                raise ReadError(
                    _(
                        "第 %(row)d 行有 %(n)d 个单元格有内容，超出表头的 %(width)d 列；请检查是否错位或多余的列。"
                    )
                    % {"row": number, "n": used, "width": width},
                    ReadErrorCode.ROW_TOO_WIDE,
                    {"row": number, "cells": used, "width": width},
                )
            cells = cells[:width]
        if all(_blank(v) for v in cells):
            continue
        count += 1
        if count > limit_rows:
            raise ReadError(
                _("文件超过 %(limit)d 行数据的上限（第 %(row)d 行）；请拆分成几个文件分别导入。")
                % {"limit": limit_rows, "row": number},
                ReadErrorCode.TOO_MANY_ROWS,
                {"row": number, "limit": limit_rows},
            )
        if len(cells) < width:
            cells = cells + [None] * (width - len(cells))
        yield number, cells


# -- CSV ---------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError(
            _("文件是 UTF-16 编码（Excel 的“Unicode 文本”）；请另存为“CSV UTF-8（逗号分隔）”或 .xlsx。"),
            ReadErrorCode.ENCODING,
        )
    if b"\x00" in data[:65536]:
        raise ReadError(
            _("无法识别文件格式：它既不是 Excel 工作簿（.xlsx），也不是 CSV 文本文件。"), ReadErrorCode.BINARY
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _encoding_error(data, exc) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise _encoding_error(data, utf8_error) from None


def _encoding_error(data: bytes, exc: UnicodeDecodeError) -> ReadError:
    line = data[: exc.start].count(b"\n") + 1
    return ReadError(
        _(
            "无法识别 CSV 文件的编码（第 %(line)d 行附近）：只接受 UTF-8 或 GBK/GB18030；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”。"
        )
        % {"line": line},
        ReadErrorCode.ENCODING,
        {"line": line},
    )


def _open_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw_header = next(reader, None)
    except csv.Error as exc:
        raise ReadError(_("CSV 表头无法解析：%(error)s") % {"error": exc}, ReadErrorCode.BAD_CSV) from None
    if raw_header is None:
        raise ReadError(_("文件是空的，请选择填好数据的 Excel（.xlsx）或 CSV 文件。"), ReadErrorCode.EMPTY)
    header = _checked_header(list(raw_header))
    estimated = max(text.count("\n") - 1, 0)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        number = 1
        try:
            for cells in reader:
                number += 1
                yield number, cells
        except csv.Error as exc:
            raise ReadError(
                _("第 %(row)d 行无法解析：%(error)s") % {"row": number + 1, "error": exc},
                ReadErrorCode.BAD_CSV,
                {"row": number + 1},
            ) from None

    return Table("csv", header, rows(), estimated, encoding)


# -- XLSX --------------------------------------------------------------------------------------


def _column_index(ref: str) -> int:
    """0-based column of a cell reference such as "AB12"."""
    n = 0
    for ch in ref:
        o = ord(ch)
        if 65 <= o <= 90:
            n = n * 26 + o - 64
        elif 97 <= o <= 122:
            n = n * 26 + o - 96
        else:
            break
    return n - 1


def _row_index(ref: str) -> int | None:
    digits = "".join(ch for ch in ref if ch.isdigit())
    return int(digits) if digits else None


def _open_workbook(stream: IO[bytes]) -> tuple[Any, Any, str]:
    """openpyxl's reader up to the styles (shared strings, date formats, epoch, first sheet's path),
    without ``load_workbook``: read-only loading scans every sheet once just to size it when the
    file has no ``<dimension>`` (files written by streaming writers), doubling the reading time."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(stream, read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    for _sheet, rel in reader.parser.find_sheets():
        if "chartsheet" not in rel.Type and rel.target in reader.valid_files:
            return reader.wb, reader.shared_strings, rel.target
    raise KeyError("no worksheet")


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+:[A-Z]+(\d+)\"")


def _open_xlsx(stream: IO[bytes]) -> Table:
    try:
        workbook, shared, path = _open_workbook(stream)
        info = workbook._archive.getinfo(path)
        with workbook._archive.open(path) as src:
            head = src.read(4096)
    except Exception as exc:  # openpyxl raises many types on foreign or damaged zip files (docx, odt …)
        raise ReadError(
            _("Excel 文件已损坏或不是 Excel 工作簿（.xlsx），无法打开：%(error)s") % {"error": exc},
            ReadErrorCode.NOT_XLSX,
        ) from None
    if info.file_size > MAX_SHEET_XML_BYTES:
        raise ReadError(_("工作表解压后过大，无法导入；请拆分文件。"), ReadErrorCode.TOO_LARGE)
    match = _DIMENSION.search(head)
    estimated = int(match.group(1)) - 1 if match else None
    rows = _SheetRows(workbook, shared, path).rows()
    first = next(rows, None)
    if first is None:
        raise ReadError(_("工作表是空的：第 1 行应为表头，下面是数据。"), ReadErrorCode.EMPTY)
    number, raw_header = first
    if number != 1:
        raise ReadError(_("第 1 行应为表头（列名），但它是空的。请使用导入模板。"), ReadErrorCode.NO_HEADER)
    header = _checked_header(raw_header)
    return Table("xlsx", header, rows, estimated)


class _SheetRows:
    """Expat over one worksheet's XML: yields (row number, values) with typed values like openpyxl's."""

    def __init__(self, workbook: Any, shared: list[str], path: str) -> None:
        from openpyxl.utils.datetime import from_excel

        self.archive = workbook._archive
        self.path = path
        self.shared = shared
        self.date_styles = set(workbook._date_formats)
        self.epoch = workbook.epoch
        self.from_excel = from_excel

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        done: list[tuple[int, list[Any]]] = []
        shared, date_styles, from_excel, epoch = self.shared, self.date_styles, self.from_excel, self.epoch
        text: list[str] = []
        columns: dict[str, int] = {}
        row: list[Any] | None = None
        number = 0
        col = -1
        kind = "n"
        style: str | None = None
        capture = False
        skip = 0

        def column_of(ref: str) -> int:
            letters = ref.rstrip("0123456789")
            index = columns.get(letters)
            if index is None:
                index = columns[letters] = _column_index(letters)
            return index

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal row, number, col, kind, style, capture, skip
            if ":" in name:
                name = name.rsplit(":", 1)[1]
            if name == "c":
                ref = attrs.get("r")
                col = column_of(ref) if ref else col + 1
                kind = attrs.get("t", "n")
                style = attrs.get("s")
                text.clear()
            elif name == "v" or name == "t":
                capture = not skip
            elif name == "row":
                ref = attrs.get("r")
                number = int(ref) if ref and ref.isdigit() else number + 1
                row = []
                col = -1
            elif name == "rPh":
                skip += 1

        def end(name: str) -> None:
            nonlocal row, capture, skip
            if ":" in name:
                name = name.rsplit(":", 1)[1]
            if name == "c":
                if text and row is not None and col >= 0:
                    value = convert("".join(text))
                    if value is not None:
                        if col >= len(row):
                            row.extend([None] * (col + 1 - len(row)))
                        row[col] = value
            elif name == "v" or name == "t":
                capture = False
            elif name == "row":
                done.append((number, row or []))
                row = None
            elif name == "rPh":
                skip -= 1

        def chars(data: str) -> None:
            if capture:
                text.append(data)

        def convert(raw: str) -> Any:
            if kind == "s":
                return shared[int(raw)]
            if kind == "inlineStr" or kind == "str":
                return raw
            if kind == "b":
                return raw == "1"
            if kind == "e" or kind == "d":
                return raw
            number: float | int = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            if style is not None and int(style) in date_styles:
                try:
                    return from_excel(number, epoch)
                except (ValueError, OverflowError):
                    return number
            return number

        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = chars
        with self.archive.open(self.path) as src:
            while True:
                chunk = src.read(_CHUNK)
                try:
                    parser.Parse(chunk, not chunk)
                except expat.ExpatError as exc:
                    raise ReadError(
                        _("Excel 工作表内容已损坏（第 %(row)d 行附近）：%(error)s")
                        % {"row": number, "error": exc},
                        ReadErrorCode.NOT_XLSX,
                    ) from None
                if done:
                    yield from done
                    done.clear()
                if not chunk:
                    break
