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
