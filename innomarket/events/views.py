from django.utils.translation import gettext_lazy as _

from innomarket.site.catalogue import CatalogueSpec, detail_view, display_value, list_view

from .views_service import registration_panel


def when(event) -> str:
    return display_value(event, "starts_at")[1] or event.date_note


event_catalogue = CatalogueSpec(
    type_key="event",
    lead=_("论坛、沙龙、路演、对接会与大赛。"),
    card_meta=("kind", (_("时间"), when), "venue", "is_online"),
    facts=(
        "kind",
        "starts_at",
        "ends_at",
        "date_note",
        "venue",
        "organiser",
        "is_online",
        "registration_url",
    ),
    prose=("summary",),
    kind_chips="when",
    detail_template="events/event_detail.html",
    request_detail_context=registration_panel,
)

event_list = list_view(event_catalogue)
event_detail = detail_view(event_catalogue)
