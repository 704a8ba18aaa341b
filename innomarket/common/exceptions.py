"""One error type for the whole application.

Services raise ``ApplicationError``; the site shows its message as a form or page message and the API
(later) turns it into an HTTP response in exactly one place. ``code`` is stable and machine-readable,
``message`` is translatable and says what to do.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    PERMISSION_DENIED = "permission_denied"
    INVALID_TRANSITION = "invalid_transition"
    REASON_REQUIRED = "reason_required"
    NOT_MEMBER = "not_member"
    ORGANISATION_NOT_VERIFIED = "organisation_not_verified"
    VALIDATION = "validation"
    DIAGNOSIS_BLOCKED = "diagnosis_blocked"
    DEADLINE_PASSED = "deadline_passed"
    TERMS_REQUIRED = "terms_required"
    DUPLICATE_BID = "duplicate_bid"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    ALREADY_AWARDED = "already_awarded"


class ApplicationError(Exception):
    def __init__(self, message: Any, code: str = ErrorCode.VALIDATION, extra: dict[str, Any] | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = str(code)
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)


class PermissionDenied(ApplicationError):
    def __init__(self, message: Any, extra: dict[str, Any] | None = None):
        super().__init__(message, ErrorCode.PERMISSION_DENIED, extra)
