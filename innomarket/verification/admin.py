from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innomarket.backoffice.admin_mixins import AllianceOnlyAdminMixin

from .models import StatusEvent


@admin.register(StatusEvent)
class StatusEventAdmin(AllianceOnlyAdminMixin, admin.ModelAdmin):
    """The audit log of every status change (alliance administrators only), read-only: services write it."""

    list_display = (
        "created_at",
        "content_type",
        "record_link",
        "actor_display",
        "from_display",
        "to_display",
        "reason",
    )
    list_filter = ("content_type", "to_status")
    search_fields = ("reason", "actor__username", "actor__name")
    list_select_related = ("actor", "content_type")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "content_type",
        "object_id",
        "record_link",
        "actor",
        "from_status",
        "to_status",
        "reason",
    )
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[StatusEvent]:
        return super().get_queryset(request).prefetch_related("record")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("记录"))
    def record_link(self, event: StatusEvent) -> str:
        record = event.record
        if record is None:
            return gettext("（已删除）#%(id)s") % {"id": event.object_id}
        opts = record._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        except NoReverseMatch:
            return str(record)
        return format_html('<a href="{}">{}</a>', url, record)

    @admin.display(description=_("操作人"), ordering="actor__username")
    def actor_display(self, event: StatusEvent) -> str:
        return event.actor.display_name if event.actor else gettext("系统")

    @admin.display(description=_("原状态"))
    def from_display(self, event: StatusEvent) -> str:
        return event.from_label or "—"

    @admin.display(description=_("新状态"), ordering="to_status")
    def to_display(self, event: StatusEvent) -> str:
        return event.to_label
