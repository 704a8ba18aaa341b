"""跨城结算: the monthly statement per city, its reconciliation to the ledger, the cross-city matrix
and the programme figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db.models import Count, Sum
from django.utils import timezone

from innomarket.common.tests.factories import city
from innomarket.vouchers import selectors, services
from innomarket.vouchers.models import LedgerAccount, LedgerEntry, LedgerTransaction, VoucherProgram
from innomarket.vouchers.settlement import (
    month_bounds,
    programme_figures,
    programme_journal,
    settlement_matrix,
    settlement_statement,
    statement_reconcile,
)

from .settlement_world import WAN, SettlementWorld, last_month, make_settlement_world, this_month

K = LedgerAccount.Kind
T = LedgerTransaction.Kind


@pytest.fixture
def world(db) -> SettlementWorld:
    return make_settlement_world()


def statement(slug: str, when: tuple[int, int] | None = None):
    year, month = when or this_month()
    return settlement_statement(city_id=city(slug).pk, year=year, month=month)


def reverse_settlement(world: SettlementWorld, name: str) -> LedgerTransaction:
    """Post the negated settlement (no service offers it yet: settlements are final). The ledger
    shape is the one ``transaction_reverse`` posts."""
    settle = world.redemptions[name].closing
    legs = list(settle.entries.select_related("account"))
    return services._post(
        kind=T.REVERSAL,
        programme=settle.programme,
        voucher=settle.voucher,
        entries=[(e.account, -e.amount) for e in legs],
        actor=None,
        idempotency_key=f"test-reverse-{settle.pk}",
        reverses=settle,
        memo="更正：重复结算",
    )


def test_month_bounds_are_local_calendar_months():
    start, end = month_bounds(2025, 12)
    assert timezone.localtime(start).replace(tzinfo=None) == dt.datetime(2025, 12, 1)
    assert timezone.localtime(end).replace(tzinfo=None) == dt.datetime(2026, 1, 1)
    with pytest.raises(ValueError):
        month_bounds(2025, 13)


def test_payer_side_lists_what_the_citys_programmes_paid_to_providers_of_every_city(world):
    nanjing = statement("nanjing")

    assert [(line.provider_name, line.amount_fen) for line in nanjing.paid_lines] == [
        (world.sz_lab.name, 3 * WAN),
        (world.nj_lab.name, 15_000_00),
    ]
    first = nanjing.paid_lines[0]
    assert first.cross_city and first.payer_city_name == "南京市" and first.provider_city_name == "苏州市"
    assert first.voucher_code == world.nj_voucher.code and first.enterprise_name == world.nj_enterprise.name
    assert first.redemption_id == world.redemptions["nj-to-sz"].pk
    assert first.service == "检测服务：nj-to-sz" and first.kind == T.SETTLE
    assert nanjing.paid_total_fen == 45_000_00 and nanjing.paid_cross_city_fen == 3 * WAN
    # Which city's budget pays whom: 南京 pays 苏州 3 万 and its own providers 1.5 万.
    assert [(s.city_name, s.lines, s.amount_fen) for s in nanjing.paid_by_city] == [
        ("南京市", 1, 15_000_00),
        ("苏州市", 1, 3 * WAN),
    ]


def test_receiving_side_lists_other_cities_programmes_paying_the_citys_providers(world):
    nanjing, suzhou = statement("nanjing"), statement("suzhou")

    assert [
        (line.payer_city_name, line.provider_name, line.amount_fen) for line in nanjing.received_lines
    ] == [("苏州市", world.nj_lab.name, 2 * WAN)]
    assert [(s.city_name, s.amount_fen) for s in nanjing.received_by_city] == [("苏州市", 2 * WAN)]
    # The mirror image from 苏州's side.
    assert [(s.city_name, s.amount_fen) for s in suzhou.paid_by_city] == [("南京市", 2 * WAN)]
    assert [(s.city_name, s.amount_fen) for s in suzhou.received_by_city] == [("南京市", 3 * WAN)]


def test_the_month_only_holds_settlements_posted_in_it(world):
    nanjing_last = statement("nanjing", last_month())

    assert [(line.provider_name, line.amount_fen) for line in nanjing_last.paid_lines] == [
        (world.nj_lab.name, 1 * WAN)
    ]
    assert nanjing_last.received_lines == []
    assert nanjing_last.issued_fen == 10 * WAN and nanjing_last.funded_fen == 100 * WAN


def test_opening_and_closing_balances_of_the_citys_programme_accounts(world):
    nanjing = statement("nanjing")

    assert {a.kind: (a.opening_fen, a.closing_fen) for a in nanjing.accounts} == {
        K.FUNDING: (-100 * WAN, -100 * WAN),
        K.PROGRAMME_BUDGET: (90 * WAN, 90 * WAN),
        K.VOUCHER: (9 * WAN, 37_000_00),
        K.PROVIDER_RECEIVABLE: (0, 8_000_00),
        K.SETTLED: (1 * WAN, 55_000_00),
    }
    assert nanjing.reserved_fen == 58_000_00 and nanjing.released_fen == 5_000_00
    assert nanjing.settled_fen == 45_000_00 and nanjing.issued_fen == 0 and nanjing.expired_fen == 0
    # The closing balances are what the balance selectors say now.
    assert nanjing.account(K.PROGRAMME_BUDGET).closing_fen == selectors.programme_available(
        programme=world.nj_programme
    )
    assert nanjing.account(K.VOUCHER).closing_fen == selectors.voucher_balance(voucher=world.nj_voucher)
    suzhou = statement("suzhou")
    assert suzhou.funded_fen == 50 * WAN and suzhou.issued_fen == 5 * WAN
    assert len(suzhou.programmes) == 1 and suzhou.programmes[0].account(K.SETTLED).closing_fen == 2 * WAN


def test_statements_reconcile_to_the_ledger_to_the_cent(world):
    for slug in ("nanjing", "suzhou", "wuxi"):
        for when in (this_month(), last_month()):
            assert statement_reconcile(statement(slug, when)) == []
    assert LedgerEntry.objects.aggregate(total=Sum("amount"))["total"] == 0


def test_expiry_in_the_month_returns_unspent_amounts_and_still_reconciles(world):
    VoucherProgram.objects.filter(pk=world.nj_programme.pk).update(
        valid_to=timezone.localdate() - dt.timedelta(days=1)
    )
    assert services.vouchers_expire_due() == 1

    nanjing = statement("nanjing")
    assert nanjing.expired_fen == 37_000_00
    assert nanjing.account(K.VOUCHER).closing_fen == 0
    assert nanjing.account(K.PROGRAMME_BUDGET).closing_fen == 90 * WAN + 37_000_00
    # The confirmed 0.8 万 stays with the 苏州 lab until it is settled or released.
    assert nanjing.account(K.PROVIDER_RECEIVABLE).closing_fen == 8_000_00
    assert statement_reconcile(nanjing) == []


def test_a_reversed_settlement_is_a_negative_line_and_the_statement_still_reconciles(world):
    reversal = reverse_settlement(world, "nj-to-sz")

    nanjing, suzhou = statement("nanjing"), statement("suzhou")

    negative = nanjing.paid_lines[-1]
    assert (negative.kind, negative.amount_fen, negative.reverses_id) == (
        T.REVERSAL,
        -3 * WAN,
        world.redemptions["nj-to-sz"].closing_id,
    )
    assert (
        negative.transaction_id == reversal.pk and negative.redemption_id == world.redemptions["nj-to-sz"].pk
    )
    assert nanjing.paid_total_fen == 15_000_00
    assert [(s.city_name, s.lines, s.amount_fen) for s in nanjing.paid_by_city] == [
        ("南京市", 1, 15_000_00),
        ("苏州市", 2, 0),
    ]
    assert suzhou.received_total_fen == 0
    assert statement_reconcile(nanjing) == [] and statement_reconcile(suzhou) == []


def test_an_unbalanced_row_written_behind_the_ledgers_back_is_caught(world):
    settle = world.redemptions["nj-to-sz"].closing
    settled_account = LedgerAccount.objects.get(
        programme=world.nj_programme, kind=K.SETTLED, organisation=world.sz_lab
    )
    LedgerEntry.objects.create(transaction=settle, account=settled_account, amount=1)  # one 分

    differences = statement_reconcile(statement("nanjing"))

    labels = {d.label: d.difference_fen for d in differences}
    assert labels["全部分录借贷合计"] == -1
    assert labels[f"交易 #{settle.pk} 借贷不平衡"] == -1
    assert any("各账户期末合计" in label for label in labels)


def test_a_statement_that_drops_or_changes_a_line_is_caught(world):
    nanjing = statement("nanjing")

    dropped = dataclasses.replace(nanjing, paid_lines=nanjing.paid_lines[1:])
    labels = {d.label for d in statement_reconcile(dropped)}
    assert "本市计划支付结算合计" in labels and "按服务机构所在城市小计之和" in labels

    changed_line = dataclasses.replace(nanjing.paid_lines[0], amount_fen=nanjing.paid_lines[0].amount_fen - 1)
    changed = dataclasses.replace(nanjing, paid_lines=[changed_line, *nanjing.paid_lines[1:]])
    differences = statement_reconcile(changed)
    assert any(
        d.label == f"兑付 #{changed_line.redemption_id} 结算金额" and d.difference_fen == -1
        for d in differences
    )

    wrong_balance = dataclasses.replace(
        nanjing.accounts[1], closing_fen=nanjing.accounts[1].closing_fen + 100
    )
    tampered = dataclasses.replace(
        nanjing, accounts=[nanjing.accounts[0], wrong_balance, *nanjing.accounts[2:]]
    )
    assert [d.difference_fen for d in statement_reconcile(tampered)] == [100]


def test_statement_reads_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for n in range(3):
        world.redeem(f"more-{n}", world.nj_voucher, world.sz_lab, 1_000_00, "settled")
    with django_assert_max_num_queries(12):
        nanjing = statement("nanjing")
    assert len(nanjing.paid_lines) == 5


def test_cross_city_matrix_shows_which_citys_budget_paid_whom(world):
    nanjing, suzhou = city("nanjing"), city("suzhou")

    all_time = settlement_matrix()
    assert all_time.cell(nanjing.pk, nanjing.pk) == 25_000_00
    assert all_time.cell(nanjing.pk, suzhou.pk) == 3 * WAN
    assert all_time.cell(suzhou.pk, nanjing.pk) == 2 * WAN
    assert all_time.total == 75_000_00 and all_time.cross_city_total == 5 * WAN
    assert all_time.paid_by(nanjing.pk) == 55_000_00 and all_time.received_by(nanjing.pk) == 45_000_00
    assert len(all_time.cities) == 8 and sum(all_time.column_totals()) == all_time.total

    start, end = month_bounds(*this_month())
    month = settlement_matrix(start=start, end=end)
    assert month.cell(nanjing.pk, nanjing.pk) == 15_000_00 and month.total == 65_000_00


def test_programme_figures_add_up(world):
    rows = {f.programme.pk: f for f in programme_figures(programmes=VoucherProgram.objects.all())}

    nj = rows[world.nj_programme.pk]
    assert (nj.budget_fen, nj.funded_fen, nj.available_fen, nj.issued_fen) == (
        100 * WAN,
        100 * WAN,
        90 * WAN,
        10 * WAN,
    )
    assert (nj.outstanding_fen, nj.reserved_fen, nj.settled_fen, nj.expired_fen) == (
        37_000_00,
        8_000_00,
        55_000_00,
        0,
    )
    assert nj.funded_fen == nj.available_fen + nj.outstanding_fen + nj.reserved_fen + nj.settled_fen
    assert (nj.vouchers, nj.providers, nj.unfunded_fen) == (1, 2, 0)
    sz = rows[world.sz_programme.pk]
    assert (sz.funded_fen, sz.issued_fen, sz.settled_fen, sz.unfunded_fen) == (
        50 * WAN,
        5 * WAN,
        2 * WAN,
        30 * WAN,
    )


def test_programme_figures_count_a_reversed_issue_out(world):
    voucher = services.voucher_issue(
        actor=world.nj_admin, programme=world.nj_programme, enterprise=world.sz_enterprise, amount_wan=2
    )
    issue = LedgerTransaction.objects.get(voucher=voucher, kind=T.ISSUE)
    services.transaction_reverse(actor=world.nj_admin, ledger_transaction=issue, reason="发错企业")

    (nj,) = programme_figures(programmes=VoucherProgram.objects.filter(pk=world.nj_programme.pk))
    assert nj.issued_fen == 10 * WAN and nj.available_fen == 90 * WAN


def test_journal_is_newest_first_with_links(world):
    reversal = reverse_settlement(world, "nj-to-sz")

    journal = list(programme_journal(programme=world.nj_programme))
    assert journal[0] == reversal and journal[0].reverses == world.redemptions["nj-to-sz"].closing
    assert {tx.programme_id for tx in journal} == {world.nj_programme.pk}
    settles = list(programme_journal(programme=world.nj_programme, kind=T.SETTLE))
    assert len(settles) == 3 and all(tx.kind == T.SETTLE for tx in settles)


# ---------------------------------------------------------------- the provider city is recorded


def frozen(slug: str, when: tuple[int, int]) -> tuple:
    """Everything a statement shows (lines, subtotals, balances), without its generation time."""
    s = statement(slug, when)
    return (s.paid_lines, s.received_lines, s.paid_by_city, s.received_by_city, s.programmes, s.accounts)


def move(organisation, slug: str) -> None:
    organisation.city = city(slug)
    organisation.save()


def test_a_provider_that_moves_changes_no_statement_already_drawn_up(world):
    # Given the statements of the lab's old city, its new city and a payer city, both months.
    months = (last_month(), this_month())
    slugs = ("nanjing", "wuxi", "suzhou")
    before = {(slug, when): frozen(slug, when) for slug in slugs for when in months}
    matrix_before = settlement_matrix().cells
    assert before[("nanjing", this_month())][1]  # 苏州 paid the 南京 lab this month (cross-city)

    # When the 南京 lab moves to 无锡.
    move(world.nj_lab, "wuxi")

    # Then no line, subtotal or balance of any of them changes, and they still reconcile.
    for (slug, when), shown in before.items():
        assert frozen(slug, when) == shown, (slug, when)
        assert statement_reconcile(statement(slug, when)) == []
    assert settlement_matrix().cells == matrix_before
    nanjing_received = statement("nanjing").received_lines
    assert [(line.provider_city_name, line.amount_fen) for line in nanjing_received] == [("南京市", 2 * WAN)]


def test_a_settlement_after_the_move_goes_to_the_providers_new_city(world):
    pending = world.redeem("before-move", world.sz_voucher, world.nj_lab, 5_000_00, "confirmed")
    move(world.nj_lab, "wuxi")
    nanjing_before = frozen("nanjing", this_month())

    world.redeem("after-move", world.sz_voucher, world.nj_lab, 6_000_00, "settled")
    # A reservation confirmed before the move is paid where the provider is when it is settled.
    services.redemption_complete(actor=world.sz_admin, redemption=pending)

    suzhou, wuxi = statement("suzhou"), statement("wuxi")
    assert [(line.provider_city_name, line.amount_fen) for line in suzhou.paid_lines] == [
        ("南京市", 2 * WAN),
        ("无锡市", 6_000_00),
        ("无锡市", 5_000_00),
    ]
    assert [(c.city_name, c.lines, c.amount_fen) for c in suzhou.paid_by_city] == [
        ("南京市", 1, 2 * WAN),
        ("无锡市", 2, 11_000_00),
    ]
    assert [(c.city_name, c.amount_fen) for c in wuxi.received_by_city] == [("苏州市", 11_000_00)]
    assert frozen("nanjing", this_month()) == nanjing_before
    matrix = settlement_matrix()
    assert matrix.cell(city("suzhou").pk, city("wuxi").pk) == 11_000_00
    assert matrix.cell(city("suzhou").pk, city("nanjing").pk) == 2 * WAN
    for slug in ("nanjing", "suzhou", "wuxi"):
        assert statement_reconcile(statement(slug)) == []
    reserve = LedgerTransaction.objects.get(pk=pending.reservation_id)
    assert reserve.provider_city == city("nanjing")  # the reservation keeps where it was posted


def test_provider_movements_record_the_city_and_a_reversal_copies_it(world):
    suzhou = city("suzhou")
    kinds = dict(
        LedgerTransaction.objects.filter(provider_city__isnull=False)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assert set(kinds) == {T.RESERVE, T.SETTLE, T.RELEASE}
    assert not LedgerTransaction.objects.filter(kind__in=(T.FUND, T.ISSUE), provider_city__isnull=False)
    released = world.redemptions["nj-released"]
    assert released.closing.kind == T.RELEASE and released.closing.provider_city == suzhou

    reserve = world.redemptions["nj-reserved"].reservation
    move(world.sz_lab, "nanjing")  # a move before the reversal does not change where it counts
    reversal = services.transaction_reverse(
        actor=world.nj_admin, ledger_transaction=reserve, reason="金额录入有误"
    )

    assert reversal.provider_city == reserve.provider_city == suzhou
    reversal.refresh_from_db()
    assert reversal.provider_city_id == suzhou.pk
    assert reverse_settlement(world, "nj-to-sz").provider_city == suzhou
    assert [(line.kind, line.provider_city_name) for line in statement("nanjing").paid_lines][-1] == (
        T.REVERSAL,
        "苏州市",
    )


def test_backfill_migration_sets_the_city_from_the_provider_accounts(world):
    backfill = importlib.import_module(
        "innomarket.vouchers.migrations.0006_backfill_ledger_provider_city"
    ).backfill
    reversal = reverse_settlement(world, "nj-to-sz")
    recorded = dict(LedgerTransaction.objects.values_list("pk", "provider_city_id"))
    LedgerTransaction.objects.update(provider_city=None)

    backfill(apps, None)

    assert dict(LedgerTransaction.objects.values_list("pk", "provider_city_id")) == recorded
    assert recorded[reversal.pk] == city("suzhou").pk
    backfill(apps, None)  # rerunning changes nothing
    assert dict(LedgerTransaction.objects.values_list("pk", "provider_city_id")) == recorded
