"""可用创新券: which providers accept an enterprise's usable vouchers, and which providers accept
vouchers at all (for search and listings)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from innomarket.common.tests.factories import OrganisationFactory, city, member_of
from innomarket.organisations.models import Organisation
from innomarket.vouchers import selectors, services
from innomarket.vouchers.models import LedgerTransaction, Voucher, VoucherProgram

from .settlement_world import WAN, SettlementWorld, make_settlement_world


@pytest.fixture
def world(db) -> SettlementWorld:
    return make_settlement_world()


def test_an_enterprise_with_a_usable_voucher_sees_the_programmes_providers(world):
    assert selectors.voucher_acceptors(organisation=world.nj_enterprise) == {world.nj_lab.pk, world.sz_lab.pk}
    assert selectors.voucher_acceptors(organisation=world.sz_enterprise) == {world.nj_lab.pk, world.sz_lab.pk}


def test_only_the_programmes_of_the_vouchers_held_count(world):
    wuxi_lab = OrganisationFactory(
        name="无锡某检测中心", city=city("wuxi"), kind=Organisation.Kind.SERVICE_PROVIDER
    )
    services.programme_provider_accept(actor=world.sz_admin, programme=world.sz_programme, provider=wuxi_lab)

    assert wuxi_lab.pk not in selectors.voucher_acceptors(organisation=world.nj_enterprise)
    assert wuxi_lab.pk in selectors.voucher_acceptors(organisation=world.sz_enterprise)


def test_an_organisation_without_vouchers_has_no_acceptors(world):
    assert selectors.voucher_acceptors(organisation=world.nj_lab) == set()


def test_the_enterprise_itself_is_not_an_acceptor(world):
    services.programme_provider_accept(
        actor=world.nj_admin, programme=world.nj_programme, provider=world.nj_enterprise
    )
    assert world.nj_enterprise.pk not in selectors.voucher_acceptors(organisation=world.nj_enterprise)


def test_expired_voucher_is_not_usable(world):
    VoucherProgram.objects.filter(pk=world.sz_programme.pk).update(
        valid_to=timezone.localdate() - dt.timedelta(days=1)
    )
    # Past the validity the voucher no longer counts even before the housekeeping expires it …
    assert selectors.voucher_acceptors(organisation=world.sz_enterprise) == set()
    services.vouchers_expire_due()
    # … and after it neither.
    assert Voucher.objects.get(pk=world.sz_voucher.pk).status == Voucher.Status.EXPIRED
    assert selectors.voucher_acceptors(organisation=world.sz_enterprise) == set()


def test_valid_until_today_still_counts(world):
    VoucherProgram.objects.filter(pk=world.sz_programme.pk).update(valid_to=timezone.localdate())
    assert selectors.voucher_acceptors(organisation=world.sz_enterprise) == {world.nj_lab.pk, world.sz_lab.pk}


def test_a_spent_or_voided_voucher_is_not_usable(world):
    # The 苏州 voucher (5 万, 2 万 settled): spend the rest.
    world.redeem("rest", world.sz_voucher, world.sz_lab, 3 * WAN, "settled")
    assert Voucher.objects.get(pk=world.sz_voucher.pk).status == Voucher.Status.SETTLED
    assert selectors.voucher_acceptors(organisation=world.sz_enterprise) == set()

    other = OrganisationFactory(name="苏州另一家企业", city=city("suzhou"))
    voucher = services.voucher_issue(
        actor=world.sz_admin, programme=world.sz_programme, enterprise=other, amount_wan=Decimal("1")
    )
    assert selectors.voucher_acceptors(organisation=other) == {world.nj_lab.pk, world.sz_lab.pk}
    issue = LedgerTransaction.objects.get(voucher=voucher, kind=LedgerTransaction.Kind.ISSUE)
    services.transaction_reverse(actor=world.sz_admin, ledger_transaction=issue, reason="发错企业")
    assert selectors.voucher_acceptors(organisation=other) == set()


def test_a_fully_reserved_voucher_is_not_usable(world):
    other = OrganisationFactory(name="南京另一家企业", city=city("nanjing"))
    voucher = services.voucher_issue(
        actor=world.nj_admin, programme=world.nj_programme, enterprise=other, amount_wan=Decimal("1")
    )
    world.users[f"member-{other.pk}"] = member_of(other, username="other-founder")
    world.redeem("all-of-it", voucher, world.sz_lab, 1 * WAN, "confirmed")
    assert Voucher.objects.get(pk=voucher.pk).status == Voucher.Status.REDEEMED
    assert selectors.voucher_acceptors(organisation=other) == set()


def test_accepting_provider_ids_are_providers_of_open_programmes(world):
    assert selectors.accepting_provider_ids() == {world.nj_lab.pk, world.sz_lab.pk}

    wuxi_lab = OrganisationFactory(
        name="无锡某检测中心", city=city("wuxi"), kind=Organisation.Kind.SERVICE_PROVIDER
    )
    services.programme_provider_accept(actor=world.sz_admin, programme=world.sz_programme, provider=wuxi_lab)
    assert wuxi_lab.pk in selectors.accepting_provider_ids()

    VoucherProgram.objects.filter(pk=world.sz_programme.pk).update(status=VoucherProgram.Status.CLOSED)
    assert selectors.accepting_provider_ids() == {world.nj_lab.pk, world.sz_lab.pk}
    VoucherProgram.objects.filter(pk=world.nj_programme.pk).update(
        valid_to=timezone.localdate() - dt.timedelta(days=1)
    )
    assert selectors.accepting_provider_ids() == set()


def test_selectors_take_a_fixed_number_of_queries(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        selectors.voucher_acceptors(organisation=world.nj_enterprise)
    with django_assert_num_queries(1):
        selectors.accepting_provider_ids()
