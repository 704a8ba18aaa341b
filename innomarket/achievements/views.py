from django.utils.translation import gettext_lazy as _

from innomarket.site.catalogue import CatalogueSpec, detail_view, labelled, list_view

achievement_catalogue = CatalogueSpec(
    type_key="achievement",
    lead=_("高校院所与企业可转让、许可或合作开发的科技成果。"),
    card_meta=("transfer_mode", labelled("trl", "TRL %(value)s"), "ip_status", "discipline"),
    facts=("discipline", "trl", "ip_status", "patent_numbers", "transfer_mode", "team", "price_note"),
    prose=("summary", "abstract", "applications"),
    kind_chips="transfer_mode",
)

achievement_list = list_view(achievement_catalogue)
achievement_detail = detail_view(achievement_catalogue)
