"""审计日志 in the back office: read-only; alliance administrators see every entry, a city administrator
their own city's. Visibility follows the administrator roles (``accounts.roles``), not model permissions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.views.main import ALL_VAR, ERROR_FLAG, ORDER_VAR, PAGE_VAR, SEARCH_VAR
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innomarket.backoffice.admin_mixins import CityScopedAdminMixin, has_backoffice_role
from innomarket.regions.models import City

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
        # ``AuditEntryAdmin.changelist_view`` has already dropped anything but a tracked type's id.
        pk = _record_id(self.value())
        return queryset.filter(content_type_id=pk) if pk is not None else queryset


MAX_ID = 2**63 - 1  # the largest key either database stores; a longer number is not an id


def _record_id(value: str | None) -> int | None:
    """A database id from a query parameter, or ``None``: ASCII digits only ("²".isdigit() is true)."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def _is_day_or_time(value: str) -> bool:
    try:
        return parse_datetime(value) is not None or parse_date(value) is not None
    except ValueError:  # well formed but impossible, e.g. 2025-13-45
        return False


def _tracked_type_ids() -> set[int]:
    return {ct.pk for ct in ContentType.objects.get_for_models(*tracked_models()).values()}


# Parameters of the audit log's list page and whether a value is acceptable. Anything else (a value
# that is not an id, an id of nothing, an impossible date, an unknown parameter) is dropped with a
# notice instead of reaching the database, where it used to raise (a 500) or end on Django's
# "database error" page.
FILTER_CHECKS: dict[str, Any] = {
    SEARCH_VAR: lambda v: "\x00" not in v,  # PostgreSQL refuses NUL characters in a query
    ORDER_VAR: lambda v: True,  # the admin ignores an ordering it does not know
    PAGE_VAR: lambda v: _record_id(v) is not None,
    "action__exact": lambda v: v in AuditEntry.Action.values,
    "content_type": lambda v: _record_id(v) in _tracked_type_ids(),
    "object_id": lambda v: _record_id(v) is not None,
    "city__id__exact": lambda v: (pk := _record_id(v)) is not None and City.objects.filter(pk=pk).exists(),
    "city__isnull": lambda v: v in ("True", "False"),
    "created_at__gte": _is_day_or_time,
    "created_at__lt": _is_day_or_time,
    # The admin's own parameters, checked by the admin itself.
    ALL_VAR: lambda v: True,
    ERROR_FLAG: lambda v: True,
    IS_POPUP_VAR: lambda v: True,
    TO_FIELD_VAR: lambda v: True,
}


FILTER_LABELS: dict[str, Any] = {
    SEARCH_VAR: _("检索词"),
    PAGE_VAR: _("页码"),
    "action__exact": _("操作"),
    "content_type": _("数据类型"),
    "object_id": _("记录编号"),
    "city__id__exact": _("城市"),
    "city__isnull": _("城市"),
    "created_at__gte": _("时间"),
    "created_at__lt": _("时间"),
}


def clean_filters(params: QueryDict) -> tuple[QueryDict, list[str]]:
    """``params`` without the values ``FILTER_CHECKS`` refuses, and the names of the dropped ones."""
    kept = QueryDict(mutable=True)
    dropped: list[str] = []
    for name, values in params.lists():
        check = FILTER_CHECKS.get(name)
        good = [v for v in values if check is not None and check(v)]
        if len(good) < len(values):
            dropped.append(name)
        if good:
            kept.setlist(name, good)
    return kept, dropped


def _filter_label(name: str) -> str:
    label = FILTER_LABELS.get(name)
    return str(label) if label is not None else gettext("未知参数“%(name)s”") % {"name": name[:40]}


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

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        kept, dropped = clean_filters(request.GET)
        if dropped:
            messages.warning(
                request,
                gettext("已忽略无效的筛选条件：%(names)s。请从右侧的筛选栏重新选择。")
                % {"names": gettext("、").join(dict.fromkeys(_filter_label(name) for name in dropped))},
            )
            query = kept.urlencode()
            return HttpResponseRedirect(f"{request.path}?{query}" if query else request.path)
        return super().changelist_view(request, extra_context)

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
