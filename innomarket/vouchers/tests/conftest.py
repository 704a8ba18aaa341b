"""A small 创新券 world: a 南京 programme (100 万 total, 20 万 per enterprise), one enterprise, two
service providers and the city admin who runs the programme."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from innomarket.common.tests.factories import OrganisationFactory, city, city_admin
from innomarket.organisations.models import Organisation
from innomarket.vouchers import selectors, services
from innomarket.vouchers.models import LedgerAccount, LedgerEntry, Voucher, VoucherProgram

WAN = services.FEN_PER_WAN


@dataclass
class World:
    admin: Any
    programme: VoucherProgram
    enterprise: Organisation
    provider: Organisation
    other_provider: Organisation

    def fund(self, wan: int = 100) -> None:
        services.programme_fund(actor=self.admin, programme=self.programme, amount_fen=wan * WAN)

    def voucher(self, wan: str = "10", enterprise: Organisation | None = None) -> Voucher:
        return services.voucher_issue(
            actor=self.admin,
            programme=self.programme,
            enterprise=enterprise or self.enterprise,
            amount_wan=Decimal(wan),
        )

    def balance(self, kind: str, **owner: Any) -> int:
        account = LedgerAccount.objects.filter(programme=self.programme, kind=kind, **owner).first()
        return 0 if account is None else selectors.account_balance(account=account)


def make_world() -> World:
    programme = VoucherProgram.objects.create(
        city=city("nanjing"),
        name="南京市科技创新券",
        total_budget_wan=Decimal("100"),
        max_per_enterprise_wan=Decimal("20"),
        status=VoucherProgram.Status.OPEN,
    )
    return World(
        admin=city_admin("nanjing", username="voucher-admin"),
        programme=programme,
        enterprise=OrganisationFactory(name="南京某某智能科技有限公司"),
        provider=OrganisationFactory(name="江苏某检测服务有限公司", kind=Organisation.Kind.SERVICE_PROVIDER),
        other_provider=OrganisationFactory(
            name="苏州某研发服务有限公司", kind=Organisation.Kind.SERVICE_PROVIDER
        ),
    )


@pytest.fixture
def world(db) -> World:
    return make_world()


def assert_ledger_balanced() -> None:
    """Every transaction sums to zero, so all balances together sum to zero."""
    from django.db.models import Sum

    unbalanced = LedgerEntry.objects.values("transaction_id").annotate(total=Sum("amount")).exclude(total=0)
    assert not unbalanced.exists(), list(unbalanced)
    assert (LedgerEntry.objects.aggregate(total=Sum("amount"))["total"] or 0) == 0
