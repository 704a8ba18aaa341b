from django.utils.translation import gettext_lazy as _

from innomarket.matching.recommendations import recommended_suppliers
from innomarket.site.catalogue import CatalogueSpec, amount_range, detail_view, labelled, list_view

from .views_bidding import disclosure_context


def budget(challenge) -> str:
    return amount_range(challenge.budget_min, challenge.budget_max, str(_("万元")))


BUDGET = (_("预算"), budget)

challenge_catalogue = CatalogueSpec(
    type_key="challenge",
    lead=_("揭榜挂帅：企业发布技术攻关需求与应用场景，高校院所与团队揭榜攻关。"),
    # The status shows as the 榜单状态 badge on every card (templatetags/challenge_status.py).
    card_meta=("kind", BUDGET, labelled("deadline", _("%(value)s 截止"))),
    # The public teaser only (tiered disclosure): no problem statement, indicators or criteria.
    facts=("kind", "status", BUDGET, "deadline"),
    prose=("summary",),
    detail_template="challenges/challenge_detail.html",
    # 推荐揭榜方: matched on the public teaser only, so nothing confidential shows in the reasons.
    extra_detail_context=lambda challenge: {"recommendations": recommended_suppliers(challenge)},
    # The tiers of disclosure depend on who is looking: terms, full text (logged), attachments, 我要揭榜.
    request_detail_context=disclosure_context,
    kind_chips="status",
)

challenge_list = list_view(challenge_catalogue)
challenge_detail = detail_view(challenge_catalogue)
