"""Pages of the 创新积分 finance link, by role: anonymous, the enterprise's member, another enterprise's
member, the bank's member, another bank's member (and a city administrator where it matters)."""

from __future__ import annotations

import pytest

from innomarket.common.tests.factories import OrganisationFactory, city, member_of
from innomarket.finance.models import FinancialProduct, LoanApplication
from innomarket.organisations.models import Organisation
from innomarket.points import services as points_services
from innomarket.points.models import ScoreConsent

from .scores import give_score

pytestmark = pytest.mark.django_db

MEETS = "您的积分等级符合（B 级，要求 C 级及以上）"


@pytest.fixture
def gated(world):
    FinancialProduct.objects.filter(pk=world.product.pk).update(min_tier="C", uses_innovation_score=True)
    world.product.refresh_from_db()
    return world


@pytest.fixture
def other_banker(db):
    bank = OrganisationFactory(name="另一家银行", kind=Organisation.Kind.BANK, city=city("putuo"))
    return member_of(bank, username="otherbanker")


def page(client, user, url, **params):
    if user is not None:
        client.force_login(user)
    return client.get(url, params)


def text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- product detail and cards


def test_product_detail_anonymous_sees_the_requirement(client, gated):
    body = text(page(client, None, gated.product.get_absolute_url()))

    assert "本产品要求创新积分 C 级及以上" in body
    assert "积分等级要求" in body and "C 级及以上" in body


def test_product_detail_member_whose_tier_meets(client, gated):
    give_score(gated.enterprise, total="62", tier="B")

    body = text(page(client, gated.founder, gated.product.get_absolute_url()))

    assert MEETS in body
    assert f"/workspace/o/{gated.enterprise.pk}/" in body


def test_product_detail_member_below_sees_what_is_missing(client, gated):
    FinancialProduct.objects.filter(pk=gated.product.pk).update(min_tier="B")
    give_score(gated.enterprise, total="53.5", tier="C")

    body = text(page(client, gated.founder, gated.product.get_absolute_url()))

    assert (
        "需达到 B 级，当前 C 级（还差 6.5 分），最能提分：研发费用占营业收入比例达到 5%（可加 8 分）" in body
    )
    assert "查看创新积分" in body


def test_product_detail_member_without_score(client, gated):
    body = text(page(client, gated.founder, gated.product.get_absolute_url()))

    assert "尚无创新积分，请先填写经营数据" in body


def test_product_detail_other_enterprise_sees_its_own_tier_only(client, gated):
    give_score(gated.enterprise, total="62", tier="B")
    give_score(gated.other_enterprise, total="20", tier="D")

    body = text(page(client, gated.outsider, gated.product.get_absolute_url()))

    assert "需达到 C 级，当前 D 级（还差 20 分）" in body
    assert MEETS not in body and "62" not in body


@pytest.mark.parametrize("who", ["banker", "other_banker"])
def test_product_detail_bank_members_see_the_requirement(client, gated, other_banker, who):
    give_score(gated.enterprise, total="62", tier="B")
    user = gated.banker if who == "banker" else other_banker

    body = text(page(client, user, gated.product.get_absolute_url()))

    assert "本产品要求创新积分 C 级及以上" in body and MEETS not in body


def test_product_list_cards_carry_the_fit(client, gated):
    give_score(gated.enterprise, total="62", tier="B")

    assert MEETS in text(page(client, gated.founder, "/finance/products/"))
    client.logout()
    anonymous = text(client.get("/finance/products/"))
    assert "本产品要求创新积分 C 级及以上" in anonymous and "积分 C 级及以上" in anonymous


def test_ungated_product_says_nothing_about_tiers(client, world):
    body = text(page(client, world.founder, world.product.get_absolute_url()))

    assert "创新积分要求" not in body and "您的积分等级" not in body


# ---------------------------------------------------------------- applying


def apply_url(world) -> str:
    return f"/workspace/finance/products/{world.product.pk}/apply/"


def form_data(**extra):
    return {"amount_wan": "800", "term_months": "12", "purpose": "研发投入", **extra}


def test_apply_form_shows_the_fit_and_the_consent_box(client, gated):
    give_score(gated.enterprise, total="62", tier="B")

    body = text(page(client, gated.founder, apply_url(gated)))

    assert MEETS in body
    assert "同意向该机构授权查看本企业创新积分" in body
    assert 'name="share_score"' in body


def test_apply_form_of_an_ungated_product_has_no_consent_box(client, world):
    assert 'name="share_score"' not in text(page(client, world.founder, apply_url(world)))


def test_apply_without_consent_is_refused_on_the_box(client, gated):
    give_score(gated.enterprise, total="62", tier="B")
    client.force_login(gated.founder)

    response = client.post(apply_url(gated), form_data(applicant=gated.enterprise.pk))

    assert response.status_code == 400
    assert "须同意向普陀某商业银行授权查看本企业创新积分" in text(response)
    assert not LoanApplication.objects.exists() and not ScoreConsent.objects.exists()


def test_apply_below_the_tier_is_refused_above_the_form(client, gated):
    give_score(gated.enterprise, total="30", tier="D")
    client.force_login(gated.founder)

    response = client.post(apply_url(gated), form_data(applicant=gated.enterprise.pk, share_score="on"))

    assert response.status_code == 400
    assert "当前为 D 级（还差 10 分）" in text(response)
    assert not LoanApplication.objects.exists() and not ScoreConsent.objects.exists()


def test_apply_with_consent_records_it(client, gated):
    give_score(gated.enterprise, total="62", tier="B")
    client.force_login(gated.founder)

    response = client.post(apply_url(gated), form_data(applicant=gated.enterprise.pk, share_score="on"))

    application = LoanApplication.objects.get()
    assert response.status_code == 302 and response.url == application.get_absolute_url()
    assert ScoreConsent.objects.get().institution == gated.bank


# ---------------------------------------------------------------- the application's score panel


@pytest.fixture
def applied(gated):
    give_score(gated.enterprise, total="62", tier="B", percentile_city="82.5", percentile_alliance="64")
    gated.application = gated.apply(share_score=True)
    return gated


def test_bank_sees_score_tier_and_percentiles_while_consent_is_active(client, applied):
    body = text(page(client, applied.banker, applied.application.get_absolute_url()))

    assert 'class="fin-score-tier">B<' in body
    assert 'class="fin-score-total">62<' in body
    assert "普陀内百分位 82.5" in body and "联盟内百分位 64" in body


def test_bank_sees_revoked_after_the_enterprise_withdraws(client, applied):
    points_services.consent_revoke(actor=applied.founder, consent=ScoreConsent.objects.get())

    body = text(page(client, applied.banker, applied.application.get_absolute_url()))

    assert "授权已撤销" in body
    assert "fin-score-total" not in body and "82.5" not in body


def test_applicant_sees_its_consent_and_where_to_manage_it(client, applied):
    body = text(page(client, applied.founder, applied.application.get_absolute_url()))

    assert "本企业已授权普陀某商业银行查看创新积分" in body and "管理授权" in body


def test_city_admin_following_up_sees_no_score(client, applied):
    response = page(client, applied.admin, applied.application.get_absolute_url())

    assert response.status_code == 200 and "fin-score-total" not in text(response)


@pytest.mark.parametrize("who", ["outsider", "other_banker"])
def test_strangers_do_not_see_the_application(client, applied, other_banker, who):
    user = applied.outsider if who == "outsider" else other_banker

    assert page(client, user, applied.application.get_absolute_url()).status_code == 404


# ---------------------------------------------------------------- 已授权企业


SCORES = "/workspace/finance/scores/"


def test_consents_page_needs_login(client, applied):
    response = client.get(SCORES)

    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("who", ["founder", "outsider"])
def test_consents_page_is_for_institutions_only(client, applied, who):
    assert page(client, getattr(applied, who), SCORES).status_code == 404


def test_bank_lists_its_consenting_enterprises_by_tier(client, applied):
    body = text(page(client, applied.banker, SCORES))

    assert "蓝鸟测试科技有限公司" in body
    assert "B 级（1 家）" in body
    assert "82.5" in body and "科创企业授信" in body  # percentile and the application


def test_bank_tier_filter(client, applied):
    assert "蓝鸟测试科技有限公司" not in text(page(client, applied.banker, SCORES, tier="A"))
    assert "蓝鸟测试科技有限公司" in text(page(client, applied.banker, SCORES, tier="B"))
    assert "蓝鸟测试科技有限公司" in text(page(client, applied.banker, SCORES, tier="Z"))  # ignored


def test_other_bank_sees_nothing_of_it(client, applied, other_banker):
    body = text(page(client, other_banker, SCORES))

    assert "蓝鸟测试科技有限公司" not in body
    assert "还没有企业授权贵机构查看创新积分" in body


def test_revoked_consent_disappears_from_the_list(client, applied):
    points_services.consent_revoke(actor=applied.founder, consent=ScoreConsent.objects.get())

    body = text(page(client, applied.banker, SCORES))

    assert "蓝鸟测试科技有限公司" not in body


def test_finance_home_links_the_list_with_its_count(client, applied):
    body = text(page(client, applied.banker, "/workspace/finance/"))

    assert "已授权企业：1 家" in body and SCORES in body


# ---------------------------------------------------------------- the policy calculator


def test_policy_calculator_lists_the_products_the_tier_meets(client, gated):
    give_score(gated.enterprise, total="62", tier="B")

    body = text(page(client, gated.founder, f"/workspace/o/{gated.enterprise.pk}/policies/"))

    assert "可对接的金融产品" in body
    assert "科创企业授信" in body and MEETS in body


def test_policy_calculator_without_score_asks_for_figures(client, gated):
    body = text(page(client, gated.founder, f"/workspace/o/{gated.enterprise.pk}/policies/"))

    assert "尚无创新积分，请先填写经营数据" in body
    assert "平台上有 1 个金融产品按创新积分等级受理" in body


def test_policy_calculator_of_a_bank_has_no_product_section(client, gated):
    response = page(client, gated.banker, f"/workspace/o/{gated.bank.pk}/policies/")

    assert response.status_code == 200 and "可对接的金融产品" not in text(response)
