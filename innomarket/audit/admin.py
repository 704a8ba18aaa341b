"""审计日志 in the back office: read-only; alliance administrators see every entry, a city administrator
their own city's. Visibility follows the administrator roles (``accounts.roles``), not model permissions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innomarket.backoffice.admin_mixins import CityScopedAdminMixin, has_backoffice_role

from .models import AuditEntry
from .presentation import change_rows, reason_display
from .services.recording import tracked_models


class ModelListFilter(admin.SimpleListFilter):
    """数据类型: the tracked models only, by their Chinese names."""

    title = _("数据类型")
    parameter_name = "content_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        types = ContentType.objects.get_for_models(*tracked_models()).values()
        return sorted(
            ((str(ct.pk), str(model._meta.verbose_name)) for ct in types if (model := ct.model_class())),
            key=lambda item: item[1],
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        value = self.value()
        return queryset.filter(content_type_id=int(value)) if value and value.isdigit() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(CityScopedAdminMixin, admin.ModelAdmin):  # type: ignore[misc]
    """Search by record name, actor or changed value; filter by action, data type, city and date."""

    city_field = "city"
    list_display = (
        "created_at",
        "action",
        "model_name",
        "record_link",
        "actor_label",
        "city",
        "changed_fields",
    )
    list_filter = ("action", ModelListFilter, "city", "created_at")
    search_fields = ("object_repr", "actor_display", "changes_text")
    search_help_text = _("按记录名称、操作人或变更内容检索")
    list_select_related = ("content_type", "city")
    fields = (
        "created_at",
        "action",
        "model_name",
        "record_link",
        "actor_label",
        "city",
        "reason_text",
        "changes_table",
        "request_id",
        "ip",
    )
    readonly_fields = fields
    list_per_page = 50
    show_full_result_count = False

    # Who sees the log is decided by role (and city), like the records themselves; nobody writes it here.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_backoffice_role(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.in_scope(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # The record's page links here with ?content_type=…&object_id=… (one record's whole history).
        return lookup in ("object_id", "content_type") or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("数据类型"), ordering="content_type")
    def model_name(self, entry: AuditEntry) -> str:
        model = entry.content_type.model_class()
        return str(model._meta.verbose_name) if model else entry.content_type.model

    @admin.display(description=_("记录"), ordering="object_repr")
    def record_link(self, entry: AuditEntry) -> str:
        if entry.action == AuditEntry.Action.DELETE:
            return gettext("%(name)s（已删除）") % {"name": entry.object_repr}
        try:
            url = reverse(
                f"admin:{entry.content_type.app_label}_{entry.content_type.model}_change",
                args=[entry.object_id],
            )
        except NoReverseMatch:
            return entry.object_repr
        return format_html('<a href="{}">{}</a>', url, entry.object_repr)

    @admin.display(description=_("操作人"), ordering="actor_display")
    def actor_label(self, entry: AuditEntry) -> str:
        return entry.actor_label

    @admin.display(description=_("变更字段"))
    def changed_fields(self, entry: AuditEntry) -> str:
        return gettext("、").join(row["label"] for row in change_rows(entry)) or "—"

    @admin.display(description=_("理由"))
    def reason_text(self, entry: AuditEntry) -> str:
        return reason_display(entry.reason) or "—"

    @admin.display(description=_("变更内容（修改前 → 修改后）"))
    def changes_table(self, entry: AuditEntry) -> SafeString:
        return render_to_string("audit/changes_table.html", {"changes": change_rows(entry)})
