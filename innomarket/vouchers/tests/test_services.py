"""The 创新券 ledger's movements and refusals, one service at a time."""

from __future__ import annotations

from decimal import Decimal

import pytest

from innomarket.common.exceptions import ApplicationError, ErrorCode
from innomarket.vouchers import selectors, services
from innomarket.vouchers.errors import VoucherErrorCode
from innomarket.vouchers.models import LedgerAccount, LedgerEntry, LedgerTransaction, Voucher, VoucherProgram

from .conftest import WAN, assert_ledger_balanced

K = LedgerAccount.Kind


def reserve(world, voucher, fen, provider=None, **kwargs):
    return services.redemption_reserve(
        actor=world.admin,
        voucher=voucher,
        provider=provider or world.provider,
        amount_fen=fen,
        service="检验检测：材料成分分析",
        **kwargs,
    )


def test_funding_moves_money_from_funding_to_budget(world):
    world.fund(30)

    assert selectors.programme_available(programme=world.programme) == 30 * WAN
    assert world.balance(K.FUNDING) == -30 * WAN
    assert_ledger_balanced()


def test_funding_beyond_the_programme_total_is_refused(world):
    world.fund(90)

    with pytest.raises(ApplicationError) as exc:
        world.fund(11)

    assert exc.value.code == VoucherErrorCode.OVER_PROGRAMME_TOTAL
    assert "超出计划总额度" in exc.value.message
    assert selectors.programme_available(programme=world.programme) == 90 * WAN


def test_issue_creates_the_voucher_and_fills_its_wallet(world):
    world.fund()

    voucher = world.voucher("10")

    assert voucher.status == Voucher.Status.ISSUED and voucher.issued_at is not None
    assert selectors.voucher_balance(voucher=voucher) == 10 * WAN
    assert selectors.programme_available(programme=world.programme) == 90 * WAN
    issue = LedgerTransaction.objects.get(kind="issue")
    assert sorted(issue.entries.values_list("amount", flat=True)) == [-10 * WAN, 10 * WAN]
    assert_ledger_balanced()


def test_issue_over_the_budget_is_refused(world):
    world.fund(5)

    with pytest.raises(ApplicationError) as exc:
        world.voucher("6")

    assert exc.value.code == VoucherErrorCode.OVER_BUDGET
    assert exc.value.message == "计划可发额度不足：剩余 50,000.00 元，本次 60,000.00 元。"
    assert not Voucher.objects.exists()


def test_issue_over_the_per_enterprise_cap_is_refused(world):
    world.fund()
    world.voucher("15")

    with pytest.raises(ApplicationError) as exc:
        world.voucher("6")

    assert exc.value.code == VoucherErrorCode.OVER_ENTERPRISE_CAP
    assert "超出单家企业上限" in exc.value.message
    assert Voucher.objects.count() == 1


def test_a_reversed_issue_gives_the_cap_back(world):
    world.fund()
    first = world.voucher("15")
    issue = LedgerTransaction.objects.get(voucher=first, kind="issue")
    services.transaction_reverse(actor=world.admin, ledger_transaction=issue, reason="发错企业")

    world.voucher("20")

    assert Voucher.objects.get(pk=first.pk).status == Voucher.Status.CANCELLED
    assert selectors.programme_available(programme=world.programme) == 80 * WAN


def test_issue_needs_an_open_programme(world):
    world.fund()
    VoucherProgram.objects.filter(pk=world.programme.pk).update(status=VoucherProgram.Status.CLOSED)
    world.programme.refresh_from_db()

    with pytest.raises(ApplicationError) as exc:
        world.voucher("1")

    assert exc.value.code == VoucherErrorCode.PROGRAMME_NOT_OPEN


def test_partial_redemptions_reserve_then_settle(world):
    world.fund()
    voucher = world.voucher("10")

    first = reserve(world, voucher, 3 * WAN)
    second = reserve(world, voucher, 2 * WAN + 1, provider=world.other_provider)
    services.redemption_settle(actor=world.admin, reservation=first)

    assert selectors.voucher_balance(voucher=voucher) == 5 * WAN - 1
    assert world.balance(K.PROVIDER_RECEIVABLE, organisation=world.provider) == 0
    assert world.balance(K.SETTLED, organisation=world.provider) == 3 * WAN
    assert world.balance(K.PROVIDER_RECEIVABLE, organisation=world.other_provider) == 2 * WAN + 1
    assert list(selectors.voucher_open_reservations(voucher=voucher)) == [second]
    assert first.memo == "检验检测：材料成分分析"
    assert_ledger_balanced()


def test_reserving_more_than_the_wallet_is_refused(world):
    world.fund()
    voucher = world.voucher("10")
    reserve(world, voucher, 8 * WAN)

    with pytest.raises(ApplicationError) as exc:
        reserve(world, voucher, 2 * WAN + 1)

    assert exc.value.code == VoucherErrorCode.INSUFFICIENT_BALANCE
    assert exc.value.message == "创新券余额不足：可用 20,000.00 元，本次 20,000.01 元。"
    assert selectors.voucher_balance(voucher=voucher) == 2 * WAN


@pytest.mark.parametrize("fen", [0, -1])
def test_amounts_must_be_positive(world, fen):
    world.fund()
    voucher = world.voucher("1")

    with pytest.raises(ApplicationError) as exc:
        reserve(world, voucher, fen)

    assert exc.value.code == VoucherErrorCode.AMOUNT_NOT_POSITIVE


def test_an_enterprise_cannot_redeem_with_itself(world):
    world.fund()
    voucher = world.voucher("1")

    with pytest.raises(ApplicationError) as exc:
        reserve(world, voucher, 100, provider=world.enterprise)

    assert exc.value.code == VoucherErrorCode.SELF_REDEMPTION


def test_a_reservation_is_settled_once(world):
    world.fund()
    voucher = world.voucher("10")
    reservation = reserve(world, voucher, 4 * WAN)
    services.redemption_settle(actor=world.admin, reservation=reservation)

    with pytest.raises(ApplicationError) as exc:
        services.redemption_settle(actor=world.admin, reservation=reservation)
    assert exc.value.code == VoucherErrorCode.ALREADY_CLOSED
    assert exc.value.message == "该笔兑付已结算，不能重复结算或释放。"
    with pytest.raises(ApplicationError):
        services.redemption_release(actor=world.admin, reservation=reservation)

    assert world.balance(K.SETTLED, organisation=world.provider) == 4 * WAN
    assert LedgerTransaction.objects.filter(kind="settle").count() == 1


def test_release_returns_the_reservation_to_the_wallet_and_cannot_be_settled(world):
    world.fund()
    voucher = world.voucher("10")
    reservation = reserve(world, voucher, 4 * WAN)

    services.redemption_release(actor=world.admin, reservation=reservation, reason="企业取消服务")

    assert selectors.voucher_balance(voucher=voucher) == 10 * WAN
    with pytest.raises(ApplicationError) as exc:
        services.redemption_settle(actor=world.admin, reservation=reservation)
    assert exc.value.code == VoucherErrorCode.ALREADY_CLOSED
    assert exc.value.message == "该笔兑付预留已释放。"


def test_only_reservations_can_be_settled(world):
    world.fund()
    voucher = world.voucher("1")
    issue = LedgerTransaction.objects.get(kind="issue")

    with pytest.raises(ApplicationError) as exc:
        services.redemption_settle(actor=world.admin, reservation=issue)

    assert exc.value.code == VoucherErrorCode.NOT_A_RESERVATION
    assert selectors.voucher_balance(voucher=voucher) == WAN


def test_expiry_returns_the_unspent_amount_to_the_budget(world):
    world.fund()
    voucher = world.voucher("10")
    settled = reserve(world, voucher, 3 * WAN)
    services.redemption_settle(actor=world.admin, reservation=settled)
    pending = reserve(world, voucher, 2 * WAN)

    expiry = services.voucher_expire(actor=world.admin, voucher=voucher)

    assert expiry is not None and expiry.kind == "expire"
    assert Voucher.objects.get(pk=voucher.pk).status == Voucher.Status.EXPIRED
    assert selectors.voucher_balance(voucher=voucher) == 0
    assert selectors.programme_available(programme=world.programme) == 95 * WAN
    # The confirmed but unsettled redemption stays with the provider; if released, it goes to the budget.
    services.redemption_release(actor=world.admin, reservation=pending)
    assert selectors.voucher_balance(voucher=voucher) == 0
    assert selectors.programme_available(programme=world.programme) == 97 * WAN
    assert_ledger_balanced()


def test_an_expired_voucher_cannot_be_redeemed_or_expired_again(world):
    world.fund()
    voucher = world.voucher("10")
    services.voucher_expire(actor=world.admin, voucher=voucher)

    with pytest.raises(ApplicationError) as exc:
        reserve(world, voucher, 1)
    assert exc.value.code == VoucherErrorCode.VOUCHER_NOT_USABLE
    with pytest.raises(ApplicationError) as exc:
        services.voucher_expire(actor=world.admin, voucher=voucher)
    assert exc.value.code == VoucherErrorCode.ALREADY_EXPIRED


def test_expiring_a_fully_spent_voucher_posts_nothing(world):
    world.fund()
    voucher = world.voucher("1")
    reserve(world, voucher, WAN)

    assert services.voucher_expire(actor=world.admin, voucher=voucher) is None
    assert not LedgerTransaction.objects.filter(kind="expire").exists()


def test_reversal_negates_the_entries_once(world):
    fund = services.programme_fund(actor=world.admin, programme=world.programme, amount_fen=7 * WAN)

    reversal = services.transaction_reverse(actor=world.admin, ledger_transaction=fund, reason="拨款文号有误")

    assert reversal.reverses == fund
    original = dict(fund.entries.values_list("account_id", "amount"))
    assert dict(reversal.entries.values_list("account_id", "amount")) == {k: -v for k, v in original.items()}
    assert selectors.programme_available(programme=world.programme) == 0
    with pytest.raises(ApplicationError) as exc:
        services.transaction_reverse(actor=world.admin, ledger_transaction=fund, reason="再来一次")
    assert exc.value.code == VoucherErrorCode.ALREADY_REVERSED
    assert exc.value.message == "该笔交易已冲正，不能重复冲正。"


def test_reversal_needs_a_reason(world):
    fund = services.programme_fund(actor=world.admin, programme=world.programme, amount_fen=WAN)

    with pytest.raises(ApplicationError) as exc:
        services.transaction_reverse(actor=world.admin, ledger_transaction=fund, reason=" ")

    assert exc.value.code == ErrorCode.REASON_REQUIRED


def test_an_issue_whose_voucher_was_used_cannot_be_reversed(world):
    world.fund()
    voucher = world.voucher("10")
    reserve(world, voucher, 1)
    issue = LedgerTransaction.objects.get(kind="issue")

    with pytest.raises(ApplicationError) as exc:
        services.transaction_reverse(actor=world.admin, ledger_transaction=issue, reason="发错")

    assert exc.value.code == VoucherErrorCode.INSUFFICIENT_BALANCE
    assert "不能冲正" in exc.value.message
    assert Voucher.objects.get(pk=voucher.pk).status == Voucher.Status.ISSUED


def test_reversing_a_reservation_closes_it(world):
    world.fund()
    voucher = world.voucher("10")
    reservation = reserve(world, voucher, 4 * WAN)

    services.transaction_reverse(actor=world.admin, ledger_transaction=reservation, reason="误操作")

    assert selectors.voucher_balance(voucher=voucher) == 10 * WAN
    assert not selectors.reservation_open(reservation=reservation)
    with pytest.raises(ApplicationError) as exc:
        services.redemption_settle(actor=world.admin, reservation=reservation)
    assert exc.value.message == "该笔兑付预留已冲正。"


@pytest.mark.parametrize("kind", ["settle", "release", "expire"])
def test_final_movements_cannot_be_reversed(world, kind):
    world.fund()
    voucher = world.voucher("10")
    reservation = reserve(world, voucher, WAN)
    if kind == "settle":
        services.redemption_settle(actor=world.admin, reservation=reservation)
    elif kind == "release":
        services.redemption_release(actor=world.admin, reservation=reservation)
    else:
        services.voucher_expire(actor=world.admin, voucher=voucher)
    movement = LedgerTransaction.objects.get(kind=kind)

    with pytest.raises(ApplicationError) as exc:
        services.transaction_reverse(actor=world.admin, ledger_transaction=movement, reason="更正")

    assert exc.value.code == VoucherErrorCode.NOT_REVERSIBLE


def test_a_repeated_idempotency_key_returns_the_first_result(world):
    world.fund()
    voucher = world.voucher("10")

    first = reserve(world, voucher, 3 * WAN, idempotency_key="pos-1")
    again = reserve(world, voucher, 3 * WAN, idempotency_key="pos-1")
    issued = services.voucher_issue(
        actor=world.admin,
        programme=world.programme,
        enterprise=world.enterprise,
        amount_wan=Decimal("1"),
        idempotency_key="issue-1",
    )
    issued_again = services.voucher_issue(
        actor=world.admin,
        programme=world.programme,
        enterprise=world.enterprise,
        amount_wan=Decimal("1"),
        idempotency_key="issue-1",
    )

    assert again == first and issued_again == issued
    assert LedgerTransaction.objects.filter(kind="reserve").count() == 1
    assert selectors.voucher_balance(voucher=voucher) == 7 * WAN
    assert Voucher.objects.count() == 2


def test_an_idempotency_key_used_for_another_movement_is_refused(world):
    world.fund()
    voucher = world.voucher("10")
    reservation = reserve(world, voucher, WAN, idempotency_key="k-1")

    with pytest.raises(ApplicationError) as exc:
        services.redemption_settle(actor=world.admin, reservation=reservation, idempotency_key="k-1")

    assert exc.value.code == VoucherErrorCode.IDEMPOTENCY_CONFLICT
    assert selectors.reservation_open(reservation=reservation)


def test_unbalanced_entries_are_refused(world):
    world.fund()
    budget = LedgerAccount.objects.get(kind=K.PROGRAMME_BUDGET)

    with pytest.raises(ApplicationError) as exc:
        services._post(
            kind="fund", programme=world.programme, entries=[(budget, 5)], actor=None, idempotency_key=None
        )

    assert exc.value.code == VoucherErrorCode.UNBALANCED
    assert LedgerEntry.objects.filter(amount=5).count() == 0


def test_amounts_are_shown_in_yuan():
    assert services.yuan(1) == "0.01 元"
    assert services.yuan(123456789) == "1,234,567.89 元"
    assert services.wan_to_fen(Decimal("0.01")) == 10_000
