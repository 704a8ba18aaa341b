from django.contrib import admin

from innomarket.backoffice.admin_mixins import AllianceOnlyAdminMixin

from . import services
from .models import MatchOutcome, Synonym


@admin.register(Synonym)
class SynonymAdmin(AllianceOnlyAdminMixin, admin.ModelAdmin):
    """检索词典: synonym and abbreviation groups added to the maintained default list. Saving makes
    every process reload its search engine with the new groups."""

    list_display = ("terms", "note", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("terms", "note")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.synonyms_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.synonyms_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.synonyms_changed()


@admin.register(MatchOutcome)
class MatchOutcomeAdmin(AllianceOnlyAdminMixin, admin.ModelAdmin):
    """匹配结果反馈: read-only record of how suppliers answered recommendations."""

    list_display = ("challenge", "organisation", "supplier", "kind", "value", "created_at")
    list_filter = ("kind",)
    search_fields = ("challenge__title", "organisation__name", "supplier")
    list_select_related = ("challenge", "organisation")
    readonly_fields = ("challenge", "organisation", "supplier", "kind", "value", "embedder", "created_at")
    exclude = ("vector",)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
