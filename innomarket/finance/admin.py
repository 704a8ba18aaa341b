from django.contrib import admin

from innomarket.backoffice.admin_mixins import ListingAdmin, with_extra

from .models import FinancialProduct, FinancingRequest, Fund


@admin.register(FinancialProduct)
class FinancialProductAdmin(ListingAdmin):
    list_display = with_extra(ListingAdmin.list_display, "product_type", "amount_max_wan", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "product_type", "uses_innovation_score", after=1)


@admin.register(Fund)
class FundAdmin(ListingAdmin):
    list_display = with_extra(ListingAdmin.list_display, "stage", "size_yi", "manager", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "stage", after=1)
    search_fields = (*ListingAdmin.search_fields, "manager", "focus")


@admin.register(FinancingRequest)
class FinancingRequestAdmin(ListingAdmin):
    list_display = with_extra(ListingAdmin.list_display, "round", "amount_wan", "valid_until", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "round", after=1)
