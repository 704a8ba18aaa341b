from django.contrib import admin

from innomarket.backoffice.admin_mixins import CityScopedAdminMixin

from .models import Enquiry, EnquiryMessage


class EnquiryMessageInline(admin.TabularInline):
    model = EnquiryMessage
    extra = 0
    can_delete = False
    fields = ["created_at", "author", "from_owner", "body"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Enquiry)
class EnquiryAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """Read-only for administrators (督办): they see who asked what and whether it was answered."""

    list_display = [
        "subject",
        "kind",
        "record_title",
        "owner",
        "city",
        "status",
        "submitted_at",
        "awaiting_since",
    ]
    list_filter = ["kind", "status", "city"]
    search_fields = ["subject", "record_title", "owner__name"]
    inlines = [EnquiryMessageInline]
    readonly_fields = [f.name for f in Enquiry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
