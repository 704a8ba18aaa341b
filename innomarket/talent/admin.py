from django.contrib import admin

from innomarket.backoffice.admin_mixins import ListingAdmin, with_extra

from .models import Expert, TalentPost, TalentStation, TechManager


@admin.register(Expert)
class ExpertAdmin(ListingAdmin):
    list_display = with_extra(ListingAdmin.list_display, "professional_title", "affiliation", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "accepts_evaluation", after=1)
    search_fields = (*ListingAdmin.search_fields, "affiliation", "expertise")
    raw_id_fields = ("user",)


@admin.register(TechManager)
class TechManagerAdmin(ListingAdmin):
    list_display = with_extra(ListingAdmin.list_display, "grade", "certificate", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "grade", after=1)
    search_fields = (*ListingAdmin.search_fields, "certificate", "services")
    raw_id_fields = ("user",)


@admin.register(TalentPost)
class TalentPostAdmin(ListingAdmin):
    list_display = with_extra(ListingAdmin.list_display, "kind", "headcount", "valid_until", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "kind", after=1)
    search_fields = (*ListingAdmin.search_fields, "qualifications", "location")


@admin.register(TalentStation)
class TalentStationAdmin(ListingAdmin):
    list_display = with_extra(ListingAdmin.list_display, "address", after=0)
    search_fields = (*ListingAdmin.search_fields, "address", "services")
