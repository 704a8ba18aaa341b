from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """通知, read-only and for superusers only: people's inboxes are private, this is for support."""

    list_display = ("title", "recipient", "kind", "created_at", "read_at", "emailed_at")
    list_filter = ("kind", "created_at")
    search_fields = ("title", "kind", "recipient__username", "recipient__email", "recipient__name")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "recipient", "kind", "title", "body", "url", "content_type", "object_id",
        "created_at", "read_at", "emailed_at",
    )  # fmt: skip

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
