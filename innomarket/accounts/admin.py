from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innomarket.backoffice.admin_mixins import AllianceOnlyAdminMixin
from innomarket.backoffice.forms import CityChoiceForm

from . import services
from .models import User


@admin.register(User)
class UserAdmin(AllianceOnlyAdminMixin, DjangoUserAdmin):
    """Users (alliance administrators only). Administrator roles change only through the actions."""

    list_display = (
        "username",
        "name",
        "email",
        "administered_city",
        "is_alliance_admin",
        "is_staff",
        "is_active",
        "date_joined",
    )
    list_filter = (
        "administered_city",
        "is_alliance_admin",
        "is_staff",
        "is_superuser",
        "is_active",
        "groups",
    )
    list_select_related = ("administered_city",)
    search_fields = ("username", "name", "email", "phone")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("name", "email", "phone", "first_name", "last_name")}),
        (_("后台角色"), {"fields": ("administered_city", "is_alliance_admin", "is_staff", "groups")}),
        (_("账号与权限"), {"fields": ("is_active", "is_superuser", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    actions = ["make_city_admin", "make_alliance_admin", "revoke_admin"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Roles are set by the actions (which also keep staff status and groups consistent), never by hand.
        readonly = ["administered_city", "is_alliance_admin", "last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return readonly if obj is not None else []

    @admin.action(description=_("设为城市管理员"), permissions=["change"])
    def make_city_admin(self, request: HttpRequest, queryset: QuerySet[User]) -> Any:
        form = CityChoiceForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            city = form.cleaned_data["city"]
            for user in queryset:
                services.user_make_city_admin(user=user, city=city)
            self.message_user(
                request,
                gettext("%(n)d 位用户已设为“%(city)s”的城市管理员。") % {"n": len(queryset), "city": city},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("设为城市管理员"),
            "users": list(queryset),
            "form": form,
            "action": "make_city_admin",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "backoffice/make_city_admin.html", context)

    @admin.action(description=_("设为联盟管理员"), permissions=["change"])
    def make_alliance_admin(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_make_alliance_admin(user=user)
        self.message_user(
            request, gettext("%(n)d 位用户已设为联盟管理员。") % {"n": len(queryset)}, messages.SUCCESS
        )

    @admin.action(description=_("撤销管理员权限"), permissions=["change"])
    def revoke_admin(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        revoked, skipped = 0, False
        for user in queryset:
            if user.pk == request.user.pk:
                skipped = True  # never lock oneself out of the back office
                continue
            services.user_revoke_admin(user=user)
            revoked += 1
        self.message_user(
            request, gettext("%(n)d 位用户已撤销管理员权限。") % {"n": revoked}, messages.SUCCESS
        )
        if skipped:
            self.message_user(request, gettext("不能撤销自己的管理员权限。"), messages.WARNING)
