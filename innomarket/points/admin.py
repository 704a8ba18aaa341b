"""创新积分 in the back office.

* 指标体系 (alliance administrators only): a draft's fields and indicators are edited here; published and
  retired sets are read-only. Actions: 发布 (the draft becomes current, the previous set is retired, every
  enterprise is rescored) and 复制为新版本 (a new draft to edit). All writes go through ``services``.
* 企业创新积分 and 积分查看授权: read-only, scoped to the administrator's city (alliance: every city).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innomarket.backoffice.admin_mixins import AllianceOnlyAdminMixin, CityScopedAdminMixin
from innomarket.common.exceptions import ApplicationError

from . import services
from .models import ConsentEvent, EnterpriseScore, IndicatorDefinition, IndicatorSet, ScoreConsent

SET_FIELDS = (
    "version",
    "name",
    "status",
    "description",
    "tier_cutoffs",
    "total_cap",
    "published_at",
    "published_by",
    "copied_from",
)
DEFINITION_FIELDS = (
    "order",
    "key",
    "name",
    "klass",
    "unit",
    "source",
    "source_field",
    "curve_kind",
    "steps",
    "weight",
    "cap",
)


class IndicatorSetForm(forms.ModelForm):
    class Meta:
        model = IndicatorSet
        fields = ("name", "description", "tier_cutoffs", "total_cap")

    def clean_tier_cutoffs(self) -> Any:
        value = self.cleaned_data.get("tier_cutoffs")
        try:
            services.validate_tier_cutoffs(value)
        except ApplicationError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return value


class IndicatorDefinitionInline(admin.TabularInline):
    model = IndicatorDefinition
    fields = DEFINITION_FIELDS
    extra = 0

    def _editable(self, obj: IndicatorSet | None) -> bool:
        return obj is None or obj.is_editable

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(IndicatorSet)
class IndicatorSetAdmin(AllianceOnlyAdminMixin, admin.ModelAdmin):
    form = IndicatorSetForm
    list_display = ("version", "name", "status", "published_at", "indicator_count", "weight_total")
    list_filter = ("status",)
    inlines = (IndicatorDefinitionInline,)
    actions = ("publish", "copy")

    @admin.display(description=_("指标数"))
    def indicator_count(self, obj: IndicatorSet) -> int:
        return obj.definitions.count()

    @admin.display(description=_("权重合计"))
    def weight_total(self, obj: IndicatorSet) -> Any:
        return sum((d.weight for d in obj.definitions.all()), start=0)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("tier_cutoffs", {"A": 75, "B": 60, "C": 40, "D": 0})
        return initial

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return SET_FIELDS

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not obj.is_editable:
            return SET_FIELDS
        return ("version", "status", "published_at", "published_by", "copied_from")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A set that scored enterprises is evidence of how they were scored: never deleted.
        return (
            obj is None or (obj.is_editable and not obj.scores.exists())
        ) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: IndicatorSet, form: Any, change: bool) -> None:
        services.indicator_set_update(actor=request.user, indicator_set=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for definition in formset.deleted_objects:
            services.indicator_definition_delete(actor=request.user, definition=definition)
        for definition in instances:
            services.indicator_definition_save(actor=request.user, definition=definition)

    @admin.action(description=_("发布所选草稿（替换现行版本并重新计算积分）"))
    def publish(self, request: HttpRequest, queryset: QuerySet[IndicatorSet]) -> None:
        drafts = list(queryset.order_by("version"))
        if len(drafts) != 1:
            self.message_user(request, gettext("请只选择一个草稿发布。"), messages.ERROR)
            return
        try:
            published = services.indicator_set_publish(actor=request.user, indicator_set=drafts[0])
        except ApplicationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request,
            gettext("已发布 %(set)s，所有企业已按新版本重新计算；以往版本的积分保持不变。")
            % {"set": published},
            messages.SUCCESS,
        )

    @admin.action(description=_("复制为新版本草稿"))
    def copy(self, request: HttpRequest, queryset: QuerySet[IndicatorSet]) -> None:
        for indicator_set in queryset.order_by("version"):
            try:
                draft = services.indicator_set_copy(actor=request.user, indicator_set=indicator_set)
            except ApplicationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return
            self.message_user(
                request,
                gettext("已复制为草稿 %(set)s，可修改后发布。") % {"set": draft},
                messages.SUCCESS,
            )


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EnterpriseScore)
class EnterpriseScoreAdmin(CityScopedAdminMixin, _ReadOnly):
    list_display = (
        "organisation",
        "city",
        "total",
        "tier",
        "percentile_city",
        "percentile_alliance",
        "set_version",
        "computed_at",
        "explanation_link",
    )
    list_filter = ("indicator_set__status", "tier", "city", "indicator_set")
    search_fields = ("organisation__name", "organisation__credit_code")
    list_select_related = ("organisation", "city", "indicator_set")
    exclude = ("values", "explanation", "best_gain")
    readonly_fields = ("explanation_link",)

    @admin.display(description=_("指标体系"), ordering="indicator_set__version")
    def set_version(self, obj: EnterpriseScore) -> str:
        return f"V{obj.indicator_set.version}"

    @admin.display(description=_("得分说明"))
    def explanation_link(self, obj: EnterpriseScore) -> str:
        url = reverse("site:workspace-points", kwargs={"org_pk": obj.organisation_id})
        return format_html('<a href="{}">{}</a>', url, gettext("查看"))


class ConsentEventInline(admin.TabularInline):
    model = ConsentEvent
    fields = ("at", "action", "actor")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ScoreConsent)
class ScoreConsentAdmin(CityScopedAdminMixin, _ReadOnly):
    city_field = "organisation__city"
    list_display = ("organisation", "institution", "granted_at", "revoked_at")
    list_filter = ("organisation__city",)
    search_fields = ("organisation__name", "institution__name")
    list_select_related = ("organisation", "institution")
    inlines = (ConsentEventInline,)
