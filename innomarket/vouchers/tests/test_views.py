"""The 创新券 pages: public programme pages, the workspace for each side, per-object 404s, located
errors on the forms, and the whole application → voucher → redemption → settlement path by HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from innomarket.common.tests.factories import OrganisationFactory, city, city_admin, member_of
from innomarket.organisations.models import Organisation
from innomarket.vouchers import selectors, services
from innomarket.vouchers.models import ProviderApplication, Redemption, Voucher, VoucherApplication

from .conftest import WAN, make_world

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def w(db):
    world = make_world()
    world.fund(100)
    world.programme.valid_to = None
    world.programme.year = 2026
    world.programme.save()
    world.founder = member_of(world.enterprise, username="founder")
    suzhou_lab = OrganisationFactory(
        name="苏州某检测中心", city=city("suzhou"), kind=Organisation.Kind.SERVICE_PROVIDER
    )
    world.suzhou_lab = suzhou_lab
    world.tester = member_of(suzhou_lab, username="tester")
    return world


def login(client, user):
    client.force_login(user)
    return client


def test_public_programme_pages_show_budget_cap_and_providers(client, w):
    services.programme_provider_accept(actor=w.admin, programme=w.programme, provider=w.suzhou_lab)
    w.voucher("10")

    listing = client.get(reverse("vouchers:programme-list"))
    detail = client.get(w.programme.get_absolute_url())

    assert listing.status_code == 200 and w.programme.name in listing.text
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "苏州某检测中心" in text and "跨城" in text
    assert "90" in text  # 尚可发放 90 万元
    assert "20" in text  # 单家企业上限


def test_enterprise_applies_with_the_cap_error_on_the_field(client, w):
    login(client, w.founder)
    url = reverse("site:workspace-vouchers-apply", args=[w.programme.pk])

    too_much = client.post(
        url,
        {"enterprise": w.enterprise.pk, "amount_wan": "25", "service_kind": "testing", "purpose": "材料检测"},
    )
    assert too_much.status_code == 400
    assert "超出单家企业上限" in too_much.context["form"].errors["amount_wan"][0]

    ok = client.post(
        url,
        {"enterprise": w.enterprise.pk, "amount_wan": "8", "service_kind": "testing", "purpose": "材料检测"},
    )
    application = VoucherApplication.objects.get()
    assert ok.status_code == 302 and ok.url == application.get_absolute_url()
    page = client.get(application.get_absolute_url())
    assert "待审核" in page.content.decode()


def test_application_page_is_404_to_another_citys_admin_and_strangers(client, w):
    application = services.voucher_application_submit(
        actor=w.founder,
        programme=w.programme,
        enterprise=w.enterprise,
        amount_wan=Decimal("5"),
        service_kind="testing",
        purpose="检测",
    )
    for user in (city_admin("suzhou", username="sz-admin"), w.tester):
        client.force_login(user)
        assert client.get(application.get_absolute_url()).status_code == 404
        assert (
            client.post(
                reverse("site:workspace-vouchers-application-action", args=[application.pk, "approve"]),
                {"amount_wan": "5"},
            ).status_code
            == 404
        )
    client.force_login(w.admin)
    assert client.get(application.get_absolute_url()).status_code == 200


def test_full_path_by_http(client, w):
    # 1. apply, 2. admin approves less than requested, 3. provider registers and is accepted,
    # 4. provider enters the code, 5. enterprise confirms, 6. admin settles.
    login(client, w.founder)
    client.post(
        reverse("site:workspace-vouchers-apply", args=[w.programme.pk]),
        {"enterprise": w.enterprise.pk, "amount_wan": "8", "service_kind": "testing", "purpose": "材料检测"},
    )
    application = VoucherApplication.objects.get()

    client.force_login(w.admin)
    review = client.get(reverse("site:workspace-vouchers-review"))
    assert w.enterprise.name in review.content.decode()
    over = client.post(
        reverse("site:workspace-vouchers-application-action", args=[application.pk, "approve"]),
        {"amount_wan": "9"},
    )
    assert over.status_code == 400 and "不能超过申领金额" in over.content.decode()
    done = client.post(
        reverse("site:workspace-vouchers-application-action", args=[application.pk, "approve"]),
        {"amount_wan": "6", "note": "核减"},
    )
    assert done.status_code == 302
    voucher = Voucher.objects.get()
    assert voucher.code.startswith("NJ2026-") and voucher.amount_wan == Decimal("6")

    client.force_login(w.tester)
    client.post(
        reverse("site:workspace-vouchers-join", args=[w.programme.pk]),
        {"provider": w.suzhou_lab.pk, "service_kinds": ["testing"], "services": "材料成分分析"},
    )
    provider_application = ProviderApplication.objects.get()
    client.force_login(w.admin)
    client.post(
        reverse(
            "site:workspace-vouchers-provider-application-action", args=[provider_application.pk, "accept"]
        ),
        {},
    )
    assert selectors.is_accepted_provider(programme=w.programme, provider=w.suzhou_lab)

    client.force_login(w.tester)
    redeem = reverse("site:workspace-vouchers-redeem")
    unknown = client.post(
        redeem, {"provider": w.suzhou_lab.pk, "code": "NJ2026-NOPE", "service": "x", "amount_yuan": "100"}
    )
    assert "券号不存在" in unknown.context["form"].errors["code"][0]
    over = client.post(
        redeem,
        {
            "provider": w.suzhou_lab.pk,
            "code": voucher.code.lower(),
            "service": "检测",
            "amount_yuan": "60000.01",
        },
    )
    assert "余额不足" in over.context["form"].errors["amount_yuan"][0]
    ok = client.post(
        redeem,
        {
            "provider": w.suzhou_lab.pk,
            "code": voucher.code.lower(),
            "service": "材料成分分析 3 项",
            "amount_yuan": "12345.67",
        },
    )
    redemption = Redemption.objects.get()
    assert ok.status_code == 302 and redemption.amount_fen == 1_234_567

    client.force_login(w.founder)
    home = client.get(reverse("site:workspace-vouchers"))
    assert "待我确认的兑付" in home.content.decode()
    client.post(reverse("site:workspace-vouchers-redemption-action", args=[redemption.pk, "confirm"]), {})
    assert Redemption.objects.get().status == "confirmed"

    client.force_login(w.admin)
    client.post(
        reverse("site:workspace-vouchers-redemption-action", args=[redemption.pk, "complete"]),
        {"memo": "凭证 001"},
    )
    assert Redemption.objects.get().status == "settled"

    client.force_login(w.founder)
    page = client.get(voucher.get_absolute_url()).content.decode()
    assert "47,654.33" in page  # 60,000.00 − 12,345.67
    assert selectors.voucher_balance(voucher=voucher) == 6 * WAN - 1_234_567
