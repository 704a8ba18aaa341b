"""Demo data of 金融服务: the 蓝鸟科技 credit line from the seeds, replayed as a loan application, and the
demo bank account (``demo-bank``) with an application waiting for its answer.

The seed (DOC_002, 普陀区科委 2025-05-21) says: 区内的蓝鸟科技通过科创集市这一平台，与金融机构对接，获得了
3500 万元的授信额度批复，解决了企业研发成本上升及业务拓展中面临的资金问题. It names neither the bank nor the
product, so both are the sample 普陀 bank and a sample credit-line product (marked 示例); the enterprise,
the amount and the purpose are the seed's. The application is written with the three events the services
would record (submitted → 受理 → 授信), so its history reads like any other and the funnel counts it.

Idempotent: each record is looked up by its natural key first and created only when missing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from innomarket.accounts.models import User
from innomarket.finance import services
from innomarket.finance.models import FinancialProduct, LoanApplication
from innomarket.organisations.models import Membership
from innomarket.points.models import ConsentEvent, ScoreConsent
from innomarket.verification.services import record_event

from . import samples as S
from . import seed_facts as F

if TYPE_CHECKING:
    from .loader import DemoLoader

STORY_ENTERPRISE = "蓝鸟科技"
STORY_AMOUNT_WAN = Decimal("3500")
STORY_PRODUCT_TITLE = "科技型企业授信额度（普陀）"
STORY_PURPOSE = "缓解研发成本上升及业务拓展中面临的资金压力（据普陀区科委公开答复整理，" + F.DOC_002 + "）。"
STORY_SOURCE = "演示数据导入：据" + F.DOC_002 + "整理"
STORY_GRANT_NOTE = "授信额度批复。公开答复未披露授信银行与产品，此处以示例银行与示例产品代替。"

DEMO_PURPOSE = "采购中试线设备与补充研发流动资金（示例）"

# 创新积分等级要求 of the sample products (``samples.PRODUCT_TEMPLATES``): the score-based credit line
# takes B and better, the unsecured 科创信用贷 C and better; pledge loans and insurance rest on collateral
# or premiums and set none. The 蓝鸟 story product only refers to the score (the seed names no tier).
SAMPLE_PRODUCT_TIERS = {"创新积分授信": "B", "科创信用贷": "C"}


def _story_product(loader: DemoLoader) -> FinancialProduct:
    bank = loader.sample_orgs[("putuo", "bank")]
    product = loader._sample_listing(
        FinancialProduct,
        city_slug="putuo",
        owner=bank,
        title=STORY_PRODUCT_TITLE,
        summary="示例金融产品：面向普陀科技型企业的综合授信额度，参考创新积分评价。",
        product_type=FinancialProduct.ProductType.CREDIT_LINE,
        amount_min_wan=Decimal("500"),
        amount_max_wan=Decimal("5000"),
        term_months=36,
        rate_note="以银行审批为准（示例）",
        eligibility="注册在联盟城市的科技型企业，研发投入占比不低于3%，近一年无不良信用记录（示例）。",
        uses_innovation_score=True,
    )
    assert isinstance(product, FinancialProduct)
    return product


def _gate_sample_products(loader: DemoLoader) -> None:
    """Give the sample products their 创新积分等级要求 (once: a product that has one keeps it)."""
    for name, tier in SAMPLE_PRODUCT_TIERS.items():
        updated = FinancialProduct.objects.filter(
            is_sample=True, title__startswith=f"{S.SAMPLE_PREFIX}{name}（", min_tier=""
        ).update(min_tier=tier, uses_innovation_score=True, updated_at=loader.now)
        if updated:
            loader.updated["finance.FinancialProduct"] += updated


def _sample_consent(loader: DemoLoader) -> None:
    """A second 普陀 sample enterprise lets the sample 普陀 bank see its 创新积分, so the bank's 已授权企业
    list is not empty before anyone applies (written as the loader writes every record: no actor)."""
    enterprise = loader.sample_orgs[("putuo", "enterprise_b")]
    bank = loader.sample_orgs[("putuo", "bank")]
    if ScoreConsent.objects.filter(organisation=enterprise, institution=bank).exists():
        return
    consent = ScoreConsent.objects.create(organisation=enterprise, institution=bank, granted_at=loader.now)
    ConsentEvent.objects.create(consent=consent, action=ConsentEvent.Action.GRANTED, at=loader.now)
    loader.created["points.ScoreConsent"] += 1


def load_finance(loader: DemoLoader) -> None:
    """The 蓝鸟科技 story: applied, 受理, 授信 3,500 万元 (no demo accounts needed); the sample products'
    创新积分等级要求 and one sample consent."""
    _gate_sample_products(loader)
    _sample_consent(loader)
    product = _story_product(loader)
    loader.record_creation_events()  # the sample product's creation event, like every other record
    enterprise = loader.orgs.get(STORY_ENTERPRISE)
    if enterprise is None or LoanApplication.objects.filter(product=product, applicant=enterprise).exists():
        return
    # Written directly, as the loader writes every record: the story has no people to act, so the
    # events have no actor. The three steps are the ones the services would have recorded.
    now = loader.now
    application = LoanApplication(
        product=product,
        institution_id=product.owner_id,
        applicant=enterprise,
        city=product.city,
        status=LoanApplication.Status.GRANTED,
        amount_wan=STORY_AMOUNT_WAN,
        purpose=STORY_PURPOSE,
        company_profile="普陀区科技企业（公开资料未披露经营数据）。",
        submitted_at=now,
        first_answered_at=now,
        accepted_at=now,
        granted_amount_wan=STORY_AMOUNT_WAN,
        granted_note=STORY_GRANT_NOTE,
        decided_at=now,
    )
    application.full_clean()
    application.save()
    grant_reason = f"授信 {services.wan(STORY_AMOUNT_WAN)} 万元。{STORY_GRANT_NOTE}"
    for from_status, to_status, reason in (
        ("", "submitted", STORY_SOURCE),
        ("submitted", "accepted", ""),
        ("accepted", "granted", grant_reason),
    ):
        record_event(
            record=application, actor=None, from_status=from_status, to_status=to_status, reason=reason
        )
    loader.created["finance.LoanApplication"] += 1


def load_finance_accounts(loader: DemoLoader, password: Any) -> None:
    """``demo-bank``: a member of the sample 普陀 bank, with demo-member's application waiting for it."""
    bank = loader.sample_orgs[("putuo", "bank")]
    user = loader._ensure_user("demo-bank", "示例银行客户经理（演示）", password)
    Membership.objects.get_or_create(user=user, organisation=bank, defaults={"role": Membership.Role.ADMIN})
    member = User.objects.filter(username="demo-member").first()
    enterprise = loader.sample_orgs[("putuo", "enterprise_a")]
    product = FinancialProduct.objects.filter(
        title=f"{S.SAMPLE_PREFIX}{STORY_PRODUCT_TITLE}", city=loader.cities["putuo"]
    ).first()
    if member is None or product is None:
        return
    if LoanApplication.objects.filter(product=product, applicant=enterprise).exists():
        return
    member._member_org_ids = None  # memberships were just written
    services.loan_application_submit(
        actor=member,
        product=product,
        applicant=enterprise,
        amount_wan=Decimal("800"),
        term_months=24,
        purpose=DEMO_PURPOSE,
        company_profile="示例企业，研发投入占营业收入约8%（示例）。",
    )
    loader.created["finance.LoanApplication"] += 1
