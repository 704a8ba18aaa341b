import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from innomarket.common.choices import Phase
from innomarket.site.catalogue import BY_TITLE, CatalogueFilterSet, SortFilter

from .models import Cooperation


class CooperationFilterSet(CatalogueFilterSet):
    search_fields = ("title", "summary", "outcome", "date_note")

    kind = django_filters.ChoiceFilter(
        label=_("合作类型"), choices=Cooperation.Kind.choices, empty_label=_("不限")
    )
    phase = django_filters.ChoiceFilter(label=_("时间维度"), choices=Phase.choices, empty_label=_("不限"))
    sort = SortFilter(
        [
            ("started", _("开始日期由近到远"), (F("started_on").desc(nulls_last=True), "-id")),
            ("amount", _("金额从高到低"), (F("amount_wan").desc(nulls_last=True), "-id")),
            BY_TITLE,
        ]
    )

    class Meta:
        model = Cooperation
        fields = ["q", "city", "field", "kind", "phase", "sort", "owner"]
