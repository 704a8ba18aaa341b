"""A hypothesis state machine over the ledger services, checked against a plain-Python model.

Each example runs inside a savepoint of the test's transaction and is rolled back in ``teardown``,
so the examples share one world (programme, enterprises, providers) and start from an empty ledger.
Invariants after every step: each transaction sums to zero, all balances together sum to zero, no
account other than funding is negative, a reservation is closed (settled, released or reversed) at
most once, and every balance equals the model's.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from innomarket.common.exceptions import ApplicationError
from innomarket.common.tests.factories import OrganisationFactory
from innomarket.vouchers import selectors, services
from innomarket.vouchers.errors import VoucherErrorCode as Code
from innomarket.vouchers.models import LedgerAccount, LedgerEntry, LedgerTransaction, Voucher

from .conftest import WAN, World, make_world

K = LedgerAccount.Kind
amounts = st.integers(min_value=1, max_value=12 * WAN) | st.sampled_from([1, WAN, 5 * WAN])


class LedgerMachine(RuleBasedStateMachine):
    world: World
    enterprises: list[Any]

    vouchers = Bundle("vouchers")
    reservations = Bundle("reservations")
    reversible = Bundle("reversible")

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        # The model: what the ledger must say.
        self.funded = 0
        self.budget = 0
        self.issued: Counter[int] = Counter()  # enterprise id -> net issued
        self.wallet: dict[int, int] = {}
        self.usable: dict[int, bool] = {}
        self.open: dict[int, tuple[int, int, int]] = {}  # reservation -> (voucher, provider, amount)
        self.receivable: Counter[int] = Counter()
        self.settled: Counter[int] = Counter()
        self.reversed: set[int] = set()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def refused(self, call: Any, *codes: str) -> Any:
        with pytest.raises(ApplicationError) as exc:
            call()
        assert exc.value.code in codes, exc.value.message

    # ---------------------------------------------------------------- rules

    @rule(target=reversible, wan=st.integers(min_value=1, max_value=40))
    def fund(self, wan: int) -> Any:
        def call() -> LedgerTransaction:
            return services.programme_fund(
                actor=self.world.admin, programme=self.world.programme, amount_fen=wan * WAN
            )

        if self.funded + wan * WAN > 100 * WAN:
            self.refused(call, Code.OVER_PROGRAMME_TOTAL)
            return multiple()
        self.funded += wan * WAN
        self.budget += wan * WAN
        return call()

    @rule(
        target=vouchers,
        which=st.integers(min_value=0, max_value=1),
        wan=st.integers(min_value=1, max_value=15),
    )
    def issue(self, which: int, wan: int) -> Any:
        enterprise = self.enterprises[which]

        def call() -> Voucher:
            return self.world.voucher(str(wan), enterprise=enterprise)

        amount = wan * WAN
        if amount > self.budget:
            self.refused(call, Code.OVER_BUDGET)
            return multiple()
        if self.issued[enterprise.pk] + amount > 20 * WAN:
            self.refused(call, Code.OVER_ENTERPRISE_CAP)
            return multiple()
        voucher = call()
        self.budget -= amount
        self.issued[enterprise.pk] += amount
        self.wallet[voucher.pk] = amount
        self.usable[voucher.pk] = True
        return voucher

    @rule(target=reversible, voucher=vouchers)
    def issue_as_reversible(self, voucher: Voucher) -> Any:
        return LedgerTransaction.objects.get(voucher=voucher, kind="issue")

    @rule(target=reservations, voucher=vouchers, other=st.booleans(), amount=amounts)
    def reserve(self, voucher: Voucher, other: bool, amount: int) -> Any:
        provider = self.world.other_provider if other else self.world.provider

        def call() -> LedgerTransaction:
            return services.redemption_reserve(
                actor=self.world.admin, voucher=voucher, provider=provider, amount_fen=amount, service="检测"
            )

        if not self.usable[voucher.pk]:
            self.refused(call, Code.VOUCHER_NOT_USABLE)
            return multiple()
        if amount > self.wallet[voucher.pk]:
            self.refused(call, Code.INSUFFICIENT_BALANCE)
            return multiple()
        reservation = call()
        self.wallet[voucher.pk] -= amount
        self.receivable[provider.pk] += amount
        self.open[reservation.pk] = (voucher.pk, provider.pk, amount)
        return reservation

    @rule(target=reversible, reservation=reservations)
    def reservation_as_reversible(self, reservation: LedgerTransaction) -> Any:
        return reservation

    @rule(reservation=reservations)
    def settle(self, reservation: LedgerTransaction) -> None:
        def call() -> Any:
            return services.redemption_settle(actor=self.world.admin, reservation=reservation)

        if reservation.pk not in self.open:
            self.refused(call, Code.ALREADY_CLOSED)
            return
        call()
        _voucher, provider, amount = self.open.pop(reservation.pk)
        self.receivable[provider] -= amount
        self.settled[provider] += amount

    @rule(reservation=reservations)
    def release(self, reservation: LedgerTransaction) -> None:
        def call() -> Any:
            return services.redemption_release(actor=self.world.admin, reservation=reservation)

        if reservation.pk not in self.open:
            self.refused(call, Code.ALREADY_CLOSED)
            return
        call()
        voucher, provider, amount = self.open.pop(reservation.pk)
        self.receivable[provider] -= amount
        if self.usable[voucher]:
            self.wallet[voucher] += amount
        else:
            self.budget += amount

    @rule(voucher=vouchers)
    def expire(self, voucher: Voucher) -> None:
        def call() -> Any:
            return services.voucher_expire(actor=self.world.admin, voucher=voucher)

        if not self.usable[voucher.pk]:
            self.refused(call, Code.ALREADY_EXPIRED)
            return
        call()
        self.usable[voucher.pk] = False
        self.budget += self.wallet[voucher.pk]
        self.wallet[voucher.pk] = 0

    @rule(original=reversible)
    def reverse(self, original: LedgerTransaction) -> None:
        def call() -> Any:
            return services.transaction_reverse(
                actor=self.world.admin, ledger_transaction=original, reason="更正"
            )

        if original.pk in self.reversed:
            self.refused(call, Code.ALREADY_REVERSED)
            return
        amount = max(original.entries.values_list("amount", flat=True))
        if original.kind == "fund":
            if self.budget < amount:
                self.refused(call, Code.INSUFFICIENT_BALANCE)
                return
            call()
            self.budget -= amount
            self.funded -= amount
        elif original.kind == "issue":
            voucher = original.voucher
            assert voucher is not None
            if self.wallet[voucher.pk] < amount:
                self.refused(call, Code.INSUFFICIENT_BALANCE)
                return
            call()
            self.wallet[voucher.pk] -= amount
            self.budget += amount
            self.usable[voucher.pk] = False
            self.issued[voucher.enterprise_id] -= amount
        else:
            if original.pk not in self.open:
                self.refused(call, Code.ALREADY_CLOSED)
                return
            call()
            voucher_id, provider, amount = self.open.pop(original.pk)
            self.receivable[provider] -= amount
            self.wallet[voucher_id] += amount
        self.reversed.add(original.pk)

    # ---------------------------------------------------------------- invariants

    @invariant()
    def every_transaction_sums_to_zero(self) -> None:
        unbalanced = (
            LedgerEntry.objects.values("transaction_id").annotate(total=Sum("amount")).exclude(total=0)
        )
        assert not unbalanced.exists()
        assert (LedgerEntry.objects.aggregate(total=Sum("amount"))["total"] or 0) == 0

    @invariant()
    def only_funding_goes_negative(self) -> None:
        accounts = {a.pk: a for a in LedgerAccount.objects.all()}
        for account_id, balance in selectors.account_balances(programme=self.world.programme).items():
            if accounts[account_id].kind != K.FUNDING:
                assert balance >= 0, (accounts[account_id], balance)

    @invariant()
    def a_reservation_is_closed_at_most_once(self) -> None:
        closed_twice = (
            LedgerTransaction.objects.exclude(closes=None)
            .values("closes")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        )
        assert not closed_twice.exists()
        settles = LedgerTransaction.objects.filter(kind="settle")
        assert settles.count() == settles.values("closes").distinct().count()

    @invariant()
    def balances_match_the_model(self) -> None:
        programme = self.world.programme
        assert selectors.programme_available(programme=programme) == self.budget
        for voucher_id, expected in self.wallet.items():
            assert selectors.voucher_balance(voucher=Voucher(pk=voucher_id)) == expected
        for kind, model in ((K.PROVIDER_RECEIVABLE, self.receivable), (K.SETTLED, self.settled)):
            for provider in (self.world.provider, self.world.other_provider):
                assert self.world.balance(kind, organisation=provider) == model[provider.pk]


@pytest.mark.django_db
def test_ledger_invariants_hold_for_any_sequence_of_movements():
    world = make_world()
    enterprises = [world.enterprise, OrganisationFactory(name="常州某某新材料有限公司")]

    class Machine(LedgerMachine):
        pass

    Machine.world = world
    Machine.enterprises = enterprises
    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
