from django.contrib import admin

from innomarket.backoffice.admin_mixins import CityScopedAdminMixin

from .models import Voucher, VoucherProgram


@admin.register(VoucherProgram)
class VoucherProgramAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "city",
        "year",
        "status",
        "total_budget_wan",
        "max_per_enterprise_wan",
        "cross_city",
    )
    list_filter = ("status", "city", "year", "cross_city")
    search_fields = ("name", "issuer")
    list_select_related = ("city",)


@admin.register(Voucher)
class VoucherAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """创新券, scoped by the issuing programme's city. Redemption and settlement are a later issue."""

    city_field = "program__city"
    # 通用通兑: a voucher may be spent with a service provider in any member city.
    cross_city_fields = ("redeemed_with",)
    list_display = ("code", "program", "enterprise", "amount_wan", "status", "issued_at", "redeemed_with")
    list_filter = ("status", "program__city")
    search_fields = ("code", "enterprise__name", "program__name")
    autocomplete_fields = ("program", "enterprise", "redeemed_with")
    readonly_fields = ("status", "redeemed_at")
    list_select_related = ("program", "enterprise", "redeemed_with")
