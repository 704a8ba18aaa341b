"""Building blocks of the back office (后台维护端) on top of Django admin.

- ``AllianceOnlyAdminMixin``: configuration shared by all cities (users, taxonomy, tags, the audit log):
  only alliance administrators (and superusers) see it.
- ``CityScopedAdminMixin``: records that belong to one city. A city administrator sees, adds, changes
  and deletes only their own city's rows (queryset scoped through
  ``verification.selectors.scope_for_administrator``, every object checked again with
  ``accounts.roles.can_administer_city``); the city field and foreign keys to city-owned records offer
  only their city. A staff user with neither role sees nothing.
- ``VerifiableAdminMixin``: records that go through verification (数据核验). Status fields are
  read-only; status changes only happen through ``verification.services`` — as list actions
  (核验通过 / 退回 / 下架, applied per object with a summary of successes and failures) and as buttons
  on the change page, which lead to a confirmation page asking for the reason. The change page shows
  the record's ``StatusEvent`` history, read-only.
- ``ListingAdmin``: a ``ModelAdmin`` with sensible defaults for every ``Listing`` subclass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import models
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError
from innomarket.regions.models import City, Located
from innomarket.regions.services import record_locate
from innomarket.verification import services as verification_services
from innomarket.verification.models import StatusEvent
from innomarket.verification.selectors import scope_for_administrator

from .forms import ReasonForm

# Addresses typed without a scheme become https:// (Django 6's default, chosen explicitly now).
HTTPS_URL_FIELDS: dict[Any, dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}

# Fields a status change writes: never edited by hand in the change form.
WORKFLOW_READONLY_FIELDS = ("status", "status_reason", "last_verified_at", "published_at", "created_by")


def has_backoffice_role(user: Any) -> bool:
    return roles.is_alliance_admin(user) or roles.is_city_admin(user)


def limited_city_id(user: Any) -> int | None:
    """The one city a city administrator is limited to; ``None`` for alliance administrators."""
    if roles.is_alliance_admin(user):
        return None
    return roles.administered_city_id(user)


def city_id_of(obj: Any, city_field: str) -> int | None:
    """Follow ``city_field`` ("city", "challenge__city", "program__city" …) from ``obj`` to a city id."""
    *hops, last = city_field.split("__")
    target = obj
    for hop in hops:
        target = getattr(target, hop, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)


def _is_city_owned(model: type[Model]) -> bool:
    """Does ``model`` have a ``city`` foreign key (a record owned by one city)?"""
    try:
        return model._meta.get_field("city").related_model is City
    except FieldDoesNotExist:
        return False


def _is_cross_city_autocomplete(request: HttpRequest, admin_site: admin.AdminSite) -> bool:
    """Is this an autocomplete lookup for a field the source admin declares cross-city (揭榜方、合作机构)?"""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "autocomplete":
        return False
    try:
        source_model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
    except (KeyError, LookupError):
        return False
    source_admin = admin_site._registry.get(source_model)
    return request.GET.get("field_name") in getattr(source_admin, "cross_city_fields", ())


def _public_or_own_city(model: type[Model], city_id: int) -> QuerySet[Any]:
    manager = model._default_manager
    workflow = getattr(model, "WORKFLOW", None)
    if workflow is None:
        return manager.all()
    return manager.filter(Q(status__in=workflow.public) | Q(city_id=city_id))


class AllianceOnlyAdminMixin:
    """Only alliance administrators (and superusers) see and change these models."""

    formfield_overrides = HTTPS_URL_FIELDS

    def _alliance(self, request: HttpRequest) -> bool:
        return roles.is_alliance_admin(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._alliance(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._alliance(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._alliance(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._alliance(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._alliance(request) and super().has_delete_permission(request, obj)


class CityScopedAdminMixin:
    """A model whose rows belong to one city, reached from the row by ``city_field``."""

    city_field = "city"
    formfield_overrides = HTTPS_URL_FIELDS
    # Foreign keys whose choices are not limited to the administrator's city (e.g. the organisation that
    # bids on a challenge may be in any member city): they offer published records of every city.
    cross_city_fields: tuple[str, ...] = ()

    # --- scope ---------------------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scope_for_administrator(super().get_queryset(request), request.user, self.city_field)

    def record_city_id(self, obj: Any) -> int | None:
        return city_id_of(obj, self.city_field)

    def in_scope(self, request: HttpRequest, obj: Any = None) -> bool:
        if not has_backoffice_role(request.user):
            return False
        return obj is None or roles.can_administer_city(request.user, self.record_city_id(obj))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        # Out of scope looks exactly like missing: 404, without telling whether the record exists.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(gettext("记录不存在，或不属于您管理的城市。"))
        return obj

    # --- permissions, per object ----------------------------------------------------------------
    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_backoffice_role(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.in_scope(request, obj) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.in_scope(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.in_scope(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.in_scope(request, obj) and super().has_delete_permission(request, obj)

    # --- forms: the city and city-owned choices are the administrator's city ----------------------
    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        city_id = limited_city_id(request.user)
        related = db_field.related_model
        if city_id is not None and "queryset" not in kwargs:
            if db_field.name in self.cross_city_fields:
                kwargs["queryset"] = _public_or_own_city(related, city_id)
            elif related is City:
                kwargs["queryset"] = City.objects.filter(pk=city_id)
            elif _is_city_owned(related):
                kwargs["queryset"] = related._default_manager.filter(city_id=city_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        city_id = limited_city_id(request.user)
        if city_id is not None and self.city_field == "city":
            initial.setdefault("city", city_id)
        return initial

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> Any:
        city_id = limited_city_id(request.user)
        if city_id is not None and _is_cross_city_autocomplete(request, self.admin_site):
            queryset = _public_or_own_city(self.model, city_id)
        return super().get_search_results(request, queryset, search_term)

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = list(super().get_list_filter(request))
        if limited_city_id(request.user) is not None:
            # One city only: a city filter would list cities the administrator cannot open.
            filters = [f for f in filters if not (isinstance(f, str) and f == self.city_field)]
        return filters

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The form already limits the choices; this guards against anything that slipped past it.
        if not roles.can_administer_city(request.user, self.record_city_id(obj)):
            raise DjangoPermissionDenied(gettext("只能维护本城市的数据。"))
        if isinstance(obj, Located) and {"geo_lng", "geo_lat"} & set(getattr(form, "changed_data", ())):
            obj.geo_precision = Located.Precision.MANUAL  # a point typed in by hand is kept from now on
        record_locate(obj)  # the map point follows an edited address (unless set by hand)
        super().save_model(request, obj, form, change)


@dataclass(frozen=True)
class StatusTransition:
    key: str
    label: Promise  # button and action label
    done: Promise  # "已核验" in "3 条已核验"
    target: str  # attribute of the Workflow naming the target state
    reason_required: bool
    run: Callable[..., Any]


def _verify(actor: Any, record: Any, reason: str) -> Any:
    return verification_services.listing_verify(actor=actor, record=record, note=reason)


def _reject(actor: Any, record: Any, reason: str) -> Any:
    return verification_services.listing_reject(actor=actor, record=record, reason=reason)


def _archive(actor: Any, record: Any, reason: str) -> Any:
    return verification_services.listing_archive(actor=actor, record=record, reason=reason)


TRANSITIONS: dict[str, StatusTransition] = {
    t.key: t
    for t in (
        StatusTransition(
            "verify", _("核验通过"), _("已核验"), "verified", reason_required=False, run=_verify
        ),
        StatusTransition("reject", _("退回"), _("已退回"), "rejected", reason_required=True, run=_reject),
        StatusTransition("archive", _("下架"), _("已下架"), "archived", reason_required=True, run=_archive),
    )
}


class StatusEventInline(GenericTabularInline):
    """The record's status history (核验记录), newest first. Read-only: events are written by services."""

    model = StatusEvent
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = ("created_at", "actor_display", "from_display", "to_display", "reason_display")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    verbose_name = _("状态变更记录")
    verbose_name_plural = _("核验与状态变更记录")
    template = "backoffice/status_history_inline.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[StatusEvent]:
        return (
            super()
            .get_queryset(request)
            .select_related("actor", "content_type")
            .order_by("-created_at", "-id")
        )

    # The parent admin already decided whether this user may see the record; its history comes with it.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("操作人"))
    def actor_display(self, event: StatusEvent) -> str:
        return event.actor.display_name if event.actor else gettext("系统")

    @admin.display(description=_("原状态"))
    def from_display(self, event: StatusEvent) -> str:
        return event.from_label or "—"

    @admin.display(description=_("新状态"))
    def to_display(self, event: StatusEvent) -> str:
        return event.to_label

    @admin.display(description=_("理由"))
    def reason_display(self, event: StatusEvent) -> str:
        return event.reason_display


class VerifiableAdminMixin(CityScopedAdminMixin):
    """Verification (数据核验) in the admin: read-only status, actions and buttons that call the services."""

    change_form_template = "backoffice/change_form.html"
    change_list_template = "backoffice/change_list.html"
    actions = ["verify_selected", "reject_selected", "archive_selected"]
    status_fieldset_name = _("核验与来源")

    # --- form: status is read-only and shown in its own fieldset ---------------------------------
    def _workflow_fields(self) -> list[str]:
        names = {f.name for f in self.model._meta.get_fields()}
        return [f for f in WORKFLOW_READONLY_FIELDS if f in names]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + [f for f in self._workflow_fields() if f not in readonly]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if self.fieldsets:
            return super().get_fieldsets(request, obj)
        status_fields = [*self._workflow_fields(), "source", "source_note", "is_sample"]
        fields = [f for f in self.get_fields(request, obj) if f not in status_fields]
        present = set(self.get_fields(request, obj)) | set(self._workflow_fields())
        return [
            (None, {"fields": fields}),
            (self.status_fieldset_name, {"fields": [f for f in status_fields if f in present]}),
        ]

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        inlines = list(super().get_inlines(request, obj))
        if obj is not None:
            inlines.append(StatusEventInline)
        return inlines

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        if not roles.can_administer_city(request.user, self.record_city_id(obj)):
            raise DjangoPermissionDenied(gettext("只能维护本城市的数据。"))
        # A new record starts as a draft with a "创建" event, exactly as from the workspace.
        try:
            verification_services.listing_create(actor=request.user, record=obj)
        except ApplicationError as exc:
            raise DjangoPermissionDenied(str(exc)) from exc

    # --- where the waiting records are --------------------------------------------------------
    def pending_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.get_queryset(request).filter(status=self.model.WORKFLOW.submitted)

    def pending_url(self) -> str:
        info = (self.opts.app_label, self.opts.model_name)
        url = reverse("admin:{}_{}_changelist".format(*info), current_app=self.admin_site.name)
        return f"{url}?status__exact={self.model.WORKFLOW.submitted}"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            "pending_count": self.pending_queryset(request).count()
            if self.has_view_permission(request)
            else 0,
            "pending_url": self.pending_url(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    # --- change page buttons -------------------------------------------------------------------
    def available_transitions(self, request: HttpRequest, obj: Any) -> list[StatusTransition]:
        if obj is None or not self.has_change_permission(request, obj):
            return []
        workflow = type(obj).WORKFLOW
        return [t for t in TRANSITIONS.values() if workflow.allows(obj.status, getattr(workflow, t.target))]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        context["status_transitions"] = (
            [
                {"label": t.label, "url": self._transition_url(obj, t.key), "key": t.key}
                for t in self.available_transitions(request, obj)
            ]
            if change
            else []
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _transition_url(self, obj: Any, key: str) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_transition",
            args=[quote(obj.pk), key],
            current_app=self.admin_site.name,
        )

    def _change_url(self, obj: Any) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )

    def get_urls(self) -> list[Any]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_transition"
        # Before the defaults: their "<path:object_id>/" catch-all would swallow this URL.
        return [
            path(
                "<path:object_id>/status/<slug:key>/",
                self.admin_site.admin_view(self.transition_view),
                name=name,
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request: HttpRequest, object_id: str, key: str) -> HttpResponse:
        """Confirmation page of one status change of one record; POST applies it through the service."""
        transition = TRANSITIONS.get(key)
        if transition is None:
            raise Http404
        obj = self.get_object(request, unquote(object_id))
        if not self.has_change_permission(request, obj):
            raise DjangoPermissionDenied
        form = ReasonForm(request.POST or None, required=transition.reason_required)
        if request.method == "POST" and form.is_valid():
            try:
                transition.run(request.user, obj, form.cleaned_data["reason"])
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, gettext("“%(obj)s”%(done)s。") % {"obj": obj, "done": transition.done}
                )
            return HttpResponseRedirect(self._change_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("%(action)s：%(obj)s") % {"action": transition.label, "obj": obj},
            "object": obj,
            "form": form,
            "transition": transition,
            "change_url": self._change_url(obj),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "backoffice/transition_confirm.html", context)

    # --- list actions ----------------------------------------------------------------------------
    def apply_transition(
        self, request: HttpRequest, records: Iterable[Any], key: str, reason: str = ""
    ) -> None:
        """Apply one transition to each record on its own and report successes and failures together."""
        transition = TRANSITIONS[key]
        done, failures = 0, []
        for record in records:
            try:
                transition.run(request.user, record, reason)
            except ApplicationError as exc:
                failures.append(gettext("“%(obj)s”：%(msg)s") % {"obj": record, "msg": exc.message})
            else:
                done += 1
        summary = gettext("%(n)d 条%(done)s") % {"n": done, "done": transition.done}
        if not failures:
            self.message_user(request, gettext("%(summary)s。") % {"summary": summary}, messages.SUCCESS)
            return
        detail = gettext("%(summary)s；%(m)d 条失败：%(list)s") % {
            "summary": summary,
            "m": len(failures),
            "list": gettext("；").join(failures),
        }
        self.message_user(request, detail, messages.WARNING if done else messages.ERROR)

    def _action_with_reason(
        self, request: HttpRequest, queryset: QuerySet[Any], key: str, action: str
    ) -> Any:
        transition = TRANSITIONS[key]
        records = list(queryset.select_related("city"))
        form = ReasonForm(
            request.POST if "apply" in request.POST else None, required=transition.reason_required
        )
        if form.is_bound and form.is_valid():
            self.apply_transition(request, records, key, form.cleaned_data["reason"])
            return None  # back to the change list, which shows the messages
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("%(label)s：已选择 %(n)d 条") % {"label": transition.label, "n": len(records)},
            "records": records,
            "form": form,
            "action": action,
            "transition": transition,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "backoffice/action_reason.html", context)

    @admin.action(description=_("核验通过"), permissions=["change"])
    def verify_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self.apply_transition(request, queryset.select_related("city"), "verify")

    @admin.action(description=_("退回（需填写理由）"), permissions=["change"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        return self._action_with_reason(request, queryset, "reject", "reject_selected")

    @admin.action(description=_("下架（需填写理由）"), permissions=["change"])
    def archive_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        return self._action_with_reason(request, queryset, "archive", "archive_selected")


def with_extra(base: tuple[Any, ...], *extra: Any, after: int | None = None) -> tuple[Any, ...]:
    """``base`` with ``extra`` inserted after position ``after`` (at the end when ``None``)."""
    if after is None:
        return (*base, *extra)
    return (*base[: after + 1], *extra, *base[after + 1 :])


class ListingAdmin(VerifiableAdminMixin, admin.ModelAdmin):
    """Defaults for every ``Listing``: owner, city, status, source, field tags."""

    list_display: tuple[Any, ...] = (
        "title",
        "city",
        "owner",
        "status",
        "source",
        "is_sample",
        "last_verified_at",
        "updated_at",
    )
    list_filter: tuple[Any, ...] = ("status", "city", "source", "is_sample")
    search_fields: tuple[str, ...] = ("title", "summary", "owner__name")
    autocomplete_fields: tuple[str, ...] = ("owner",)
    filter_horizontal: tuple[str, ...] = ("fields",)
    list_select_related: tuple[str, ...] = ("city", "owner")
    list_per_page = 50
    show_full_result_count = False
