"""数据导入 in the back office: templates to download, the upload form, and the job page (progress,
validation report, commit).

Staff only: city administrators (who import into their own city) and alliance administrators (who
pick a city or let the file's 所属城市 column decide). Thin views: the upload and the commit are
``services.import_job_create`` / ``services.import_job_commit``; the work itself runs in the
background (``tasks``) and the job page polls ``job_progress`` with htmx until it is done.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError
from innomarket.verification.models import Source

from . import selectors, services, specs, templates_xlsx
from .forms import CommitForm, UploadForm
from .models import ImportJob

RUNNING = (ImportJob.Status.PENDING, ImportJob.Status.VALIDATING, ImportJob.Status.COMMITTING)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors go to the login page; signed-in users without an administrator role get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (roles.is_alliance_admin(request.user) or roles.is_city_admin(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _spec_or_404(kind: str) -> specs.KindSpec:
    if kind not in specs.kinds():
        raise Http404
    return specs.get_spec(kind)


def _page(request: HttpRequest, **context: Any) -> dict[str, Any]:
    """The back office's frame (header, user tools, navigation) around our own context."""
    return {**admin.site.each_context(request), **context}


def _attachment(filename: str, fallback: str) -> str:
    """Content-Disposition with an ASCII fallback and the Chinese name per RFC 5987/6266."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _kind_label(kind: str) -> Any:
    try:
        return specs.get_spec(kind).label
    except ApplicationError:
        return kind


# -- 数据导入: templates, upload, recent jobs -------------------------------------------------------


def _kinds_table() -> list[dict[str, Any]]:
    rows = []
    for kind in specs.kinds():
        spec = specs.get_spec(kind)
        rows.append(
            {
                "kind": kind,
                "label": spec.label,
                "required": "、".join(c.header for c in spec.columns if c.required),
                "columns": len(spec.columns),
            }
        )
    return rows


@_staff_only
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """/intake/: the kinds with their templates, the upload form and the recent jobs. POST uploads."""
    alliance = roles.is_alliance_admin(request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, alliance=alliance)
        if form.is_valid():
            try:
                job = services.import_job_create(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    city=form.cleaned_data.get("city"),
                )
            except ApplicationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, gettext("已上传“%(name)s”，正在后台校验。") % {"name": job.original_name}
                )
                return HttpResponseRedirect(reverse("intake:job", args=[job.pk]))
    else:
        kind = request.GET.get("kind", "")
        form = UploadForm(initial={"kind": kind} if kind in specs.kinds() else None, alliance=alliance)
    own_city = None if alliance else getattr(request.user, "administered_city", None)
    jobs = selectors.recent_import_jobs(user=request.user)
    for job in jobs:
        job.kind_label = _kind_label(job.kind)  # type: ignore[attr-defined]
    context = _page(
        request, title=gettext("数据导入"), form=form, kinds=_kinds_table(), own_city=own_city, jobs=jobs
    )
    return render(request, "intake/index.html", context, status=400 if request.method == "POST" else 200)


@_staff_only
@require_GET
def template_xlsx(request: HttpRequest, kind: str) -> HttpResponse:
    """The kind's Excel template (headers with hints, drop-downs, 填写说明)."""
    spec = _spec_or_404(kind)
    buffer = io.BytesIO()
    templates_xlsx.write_template(spec, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    name = gettext("%(kind)s导入模板") % {"kind": spec.label}
    response["Content-Disposition"] = _attachment(f"{name}.xlsx", f"{spec.kind}-template.xlsx")
    return response


@_staff_only
@require_GET
def template_csv(request: HttpRequest, kind: str) -> HttpResponse:
    """The kind's header row as CSV (UTF-8 with BOM)."""
    spec = _spec_or_404(kind)
    buffer = io.BytesIO()
    templates_xlsx.write_csv_template(spec, buffer)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = gettext("%(kind)s导入模板") % {"kind": spec.label}
    response["Content-Disposition"] = _attachment(f"{name}.csv", f"{spec.kind}-template.csv")
    return response


# -- the job page --------------------------------------------------------------------------------


def _result_links(request: HttpRequest, job: ImportJob, spec: specs.KindSpec) -> dict[str, str]:
    """Where the imported records wait: the verification queue and the kind's admin list, both
    filtered to this city's imported, submitted records."""
    links: dict[str, str] = {}
    city_slug = job.city.slug if job.city_id and job.city else ""
    try:
        query = {"kind": spec.type_key, "source": Source.IMPORT.value}
        if city_slug and roles.is_alliance_admin(request.user):
            query["city"] = city_slug
        links["queue"] = reverse("admin:verification-queue") + "?" + urlencode(query)
    except NoReverseMatch:
        pass
    meta = spec.model._meta
    try:
        query = {"source__exact": Source.IMPORT.value, "status__exact": spec.model.WORKFLOW.submitted}
        if job.city_id:
            query["city__id__exact"] = str(job.city_id)
        links["changelist"] = (
            reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist") + "?" + urlencode(query)
        )
    except NoReverseMatch:
        pass
    return links


def _job_context(
    request: HttpRequest, job: ImportJob, commit_form: CommitForm | None = None
) -> dict[str, Any]:
    spec = specs.get_spec(job.kind)
    finished = job.status not in RUNNING
    stored = len(job.problems or [])
    return {
        "job": job,
        "spec": spec,
        "running": not finished,
        "report_ready": job.status
        in (
            ImportJob.Status.VALIDATED,
            ImportJob.Status.INVALID,
            ImportJob.Status.COMMITTED,
            ImportJob.Status.FAILED,
        ),
        "problems": job.problems or [],
        "more_problems": max(0, job.problem_count - stored),
        "can_commit_all": job.status == ImportJob.Status.VALIDATED and job.problem_count == 0,
        "can_keep_valid": job.status == ImportJob.Status.INVALID
        and job.valid_rows > 0
        and job.invalid_rows > 0,
        "commit_form": commit_form or CommitForm(),
        "links": _result_links(request, job, spec) if job.status == ImportJob.Status.COMMITTED else {},
    }


def _visible_job(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(selectors.visible_import_jobs(user=request.user), pk=pk)


@_staff_only
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """/intake/jobs/<pk>/: status and progress, then the validation report and the commit buttons."""
    job = _visible_job(request, pk)
    context = _page(
        request,
        title=gettext("导入任务 · %(name)s") % {"name": job.original_name},
        **_job_context(request, job),
    )
    return render(request, "intake/job_detail.html", context)


@_staff_only
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The job section alone, polled every second by htmx while the job runs. The fragment of a
    finished job has no trigger, so the polling stops on the swap that brings the report."""
    job = _visible_job(request, pk)
    return render(request, "intake/_job.html", _job_context(request, job))


@_staff_only
@require_POST
def job_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """全部导入 / 只导入正确的行 (confirmed): queue the commit and go back to the job page."""
    job = _visible_job(request, pk)
    form = CommitForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("confirm", []) + form.non_field_errors():
            messages.error(request, str(error))
        return HttpResponseRedirect(reverse("intake:job", args=[job.pk]))
    keep_valid = form.cleaned_data["keep_valid"]
    try:
        services.import_job_commit(actor=request.user, job=job, keep_valid=keep_valid)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        if keep_valid:
            messages.success(
                request, gettext("正在导入 %(n)d 行正确的数据，有错误的行已跳过。") % {"n": job.valid_rows}
            )
        else:
            messages.success(request, gettext("正在导入全部 %(n)d 行数据。") % {"n": job.valid_rows})
    return HttpResponseRedirect(reverse("intake:job", args=[job.pk]))


@_staff_only
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """重新导入: a failed job (its worker died, or the background step broke) starts again."""
    job = _visible_job(request, pk)
    try:
        services.import_job_retry(actor=request.user, job=job)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("已重新开始导入，本页会自动刷新进度。"))
    return HttpResponseRedirect(reverse("intake:job", args=[job.pk]))
