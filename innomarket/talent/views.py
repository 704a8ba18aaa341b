from typing import Any

from django.utils.translation import gettext_lazy as _

from innomarket.achievements.selectors import expert_achievements
from innomarket.site.catalogue import CatalogueSpec, detail_view, labelled, list_view

from .models import Expert
from .views_service import contact_panel, talentpost_panel


def _expert_context(expert: Expert) -> dict[str, Any]:
    achievements, count = expert_achievements(expert)
    return {"achievements": achievements, "achievements_count": count}


expert_catalogue = CatalogueSpec(
    type_key="expert",
    lead=_("参与榜单评审与技术咨询的专家。"),
    card_meta=("professional_title", "affiliation", "accepts_evaluation"),
    facts=("professional_title", "affiliation", "accepts_evaluation"),
    prose=("summary", "expertise"),
    summary_field="public_summary",
    detail_template="talent/expert_detail.html",
    extra_detail_context=_expert_context,
    request_detail_context=contact_panel,
)

techmanager_catalogue = CatalogueSpec(
    type_key="techmanager",
    lead=_("技术经理人全程跟进供需对接，直至签约落地。"),
    card_meta=("grade",),
    facts=("grade", "certificate"),
    prose=("summary", "services"),
    summary_field="public_summary",
    detail_template="talent/techmanager_detail.html",
    request_detail_context=contact_panel,
)

talentpost_catalogue = CatalogueSpec(
    type_key="talentpost",
    lead=_("企业、高校院所发布的人才需求。"),
    card_meta=("kind", labelled("headcount", _("招 %(value)s 人")), "location", "salary_note"),
    facts=("kind", "headcount", "salary_note", "location", "valid_until"),
    prose=("summary", "qualifications"),
    kind_chips="kind",
    detail_template="talent/talentpost_detail.html",
    request_detail_context=talentpost_panel,
)

station_catalogue = CatalogueSpec(
    type_key="station",
    lead=_("人才服务站：落户、安居、政策咨询等一站式服务。"),
    card_meta=("address", "opening_hours"),
    facts=("address", "opening_hours", "contact"),
    prose=("summary", "services"),
)

expert_list = list_view(expert_catalogue)
expert_detail = detail_view(expert_catalogue)
techmanager_list = list_view(techmanager_catalogue)
techmanager_detail = detail_view(techmanager_catalogue)
talentpost_list = list_view(talentpost_catalogue)
talentpost_detail = detail_view(talentpost_catalogue)
station_list = list_view(station_catalogue)
station_detail = detail_view(station_catalogue)
