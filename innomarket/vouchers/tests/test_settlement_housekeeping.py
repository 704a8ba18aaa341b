"""Scheduled expiry: the hourly housekeeping expires vouchers past their programme's 有效期止, returns
the unspent amounts to the programme budget and lapses open 兑付 requests; rerunning changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from innomarket.challenges.services import housekeeping
from innomarket.vouchers import selectors, services
from innomarket.vouchers.models import LedgerEntry, LedgerTransaction, Redemption, Voucher, VoucherProgram
from innomarket.vouchers.settlement import settlement_statement, statement_reconcile

from .settlement_world import WAN, SettlementWorld, make_settlement_world, this_month


@pytest.fixture
def world(db) -> SettlementWorld:
    return make_settlement_world()


def end_validity(programme: VoucherProgram, days_ago: int) -> None:
    VoucherProgram.objects.filter(pk=programme.pk).update(
        valid_to=timezone.localdate() - dt.timedelta(days=days_ago)
    )


def test_housekeeping_expires_due_vouchers_returns_unspent_and_lapses_open_requests(world):
    # Given: the 南京 voucher has 3.7 万 left, 0.8 万 confirmed for the 苏州 lab and a fresh request.
    lab_member = world.users[f"member-{world.sz_lab.pk}"]
    pending = services.redemption_request(
        actor=lab_member, provider=world.sz_lab, code=world.nj_voucher.code, service="检测", amount_fen=WAN
    )
    end_validity(world.nj_programme, days_ago=1)
    budget_before = selectors.programme_available(programme=world.nj_programme)

    report = housekeeping()

    assert report.vouchers_expired == 1
    assert Voucher.objects.get(pk=world.nj_voucher.pk).status == Voucher.Status.EXPIRED
    assert selectors.voucher_balance(voucher=world.nj_voucher) == 0
    assert selectors.programme_available(programme=world.nj_programme) == budget_before + 37_000_00
    assert Redemption.objects.get(pk=pending.pk).status == Redemption.Status.LAPSED
    # The confirmed reservation stays with the provider.
    assert (
        Redemption.objects.get(pk=world.redemptions["nj-reserved"].pk).status == Redemption.Status.CONFIRMED
    )
    # The 苏州 programme has no end date: untouched.
    assert Voucher.objects.get(pk=world.sz_voucher.pk).status == Voucher.Status.PARTIAL
    year, month = this_month()
    nanjing = settlement_statement(city_id=world.nj_programme.city_id, year=year, month=month)
    assert nanjing.expired_fen == 37_000_00 and statement_reconcile(nanjing) == []


def test_rerunning_the_housekeeping_changes_nothing(world):
    end_validity(world.nj_programme, days_ago=3)
    housekeeping()
    transactions = LedgerTransaction.objects.count()
    entries = LedgerEntry.objects.aggregate(total=Sum("amount"), n=Count("pk"))

    again = housekeeping()

    assert again.vouchers_expired == 0
    assert LedgerTransaction.objects.count() == transactions
    assert LedgerEntry.objects.aggregate(total=Sum("amount"), n=Count("pk")) == entries


def test_a_voucher_valid_until_today_is_not_expired(world):
    end_validity(world.nj_programme, days_ago=0)

    assert housekeeping().vouchers_expired == 0
    assert Voucher.objects.get(pk=world.nj_voucher.pk).status == Voucher.Status.PARTIAL


def test_housekeeping_expires_by_the_day_of_its_now(world):
    end_validity(world.nj_programme, days_ago=0)

    report = housekeeping(now=timezone.now() + dt.timedelta(days=1))

    assert report.vouchers_expired == 1
