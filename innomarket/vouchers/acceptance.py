""" "Accepts vouchers" on a provider's public pages (instruments, spaces, the organisation itself):
which open programmes the provider is accepted in, which cities' vouchers that means, and — for a
signed-in enterprise member — which of their own vouchers can be spent here, with the balance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from innomarket.organisations.models import Organisation

from .models import ProgrammeProvider, Voucher, VoucherProgram
from .selectors import voucher_balance


@dataclass(frozen=True)
class UsableVoucher:
    voucher: Voucher
    balance_fen: int


@dataclass(frozen=True)
class Acceptance:
    """What a provider's page says about vouchers; empty when it accepts none."""

    programmes: list[VoucherProgram] = field(default_factory=list)
    yours: list[UsableVoucher] = field(default_factory=list)
    self_declared: bool = False  # the verified listing says it takes vouchers, no programme on record

    def __bool__(self) -> bool:
        return bool(self.programmes or self.self_declared)


def _open_programmes() -> Q:
    today = timezone.localdate()
    return Q(status=VoucherProgram.Status.OPEN) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))


def acceptance_for(*, provider_id: int | None, user: Any, self_declared: bool = False) -> Acceptance:
    if provider_id is None:
        return Acceptance(self_declared=self_declared)
    programmes = list(
        VoucherProgram.objects.filter(
            _open_programmes(),
            pk__in=ProgrammeProvider.objects.filter(provider_id=provider_id).values("programme_id"),
        )
        .select_related("city")
        .order_by("city__sort_order", "pk")
    )
    yours: list[UsableVoucher] = []
    if programmes and getattr(user, "is_authenticated", False):
        vouchers = (
            Voucher.objects.filter(
                program__in=programmes,
                status__in=(Voucher.Status.ISSUED, Voucher.Status.PARTIAL),
                enterprise__in=Organisation.objects.filter(members=user),
            )
            .exclude(enterprise_id=provider_id)
            .select_related("program", "enterprise")
            .order_by("pk")
        )
        for voucher in vouchers:
            balance = voucher_balance(voucher=voucher)
            if balance > 0:
                yours.append(UsableVoucher(voucher, balance))
    return Acceptance(programmes=programmes, yours=yours, self_declared=self_declared and not programmes)


def detail_context(request: Any, obj: Any) -> dict[str, Any]:
    """``request_detail_context`` for catalogue pages of records a provider owns (or the provider)."""
    provider_id = obj.pk if isinstance(obj, Organisation) else getattr(obj, "owner_id", None)
    declared = bool(getattr(obj, "accepts_vouchers", False))
    return {
        "voucher_acceptance": acceptance_for(
            provider_id=provider_id, user=request.user, self_declared=declared
        )
    }


@dataclass(frozen=True)
class ProgrammeOffer:
    programme: VoucherProgram
    remaining_fen: int  # what the enterprise may still be issued under the per-enterprise cap
    application: Any = None  # its open or approved application, if any


@dataclass(frozen=True)
class CalculatorVouchers:
    """政策计算器 → 创新券: the enterprise's usable vouchers and its city's open programmes."""

    yours: list[UsableVoucher] = field(default_factory=list)
    offers: list[ProgrammeOffer] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.yours or self.offers)


def calculator_vouchers(*, organisation: Organisation) -> CalculatorVouchers:
    from .models import VoucherApplication
    from .selectors import enterprise_issued
    from .services import FEN_PER_WAN

    yours = []
    for voucher in (
        Voucher.objects.filter(
            enterprise=organisation, status__in=(Voucher.Status.ISSUED, Voucher.Status.PARTIAL)
        )
        .filter(Q(program__valid_to__isnull=True) | Q(program__valid_to__gte=timezone.localdate()))
        .select_related("program")
        .order_by("pk")
    ):
        balance = voucher_balance(voucher=voucher)
        if balance > 0:
            yours.append(UsableVoucher(voucher, balance))
    offers = []
    for programme in VoucherProgram.objects.filter(_open_programmes(), city_id=organisation.city_id).order_by(
        "pk"
    ):
        cap = programme.max_per_enterprise_wan
        issued = enterprise_issued(programme=programme, enterprise=organisation)
        remaining = int(cap * FEN_PER_WAN) - issued if cap is not None else -1
        application = (
            VoucherApplication.objects.filter(programme=programme, enterprise=organisation)
            .order_by("-pk")
            .first()
        )
        if remaining != 0:
            offers.append(ProgrammeOffer(programme, remaining, application))
    return CalculatorVouchers(yours=yours, offers=offers)
