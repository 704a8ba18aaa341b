"""Back-office pages of the harvester (后台 · 联盟数据采集): the feeds with their last run and a
「立即采集」 button each, and one feed's run history with counts and errors.

Who sees what: feeds belong to a city (``backoffice.Feed.city``), so a city administrator sees and
harvests their own city's feeds (another city's is a 404), an alliance administrator every feed, any
other staff user gets 403 (non-staff users never reach ``admin_view`` pages). The button is a POST
with the CSRF token; the service checks the permission again and refuses a second active run.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from innomarket.accounts import roles
from innomarket.backoffice.admin_mixins import has_backoffice_role
from innomarket.backoffice.models import Feed
from innomarket.common.exceptions import ApplicationError

from . import selectors, services

RUNS_PER_PAGE = 30


def _require_role(request: HttpRequest) -> bool:
    """True for an alliance administrator, False for a city administrator; 403 for anybody else."""
    if not has_backoffice_role(request.user):
        raise PermissionDenied(gettext("只有城市管理员和联盟管理员可以查看联盟数据采集。"))
    return roles.is_alliance_admin(request.user)


def _feed(request: HttpRequest, pk: int) -> Feed:
    feed = selectors.feed_for_administrator(request.user, pk)
    if feed is None:
        raise Http404(gettext("没有这个数据源，或它不属于您管理的城市。"))
    return feed


def _context(request: HttpRequest, site: AdminSite, title: str, **extra: Any) -> dict[str, Any]:
    return {**site.each_context(request), "title": title, **extra}


def overview_view(request: HttpRequest, site: AdminSite) -> HttpResponse:
    alliance = _require_role(request)
    feeds = selectors.feeds_for_administrator(request.user)
    context = _context(request, site, gettext("联盟数据采集"), feeds=feeds, alliance=alliance)
    return TemplateResponse(request, "federation/backoffice/overview.html", context)


def history_view(request: HttpRequest, site: AdminSite, pk: int) -> HttpResponse:
    alliance = _require_role(request)
    feed = _feed(request, pk)
    page = Paginator(selectors.harvest_runs(feed), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    context = _context(
        request,
        site,
        gettext("采集记录：%(feed)s") % {"feed": feed.name},
        feed=feed,
        page_obj=page,
        runs=page.object_list,
        active=any(run.is_active for run in page.object_list),
        alliance=alliance,
    )
    return TemplateResponse(request, "federation/backoffice/history.html", context)


@require_POST
def run_now_view(request: HttpRequest, site: AdminSite, pk: int) -> HttpResponse:
    """立即采集: queue a run (the worker carries it out) and go back where the button was."""
    _require_role(request)
    feed = _feed(request, pk)
    try:
        services.harvest_request(feed=feed, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            gettext("已将数据源“%(feed)s”排入采集队列，后台任务进程会立即开始；刷新本页查看结果。")
            % {"feed": feed.name},
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("admin:federation_harvest_history", args=[feed.pk])
    return HttpResponseRedirect(back)
