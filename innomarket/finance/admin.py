from django.contrib import admin

from innomarket.backoffice.admin_mixins import ListingAdmin, with_extra
from innomarket.verification.selectors import scope_for_administrator

from .models import FinancialProduct, FinancingInterest, FinancingRequest, Fund, LoanApplication


@admin.register(FinancialProduct)
class FinancialProductAdmin(ListingAdmin):
    list_display = with_extra(
        ListingAdmin.list_display, "product_type", "amount_max_wan", "min_tier", after=0
    )
    list_filter = with_extra(
        ListingAdmin.list_filter, "product_type", "uses_innovation_score", "min_tier", after=1
    )


@admin.register(Fund)
class FundAdmin(ListingAdmin):
    list_display = with_extra(ListingAdmin.list_display, "stage", "size_yi", "manager", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "stage", after=1)
    search_fields = (*ListingAdmin.search_fields, "manager", "focus")


@admin.register(FinancingRequest)
class FinancingRequestAdmin(ListingAdmin):
    list_display = with_extra(ListingAdmin.list_display, "round", "amount_wan", "valid_until", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "round", after=1)


class _ReadOnlyTransaction(admin.ModelAdmin):
    """Back-office view of the transactions (follow-up of escalations): read only, the parties act in
    the workspace through the services."""

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # A city administrator follows up their own city's requests only; attachments stay out.
        return scope_for_administrator(super().get_queryset(request), request.user)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(LoanApplication)
class LoanApplicationAdmin(_ReadOnlyTransaction):
    list_display = (
        "applicant",
        "product",
        "institution",
        "amount_wan",
        "status",
        "granted_amount_wan",
        "submitted_at",
    )
    list_filter = ("status", "city")
    search_fields = ("applicant__name", "institution__name", "product__title")
    list_select_related = ("applicant", "product", "institution")


@admin.register(FinancingInterest)
class FinancingInterestAdmin(_ReadOnlyTransaction):
    list_display = ("institution", "request", "amount_min_wan", "amount_max_wan", "status", "submitted_at")
    list_filter = ("status", "city")
    search_fields = ("institution__name", "request__title")
    list_select_related = ("institution", "request")
