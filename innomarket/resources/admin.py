from django.contrib import admin

from innomarket.backoffice.admin_mixins import ListingAdmin, with_extra

from .models import Instrument, Space


@admin.register(Space)
class SpaceAdmin(ListingAdmin):
    list_display = with_extra(ListingAdmin.list_display, "kind", "level", "area_m2", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "kind", "level", after=1)
    search_fields = (*ListingAdmin.search_fields, "address")


@admin.register(Instrument)
class InstrumentAdmin(ListingAdmin):
    list_display = with_extra(ListingAdmin.list_display, "category", "accepts_vouchers", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "accepts_vouchers", after=1)
    search_fields = (*ListingAdmin.search_fields, "category", "manufacturer", "model_number")
