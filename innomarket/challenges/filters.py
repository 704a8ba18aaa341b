import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from innomarket.site.catalogue import NEWEST, CatalogueFilterSet, SortFilter

from .models import CHALLENGE_WORKFLOW, Challenge, ChallengeStatus

PUBLIC_STATUS_CHOICES = [
    (value, label) for value, label in ChallengeStatus.choices if value in CHALLENGE_WORKFLOW.public
]


class ChallengeFilterSet(CatalogueFilterSet):
    # Only the teaser: the problem statement, indicators and acceptance criteria are not searchable
    # publicly, or a search would reveal what the page hides.
    search_fields = ("title", "summary")

    kind = django_filters.ChoiceFilter(
        label=_("榜单类型"), choices=Challenge.Kind.choices, empty_label=_("不限")
    )
    status = django_filters.ChoiceFilter(
        label=_("进度"), choices=PUBLIC_STATUS_CHOICES, empty_label=_("不限")
    )
    sort = SortFilter(
        [
            NEWEST,
            ("deadline", _("截止日期临近"), (F("deadline").asc(nulls_last=True), "-id")),
            ("budget", _("预算从高到低"), (F("budget_max").desc(nulls_last=True), "-id")),
        ]
    )

    class Meta:
        model = Challenge
        fields = ["q", "city", "field", "kind", "status", "sort", "owner"]
