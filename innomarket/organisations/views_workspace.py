"""经营数据 from Excel in the workspace: an organisation downloads its own sheet and uploads it back.

Mounted under ``/workspace/o/<org_pk>/profile/`` in the ``site`` namespace. The permission is the
profile's (a member of the organisation or its city's administrator) and is checked again by the
services; another organisation's pages answer 404.
"""

from __future__ import annotations

import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innomarket.common.exceptions import ApplicationError
from innomarket.verification.services import can_edit

from .forms import ProfileImportForm
from .models import Organisation
from .profile_import import profile_import_commit, profile_import_validate, write_profile_template

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _organisation(request: HttpRequest, org_pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.select_related("city"), pk=org_pk)
    if not can_edit(request.user, organisation):
        raise Http404
    return organisation


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"profile.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "private, no-store"  # the organisation's own figures
    return response


@login_required
def profile_template(request: HttpRequest, org_pk: int) -> HttpResponse:
    """The organisation's 经营数据 as an Excel sheet, filled with what is on record."""
    organisation = _organisation(request, org_pk)
    buffer = io.BytesIO()
    write_profile_template(buffer, organisations=[organisation])
    return xlsx_response(buffer.getvalue(), f"经营数据-{organisation.name}.xlsx")


@login_required
@require_POST
def profile_import(request: HttpRequest, org_pk: int) -> HttpResponse:
    """Upload the sheet back: all of it is written, or nothing with every problem located."""
    organisation = _organisation(request, org_pk)
    form = ProfileImportForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        try:
            report = profile_import_validate(
                actor=request.user, fileobj=form.cleaned_data["file"], organisation=organisation
            )
            if report.ok:
                profile_import_commit(actor=request.user, report=report)
                messages.success(request, _("已从 Excel 导入经营数据，下面是按最新数据计算的结果。"))
                return redirect(
                    reverse("site:workspace-policy-calculator", kwargs={"org_pk": organisation.pk})
                )
        except ApplicationError as exc:
            form.add_error("file", str(exc))
    return render(
        request,
        "organisations/profile_import.html",
        {"organisation": organisation, "form": form, "report": report},
        status=400,
    )
