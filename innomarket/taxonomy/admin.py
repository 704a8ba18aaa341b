from django.contrib import admin

from innomarket.backoffice.admin_mixins import AllianceOnlyAdminMixin

from .models import FieldTag


@admin.register(FieldTag)
class FieldTagAdmin(AllianceOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "name_en", "synonyms", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("name", "slug", "name_en", "synonyms")
    ordering = ("sort_order", "id")
