import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from innomarket.site.catalogue import BY_TITLE, NEWEST, CatalogueFilterSet, SortFilter

from .models import Achievement


class AchievementFilterSet(CatalogueFilterSet):
    search_fields = ("title", "summary", "abstract", "discipline", "team", "applications")

    kind = django_filters.ChoiceFilter(
        label=_("成果类型"), choices=Achievement.Kind.choices, empty_label=_("不限")
    )
    transfer_mode = django_filters.ChoiceFilter(
        label=_("转化方式"), choices=Achievement.TransferMode.choices, empty_label=_("不限")
    )
    trl = django_filters.ChoiceFilter(
        label=_("技术成熟度不低于"),
        choices=[(str(level), f"TRL {level}") for level in range(1, 10)],
        lookup_expr="gte",
        empty_label=_("不限"),
    )
    ip_status = django_filters.ChoiceFilter(
        label=_("知识产权"), choices=Achievement.IpStatus.choices, empty_label=_("不限")
    )
    sort = SortFilter(
        [NEWEST, ("trl", _("成熟度从高到低"), (F("trl").desc(nulls_last=True), "-id")), BY_TITLE]
    )

    class Meta:
        model = Achievement
        fields = ["q", "city", "field", "kind", "transfer_mode", "trl", "ip_status", "sort", "owner"]
