"""Writes of the 创新券 ledger: fund → issue → reserve → settle (or release), expire, reverse.

Every service posts one ``LedgerTransaction`` whose entries sum to zero (see the sign convention in
``models``), and never edits or deletes an entry: corrections are reversals.

Concurrency: a service first makes sure its accounts exist, then re-reads them with
``SELECT … FOR UPDATE`` in primary-key order (``_lock_accounts``) and only then reads the balances
it decides on. Every entry on an account is written under that account's lock, so two redemptions of
one voucher are serialised on its wallet row and can never overspend. Services that act on an
earlier transaction (release, settle, reverse) lock that transaction's row first, then the accounts.
On SQLite, transactions are ``IMMEDIATE`` and so already serialised.

Idempotency: every service takes an ``idempotency_key`` (a random one if none is given). Calling a
service again with a key already used for the same kind of movement returns the first result
without posting anything; using it for another movement is refused.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innomarket.common.exceptions import ApplicationError, ErrorCode
from innomarket.organisations.models import Organisation

from . import selectors
from .errors import VoucherErrorCode
from .models import LedgerAccount, LedgerEntry, LedgerTransaction, Voucher, VoucherProgram

FEN_PER_WAN = 1_000_000  # 1 万元 = 10 000 元 = 1 000 000 分

Kind = LedgerTransaction.Kind
AccountKind = LedgerAccount.Kind


# ---------------------------------------------------------------- helpers


def wan_to_fen(amount_wan: Decimal) -> int:
    """万元 (as programmes state amounts) to whole 分; refuses fractions of a 分."""
    fen = Decimal(amount_wan) * FEN_PER_WAN
    if fen != fen.to_integral_value():
        raise ApplicationError(_("金额最小单位为分。"), ErrorCode.VALIDATION, {"amount_wan": str(amount_wan)})
    return int(fen)


def yuan(fen: int) -> str:
    """分 shown as 元 with two decimals, for messages."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d} 元"


def _require_positive(amount_fen: int) -> None:
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise ApplicationError(
            _("金额必须是大于零的整数（单位：分）。"),
            VoucherErrorCode.AMOUNT_NOT_POSITIVE,
            {"amount": amount_fen},
        )


def _account(
    *,
    programme: VoucherProgram,
    kind: str,
    voucher: Voucher | None = None,
    organisation: Organisation | None = None,
) -> LedgerAccount:
    account, _created = LedgerAccount.objects.get_or_create(
        programme=programme, kind=kind, voucher=voucher, organisation=organisation
    )
    return account


def _programme_account(programme: VoucherProgram, kind: str) -> LedgerAccount:
    return _account(programme=programme, kind=kind)


def _wallet(voucher: Voucher) -> LedgerAccount:
    return _account(programme=voucher.program, kind=AccountKind.VOUCHER, voucher=voucher)


def _lock_accounts(accounts: Iterable[LedgerAccount]) -> dict[int, LedgerAccount]:
    """Lock ``accounts`` in primary-key order and return them by id. Caller must be in ``atomic``."""
    ids = sorted({a.pk for a in accounts})
    locked = LedgerAccount.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {a.pk: a for a in locked}


def _lock_transaction(ledger_transaction: LedgerTransaction) -> LedgerTransaction:
    return (
        LedgerTransaction.objects.select_for_update(of=("self",))
        .select_related("voucher", "programme")
        .get(pk=ledger_transaction.pk)
    )


def _replay(key: str | None, kind: str, voucher: Voucher | None = None) -> LedgerTransaction | None:
    """The transaction already posted under ``key``, if this is a retry of the same movement."""
    if key is None:
        return None
    earlier = LedgerTransaction.objects.filter(idempotency_key=key).first()
    if earlier is None:
        return None
    if earlier.kind != kind or (voucher is not None and earlier.voucher_id != voucher.pk):
        raise ApplicationError(
            _("幂等键“%(key)s”已用于另一笔交易，请为新的操作使用新的幂等键。") % {"key": key},
            VoucherErrorCode.IDEMPOTENCY_CONFLICT,
            {"transaction": earlier.pk},
        )
    return earlier


def _post(
    *,
    kind: str,
    programme: VoucherProgram,
    entries: Sequence[tuple[LedgerAccount, int]],
    actor: Any,
    idempotency_key: str | None,
    voucher: Voucher | None = None,
    reverses: LedgerTransaction | None = None,
    closes: LedgerTransaction | None = None,
    memo: str = "",
) -> LedgerTransaction:
    """Append one balanced transaction. The caller holds the locks of every account in ``entries``."""
    if not entries or any(amount == 0 for _account, amount in entries) or sum(a for _acc, a in entries) != 0:
        raise ApplicationError(
            _("分录借贷不平衡，未记账。"),
            VoucherErrorCode.UNBALANCED,
            {"entries": [a for _acc, a in entries]},
        )
    if any(account.programme_id != programme.pk for account, _amount in entries):
        raise ApplicationError(_("分录账户不属于同一创新券计划，未记账。"), VoucherErrorCode.UNBALANCED)
    record = LedgerTransaction(
        kind=kind,
        programme=programme,
        voucher=voucher,
        idempotency_key=idempotency_key or uuid.uuid4().hex,
        reverses=reverses,
        closes=closes,
        memo=memo[:200],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        # The locks make these unreachable except for two requests racing with one key.
        raise ApplicationError(
            _("该操作已提交或正在处理，请刷新后查看结果。"), VoucherErrorCode.DUPLICATE_REQUEST
        ) from exc
    LedgerEntry.objects.bulk_create(
        LedgerEntry(transaction=record, account=account, amount=amount) for account, amount in entries
    )
    return record


def _reservation_legs(reservation: LedgerTransaction) -> tuple[LedgerAccount, int]:
    """The receivable account a reservation credited and its amount."""
    entry = reservation.entries.select_related("account").get(
        account__kind=AccountKind.PROVIDER_RECEIVABLE, amount__gt=0
    )
    return entry.account, entry.amount


def _require_open_reservation(reservation: LedgerTransaction) -> None:
    if reservation.kind != Kind.RESERVE:
        raise ApplicationError(_("这不是一笔兑付预留。"), VoucherErrorCode.NOT_A_RESERVATION)
    closing = LedgerTransaction.objects.filter(closes=reservation).first()
    if closing is not None:
        messages = {
            Kind.SETTLE: _("该笔兑付已结算，不能重复结算或释放。"),
            Kind.RELEASE: _("该笔兑付预留已释放。"),
            Kind.REVERSAL: _("该笔兑付预留已冲正。"),
        }
        raise ApplicationError(
            messages.get(Kind(closing.kind), _("该笔兑付预留已了结。")),
            VoucherErrorCode.ALREADY_CLOSED,
            {"closed_by": closing.pk, "closed_kind": closing.kind},
        )


# ---------------------------------------------------------------- services


@transaction.atomic
def programme_fund(
    *,
    actor: Any,
    programme: VoucherProgram,
    amount_fen: int,
    memo: str = "",
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """拨入额度: funding → programme budget. Refuses to fund beyond the programme's 总额度 if set."""
    if (earlier := _replay(idempotency_key, Kind.FUND)) is not None:
        return earlier
    _require_positive(amount_fen)
    funding = _programme_account(programme, AccountKind.FUNDING)
    budget = _programme_account(programme, AccountKind.PROGRAMME_BUDGET)
    _lock_accounts([funding, budget])
    if programme.total_budget_wan is not None:
        total = wan_to_fen(programme.total_budget_wan)
        funded = -selectors.account_balance(account=funding)
        if funded + amount_fen > total:
            raise ApplicationError(
                _("超出计划总额度：总额度 %(total)s，已拨入 %(funded)s，本次 %(amount)s。")
                % {"total": yuan(total), "funded": yuan(funded), "amount": yuan(amount_fen)},
                VoucherErrorCode.OVER_PROGRAMME_TOTAL,
            )
    return _post(
        kind=Kind.FUND,
        programme=programme,
        entries=[(funding, -amount_fen), (budget, amount_fen)],
        actor=actor,
        idempotency_key=idempotency_key,
        memo=memo,
    )


@transaction.atomic
def voucher_issue(
    *,
    actor: Any,
    programme: VoucherProgram,
    enterprise: Organisation,
    amount_wan: Decimal,
    code: str | None = None,
    idempotency_key: str | None = None,
) -> Voucher:
    """发券: creates the voucher and moves its face value from the programme budget to its wallet.

    Refuses when the programme is not 申领中, when the budget cannot cover it, and when the
    enterprise would exceed the programme's 单家企业上限 (net of reversed issues).
    """
    if (earlier := _replay(idempotency_key, Kind.ISSUE)) is not None:
        assert earlier.voucher is not None
        return earlier.voucher
    amount_fen = wan_to_fen(amount_wan)
    _require_positive(amount_fen)
    if programme.status != VoucherProgram.Status.OPEN:
        raise ApplicationError(_("该创新券计划不在申领期，不能发券。"), VoucherErrorCode.PROGRAMME_NOT_OPEN)
    budget = _programme_account(programme, AccountKind.PROGRAMME_BUDGET)
    _lock_accounts([budget])  # every issue of a programme is serialised here, so the cap holds too
    available = selectors.account_balance(account=budget)
    if amount_fen > available:
        raise ApplicationError(
            _("计划可发额度不足：剩余 %(available)s，本次 %(amount)s。")
            % {"available": yuan(available), "amount": yuan(amount_fen)},
            VoucherErrorCode.OVER_BUDGET,
        )
    if programme.max_per_enterprise_wan is not None:
        cap = wan_to_fen(programme.max_per_enterprise_wan)
        issued = selectors.enterprise_issued(programme=programme, enterprise=enterprise)
        if issued + amount_fen > cap:
            raise ApplicationError(
                _("超出单家企业上限：上限 %(cap)s，已发 %(issued)s，本次 %(amount)s。")
                % {"cap": yuan(cap), "issued": yuan(issued), "amount": yuan(amount_fen)},
                VoucherErrorCode.OVER_ENTERPRISE_CAP,
            )
    voucher = Voucher(
        program=programme,
        code=code or f"CX{programme.pk}-{secrets.token_hex(5).upper()}",
        enterprise=enterprise,
        amount_wan=amount_wan,
        status=Voucher.Status.ISSUED,
        issued_at=timezone.now(),
    )
    voucher.full_clean()
    voucher.save()
    wallet = _wallet(voucher)  # new: nobody else can hold its lock yet
    _post(
        kind=Kind.ISSUE,
        programme=programme,
        voucher=voucher,
        entries=[(budget, -amount_fen), (wallet, amount_fen)],
        actor=actor,
        idempotency_key=idempotency_key,
    )
    return voucher


USABLE_STATUSES = (Voucher.Status.ISSUED, Voucher.Status.REDEEMED)


@transaction.atomic
def redemption_reserve(
    *,
    actor: Any,
    voucher: Voucher,
    provider: Organisation,
    amount_fen: int,
    service: str,
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """预留兑付: the enterprise has confirmed ``service`` by ``provider``; ``amount_fen`` moves from the
    voucher's wallet to the provider's receivable. Partial amounts are allowed; more than the
    wallet holds is refused, also when many redemptions of one voucher race."""
    if (earlier := _replay(idempotency_key, Kind.RESERVE, voucher)) is not None:
        return earlier
    _require_positive(amount_fen)
    if provider.pk == voucher.enterprise_id:
        raise ApplicationError(_("企业不能用创新券购买本企业的服务。"), VoucherErrorCode.SELF_REDEMPTION)
    programme = voucher.program
    wallet = _wallet(voucher)
    receivable = _account(programme=programme, kind=AccountKind.PROVIDER_RECEIVABLE, organisation=provider)
    _lock_accounts([wallet, receivable])
    current = Voucher.objects.get(pk=voucher.pk)  # status changes happen under the wallet lock
    today = timezone.localdate()
    if current.status not in USABLE_STATUSES or (
        programme.valid_to is not None and today > programme.valid_to
    ):
        raise ApplicationError(
            _("该创新券已过期或已作废，不能兑付。"),
            VoucherErrorCode.VOUCHER_NOT_USABLE,
            {"status": current.status},
        )
    balance = selectors.account_balance(account=wallet)
    if amount_fen > balance:
        raise ApplicationError(
            _("创新券余额不足：可用 %(balance)s，本次 %(amount)s。")
            % {"balance": yuan(balance), "amount": yuan(amount_fen)},
            VoucherErrorCode.INSUFFICIENT_BALANCE,
            {"balance": balance},
        )
    return _post(
        kind=Kind.RESERVE,
        programme=programme,
        voucher=voucher,
        entries=[(wallet, -amount_fen), (receivable, amount_fen)],
        actor=actor,
        idempotency_key=idempotency_key,
        memo=service,
    )


@transaction.atomic
def redemption_release(
    *, actor: Any, reservation: LedgerTransaction, reason: str = "", idempotency_key: str | None = None
) -> LedgerTransaction:
    """释放预留: the service did not happen; the reserved amount goes back to the voucher's wallet, or
    to the programme budget if the voucher has expired meanwhile. Closes the reservation."""
    if (earlier := _replay(idempotency_key, Kind.RELEASE)) is not None:
        return earlier
    reservation = _lock_transaction(reservation)
    _require_open_reservation(reservation)
    voucher = reservation.voucher
    assert voucher is not None
    receivable, amount = _reservation_legs(reservation)
    wallet = _wallet(voucher)
    budget = _programme_account(reservation.programme, AccountKind.PROGRAMME_BUDGET)
    _lock_accounts([receivable, wallet, budget])
    expired = Voucher.objects.get(pk=voucher.pk).status not in USABLE_STATUSES
    return _post(
        kind=Kind.RELEASE,
        programme=reservation.programme,
        voucher=voucher,
        entries=[(receivable, -amount), (budget if expired else wallet, amount)],
        actor=actor,
        idempotency_key=idempotency_key,
        closes=reservation,
        memo=reason,
    )


@transaction.atomic
def redemption_settle(
    *, actor: Any, reservation: LedgerTransaction, memo: str = "", idempotency_key: str | None = None
) -> LedgerTransaction:
    """结算: pays the provider for a reservation (receivable → settled). Once per reservation: the
    database refuses a second settlement or a settlement of a released reservation."""
    if (earlier := _replay(idempotency_key, Kind.SETTLE)) is not None:
        return earlier
    reservation = _lock_transaction(reservation)
    _require_open_reservation(reservation)
    receivable, amount = _reservation_legs(reservation)
    settled = _account(
        programme=reservation.programme, kind=AccountKind.SETTLED, organisation=receivable.organisation
    )
    _lock_accounts([receivable, settled])
    return _post(
        kind=Kind.SETTLE,
        programme=reservation.programme,
        voucher=reservation.voucher,
        entries=[(receivable, -amount), (settled, amount)],
        actor=actor,
        idempotency_key=idempotency_key,
        closes=reservation,
        memo=memo,
    )


@transaction.atomic
def voucher_expire(
    *, actor: Any, voucher: Voucher, idempotency_key: str | None = None
) -> LedgerTransaction | None:
    """到期收回: the voucher expires and its unspent wallet returns to the programme budget.

    Open reservations stay with their providers (the enterprise has confirmed them); releasing one
    later returns it to the budget. Returns the expiry transaction, or ``None`` if nothing was left.
    """
    if (earlier := _replay(idempotency_key, Kind.EXPIRE, voucher)) is not None:
        return earlier
    wallet = _wallet(voucher)
    budget = _programme_account(voucher.program, AccountKind.PROGRAMME_BUDGET)
    _lock_accounts([wallet, budget])
    current = Voucher.objects.get(pk=voucher.pk)
    if current.status not in USABLE_STATUSES:
        raise ApplicationError(
            _("该创新券已过期或已作废。"), VoucherErrorCode.ALREADY_EXPIRED, {"status": current.status}
        )
    current.status = Voucher.Status.EXPIRED
    current.save(update_fields=["status", "updated_at"])
    voucher.status = current.status
    unspent = selectors.account_balance(account=wallet)
    if unspent == 0:
        return None
    return _post(
        kind=Kind.EXPIRE,
        programme=voucher.program,
        voucher=voucher,
        entries=[(wallet, -unspent), (budget, unspent)],
        actor=actor,
        idempotency_key=idempotency_key,
    )


REVERSIBLE_KINDS = (Kind.FUND, Kind.ISSUE, Kind.RESERVE)


@transaction.atomic
def transaction_reverse(
    *, actor: Any, ledger_transaction: LedgerTransaction, reason: str, idempotency_key: str | None = None
) -> LedgerTransaction:
    """冲正: posts the negated entries of ``ledger_transaction``, once.

    Only funding, issuing and open reservations can be reversed, and only while the money they
    moved is still where they put it (an issued voucher that has been used cannot be reversed).
    Settlements, releases and expiries are final; reversing an issue voids the voucher; reversing
    a reservation closes it.
    """
    if (earlier := _replay(idempotency_key, Kind.REVERSAL)) is not None:
        return earlier
    if not reason.strip():
        raise ApplicationError(_("请填写冲正原因。"), ErrorCode.REASON_REQUIRED)
    original = _lock_transaction(ledger_transaction)
    if original.kind not in REVERSIBLE_KINDS:
        raise ApplicationError(
            _("%(kind)s 不可冲正；只有拨入额度、发券和未了结的兑付预留可以冲正。")
            % {"kind": original.get_kind_display()},
            VoucherErrorCode.NOT_REVERSIBLE,
        )
    if LedgerTransaction.objects.filter(reverses=original).exists():
        raise ApplicationError(_("该笔交易已冲正，不能重复冲正。"), VoucherErrorCode.ALREADY_REVERSED)
    if original.kind == Kind.RESERVE:
        _require_open_reservation(original)
    legs = list(original.entries.select_related("account").order_by("id"))
    locked = _lock_accounts(entry.account for entry in legs)
    for entry in legs:
        if entry.amount > 0 and entry.account.kind != AccountKind.FUNDING:
            balance = selectors.account_balance(account=entry.account)
            if balance < entry.amount:
                raise ApplicationError(
                    _("款项已被使用，不能冲正：%(account)s 余额 %(balance)s，需退回 %(amount)s。")
                    % {
                        "account": entry.account.get_kind_display(),
                        "balance": yuan(balance),
                        "amount": yuan(entry.amount),
                    },
                    VoucherErrorCode.INSUFFICIENT_BALANCE,
                )
    if original.kind == Kind.ISSUE and original.voucher_id is not None:
        Voucher.objects.filter(pk=original.voucher_id).update(
            status=Voucher.Status.CANCELLED, updated_at=timezone.now()
        )
    return _post(
        kind=Kind.REVERSAL,
        programme=original.programme,
        voucher=original.voucher,
        entries=[(locked[entry.account_id], -entry.amount) for entry in legs],
        actor=actor,
        idempotency_key=idempotency_key,
        reverses=original,
        closes=original if original.kind == Kind.RESERVE else None,
        memo=reason,
    )
