"""Who may see and do what on a challenge: the tiers of disclosure and the roles around a challenge.

Every predicate takes the user and the object and is evaluated on the server for that object. Views
and services both call these; nothing here writes.

Tiers of a challenge:
1. the public teaser (title, field, city, budget range, deadline): everyone;
2. the full text (problem statement, indicators, acceptance criteria, constraints): the owner, the
   city's administrators and active evaluators always; beyond them, by the challenge's 保密等级:
   - 公开 (``public``): everyone, signed in or not;
   - 注册机构可见全文 (``members``): a signed-in member of a verified organisation, without terms;
   - 签署保密条款后可见全文 (``confidential``): such a member who accepted the confidentiality terms;
3. attachments: the owner, the city's administrators, active evaluators, and members of an
   organisation whose bid is shortlisted (or awarded) — who must also have accepted the terms when the
   challenge is confidential. Attachments are never public, whatever the level.

Bidding needs the terms only on a confidential challenge.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from innomarket.accounts import roles
from innomarket.organisations.models import Organisation

from .models import Bid, Challenge, EvaluatorAssignment, TermsAcceptance

SHORTLISTED_BID_STATUSES = frozenset({"shortlisted", "awarded", "contracted"})


def terms_version() -> str:
    return str(settings.INNOMARKET_CHALLENGES["TERMS_VERSION"])


def is_owner(user: Any, challenge: Challenge) -> bool:
    return roles.is_member_of(user, challenge.owner_id)


def can_manage(user: Any, challenge: Challenge) -> bool:
    """The owner organisation's members and the challenge city's administrators run the challenge."""
    return is_owner(user, challenge) or roles.can_administer_city(user, challenge.city_id)


def verified_organisations(user: Any) -> list[Organisation]:
    """The verified organisations ``user`` is a member of (those it may bid or read full texts for)."""
    ids = roles.member_organisation_ids(user)
    if not ids:
        return []
    return list(
        Organisation.objects.filter(pk__in=ids, status__in=Organisation.WORKFLOW.public).order_by("name")
    )


def active_assignment(user: Any, challenge: Challenge) -> EvaluatorAssignment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        EvaluatorAssignment.objects.filter(
            challenge=challenge, expert__user=user, status=EvaluatorAssignment.Status.ACTIVE
        )
        .select_related("expert")
        .first()
    )


def has_accepted_terms(user: Any, challenge: Challenge) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return TermsAcceptance.objects.filter(
        challenge=challenge, user=user, terms_version=terms_version()
    ).exists()


def requires_terms(challenge: Challenge) -> bool:
    """Only a 签署保密条款后可见全文 challenge has terms to sign (for its full text, attachments and bids)."""
    return challenge.confidentiality == Challenge.Confidentiality.CONFIDENTIAL


def can_accept_terms(user: Any, challenge: Challenge) -> bool:
    return challenge.is_public and requires_terms(challenge) and bool(verified_organisations(user))


def has_terms_if_required(user: Any, challenge: Challenge) -> bool:
    return not requires_terms(challenge) or has_accepted_terms(user, challenge)


def can_read_full_text(user: Any, challenge: Challenge) -> bool:
    if can_manage(user, challenge) or active_assignment(user, challenge) is not None:
        return True
    if not challenge.is_public:
        return False
    if challenge.confidentiality == Challenge.Confidentiality.PUBLIC:
        return True
    return bool(verified_organisations(user)) and has_terms_if_required(user, challenge)


def shortlisted_bid_of(user: Any, challenge: Challenge) -> Bid | None:
    ids = roles.member_organisation_ids(user)
    if not ids:
        return None
    return Bid.objects.filter(
        challenge=challenge, organisation_id__in=ids, status__in=SHORTLISTED_BID_STATUSES
    ).first()


def can_open_attachments(user: Any, challenge: Challenge) -> bool:
    if can_manage(user, challenge) or active_assignment(user, challenge) is not None:
        return True
    return has_terms_if_required(user, challenge) and shortlisted_bid_of(user, challenge) is not None


def can_view_bid(user: Any, bid: Bid) -> bool:
    """A bid is seen by its organisation; once submitted, also by the challenge's owner and city and
    its active evaluators."""
    if roles.is_member_of(user, bid.organisation_id):
        return True
    if bid.status == "draft":  # never submitted: the bidder's own business
        return False
    challenge = bid.challenge
    return can_manage(user, challenge) or active_assignment(user, challenge) is not None


def is_bidder(user: Any, bid: Bid) -> bool:
    return roles.is_member_of(user, bid.organisation_id)
