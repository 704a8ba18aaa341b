"""Reads for the owner's / city administrator's console (榜单管理) and the evaluators' pages (专家评审).

Everything here is scoped to one challenge (or one evaluator) the caller has already been allowed to
see; nothing writes. Querysets join what the templates show, so each section is a fixed number of
queries whatever the number of bids, reviews or evaluators.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from innomarket.lists.models import Cooperation, CooperationMilestone
from innomarket.talent.models import Expert, TechManager

from .models import (
    BIDDABLE_STATUSES,
    CANCELLABLE_STATUSES,
    Bid,
    BrokerLedgerEntry,
    Challenge,
    ChallengeStatus,
    DisclosureView,
    EvaluationCriterion,
    EvaluatorAssignment,
    Invitation,
    Review,
    TermsAcceptance,
)

OPEN_BID_STATUSES = ("submitted", "shortlisted")
# Once a challenge is finished or cancelled, nothing on it is changed from the console any more.
CLOSED_STATUSES = frozenset({"completed", "cancelled"})
EVALUATOR_STATUSES = frozenset({"published", "bidding", "evaluating"})
TWO_PLACES = Decimal("0.01")


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- criteria


@dataclass(frozen=True)
class CriterionShare:
    criterion: EvaluationCriterion
    share: Decimal  # percent of the total weight, one decimal


def criteria_with_shares(challenge: Challenge) -> list[CriterionShare]:
    """评审指标 in order, each with its weight as a percentage share of all weights."""
    criteria = list(challenge.criteria.all())
    total = sum(c.weight for c in criteria)
    return [
        CriterionShare(
            c,
            (Decimal(100 * c.weight) / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if total
            else Decimal(0),
        )
        for c in criteria
    ]


def has_reviews(challenge: Challenge) -> bool:
    return Review.objects.filter(bid__challenge=challenge).exists()


# ---------------------------------------------------------------- ranked bids


@dataclass
class RankedBid:
    bid: Bid
    rank: int | None = None
    review_count: int = 0
    average_total: Decimal | None = None
    # One entry per criterion, in the criteria's order (None where nobody scored it yet).
    criterion_averages: list[Decimal | None] = field(default_factory=list)
    overdue: bool = False
    reviews: list[Review] = field(default_factory=list)
    # The console's forms for this bid, set by the view (bound with errors after a failed POST).
    decline_form: Any = None
    award_form: Any = None

    @property
    def can_shortlist(self) -> bool:
        return self.bid.status == Bid.Status.SUBMITTED and self.bid.challenge.status in {
            "bidding",
            "evaluating",
        }

    @property
    def can_decline(self) -> bool:
        return self.bid.status in OPEN_BID_STATUSES and self.bid.challenge.status not in CLOSED_STATUSES

    @property
    def can_award(self) -> bool:
        return (
            self.bid.status == Bid.Status.SHORTLISTED
            and self.bid.challenge.status == ChallengeStatus.EVALUATING
        )


def response_deadline(now: dt.datetime | None = None) -> dt.datetime:
    """Bids submitted before this moment and still unanswered are overdue (``RESPONSE_DAYS``)."""
    now = now or timezone.now()
    return now - dt.timedelta(days=int(settings.INNOMARKET_CHALLENGES["RESPONSE_DAYS"]))


def is_overdue(bid: Bid, *, before: dt.datetime) -> bool:
    return (
        bid.status == Bid.Status.SUBMITTED
        and bid.responded_at is None
        and bid.submitted_at is not None
        and bid.submitted_at <= before
    )


def ranked_bids(challenge: Challenge, *, now: dt.datetime | None = None) -> list[RankedBid]:
    """Every non-draft bid with its evaluation: the number of reviews and the mean weighted total of
    the active evaluators' reviews, plus the mean per criterion. Ordered by mean total, highest
    first; bids nobody scored yet come last, earliest submitted first."""
    criteria = list(challenge.criteria.all())
    bids = list(
        challenge.bids.exclude(status=Bid.Status.DRAFT)
        .select_related("organisation", "organisation__city", "introduced_by", "challenge")
        .order_by("submitted_at", "id")
    )
    reviews = (
        Review.objects.filter(bid__challenge=challenge, assignment__status=EvaluatorAssignment.Status.ACTIVE)
        .select_related("assignment__expert")
        .prefetch_related("scores")
        .order_by("id")
    )
    by_bid: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        by_bid[review.bid_id].append(review)
    before = response_deadline(now)
    rows = []
    for bid in bids:
        bid.challenge = challenge  # one object for every row (status checks use the page's challenge)
        bid_reviews = by_bid.get(bid.pk, [])
        per_criterion: dict[int, list[Decimal]] = defaultdict(list)
        for review in bid_reviews:
            for score in review.scores.all():
                per_criterion[score.criterion_id].append(Decimal(score.value))
        rows.append(
            RankedBid(
                bid=bid,
                review_count=len(bid_reviews),
                average_total=_mean([r.total for r in bid_reviews]),
                criterion_averages=[_mean(per_criterion.get(c.pk, [])) for c in criteria],
                overdue=is_overdue(bid, before=before),
                reviews=bid_reviews,
            )
        )
    # Stable sort: unscored last, then highest mean first (ties keep submission order).
    rows.sort(key=lambda r: (r.average_total is None, -(r.average_total or 0)))
    for number, row in enumerate((r for r in rows if r.average_total is not None), start=1):
        row.rank = number
    return rows


# ---------------------------------------------------------------- the console's other sections


def evaluator_assignments(challenge: Challenge) -> QuerySet[EvaluatorAssignment]:
    return challenge.evaluators.select_related("expert", "expert__user", "assigned_by").order_by("id")


def invitations_sent(challenge: Challenge) -> QuerySet[Invitation]:
    return challenge.invitations.select_related("organisation").order_by("-score", "id")


def disclosure_log(challenge: Challenge, *, limit: int = 200) -> QuerySet[DisclosureView]:
    """查看记录: who opened the full text or an attachment, newest first (the latest ``limit``)."""
    return challenge.disclosure_views.select_related("user", "organisation", "attachment").order_by(
        "-viewed_at", "-id"
    )[:limit]


def terms_acceptances(challenge: Challenge) -> QuerySet[TermsAcceptance]:
    return challenge.terms_acceptances.select_related("user", "organisation").order_by("-accepted_at")


def ledger_entries(challenge: Challenge) -> QuerySet[BrokerLedgerEntry]:
    return challenge.ledger.select_related("tech_manager", "bid__organisation", "recorded_by").order_by(
        "created_at", "id"
    )


def cooperation_of(challenge: Challenge) -> Cooperation | None:
    """The cooperation record created at award (合作清单), with its milestones; None before the award."""
    return (
        challenge.cooperations.exclude(status="archived")
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=CooperationMilestone.objects.select_related("accepted_by", "reported_by"),
            ),
            "partners",
        )
        .order_by("-id")
        .first()
    )


def assignable_tech_managers() -> QuerySet[TechManager]:
    return (
        TechManager.objects.filter(status__in=TechManager.WORKFLOW.public)
        .select_related("city")
        .order_by("title", "id")
    )


def assignable_experts(challenge: Challenge) -> QuerySet[Expert]:
    """Public experts with a platform account who accept evaluation and are not on the panel yet."""
    return (
        Expert.objects.filter(status__in=Expert.WORKFLOW.public, user__isnull=False, accepts_evaluation=True)
        .exclude(assignments__challenge=challenge)
        .select_related("city")
        .order_by("title", "id")
    )


@dataclass(frozen=True)
class ConsoleActions:
    """Which console actions the challenge's current status allows (the services check again)."""

    close_bidding: bool
    cancel: bool
    sign_contract: bool
    assign_tech_manager: bool
    criteria: bool
    assign_evaluator: bool
    attach: bool


def console_actions(challenge: Challenge, *, open_bids: int, reviewed: bool) -> ConsoleActions:
    status = challenge.status
    running = status not in CLOSED_STATUSES
    return ConsoleActions(
        close_bidding=status in BIDDABLE_STATUSES and open_bids > 0,
        cancel=status in CANCELLABLE_STATUSES,
        sign_contract=status == ChallengeStatus.AWARDED,
        assign_tech_manager=running,
        criteria=running and not reviewed,
        assign_evaluator=status in EVALUATOR_STATUSES,
        attach=running,
    )


# ---------------------------------------------------------------- the evaluator's side


def assignments_of(user: Any) -> QuerySet[EvaluatorAssignment]:
    """评审任务: the signed-in expert's assignments, newest first."""
    return (
        EvaluatorAssignment.objects.filter(expert__user=user)
        .select_related("challenge", "challenge__city", "challenge__owner", "expert")
        .order_by("-created_at", "-id")
    )


@dataclass
class BidToScore:
    bid: Bid
    review: Review | None
    previous: dict[int, int]  # criterion pk → the evaluator's previous score
    form: Any = None  # the scoring form, set by the view


def bids_to_score(assignment: EvaluatorAssignment) -> list[BidToScore]:
    """The open bids (submitted / shortlisted) of the assignment's challenge, each with this
    evaluator's previous review if any."""
    bids = list(
        assignment.challenge.bids.filter(status__in=OPEN_BID_STATUSES)
        .select_related("organisation", "organisation__city")
        .prefetch_related("attachments")
        .order_by("submitted_at", "id")
    )
    reviews = {
        r.bid_id: r
        for r in Review.objects.filter(assignment=assignment, bid__in=bids).prefetch_related("scores")
    }
    rows = []
    for bid in bids:
        review = reviews.get(bid.pk)
        previous = {s.criterion_id: s.value for s in review.scores.all()} if review else {}
        rows.append(BidToScore(bid=bid, review=review, previous=previous))
    return rows
