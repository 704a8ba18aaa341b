from django.utils.translation import gettext_lazy as _

from innomarket.site.catalogue import CatalogueSpec, amount_range, detail_view, facts_for, labelled, list_view

from . import score_fit


def credit_amount(product) -> str:
    return amount_range(product.amount_min_wan, product.amount_max_wan, str(_("万元")))


AMOUNT = (_("额度"), credit_amount)
TIER = (_("积分等级要求"), lambda product: product.min_tier_text)
CARD_TIER = (
    _("积分等级要求"),
    lambda product: _("积分 %(tier)s") % {"tier": product.min_tier_text} if product.min_tier else "",
)

product_catalogue = CatalogueSpec(
    type_key="product",
    lead=_("银行与金融机构面向科技企业的信贷、担保、保险与股权产品。"),
    card_meta=(
        "product_type",
        AMOUNT,
        labelled("term_months", _("期限 %(value)s")),
        "uses_innovation_score",
        CARD_TIER,
    ),
    facts=("product_type", AMOUNT, "term_months", "rate_note", "uses_innovation_score", TIER),
    prose=("summary", "eligibility"),
    detail_template="finance/product_detail.html",
    list_template="finance/product_list.html",
    kind_chips="product_type",
    # 创新积分: whether the viewer's enterprise meets the product's tier, or what is missing.
    request_detail_context=lambda request, product: {
        "tier_fits": score_fit.fits_for_viewer(request.user, product)
    },
    request_card_notes=lambda request, products: score_fit.card_notes(request.user, products),
)

# The fund's headline figures as stat tiles; the rest as facts. Units come from the field labels.
FUND_HEADLINE = ("size_yi", "invested_yi", "projects_count", "exits_count", "dpi")
FUND_FIGURES = ("target_size_yi", "invested_ratio", "exits_note", "paid_in_wan", "distributions_wan")


def _fund_context(fund) -> dict:
    return {"headline": facts_for(fund, FUND_HEADLINE)}


fund_catalogue = CatalogueSpec(
    type_key="fund",
    lead=_("各城市的引导基金、产业基金与创投基金：规模、投向与业绩数据。"),
    card_meta=("stage", labelled("size_yi", _("规模 %(value)s")), "manager"),
    facts=("manager", "stage", *FUND_FIGURES),
    prose=("summary", "focus"),
    detail_template="finance/fund_detail.html",
    extra_detail_context=_fund_context,
    kind_chips="stage",
)

financing_catalogue = CatalogueSpec(
    type_key="financing",
    lead=_("科技企业发布的股权与债权融资需求。"),
    card_meta=("round", "amount_wan", labelled("valid_until", _("有效期至 %(value)s"))),
    facts=("round", "amount_wan", "valid_until"),
    prose=("summary", "use_of_funds"),
    detail_template="finance/financing_detail.html",
    kind_chips="round",
)

product_list = list_view(product_catalogue)
product_detail = detail_view(product_catalogue)
fund_list = list_view(fund_catalogue)
fund_detail = detail_view(fund_catalogue)
financing_list = list_view(financing_catalogue)
financing_detail = detail_view(financing_catalogue)
