import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from innomarket.site.catalogue import CatalogueFilterSet, SortFilter

from .models import Organisation, OrganisationTag


class OrganisationFilterSet(CatalogueFilterSet):
    search_fields = ("name", "short_name", "intro", "address")

    owner = None  # organisations own listings; they have no owner themselves
    kind = django_filters.ChoiceFilter(
        label=_("机构类型"), choices=Organisation.Kind.choices, empty_label=_("不限")
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("资质与名单"),
        field_name="tags",
        queryset=OrganisationTag.objects.all(),
        to_field_name="slug",
        empty_label=_("不限"),
    )
    sort = SortFilter(
        [
            ("name", _("按名称"), ("name", "id")),
            ("verified", _("最近核验"), (F("last_verified_at").desc(nulls_last=True), "-id")),
        ]
    )

    class Meta:
        model = Organisation
        fields = ["q", "city", "field", "kind", "tag", "sort"]
