"""疑似重复机构: the back-office page listing candidate duplicate organisations, and its merge action.

Alliance administrators see every candidate pair; a city administrator the pairs with at least one
record in their city, with a merge form only where they administer both records' cities (the
service checks again). Registered on the admin site by ``admin_site.configure_admin_site``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from innomarket.common.exceptions import ApplicationError
from innomarket.organisations.dedupe import Candidate, candidate_pairs
from innomarket.organisations.merge import can_merge, organisation_merge
from innomarket.organisations.models import Membership, Organisation
from innomarket.regions.models import City

from .admin_mixins import has_backoffice_role, limited_city_id

PAIRS_PER_PAGE = 30


class MergeForm(forms.Form):
    """One candidate pair (``a``, ``b``), which of the two stays (``keep``) and why."""

    a = forms.IntegerField(widget=forms.HiddenInput)
    b = forms.IntegerField(widget=forms.HiddenInput)
    keep = forms.IntegerField(label=_("保留的机构"), error_messages={"required": _("请选择保留哪一家机构。")})
    reason = forms.CharField(label=_("合并理由"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        a, b, keep = data.get("a"), data.get("b"), data.get("keep")
        if None in (a, b, keep):
            return data
        if a == b:
            raise forms.ValidationError(_("请选择两家不同的机构。"))
        if keep not in (a, b):
            raise forms.ValidationError(_("保留的机构必须是这一对中的一家。"))
        data["remove"] = b if keep == a else a
        return data


@dataclass(frozen=True)
class PairRow:
    candidate: Candidate
    can_merge: bool
    listings: dict[int, int]
    members: dict[int, int]

    @property
    def sides(self) -> list[dict[str, Any]]:
        return [
            {
                "org": org,
                "other": other,
                "listings": self.listings.get(org.pk, 0),
                "members": self.members.get(org.pk, 0),
                "change_url": reverse("admin:organisations_organisation_change", args=[org.pk]),
            }
            for org, other in ((self.candidate.a, self.candidate.b), (self.candidate.b, self.candidate.a))
        ]


def _owned_listing_models() -> list[type[Any]]:
    return [
        model
        for model in apps.get_models()
        if any(
            f.name == "owner" and f.is_relation and f.related_model is Organisation
            for f in model._meta.concrete_fields
        )
    ]


def _listing_counts(ids: Iterable[int]) -> dict[int, int]:
    """Listings (of every kind, any status) owned by each organisation: one query per listing model."""
    ids = list(ids)
    counts: dict[int, int] = {}
    for model in _owned_listing_models():
        rows = model._default_manager.filter(owner_id__in=ids).values("owner_id").annotate(n=Count("pk"))
        for row in rows.order_by():
            counts[row["owner_id"]] = counts.get(row["owner_id"], 0) + row["n"]
    return counts


def _member_counts(ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Membership.objects.filter(organisation_id__in=list(ids))
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["organisation_id"]: row["n"] for row in rows}


def _require_backoffice_role(request: HttpRequest) -> None:
    if not has_backoffice_role(request.user):
        raise DjangoPermissionDenied


def duplicates_view(request: HttpRequest, *, site: AdminSite) -> HttpResponse:
    """The candidate pairs visible to the administrator, one page at a time, side by side."""
    _require_backoffice_role(request)
    city_id = limited_city_id(request.user)
    page = Paginator(candidate_pairs(city_id=city_id), PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    ids = {org.pk for c in page.object_list for org in (c.a, c.b)}
    listings, members = _listing_counts(ids), _member_counts(ids)
    rows = [PairRow(c, can_merge(request.user, c.a, c.b), listings, members) for c in page.object_list]
    context = {
        **site.each_context(request),
        "title": gettext("疑似重复机构"),
        "rows": rows,
        "page_obj": page,
        "opts": Organisation._meta,
        "city": City.objects.get(pk=city_id) if city_id is not None else None,
        "merge_url": reverse("admin:organisations_merge", current_app=site.name),
    }
    return TemplateResponse(request, "backoffice/duplicates.html", context)


@require_POST
def merge_view(request: HttpRequest, *, site: AdminSite) -> HttpResponse:
    """合并: POST keep/remove/reason → ``organisation_merge``; back to the list with a message."""
    _require_backoffice_role(request)
    back = reverse("admin:organisations_duplicates", current_app=site.name)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("合并请求不完整：%(errors)s") % {"errors": _form_errors(form)})
        return HttpResponseRedirect(back)
    keep = get_object_or_404(Organisation, pk=form.cleaned_data["keep"])
    remove = get_object_or_404(Organisation, pk=form.cleaned_data["remove"])
    try:
        result = organisation_merge(
            actor=request.user, keep=keep, remove=remove, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            gettext(
                "已将“%(remove)s”(#%(rid)s)合并至“%(keep)s”(#%(kid)s)，转移了 %(n)d 条关联记录；被合并的机构已下架，其历史记录保留。"
            )
            % {
                "remove": remove.name,
                "rid": remove.pk,
                "keep": keep.name,
                "kid": keep.pk,
                "n": result.moved_total,
            },
        )
    return HttpResponseRedirect(back)


def _form_errors(form: forms.Form) -> str:
    return gettext("；").join(str(e) for errors in form.errors.values() for e in errors)


def urls(site: AdminSite) -> list[Any]:
    """The URL patterns of these pages on ``site`` (names ``admin:organisations_duplicates`` and
    ``admin:organisations_merge``)."""
    return [
        path(
            "organisations/duplicates/",
            site.admin_view(lambda request: duplicates_view(request, site=site)),
            name="organisations_duplicates",
        ),
        path(
            "organisations/duplicates/merge/",
            site.admin_view(lambda request: merge_view(request, site=site)),
            name="organisations_merge",
        ),
    ]
