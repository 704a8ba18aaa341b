"""创新券 in the back office, scoped to the programme's city.

Money moves only through ``services``: a programme is funded with the 拨付预算 confirmation page
(``programme_fund``), vouchers are issued by approving applications, redemptions are answered by
their two sides. Vouchers, the ledger (accounts, transactions with their entries), registered
providers and redemptions are therefore read-only here; the programme pages link to the ledger pages
(``views_backoffice``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innomarket.backoffice.admin_mixins import CityScopedAdminMixin
from innomarket.common.exceptions import ApplicationError
from innomarket.common.exceptions import PermissionDenied as ServicePermissionDenied
from innomarket.common.forms import add_service_error

from . import services
from .errors import VoucherErrorCode
from .models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    ProgrammeProvider,
    ProviderApplication,
    Redemption,
    Voucher,
    VoucherApplication,
    VoucherProgram,
)
from .settlement import programme_figures
from .templatetags.voucher_money import format_yuan

AccountKind = LedgerAccount.Kind


class ReadOnlyAdminMixin:
    """Written by services only: viewing (in scope) yes, adding, changing and deleting never."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _balance(kind: str) -> Any:
    return Coalesce(Sum("ledger_accounts__entries__amount", filter=Q(ledger_accounts__kind=kind)), 0)


# ---------------------------------------------------------------- programmes and 拨付预算


class FundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("拨付金额（元）"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        help_text=_("以元为单位，最多两位小数。"),
    )
    memo = forms.CharField(
        label=_("摘要"),
        max_length=200,
        required=False,
        help_text=_("如预算批复文号、拨款批次。"),
    )
    confirm = forms.BooleanField(
        label=_("我已核对拨付金额与预算批复一致"),
        error_messages={"required": _("请勾选确认后再拨付。")},
    )
    # One key per form shown: a double submit or a retry posts the funding once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def amount_fen(self) -> int:
        return int(self.cleaned_data["amount"] * 100)


@admin.register(VoucherProgram)
class VoucherProgramAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "city",
        "year",
        "status",
        "total_budget_wan",
        "funded_display",
        "available_display",
        "settled_display",
        "cross_city",
        "ledger_links",
    )
    list_filter = ("status", "city", "year", "cross_city")
    search_fields = ("name", "issuer")
    list_select_related = ("city",)
    filter_horizontal = ("accepted_cities",)
    readonly_fields = ("ledger_summary",)
    actions = ["fund_selected"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[VoucherProgram]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                funding_fen=_balance(AccountKind.FUNDING),
                budget_fen=_balance(AccountKind.PROGRAMME_BUDGET),
                settled_fen=_balance(AccountKind.SETTLED),
            )
        )

    @admin.display(description=_("已拨入"), ordering="funding_fen")
    def funded_display(self, obj: Any) -> str:
        return format_yuan(-obj.funding_fen)

    @admin.display(description=_("可发额度"), ordering="budget_fen")
    def available_display(self, obj: Any) -> str:
        return format_yuan(obj.budget_fen)

    @admin.display(description=_("已结算"), ordering="settled_fen")
    def settled_display(self, obj: Any) -> str:
        return format_yuan(obj.settled_fen)

    def _links(self, obj: VoucherProgram) -> list[tuple[str, str]]:
        links = [
            (reverse("admin:vouchers_journal", args=[obj.pk]), gettext("流水")),
            (
                f"{reverse('admin:vouchers_settlement')}?city={obj.city.slug}",
                gettext("结算单"),
            ),
        ]
        return links

    @admin.display(description=_("账务"))
    def ledger_links(self, obj: VoucherProgram) -> str:
        return format_html_join(" · ", '<a href="{}">{}</a>', self._links(obj))

    @admin.display(description=_("账务概况"))
    def ledger_summary(self, obj: VoucherProgram | None) -> str:
        if obj is None or obj.pk is None:
            return gettext("保存后可拨付预算、查看流水。")
        (figures,) = programme_figures(programmes=VoucherProgram.objects.filter(pk=obj.pk))
        rows = [
            (gettext("总额度"), format_yuan(figures.budget_fen)),
            (gettext("已拨入"), format_yuan(figures.funded_fen)),
            (gettext("可发额度"), format_yuan(figures.available_fen)),
            (gettext("已发券"), format_yuan(figures.issued_fen)),
            (gettext("待结算"), format_yuan(figures.reserved_fen)),
            (gettext("已结算"), format_yuan(figures.settled_fen)),
        ]
        links = [(self._fund_url(obj), gettext("拨付预算")), *self._links(obj)]
        return format_html(
            "{}<p>{}</p>",
            format_html_join("", "<div>{}：{}</div>", rows),
            format_html_join(" · ", '<a href="{}">{}</a>', links),
        )

    # --- 拨付预算 --------------------------------------------------------------------------------
    def _fund_url(self, obj: VoucherProgram) -> str:
        return reverse(
            "admin:vouchers_voucherprogram_fund", args=[quote(obj.pk)], current_app=self.admin_site.name
        )

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/fund/",
                self.admin_site.admin_view(self.fund_view),
                name="vouchers_voucherprogram_fund",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("拨付预算（逐个计划确认）"), permissions=["change"])
    def fund_selected(self, request: HttpRequest, queryset: QuerySet[VoucherProgram]) -> Any:
        programmes = list(queryset[:2])
        if len(programmes) != 1:
            self.message_user(
                request, gettext("拨付预算需逐个计划确认，请只勾选一个计划。"), messages.WARNING
            )
            return None
        return HttpResponseRedirect(self._fund_url(programmes[0]))

    def fund_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Confirmation page of 拨付预算; POST funds the programme through ``programme_fund``."""
        programme = self.get_object(request, unquote(object_id))
        if not self.has_change_permission(request, programme):
            raise DjangoPermissionDenied
        change_url = reverse(
            "admin:vouchers_voucherprogram_change",
            args=[quote(programme.pk)],
            current_app=self.admin_site.name,
        )
        if request.method == "POST":
            form = FundForm(request.POST)
            if form.is_valid():
                try:
                    services.programme_fund(
                        actor=request.user,
                        programme=programme,
                        amount_fen=form.amount_fen(),
                        memo=form.cleaned_data["memo"],
                        idempotency_key=f"admin-fund-{form.cleaned_data['idempotency_key']}",
                    )
                except ServicePermissionDenied as exc:
                    raise DjangoPermissionDenied(str(exc)) from exc
                except ApplicationError as exc:
                    if exc.code in (
                        VoucherErrorCode.OVER_PROGRAMME_TOTAL,
                        VoucherErrorCode.AMOUNT_NOT_POSITIVE,
                    ):
                        form.add_error("amount", exc.message)
                    else:
                        add_service_error(form, exc)
                else:
                    messages.success(
                        request,
                        gettext("已向“%(programme)s”拨付预算 %(amount)s。")
                        % {"programme": programme.name, "amount": format_yuan(form.amount_fen())},
                    )
                    return HttpResponseRedirect(change_url)
        else:
            form = FundForm(initial={"idempotency_key": uuid.uuid4().hex})
        (figures,) = programme_figures(programmes=VoucherProgram.objects.filter(pk=programme.pk))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("拨付预算：%(programme)s") % {"programme": programme.name},
            "object": programme,
            "figures": figures,
            "form": form,
            "change_url": change_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "vouchers/backoffice/fund_confirm.html", context)


# ---------------------------------------------------------------- vouchers and the ledger (read-only)


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyAdminMixin, CityScopedAdminMixin, admin.ModelAdmin):
    """创新券, scoped by the issuing programme's city. Issued by approving an application (or
    ``voucher_issue``) so that every voucher has its ledger; never added or edited by hand."""

    city_field = "program__city"
    list_display = ("code", "program", "enterprise", "amount_wan", "balance_display", "status", "issued_at")
    list_filter = ("status", "program__city", "program")
    search_fields = ("code", "enterprise__name", "program__name")
    list_select_related = ("program", "enterprise")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Voucher]:
        # A voucher's transactions touch only its own wallet among the voucher accounts.
        in_wallet = Q(ledger_transactions__entries__account__kind=AccountKind.VOUCHER)
        return (
            super()
            .get_queryset(request)
            .annotate(balance_fen=Coalesce(Sum("ledger_transactions__entries__amount", filter=in_wallet), 0))
        )

    @admin.display(description=_("余额"), ordering="balance_fen")
    def balance_display(self, obj: Any) -> str:
        return format_yuan(obj.balance_fen)


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ("account", "amount_display")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = _("分录（正数为借方，负数为贷方）")

    def get_queryset(self, request: HttpRequest) -> QuerySet[LedgerEntry]:
        return super().get_queryset(request).select_related("account__voucher", "account__organisation")

    @admin.display(description=_("金额"))
    def amount_display(self, entry: LedgerEntry) -> str:
        return format_yuan(entry.amount)

    # The transaction's admin already decided who may see it; its entries come with it.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdminMixin, CityScopedAdminMixin, admin.ModelAdmin):
    city_field = "programme__city"
    list_display = ("pk", "created_at", "kind", "programme", "voucher", "amount_display", "memo", "actor")
    list_filter = ("kind", "programme__city", "programme")
    search_fields = ("voucher__code", "memo", "idempotency_key")
    list_select_related = ("programme", "voucher", "actor")
    date_hierarchy = "created_at"
    inlines = [LedgerEntryInline]
    fields = (
        "kind",
        "programme",
        "voucher",
        "provider_city",
        "created_at",
        "actor",
        "memo",
        "reverses",
        "closes",
        "idempotency_key",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[LedgerTransaction]:
        return (
            super()
            .get_queryset(request)
            .annotate(moved_fen=Coalesce(Sum("entries__amount", filter=Q(entries__amount__gt=0)), 0))
        )

    @admin.display(description=_("金额"), ordering="moved_fen")
    def amount_display(self, obj: Any) -> str:
        return format_yuan(obj.moved_fen)


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdminMixin, CityScopedAdminMixin, admin.ModelAdmin):
    city_field = "programme__city"
    list_display = ("pk", "kind", "programme", "voucher", "organisation", "balance_display")
    list_filter = ("kind", "programme__city", "programme")
    search_fields = ("voucher__code", "organisation__name", "programme__name")
    list_select_related = ("programme", "voucher", "organisation")

    def get_queryset(self, request: HttpRequest) -> QuerySet[LedgerAccount]:
        return super().get_queryset(request).annotate(balance_fen=Coalesce(Sum("entries__amount"), 0))

    @admin.display(description=_("余额"), ordering="balance_fen")
    def balance_display(self, obj: Any) -> str:
        return format_yuan(obj.balance_fen)


@admin.register(ProgrammeProvider)
class ProgrammeProviderAdmin(ReadOnlyAdminMixin, CityScopedAdminMixin, admin.ModelAdmin):
    """Registered by the programme city's administrator through ``programme_provider_accept``."""

    city_field = "programme__city"
    list_display = ("provider", "provider_city", "programme", "accepted_at", "accepted_by")
    list_filter = ("programme__city", "programme", "provider__city")
    search_fields = ("provider__name", "programme__name", "services")
    list_select_related = ("provider__city", "programme", "accepted_by")

    @admin.display(description=_("服务机构所在城市"), ordering="provider__city__sort_order")
    def provider_city(self, obj: ProgrammeProvider) -> str:
        return obj.provider.city.name


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdminMixin, CityScopedAdminMixin, admin.ModelAdmin):
    """兑付 for 督办: answered by the enterprise and settled by the city through the site."""

    city_field = "voucher__program__city"
    list_display = ("pk", "voucher", "provider", "service", "amount_display", "status", "awaiting_since")
    list_filter = ("status", "voucher__program__city", "provider__city")
    search_fields = ("voucher__code", "provider__name", "voucher__enterprise__name", "service")
    list_select_related = ("voucher", "provider")

    @admin.display(description=_("兑付金额"), ordering="amount_fen")
    def amount_display(self, obj: Redemption) -> str:
        return format_yuan(obj.amount_fen)


@admin.register(VoucherApplication)
class VoucherApplicationAdmin(ReadOnlyAdminMixin, CityScopedAdminMixin, admin.ModelAdmin):
    """申领 for 督办: submitted by enterprises and answered by the city in 工作台 → 创新券 → 审核."""

    city_field = "programme__city"
    list_display = (
        "pk",
        "programme",
        "enterprise",
        "amount_wan",
        "granted_amount_wan",
        "status",
        "awaiting_since",
    )
    list_filter = ("status", "programme__city", "programme")
    search_fields = ("enterprise__name", "programme__name", "purpose")
    list_select_related = ("programme", "enterprise")


@admin.register(ProviderApplication)
class ProviderApplicationAdmin(ReadOnlyAdminMixin, CityScopedAdminMixin, admin.ModelAdmin):
    """服务机构登记 for 督办: answered by the programme city in 工作台 → 创新券 → 审核."""

    city_field = "programme__city"
    list_display = ("pk", "programme", "provider", "status", "awaiting_since")
    list_filter = ("status", "programme__city", "provider__city")
    search_fields = ("provider__name", "programme__name", "services")
    list_select_related = ("programme", "provider")
