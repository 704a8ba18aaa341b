import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from innomarket.common.choices import Level
from innomarket.site.catalogue import BY_TITLE, CatalogueFilterSet, SortFilter

from .models import Policy


class PolicyFilterSet(CatalogueFilterSet):
    search_fields = ("title", "summary", "issuer", "document_number", "full_text")

    support_type = django_filters.ChoiceFilter(
        label=_("支持方式"), choices=Policy.SupportType.choices, empty_label=_("不限")
    )
    level = django_filters.ChoiceFilter(
        label=_("层级"), choices=[c for c in Level.choices if c[0]], empty_label=_("不限")
    )
    sort = SortFilter(
        [
            ("newest", _("最新发布"), (F("issued_on").desc(nulls_last=True), "-id")),
            ("deadline", _("截止日期"), (F("effective_to").asc(nulls_last=True), "-id")),
            BY_TITLE,
        ]
    )

    class Meta:
        model = Policy
        fields = ["q", "city", "field", "support_type", "level", "sort", "owner"]
