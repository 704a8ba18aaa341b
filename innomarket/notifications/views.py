"""The inbox pages (通知). Thin: read through ``selectors``, write through ``services``.

Another person's notification answers 404, so its existence is not disclosed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services

PAGE_SIZE = 20


def _is_internal(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(selectors.inbox(request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "unread_only": unread_only,
        "page_obj": page,
        "page_links": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "notifications": page.object_list,
    }
    return render(request, "notifications/inbox.html", context)


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Mark one notification read, then follow its link if it stays on this site."""
    notification = get_object_or_404(selectors.inbox(request.user), pk=pk)
    services.mark_read(actor=request.user, notification=notification)  # type: ignore[arg-type]
    for target in (notification.url, request.POST.get("next", "")):
        if _is_internal(request, target):
            return HttpResponseRedirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponseRedirect:
    count = services.mark_all_read(actor=request.user)  # type: ignore[arg-type]
    if count:
        messages.success(request, _("所有通知已标为已读。"))
    target = request.POST.get("next", "")
    return HttpResponseRedirect(target if _is_internal(request, target) else reverse("notifications:inbox"))
