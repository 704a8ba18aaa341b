"""Error codes of the 创新券 ledger, carried by ``ApplicationError.code``."""

from __future__ import annotations

from enum import StrEnum


class VoucherErrorCode(StrEnum):
    AMOUNT_NOT_POSITIVE = "amount_not_positive"
    UNBALANCED = "unbalanced"
    OVER_PROGRAMME_TOTAL = "over_programme_total"
    PROGRAMME_NOT_OPEN = "programme_not_open"
    OVER_BUDGET = "over_budget"
    OVER_ENTERPRISE_CAP = "over_enterprise_cap"
    VOUCHER_NOT_USABLE = "voucher_not_usable"
    SELF_REDEMPTION = "self_redemption"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    NOT_A_RESERVATION = "not_a_reservation"
    ALREADY_CLOSED = "already_closed"
    NOT_REVERSIBLE = "not_reversible"
    ALREADY_REVERSED = "already_reversed"
    ALREADY_EXPIRED = "already_expired"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    DUPLICATE_REQUEST = "duplicate_request"
    PROVIDER_NOT_ACCEPTABLE = "provider_not_acceptable"
    VOUCHER_NOT_FOUND = "voucher_not_found"
    # 申领 and 服务机构登记
    ENTERPRISE_NOT_ELIGIBLE = "enterprise_not_eligible"
    OVER_REQUESTED = "over_requested"
    DUPLICATE_APPLICATION = "duplicate_application"
    ALREADY_PROVIDER = "already_provider"
