from django.contrib import admin

from .admin_mixins import CityScopedAdminMixin
from .models import Feed


@admin.register(Feed)
class FeedAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """数据源. Harvesting is a later issue; its results are read-only here."""

    list_display = ("name", "city", "kind", "target", "enabled", "schedule_minutes", "last_harvested_at")
    list_filter = ("enabled", "kind", "target", "city")
    search_fields = ("name", "url")
    readonly_fields = ("last_harvested_at", "last_result")
    list_select_related = ("city",)
