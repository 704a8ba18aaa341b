import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innomarket.site.catalogue import NEWEST, CatalogueFilterSet, SortFilter, YesNoFilter

from .models import Event


class EventFilterSet(CatalogueFilterSet):
    search_fields = ("title", "summary", "venue", "organiser")

    kind = django_filters.ChoiceFilter(label=_("活动类型"), choices=Event.Kind.choices, empty_label=_("不限"))
    when = django_filters.ChoiceFilter(
        label=_("时间"),
        choices=[("upcoming", _("即将举办")), ("past", _("往期活动"))],
        empty_label=_("不限"),
        method="filter_when",
    )
    is_online = YesNoFilter(label=_("线上活动"))
    sort = SortFilter(
        [
            ("soonest", _("开始时间由近到远"), (F("starts_at").asc(nulls_last=True), "id")),
            ("latest", _("开始时间由远到近"), (F("starts_at").desc(nulls_last=True), "-id")),
            NEWEST,
        ]
    )

    class Meta:
        model = Event
        fields = ["q", "city", "field", "kind", "when", "is_online", "sort", "owner"]

    def filter_when(self, queryset, name, value):
        """即将举办: not yet ended; 往期: ended. Undated events (常态化举办) are in neither."""
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now))
        if value == "past":
            return queryset.filter(Q(ends_at__lt=now) | Q(ends_at__isnull=True, starts_at__lt=now))
        return queryset
