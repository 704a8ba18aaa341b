"""接口令牌 in the workspace, mounted at /workspace/o/<org_pk>/api-tokens/ inside the ``site`` namespace.

Every member of the organisation sees its tokens and may issue one (acting as themself); the issuer and
the organisation's administrators may revoke. Anyone else gets 404. A new key is shown once, on the page
answering the POST (never stored, never put in a message or the session).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError
from innomarket.common.forms import add_service_error
from innomarket.organisations.models import Organisation

from . import selectors, services
from .forms import TokenForm
from .models import ApiToken


def _member_organisation(request: HttpRequest, org_pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.select_related("city"), pk=org_pk)
    if not roles.is_member_of(request.user, organisation.pk):
        raise Http404
    return organisation


def _page(
    request: HttpRequest, organisation: Organisation, form: TokenForm, *, new_key: str = "", status: int = 200
) -> HttpResponse:
    tokens = list(selectors.organisation_tokens(organisation))
    for token in tokens:
        token.can_revoke = token.revoked_at is None and services.can_manage(request.user, token)  # type: ignore[attr-defined]
    return render(
        request,
        "api/workspace_tokens.html",
        {
            "organisation": organisation,
            "tokens": tokens,
            "form": form,
            "new_key": new_key,
            "docs_url": reverse("api-1:openapi-view"),
        },
        status=status,
    )


@never_cache
@login_required
def token_list(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = _member_organisation(request, org_pk)
    allowed = services.allowed_scopes(organisation=organisation)
    if request.method != "POST":
        return _page(request, organisation, TokenForm(allowed=allowed))
    form = TokenForm(request.POST, allowed=allowed)
    if form.is_valid():
        try:
            token, key = services.api_token_issue(
                actor=request.user,
                organisation=organisation,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已创建接口令牌“%(name)s”。") % {"name": token.name})
            return _page(request, organisation, TokenForm(allowed=allowed), new_key=key, status=201)
    return _page(request, organisation, form, status=400)


@login_required
@require_POST
def token_revoke(request: HttpRequest, org_pk: int, pk: int) -> HttpResponse:
    organisation = _member_organisation(request, org_pk)
    token = get_object_or_404(ApiToken, pk=pk, organisation=organisation)
    try:
        services.api_token_revoke(actor=request.user, token=token)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("已撤销接口令牌“%(name)s”，使用它的请求将被拒绝。") % {"name": token.name}
        )
    return redirect("site:workspace-api-tokens", org_pk=organisation.pk)
