from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from innomarket.backoffice.admin_mixins import AllianceOnlyAdminMixin
from innomarket.backoffice.forms import CityChoiceForm

from . import roles, selectors, services
from .models import LoginFailure, LoginFailureCount, LoginSuccess, User


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
    actions = [
        "make_city_admin",
        "make_alliance_admin",
        "revoke_admin",
        "unlock_login",
        "reset_second_factor",
    ]

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

    @admin.action(description=_("解除登录锁定"), permissions=["change"])
    def unlock_login(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        removed = sum(services.login_unlock(actor=request.user, username=u.get_username()) for u in queryset)
        self.message_user(
            request,
            gettext("已解除 %(n)d 个账号的登录锁定（清除 %(records)d 条失败计数）。")
            % {"n": len(queryset), "records": removed},
            messages.SUCCESS,
        )

    @admin.action(description=_("重置两步验证（手机丢失时）"), permissions=["change"])
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.second_factor_reset(user=user, actor=request.user)
        self.message_user(
            request,
            gettext("已重置 %(n)d 位用户的两步验证；他们下次登录后需要重新设置。") % {"n": len(queryset)},
            messages.SUCCESS,
        )


# --- 登录日志: django-axes' records, read-only, for the alliance administrator --------------------------

# The django-otp devices are managed by their owners on /accounts/2fa/ and reset by the user action above;
# their default admin pages (with secrets and QR codes) are not part of the back office.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


def _entry_point(path_info: str) -> str:
    return gettext("后台") if path_info.startswith(reverse("admin:index")) else gettext("网站")


class EntryPointFilter(admin.SimpleListFilter):
    title = _("登录入口")
    parameter_name = "entry"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [("site", _("网站")), ("admin", _("后台"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        admin_prefix = reverse("admin:index")
        if self.value() == "admin":
            return queryset.filter(path_info__startswith=admin_prefix)
        if self.value() == "site":
            return queryset.exclude(path_info__startswith=admin_prefix)
        return queryset


class LoginLogAdmin(AllianceOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the records are written by django-axes as people sign in."""

    date_hierarchy = "attempt_time"
    search_fields = ("username", "ip_address")
    search_help_text = _("按用户名或 IP 地址搜索；点击表中的用户名或 IP 只看该账号或地址的记录。")
    list_per_page = 50
    # The change list's own links filter by one account or one address.
    filter_by_link = ("username", "ip_address")

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        return lookup in self.filter_by_link or super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _filter_link(self, field: str, value: Any) -> Any:
        if not value:
            return "—"
        return format_html('<a href="?{}">{}</a>', urlencode({field: value}), value)

    @admin.display(description=_("用户名"), ordering="username")
    def account(self, obj: Any) -> Any:
        return self._filter_link("username", obj.username)

    @admin.display(description=_("IP 地址"), ordering="ip_address")
    def address(self, obj: Any) -> Any:
        return self._filter_link("ip_address", obj.ip_address)

    @admin.display(description=_("时间"), ordering="attempt_time")
    def time(self, obj: Any) -> Any:
        return obj.attempt_time

    @admin.display(description=_("登录入口"))
    def entry(self, obj: Any) -> str:
        return _entry_point(obj.path_info)

    @admin.display(description=_("浏览器"))
    def browser(self, obj: Any) -> str:
        return obj.user_agent


@admin.register(LoginFailureCount)
class LoginFailureCountAdmin(LoginLogAdmin):
    """Current failure counts; unlocking an account or an address removes its counts."""

    list_display = ("account", "address", "failures", "time", "lock_state", "entry")
    fields = readonly_fields = ("account", "address", "failures", "time", "lock_state", "entry", "browser")
    actions = ["unlock_accounts", "unlock_addresses"]

    @admin.display(description=_("失败次数"), ordering="failures_since_start")
    def failures(self, obj: Any) -> int:
        return obj.failures_since_start

    @admin.display(description=_("锁定状态"))
    def lock_state(self, obj: Any) -> str:
        lock = selectors.lockout_for(username=obj.username, ip_address=obj.ip_address)
        parts = []
        if lock.account_until:
            parts.append(
                gettext("账号锁定至 %(t)s")
                % {"t": timezone.localtime(lock.account_until).strftime("%m-%d %H:%M")}
            )
        if lock.address_until:
            parts.append(
                gettext("IP 锁定至 %(t)s")
                % {"t": timezone.localtime(lock.address_until).strftime("%m-%d %H:%M")}
            )
        return "；".join(parts) or gettext("未锁定")

    def has_unlock_permission(self, request: HttpRequest) -> bool:
        return roles.is_alliance_admin(request.user)

    @admin.action(description=_("解除所选账号的锁定"), permissions=["unlock"])
    def unlock_accounts(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        usernames = sorted({u for u in queryset.values_list("username", flat=True) if u})
        for username in usernames:
            services.login_unlock(actor=request.user, username=username)
        self.message_user(
            request,
            gettext("已解除 %(n)d 个账号的锁定：%(names)s")
            % {"n": len(usernames), "names": "、".join(usernames)},
            messages.SUCCESS,
        )

    @admin.action(description=_("解除所选 IP 地址的锁定"), permissions=["unlock"])
    def unlock_addresses(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        addresses = sorted({a for a in queryset.values_list("ip_address", flat=True) if a})
        for address in addresses:
            services.login_unlock(actor=request.user, ip_address=address)
        self.message_user(
            request,
            gettext("已解除 %(n)d 个 IP 地址的锁定：%(ips)s")
            % {"n": len(addresses), "ips": "、".join(addresses)},
            messages.SUCCESS,
        )


@admin.register(LoginSuccess)
class LoginSuccessAdmin(LoginLogAdmin):
    list_display = ("account", "address", "time", "logout", "entry", "browser")
    fields = readonly_fields = ("account", "address", "time", "logout", "entry", "browser")

    @admin.display(description=_("退出时间"), ordering="logout_time")
    def logout(self, obj: Any) -> Any:
        return obj.logout_time or "—"


class LockedOutFilter(admin.SimpleListFilter):
    title = _("结果")
    parameter_name = "outcome"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [("failed", _("密码错误")), ("locked", _("触发或处于锁定"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "failed":
            return queryset.filter(locked_out=False)
        if self.value() == "locked":
            return queryset.filter(locked_out=True)
        return queryset


@admin.register(LoginFailure)
class LoginFailureAdmin(LoginLogAdmin):
    list_display = ("account", "address", "time", "outcome", "entry", "browser")
    list_filter = (LockedOutFilter, EntryPointFilter)
    fields = readonly_fields = ("account", "address", "time", "outcome", "entry", "browser")

    @admin.display(description=_("结果"), ordering="locked_out")
    def outcome(self, obj: Any) -> str:
        return gettext("触发或处于锁定") if obj.locked_out else gettext("密码错误")
