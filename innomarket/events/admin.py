from django.contrib import admin

from innomarket.backoffice.admin_mixins import ListingAdmin, with_extra

from .models import Event


@admin.register(Event)
class EventAdmin(ListingAdmin):
    list_display = with_extra(ListingAdmin.list_display, "kind", "starts_at", "venue", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "kind", "is_online", after=1)
    search_fields = (*ListingAdmin.search_fields, "venue", "organiser")
    date_hierarchy = "starts_at"
