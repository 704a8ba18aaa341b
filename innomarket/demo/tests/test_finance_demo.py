"""The demo replays the seeds' 蓝鸟科技 credit line and gives the demo bank something to answer."""

from decimal import Decimal

import pytest

from innomarket.accounts import roles
from innomarket.accounts.models import User
from innomarket.demo.loader import DemoLoader
from innomarket.finance.models import LoanApplication
from innomarket.verification.selectors import status_events_for


@pytest.mark.django_db
def test_bluebird_credit_line_and_the_demo_bank():
    DemoLoader(achievements=6).run()

    story = LoanApplication.objects.select_related("applicant", "product", "institution").get(
        applicant__name="蓝鸟科技"
    )
    assert story.status == "granted"
    assert story.granted_amount_wan == Decimal("3500") == story.amount_wan
    assert story.product.is_sample and story.institution.name.startswith("【示例】")  # the seed names no bank
    assert "研发成本上升" in story.purpose
    assert [e.to_status for e in reversed(status_events_for(story))] == ["submitted", "accepted", "granted"]

    bank_user = User.objects.get(username="demo-bank")
    waiting = LoanApplication.objects.get(institution=story.institution, status="submitted")
    assert roles.is_member_of(bank_user, waiting.institution_id)
    assert roles.is_member_of(User.objects.get(username="demo-member"), waiting.applicant_id)
    assert waiting.awaiting_since is not None

    again = DemoLoader(achievements=6).run()
    assert again.created["finance.LoanApplication"] == 0
    assert LoanApplication.objects.count() == 2


@pytest.mark.django_db
def test_sample_products_declare_tiers_and_the_demo_bank_has_a_consent():
    from innomarket.finance.models import FinancialProduct
    from innomarket.points.models import ScoreConsent

    DemoLoader(achievements=6).run()

    gated = FinancialProduct.objects.exclude(min_tier="")
    tiers = dict(gated.values_list("title", "min_tier"))
    assert tiers["【示例】科创信用贷（普陀）"] == "C"
    assert {t for title, t in tiers.items() if "创新积分授信" in title} == {"B"}
    assert not gated.filter(uses_innovation_score=False).exists()
    assert not FinancialProduct.objects.filter(product_type__in=["ip_pledge", "insurance"]).exclude(
        min_tier=""
    )
    # The 蓝鸟 story product (and demo-member's waiting application to it) stays without a tier.
    assert FinancialProduct.objects.get(title="【示例】科技型企业授信额度（普陀）").min_tier == ""

    bank_user = User.objects.get(username="demo-bank")
    consent = ScoreConsent.objects.get(revoked_at__isnull=True)
    assert roles.is_member_of(bank_user, consent.institution_id) and consent.organisation.is_sample

    again = DemoLoader(achievements=6).run()
    assert again.created["points.ScoreConsent"] == 0 and again.updated["finance.FinancialProduct"] == 0
