"""Who may see and do what in the finance transactions. Predicates only; services and views call them.

An application is private to its two parties (the applying enterprise and the answering institution);
the city's administrators (those who follow up an unanswered one) may read it but not open its
attachments. An interest is private to the institution that expressed it and the requesting
enterprise, with the same read-only view for the administrators of the request's city.
"""

from __future__ import annotations

from typing import Any

from innomarket.accounts import roles
from innomarket.organisations.models import Organisation

from .models import INSTITUTION_KINDS, FinancingInterest, LoanApplication


def is_institution(organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.kind in INSTITUTION_KINDS


def is_verified(organisation: Organisation) -> bool:
    return organisation.status in Organisation.WORKFLOW.public


def applicant_side(user: Any, application: LoanApplication) -> bool:
    return roles.is_member_of(user, application.applicant_id)


def institution_side(user: Any, application: LoanApplication) -> bool:
    return roles.is_member_of(user, application.institution_id)


def can_view_application(user: Any, application: LoanApplication) -> bool:
    return (
        applicant_side(user, application)
        or institution_side(user, application)
        or roles.can_administer_city(user, application.city_id)
    )


def can_open_application_files(user: Any, application: LoanApplication) -> bool:
    """Attachments: the two parties only (business secrets, financial statements)."""
    return applicant_side(user, application) or institution_side(user, application)


def interest_institution_side(user: Any, interest: FinancingInterest) -> bool:
    return roles.is_member_of(user, interest.institution_id)


def interest_requester_side(user: Any, interest: FinancingInterest) -> bool:
    return roles.is_member_of(user, interest.request.owner_id)


def can_view_interest(user: Any, interest: FinancingInterest) -> bool:
    return (
        interest_institution_side(user, interest)
        or interest_requester_side(user, interest)
        or roles.can_administer_city(user, interest.city_id)
    )
