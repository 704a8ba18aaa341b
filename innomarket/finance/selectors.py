"""Reads of financial products, funds and financing requests (public site), and of the finance workspace."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from innomarket.organisations.models import Organisation
from innomarket.points import selectors as points
from innomarket.points.models import EnterpriseScore, ScoreConsent
from innomarket.site.catalogue import filter_listings, public_listings

from .filters import FinancingRequestFilterSet, FundFilterSet, ProductFilterSet
from .models import (
    INSTITUTION_KINDS,
    FinancialProduct,
    FinancingInterest,
    FinancingRequest,
    Fund,
    LoanApplication,
    LoanApplicationAttachment,
)


def product_queryset() -> QuerySet[FinancialProduct]:
    return public_listings(FinancialProduct)


def product_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[FinancialProduct]:
    return filter_listings(ProductFilterSet, product_queryset(), filters).qs


def fund_queryset() -> QuerySet[Fund]:
    return public_listings(Fund)


def fund_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Fund]:
    return filter_listings(FundFilterSet, fund_queryset(), filters).qs


def financing_queryset() -> QuerySet[FinancingRequest]:
    return public_listings(FinancingRequest)


def financing_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[FinancingRequest]:
    return filter_listings(FinancingRequestFilterSet, financing_queryset(), filters).qs


# ---------------------------------------------------------------- the workspace (融资申请, 投融资意向)


def institutions_of(user: Any) -> list[Organisation]:
    """The banks, investors and guarantors the user is a member of (金融机构工作台)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Organisation.objects.filter(membership__user=user, kind__in=INSTITUTION_KINDS)
        .select_related("city")
        .order_by("name", "pk")
    )


def enterprises_of(user: Any) -> list[Organisation]:
    """The enterprises the user may apply for and whose financing requests they answer for."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Organisation.objects.filter(membership__user=user, kind=Organisation.Kind.ENTERPRISE)
        .select_related("city")
        .order_by("name", "pk")
    )


def _applications() -> QuerySet[LoanApplication]:
    return LoanApplication.objects.select_related("product", "applicant", "institution", "city")


def applications_received(
    organisation: Organisation, *, status: str | None = None
) -> QuerySet[LoanApplication]:
    """Applications to the institution's products, those awaiting an answer longest first."""
    qs = _applications().filter(institution=organisation)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(F("awaiting_since").asc(nulls_last=True), "-created_at", "-pk")


def application_status_counts(organisation: Organisation) -> dict[str, int]:
    rows = (
        LoanApplication.objects.filter(institution=organisation)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


def applications_made(organisation_ids: Iterable[int]) -> QuerySet[LoanApplication]:
    return _applications().filter(applicant_id__in=list(organisation_ids)).order_by("-created_at", "-pk")


def application_for(pk: int) -> LoanApplication:
    return _applications().get(pk=pk)


def application_attachments(application: LoanApplication) -> QuerySet[LoanApplicationAttachment]:
    return application.attachments.select_related("organisation", "uploaded_by").order_by("pk")


def _interests() -> QuerySet[FinancingInterest]:
    return FinancingInterest.objects.select_related(
        "request", "request__owner", "institution", "city", "created_by", "answered_by"
    )


def interest_for(pk: int) -> FinancingInterest:
    return _interests().get(pk=pk)


def interests_made(organisation: Organisation) -> QuerySet[FinancingInterest]:
    return _interests().filter(institution=organisation).order_by("-created_at", "-pk")


def interests_received(organisation_ids: Iterable[int]) -> QuerySet[FinancingInterest]:
    """Interests in the user's enterprises' financing requests, unanswered first."""
    return (
        _interests()
        .filter(request__owner_id__in=list(organisation_ids))
        .order_by(F("awaiting_since").asc(nulls_last=True), "-created_at", "-pk")
    )


def open_financing_requests(institution: Organisation, *, limit: int = 50) -> list[dict[str, Any]]:
    """Published, still valid financing requests of others, each with this institution's live interest."""
    today = timezone.localdate()
    requests = list(
        financing_queryset()
        .exclude(owner=institution)
        .filter(owner__isnull=False)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("owner", "city")
        .order_by("-published_at", "-pk")[:limit]
    )
    mine = {
        interest.request_id: interest
        for interest in FinancingInterest.objects.filter(
            institution=institution,
            request_id__in=[r.pk for r in requests],
            status__in=["submitted", "accepted"],
        )
    }
    return [{"request": r, "interest": mine.get(r.pk)} for r in requests]


# ---------------------------------------------------------------- 创新积分 (shown with the enterprise's consent)


@dataclass(frozen=True)
class ApplicationScore:
    """What an application's two sides see of the applicant's 创新积分.

    ``state``: active (consent to the institution active: the score is shown) · revoked (it was given,
    then withdrawn: nothing is shown) · none (never given).
    """

    state: str
    score: EnterpriseScore | None = None
    revoked_at: Any = None


def application_score(application: LoanApplication) -> ApplicationScore:
    """The applicant's current score, only while its consent to the application's institution is active."""
    if points.has_consent(organisation=application.applicant_id, institution=application.institution_id):
        return ApplicationScore("active", points.current_score(organisation=application.applicant_id))
    revoked = (
        ScoreConsent.objects.filter(
            organisation_id=application.applicant_id,
            institution_id=application.institution_id,
            revoked_at__isnull=False,
        )
        .order_by("-revoked_at")
        .values_list("revoked_at", flat=True)
        .first()
    )
    if revoked is not None:
        return ApplicationScore("revoked", revoked_at=revoked)
    return ApplicationScore("none")


def consent_count(institution: Organisation) -> int:
    """How many enterprises currently let the institution see their 创新积分."""
    return ScoreConsent.objects.filter(institution=institution, revoked_at__isnull=True).count()


@dataclass(frozen=True)
class ConsentingEnterprise:
    organisation: Organisation
    score: EnterpriseScore | None
    granted_at: Any
    application: LoanApplication | None  # the latest application to this institution, if any


def consenting_enterprises(
    institution: Organisation, *, tier: str = "", city_slug: str = ""
) -> dict[str, Any]:
    """已授权企业 of one institution: enterprises whose consent to it is active, with their current score,
    grouped by tier (A first) and optionally filtered by tier and city; those without a score yet last.

    Never lists an enterprise without an active consent to ``institution``.
    """
    consents = {
        c.organisation_id: c
        for c in ScoreConsent.objects.filter(institution=institution, revoked_at__isnull=True).select_related(
            "organisation", "organisation__city"
        )
    }
    scores = points.consenting_scores(institution=institution)
    cities = sorted(
        {c.organisation.city for c in consents.values() if c.organisation.city_id is not None},
        key=lambda city: (city.sort_order, city.pk),
    )
    if city_slug:
        scores = scores.filter(organisation__city__slug=city_slug)
    counts = points.tier_counts(scores)
    if tier:
        scores = scores.filter(tier=tier)
    score_list = [s for s in scores if s.organisation_id in consents]
    scored_ids = {s.organisation_id for s in score_list}
    unscored = [
        c
        for org_id, c in consents.items()
        if org_id not in scored_ids
        and not tier
        and (not city_slug or (c.organisation.city is not None and c.organisation.city.slug == city_slug))
    ]
    wanted = [*scored_ids, *(c.organisation_id for c in unscored)]
    latest: dict[int, LoanApplication] = {}
    for application in (
        LoanApplication.objects.filter(institution=institution, applicant_id__in=wanted)
        .select_related("product")
        .order_by("created_at", "pk")
    ):
        latest[application.applicant_id] = application

    def row(organisation: Organisation, score: EnterpriseScore | None) -> ConsentingEnterprise:
        return ConsentingEnterprise(
            organisation=organisation,
            score=score,
            granted_at=consents[organisation.pk].granted_at,
            application=latest.get(organisation.pk),
        )

    groups = []
    for label in points.TIERS:
        rows = [row(s.organisation, s) for s in score_list if s.tier == label]
        if rows:
            groups.append({"tier": label, "rows": rows})
    unscored_rows = [
        row(c.organisation, None)
        for c in sorted(unscored, key=lambda c: (c.organisation.name, c.organisation_id))
    ]
    return {
        "groups": groups,
        "unscored": unscored_rows,
        "tier_counts": counts,
        "cities": cities,
        "total": len(consents),
    }
