"""The monthly settlement statement (月度结算单) of one city as an .xlsx workbook.

Sheets: 汇总 (the city, the period, the account balances, the month's flows, the subtotals per
counterparty city and the 核对 block with the reconciliation's outcome), 明细 (one row per settlement
line, payer side then receiving side) and 计划余额 (opening and closing balances per programme).
Amounts are numbers in 元 with two decimals (number format ``#,##0.00``) computed exactly from 分;
text cells go through ``neutralise_formula`` so a provider named ``=…`` stays text.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from innomarket.intake.validators import neutralise_formula

from .settlement import Difference, SettlementLine, SettlementStatement

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YUAN_FORMAT = "#,##0.00"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

SUMMARY_SHEET = "汇总"
DETAIL_SHEET = "明细"
PROGRAMME_SHEET = "计划余额"


def fen_to_yuan(fen: int) -> Decimal:
    """Exact 元 with two decimals; Excel stores it as a number."""
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _text(value: Any) -> str:
    return neutralise_formula(str(value)) if value not in (None, "") else ""


def _bold_row(sheet: Worksheet, values: list[Any]) -> None:
    sheet.append([_text(v) for v in values])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _money_row(sheet: Worksheet, label: str, *amounts: int | None, extra: list[Any] | None = None) -> None:
    sheet.append([_text(label), *[None if a is None else fen_to_yuan(a) for a in amounts], *(extra or [])])
    for cell in sheet[sheet.max_row][1 : 1 + len(amounts)]:
        cell.number_format = YUAN_FORMAT


def _detail_headers() -> list[str]:
    return [
        _("方向"),
        _("记账时间"),
        _("交易号"),
        _("类型"),
        _("付款城市"),
        _("创新券计划"),
        _("服务机构"),
        _("服务机构所在城市"),
        _("是否跨城"),
        _("券号"),
        _("持券企业"),
        _("持券企业所在城市"),
        _("服务内容"),
        _("兑付编号"),
        _("冲正的交易号"),
        _("金额（元）"),
    ]


def _detail_row(sheet: Worksheet, side: str, line: SettlementLine) -> None:
    sheet.append(
        [
            _text(side),
            timezone.localtime(line.posted_at).replace(tzinfo=None, microsecond=0),
            line.transaction_id,
            _text(line.kind_label),
            _text(line.payer_city_name),
            _text(line.programme_name),
            _text(line.provider_name),
            _text(line.provider_city_name),
            _("是") if line.cross_city else _("否"),
            _text(line.voucher_code),
            _text(line.enterprise_name),
            _text(line.enterprise_city_name),
            _text(line.service),
            line.redemption_id,
            line.reverses_id,
            fen_to_yuan(line.amount_fen),
        ]
    )
    row = sheet[sheet.max_row]
    row[1].number_format = DATETIME_FORMAT
    row[-1].number_format = YUAN_FORMAT


def build_statement_workbook(statement: SettlementStatement, differences: list[Difference]) -> bytes:
    """The .xlsx bytes of ``statement``; ``differences`` is ``statement_reconcile(statement)``."""
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = SUMMARY_SHEET
    summary.column_dimensions["A"].width = 34
    for letter in "BCDE":
        summary.column_dimensions[letter].width = 18

    summary.append([_text(_("%(city)s 创新券月度结算单") % {"city": statement.city_name})])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([_text(_("结算期间")), _text(statement.period_label)])
    summary.append(
        [_text(_("生成时间")), timezone.localtime(statement.generated_at).replace(tzinfo=None, microsecond=0)]
    )
    summary.cell(row=summary.max_row, column=2).number_format = DATETIME_FORMAT
    summary.append([_text(_("金额单位")), _text(_("元"))])
    summary.append([])

    _bold_row(summary, [_("本市计划账户"), _("期初余额"), _("本月发生额"), _("期末余额")])
    for account in statement.accounts:
        _money_row(summary, account.label, account.opening_fen, account.movement_fen, account.closing_fen)
    summary.append([])

    _bold_row(summary, [_("本月资金流"), _("金额")])
    for label, amount in statement.flows():
        _money_row(summary, label, amount)
    summary.append([])

    _bold_row(summary, [_("本市预算支付（按服务机构所在城市）"), _("金额"), _("笔数")])
    for row in statement.paid_by_city:
        _money_row(summary, row.city_name, row.amount_fen, extra=[row.lines])
    _money_row(summary, _("合计"), statement.paid_total_fen, extra=[len(statement.paid_lines)])
    _money_row(summary, _("其中跨城支付"), statement.paid_cross_city_fen)
    summary.append([])

    _bold_row(summary, [_("外市预算支付本市服务机构（按付款城市）"), _("金额"), _("笔数")])
    for row in statement.received_by_city:
        _money_row(summary, row.city_name, row.amount_fen, extra=[row.lines])
    _money_row(summary, _("合计"), statement.received_total_fen, extra=[len(statement.received_lines)])
    summary.append([])

    _bold_row(summary, [_("核对")])
    if not differences:
        summary.append([_text(_("结果")), _text(_("与总账核对一致"))])
    else:
        summary.append([_text(_("结果")), _text(_("与总账不一致：%(n)d 处差异") % {"n": len(differences)})])
        _bold_row(summary, [_("项目"), _("结算单"), _("总账"), _("差额")])
        for difference in differences:
            _money_row(
                summary,
                difference.label,
                difference.statement_fen,
                difference.ledger_fen,
                difference.difference_fen,
            )
    summary.append(
        [
            _text(_("核对口径")),
            _text(
                _(
                    "全部分录借贷合计为零、每笔交易借贷平衡；各计划各科目期初、期末余额与总账逐项相符；"
                    "支付与收款合计等于已结算账户本月发生额；城市小计之和等于合计；每笔结算等于兑付金额。"
                )
            ),
        ]
    )
    summary.cell(row=summary.max_row, column=2).alignment = Alignment(wrap_text=True)

    detail = workbook.create_sheet(DETAIL_SHEET)
    detail.freeze_panes = "A2"
    for letter, width in zip(
        "ABCDEFGHIJKLMNOP", (10, 17, 9, 8, 10, 26, 28, 12, 8, 20, 28, 12, 30, 9, 12, 14), strict=True
    ):
        detail.column_dimensions[letter].width = width
    _bold_row(detail, _detail_headers())
    for line in statement.paid_lines:
        _detail_row(detail, _("本市支付"), line)
    for line in statement.received_lines:
        _detail_row(detail, _("外市支付本市"), line)

    balances = workbook.create_sheet(PROGRAMME_SHEET)
    balances.column_dimensions["A"].width = 30
    balances.column_dimensions["B"].width = 16
    for letter in "CDE":
        balances.column_dimensions[letter].width = 18
    _bold_row(balances, [_("创新券计划"), _("科目"), _("期初余额"), _("本月发生额"), _("期末余额")])
    for programme in statement.programmes:
        for account in programme.accounts:
            balances.append(
                [
                    _text(programme.programme_name),
                    _text(account.label),
                    fen_to_yuan(account.opening_fen),
                    fen_to_yuan(account.movement_fen),
                    fen_to_yuan(account.closing_fen),
                ]
            )
            for cell in balances[balances.max_row][2:]:
                cell.number_format = YUAN_FORMAT

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def statement_filename(statement: SettlementStatement) -> str:
    return f"{statement.city_name}-创新券结算单-{statement.year}{statement.month:02d}.xlsx"
