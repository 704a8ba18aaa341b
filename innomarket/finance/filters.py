import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from innomarket.site.catalogue import BY_TITLE, NEWEST, CatalogueFilterSet, SortFilter, YesNoFilter

from .models import FinancialProduct, FinancingRequest, Fund


class ProductFilterSet(CatalogueFilterSet):
    search_fields = ("title", "summary", "rate_note", "eligibility")

    product_type = django_filters.ChoiceFilter(
        label=_("产品类型"), choices=FinancialProduct.ProductType.choices, empty_label=_("不限")
    )
    uses_innovation_score = YesNoFilter(label=_("参考创新积分"))
    sort = SortFilter(
        [NEWEST, ("amount", _("额度从高到低"), (F("amount_max_wan").desc(nulls_last=True), "-id")), BY_TITLE]
    )

    class Meta:
        model = FinancialProduct
        fields = ["q", "city", "field", "product_type", "uses_innovation_score", "sort", "owner"]


class FundFilterSet(CatalogueFilterSet):
    search_fields = ("title", "summary", "manager", "focus")

    stage = django_filters.ChoiceFilter(label=_("阶段"), choices=Fund.Stage.choices, empty_label=_("不限"))
    sort = SortFilter(
        [
            ("size", _("规模从大到小"), (F("size_yi").desc(nulls_last=True), "-id")),
            ("dpi", _("DPI 从高到低"), (F("dpi").desc(nulls_last=True), "-id")),
            NEWEST,
        ]
    )

    class Meta:
        model = Fund
        fields = ["q", "city", "field", "stage", "sort", "owner"]


class FinancingRequestFilterSet(CatalogueFilterSet):
    search_fields = ("title", "summary", "use_of_funds")

    round = django_filters.ChoiceFilter(
        label=_("融资阶段"), choices=FinancingRequest.Round.choices, empty_label=_("不限")
    )
    sort = SortFilter([NEWEST, ("amount", _("金额从高到低"), (F("amount_wan").desc(nulls_last=True), "-id"))])

    class Meta:
        model = FinancingRequest
        fields = ["q", "city", "field", "round", "sort", "owner"]
