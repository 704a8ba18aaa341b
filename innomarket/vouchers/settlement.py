"""创新券 cross-city settlement (跨城结算): pure reads over the ledger, nothing here writes.

A settlement is an entry on a provider's ``settled`` account (结算: receivable → settled). The
programme that owns the account is the **payer** (its city's budget pays), the provider's
organisation city is the **receiver**. A reversal of a settlement posts the negated entry on the same
account, so it appears here as a negative line in the month it was posted and every total stays a
plain sum of entries.

``settlement_statement`` gives one city's monthly statement (月度结算单): what the city's programmes
paid to providers of every city (payer side), what other cities' programmes paid to the city's
providers (receiving side), the subtotals per counterparty city, and the opening/closing balances and
movements of the city's programme accounts. ``statement_reconcile`` checks such a statement against
fresh sums of the ledger, to the 分, and lists every difference (an empty list: 与总账核对一致).

The provider's city is the one recorded on the transaction when it was posted
(``LedgerTransaction.provider_city``; a reversal keeps the city of what it reverses), so an
organisation that moves later changes no statement already drawn up: its past settlements stay with
its old city, its new ones go to the new city. Only a transaction without a recorded city falls back
to the organisation's city now (``_provider_city_is``, ``_line_provider_city``).

Months are calendar months in the site's time zone (``TIME_ZONE``); all amounts are in 分.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from innomarket.regions.models import City

from .models import LedgerAccount, LedgerEntry, LedgerTransaction, Redemption, Voucher, VoucherProgram

AccountKind = LedgerAccount.Kind
TxKind = LedgerTransaction.Kind

# The accounts of a programme in the order a statement shows them.
ACCOUNT_ORDER = (
    AccountKind.FUNDING,
    AccountKind.PROGRAMME_BUDGET,
    AccountKind.VOUCHER,
    AccountKind.PROVIDER_RECEIVABLE,
    AccountKind.SETTLED,
)


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a calendar month in the site's time zone, as aware datetimes."""
    if not 1 <= month <= 12 or not 2000 <= year <= 2999:
        raise ValueError(f"no such month: {year}-{month}")
    start = timezone.make_aware(dt.datetime(year, month, 1))
    end = timezone.make_aware(dt.datetime(year + month // 12, month % 12 + 1, 1))
    return start, end


def _sum(qs: QuerySet[LedgerEntry]) -> int:
    return int(qs.aggregate(total=Sum("amount"))["total"] or 0)


def _provider_city_is(city_id: int) -> Q:
    """Entries whose provider was in ``city_id`` when their transaction was posted."""
    return Q(transaction__provider_city=city_id) | Q(
        transaction__provider_city__isnull=True, account__organisation__city=city_id
    )


# The same rule as an expression, for grouping entries by provider city.
PROVIDER_CITY = Coalesce("transaction__provider_city", "account__organisation__city")


# ---------------------------------------------------------------- the statement


@dataclass(frozen=True)
class SettlementLine:
    """One settlement (or its reversal, negative) of one redemption."""

    entry_id: int
    transaction_id: int
    kind: str  # "settle" or "reversal"
    posted_at: dt.datetime
    programme_id: int
    programme_name: str
    payer_city_id: int
    payer_city_name: str
    provider_id: int
    provider_name: str
    provider_city_id: int
    provider_city_name: str
    voucher_code: str
    enterprise_name: str
    enterprise_city_name: str
    service: str
    redemption_id: int | None
    reverses_id: int | None
    amount_fen: int

    @property
    def cross_city(self) -> bool:
        return self.payer_city_id != self.provider_city_id

    @property
    def kind_label(self) -> str:
        return str(TxKind(self.kind).label)


@dataclass(frozen=True)
class CitySubtotal:
    """What one counterparty city paid or received, over the statement's lines."""

    city_id: int
    city_name: str
    lines: int
    amount_fen: int


@dataclass(frozen=True)
class AccountBalance:
    """Opening balance, movements by transaction kind and closing balance of one account kind."""

    kind: str
    opening_fen: int
    movements: dict[str, int]
    closing_fen: int

    @property
    def label(self) -> str:
        return str(AccountKind(self.kind).label)

    @property
    def movement_fen(self) -> int:
        return sum(self.movements.values())


@dataclass(frozen=True)
class ProgrammeBalances:
    programme_id: int
    programme_name: str
    accounts: list[AccountBalance]

    def account(self, kind: str) -> AccountBalance:
        return next(a for a in self.accounts if a.kind == kind)


@dataclass(frozen=True)
class SettlementStatement:
    city_id: int
    city_name: str
    year: int
    month: int
    start: dt.datetime
    end: dt.datetime
    # Payer side: the city's programmes paid providers of any city (own city included).
    paid_lines: list[SettlementLine]
    # Receiving side: other cities' programmes paid providers of this city.
    received_lines: list[SettlementLine]
    paid_by_city: list[CitySubtotal]  # counterparty = the provider's city
    received_by_city: list[CitySubtotal]  # counterparty = the paying programme's city
    programmes: list[ProgrammeBalances]
    accounts: list[AccountBalance]  # the city's programmes together
    generated_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def period_label(self) -> str:
        return f"{self.year}年{self.month:02d}月"

    @property
    def paid_total_fen(self) -> int:
        return sum(line.amount_fen for line in self.paid_lines)

    @property
    def paid_cross_city_fen(self) -> int:
        return sum(line.amount_fen for line in self.paid_lines if line.cross_city)

    @property
    def received_total_fen(self) -> int:
        return sum(line.amount_fen for line in self.received_lines)

    def account(self, kind: str) -> AccountBalance:
        return next(a for a in self.accounts if a.kind == kind)

    def _movement(self, account_kind: str, tx_kind: str) -> int:
        return self.account(account_kind).movements.get(tx_kind, 0)

    # The month's flows, each a positive amount in the direction its name says.
    @property
    def funded_fen(self) -> int:
        return -self._movement(AccountKind.FUNDING, TxKind.FUND)

    @property
    def issued_fen(self) -> int:
        return self._movement(AccountKind.VOUCHER, TxKind.ISSUE)

    @property
    def reserved_fen(self) -> int:
        return self._movement(AccountKind.PROVIDER_RECEIVABLE, TxKind.RESERVE)

    @property
    def released_fen(self) -> int:
        return -self._movement(AccountKind.PROVIDER_RECEIVABLE, TxKind.RELEASE)

    @property
    def settled_fen(self) -> int:
        return self._movement(AccountKind.SETTLED, TxKind.SETTLE)

    @property
    def expired_fen(self) -> int:
        return self._movement(AccountKind.PROGRAMME_BUDGET, TxKind.EXPIRE)

    def flows(self) -> list[tuple[str, int]]:
        """The month's flows with their Chinese labels, for pages and the workbook."""
        return [
            (_("本月拨入额度"), self.funded_fen),
            (_("本月发券"), self.issued_fen),
            (_("本月预留兑付"), self.reserved_fen),
            (_("本月释放预留"), self.released_fen),
            (_("本月结算"), self.settled_fen),
            (_("本月到期收回"), self.expired_fen),
            (_("本月结算净额（含冲正）"), self.paid_total_fen),
        ]


def _settled_entries() -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(account__kind=AccountKind.SETTLED).select_related(
        "transaction__voucher__enterprise__city",
        "transaction__closes",
        "transaction__reverses__closes",
        "transaction__provider_city",
        "account__programme__city",
        "account__organisation__city",
    )


def _lines(entries: QuerySet[LedgerEntry]) -> list[SettlementLine]:
    rows = list(entries.order_by("transaction__created_at", "transaction_id", "pk"))
    settle_ids = set()
    for entry in rows:
        tx = entry.transaction
        settle_ids.add(tx.reverses_id if tx.kind == TxKind.REVERSAL else tx.pk)
    redemptions = {r.closing_id: r for r in Redemption.objects.filter(closing_id__in=settle_ids)}
    lines = []
    for entry in rows:
        tx = entry.transaction
        settlement = tx.reverses if tx.kind == TxKind.REVERSAL and tx.reverses else tx
        redemption = redemptions.get(settlement.pk)
        reservation = settlement.closes
        voucher: Voucher | None = tx.voucher
        programme = entry.account.programme
        provider = entry.account.organisation
        assert provider is not None  # a settled account always names its provider
        provider_city = tx.provider_city or provider.city
        service = redemption.service if redemption else (reservation.memo if reservation else "")
        lines.append(
            SettlementLine(
                entry_id=entry.pk,
                transaction_id=tx.pk,
                kind=tx.kind,
                posted_at=tx.created_at,
                programme_id=programme.pk,
                programme_name=programme.name,
                payer_city_id=programme.city_id,
                payer_city_name=programme.city.name,
                provider_id=provider.pk,
                provider_name=provider.name,
                provider_city_id=provider_city.pk,
                provider_city_name=provider_city.name,
                voucher_code=voucher.code if voucher else "",
                enterprise_name=voucher.enterprise.name if voucher else "",
                enterprise_city_name=voucher.enterprise.city.name if voucher else "",
                service=service,
                redemption_id=redemption.pk if redemption else None,
                reverses_id=tx.reverses_id,
                amount_fen=entry.amount,
            )
        )
    return lines


def _subtotals(lines: list[SettlementLine], *, by: str) -> list[CitySubtotal]:
    """Per counterparty city: ``by`` is "provider" (payer side) or "payer" (receiving side)."""
    totals: dict[int, list[Any]] = {}
    for line in lines:
        key, name = (
            (line.provider_city_id, line.provider_city_name)
            if by == "provider"
            else (line.payer_city_id, line.payer_city_name)
        )
        row = totals.setdefault(key, [name, 0, 0])
        row[1] += 1
        row[2] += line.amount_fen
    order = {c.pk: (c.sort_order, c.pk) for c in City.objects.filter(pk__in=totals)}
    return [
        CitySubtotal(city_id=pk, city_name=name, lines=n, amount_fen=amount)
        for pk, (name, n, amount) in sorted(totals.items(), key=lambda item: order.get(item[0], (0, 0)))
    ]


def _balances(
    programmes: list[VoucherProgram], start: dt.datetime, end: dt.datetime
) -> list[ProgrammeBalances]:
    ids = [p.pk for p in programmes]
    base = LedgerEntry.objects.filter(account__programme_id__in=ids)
    opening: dict[tuple[int, str], int] = defaultdict(int)
    for row in (
        base.filter(transaction__created_at__lt=start)
        .values("account__programme_id", "account__kind")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        opening[(row["account__programme_id"], row["account__kind"])] = int(row["total"])
    moves: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for row in (
        base.filter(transaction__created_at__gte=start, transaction__created_at__lt=end)
        .values("account__programme_id", "account__kind", "transaction__kind")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        key = (row["account__programme_id"], row["account__kind"])
        moves[key][row["transaction__kind"]] = int(row["total"])
    result = []
    for programme in programmes:
        accounts = []
        for kind in ACCOUNT_ORDER:
            key = (programme.pk, kind)
            movements = {k: v for k, v in moves[key].items() if v}
            accounts.append(
                AccountBalance(
                    kind=kind,
                    opening_fen=opening[key],
                    movements=movements,
                    closing_fen=opening[key] + sum(movements.values()),
                )
            )
        result.append(ProgrammeBalances(programme.pk, programme.name, accounts))
    return result


def _together(programmes: list[ProgrammeBalances]) -> list[AccountBalance]:
    accounts = []
    for kind in ACCOUNT_ORDER:
        rows = [p.account(kind) for p in programmes]
        movements: dict[str, int] = defaultdict(int)
        for row in rows:
            for tx_kind, amount in row.movements.items():
                movements[tx_kind] += amount
        accounts.append(
            AccountBalance(
                kind=kind,
                opening_fen=sum(r.opening_fen for r in rows),
                movements={k: v for k, v in movements.items() if v},
                closing_fen=sum(r.closing_fen for r in rows),
            )
        )
    return accounts


def settlement_statement(*, city_id: int, year: int, month: int) -> SettlementStatement:
    """月度结算单 of one city for one calendar month (see the module docstring)."""
    city = City.objects.get(pk=city_id)
    start, end = month_bounds(year, month)
    in_month = _settled_entries().filter(transaction__created_at__gte=start, transaction__created_at__lt=end)
    paid = _lines(in_month.filter(account__programme__city_id=city_id))
    received = _lines(
        in_month.filter(_provider_city_is(city_id)).exclude(account__programme__city_id=city_id)
    )
    programmes = list(VoucherProgram.objects.filter(city_id=city_id).order_by("-year", "pk"))
    per_programme = _balances(programmes, start, end)
    return SettlementStatement(
        city_id=city.pk,
        city_name=city.name,
        year=year,
        month=month,
        start=start,
        end=end,
        paid_lines=paid,
        received_lines=received,
        paid_by_city=_subtotals(paid, by="provider"),
        received_by_city=_subtotals(received, by="payer"),
        programmes=per_programme,
        accounts=_together(per_programme),
    )


# ---------------------------------------------------------------- reconciliation (核对)


@dataclass(frozen=True)
class Difference:
    """One figure that does not agree with the ledger: what the statement says and what the ledger
    sums to, in 分."""

    label: str
    statement_fen: int
    ledger_fen: int

    @property
    def difference_fen(self) -> int:
        return self.statement_fen - self.ledger_fen


def statement_reconcile(statement: SettlementStatement) -> list[Difference]:
    """Check ``statement`` against fresh sums of the ledger, to the 分; ``[]`` means 与总账核对一致.

    Checks: the whole ledger sums to zero and every transaction balances; each programme's and the
    city's opening and closing balances per account kind equal the ledger's; each programme's
    accounts sum to zero; the payer-side and receiving-side totals equal the ledger's movements on
    settled accounts; the counterparty subtotals add up to the totals; a settlement line equals its
    redemption's amount.
    """
    differences: list[Difference] = []

    def check(label: str, stated: int, ledger: int) -> None:
        if stated != ledger:
            differences.append(Difference(label, stated, ledger))

    check(_("全部分录借贷合计"), 0, _sum(LedgerEntry.objects.all()))
    unbalanced = (
        LedgerEntry.objects.values("transaction_id")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
        .order_by("transaction_id")
    )
    for row in unbalanced:
        check(_("交易 #%(id)s 借贷不平衡") % {"id": row["transaction_id"]}, 0, int(row["total"]))

    start, end = statement.start, statement.end
    for programme in statement.programmes:
        entries = LedgerEntry.objects.filter(account__programme_id=programme.programme_id)
        for account in programme.accounts:
            of_kind = entries.filter(account__kind=account.kind)
            name = f"{programme.programme_name} · {account.label}"
            check(
                _("%(name)s 期初余额") % {"name": name},
                account.opening_fen,
                _sum(of_kind.filter(transaction__created_at__lt=start)),
            )
            check(
                _("%(name)s 期末余额") % {"name": name},
                account.closing_fen,
                _sum(of_kind.filter(transaction__created_at__lt=end)),
            )
            check(
                _("%(name)s 期初+发生额=期末") % {"name": name},
                account.opening_fen + account.movement_fen,
                account.closing_fen,
            )
        check(
            _("%(name)s 各账户期末合计") % {"name": programme.programme_name},
            sum(a.closing_fen for a in programme.accounts),
            0,
        )
    city_entries = LedgerEntry.objects.filter(account__programme__city_id=statement.city_id)
    for account in statement.accounts:
        check(
            _("本市计划合计 · %(label)s 期末余额") % {"label": account.label},
            account.closing_fen,
            _sum(city_entries.filter(account__kind=account.kind, transaction__created_at__lt=end)),
        )

    settled_in_month = LedgerEntry.objects.filter(
        account__kind=AccountKind.SETTLED,
        transaction__created_at__gte=start,
        transaction__created_at__lt=end,
    )
    check(
        _("本市计划支付结算合计"),
        statement.paid_total_fen,
        _sum(settled_in_month.filter(account__programme__city_id=statement.city_id)),
    )
    check(
        _("本市计划支付结算合计与已结算账户发生额"),
        statement.paid_total_fen,
        statement.account(AccountKind.SETTLED).movement_fen,
    )
    check(
        _("外市计划向本市服务机构结算合计"),
        statement.received_total_fen,
        _sum(
            settled_in_month.filter(_provider_city_is(statement.city_id)).exclude(
                account__programme__city_id=statement.city_id
            )
        ),
    )
    check(
        _("按服务机构所在城市小计之和"),
        sum(s.amount_fen for s in statement.paid_by_city),
        statement.paid_total_fen,
    )
    check(
        _("按付款城市小计之和"),
        sum(s.amount_fen for s in statement.received_by_city),
        statement.received_total_fen,
    )
    linked = [
        line
        for line in (*statement.paid_lines, *statement.received_lines)
        if line.redemption_id is not None and line.kind == TxKind.SETTLE
    ]
    amounts = dict(
        Redemption.objects.filter(pk__in=[line.redemption_id for line in linked]).values_list(
            "pk", "amount_fen"
        )
    )
    for line in linked:
        check(
            _("兑付 #%(id)s 结算金额") % {"id": line.redemption_id},
            line.amount_fen,
            int(amounts.get(line.redemption_id or 0, 0)),
        )
    return differences


# ---------------------------------------------------------------- overview and cross-city matrix


@dataclass(frozen=True)
class ProgrammeFigures:
    """One programme's money at a glance, in 分: 总额度 (as declared), 已拨入, 可发额度, 已发券 (net of
    reversed issues), 券内未用, 待结算 (reserved), 已结算, 到期收回."""

    programme: VoucherProgram
    budget_fen: int | None
    funded_fen: int
    available_fen: int
    issued_fen: int
    outstanding_fen: int
    reserved_fen: int
    settled_fen: int
    expired_fen: int
    vouchers: int
    providers: int

    @property
    def unfunded_fen(self) -> int | None:
        return None if self.budget_fen is None else self.budget_fen - self.funded_fen


def _wan_to_fen(amount: Any) -> int | None:
    from .services import wan_to_fen

    return None if amount is None else wan_to_fen(amount)


def programme_figures(*, programmes: QuerySet[VoucherProgram]) -> list[ProgrammeFigures]:
    """The figures of each programme in ``programmes`` (in its order), in three queries."""
    rows = list(
        programmes.select_related("city").annotate(
            voucher_count=Count("voucher", distinct=True), provider_count=Count("providers", distinct=True)
        )
    )
    ids = [p.pk for p in rows]
    balances: dict[tuple[int, str], int] = defaultdict(int)
    for row in (
        LedgerEntry.objects.filter(account__programme_id__in=ids)
        .values("account__programme_id", "account__kind")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        balances[(row["account__programme_id"], row["account__kind"])] = int(row["total"])
    flows: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        LedgerEntry.objects.filter(account__programme_id__in=ids)
        .values("account__programme_id")
        .annotate(
            issued=Sum(
                "amount",
                filter=Q(account__kind=AccountKind.VOUCHER)
                & (
                    Q(transaction__kind=TxKind.ISSUE)
                    | Q(transaction__kind=TxKind.REVERSAL, transaction__reverses__kind=TxKind.ISSUE)
                ),
            ),
            expired=Sum(
                "amount",
                filter=Q(account__kind=AccountKind.PROGRAMME_BUDGET, transaction__kind=TxKind.EXPIRE),
            ),
        )
        .order_by()
    ):
        flows[row["account__programme_id"]]["issued"] = int(row["issued"] or 0)
        flows[row["account__programme_id"]]["expired"] = int(row["expired"] or 0)
    return [
        ProgrammeFigures(
            programme=p,
            budget_fen=_wan_to_fen(p.total_budget_wan),
            funded_fen=-balances[(p.pk, AccountKind.FUNDING)],
            available_fen=balances[(p.pk, AccountKind.PROGRAMME_BUDGET)],
            issued_fen=flows[p.pk]["issued"],
            outstanding_fen=balances[(p.pk, AccountKind.VOUCHER)],
            reserved_fen=balances[(p.pk, AccountKind.PROVIDER_RECEIVABLE)],
            settled_fen=balances[(p.pk, AccountKind.SETTLED)],
            expired_fen=flows[p.pk]["expired"],
            vouchers=p.voucher_count,
            providers=p.provider_count,
        )
        for p in rows
    ]


@dataclass(frozen=True)
class SettlementMatrix:
    """Net settlements paid by each payer city's programmes (rows) to providers of each city
    (columns), in 分; the diagonal is settlement within a city."""

    cities: list[City]
    cells: dict[tuple[int, int], int]

    def cell(self, payer_id: int, provider_id: int) -> int:
        return self.cells.get((payer_id, provider_id), 0)

    def rows(self) -> list[tuple[City, list[int], int]]:
        return [
            (payer, [self.cell(payer.pk, c.pk) for c in self.cities], self.paid_by(payer.pk))
            for payer in self.cities
        ]

    def paid_by(self, city_id: int) -> int:
        return sum(v for (payer, _p), v in self.cells.items() if payer == city_id)

    def received_by(self, city_id: int) -> int:
        return sum(v for (_payer, provider), v in self.cells.items() if provider == city_id)

    def column_totals(self) -> list[int]:
        return [self.received_by(c.pk) for c in self.cities]

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    @property
    def cross_city_total(self) -> int:
        return sum(v for (payer, provider), v in self.cells.items() if payer != provider)


def settlement_matrix(
    *, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> SettlementMatrix:
    """付款城市 × 服务机构所在城市: net settled amounts over [start, end) (all time when open), one
    query. The member cities always appear; any other city only when it has settlements."""
    entries = LedgerEntry.objects.filter(account__kind=AccountKind.SETTLED)
    if start is not None:
        entries = entries.filter(transaction__created_at__gte=start)
    if end is not None:
        entries = entries.filter(transaction__created_at__lt=end)
    cells = {
        (row["account__programme__city_id"], row["provider_city_id"]): int(row["total"])
        for row in entries.annotate(provider_city_id=PROVIDER_CITY)
        .values("account__programme__city_id", "provider_city_id")
        .annotate(total=Sum("amount"))
        .order_by()
        if row["total"]
    }
    involved = {c for pair in cells for c in pair}
    cities = list(City.objects.filter(Q(is_member=True) | Q(pk__in=involved)).order_by("sort_order", "pk"))
    return SettlementMatrix(cities=cities, cells=cells)


def programme_journal(*, programme: VoucherProgram, kind: str = "") -> QuerySet[LedgerTransaction]:
    """The ledger journal (流水) of one programme, newest first, with entries, their accounts and the
    reversal / closing links, for pagination."""
    qs = LedgerTransaction.objects.filter(programme=programme)
    if kind:
        qs = qs.filter(kind=kind)
    return (
        qs.select_related("actor", "voucher__enterprise", "reverses", "closes", "reversed_by", "closed_by")
        .prefetch_related("entries__account__voucher", "entries__account__organisation")
        .order_by("-created_at", "-pk")
    )
