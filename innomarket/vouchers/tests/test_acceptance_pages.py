"""A provider's public pages say which vouchers it accepts, and a holder sees their own."""

from __future__ import annotations

import pytest

from innomarket.common.tests.factories import member_of
from innomarket.regions.tests.helpers import make_listing
from innomarket.vouchers import services
from innomarket.vouchers.models import VoucherProgram

from .conftest import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    world = make_world()
    world.fund(100)
    services.programme_provider_accept(
        actor=world.admin, programme=world.programme, provider=world.provider, services="力学性能检测"
    )
    accepted = make_listing("instrument", city="nanjing", title="万能材料试验机", owner=world.provider)
    outside = make_listing("instrument", city="nanjing", title="扫描电子显微镜", owner=world.other_provider)
    return world, accepted, outside


def test_an_accepted_providers_instrument_names_the_programme(client, pages):
    world, accepted, outside = pages

    page = client.get(accepted.get_absolute_url()).content.decode()

    assert "可用创新券" in page
    assert world.programme.name in page
    assert "可用创新券" not in client.get(outside.get_absolute_url()).content.decode()


def test_a_holder_sees_their_voucher_and_balance_on_the_page(client, pages):
    world, accepted, _outside = pages
    voucher = world.voucher("10")
    client.force_login(member_of(world.enterprise))

    page = client.get(accepted.get_absolute_url()).content.decode()

    assert "您持有的创新券可在此使用" in page
    assert voucher.code in page
    assert "余额 100,000.00 元" in page


def test_someone_elses_voucher_is_not_shown(client, pages):
    world, accepted, _outside = pages
    voucher = world.voucher("10")
    client.force_login(member_of(world.provider))

    page = client.get(accepted.get_absolute_url()).content.decode()

    assert voucher.code not in page
    assert "您持有的创新券可在此使用" not in page


def test_a_closed_programme_is_no_longer_announced(client, pages):
    world, accepted, _outside = pages
    VoucherProgram.objects.filter(pk=world.programme.pk).update(status=VoucherProgram.Status.CLOSED)

    assert "可用创新券" not in client.get(accepted.get_absolute_url()).content.decode()


def test_a_self_declared_instrument_says_so_with_a_caveat(client, pages):
    _world, _accepted, outside = pages
    outside.accepts_vouchers = True
    outside.save(update_fields=["accepts_vouchers"])

    page = client.get(outside.get_absolute_url()).content.decode()

    assert "发布机构声明该仪器可使用创新券" in page


def calculator(client, organisation) -> str:
    return client.get(f"/workspace/o/{organisation.pk}/policies/").content.decode()


def test_the_calculator_offers_the_citys_open_programme_with_what_is_left_under_the_cap(client, pages):
    world, _accepted, _outside = pages
    world.voucher("5")
    client.force_login(member_of(world.enterprise))

    page = calculator(client, world.enterprise)

    assert "可申领的创新券计划" in page
    assert world.programme.name in page
    assert "本企业尚可申领 150,000.00 元" in page  # 20 万 cap − 5 万 issued
    assert "可用的创新券" in page and "余额 50,000.00 元" in page


def test_the_calculator_stops_offering_a_programme_once_the_cap_is_reached(client, pages):
    world, _accepted, _outside = pages
    world.voucher("20")
    client.force_login(member_of(world.enterprise))

    page = calculator(client, world.enterprise)

    assert "可申领的创新券计划" not in page
    assert "余额 200,000.00 元" in page
