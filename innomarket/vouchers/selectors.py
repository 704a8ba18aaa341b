"""Reads of the 创新券 ledger. Balances are always sums of entries (in 分), never stored columns."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from innomarket.accounts import roles
from innomarket.notifications.recipients import city_admins, organisation_members
from innomarket.notifications.replies import ReplyRule
from innomarket.organisations.models import Organisation

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
    answer_url=lambda redemption: redemption.get_absolute_url(),
    funnel=redemption_funnel,
    city_field="voucher__program__city",
    mine=lambda user: redemptions_to_confirm(user=user),
    inbox_url="site:workspace-vouchers",
)


# ---------------------------------------------------------------- programmes, vouchers and applications (pages)

FEN_PER_WAN = 1_000_000


def wan_fen(amount_wan: Decimal | None) -> int | None:
    """万元 to 分 (``None`` stays ``None``)."""
    return None if amount_wan is None else int(Decimal(amount_wan) * FEN_PER_WAN)


def enterprise_cap_left(*, programme: VoucherProgram, enterprise: Organisation) -> int | None:
    """What ``enterprise`` may still be granted in ``programme`` in 分 (``None``: no cap)."""
    cap = wan_fen(programme.max_per_enterprise_wan)
    if cap is None:
        return None
    return max(0, cap - enterprise_issued(programme=programme, enterprise=enterprise))


@dataclass(frozen=True)
class ProgrammeFigures:
    """A programme's money in 分, from its ledger: ``funded`` (拨入), ``available`` (可发),
    ``in_vouchers`` (企业券余额), ``reserved`` (已确认待结算), ``settled`` (已结算)."""

    total: int | None
    funded: int = 0
    available: int = 0
    in_vouchers: int = 0
    reserved: int = 0
    settled: int = 0

    @property
    def issued(self) -> int:
        """Granted to enterprises and not returned: in wallets, reserved or settled."""
        return self.in_vouchers + self.reserved + self.settled

    @property
    def remaining(self) -> int | None:
        """Left of the 总额度 to grant: not yet funded plus funded but not issued."""
        if self.total is None:
            return self.available
        return self.total - self.issued


def programme_figures_many(programmes: list[VoucherProgram]) -> dict[int, ProgrammeFigures]:
    """``ProgrammeFigures`` of each programme, in one query."""
    K = LedgerAccount.Kind
    rows = (
        LedgerEntry.objects.filter(account__programme__in=[p.pk for p in programmes])
        .values("account__programme_id", "account__kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    sums: dict[int, dict[str, int]] = {p.pk: {} for p in programmes}
    for row in rows:
        sums[row["account__programme_id"]][row["account__kind"]] = int(row["total"])
    return {
        p.pk: ProgrammeFigures(
            total=wan_fen(p.total_budget_wan),
            funded=-sums[p.pk].get(K.FUNDING, 0),
            available=sums[p.pk].get(K.PROGRAMME_BUDGET, 0),
            in_vouchers=sums[p.pk].get(K.VOUCHER, 0),
            reserved=sums[p.pk].get(K.PROVIDER_RECEIVABLE, 0),
            settled=sums[p.pk].get(K.SETTLED, 0),
        )
        for p in programmes
    }


def programme_figures(*, programme: VoucherProgram) -> ProgrammeFigures:
    return programme_figures_many([programme])[programme.pk]


def programmes_public() -> QuerySet[VoucherProgram]:
    """Every programme a visitor may see (all are public), 申领中 first, with its city, its
    acceptance list and how many providers it has."""
    order = Case(
        When(status=VoucherProgram.Status.OPEN, then=Value(0)),
        When(status=VoucherProgram.Status.PLANNED, then=Value(1)),
        default=Value(2),
    )
    return (
        VoucherProgram.objects.select_related("city")
        .prefetch_related("accepted_cities")
        .annotate(provider_count=Count("providers", distinct=True), open_order=order)
        .order_by("open_order", "-year", "city__id", "pk")
    )


def programmes_open() -> QuerySet[VoucherProgram]:
    return programmes_public().filter(status=VoucherProgram.Status.OPEN)


def _wallet_balance() -> Any:
    wallet = (
        LedgerEntry.objects.filter(account__kind=LedgerAccount.Kind.VOUCHER, account__voucher=OuterRef("pk"))
        .values("account__voucher")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(wallet), Value(0), output_field=BigIntegerField())


def vouchers_of_user(user: Any) -> QuerySet[Voucher]:
    """The vouchers of the user's enterprises, newest first, each with ``balance`` (分)."""
    return (
        Voucher.objects.filter(enterprise_id__in=roles.member_organisation_ids(user))
        .select_related("program__city", "enterprise")
        .annotate(balance=_wallet_balance())
        .order_by("-issued_at", "-pk")
    )


def voucher_for(pk: int) -> Voucher:
    return (
        Voucher.objects.select_related("program__city", "enterprise")
        .annotate(balance=_wallet_balance())
        .get(pk=pk)
    )


@dataclass(frozen=True)
class Movement:
    """One ledger movement of a voucher's wallet, as the enterprise reads it (分)."""

    transaction: LedgerTransaction
    amount: int  # into the wallet (+) or out of it (−)
    balance: int  # the wallet after it
    reserved_delta: int  # into (+) or out of (−) a provider's receivable


def voucher_movements(*, voucher: Voucher) -> list[Movement]:
    """Every transaction of ``voucher``'s ledger, oldest first, with its effect on the wallet and the
    balance after it (settlements move no wallet money: they pay what a confirmation reserved)."""
    K = LedgerAccount.Kind
    movements = []
    balance = 0
    for tx in voucher_transactions(voucher=voucher):
        wallet = sum(e.amount for e in tx.entries.all() if e.account.kind == K.VOUCHER)
        reserved = sum(e.amount for e in tx.entries.all() if e.account.kind == K.PROVIDER_RECEIVABLE)
        balance += wallet
        movements.append(Movement(transaction=tx, amount=wallet, balance=balance, reserved_delta=reserved))
    return movements


def _voucher_applications() -> QuerySet[VoucherApplication]:
    return VoucherApplication.objects.select_related("programme__city", "enterprise", "voucher", "created_by")


def voucher_application_for(pk: int) -> VoucherApplication:
    return _voucher_applications().get(pk=pk)


def voucher_applications_of_user(user: Any) -> QuerySet[VoucherApplication]:
    """申领 by the user's enterprises, newest first."""
    return (
        _voucher_applications().filter(enterprise_id__in=roles.member_organisation_ids(user)).order_by("-pk")
    )


def _scope_city(qs: QuerySet[Any], user: Any, city_field: str) -> QuerySet[Any]:
    if roles.is_alliance_admin(user):
        return qs
    city_id = roles.administered_city_id(user)
    if city_id is None:
        return qs.none()
    return qs.filter(**{f"{city_field}_id": city_id})


def voucher_applications_to_review(user: Any) -> QuerySet[VoucherApplication]:
    """申领 awaiting the administrators of the cities the user runs (待审核), oldest first."""
    qs = _voucher_applications().filter(status=VoucherApplication.Status.SUBMITTED)
    return _scope_city(qs, user, "programme__city").order_by("awaiting_since", "pk")


def voucher_applications_administered(user: Any) -> QuerySet[VoucherApplication]:
    """Every 申领 of the programmes the user administers, newest first."""
    return _scope_city(_voucher_applications(), user, "programme__city").order_by("-pk")


def _provider_applications() -> QuerySet[ProviderApplication]:
    return ProviderApplication.objects.select_related("programme__city", "provider__city", "registration")


def provider_application_for(pk: int) -> ProviderApplication:
    return _provider_applications().get(pk=pk)


def provider_applications_of_user(user: Any) -> QuerySet[ProviderApplication]:
    return (
        _provider_applications().filter(provider_id__in=roles.member_organisation_ids(user)).order_by("-pk")
    )


def provider_applications_to_review(user: Any) -> QuerySet[ProviderApplication]:
    qs = _provider_applications().filter(status=ProviderApplication.Status.SUBMITTED)
    return _scope_city(qs, user, "programme__city").order_by("awaiting_since", "pk")


def provider_applications_administered(user: Any) -> QuerySet[ProviderApplication]:
    return _scope_city(_provider_applications(), user, "programme__city").order_by("-pk")


def registrations_of_user(user: Any) -> QuerySet[ProgrammeProvider]:
    """The programmes the user's organisations are accepted in as providers."""
    return (
        ProgrammeProvider.objects.filter(provider_id__in=roles.member_organisation_ids(user))
        .select_related("programme__city", "provider")
        .order_by("provider__name", "programme__name")
    )


def redemptions_administered(user: Any) -> QuerySet[Redemption]:
    """Every redemption of the programmes the user administers, newest first."""
    return _scope_city(_redemptions(), user, "voucher__program__city").order_by("-pk")


def redemption_for(pk: int) -> Redemption:
    return _redemptions().select_related("requested_by").get(pk=pk)


def voucher_application_funnel(city_id: int | None) -> list[tuple[Any, int]]:
    """申领 → 已答复 → 已批准发券 (未获批准 beside), in one query."""
    qs = VoucherApplication.objects.filter(submitted_at__isnull=False)
    if city_id is not None:
        qs = qs.filter(programme__city_id=city_id)
    S = VoucherApplication.Status
    counts = qs.aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=Q(first_answered_at__isnull=False)),
        approved=Count("pk", filter=Q(status=S.APPROVED)),
        declined=Count("pk", filter=Q(status=S.DECLINED)),
    )
    return [
        (_("提交申领"), counts["total"]),
        (_("已答复"), counts["answered"]),
        (_("已批准发券"), counts["approved"]),
        (_("未获批准"), counts["declined"]),
    ]


def provider_application_funnel(city_id: int | None) -> list[tuple[Any, int]]:
    """登记申请 → 已答复 → 已登记, in one query."""
    qs = ProviderApplication.objects.filter(submitted_at__isnull=False)
    if city_id is not None:
        qs = qs.filter(programme__city_id=city_id)
    counts = qs.aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=Q(first_answered_at__isnull=False)),
        accepted=Count("pk", filter=Q(status=ProviderApplication.Status.ACCEPTED)),
    )
    return [
        (_("登记申请"), counts["total"]),
        (_("已答复"), counts["answered"]),
        (_("已登记"), counts["accepted"]),
    ]


def _describe_voucher_application(application: VoucherApplication) -> str:
    return (
        f"{application.enterprise.name} 申领“{application.programme.name}”"
        f" {application.amount_wan.normalize():f} 万元（{application.get_service_kind_display()}）"
    )


def _describe_provider_application(application: ProviderApplication) -> str:
    return f"{application.provider.name}（{application.provider.city}）申请登记为“{application.programme.name}”的服务机构"


# The programme city's administrators owe the answer. Escalation goes to the alliance's
# administrators (``city_id`` None): the city is the one that is late.
VOUCHER_APPLICATION_RULE = ReplyRule(
    key="voucher_application",
    label=_("创新券申领"),
    model=VoucherApplication,
    pending=lambda: _voucher_applications().filter(status=VoucherApplication.Status.SUBMITTED),
    answerers=lambda application: city_admins(application.programme.city_id),
    requesters=lambda application: organisation_members(application.enterprise_id),
    city_id=lambda application: None,
    describe=_describe_voucher_application,
    answer_url=lambda application: application.get_absolute_url(),
    funnel=voucher_application_funnel,
    city_field="programme__city",
    mine=voucher_applications_to_review,
    inbox_url="site:workspace-vouchers-review",
)

PROVIDER_APPLICATION_RULE = ReplyRule(
    key="voucher_provider_application",
    label=_("创新券服务机构登记"),
    model=ProviderApplication,
    pending=lambda: _provider_applications().filter(status=ProviderApplication.Status.SUBMITTED),
    answerers=lambda application: city_admins(application.programme.city_id),
    requesters=lambda application: organisation_members(application.provider_id),
    city_id=lambda application: None,
    describe=_describe_provider_application,
    answer_url=lambda application: application.get_absolute_url(),
    funnel=provider_application_funnel,
    city_field="programme__city",
    mine=provider_applications_to_review,
    inbox_url="site:workspace-vouchers-review",
)

REPLY_RULES = (REPLY_RULE, VOUCHER_APPLICATION_RULE, PROVIDER_APPLICATION_RULE)
