from django.contrib import admin

from innomarket.backoffice.admin_mixins import (
    AllianceOnlyAdminMixin,
    CityScopedAdminMixin,
    VerifiableAdminMixin,
)

from .models import Membership, Organisation, OrganisationTag


@admin.register(OrganisationTag)
class OrganisationTagAdmin(AllianceOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "description", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("name", "slug", "description")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Organisation)
class OrganisationAdmin(VerifiableAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "city",
        "status",
        "credit_code",
        "source",
        "is_sample",
        "last_verified_at",
        "updated_at",
    )
    list_filter = ("status", "city", "kind", "tags", "source", "is_sample")
    search_fields = ("name", "short_name", "credit_code", "address")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("fields", "tags")
    list_select_related = ("city",)
    inlines = [MembershipInline]
    list_per_page = 50
    show_full_result_count = False


@admin.register(Membership)
class MembershipAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    city_field = "organisation__city"
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role", "organisation__city")
    search_fields = ("user__username", "user__name", "organisation__name")
    autocomplete_fields = ("organisation",)
    raw_id_fields = ("user",)
    list_select_related = ("user", "organisation")
