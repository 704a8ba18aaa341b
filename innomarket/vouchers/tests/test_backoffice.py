"""创新券账务 in the back office: who sees which city, the overview, journal, monthly statement (page
and .xlsx), the alliance's cross-city matrix, 拨付预算 through the service and the read-only ledger."""

from __future__ import annotations

import io

import pytest
from django.contrib.admin import helpers
from django.contrib.messages import get_messages
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from innomarket.common.tests.factories import UserFactory, alliance_admin, city, member_of
from innomarket.vouchers import views_backoffice
from innomarket.vouchers.models import LedgerAccount, LedgerEntry, LedgerTransaction, VoucherProgram
from innomarket.vouchers.settlement_export import DETAIL_SHEET
from innomarket.vouchers.templatetags.voucher_money import format_yuan

from .settlement_world import WAN, SettlementWorld, make_settlement_world, this_month

K = LedgerAccount.Kind


@pytest.fixture
def world(db) -> SettlementWorld:
    return make_settlement_world()


@pytest.fixture
def alliance(db):
    return alliance_admin(username="alliance-voucher")


def month_param() -> str:
    year, month = this_month()
    return f"{year}-{month:02d}"


OVERVIEW = "admin:vouchers_overview"
SETTLEMENT = "admin:vouchers_settlement"
XLSX = "admin:vouchers_settlement_xlsx"
MATRIX = "admin:vouchers_matrix"


def test_format_yuan():
    assert format_yuan(123456) == "¥1,234.56"
    assert format_yuan(-5) == "-¥0.05"
    assert format_yuan(100_000_000_00) == "¥100,000,000.00"
    assert format_yuan(None) == "—"


# ---------------------------------------------------------------- who sees what


def test_staff_without_an_admin_role_gets_403_and_members_go_to_the_login(client, world):
    staff = UserFactory(username="plain-staff", is_staff=True)
    client.force_login(staff)
    for name in (OVERVIEW, SETTLEMENT, XLSX, MATRIX):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("admin:vouchers_journal", args=[world.nj_programme.pk])).status_code == 403

    client.force_login(member_of(world.nj_enterprise, username="founder-x"))
    response = client.get(reverse(OVERVIEW))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_city_admin_sees_only_own_city(client, world):
    client.force_login(world.nj_admin)

    overview = client.get(reverse(OVERVIEW))
    assert overview.status_code == 200
    assert [r.programme for r in overview.context["rows"]] == [world.nj_programme]
    assert world.sz_programme.name not in overview.content.decode()

    assert client.get(reverse(OVERVIEW), {"city": "suzhou"}).status_code == 403
    assert client.get(reverse(SETTLEMENT), {"city": "suzhou"}).status_code == 403
    assert client.get(reverse(XLSX), {"city": "suzhou"}).status_code == 403
    assert client.get(reverse("admin:vouchers_journal", args=[world.sz_programme.pk])).status_code == 404
    assert client.get(reverse(MATRIX)).status_code == 403


def test_alliance_sees_every_city_and_picks_one(client, world, alliance):
    client.force_login(alliance)

    everything = client.get(reverse(OVERVIEW))
    assert {r.programme for r in everything.context["rows"]} == {world.nj_programme, world.sz_programme}
    suzhou = client.get(reverse(OVERVIEW), {"city": "suzhou"})
    assert [r.programme for r in suzhou.context["rows"]] == [world.sz_programme]
    assert client.get(reverse(OVERVIEW), {"city": "nowhere"}).status_code == 404
    statement = client.get(reverse(SETTLEMENT), {"city": "suzhou", "month": month_param()})
    assert statement.context["statement"].city_name == "苏州市"


# ---------------------------------------------------------------- pages


def test_overview_shows_the_programme_figures_in_yuan(client, world):
    client.force_login(world.nj_admin)

    page = client.get(reverse(OVERVIEW)).content.decode()

    assert "¥1,000,000.00" in page  # 已拨入 100 万元
    assert "¥900,000.00" in page  # 可发额度
    assert "¥55,000.00" in page  # 已结算 5.5 万元
    assert reverse("admin:vouchers_journal", args=[world.nj_programme.pk]) in page


def test_journal_lists_transactions_with_entries_and_links_paginated(client, world, monkeypatch):
    settle = world.redemptions["nj-to-sz"].closing
    client.force_login(world.nj_admin)

    page = client.get(reverse("admin:vouchers_journal", args=[world.nj_programme.pk]))
    assert page.status_code == 200
    transactions = list(page.context["page"])
    assert transactions[0].created_at >= transactions[-1].created_at
    html = page.content.decode()
    assert f'id="tx-{settle.pk}"' in html and "¥30,000.00" in html and "-¥30,000.00" in html
    assert f'href="#tx-{settle.closes_id}"' in html  # the settlement names the reservation it closed

    only_settlements = client.get(
        reverse("admin:vouchers_journal", args=[world.nj_programme.pk]), {"kind": "settle"}
    )
    assert {tx.kind for tx in only_settlements.context["page"]} == {"settle"}

    monkeypatch.setattr(views_backoffice, "JOURNAL_PER_PAGE", 5)
    second = client.get(reverse("admin:vouchers_journal", args=[world.nj_programme.pk]), {"page": 2})
    total = LedgerTransaction.objects.filter(programme=world.nj_programme).count()
    assert second.context["page"].number == 2 and second.context["page"].paginator.count == total
    assert len(second.context["page"]) == 5


def test_monthly_settlement_page_shows_both_sides_and_reconciles(client, world):
    client.force_login(world.nj_admin)

    page = client.get(reverse(SETTLEMENT))

    assert page.status_code == 200
    statement = page.context["statement"]
    assert (statement.year, statement.month) == this_month()
    assert page.context["differences"] == []
    html = page.content.decode()
    assert "与总账核对一致" in html
    assert "¥45,000.00" in html  # 南京预算本月支付
    assert "¥20,000.00" in html  # 苏州预算支付南京服务机构
    assert reverse(XLSX) in html and f"month={month_param()}" in html


def test_settlement_month_picker_refuses_bad_and_future_months(client, world):
    client.force_login(world.nj_admin)

    bad = client.get(reverse(SETTLEMENT), {"month": "2025-13"})
    assert bad.status_code == 200 and bad.context["statement"] is None
    assert "请按“年-月”填写结算月份" in bad.content.decode()
    year, _month = this_month()
    future = client.get(reverse(SETTLEMENT), {"month": f"{year + 1}-01"})
    assert "结算月份不能晚于本月" in future.content.decode()


def test_settlement_xlsx_download_equals_the_ledger(client, world):
    client.force_login(world.nj_admin)

    response = client.get(reverse(XLSX), {"month": month_param()})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    amounts = [
        round(row[-1] * 100)
        for row in book[DETAIL_SHEET].iter_rows(min_row=2, values_only=True)
        if row[0] == "本市支付"
    ]
    statement = client.get(reverse(SETTLEMENT), {"month": month_param()}).context["statement"]
    ledger = LedgerEntry.objects.filter(
        account__kind=K.SETTLED,
        account__programme__city=city("nanjing"),
        transaction__created_at__gte=statement.start,
    ).aggregate(total=Sum("amount"))["total"]
    assert sum(amounts) == ledger == 45_000_00


def test_matrix_for_the_alliance(client, world, alliance):
    client.force_login(alliance)

    page = client.get(reverse(MATRIX))

    assert page.status_code == 200
    matrix = page.context["matrix"]
    assert matrix.cell(city("nanjing").pk, city("suzhou").pk) == 3 * WAN
    html = page.content.decode()
    assert "¥75,000.00" in html and "¥50,000.00" in html  # 合计 and 跨城
    month = client.get(reverse(MATRIX), {"period": month_param()})
    assert month.context["matrix"].total == 65_000_00
    assert f"month={month_param()}" in month.content.decode()  # rows link to the payer's statement
    year = client.get(reverse(MATRIX), {"period": str(this_month()[0])})
    assert year.context["matrix"].total >= 65_000_00


# ---------------------------------------------------------------- admin: 拨付预算 and the read-only ledger


def fund_url(programme: VoucherProgram) -> str:
    return reverse("admin:vouchers_voucherprogram_fund", args=[programme.pk])


def funded(programme: VoucherProgram) -> int:
    return -int(
        LedgerEntry.objects.filter(account__programme=programme, account__kind=K.FUNDING).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )


def test_fund_confirmation_posts_once_through_the_service(client, world):
    client.force_login(world.sz_admin)

    form_page = client.get(fund_url(world.sz_programme))
    assert form_page.status_code == 200 and "尚可拨入" in form_page.content.decode()
    key = form_page.context["form"].initial["idempotency_key"]
    data = {"amount": "12345.67", "memo": "苏财教〔示例〕号", "confirm": "on", "idempotency_key": key}

    response = client.post(fund_url(world.sz_programme), data)
    again = client.post(fund_url(world.sz_programme), data)  # a double submit

    assert response.status_code == 302 and again.status_code == 302
    assert funded(world.sz_programme) == 50 * WAN + 1234567
    fund = LedgerTransaction.objects.filter(programme=world.sz_programme, kind="fund").latest("pk")
    assert fund.memo == "苏财教〔示例〕号" and fund.actor == world.sz_admin
    assert "¥12,345.67" in str(list(get_messages(response.wsgi_request))[0])


def test_fund_refuses_over_the_total_and_without_confirmation(client, world):
    client.force_login(world.sz_admin)
    key = client.get(fund_url(world.sz_programme)).context["form"].initial["idempotency_key"]

    over = client.post(
        fund_url(world.sz_programme), {"amount": "300000.01", "confirm": "on", "idempotency_key": key}
    )
    unconfirmed = client.post(fund_url(world.sz_programme), {"amount": "100", "idempotency_key": key})
    fractions = client.post(
        fund_url(world.sz_programme), {"amount": "1.001", "confirm": "on", "idempotency_key": key}
    )

    assert "超出计划总额度" in over.context["form"].errors["amount"][0]
    assert "请勾选确认后再拨付" in unconfirmed.context["form"].errors["confirm"][0]
    assert "amount" in fractions.context["form"].errors
    assert funded(world.sz_programme) == 50 * WAN


def test_fund_of_another_citys_programme_is_404(client, world):
    client.force_login(world.nj_admin)
    assert client.get(fund_url(world.sz_programme)).status_code == 404
    response = client.post(
        fund_url(world.sz_programme), {"amount": "1", "confirm": "on", "idempotency_key": "x" * 10}
    )
    assert response.status_code == 404 and funded(world.sz_programme) == 50 * WAN


def test_fund_action_leads_to_the_confirmation_of_one_programme(client, world, alliance):
    client.force_login(alliance)
    changelist = reverse("admin:vouchers_voucherprogram_changelist")

    one = client.post(
        changelist,
        {"action": "fund_selected", helpers.ACTION_CHECKBOX_NAME: [world.nj_programme.pk], "index": 0},
    )
    both = client.post(
        changelist,
        {
            "action": "fund_selected",
            helpers.ACTION_CHECKBOX_NAME: [world.nj_programme.pk, world.sz_programme.pk],
            "index": 0,
        },
        follow=True,
    )

    assert one.status_code == 302 and one["Location"] == fund_url(world.nj_programme)
    assert "请只勾选一个计划" in both.content.decode()


def test_programme_changelist_and_change_page_show_money_and_links(client, world):
    client.force_login(world.nj_admin)

    changelist = client.get(reverse("admin:vouchers_voucherprogram_changelist")).content.decode()
    change = client.get(reverse("admin:vouchers_voucherprogram_change", args=[world.nj_programme.pk]))

    assert "¥1,000,000.00" in changelist and "¥900,000.00" in changelist
    assert world.sz_programme.name not in changelist
    html = change.content.decode()
    assert fund_url(world.nj_programme) in html and "¥100,000.00" in html  # 已发券 10 万元


def test_ledger_is_read_only_and_scoped(client, world):
    client.force_login(world.nj_admin)
    settle = world.redemptions["nj-to-sz"].closing
    other = world.redemptions["sz-to-nj"].closing

    changelist = client.get(reverse("admin:vouchers_ledgertransaction_changelist"))
    assert changelist.status_code == 200
    shown = set(changelist.context["cl"].result_list)
    assert settle in shown and other not in shown
    assert client.get(reverse("admin:vouchers_ledgertransaction_add")).status_code == 403
    detail = client.get(reverse("admin:vouchers_ledgertransaction_change", args=[settle.pk]))
    assert detail.status_code == 200 and "-¥30,000.00" in detail.content.decode()
    assert client.get(reverse("admin:vouchers_ledgertransaction_change", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("admin:vouchers_ledgertransaction_delete", args=[settle.pk])).status_code == 403
    )
    assert client.get(reverse("admin:vouchers_voucher_add")).status_code == 403
    accounts = client.get(reverse("admin:vouchers_ledgeraccount_changelist"))
    assert "¥900,000.00" in accounts.content.decode()
    assert LedgerTransaction.objects.filter(pk=settle.pk).exists()
