from django.contrib import admin

from innomarket.backoffice.admin_mixins import ListingAdmin, with_extra

from .models import Policy


@admin.register(Policy)
class PolicyAdmin(ListingAdmin):
    list_display = with_extra(ListingAdmin.list_display, "issuer", "support_type", "issued_on", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "support_type", "level", after=1)
    search_fields = (*ListingAdmin.search_fields, "issuer", "document_number")
    date_hierarchy = "issued_on"
