from django.contrib import admin

from innomarket.backoffice.admin_mixins import CityScopedAdminMixin, ListingAdmin, with_extra

from .models import Bid, BrokerLedgerEntry, Challenge, EvaluatorAssignment, Invitation


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
    list_filter = ("status", "challenge__city", "is_sample")
    search_fields = ("challenge__title", "organisation__name", "approach")
    autocomplete_fields = ("challenge", "organisation")
    raw_id_fields = ("submitted_by",)
    readonly_fields = ("status", "submitted_at")
    list_select_related = ("challenge", "organisation")


class _ReadOnlyChallengeChildAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """Rows written by the 揭榜挂帅 services only: visible to the challenge city's administrators."""

    city_field = "challenge__city"

    def has_add_permission(self, request, *args):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Invitation)
class InvitationAdmin(_ReadOnlyChallengeChildAdmin):
    """邀请揭榜: who the engine recommended for each challenge, and whether they answered."""

    list_display = ("challenge", "organisation", "via_title", "score", "status", "created_at", "responded_at")
    list_filter = ("status", "challenge__city")
    search_fields = ("challenge__title", "organisation__name")
    list_select_related = ("challenge", "organisation")


@admin.register(BrokerLedgerEntry)
class BrokerLedgerEntryAdmin(_ReadOnlyChallengeChildAdmin):
    """技术经理人台账: who sourced, matched and closed each deal."""

    list_display = ("challenge", "tech_manager", "role", "bid", "created_at")
    list_filter = ("role", "challenge__city")
    search_fields = ("challenge__title", "tech_manager__title")
    list_select_related = ("challenge", "tech_manager", "bid")


@admin.register(EvaluatorAssignment)
class EvaluatorAssignmentAdmin(_ReadOnlyChallengeChildAdmin):
    """评审专家 and their conflict-of-interest declarations."""

    list_display = ("challenge", "expert", "status", "declared_at", "recusal_reason")
    list_filter = ("status", "challenge__city")
    search_fields = ("challenge__title", "expert__title")
    list_select_related = ("challenge", "expert")
