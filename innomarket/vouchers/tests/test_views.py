"""The 创新券 pages: public programme pages, the workspace for each side, per-object 404s, located
errors on the forms, and the whole application → voucher → redemption → settlement path by HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from innomarket.common.tests.factories import OrganisationFactory, city, city_admin, member_of
from innomarket.organisations.models import Organisation
from innomarket.vouchers import selectors, services
from innomarket.vouchers.models import (
    ProviderApplication,
    Redemption,
    Voucher,
    VoucherApplication,
    VoucherProgram,
)

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


@pytest.fixture
def requested(w):
    """A voucher of the 南京 enterprise and a request by the accepted 苏州 lab, waiting for the enterprise."""
    services.programme_provider_accept(actor=w.admin, programme=w.programme, provider=w.suzhou_lab)
    voucher = w.voucher("10")
    redemption = services.redemption_request(
        actor=w.tester, provider=w.suzhou_lab, code=voucher.code, service="检测", amount_fen=2 * WAN
    )
    return voucher, redemption


def test_voucher_and_redemption_pages_are_404_to_strangers(client, w, requested):
    voucher, redemption = requested
    stranger = member_of(OrganisationFactory(name="无关企业"), username="stranger")
    client.force_login(stranger)
    assert client.get(voucher.get_absolute_url()).status_code == 404
    assert client.get(redemption.get_absolute_url()).status_code == 404
    # The provider sees its redemption but not the voucher's page (balance, other redemptions).
    client.force_login(w.tester)
    assert client.get(redemption.get_absolute_url()).status_code == 200
    assert client.get(voucher.get_absolute_url()).status_code == 404


def test_enterprise_declines_with_a_reason_shown_to_the_provider(client, w, requested):
    _voucher, redemption = requested
    client.force_login(w.founder)
    url = reverse("site:workspace-vouchers-redemption-action", args=[redemption.pk, "decline"])
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400 and "reason" in empty.context["action_forms"]["decline"].errors
    assert client.post(url, {"reason": "服务尚未完成"}).status_code == 302

    client.force_login(w.tester)
    page = client.get(redemption.get_absolute_url()).content.decode()
    assert "企业已拒绝" in page and "服务尚未完成" in page


def test_provider_cancels_and_cannot_confirm(client, w, requested):
    _voucher, redemption = requested
    client.force_login(w.tester)
    page = client.get(redemption.get_absolute_url()).content.decode()
    assert "answer-cancel" in page and "answer-confirm" not in page
    # Posting the enterprise's action anyway is refused by the service.
    refused = client.post(
        reverse("site:workspace-vouchers-redemption-action", args=[redemption.pk, "confirm"]), {}
    )
    assert refused.status_code == 400 and Redemption.objects.get().status == "requested"
    assert "只有持券企业的成员可以确认或拒绝兑付" in refused.content.decode()
    client.post(
        reverse("site:workspace-vouchers-redemption-action", args=[redemption.pk, "cancel"]), {"note": "录错"}
    )
    assert Redemption.objects.get().status == "cancelled"


def test_redeem_form_for_an_unregistered_provider_locates_the_error_on_the_code(client, w):
    voucher = w.voucher("10")
    other = OrganisationFactory(name="南京某检测公司", kind=Organisation.Kind.SERVICE_PROVIDER)
    services.programme_provider_accept(
        actor=city_admin("suzhou", username="sz-admin"),
        programme=VoucherProgram.objects.create(city=city("suzhou"), name="苏州计划", status="open"),
        provider=other,
    )
    client.force_login(member_of(other, username="other-lab"))
    response = client.post(
        reverse("site:workspace-vouchers-redeem"),
        {"provider": other.pk, "code": voucher.code, "service": "检测", "amount_yuan": "100"},
    )
    assert response.status_code == 400
    assert "尚未登记" in response.context["form"].errors["code"][0]


def test_review_page_is_for_city_admins_only_and_scoped(client, w, requested):
    _voucher, redemption = requested
    services.redemption_confirm(actor=w.founder, redemption=redemption)
    client.force_login(w.founder)
    assert client.get(reverse("site:workspace-vouchers-review")).status_code == 404
    client.force_login(city_admin("suzhou", username="sz-admin"))
    other_city = client.get(reverse("site:workspace-vouchers-review")).content.decode()
    assert redemption.voucher.code not in other_city
    client.force_login(w.admin)
    own = client.get(reverse("site:workspace-vouchers-review")).content.decode()
    assert redemption.voucher.code in own and "20,000.00" in own


def test_workspace_home_links_the_vouchers_and_lists_awaiting_confirmations(client, w, requested):
    client.force_login(w.founder)
    home = client.get(reverse("site:workspace")).content.decode()
    assert reverse("site:workspace-vouchers") in home
    assert "创新券兑付确认" in home  # 待我答复
