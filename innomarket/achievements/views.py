from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from innomarket.site.catalogue import (
    CatalogueSpec,
    FactSource,
    detail_view,
    display_value,
    labelled,
    list_view,
)

from .models import Achievement


def technology_only(source: FactSource) -> tuple[Any, Callable[[Achievement], str]]:
    """A fact that describes an offer (TRL, IP status, transfer mode …): a research result (论文/研究成果)
    is literature, not an offer, so it never shows one, whatever the field holds."""
    label: Any
    value: Callable[[Achievement], Any]
    if isinstance(source, str):
        name = source
        label = getattr(Achievement._meta.get_field(name), "verbose_name", name)

        def value(obj: Achievement) -> str:
            return display_value(obj, name)[1]

    else:
        label, value = source
    return (label, lambda obj: "" if obj.is_research else value(obj))


achievement_catalogue = CatalogueSpec(
    type_key="achievement",
    lead=_("高校院所与企业可转让、许可或合作开发的技术成果，以及展示团队研究方向的论文/研究成果。"),
    card_badges=("kind",),
    card_meta=(
        technology_only("transfer_mode"),
        technology_only(labelled("trl", "TRL %(value)s")),
        technology_only("ip_status"),
        "discipline",
    ),
    facts=(
        "discipline",
        technology_only("trl"),
        technology_only("ip_status"),
        technology_only("patent_numbers"),
        technology_only("transfer_mode"),
        technology_only("price_note"),
    ),
    prose=("summary", "abstract", "applications"),
    detail_template="achievements/achievement_detail.html",
    kind_chips="kind",
)

achievement_list = list_view(achievement_catalogue)
achievement_detail = detail_view(achievement_catalogue)
