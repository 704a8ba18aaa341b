"""Writes of the 创新券 ledger: fund → issue → reserve → settle (or release), expire, reverse.

Every service posts one ``LedgerTransaction`` whose entries sum to zero (see the sign convention in
``models``), and never edits or deletes an entry: corrections are reversals.

Concurrency: a service first makes sure its accounts exist, then re-reads them with
``SELECT … FOR UPDATE`` in primary-key order (``_lock_accounts``) and only then reads the balances
it decides on. Every entry on an account is written under that account's lock, so two redemptions of
one voucher are serialised on its wallet row and can never overspend. Services that act on an
earlier transaction (release, settle, reverse) lock that transaction's row first, then the accounts.
On SQLite, transactions are ``IMMEDIATE`` and so already serialised.

Redemption workflow (兑付, bottom of this module): ``ProgrammeProvider`` acceptance and the
``Redemption`` state machine call the ledger services above and check the actor's permission on the
object; the ledger services themselves only check money, so call them from workflow services.
Lock order there: the redemption row, then the voucher's wallet, then whatever the ledger locks.
(One module rather than a package so that ``make lint`` keeps type-checking all of it.)

Idempotency: every service takes an ``idempotency_key`` (a random one if none is given). Calling a
service again with a key already used for the same kind of movement returns the first result
without posting anything; using it for another movement is refused.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.notifications import replies
from innomarket.notifications.recipients import city_admins, organisation_members
from innomarket.notifications.services import notify
from innomarket.organisations.models import Organisation
from innomarket.verification.services import lock, record_event, transition

from . import selectors
from .errors import VoucherErrorCode
from .models import (
    VOUCHER_APPLICATION_OPEN,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    ProgrammeProvider,
    ProviderApplication,
    Redemption,
    ServiceKind,
    Voucher,
    VoucherApplication,
    VoucherProgram,
)

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
    provider: Organisation | None = None,
) -> LedgerTransaction:
    """Append one balanced transaction. The caller holds the locks of every account in ``entries``.

    ``provider``: the service provider the movement involves; its city now is recorded as the
    transaction's ``provider_city``, so settlement statements never move a posted line to another
    city when the organisation moves later. A reversal keeps the city of what it reverses.
    """
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
        provider_city_id=(
            provider.city_id if provider is not None else reverses.provider_city_id if reverses else None
        ),
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


def _require_city_admin(actor: Any, programme: VoucherProgram) -> None:
    if not roles.can_administer_city(actor, programme.city_id):
        raise PermissionDenied(_("只有发券城市的管理员可以办理此操作。"))


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
    _require_city_admin(actor, programme)
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
    _require_city_admin(actor, programme)
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


USABLE_STATUSES = (Voucher.Status.ISSUED, Voucher.Status.PARTIAL, Voucher.Status.REDEEMED)


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
            {"field": "amount_fen", "balance": balance},
        )
    return _post(
        kind=Kind.RESERVE,
        programme=programme,
        voucher=voucher,
        entries=[(wallet, -amount_fen), (receivable, amount_fen)],
        actor=actor,
        idempotency_key=idempotency_key,
        memo=service,
        provider=provider,
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
        provider=receivable.organisation,
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
        provider=receivable.organisation,
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
    a reservation closes it. The reversal keeps the original's ``provider_city`` (``_post``).
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


# ---------------------------------------------------------------- redemption workflow (兑付)

RStatus = Redemption.Status


def _site_language() -> Any:
    # Inbox rows and e-mails are stored as written: in the site's language, whoever acted.
    return translation.override(settings.LANGUAGE_CODE)


def _invalid(message: str, code: str = ErrorCode.VALIDATION, field: str | None = None) -> ApplicationError:
    return ApplicationError(message, code, {"field": field} if field else {})


def _require_state(redemption: Redemption, *allowed: str) -> None:
    if redemption.status not in allowed:
        raise ApplicationError(
            _("该兑付申请当前为“%(status)s”，不能办理此操作。") % {"status": redemption.get_status_display()},
            ErrorCode.INVALID_TRANSITION,
            {"from": redemption.status},
        )


def _redemption(redemption: Redemption) -> Redemption:
    """``redemption`` re-read with its voucher, programme and provider (no lock)."""
    return Redemption.objects.select_related("voucher__program__city", "voucher__enterprise", "provider").get(
        pk=redemption.pk
    )


def _lock_redemption(redemption: Redemption) -> Redemption:
    """Lock the redemption row, then its voucher's wallet (the workflow's lock order)."""
    current = lock(redemption)
    current = _redemption(current)
    _lock_accounts([_wallet(current.voucher)])
    return current


def voucher_status_sync(*, voucher: Voucher) -> Voucher:
    """Derive ``voucher.status`` from its ledger: 已发放 while untouched, 部分使用 while some is left,
    已使用 when nothing is left but a reservation is still open, 已结算 when everything was settled.
    Expired and voided vouchers keep their status. Caller holds the voucher's wallet lock."""
    current = Voucher.objects.get(pk=voucher.pk)
    if current.status not in (*USABLE_STATUSES, Voucher.Status.SETTLED):
        return current
    balance = selectors.voucher_balance(voucher=current)
    if balance >= wan_to_fen(current.amount_wan):
        status = Voucher.Status.ISSUED
    elif balance > 0:
        status = Voucher.Status.PARTIAL
    elif selectors.voucher_open_reservations(voucher=current).exists():
        status = Voucher.Status.REDEEMED
    else:
        status = Voucher.Status.SETTLED
    if status != current.status:
        current.status = status
        current.save(update_fields=["status", "updated_at"])
    voucher.status = current.status
    return current


def provider_acceptable(*, programme: VoucherProgram, provider: Organisation) -> bool:
    """通用通兑: a provider of the programme's city always; of another city only with ``cross_city``
    on and, if the programme lists accepted cities, the provider's city among them."""
    if provider.city_id == programme.city_id:
        return True
    if not programme.cross_city:
        return False
    listed = set(programme.accepted_cities.values_list("pk", flat=True))
    return not listed or provider.city_id in listed


@transaction.atomic
def programme_provider_accept(
    *, actor: Any, programme: VoucherProgram, provider: Organisation, services: str = ""
) -> ProgrammeProvider:
    """登记服务机构: the programme city's administrator accepts ``provider`` in ``programme``.
    Accepting it again returns the existing registration."""
    _require_city_admin(actor, programme)
    existing = ProgrammeProvider.objects.filter(programme=programme, provider=provider).first()
    if existing is not None:
        return existing
    if provider.kind == Organisation.Kind.GOVERNMENT:
        raise _invalid(_("政府部门不能登记为创新券服务机构。"), field="provider")
    if not provider_acceptable(programme=programme, provider=provider):
        if not programme.cross_city:
            message = _("“%(programme)s”未开通跨城通用通兑，只能登记本市的服务机构。")
        else:
            message = _("“%(programme)s”的跨城兑付城市不包括该服务机构所在城市。")
        raise _invalid(
            message % {"programme": programme.name}, VoucherErrorCode.PROVIDER_NOT_ACCEPTABLE, "provider"
        )
    registration = ProgrammeProvider(
        programme=programme,
        provider=provider,
        services=services.strip(),
        accepted_at=timezone.now(),
        accepted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    registration.full_clean(validate_constraints=False, validate_unique=False)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:  # accepted concurrently
        return ProgrammeProvider.objects.get(programme=programme, provider=provider)
    with _site_language():
        notify(
            recipients=organisation_members(provider.pk),
            kind="voucher_provider_accepted",
            title=_("“%(provider)s”已登记为“%(programme)s”的服务机构，可受理创新券兑付")
            % {"provider": provider.name, "programme": programme.name},
            url=reverse("site:workspace-vouchers-redeem"),
            about=registration,
        )
    return registration


@transaction.atomic
def redemption_request(
    *,
    actor: Any,
    provider: Organisation,
    code: str,
    service: str,
    amount_fen: int,
) -> Redemption:
    """兑付申请: a member of an accepted provider enters the voucher's code, the service rendered and
    the amount; the enterprise's members are asked to confirm. Nothing is reserved yet, but the
    amount must fit the voucher's current balance."""
    if not roles.is_member_of(actor, provider.pk):
        raise PermissionDenied(_("只能以本人所在服务机构的名义申请兑付。"))
    voucher = (
        Voucher.objects.select_related("program", "enterprise")
        .filter(code=voucher_code_normalise(code))
        .first()
    )
    if voucher is None:
        raise _invalid(_("券号不存在，请核对后重新输入。"), VoucherErrorCode.VOUCHER_NOT_FOUND, "code")
    programme = voucher.program
    if not ProgrammeProvider.objects.filter(programme=programme, provider=provider).exists():
        raise PermissionDenied(
            _("“%(provider)s”尚未登记为“%(programme)s”的服务机构，请先向发券城市申请登记。")
            % {"provider": provider.name, "programme": programme.name},
            {"field": "code"},
        )
    service = (service or "").strip()
    if not service:
        raise _invalid(_("请填写所提供的服务内容。"), field="service")
    _require_positive(amount_fen)
    if provider.pk == voucher.enterprise_id:
        raise _invalid(_("企业不能用创新券购买本企业的服务。"), VoucherErrorCode.SELF_REDEMPTION, "code")
    if voucher.status not in USABLE_STATUSES or (
        programme.valid_to is not None and timezone.localdate() > programme.valid_to
    ):
        raise _invalid(
            _("该创新券已过期、已用完或已作废，不能兑付。"), VoucherErrorCode.VOUCHER_NOT_USABLE, "code"
        )
    balance = selectors.voucher_balance(voucher=voucher)
    if amount_fen > balance:
        raise ApplicationError(
            _("创新券余额不足：可用 %(balance)s，本次 %(amount)s。")
            % {"balance": yuan(balance), "amount": yuan(amount_fen)},
            VoucherErrorCode.INSUFFICIENT_BALANCE,
            {"field": "amount_fen", "balance": balance},
        )
    redemption = Redemption(
        voucher=voucher,
        provider=provider,
        service=service[:200],
        amount_fen=amount_fen,
        requested_by=actor,
    )
    replies.awaiting(redemption)
    redemption.full_clean(exclude=["status"])
    redemption.save()
    record_event(record=redemption, actor=actor, from_status="", to_status=redemption.status)
    with _site_language():
        notify(
            recipients=organisation_members(voucher.enterprise_id),
            kind="redemption_requested",
            title=_("“%(provider)s”申请以创新券 %(code)s 兑付 %(amount)s，请确认")
            % {"provider": provider.name, "code": voucher.code, "amount": yuan(amount_fen)},
            body=_("服务内容：%(service)s\n如服务属实请确认；如有异议请说明理由拒绝。")
            % {"service": service},
            url=redemption.get_absolute_url(),
            about=redemption,
        )
    return redemption


def _answer(record: Any) -> dict[str, Any]:
    """The reply bookkeeping fields after the answering side answered (or the request closed)."""
    replies.answered(record)
    return {name: getattr(record, name) for name in ("awaiting_since", "first_answered_at")}


def _require_enterprise(actor: Any, redemption: Redemption) -> None:
    if not roles.is_member_of(actor, redemption.voucher.enterprise_id):
        raise PermissionDenied(_("只有持券企业的成员可以确认或拒绝兑付。"))


@transaction.atomic
def redemption_confirm(*, actor: Any, redemption: Redemption) -> Redemption:
    """企业确认: a member of the voucher's enterprise confirms; the amount is reserved for the provider
    in the same transaction (the ledger refuses more than the voucher holds)."""
    _require_enterprise(actor, _redemption(redemption))
    current = _lock_redemption(redemption)
    _require_state(current, RStatus.REQUESTED)
    reservation = redemption_reserve(
        actor=actor,
        voucher=current.voucher,
        provider=current.provider,
        amount_fen=current.amount_fen,
        service=current.service,
        idempotency_key=f"redemption-{current.pk}-reserve",
    )
    confirmed = transition(
        record=current, actor=actor, to_status=RStatus.CONFIRMED, reservation=reservation, **_answer(current)
    )
    voucher_status_sync(voucher=current.voucher)
    with _site_language():
        notify(
            recipients=[
                *organisation_members(current.provider_id),
                *city_admins(current.voucher.program.city_id),
            ],
            kind="redemption_confirmed",
            title=_("“%(enterprise)s”已确认创新券 %(code)s 兑付 %(amount)s，待结算")
            % {
                "enterprise": current.voucher.enterprise.name,
                "code": current.voucher.code,
                "amount": yuan(current.amount_fen),
            },
            body=_("服务机构：%(provider)s\n服务内容：%(service)s")
            % {"provider": current.provider.name, "service": current.service},
            url=confirmed.get_absolute_url(),
            about=confirmed,
        )
    return confirmed


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("请填写理由。"), ErrorCode.REASON_REQUIRED, {"field": "reason"})
    return reason


@transaction.atomic
def redemption_decline(*, actor: Any, redemption: Redemption, reason: str) -> Redemption:
    """企业拒绝: a member of the voucher's enterprise declines, with a reason; nothing was reserved."""
    _require_enterprise(actor, _redemption(redemption))
    reason = _require_reason(reason)
    current = _lock_redemption(redemption)
    _require_state(current, RStatus.REQUESTED)
    declined = transition(
        record=current, actor=actor, to_status=RStatus.DECLINED, reason=reason, **_answer(current)
    )
    Redemption.objects.filter(pk=current.pk).update(reason=reason)
    declined.reason = reason
    with _site_language():
        notify(
            recipients=organisation_members(current.provider_id),
            kind="redemption_declined",
            title=_("“%(enterprise)s”拒绝了创新券 %(code)s 的兑付申请（%(amount)s）")
            % {
                "enterprise": current.voucher.enterprise.name,
                "code": current.voucher.code,
                "amount": yuan(current.amount_fen),
            },
            body=_("理由：%(reason)s") % {"reason": reason},
            url=declined.get_absolute_url(),
            about=declined,
        )
    return declined


@transaction.atomic
def redemption_cancel(*, actor: Any, redemption: Redemption, reason: str = "") -> Redemption:
    """服务机构撤销: a member of the requesting provider withdraws the request before the enterprise
    answers."""
    if not roles.is_member_of(actor, _redemption(redemption).provider_id):
        raise PermissionDenied(_("只有申请兑付的服务机构的成员可以撤销。"))
    current = _lock_redemption(redemption)
    _require_state(current, RStatus.REQUESTED)
    replies.closed(current)
    cancelled = transition(
        record=current,
        actor=actor,
        to_status=RStatus.CANCELLED,
        reason=(reason or "").strip(),
        awaiting_since=None,
    )
    with _site_language():
        notify(
            recipients=organisation_members(current.voucher.enterprise_id),
            kind="redemption_cancelled",
            title=_("“%(provider)s”撤销了创新券 %(code)s 的兑付申请（%(amount)s）")
            % {
                "provider": current.provider.name,
                "code": current.voucher.code,
                "amount": yuan(current.amount_fen),
            },
            url=cancelled.get_absolute_url(),
            about=cancelled,
        )
    return cancelled


def _require_programme_admin(actor: Any, redemption: Redemption) -> None:
    if not roles.can_administer_city(actor, redemption.voucher.program.city_id):
        raise PermissionDenied(_("只有发券城市的管理员可以结算或释放兑付。"))


@transaction.atomic
def redemption_complete(*, actor: Any, redemption: Redemption, memo: str = "") -> Redemption:
    """结算: the programme city's administrator pays the provider for a confirmed redemption."""
    _require_programme_admin(actor, _redemption(redemption))
    current = _lock_redemption(redemption)
    _require_state(current, RStatus.CONFIRMED)
    assert current.reservation is not None
    settlement = redemption_settle(
        actor=actor,
        reservation=current.reservation,
        memo=memo,
        idempotency_key=f"redemption-{current.pk}-settle",
    )
    settled = transition(
        record=current, actor=actor, to_status=RStatus.SETTLED, reason=memo, closing=settlement
    )
    voucher_status_sync(voucher=current.voucher)
    with _site_language():
        notify(
            recipients=[
                *organisation_members(current.provider_id),
                *organisation_members(current.voucher.enterprise_id),
            ],
            kind="redemption_settled",
            title=_("创新券 %(code)s 兑付 %(amount)s 已结算给“%(provider)s”")
            % {
                "code": current.voucher.code,
                "amount": yuan(current.amount_fen),
                "provider": current.provider.name,
            },
            url=settled.get_absolute_url(),
            about=settled,
        )
    return settled


@transaction.atomic
def redemption_release_confirmed(*, actor: Any, redemption: Redemption, reason: str) -> Redemption:
    """释放: the programme city's administrator cancels a confirmed redemption, with a reason; the
    reserved amount returns to the voucher (or to the programme budget if the voucher has expired)."""
    _require_programme_admin(actor, _redemption(redemption))
    reason = _require_reason(reason)
    current = _lock_redemption(redemption)
    _require_state(current, RStatus.CONFIRMED)
    assert current.reservation is not None
    release = redemption_release(
        actor=actor,
        reservation=current.reservation,
        reason=reason,
        idempotency_key=f"redemption-{current.pk}-release",
    )
    released = transition(
        record=current, actor=actor, to_status=RStatus.RELEASED, reason=reason, closing=release
    )
    Redemption.objects.filter(pk=current.pk).update(reason=reason)
    released.reason = reason
    voucher_status_sync(voucher=current.voucher)
    with _site_language():
        notify(
            recipients=[
                *organisation_members(current.provider_id),
                *organisation_members(current.voucher.enterprise_id),
            ],
            kind="redemption_released",
            title=_("创新券 %(code)s 的兑付（%(amount)s，“%(provider)s”）已被城市管理员释放")
            % {
                "code": current.voucher.code,
                "amount": yuan(current.amount_fen),
                "provider": current.provider.name,
            },
            body=_("理由：%(reason)s") % {"reason": reason},
            url=released.get_absolute_url(),
            about=released,
        )
    return released


@transaction.atomic
def _voucher_expire_with_requests(*, voucher: Voucher) -> None:
    # Lock order of the workflow: the open requests first, then (in voucher_expire) the wallet.
    pending = list(
        Redemption.objects.select_for_update()
        .filter(voucher=voucher, status=RStatus.REQUESTED)
        .order_by("pk")
    )
    expiry = voucher_expire(actor=None, voucher=voucher, idempotency_key=f"voucher-{voucher.pk}-expire")
    returned = 0
    if expiry is not None:
        returned = next(e.amount for e in expiry.entries.all() if e.amount > 0)
    with _site_language():
        reason = _("创新券已到期")
        for request in pending:
            replies.closed(request)
            lapsed = transition(
                record=request, actor=None, to_status=RStatus.LAPSED, reason=reason, awaiting_since=None
            )
            notify(
                recipients=organisation_members(request.provider_id),
                kind="redemption_lapsed",
                title=_("创新券 %(code)s 已到期，兑付申请（%(amount)s）已失效")
                % {"code": voucher.code, "amount": yuan(request.amount_fen)},
                url=lapsed.get_absolute_url(),
                about=lapsed,
            )
        notify(
            recipients=organisation_members(voucher.enterprise_id),
            kind="voucher_expired",
            title=_("创新券 %(code)s 已到期，未使用的 %(amount)s 已收回")
            % {"code": voucher.code, "amount": yuan(returned)},
            about=voucher,
        )


def vouchers_expire_due(*, today: dt.date | None = None) -> int:
    """Housekeeping: expire every still usable voucher of a programme whose 有效期止 is before
    ``today``; unspent amounts return to the programme budget, open requests lapse, confirmed
    reservations stay with their providers. Idempotent; returns how many vouchers expired."""
    today = today or timezone.localdate()
    due = (
        Voucher.objects.filter(program__valid_to__lt=today, status__in=USABLE_STATUSES)
        .select_related("program")
        .order_by("pk")
    )
    count = 0
    for voucher in due:
        try:
            _voucher_expire_with_requests(voucher=voucher)
        except ApplicationError as exc:
            if exc.code != VoucherErrorCode.ALREADY_EXPIRED:  # expired meanwhile by another run
                raise
            continue
        count += 1
    return count


# ---------------------------------------------------------------- 申领 (voucher applications)
#
# An enterprise of the programme's city applies; the city's administrators approve (the voucher is
# issued in the same transaction through ``voucher_issue``, which checks the budget and the
# per-enterprise cap under the budget account's lock, so concurrent approvals never exceed the
# budget), return it for more information, or decline it with a structured reason. Lock order: the
# application row, then the ledger's accounts.

# 券号 prefixes: the member cities as their science bureaus abbreviate them.
CITY_CODE_PREFIXES = {
    "putuo": "PT",
    "nanjing": "NJ",
    "wuxi": "WX",
    "changzhou": "CZ",
    "suzhou": "SZ",
    "nantong": "NT",
    "zhenjiang": "ZJ",
    "taizhou": "TZ",
}
# Crockford's base32: no I, L, O or U, so a code read out over the phone or typed from paper is
# not mistaken.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_RANDOM_LENGTH = 8  # 32⁸ ≈ 10¹² codes per city and year

VAStatus = VoucherApplication.Status
PAStatus = ProviderApplication.Status


def wan_text(amount: Decimal | None) -> str:
    """An amount in 万元 as people write it: 3, 12.5, 1,000."""
    if amount is None:
        return "—"
    return f"{Decimal(amount):,.2f}".rstrip("0").rstrip(".")


def voucher_code_generate(*, programme: VoucherProgram) -> str:
    """A new unique 券号: city prefix + year + 8 random base32 characters, e.g. ``SZ2026-7KQ4M2XD``."""
    slug = programme.city.slug
    prefix = CITY_CODE_PREFIXES.get(slug) or "".join(c for c in slug.upper() if c.isalpha())[:2] or "CX"
    year = programme.year or timezone.localdate().year
    while True:
        code = f"{prefix}{year}-{''.join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_RANDOM_LENGTH))}"
        if not Voucher.objects.filter(code=code).exists():
            return code


def voucher_code_normalise(code: str) -> str:
    """What a person typed as a 券号: spaces dropped, upper case, and the letters Crockford's base32
    leaves out read as the digits they look like (O → 0, I/L → 1) after the prefix."""
    text = "".join((code or "").split()).upper()
    head, sep, tail = text.partition("-")
    if sep:
        tail = tail.translate(str.maketrans("OIL", "011"))
    return head + sep + tail


def _is_verified(organisation: Organisation) -> bool:
    return organisation.status in Organisation.WORKFLOW.public


def programme_accepts_applications(programme: VoucherProgram, today: dt.date | None = None) -> bool:
    """申领中 and not past its 有效期止."""
    today = today or timezone.localdate()
    return programme.status == VoucherProgram.Status.OPEN and (
        programme.valid_to is None or today <= programme.valid_to
    )


def _programme(programme: VoucherProgram) -> VoucherProgram:
    return VoucherProgram.objects.select_related("city").get(pk=programme.pk)


def _check_amount_wan(amount_wan: Decimal | None, *, what: str, field: str = "amount_wan") -> int:
    if amount_wan is None:
        raise _invalid(_("请填写%(what)s。") % {"what": what}, field=field)
    amount = Decimal(amount_wan)
    if amount <= 0:
        raise _invalid(
            _("%(what)s须大于 0 万元。") % {"what": what}, VoucherErrorCode.AMOUNT_NOT_POSITIVE, field
        )
    try:
        return wan_to_fen(amount)
    except ApplicationError:
        raise _invalid(_("%(what)s最多精确到分（0.000001 万元）。") % {"what": what}, field=field) from None


def _check_enterprise_cap(
    programme: VoucherProgram, enterprise: Organisation, amount_fen: int, field: str = "amount_wan"
) -> None:
    left = selectors.enterprise_cap_left(programme=programme, enterprise=enterprise)
    if left is None or amount_fen <= left:
        return
    cap = programme.max_per_enterprise_wan
    issued = selectors.enterprise_issued(programme=programme, enterprise=enterprise)
    if left <= 0:
        message = _("“%(name)s”在本计划已获发 %(issued)s，达到单家企业上限 %(cap)s 万元，不能再申领。")
    else:
        message = _(
            "超出单家企业上限：上限 %(cap)s 万元，“%(name)s”已获发 %(issued)s，最多还可申领 %(left)s。"
        )
    raise _invalid(
        message % {"name": enterprise.name, "cap": wan_text(cap), "issued": yuan(issued), "left": yuan(left)},
        VoucherErrorCode.OVER_ENTERPRISE_CAP,
        field,
    )


def _admins_of(programme: VoucherProgram) -> Any:
    return city_admins(programme.city_id)


def _require_enterprise_member(actor: Any, enterprise_id: int, message: str) -> None:
    if not (getattr(actor, "is_authenticated", False) and roles.is_member_of(actor, enterprise_id)):
        raise PermissionDenied(message)


def _voucher_application(application: VoucherApplication) -> VoucherApplication:
    return VoucherApplication.objects.select_related("programme__city", "enterprise", "voucher").get(
        pk=application.pk
    )


def _require_application_state(record: Any, *allowed: str) -> None:
    if record.status not in allowed:
        raise ApplicationError(
            _("当前状态为“%(status)s”，不能办理此操作（可能对方已经处理过，请刷新页面查看）。")
            % {"status": record.get_status_display()},
            ErrorCode.INVALID_TRANSITION,
            {"from": record.status},
        )


def _decline_reason(reason: str, note: str, choices: type[Any]) -> tuple[str, str]:
    if reason not in choices.values:
        raise _invalid(_("请选择原因。"), ErrorCode.REASON_REQUIRED, "reason")
    note = (note or "").strip()
    if reason == choices.OTHER and not note:
        raise _invalid(_("选择“其他”时请写明具体原因。"), ErrorCode.REASON_REQUIRED, "note")
    return reason, note


def _reason_text(reason_label: Any, note: str) -> str:
    return f"{reason_label}。{note}" if note else str(reason_label)


@transaction.atomic
def voucher_application_submit(
    *,
    actor: Any,
    programme: VoucherProgram,
    enterprise: Organisation,
    amount_wan: Decimal | None,
    service_kind: str,
    purpose: str,
) -> VoucherApplication:
    """申领创新券: a member of a verified enterprise of the programme's city applies for
    ``amount_wan``, at most the programme's 单家企业上限 less what it was already issued. One open
    application per enterprise and programme. The city's administrators are told."""
    _require_enterprise_member(actor, enterprise.pk, _("只能以本人所在企业的名义申领创新券。"))
    programme = _programme(programme)
    if enterprise.kind != Organisation.Kind.ENTERPRISE:
        raise _invalid(
            _("创新券面向企业申领，“%(name)s”不是企业。") % {"name": enterprise.name},
            VoucherErrorCode.ENTERPRISE_NOT_ELIGIBLE,
            "enterprise",
        )
    if not _is_verified(enterprise):
        raise _invalid(
            _("“%(name)s”尚未通过核验，核验通过后才能申领。") % {"name": enterprise.name},
            ErrorCode.ORGANISATION_NOT_VERIFIED,
            "enterprise",
        )
    if not programme_accepts_applications(programme):
        raise _invalid(
            _("“%(programme)s”目前不在申领期。") % {"programme": programme.name},
            VoucherErrorCode.PROGRAMME_NOT_OPEN,
        )
    if enterprise.city_id != programme.city_id:
        raise _invalid(
            _(
                "“%(programme)s”面向注册在%(city)s的企业；“%(name)s”请申领所在城市的创新券"
                "（创新券可在联盟城市跨城使用）。"
            )
            % {"programme": programme.name, "city": programme.city.short_name, "name": enterprise.name},
            VoucherErrorCode.ENTERPRISE_NOT_ELIGIBLE,
            "enterprise",
        )
    amount_fen = _check_amount_wan(amount_wan, what=_("申领金额"))
    _check_enterprise_cap(programme, enterprise, amount_fen)
    if service_kind not in ServiceKind.values:
        raise _invalid(_("请选择所需服务类别。"), field="service_kind")
    purpose = (purpose or "").strip()
    if not purpose:
        raise _invalid(_("请说明需要哪项服务、用于什么项目。"), field="purpose")
    duplicate = _invalid(
        _("“%(name)s”在本计划已有一份办理中的申领，请在原申领中补充，或撤回后再申领。")
        % {"name": enterprise.name},
        VoucherErrorCode.DUPLICATE_APPLICATION,
        "enterprise",
    )
    if VoucherApplication.objects.filter(
        programme=programme, enterprise=enterprise, status__in=VOUCHER_APPLICATION_OPEN
    ).exists():
        raise duplicate
    application = VoucherApplication(
        programme=programme,
        enterprise=enterprise,
        amount_wan=Decimal(amount_wan),  # type: ignore[arg-type]  # checked above
        service_kind=service_kind,
        purpose=purpose,
        created_by=actor,
    )
    replies.awaiting(application)
    application.full_clean(exclude=["status"], validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise duplicate from None
    record_event(record=application, actor=actor, from_status="", to_status=application.status)
    with _site_language():
        notify(
            recipients=_admins_of(programme),
            kind="voucher_application_submitted",
            title=_("创新券申领：%(name)s 申领“%(programme)s” %(amount)s 万元")
            % {
                "name": enterprise.name,
                "programme": programme.name,
                "amount": wan_text(application.amount_wan),
            },
            body=_("所需服务：%(kind)s\n%(purpose)s\n请批准发券、退回补充或说明理由不予批准。")
            % {"kind": application.get_service_kind_display(), "purpose": purpose},
            url=application.get_absolute_url(),
            about=application,
        )
    return application


def _require_programme_city_admin(actor: Any, programme: VoucherProgram) -> None:
    if not roles.can_administer_city(actor, programme.city_id):
        raise PermissionDenied(
            _("只有%(city)s的城市管理员可以审核本计划的申请。") % {"city": programme.city.short_name}
        )


@transaction.atomic
def voucher_application_approve(
    *, actor: Any, application: VoucherApplication, amount_wan: Decimal | None = None, note: str = ""
) -> VoucherApplication:
    """批准发券: the programme city's administrator approves ``amount_wan`` (the requested amount if
    not given; less is allowed, more is not) and the voucher is issued with a new code in the same
    transaction. The ledger refuses an issue beyond the programme's remaining budget or the
    enterprise's cap; those refusals name the ``amount_wan`` field."""
    current = _voucher_application(application)
    programme = current.programme
    _require_programme_city_admin(actor, programme)
    locked = lock(current)
    _require_application_state(locked, VAStatus.SUBMITTED)
    granted = Decimal(amount_wan) if amount_wan is not None else locked.amount_wan
    _check_amount_wan(granted, what=_("核定金额"))
    if granted > locked.amount_wan:
        raise _invalid(
            _("核定金额不能超过申领金额 %(amount)s 万元。") % {"amount": wan_text(locked.amount_wan)},
            VoucherErrorCode.OVER_REQUESTED,
            "amount_wan",
        )
    if not programme_accepts_applications(programme):
        raise _invalid(
            _("“%(programme)s”已不在申领期，不能再发券；请说明理由不予批准。")
            % {"programme": programme.name},
            VoucherErrorCode.PROGRAMME_NOT_OPEN,
        )
    try:
        voucher = voucher_issue(
            actor=actor,
            programme=programme,
            enterprise=current.enterprise,
            amount_wan=granted,
            code=voucher_code_generate(programme=programme),
            idempotency_key=f"voucher-application-{locked.pk}-issue",
        )
    except ApplicationError as exc:
        if "field" not in exc.extra:
            exc.extra = {**exc.extra, "field": "amount_wan"}
        raise
    note = (note or "").strip()
    reason = _("核定 %(amount)s 万元，券号 %(code)s。") % {"amount": wan_text(granted), "code": voucher.code}
    approved = transition(
        record=locked,
        actor=actor,
        to_status=VAStatus.APPROVED,
        reason=f"{reason}{note}",
        voucher=voucher,
        granted_amount_wan=granted,
        decided_at=timezone.now(),
        **_answer(locked),
    )
    with _site_language():
        notify(
            recipients=organisation_members(current.enterprise_id),
            kind="voucher_application_approved",
            title=_("创新券已发放：“%(programme)s” %(amount)s 万元，券号 %(code)s")
            % {"programme": programme.name, "amount": wan_text(granted), "code": voucher.code},
            body=_("请在有效期内向登记的服务机构出示券号使用。%(note)s") % {"note": note},
            url=voucher.get_absolute_url(),
            about=approved,
        )
    return approved


@transaction.atomic
def voucher_application_return(
    *, actor: Any, application: VoucherApplication, info_request: str
) -> VoucherApplication:
    """退回补充: the administrator asks the enterprise for more; the enterprise owes the next step."""
    current = _voucher_application(application)
    _require_programme_city_admin(actor, current.programme)
    info_request = (info_request or "").strip()
    if not info_request:
        raise _invalid(_("请写明需要企业补充的内容。"), ErrorCode.REASON_REQUIRED, "info_request")
    locked = lock(current)
    _require_application_state(locked, VAStatus.SUBMITTED)
    returned = transition(
        record=locked,
        actor=actor,
        to_status=VAStatus.RETURNED,
        reason=info_request,
        info_request=info_request,
        **_answer(locked),
    )
    with _site_language():
        notify(
            recipients=organisation_members(current.enterprise_id),
            kind="voucher_application_returned",
            title=_("创新券申领需补充：“%(programme)s”") % {"programme": current.programme.name},
            body=_("需补充的内容：%(info)s\n请补充后重新提交。") % {"info": info_request},
            url=returned.get_absolute_url(),
            about=returned,
        )
    return returned


@transaction.atomic
def voucher_application_resubmit(
    *,
    actor: Any,
    application: VoucherApplication,
    note: str = "",
    amount_wan: Decimal | None = None,
    purpose: str | None = None,
) -> VoucherApplication:
    """补充后重新提交: the enterprise answers a return (optionally with a new amount or description);
    the administrators owe an answer again."""
    current = _voucher_application(application)
    _require_enterprise_member(actor, current.enterprise_id, _("只有申领企业的成员可以重新提交。"))
    locked = lock(current)
    _require_application_state(locked, VAStatus.RETURNED)
    changes: dict[str, Any] = {}
    if amount_wan is not None and Decimal(amount_wan) != locked.amount_wan:
        amount_fen = _check_amount_wan(amount_wan, what=_("申领金额"))
        _check_enterprise_cap(current.programme, current.enterprise, amount_fen)
        changes["amount_wan"] = Decimal(amount_wan)
    if purpose is not None and purpose.strip() and purpose.strip() != locked.purpose:
        changes["purpose"] = purpose.strip()
    note = (note or "").strip()
    if not note and not changes:
        raise _invalid(_("请写明补充的内容。"), ErrorCode.REASON_REQUIRED, "note")
    replies.awaiting(locked)
    resubmitted = transition(
        record=locked,
        actor=actor,
        to_status=VAStatus.SUBMITTED,
        reason=note,
        awaiting_since=locked.awaiting_since,
        **changes,
    )
    with _site_language():
        notify(
            recipients=_admins_of(current.programme),
            kind="voucher_application_resubmitted",
            title=_("创新券申领已补充：%(name)s（“%(programme)s”）")
            % {"name": current.enterprise.name, "programme": current.programme.name},
            body=note,
            url=resubmitted.get_absolute_url(),
            about=resubmitted,
        )
    return resubmitted


@transaction.atomic
def voucher_application_decline(
    *, actor: Any, application: VoucherApplication, reason: str, note: str = ""
) -> VoucherApplication:
    """不予批准: the administrator declines with a structured reason (and a note, required for 其他)."""
    current = _voucher_application(application)
    _require_programme_city_admin(actor, current.programme)
    reason, note = _decline_reason(reason, note, VoucherApplication.DeclineReason)
    locked = lock(current)
    _require_application_state(locked, *VOUCHER_APPLICATION_OPEN)
    label = VoucherApplication.DeclineReason(reason).label
    declined = transition(
        record=locked,
        actor=actor,
        to_status=VAStatus.DECLINED,
        reason=_reason_text(label, note),
        decline_reason=reason,
        decline_note=note,
        decided_at=timezone.now(),
        **_answer(locked),
    )
    with _site_language():
        notify(
            recipients=organisation_members(current.enterprise_id),
            kind="voucher_application_declined",
            title=_("创新券申领未获批准：“%(programme)s”") % {"programme": current.programme.name},
            body=_("原因：%(reason)s") % {"reason": _reason_text(label, note)},
            url=declined.get_absolute_url(),
            about=declined,
        )
    return declined


@transaction.atomic
def voucher_application_withdraw(
    *, actor: Any, application: VoucherApplication, note: str = ""
) -> VoucherApplication:
    """撤回: the enterprise withdraws an open application; nobody owes an answer any more."""
    current = _voucher_application(application)
    _require_enterprise_member(actor, current.enterprise_id, _("只有申领企业的成员可以撤回申领。"))
    locked = lock(current)
    _require_application_state(locked, *VOUCHER_APPLICATION_OPEN)
    replies.closed(locked)
    withdrawn = transition(
        record=locked,
        actor=actor,
        to_status=VAStatus.WITHDRAWN,
        reason=(note or "").strip(),
        awaiting_since=None,
    )
    with _site_language():
        notify(
            recipients=_admins_of(current.programme),
            kind="voucher_application_withdrawn",
            title=_("%(name)s撤回了“%(programme)s”的创新券申领")
            % {"name": current.enterprise.name, "programme": current.programme.name},
            url=withdrawn.get_absolute_url(),
            about=withdrawn,
        )
    return withdrawn


# ---------------------------------------------------------------- 服务机构登记 (provider applications)


def _provider_application(application: ProviderApplication) -> ProviderApplication:
    return ProviderApplication.objects.select_related(
        "programme__city", "provider__city", "registration"
    ).get(pk=application.pk)


@transaction.atomic
def provider_application_submit(
    *,
    actor: Any,
    programme: VoucherProgram,
    provider: Organisation,
    service_kinds: Sequence[str],
    services: str,
    qualifications: str = "",
) -> ProviderApplication:
    """申请登记为服务机构: a member of a verified organisation (仪器设备方、检验检测机构、技术转移机构 …)
    asks to accept the programme's vouchers for the services it lists. The programme must not be
    closed and must accept providers of the organisation's city (通用通兑). The programme city's
    administrators are told."""
    if not (getattr(actor, "is_authenticated", False) and roles.is_member_of(actor, provider.pk)):
        raise PermissionDenied(_("只能以本人所在机构的名义申请登记。"))
    programme = _programme(programme)
    if provider.kind == Organisation.Kind.GOVERNMENT:
        raise _invalid(_("政府部门不能登记为创新券服务机构。"), field="provider")
    if not _is_verified(provider):
        raise _invalid(
            _("“%(name)s”尚未通过核验，核验通过后才能申请登记。") % {"name": provider.name},
            ErrorCode.ORGANISATION_NOT_VERIFIED,
            "provider",
        )
    if programme.status == VoucherProgram.Status.CLOSED:
        raise _invalid(
            _("“%(programme)s”已结束，不再登记服务机构。") % {"programme": programme.name},
            VoucherErrorCode.PROGRAMME_NOT_OPEN,
        )
    if ProgrammeProvider.objects.filter(programme=programme, provider=provider).exists():
        raise _invalid(
            _("“%(name)s”已是本计划登记的服务机构。") % {"name": provider.name},
            VoucherErrorCode.ALREADY_PROVIDER,
            "provider",
        )
    if not provider_acceptable(programme=programme, provider=provider):
        if not programme.cross_city:
            message = _("“%(programme)s”未开通跨城通用通兑，只登记%(city)s的服务机构。")
        else:
            message = _("“%(programme)s”的跨城兑付城市不包括“%(name)s”所在的城市。")
        raise _invalid(
            message % {"programme": programme.name, "city": programme.city.short_name, "name": provider.name},
            VoucherErrorCode.PROVIDER_NOT_ACCEPTABLE,
            "provider",
        )
    kinds = [k for k in dict.fromkeys(service_kinds or []) if k]
    if not kinds or any(k not in ServiceKind.values for k in kinds):
        raise _invalid(_("请至少选择一项服务类别。"), field="service_kinds")
    services = (services or "").strip()
    if not services:
        raise _invalid(_("请逐项写明可提供的服务。"), field="services")
    duplicate = _invalid(
        _("“%(name)s”对本计划已有一份待审核的登记申请。") % {"name": provider.name},
        VoucherErrorCode.DUPLICATE_APPLICATION,
        "provider",
    )
    if ProviderApplication.objects.filter(
        programme=programme, provider=provider, status=PAStatus.SUBMITTED
    ).exists():
        raise duplicate
    application = ProviderApplication(
        programme=programme,
        provider=provider,
        service_kinds=",".join(kinds),
        services=services,
        qualifications=(qualifications or "").strip(),
        created_by=actor,
    )
    replies.awaiting(application)
    application.full_clean(exclude=["status"], validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise duplicate from None
    record_event(record=application, actor=actor, from_status="", to_status=application.status)
    with _site_language():
        notify(
            recipients=_admins_of(programme),
            kind="voucher_provider_application_submitted",
            title=_("服务机构登记申请：%(name)s（%(city)s）申请受理“%(programme)s”")
            % {"name": provider.name, "city": provider.city, "programme": programme.name},
            body=_("服务类别：%(kinds)s\n%(services)s")
            % {"kinds": "、".join(application.service_kind_labels()), "services": services},
            url=application.get_absolute_url(),
            about=application,
        )
    return application


@transaction.atomic
def provider_application_accept(
    *, actor: Any, application: ProviderApplication, note: str = ""
) -> ProviderApplication:
    """登记: the programme city's administrator accepts; ``programme_provider_accept`` writes the
    registration (and refuses a provider the cross-city rule does not allow) and tells its members."""
    current = _provider_application(application)
    _require_programme_city_admin(actor, current.programme)
    locked = lock(current)
    _require_application_state(locked, PAStatus.SUBMITTED)
    registration = programme_provider_accept(
        actor=actor, programme=current.programme, provider=current.provider, services=current.services
    )
    return transition(
        record=locked,
        actor=actor,
        to_status=PAStatus.ACCEPTED,
        reason=(note or "").strip(),
        registration=registration,
        decided_at=timezone.now(),
        **_answer(locked),
    )


@transaction.atomic
def provider_application_decline(
    *, actor: Any, application: ProviderApplication, reason: str, note: str = ""
) -> ProviderApplication:
    """不予登记, with a structured reason (and a note, required for 其他)."""
    current = _provider_application(application)
    _require_programme_city_admin(actor, current.programme)
    reason, note = _decline_reason(reason, note, ProviderApplication.DeclineReason)
    locked = lock(current)
    _require_application_state(locked, PAStatus.SUBMITTED)
    label = ProviderApplication.DeclineReason(reason).label
    declined = transition(
        record=locked,
        actor=actor,
        to_status=PAStatus.DECLINED,
        reason=_reason_text(label, note),
        decline_reason=reason,
        decline_note=note,
        decided_at=timezone.now(),
        **_answer(locked),
    )
    with _site_language():
        notify(
            recipients=organisation_members(current.provider_id),
            kind="voucher_provider_application_declined",
            title=_("“%(programme)s”服务机构登记未获通过") % {"programme": current.programme.name},
            body=_("原因：%(reason)s") % {"reason": _reason_text(label, note)},
            url=declined.get_absolute_url(),
            about=declined,
        )
    return declined


@transaction.atomic
def provider_application_withdraw(
    *, actor: Any, application: ProviderApplication, note: str = ""
) -> ProviderApplication:
    """撤回: a member of the provider withdraws its pending application."""
    current = _provider_application(application)
    if not roles.is_member_of(actor, current.provider_id):
        raise PermissionDenied(_("只有申请机构的成员可以撤回登记申请。"))
    locked = lock(current)
    _require_application_state(locked, PAStatus.SUBMITTED)
    replies.closed(locked)
    withdrawn = transition(
        record=locked,
        actor=actor,
        to_status=PAStatus.WITHDRAWN,
        reason=(note or "").strip(),
        awaiting_since=None,
    )
    with _site_language():
        notify(
            recipients=_admins_of(current.programme),
            kind="voucher_provider_application_withdrawn",
            title=_("%(name)s撤回了“%(programme)s”的服务机构登记申请")
            % {"name": current.provider.name, "programme": current.programme.name},
            url=withdrawn.get_absolute_url(),
            about=withdrawn,
        )
    return withdrawn
