"""Redemptions racing on one voucher: eight threads, eight database connections, one barrier.

Runs against the test database file (SQLite, IMMEDIATE transactions) and against PostgreSQL
(``SELECT … FOR UPDATE`` on the account rows) in the PostgreSQL run of the suite.
"""

from __future__ import annotations

import pytest

from innomarket.challenges.tests.test_concurrency import race
from innomarket.common.exceptions import ApplicationError
from innomarket.vouchers import selectors, services
from innomarket.vouchers.errors import VoucherErrorCode
from innomarket.vouchers.models import LedgerAccount, LedgerTransaction, Voucher

from .conftest import WAN, assert_ledger_balanced

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_reference_data")]

THREADS = 8


def test_eight_redemptions_of_forty_percent_at_once_never_overspend(world):
    world.fund()
    voucher = world.voucher("10")

    results = race(
        *(
            (
                lambda i=i: services.redemption_reserve(
                    actor=world.admin,
                    voucher=voucher,
                    provider=world.provider if i % 2 else world.other_provider,
                    amount_fen=4 * WAN,
                    service=f"服务 {i}",
                )
            )
            for i in range(THREADS)
        )
    )

    reserved = [r for r in results if isinstance(r, LedgerTransaction)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(reserved) == 2 and len(refused) == THREADS - 2, results
    assert {r.code for r in refused} == {VoucherErrorCode.INSUFFICIENT_BALANCE}
    assert selectors.voucher_balance(voucher=voucher) == 2 * WAN
    receivables = LedgerAccount.objects.filter(kind=LedgerAccount.Kind.PROVIDER_RECEIVABLE)
    assert sum(selectors.account_balance(account=a) for a in receivables) == 8 * WAN
    assert_ledger_balanced()


def test_one_reservation_settled_from_eight_threads_is_paid_once(world):
    world.fund()
    voucher = world.voucher("10")
    reservation = services.redemption_reserve(
        actor=world.admin, voucher=voucher, provider=world.provider, amount_fen=3 * WAN, service="测试"
    )

    results = race(
        *(
            (lambda: services.redemption_settle(actor=world.admin, reservation=reservation))
            for _ in range(THREADS)
        )
    )

    settled = [r for r in results if isinstance(r, LedgerTransaction)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(settled) == 1 and len(refused) == THREADS - 1, results
    assert {r.code for r in refused} <= {VoucherErrorCode.ALREADY_CLOSED, VoucherErrorCode.DUPLICATE_REQUEST}
    assert world.balance(LedgerAccount.Kind.SETTLED, organisation=world.provider) == 3 * WAN
    assert world.balance(LedgerAccount.Kind.PROVIDER_RECEIVABLE, organisation=world.provider) == 0


def test_issues_to_one_enterprise_at_once_respect_the_cap(world):
    world.fund()

    results = race(*((lambda: world.voucher("8")) for _ in range(THREADS // 2)))

    issued = [r for r in results if isinstance(r, Voucher)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(issued) == 2 and len(refused) == THREADS // 2 - 2, results
    assert {r.code for r in refused} == {VoucherErrorCode.OVER_ENTERPRISE_CAP}
    assert selectors.enterprise_issued(programme=world.programme, enterprise=world.enterprise) == 16 * WAN


def test_expiry_racing_redemptions_loses_nothing(world):
    world.fund()
    voucher = world.voucher("10")

    results = race(
        lambda: services.voucher_expire(actor=world.admin, voucher=voucher),
        *(
            (
                lambda: services.redemption_reserve(
                    actor=world.admin,
                    voucher=voucher,
                    provider=world.provider,
                    amount_fen=3 * WAN,
                    service="测试",
                )
            )
            for _ in range(THREADS - 1)
        ),
    )

    assert not any(isinstance(r, Exception) and not isinstance(r, ApplicationError) for r in results), results
    reserved = LedgerTransaction.objects.filter(kind="reserve").count()
    assert reserved <= 3
    assert selectors.voucher_balance(voucher=voucher) == 0
    assert Voucher.objects.get(pk=voucher.pk).status == Voucher.Status.EXPIRED
    assert selectors.programme_available(programme=world.programme) == 90 * WAN + (10 - 3 * reserved) * WAN
    assert_ledger_balanced()


def test_approvals_racing_never_exceed_the_budget(world):
    # Given a programme funded with 20 万 and eight enterprises' applications for 8 万 each
    from decimal import Decimal

    from innomarket.common.tests.factories import OrganisationFactory, member_of
    from innomarket.vouchers.models import VoucherApplication

    world.fund(20)
    applications = []
    for i in range(THREADS):
        firm = OrganisationFactory(name=f"南京并发测试企业{i}")
        applications.append(
            services.voucher_application_submit(
                actor=member_of(firm, username=f"firm{i}"),
                programme=world.programme,
                enterprise=firm,
                amount_wan=Decimal("8"),
                service_kind="testing",
                purpose="检测",
            )
        )

    # When the city admin's approvals all arrive at once
    results = race(
        *(
            (lambda a=a: services.voucher_application_approve(actor=world.admin, application=a))
            for a in applications
        )
    )

    # Then only two fit: the others are refused on the budget and stay waiting
    approved = [r for r in results if isinstance(r, VoucherApplication)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(approved) == 2 and len(refused) == THREADS - 2, results
    assert {r.code for r in refused} <= {VoucherErrorCode.OVER_BUDGET, VoucherErrorCode.DUPLICATE_REQUEST}
    assert Voucher.objects.count() == 2
    assert selectors.programme_available(programme=world.programme) == 4 * WAN
    assert VoucherApplication.objects.filter(status="submitted").count() == THREADS - 2
    assert_ledger_balanced()
