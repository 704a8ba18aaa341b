"""Reads of financial products, funds and financing requests (public site), and of the finance workspace."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from innomarket.organisations.models import Organisation
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
