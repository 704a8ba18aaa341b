import django_filters
from django.utils.translation import gettext_lazy as _

from innomarket.site.catalogue import BY_TITLE, NEWEST, CatalogueFilterSet, SortFilter, YesNoFilter

from .models import Expert, TalentPost, TalentStation, TechManager


class ExpertFilterSet(CatalogueFilterSet):
    search_fields = ("title", "summary", "professional_title", "affiliation", "expertise")

    accepts_evaluation = YesNoFilter(label=_("接受评审邀请"))
    sort = SortFilter([BY_TITLE, NEWEST])

    class Meta:
        model = Expert
        fields = ["q", "city", "field", "accepts_evaluation", "sort", "owner"]


class TechManagerFilterSet(CatalogueFilterSet):
    search_fields = ("title", "summary", "services")

    grade = django_filters.ChoiceFilter(
        label=_("职业等级"), choices=TechManager.Grade.choices, empty_label=_("不限")
    )
    sort = SortFilter([BY_TITLE, NEWEST])

    class Meta:
        model = TechManager
        fields = ["q", "city", "field", "grade", "sort", "owner"]


class TalentPostFilterSet(CatalogueFilterSet):
    search_fields = ("title", "summary", "qualifications", "location")

    kind = django_filters.ChoiceFilter(
        label=_("用工形式"), choices=TalentPost.Kind.choices, empty_label=_("不限")
    )
    sort = SortFilter([NEWEST, BY_TITLE])

    class Meta:
        model = TalentPost
        fields = ["q", "city", "field", "kind", "sort", "owner"]


class TalentStationFilterSet(CatalogueFilterSet):
    search_fields = ("title", "summary", "address", "services")

    sort = SortFilter([BY_TITLE, NEWEST])

    class Meta:
        model = TalentStation
        fields = ["q", "city", "field", "sort", "owner"]
