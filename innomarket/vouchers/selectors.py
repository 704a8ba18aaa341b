"""Reads of the 创新券 ledger. Balances are always sums of entries (in 分), never stored columns."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from innomarket.accounts import roles
from innomarket.notifications.recipients import organisation_members
from innomarket.notifications.replies import ReplyRule
from innomarket.organisations.models import Organisation

from .models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    ProgrammeProvider,
    Redemption,
    Voucher,
    VoucherProgram,
)


def _sum(entries: QuerySet[LedgerEntry]) -> int:
    return int(entries.aggregate(total=Sum("amount"))["total"] or 0)


def account_balance(*, account: LedgerAccount) -> int:
    """Balance of one account in 分: debits minus credits. Read it under the account's row lock
    when a decision depends on it."""
    return _sum(LedgerEntry.objects.filter(account=account))


def account_balances(*, programme: VoucherProgram) -> dict[int, int]:
    """Balance of every account of ``programme`` that has entries, by account id."""
    rows = (
        LedgerEntry.objects.filter(account__programme=programme)
        .values("account_id")
        .annotate(total=Sum("amount"))
        .order_by("account_id")
    )
    return {row["account_id"]: int(row["total"]) for row in rows}


def voucher_balance(*, voucher: Voucher) -> int:
    """Unspent, unreserved amount of ``voucher`` (its wallet), in 分."""
    return _sum(
        LedgerEntry.objects.filter(account__kind=LedgerAccount.Kind.VOUCHER, account__voucher=voucher)
    )


def programme_available(*, programme: VoucherProgram) -> int:
    """Funded but not yet issued (or returned by expiry), in 分."""
    return _sum(
        LedgerEntry.objects.filter(
            account__kind=LedgerAccount.Kind.PROGRAMME_BUDGET, account__programme=programme
        )
    )


def enterprise_issued(*, programme: VoucherProgram, enterprise: Organisation) -> int:
    """What ``programme`` has issued to ``enterprise`` in 分, net of reversed issues. Spending and
    expiry do not give the cap back: the cap (单家企业上限) limits what an enterprise is granted."""
    return _sum(
        LedgerEntry.objects.filter(
            account__kind=LedgerAccount.Kind.VOUCHER,
            account__programme=programme,
            account__voucher__enterprise=enterprise,
        ).filter(
            Q(transaction__kind=LedgerTransaction.Kind.ISSUE)
            | Q(
                transaction__kind=LedgerTransaction.Kind.REVERSAL,
                transaction__reverses__kind=LedgerTransaction.Kind.ISSUE,
            )
        )
    )


def reservation_open(*, reservation: LedgerTransaction) -> bool:
    """A reservation is open until a release, a settlement or its reversal closes it."""
    return (
        reservation.kind == LedgerTransaction.Kind.RESERVE
        and not LedgerTransaction.objects.filter(closes=reservation).exists()
    )


def voucher_open_reservations(*, voucher: Voucher) -> QuerySet[LedgerTransaction]:
    return LedgerTransaction.objects.filter(
        voucher=voucher, kind=LedgerTransaction.Kind.RESERVE, closed_by__isnull=True
    ).order_by("id")


def voucher_transactions(*, voucher: Voucher) -> QuerySet[LedgerTransaction]:
    """The ledger of one voucher, oldest first, with entries and their accounts."""
    return (
        LedgerTransaction.objects.filter(voucher=voucher)
        .select_related("actor", "reverses")
        .prefetch_related("entries__account")
        .order_by("id")
    )


# ---------------------------------------------------------------- redemption workflow (兑付)


def programme_providers(*, programme: VoucherProgram) -> QuerySet[ProgrammeProvider]:
    """The providers accepted in ``programme``, with their organisation and city."""
    return (
        ProgrammeProvider.objects.filter(programme=programme)
        .select_related("provider__city", "accepted_by")
        .order_by("provider__name", "pk")
    )


def is_accepted_provider(*, programme: VoucherProgram, provider: Organisation) -> bool:
    return ProgrammeProvider.objects.filter(programme=programme, provider=provider).exists()


# ---------------------------------------------------------------- "accepts vouchers" (可用创新券)


def _not_past_validity() -> Q:
    from django.utils import timezone

    return Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate())


def voucher_acceptors(*, organisation: Organisation) -> set[int]:
    """Ids of the providers where ``organisation``'s usable vouchers can be spent ("可用您的创新券"):
    accepted in the programme of a voucher it holds that is 已发放/部分使用, within the programme's
    validity and with a balance left. The enterprise itself is never among them (no self-redemption).
    Two queries."""
    usable = Voucher.objects.filter(
        enterprise=organisation,
        status__in=(Voucher.Status.ISSUED, Voucher.Status.PARTIAL),
        program__in=VoucherProgram.objects.filter(_not_past_validity()),
    )
    programme_ids = {
        row["account__programme_id"]
        for row in LedgerEntry.objects.filter(
            account__kind=LedgerAccount.Kind.VOUCHER, account__voucher__in=usable
        )
        .values("account__voucher_id", "account__programme_id")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
        .order_by()
    }
    if not programme_ids:
        return set()
    return set(
        ProgrammeProvider.objects.filter(programme_id__in=programme_ids)
        .exclude(provider=organisation)
        .values_list("provider_id", flat=True)
    )


def accepting_provider_ids() -> set[int]:
    """Ids of the providers accepted in any open programme (申领中, within its validity): the
    listings that may say "可用创新券". One query."""
    return set(
        ProgrammeProvider.objects.filter(
            programme__in=VoucherProgram.objects.filter(
                _not_past_validity(), status=VoucherProgram.Status.OPEN
            )
        ).values_list("provider_id", flat=True)
    )


def _redemptions() -> QuerySet[Redemption]:
    return Redemption.objects.select_related(
        "voucher__program__city", "voucher__enterprise", "provider", "reservation", "closing"
    )


def redemptions_of_voucher(*, voucher: Voucher) -> QuerySet[Redemption]:
    return _redemptions().filter(voucher=voucher).order_by("pk")


def redemptions_to_confirm(*, user: Any) -> QuerySet[Redemption]:
    """Requests awaiting a confirmation from the user's enterprises (待我确认), oldest first."""
    return (
        _redemptions()
        .filter(
            status=Redemption.Status.REQUESTED,
            voucher__enterprise_id__in=roles.member_organisation_ids(user),
        )
        .order_by("awaiting_since", "pk")
    )


def redemptions_of_provider(*, user: Any) -> QuerySet[Redemption]:
    """Every redemption requested by the user's organisations as providers, newest first."""
    return _redemptions().filter(provider_id__in=roles.member_organisation_ids(user)).order_by("-pk")


def redemptions_to_settle(*, user: Any) -> QuerySet[Redemption]:
    """Confirmed redemptions of programmes the user administers, oldest first."""
    qs = _redemptions().filter(status=Redemption.Status.CONFIRMED)
    if roles.is_alliance_admin(user):
        return qs.order_by("pk")
    city_id = roles.administered_city_id(user)
    if city_id is None:
        return qs.none()
    return qs.filter(voucher__program__city_id=city_id).order_by("pk")


def redemption_funnel(city_id: int | None) -> list[tuple[Any, int]]:
    """兑付申请 → 企业已确认 → 已结算, in one query."""
    qs = Redemption.objects.all()
    if city_id is not None:
        qs = qs.filter(voucher__program__city_id=city_id)
    S = Redemption.Status
    counts = qs.aggregate(
        total=Count("pk"),
        confirmed=Count("pk", filter=Q(status__in=(S.CONFIRMED, S.SETTLED, S.RELEASED))),
        settled=Count("pk", filter=Q(status=S.SETTLED)),
    )
    return [
        (_("兑付申请"), counts["total"]),
        (_("企业已确认"), counts["confirmed"]),
        (_("已结算"), counts["settled"]),
    ]


def _describe(redemption: Redemption) -> str:
    return (
        f"{redemption.provider.name} · 创新券 {redemption.voucher.code}"
        f"（{redemption.voucher.enterprise.name}）兑付“{redemption.service}”"
        f" {redemption.amount_fen // 100:,}.{redemption.amount_fen % 100:02d} 元"
    )


# The enterprise owes the answer to a provider's request.
REPLY_RULE = ReplyRule(
    key="voucher_redemption",
    label=_("创新券兑付确认"),
    model=Redemption,
    pending=lambda: _redemptions().filter(status=Redemption.Status.REQUESTED),
    answerers=lambda redemption: organisation_members(redemption.voucher.enterprise_id),
    requesters=lambda redemption: organisation_members(redemption.provider_id),
    city_id=lambda redemption: redemption.voucher.program.city_id,
    describe=_describe,
    answer_url=lambda redemption: "",
    funnel=redemption_funnel,
    city_field="voucher__program__city",
    # Left out of the workspace's 待我答复 until there is a page to answer on; then
    # mine=lambda user: redemptions_to_confirm(user=user) and the page's URL name.
    mine=None,
    inbox_url="",
)
