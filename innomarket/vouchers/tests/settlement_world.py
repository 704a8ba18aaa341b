"""A cross-city 创新券 world for the settlement tests: 南京 and 苏州 programmes, providers in both
cities, and a history spread over two months (last month and this month).

Last month: 南京 funds 100 万, issues 10 万 to a 南京 enterprise, which spends 1 万 with a 南京 lab
(settled). This month: 苏州 funds 50 万 and issues 5 万 to a 苏州 enterprise; the 南京 enterprise
spends 3 万 with a 苏州 lab (settled, cross-city) and 1.5 万 with the 南京 lab (settled), confirms
0.8 万 with the 苏州 lab (reserved, not settled) and 0.5 万 that the city releases; the 苏州
enterprise spends 2 万 with the 南京 lab (settled: 苏州 pays 南京).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from innomarket.common.tests.factories import OrganisationFactory, city, city_admin, member_of
from innomarket.organisations.models import Organisation
from innomarket.vouchers import services
from innomarket.vouchers.models import LedgerTransaction, Redemption, Voucher, VoucherProgram

WAN = services.FEN_PER_WAN


def this_month() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, today.month


def last_month() -> tuple[int, int]:
    year, month = this_month()
    return (year, month - 1) if month > 1 else (year - 1, 12)


def move_to_last_month(up_to_pk: int) -> None:
    """Date every ledger transaction up to ``up_to_pk`` on the 15th of last month (tests only)."""
    year, month = last_month()
    when = timezone.make_aware(dt.datetime(year, month, 15, 10, 0))
    LedgerTransaction.objects.filter(pk__lte=up_to_pk).update(created_at=when)


@dataclass
class SettlementWorld:
    nj_admin: Any
    sz_admin: Any
    nj_programme: VoucherProgram
    sz_programme: VoucherProgram
    nj_enterprise: Organisation
    sz_enterprise: Organisation
    nj_lab: Organisation
    sz_lab: Organisation
    nj_voucher: Voucher
    sz_voucher: Voucher
    users: dict[str, Any] = field(default_factory=dict)
    redemptions: dict[str, Redemption] = field(default_factory=dict)

    def redeem(self, name: str, voucher: Voucher, provider: Organisation, fen: int, until: str) -> Redemption:
        """Run a redemption to ``until`` ("confirmed", "settled" or "released")."""
        enterprise_user = self.users[f"member-{voucher.enterprise_id}"]
        provider_user = self.users[f"member-{provider.pk}"]
        admin = self.nj_admin if voucher.program_id == self.nj_programme.pk else self.sz_admin
        redemption = services.redemption_request(
            actor=provider_user,
            provider=provider,
            code=voucher.code,
            service=f"检测服务：{name}",
            amount_fen=fen,
        )
        redemption = services.redemption_confirm(actor=enterprise_user, redemption=redemption)
        if until == "settled":
            redemption = services.redemption_complete(actor=admin, redemption=redemption)
        elif until == "released":
            redemption = services.redemption_release_confirmed(
                actor=admin, redemption=redemption, reason="服务未完成"
            )
        self.redemptions[name] = redemption
        return redemption


def make_settlement_world() -> SettlementWorld:
    nanjing, suzhou = city("nanjing"), city("suzhou")
    nj_admin = city_admin("nanjing", username="nj-voucher-admin")
    sz_admin = city_admin("suzhou", username="sz-voucher-admin")
    nj_programme = VoucherProgram.objects.create(
        city=nanjing,
        name="南京市科技创新券（示例）",
        total_budget_wan=Decimal("100"),
        max_per_enterprise_wan=Decimal("20"),
        status=VoucherProgram.Status.OPEN,
    )
    sz_programme = VoucherProgram.objects.create(
        city=suzhou,
        name="苏州市科技创新券（示例）",
        total_budget_wan=Decimal("80"),
        max_per_enterprise_wan=Decimal("10"),
        status=VoucherProgram.Status.OPEN,
    )
    nj_enterprise = OrganisationFactory(name="南京某智能制造有限公司", city=nanjing)
    sz_enterprise = OrganisationFactory(name="苏州某新材料有限公司", city=suzhou)
    nj_lab = OrganisationFactory(
        name="南京某检测技术有限公司", city=nanjing, kind=Organisation.Kind.SERVICE_PROVIDER
    )
    sz_lab = OrganisationFactory(
        name="苏州某检验检测中心", city=suzhou, kind=Organisation.Kind.SERVICE_PROVIDER
    )
    users = {
        f"member-{org.pk}": member_of(org, username=f"member-{org.pk}")
        for org in (nj_enterprise, sz_enterprise, nj_lab, sz_lab)
    }
    for programme, admin in ((nj_programme, nj_admin), (sz_programme, sz_admin)):
        for lab in (nj_lab, sz_lab):
            services.programme_provider_accept(actor=admin, programme=programme, provider=lab)

    # Last month.
    services.programme_fund(actor=nj_admin, programme=nj_programme, amount_fen=100 * WAN)
    nj_voucher = services.voucher_issue(
        actor=nj_admin, programme=nj_programme, enterprise=nj_enterprise, amount_wan=Decimal("10")
    )
    world = SettlementWorld(
        nj_admin=nj_admin,
        sz_admin=sz_admin,
        nj_programme=nj_programme,
        sz_programme=sz_programme,
        nj_enterprise=nj_enterprise,
        sz_enterprise=sz_enterprise,
        nj_lab=nj_lab,
        sz_lab=sz_lab,
        nj_voucher=nj_voucher,
        sz_voucher=nj_voucher,  # replaced below
        users=users,
    )
    world.redeem("last-month", nj_voucher, nj_lab, 1 * WAN, "settled")
    move_to_last_month(LedgerTransaction.objects.order_by("-pk").values_list("pk", flat=True)[0])

    # This month.
    services.programme_fund(actor=sz_admin, programme=sz_programme, amount_fen=50 * WAN)
    world.sz_voucher = services.voucher_issue(
        actor=sz_admin, programme=sz_programme, enterprise=sz_enterprise, amount_wan=Decimal("5")
    )
    world.redeem("nj-to-sz", nj_voucher, sz_lab, 3 * WAN, "settled")
    world.redeem("nj-local", nj_voucher, nj_lab, 15_000_00, "settled")
    world.redeem("nj-reserved", nj_voucher, sz_lab, 8_000_00, "confirmed")
    world.redeem("nj-released", nj_voucher, sz_lab, 5_000_00, "released")
    world.redeem("sz-to-nj", world.sz_voucher, nj_lab, 2 * WAN, "settled")
    return world
