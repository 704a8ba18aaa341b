"""The finance workspace pages: apply, answer, attachments private to the two parties, interests."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from innomarket.finance import services
from innomarket.finance.models import FinancingInterest, LoanApplication

from .conftest import pdf

pytestmark = pytest.mark.django_db


def apply_url(world) -> str:
    return reverse("site:workspace-finance-apply", kwargs={"product_pk": world.product.pk})


def action_url(application, action: str) -> str:
    return reverse(
        "site:workspace-finance-application-action", kwargs={"pk": application.pk, "action": action}
    )


def test_product_page_links_to_the_application_form(client, world):
    body = client.get(world.product.get_absolute_url()).content.decode()
    assert apply_url(world) in body


def test_enterprise_applies_with_a_file_and_sees_its_application(client, world):
    client.force_login(world.founder)
    form = client.get(apply_url(world)).content.decode()
    assert "本产品额度：100–5,000 万元" in form

    response = client.post(
        apply_url(world),
        {
            "applicant": world.enterprise.pk,
            "amount_wan": "3500",
            "term_months": "12",
            "purpose": "研发投入",
            "attachments": [pdf()],
        },
    )

    application = LoanApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    page = client.get(application.get_absolute_url()).content.decode()
    assert "财务报表.pdf" in page and "待受理" in page
    home = client.get(reverse("site:workspace-finance")).content.decode()
    assert "科创企业授信" in home


def test_amount_outside_the_range_is_shown_on_the_field_and_nothing_is_saved(client, world):
    client.force_login(world.founder)

    response = client.post(
        apply_url(world), {"applicant": world.enterprise.pk, "amount_wan": "9000", "purpose": "研发"}
    )

    assert response.status_code == 400
    assert "不在本产品的额度范围（100–5,000 万元）之内" in response.context["form"].errors["amount_wan"][0]
    assert not LoanApplication.objects.exists()


def test_someone_without_an_enterprise_is_told_how_to_apply(client, world):
    client.force_login(world.banker)
    body = client.get(apply_url(world)).content.decode()
    assert "金融产品需以企业名义申请" in body


def test_bank_sees_the_application_by_status_and_grants_it(client, world):
    application = world.apply()
    client.force_login(world.banker)

    def listed(status: str) -> list:
        context = client.get(reverse("site:workspace-finance"), {"status": status}).context
        return [row["record"] for row in context["institutions"][0]["applications"]]

    assert listed("submitted") == [application]
    assert listed("granted") == []

    assert client.post(action_url(application, "accept"), {"note": ""}).status_code == 302
    bad = client.post(action_url(application, "grant"), {"amount_wan": "0"})
    assert bad.status_code == 400
    assert "授信金额须大于 0 万元" in bad.content.decode()
    ok = client.post(
        action_url(application, "grant"), {"amount_wan": "3500", "term_months": "12", "note": ""}
    )
    assert ok.status_code == 302

    application.refresh_from_db()
    assert application.status == "granted"
    client.force_login(world.founder)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "授信 3,500 万元" in page
    assert "已受理" in page  # the history


def test_decline_without_reason_is_refused_on_the_field(client, world):
    application = world.apply()
    client.force_login(world.banker)

    response = client.post(action_url(application, "decline"), {"reason": "", "note": ""})

    assert response.status_code == 400
    assert response.context["open_action"] == "decline"
    application.refresh_from_db()
    assert application.status == "submitted"


def test_the_enterprise_cannot_answer_its_own_application(client, world):
    application = world.apply()
    client.force_login(world.founder)

    response = client.post(action_url(application, "grant"), {"amount_wan": "3500"})

    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == "submitted"


def test_attachments_open_to_the_two_parties_only(client, world):
    application = world.apply(files=[pdf()])
    attachment = application.attachments.get()
    url = reverse(
        "site:workspace-finance-application-file", kwargs={"pk": application.pk, "file_pk": attachment.pk}
    )

    for user in (world.founder, world.banker):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
        assert response["Cache-Control"] == "private, no-store"
    # The city administrator following up sees the application, not its files; others see nothing.
    client.force_login(world.admin)
    assert client.get(application.get_absolute_url()).status_code == 200
    assert client.get(url).status_code == 404
    for user in (world.outsider, world.other_admin, world.investor_user):
        client.force_login(user)
        assert client.get(application.get_absolute_url()).status_code == 404
        assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    application = world.apply()
    response = client.get(application.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_institution_expresses_interest_and_the_enterprise_accepts(client, world):
    client.force_login(world.investor_user)
    home = client.get(reverse("site:workspace-finance")).content.decode()
    new_url = reverse("site:workspace-finance-interest-new", kwargs={"request_pk": world.financing.pk})
    assert new_url in home

    bad = client.post(
        new_url,
        {"institution": world.investor.pk, "amount_min_wan": "2000", "amount_max_wan": "1000", "note": "x"},
    )
    assert bad.status_code == 400
    assert "上限不能小于下限" in bad.context["form"].errors["amount_max_wan"][0]
    ok = client.post(
        new_url,
        {
            "institution": world.investor.pk,
            "amount_min_wan": "1000",
            "amount_max_wan": "2000",
            "note": "领投",
        },
    )
    interest = FinancingInterest.objects.get()
    assert ok.status_code == 302

    client.force_login(world.founder)
    assert "南京某创投" in client.get(reverse("site:workspace-finance")).content.decode()
    accept = reverse("site:workspace-finance-interest-action", kwargs={"pk": interest.pk, "action": "accept"})
    assert client.post(accept, {"note": "欢迎"}).status_code == 302
    page = client.get(interest.get_absolute_url()).content.decode()
    assert "双方联系人" in page and "vc@example.com" in page

    client.force_login(world.outsider)
    assert client.get(interest.get_absolute_url()).status_code == 404


def test_interest_decline_needs_a_reason(client, world):
    interest = services.financing_interest_submit(
        actor=world.investor_user,
        request=world.financing,
        institution=world.investor,
        amount_min_wan=Decimal("100"),
        amount_max_wan=Decimal("200"),
        note="意向",
    )
    client.force_login(world.founder)
    url = reverse("site:workspace-finance-interest-action", kwargs={"pk": interest.pk, "action": "decline"})

    response = client.post(url, {"reason": "", "note": ""})

    assert response.status_code == 400
    interest.refresh_from_db()
    assert interest.status == "submitted"


def test_back_office_lists_only_the_administrators_city(client, world):
    application = world.apply()
    url = reverse("admin:finance_loanapplication_changelist")

    client.force_login(world.admin)
    own = client.get(url)
    client.force_login(world.other_admin)
    other = client.get(url)

    if own.status_code == 200:  # the city group may view the transactions
        assert list(own.context["cl"].queryset) == [application]
    if other.status_code == 200:
        assert list(other.context["cl"].queryset) == []
