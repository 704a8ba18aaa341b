from django.utils.translation import gettext_lazy as _

from innomarket.site.catalogue import CatalogueSpec, detail_view, list_view

policy_catalogue = CatalogueSpec(
    type_key="policy",
    lead=_("七市一区的科创政策、行动方案与申报指南，均注明发文机关与来源。"),
    card_meta=("support_type", "issuer", "issued_on"),
    facts=(
        "issuer",
        "document_number",
        "level",
        "support_type",
        "issued_on",
        "effective_from",
        "effective_to",
        "original_url",
        (_("支持金额"), lambda p: "　".join(x for x in (p.amount_display, p.amount_note) if x)),
        "apply_from",
        "apply_until",
        "apply_url",
    ),
    prose=("summary", "full_text"),
    kind_chips="support_type",
)

policy_list = list_view(policy_catalogue)
policy_detail = detail_view(policy_catalogue)
