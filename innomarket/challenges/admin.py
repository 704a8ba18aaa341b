from django.contrib import admin

from innomarket.backoffice.admin_mixins import CityScopedAdminMixin, ListingAdmin, with_extra

from .models import Bid, Challenge


@admin.register(Challenge)
class ChallengeAdmin(ListingAdmin):
    """榜单: verification goes through CHALLENGE_WORKFLOW (核验通过 → 已发布, 退回 → 已退回)."""

    list_display = with_extra(ListingAdmin.list_display, "kind", "budget_max", "deadline", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "kind", "confidentiality", after=1)
    search_fields = (*ListingAdmin.search_fields, "problem_statement", "indicators")


@admin.register(Bid)
class BidAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """揭榜方案, scoped by the challenge's city. The bidding workflow is a later issue: status is read-only."""

    city_field = "challenge__city"
    # Teams from any member city may take a challenge.
    cross_city_fields = ("organisation",)
    list_display = ("__str__", "challenge", "organisation", "status", "price", "submitted_at", "is_sample")
    list_filter = ("status", "challenge__city", "decline_reason", "is_sample")
    search_fields = ("challenge__title", "organisation__name", "approach")
    autocomplete_fields = ("challenge", "organisation")
    raw_id_fields = ("submitted_by",)
    readonly_fields = ("status", "submitted_at")
    list_select_related = ("challenge", "organisation")
