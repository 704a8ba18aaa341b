from django.contrib import admin

from innomarket.backoffice.admin_mixins import ListingAdmin, with_extra

from .models import Achievement


@admin.register(Achievement)
class AchievementAdmin(ListingAdmin):
    list_display = with_extra(ListingAdmin.list_display, "kind", "ip_status", "transfer_mode", "trl", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "kind", "ip_status", "transfer_mode", after=1)
    search_fields = (*ListingAdmin.search_fields, "abstract", "team", "external_ref", "patent_numbers")
    autocomplete_fields = (*ListingAdmin.autocomplete_fields, "lead_expert")
