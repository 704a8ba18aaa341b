import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from innomarket.common.choices import Level
from innomarket.site.catalogue import BY_TITLE, NEWEST, CatalogueFilterSet, SortFilter, YesNoFilter

from .models import Instrument, Space


class SpaceFilterSet(CatalogueFilterSet):
    search_fields = ("title", "summary", "address", "services")

    kind = django_filters.ChoiceFilter(label=_("载体类型"), choices=Space.Kind.choices, empty_label=_("不限"))
    level = django_filters.ChoiceFilter(
        label=_("级别"), choices=[c for c in Level.choices if c[0]], empty_label=_("不限")
    )
    sort = SortFilter(
        [
            NEWEST,
            ("vacant", _("可租面积从大到小"), (F("vacant_area_m2").desc(nulls_last=True), "-id")),
            BY_TITLE,
        ]
    )

    class Meta:
        model = Space
        fields = ["q", "city", "field", "kind", "level", "sort", "owner"]


class InstrumentFilterSet(CatalogueFilterSet):
    search_fields = ("title", "summary", "category", "manufacturer", "model_number", "location")

    accepts_vouchers = YesNoFilter(label=_("可使用创新券"))
    sort = SortFilter([NEWEST, BY_TITLE])

    class Meta:
        model = Instrument
        fields = ["q", "city", "field", "accepts_vouchers", "sort", "owner"]
