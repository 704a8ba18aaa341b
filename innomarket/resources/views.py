from django.utils.translation import gettext_lazy as _

from innomarket.site.catalogue import CatalogueSpec, detail_view, list_view

space_catalogue = CatalogueSpec(
    type_key="space",
    lead=_("孵化器、众创空间、科技园区与概念验证中心：面积、可租空间与服务内容。"),
    card_meta=("kind", "level", "area_m2"),
    facts=("kind", "level", "address", "area_m2", "vacant_area_m2", "rent_note", "website", "contact"),
    prose=("summary", "services"),
    kind_chips="kind",
)

instrument_catalogue = CatalogueSpec(
    type_key="instrument",
    lead=_("高校院所与平台开放共享的大型仪器设备，可预约使用。"),
    card_meta=("category", "manufacturer", "accepts_vouchers"),
    facts=(
        "category",
        "manufacturer",
        "model_number",
        "location",
        "fee_note",
        "accepts_vouchers",
        "contact",
    ),
    prose=("summary", "booking_rules"),
)

space_list = list_view(space_catalogue)
space_detail = detail_view(space_catalogue)
instrument_list = list_view(instrument_catalogue)
instrument_detail = detail_view(instrument_catalogue)
