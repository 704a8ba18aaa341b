"""Back-office pages of verification and freshness: the per-city verification queue (核验队列) across all
kinds with bulk verify / reject, and the freshness panel of the dashboard.

Thin views: they parse the request, scope it with ``verification.queue.queue_city`` and call the
queue's selector or services. Registered in the admin site by ``admin_site.configure_admin_site``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innomarket.accounts import roles
from innomarket.catalog import LISTING_TYPES
from innomarket.common.exceptions import ApplicationError
from innomarket.regions.models import City
from innomarket.verification import freshness
from innomarket.verification.models import Source
from innomarket.verification.queue import (
    QueueFilters,
    queue_city,
    queue_reject,
    queue_verify,
    verification_queue,
)

from .admin_mixins import has_backoffice_role

PER_PAGE = 50


def _kind_choices() -> list[tuple[str, Any]]:
    return [("", _("全部类型"))] + [(key, t.model._meta.verbose_name) for key, t in LISTING_TYPES.items()]


class QueueFilterForm(forms.Form):
    city = forms.ChoiceField(label=_("城市"), required=False)
    kind = forms.ChoiceField(label=_("类型"), required=False)
    source = forms.ChoiceField(
        label=_("来源"), required=False, choices=[("", _("全部来源")), *Source.choices]
    )
    submitted_from = forms.DateField(
        label=_("提交日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    submitted_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("名称包含"), required=False, max_length=100)

    def __init__(self, *args: Any, alliance: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind: Any = self.fields["kind"]
        kind.choices = _kind_choices()
        if alliance:
            cities = City.objects.filter(is_member=True).order_by("sort_order", "id")
            city: Any = self.fields["city"]
            city.choices = [("", _("全部城市"))] + [(c.slug, c.name) for c in cities]
        else:
            del self.fields["city"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", gettext("结束日期不能早于开始日期。"))
        return data


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("操作"), choices=[("verify", _("核验通过")), ("reject", _("退回（需填写理由）"))]
    )
    reason = forms.CharField(
        label=_("退回理由 / 核验备注"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )
    selected = forms.MultipleChoiceField(label=_("选择"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Keys are checked by the service (scope, existence) and reported per record.
        data: Any = self.data
        selected: Any = self.fields["selected"]
        selected.choices = [(k, k) for k in data.getlist("selected")] if data else []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("selected"):
            raise forms.ValidationError(gettext("请至少勾选一条记录。"))
        if data.get("action") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", gettext("退回时必须填写理由，说明需要修改什么。"))
        return data


def _report(request: HttpRequest, outcome: Any, done_label: str) -> None:
    if outcome.done:
        messages.success(
            request, gettext("%(n)d 条%(done)s。") % {"n": len(outcome.done), "done": done_label}
        )
    for name, message in outcome.failures:
        messages.error(request, gettext("“%(name)s”：%(message)s") % {"name": name, "message": message})


def queue_view(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """/admin/verification-queue/: GET lists what waits (filters, pages); POST applies a bulk action."""
    alliance = roles.is_alliance_admin(request.user)
    filter_form = QueueFilterForm(request.GET or None, alliance=alliance)
    filter_form.is_valid()
    cleaned = filter_form.cleaned_data if filter_form.is_bound else {}
    city = queue_city(actor=request.user, slug=request.GET.get("city", ""))

    if request.method == "POST":
        action_form = BulkActionForm(request.POST)
        if action_form.is_valid():
            data = action_form.cleaned_data
            try:
                if data["action"] == "verify":
                    outcome = queue_verify(actor=request.user, keys=data["selected"], note=data["reason"])
                    _report(request, outcome, gettext("已核验"))
                else:
                    outcome = queue_reject(actor=request.user, keys=data["selected"], reason=data["reason"])
                    _report(request, outcome, gettext("已退回"))
            except ApplicationError as exc:
                messages.error(request, exc.message)
            return HttpResponseRedirect(request.get_full_path())
        for errors in action_form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        action_form = BulkActionForm()

    filters = QueueFilters(
        city=city,
        kind=cleaned.get("kind") or "",
        source=cleaned.get("source") or "",
        submitted_from=cleaned.get("submitted_from"),
        submitted_to=cleaned.get("submitted_to"),
        q=cleaned.get("q") or "",
    )
    queue = verification_queue(filters=filters, page=request.GET.get("page", 1), per_page=PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **site.each_context(request),
        "title": gettext("%(city)s · 核验队列") % {"city": city.name if city else gettext("全部城市")},
        "city": city,
        "queue": queue,
        "filter_form": filter_form,
        "action_form": action_form,
        "querystring": query.urlencode(),
        "selected": set(request.POST.getlist("selected")) if request.method == "POST" else set(),
    }
    return TemplateResponse(request, "backoffice/queue.html", context)


def freshness_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The dashboard's freshness panel: per member city for alliance administrators, the own city for a
    city administrator; ``None`` for anybody else."""
    user = request.user
    if not has_backoffice_role(user):
        return None
    if roles.is_alliance_admin(user):
        cities = list(City.objects.filter(is_member=True).order_by("sort_order", "id"))
    else:
        cities = list(City.objects.filter(pk=roles.administered_city_id(user) or 0))
    figures = freshness.freshness_by_city(city_ids=[c.pk for c in cities])
    return {
        "window_days": freshness.share_window_days(),
        "remind_days": freshness.remind_before_days(),
        "rows": [{"city": c, "figures": figures[c.pk]} for c in cities],
    }


def dashboard_context(request: HttpRequest) -> dict[str, Any]:
    """Extra context of the back-office index (see ``admin_site.configure_admin_site``)."""
    from innomarket.accounts import roles
    from innomarket.lists.selectors import dashboard_counts
    from innomarket.notifications.selectors import reply_stats

    city = None if roles.is_alliance_admin(request.user) else getattr(request.user, "administered_city", None)
    context: dict[str, Any] = {"freshness_panel": freshness_panel(request)}
    if roles.is_alliance_admin(request.user) or city is not None:
        context["three_list_counts"] = dashboard_counts(city, public_only=False)
        context["three_list_city"] = city
        context["service_stats"] = reply_stats(city_id=city.pk if city is not None else None)
    return context
