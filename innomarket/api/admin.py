"""接口令牌 in the back office: a city's administrators issue and revoke their city's tokens (the
alliance's see all, organisations' tokens included). Issuing goes through ``services.api_token_issue``
and the key is shown once, on the page answering the add form; tokens are never edited or deleted, only
revoked (the record stays for the audit)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innomarket.backoffice.admin_mixins import CityScopedAdminMixin
from innomarket.common.exceptions import ApplicationError

from . import services
from .models import CITY_SCOPES, ApiToken, Scope


class CityTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("权限范围"),
        choices=[(s.value, s.label) for s in CITY_SCOPES],
        initial=[Scope.READ, Scope.QUEUE_READ],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiToken
        fields = ("name", "city", "scopes", "expires_at")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].required = True

    def clean_expires_at(self) -> Any:
        value = self.cleaned_data.get("expires_at")
        if value is not None and value <= timezone.now():
            raise forms.ValidationError(gettext("有效期须晚于现在。"))
        return value


@admin.register(ApiToken)
class ApiTokenAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "display_prefix",
        "city",
        "organisation",
        "scope_list",
        "created_by",
        "created_at",
        "last_used_at",
        "state",
    )
    list_filter = ("city",)
    search_fields = ("name", "prefix")
    actions = ["revoke_selected"]
    readonly_fields = (
        "name",
        "display_prefix",
        "city",
        "organisation",
        "scope_list",
        "created_by",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
    )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = CityTokenForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("name", "city", "scopes", "expires_at") if obj is None else self.readonly_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("city", "organisation", "created_by")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the record of who held what stays

    @admin.display(description=_("前缀"))
    def display_prefix(self, token: ApiToken) -> str:
        return token.display_prefix

    @admin.display(description=_("权限范围"))
    def scope_list(self, token: ApiToken) -> str:
        return "、".join(token.scope_labels())

    @admin.display(description=_("状态"))
    def state(self, token: ApiToken) -> str:
        if token.revoked_at is not None:
            return gettext("已撤销")
        return gettext("有效") if token.is_active else gettext("已过期")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return  # nothing on a token is edited
        try:
            token, key = services.api_token_issue(
                actor=request.user,
                name=form.cleaned_data["name"],
                city=form.cleaned_data["city"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.cleaned_data.get("expires_at"),
            )
        except ApplicationError as exc:  # the form limits the choices; this guards what slipped past
            raise DjangoPermissionDenied(str(exc)) from exc
        obj.pk, obj.prefix, obj.key_hash = token.pk, token.prefix, token.key_hash
        request._api_token_key = key  # type: ignore[attr-defined] # shown once by response_add

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None) -> HttpResponse:
        return TemplateResponse(
            request,
            "api/admin_token_created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "token": ApiToken.objects.select_related("city").get(pk=obj.pk),
                "key": getattr(request, "_api_token_key", ""),
                "title": gettext("接口令牌已创建"),
            },
            status=201,
        )

    @admin.action(description=_("撤销所选令牌"), permissions=["view"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        done, refused = 0, []
        for token in queryset:
            try:
                services.api_token_revoke(actor=request.user, token=token)
                done += 1
            except ApplicationError as exc:
                refused.append(f"{token.name}：{exc}")
        if done:
            messages.success(request, gettext("已撤销 %(n)d 个令牌。") % {"n": done})
        for line in refused:
            messages.error(request, line)
