from django.contrib import admin

from innomarket.backoffice.admin_mixins import CityScopedAdminMixin, ListingAdmin, with_extra

from .models import Booking, Instrument, Space


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


@admin.register(Booking)
class BookingAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """Read-only for administrators (督办): who booked what, when, and whether it was answered. The
    parties act in the workspace through the services."""

    list_display = [
        "bookable",
        "organisation",
        "starts_at",
        "ends_at",
        "status",
        "submitted_at",
        "awaiting_since",
    ]
    list_filter = ["status", "city"]
    search_fields = ["organisation__name", "bookable__instrument__title", "bookable__space__title"]
    list_select_related = ["organisation", "bookable__instrument", "bookable__space"]
    readonly_fields = [f.name for f in Booking._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
