from django.utils.translation import gettext_lazy as _

from innomarket.site.catalogue import CatalogueSpec, detail_view, list_view
from innomarket.vouchers.acceptance import detail_context as voucher_detail_context

from .selectors import organisation_listings


def _detail_context(organisation):
    return {"owned_listings": organisation_listings(organisation)}


organisation_catalogue = CatalogueSpec(
    type_key="organisation",
    lead=_("企业、高校、科研院所、科研平台、载体、投资与金融机构、服务机构。"),
    card_meta=("kind", "tags"),
    facts=("kind", "short_name", "credit_code", "address", "website", "parent", "tags"),
    prose=("intro",),
    summary_field="intro",
    detail_template="organisations/organisation_detail.html",
    extra_detail_context=_detail_context,
    request_detail_context=voucher_detail_context,
    kind_chips="kind",
)

organisation_list = list_view(organisation_catalogue)
organisation_detail = detail_view(organisation_catalogue)
