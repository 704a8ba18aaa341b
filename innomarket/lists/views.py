from django.utils.translation import gettext_lazy as _

from innomarket.site.catalogue import CatalogueSpec, detail_view, display_value, list_view


def period(cooperation) -> str:
    start = display_value(cooperation, "started_on")[1]
    end = display_value(cooperation, "ended_on")[1]
    if start and end:
        return f"{start} – {end}"
    return start or cooperation.date_note


cooperation_catalogue = CatalogueSpec(
    type_key="cooperation",
    lead=_("合作清单：城市间产业链合作、企业跨城业务与行业活动交往，分过去时、进行时、未来时。"),
    card_meta=("phase", "kind", (_("时间"), period), "partner_cities"),
    facts=("kind", "phase", "started_on", "ended_on", "date_note", "amount_wan", "challenge"),
    prose=("summary", "outcome"),
    detail_template="lists/cooperation_detail.html",
    kind_chips="phase",
)

cooperation_list = list_view(cooperation_catalogue)
cooperation_detail = detail_view(cooperation_catalogue)
