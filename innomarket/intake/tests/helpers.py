"""Builders of import files for the intake tests (and the benchmark)."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from innomarket.intake.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

ORG_HEADER = ["机构名称*", "机构类型*", "统一社会信用代码", "所属城市*", "地址", "领域/产业", "简介"]


def credit_code(seed: int, *, region: str = "320500") -> str:
    """A valid 统一社会信用代码 (企业, 工商) derived from ``seed``."""
    rnd = random.Random(seed)
    body = "91" + region + "".join(rnd.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return body + credit_code_check_char(body)


def org_row(n: int, *, city: str = "苏州市", code: str | None = None, name: str | None = None) -> list[Any]:
    return [
        name or f"苏州测试智能科技有限公司{n}",
        "企业",
        credit_code(n) if code is None else code,
        city,
        f"苏州工业园区星湖街{n}号",
        "人工智能、集成电路",
        "从事人工智能芯片研发",
    ]


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
