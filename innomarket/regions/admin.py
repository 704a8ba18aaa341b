from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innomarket.accounts import roles
from innomarket.backoffice.admin_mixins import HTTPS_URL_FIELDS, has_backoffice_role

from .models import City

# What a city administrator maintains about their own city; the rest is alliance configuration.
CITY_ADMIN_EDITABLE = (
    "intro",
    "joined_note",
    "office_name",
    "office_address",
    "office_phone",
    "office_source",
    "cloud_platform_name",
    "cloud_platform_url",
    "cloud_platform_unconfirmed",
    "cloud_platform_note",
)


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "short_name",
        "kind",
        "province",
        "is_member",
        "sort_order",
        "cloud_platform_name",
        "cloud_platform_unconfirmed",
    )
    list_filter = ("is_member", "kind", "province", "cloud_platform_unconfirmed")
    search_fields = ("name", "short_name", "slug")
    formfield_overrides = HTTPS_URL_FIELDS
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "short_name",
                    "slug",
                    "kind",
                    "province",
                    "is_member",
                    "map_name",
                    "sort_order",
                )
            },
        ),
        (_("城市介绍"), {"fields": ("intro", "joined_note")}),
        (_("对接机构"), {"fields": ("office_name", "office_address", "office_phone", "office_source")}),
        (
            _("科创云平台"),
            {
                "fields": (
                    "cloud_platform_name",
                    "cloud_platform_url",
                    "cloud_platform_unconfirmed",
                    "cloud_platform_note",
                ),
                "description": _(
                    "首页地图与城市页的“一键进入”链接。网址未确认前请勾选“待核实”：页面只显示名称与“网址待核实”，不显示链接。"
                ),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[City]:
        qs = super().get_queryset(request)
        if roles.is_alliance_admin(request.user):
            return qs
        city_id = roles.administered_city_id(request.user)
        return qs.filter(pk=city_id) if city_id is not None else qs.none()

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(gettext("记录不存在，或不属于您管理的城市。"))
        return obj

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if roles.is_alliance_admin(request.user):
            return ()
        return [
            f.name for f in City._meta.concrete_fields if f.editable and f.name not in CITY_ADMIN_EDITABLE
        ]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_backoffice_role(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = (
            has_backoffice_role(request.user)
            if obj is None
            else roles.can_administer_city(request.user, obj.pk)
        )
        return allowed and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = (
            has_backoffice_role(request.user)
            if obj is None
            else roles.can_administer_city(request.user, obj.pk)
        )
        return allowed and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return roles.is_alliance_admin(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.is_alliance_admin(request.user) and super().has_delete_permission(request, obj)
