"""Reads of financial products, funds and financing requests for the public site."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from innomarket.site.catalogue import filter_listings, public_listings

from .filters import FinancingRequestFilterSet, FundFilterSet, ProductFilterSet
from .models import FinancialProduct, FinancingRequest, Fund


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
