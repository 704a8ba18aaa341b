"""Back-office pages of the 创新券 ledger (后台 · 创新券账务): programme overview, a programme's journal,
the monthly settlement statement (with its .xlsx) and, for the alliance, the cross-city matrix.

Who sees what: a city administrator their own city's programmes and statement only (another city's
programme is a 404, another city's statement a 403); an alliance administrator every city, with a
city selector; any other staff user 403 (non-staff users never reach ``admin_view`` pages). The
pages only read (``settlement`` selectors); money moves through the services, e.g. the programme
admin's 拨付预算.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innomarket.accounts import roles
from innomarket.backoffice.admin_mixins import has_backoffice_role
from innomarket.lists.exports import content_disposition
from innomarket.regions.models import City

from .models import LedgerTransaction, VoucherProgram
from .settlement import (
    month_bounds,
    programme_figures,
    programme_journal,
    settlement_matrix,
    settlement_statement,
    statement_reconcile,
)
from .settlement_export import XLSX_CONTENT_TYPE, build_statement_workbook, statement_filename

JOURNAL_PER_PAGE = 30
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


# ---------------------------------------------------------------- scope


def _require_role(request: HttpRequest) -> bool:
    """True for an alliance administrator, False for a city administrator; 403 for anybody else."""
    if not has_backoffice_role(request.user):
        raise PermissionDenied(gettext("只有城市管理员和联盟管理员可以查看创新券账务。"))
    return roles.is_alliance_admin(request.user)


def _member_cities() -> list[City]:
    return list(City.objects.filter(is_member=True).order_by("sort_order", "pk"))


def _chosen_city(request: HttpRequest, *, alliance: bool, required: bool) -> City | None:
    """The city a page is about: a city administrator's own (asking for another is 403); for the
    alliance the ``city`` parameter, else ``None`` (all cities) or, when ``required``, the first."""
    slug = request.GET.get("city", "").strip()
    if not alliance:
        own = City.objects.get(pk=roles.administered_city_id(request.user) or 0)
        if slug and slug != own.slug:
            raise PermissionDenied(gettext("只能查看本城市的创新券账务。"))
        return own
    if slug:
        city = City.objects.filter(slug=slug).first()
        if city is None:
            raise Http404(gettext("没有这个城市。"))
        return city
    return _member_cities()[0] if required else None


def _context(request: HttpRequest, site: AdminSite, title: str, **extra: Any) -> dict[str, Any]:
    return {**site.each_context(request), "title": title, **extra}


# ---------------------------------------------------------------- month picker


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)


def _next(year: int, month: int) -> tuple[int, int]:
    return (year, month + 1) if month < 12 else (year + 1, 1)


class SettlementFilterForm(forms.Form):
    city = forms.ChoiceField(label=_("城市"), required=False)
    month = forms.CharField(
        label=_("结算月份"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=_("格式：2025-03"),
    )

    def __init__(self, *args: Any, alliance: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if alliance:
            city: Any = self.fields["city"]
            city.choices = [(c.slug, c.name) for c in _member_cities()]
        else:
            del self.fields["city"]

    def clean_month(self) -> tuple[int, int]:
        value = (self.cleaned_data.get("month") or "").strip()
        today = timezone.localdate()
        if not value:
            return today.year, today.month
        match = MONTH_RE.match(value)
        if match is None or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2999:
            raise forms.ValidationError(gettext("请按“年-月”填写结算月份，例如 2025-03。"))
        year, month = int(match.group(1)), int(match.group(2))
        if (year, month) > (today.year, today.month):
            raise forms.ValidationError(gettext("结算月份不能晚于本月。"))
        return year, month


def _period(request: HttpRequest, alliance: bool) -> tuple[SettlementFilterForm, tuple[int, int] | None]:
    form = SettlementFilterForm(request.GET or None, alliance=alliance)
    if not form.is_bound:
        today = timezone.localdate()
        return form, (today.year, today.month)
    if form.is_valid():
        return form, form.cleaned_data["month"]
    return form, None


# ---------------------------------------------------------------- pages


def overview_view(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """创新券账务总览: per programme 总额度 / 已拨入 / 可发额度 / 已发券 / 券内未用 / 待结算 / 已结算."""
    alliance = _require_role(request)
    city = _chosen_city(request, alliance=alliance, required=False)
    programmes = VoucherProgram.objects.order_by("city__sort_order", "-year", "pk")
    if city is not None:
        programmes = programmes.filter(city=city)
    rows = programme_figures(programmes=programmes)
    totals = {
        name: sum(getattr(r, name) for r in rows)
        for name in (
            "funded_fen",
            "available_fen",
            "issued_fen",
            "outstanding_fen",
            "reserved_fen",
            "settled_fen",
            "expired_fen",
        )
    }
    title = gettext("%(city)s · 创新券账务总览") % {"city": city.name if city else gettext("全联盟")}
    return TemplateResponse(
        request,
        "vouchers/backoffice/overview.html",
        _context(
            request,
            site,
            title,
            rows=rows,
            totals=totals,
            city=city,
            alliance=alliance,
            cities=_member_cities() if alliance else [],
        ),
    )


def journal_view(request: HttpRequest, site: AdminSite, pk: int) -> HttpResponse:
    """账务流水: one programme's transactions, newest first, with their entries and links."""
    _require_role(request)
    programme = get_object_or_404(VoucherProgram.objects.select_related("city"), pk=pk)
    if not roles.can_administer_city(request.user, programme.city_id):
        raise Http404(gettext("记录不存在，或不属于您管理的城市。"))
    kind = request.GET.get("kind", "")
    if kind not in LedgerTransaction.Kind.values:
        kind = ""
    page = Paginator(programme_journal(programme=programme, kind=kind), JOURNAL_PER_PAGE).get_page(
        request.GET.get("page")
    )
    (figures,) = programme_figures(programmes=VoucherProgram.objects.filter(pk=programme.pk))
    return TemplateResponse(
        request,
        "vouchers/backoffice/journal.html",
        _context(
            request,
            site,
            gettext("%(programme)s · 账务流水") % {"programme": programme.name},
            programme=programme,
            figures=figures,
            page=page,
            kind=kind,
            kinds=LedgerTransaction.Kind.choices,
        ),
    )


def _statement_for(request: HttpRequest) -> tuple[Any, SettlementFilterForm, bool]:
    alliance = _require_role(request)
    city = _chosen_city(request, alliance=alliance, required=True)
    assert city is not None
    form, period = _period(request, alliance)
    if period is None:
        return None, form, alliance
    year, month = period
    return settlement_statement(city_id=city.pk, year=year, month=month), form, alliance


def settlement_view(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """月度结算单: the city's statement for the chosen month, its reconciliation and the download."""
    statement, form, alliance = _statement_for(request)
    context: dict[str, Any] = {"form": form, "alliance": alliance, "statement": statement}
    if statement is not None:
        context["differences"] = statement_reconcile(statement)
        city_slug = City.objects.values_list("slug", flat=True).get(pk=statement.city_id)
        month = f"{statement.year}-{statement.month:02d}"
        context["query"] = f"city={city_slug}&month={month}"
        previous, following = (
            _previous(statement.year, statement.month),
            _next(statement.year, statement.month),
        )
        context["previous_query"] = f"city={city_slug}&month={previous[0]}-{previous[1]:02d}"
        today = timezone.localdate()
        if following <= (today.year, today.month):
            context["next_query"] = f"city={city_slug}&month={following[0]}-{following[1]:02d}"
        title = gettext("%(city)s · %(period)s 创新券结算单") % {
            "city": statement.city_name,
            "period": statement.period_label,
        }
    else:
        title = gettext("创新券月度结算单")
    return TemplateResponse(
        request, "vouchers/backoffice/settlement.html", _context(request, site, title, **context)
    )


def settlement_xlsx_view(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """The statement as .xlsx (same parameters as the page)."""
    statement, form, _alliance = _statement_for(request)
    if statement is None:
        return settlement_view(request, site)
    data = build_statement_workbook(statement, statement_reconcile(statement))
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        statement_filename(statement), f"voucher-settlement-{statement.year}{statement.month:02d}.xlsx"
    )
    return response


class MatrixForm(forms.Form):
    period = forms.ChoiceField(label=_("期间"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        months = []
        year, month = today.year, today.month
        for _i in range(24):
            months.append((f"{year}-{month:02d}", f"{year}年{month:02d}月"))
            year, month = _previous(year, month)
        years = [(str(y), f"{y}年") for y in range(today.year, today.year - 5, -1)]
        period: Any = self.fields["period"]
        period.choices = [("", _("全部期间")), *years, *months]


def matrix_view(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """跨城结算矩阵 (alliance only): which city's budget paid providers of which city."""
    if not _require_role(request):
        raise PermissionDenied(gettext("跨城结算矩阵仅联盟管理员可见。"))
    form = MatrixForm(request.GET or None)
    start = end = None
    label = gettext("全部期间")
    month_param = ""
    if form.is_valid() and (period := form.cleaned_data["period"]):
        if "-" in period:
            month_param = period
            year, month = (int(p) for p in period.split("-"))
            start, end = month_bounds(year, month)
            label = f"{year}年{month:02d}月"
        else:
            year = int(period)
            start = timezone.make_aware(dt.datetime(year, 1, 1))
            end = timezone.make_aware(dt.datetime(year + 1, 1, 1))
            label = f"{year}年"
    matrix = settlement_matrix(start=start, end=end)
    return TemplateResponse(
        request,
        "vouchers/backoffice/matrix.html",
        _context(
            request,
            site,
            gettext("跨城结算矩阵 · %(period)s") % {"period": label},
            form=form,
            matrix=matrix,
            period_label=label,
            month=month_param,
        ),
    )
