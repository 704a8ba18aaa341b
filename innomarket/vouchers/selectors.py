"""Reads of the 创新券 ledger. Balances are always sums of entries (in 分), never stored columns."""

from __future__ import annotations

from django.db.models import Q, QuerySet, Sum

from innomarket.organisations.models import Organisation

from .models import LedgerAccount, LedgerEntry, LedgerTransaction, Voucher, VoucherProgram


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
