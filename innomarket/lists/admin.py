from django.contrib import admin

from innomarket.backoffice.admin_mixins import ListingAdmin, with_extra

from .models import Cooperation


@admin.register(Cooperation)
class CooperationAdmin(ListingAdmin):
    # Cooperation crosses cities by nature: partners and the source challenge may be in any member city.
    cross_city_fields = ("partners", "challenge")
    list_display = with_extra(ListingAdmin.list_display, "kind", "phase", "started_on", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "kind", "phase", after=1)
    search_fields = (*ListingAdmin.search_fields, "outcome", "partners__name")
    autocomplete_fields = (*ListingAdmin.autocomplete_fields, "partners", "challenge")
    filter_horizontal = (*ListingAdmin.filter_horizontal, "partner_cities")
