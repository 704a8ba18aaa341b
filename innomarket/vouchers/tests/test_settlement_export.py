"""The monthly statement as .xlsx: opened back with openpyxl, its figures equal the ledger to the 分."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db.models import Sum
from openpyxl import load_workbook

from innomarket.common.tests.factories import city
from innomarket.vouchers.models import LedgerAccount, LedgerEntry
from innomarket.vouchers.settlement import settlement_statement, statement_reconcile
from innomarket.vouchers.settlement_export import (
    DETAIL_SHEET,
    PROGRAMME_SHEET,
    SUMMARY_SHEET,
    YUAN_FORMAT,
    build_statement_workbook,
    fen_to_yuan,
)

from .settlement_world import WAN, make_settlement_world, this_month

K = LedgerAccount.Kind


@pytest.fixture
def world(db):
    return make_settlement_world()


def workbook_of(slug: str):
    year, month = this_month()
    statement = settlement_statement(city_id=city(slug).pk, year=year, month=month)
    data = build_statement_workbook(statement, statement_reconcile(statement))
    return statement, load_workbook(io.BytesIO(data))


def fen(value) -> int:
    """A cell's 元 back to 分, exactly (openpyxl reads numbers as float or int)."""
    return int((Decimal(str(value)) * 100).to_integral_value())


def summary_rows(sheet) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}


def section(sheet, title: str) -> dict[str, tuple]:
    """The rows under the bold heading ``title`` up to the next blank row."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == title)
    found = {}
    for row in rows[start + 1 :]:
        if not row or row[0] is None:
            break
        found[row[0]] = row[1:]
    return found


def test_fen_to_yuan_is_exact():
    assert fen_to_yuan(123456) == Decimal("1234.56") and fen_to_yuan(-1) == Decimal("-0.01")


def test_workbook_has_summary_detail_and_programme_sheets_with_chinese_headers(world):
    _statement, book = workbook_of("nanjing")

    assert book.sheetnames == [SUMMARY_SHEET, DETAIL_SHEET, PROGRAMME_SHEET]
    headers = [c.value for c in book[DETAIL_SHEET][1]]
    assert headers[:4] == ["方向", "记账时间", "交易号", "类型"] and headers[-1] == "金额（元）"
    assert book[SUMMARY_SHEET]["A1"].value == "南京市 创新券月度结算单"


def test_detail_amounts_are_numbers_in_yuan_equal_to_the_ledger(world):
    statement, book = workbook_of("nanjing")
    sheet = book[DETAIL_SHEET]
    rows = list(sheet.iter_rows(min_row=2))

    assert len(rows) == len(statement.paid_lines) + len(statement.received_lines) == 3
    for row in rows:
        amount = row[-1]
        assert isinstance(amount.value, (int, float)) and amount.number_format == YUAN_FORMAT
    # Each line equals its entry in the ledger.
    for row in rows:
        transaction_id = row[2].value
        ledger = LedgerEntry.objects.filter(transaction_id=transaction_id, account__kind=K.SETTLED).aggregate(
            total=Sum("amount")
        )["total"]
        assert fen(row[-1].value) == ledger
    paid = [fen(r[-1].value) for r in rows if r[0].value == "本市支付"]
    assert (
        sum(paid)
        == LedgerEntry.objects.filter(
            account__kind=K.SETTLED,
            account__programme__city__slug="nanjing",
            transaction__created_at__gte=statement.start,
        ).aggregate(total=Sum("amount"))["total"]
    )
    cross = next(r for r in rows if r[7].value == "苏州市" and r[0].value == "本市支付")
    assert cross[8].value == "是" and cross[9].value == world.nj_voucher.code


def test_summary_figures_and_reconciliation_block(world):
    statement, book = workbook_of("nanjing")
    sheet = book[SUMMARY_SHEET]

    accounts = section(sheet, "本市计划账户")
    budget = LedgerEntry.objects.filter(
        account__programme=world.nj_programme, account__kind=K.PROGRAMME_BUDGET
    ).aggregate(total=Sum("amount"))["total"]
    assert fen(accounts["计划可发额度"][2]) == budget == 90 * WAN
    assert fen(accounts["已结算支付"][0]) == 1 * WAN and fen(accounts["已结算支付"][2]) == 55_000_00
    paid = section(sheet, "本市预算支付（按服务机构所在城市）")
    assert fen(paid["苏州市"][0]) == 3 * WAN and paid["苏州市"][1] == 1
    assert fen(paid["合计"][0]) == statement.paid_total_fen
    received = section(sheet, "外市预算支付本市服务机构（按付款城市）")
    assert fen(received["苏州市"][0]) == 2 * WAN
    flows = section(sheet, "本月资金流")
    assert fen(flows["本月预留兑付"][0]) == 58_000_00 and fen(flows["本月释放预留"][0]) == 5_000_00
    assert section(sheet, "核对")["结果"][0] == "与总账核对一致"
    heading = next(r for r in sheet.iter_rows() if r[0].value == "本市计划账户")[0].row
    for row in sheet.iter_rows(min_row=heading + 1, max_row=heading + 5):
        assert all(isinstance(c.value, int | float) and c.number_format == YUAN_FORMAT for c in row[1:4])


def test_programme_sheet_balances_each_programme(world):
    _statement, book = workbook_of("suzhou")
    rows = list(book[PROGRAMME_SHEET].iter_rows(min_row=2, values_only=True))

    assert {r[0] for r in rows} == {world.sz_programme.name}
    assert sum(fen(r[4]) for r in rows) == 0  # a programme's accounts balance
    closing = {r[1]: fen(r[4]) for r in rows}
    assert closing["已结算支付"] == 2 * WAN and closing["财政拨款"] == -50 * WAN


def test_differences_are_listed_in_the_reconciliation_block(world):
    settle = world.redemptions["nj-to-sz"].closing
    account = LedgerAccount.objects.get(
        programme=world.nj_programme, kind=K.SETTLED, organisation=world.sz_lab
    )
    LedgerEntry.objects.create(transaction=settle, account=account, amount=100)

    _statement, book = workbook_of("nanjing")
    sheet = book[SUMMARY_SHEET]
    check = section(sheet, "核对")
    assert check["结果"][0].startswith("与总账不一致")
    assert fen(check["全部分录借贷合计"][2]) == -100  # 结算单 0, 总账 1 元, 差额 -1 元


def test_text_that_looks_like_a_formula_stays_text(world):
    world.sz_lab.name = '=HYPERLINK("http://example.invalid")'
    world.sz_lab.save()

    _statement, book = workbook_of("nanjing")
    names = [row[6] for row in book[DETAIL_SHEET].iter_rows(min_row=2, values_only=True)]
    assert all(not str(n).startswith("=") for n in names)
