"""揭榜挂帅统计: the challenge funnel and how fast owners answer, per city and alliance-wide.

Pure reads. ``challenge_stats`` runs a fixed number of aggregate queries (cities, challenges grouped
by city, bids grouped by city, the answered bids' two timestamps, invitations grouped by city),
whatever the number of challenges; medians are computed in Python over the answered bids' durations.

The funnel counts one unit, challenges (项榜单), at every stage; bids (份方案) are reported beside it,
never inside it (a challenge can receive many bids). Definitions (the statistics page repeats them in
plain words), each first as the stage itself:

- posted (发榜): challenges ever submitted for verification — status other than draft, or a
  ``StatusEvent`` to "submitted" (a challenge withdrawn back to draft still counts once posted);
- published (核验发布): challenges ever published — ``published_at`` is set;
- with bids (收到揭榜): challenges with at least one submitted bid (``Bid.submitted_at`` set);
- evaluated (进入评审): challenges with bids whose bidding closed for evaluation — status evaluating,
  awarded, in progress or completed, or a ``StatusEvent`` to "evaluating";
- awarded (定榜): challenges awarded, in progress or completed, or ever awarded per their events
  (cancelled after the award still counts);
- completed (完成): challenges completed.

A challenge at a stage has passed every earlier one (the workflow allows no shortcut), so each stage
also counts the challenges that reached a later one: an imported completed challenge without bid
records still counts as having received bids. The funnel therefore never widens, per city or in total.

Beside the funnel (``BidFigures``):

- bids (揭榜方案): submitted bids, whatever became of them (withdrawn ones included);
- shortlisted (入围方案): bids ever shortlisted — status shortlisted/awarded/contracted, or a
  ``StatusEvent`` to "shortlisted" (declined or cancelled after the shortlist still counts).

Response times, over submitted bids: the time from ``submitted_at`` to ``responded_at`` (the owner's
first answer: shortlist, decline or award). "Answered within N days" (N = ``RESPONSE_DAYS``) divides
the bids answered within N days by the bids that have had N days to be answered: those answered,
plus those still waiting (status submitted, no answer) that were submitted at least N days ago.
Bids withdrawn or cancelled before any answer left the queue and are not counted there (nor are
records without ``responded_at``, e.g. imported ones); "unanswered" counts the bids still waiting.
Invitations likewise: answered (揭榜 or 婉拒) within N days of the invitation, over the invitations
answered or sent at least N days ago.

Every record of a city counts towards the city of its challenge. Sample records (``is_sample``) are
counted; ``ChallengeStats.includes_sample`` tells the page to say so.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, Model, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innomarket.regions.models import City
from innomarket.regions.selectors import city_list
from innomarket.verification.models import StatusEvent

from .models import Bid, Challenge, ChallengeStatus, Invitation

AWARDED_CHALLENGE_STATUSES = ("awarded", "in_progress", "completed")
EVALUATED_CHALLENGE_STATUSES = ("evaluating", *AWARDED_CHALLENGE_STATUSES)
SHORTLISTED_BID_STATUSES = ("shortlisted", "awarded", "contracted")

# (attribute, label) of each funnel stage, in funnel order; every stage counts challenges.
FUNNEL_STAGES: tuple[tuple[str, Any], ...] = (
    ("posted", _("发榜")),
    ("published", _("核验发布")),
    ("with_bids", _("收到揭榜")),
    ("evaluated", _("进入评审")),
    ("awarded", _("定榜")),
    ("completed", _("完成")),
)
FUNNEL_UNIT = _("项榜单")


def response_days() -> int:
    return int(settings.INNOMARKET_CHALLENGES["RESPONSE_DAYS"])


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Stage:
    key: str
    label: Any
    value: int
    percent: float | None  # of the challenges posted (None when none was posted)

    @property
    def unit(self) -> Any:
        return FUNNEL_UNIT

    @property
    def bar_width(self) -> float:
        """The stage's bar, in percent of the widest (the first stage); a sliver when not empty."""
        if not self.value or self.percent is None:
            return 0.0
        return max(round(self.percent, 1), 1.0)


@dataclass
class Funnel:
    """Challenges (项榜单) at each stage; a stage includes those that went further."""

    posted: int = 0
    published: int = 0
    with_bids: int = 0
    evaluated: int = 0
    awarded: int = 0
    completed: int = 0

    @property
    def stages(self) -> list[Stage]:
        return [
            Stage(key, label, getattr(self, key), _percent(getattr(self, key), self.posted))
            for key, label in FUNNEL_STAGES
        ]

    def add(self, other: Funnel) -> None:
        for key, _label in FUNNEL_STAGES:
            setattr(self, key, getattr(self, key) + getattr(other, key))


@dataclass
class BidFigures:
    """Bids (份方案), reported beside the funnel: a challenge may receive many."""

    submitted: int = 0
    shortlisted: int = 0

    def add(self, other: BidFigures) -> None:
        self.submitted += other.submitted
        self.shortlisted += other.shortlisted


@dataclass
class Responses:
    """How fast bids and invitations of one city (or of all) were answered."""

    durations: list[float] = field(default_factory=list)  # days from submission to first answer
    eligible: int = 0  # bids answered, or waiting for at least N days
    within: int = 0  # bids answered within N days
    unanswered: int = 0  # submitted bids still waiting for an answer
    invitations_eligible: int = 0
    invitations_within: int = 0
    invitations_unanswered: int = 0

    @property
    def answered(self) -> int:
        return len(self.durations)

    @property
    def median_days(self) -> float | None:
        return round(statistics.median(self.durations), 1) if self.durations else None

    @property
    def mean_days(self) -> float | None:
        return round(statistics.fmean(self.durations), 1) if self.durations else None

    @property
    def within_percent(self) -> float | None:
        """Share of bids answered within N days, in percent (None when no bid has had N days yet)."""
        return _percent(self.within, self.eligible)

    @property
    def invitations_within_percent(self) -> float | None:
        return _percent(self.invitations_within, self.invitations_eligible)

    def add(self, other: Responses) -> None:
        self.durations.extend(other.durations)
        for name in (
            "eligible",
            "within",
            "unanswered",
            "invitations_eligible",
            "invitations_within",
            "invitations_unanswered",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ScopeStats:
    """The figures of one city, or of the whole alliance when ``city`` is None."""

    city: City | None
    funnel: Funnel = field(default_factory=Funnel)
    bids: BidFigures = field(default_factory=BidFigures)
    responses: Responses = field(default_factory=Responses)

    @property
    def name(self) -> Any:
        return self.city.name if self.city is not None else _("全联盟")


@dataclass
class ChallengeStats:
    days: int  # N, the response time every bid and invitation is owed
    rows: list[ScopeStats]  # one per city shown: members, and other cities with challenges
    total: ScopeStats  # the alliance: every challenge, whichever its city
    includes_sample: bool

    def for_city(self, slug: str) -> ScopeStats | None:
        return next((row for row in self.rows if row.city is not None and row.city.slug == slug), None)


def _events_to(model: type[Model], to_status: str) -> QuerySet[StatusEvent]:
    return StatusEvent.objects.filter(
        content_type__app_label=model._meta.app_label,
        content_type__model=model._meta.model_name,
        object_id=OuterRef("pk"),
        to_status=to_status,
    )


def _challenge_counts() -> QuerySet[Any]:
    """Each stage as "reached it, or a later stage" (the module's definitions), built from the end."""
    ever_submitted = Q(Exists(_events_to(Challenge, ChallengeStatus.SUBMITTED))) | ~Q(
        status=ChallengeStatus.DRAFT
    )
    has_bids = Q(Exists(Bid.objects.filter(challenge=OuterRef("pk"), submitted_at__isnull=False)))
    ever_evaluating = Q(Exists(_events_to(Challenge, ChallengeStatus.EVALUATING))) | Q(
        status__in=EVALUATED_CHALLENGE_STATUSES
    )
    completed = Q(status=ChallengeStatus.COMPLETED)
    awarded = Q(Exists(_events_to(Challenge, ChallengeStatus.AWARDED))) | Q(
        status__in=AWARDED_CHALLENGE_STATUSES
    )
    evaluated = (ever_evaluating & has_bids) | awarded
    with_bids = has_bids | evaluated
    published = Q(published_at__isnull=False) | with_bids
    posted = ever_submitted | published
    return (
        Challenge.objects.order_by()
        .values("city_id")
        .annotate(
            posted=Count("pk", filter=posted),
            published=Count("pk", filter=published),
            with_bids=Count("pk", filter=with_bids),
            evaluated=Count("pk", filter=evaluated),
            awarded=Count("pk", filter=awarded),
            completed=Count("pk", filter=completed),
            samples=Count("pk", filter=Q(is_sample=True)),
        )
    )


def _bid_counts(*, days: int, now: dt.datetime) -> QuerySet[Any]:
    ever_shortlisted = Q(Exists(_events_to(Bid, Bid.Status.SHORTLISTED))) | Q(
        status__in=SHORTLISTED_BID_STATUSES
    )
    waiting = Q(status=Bid.Status.SUBMITTED, responded_at__isnull=True)
    answered = Q(responded_at__isnull=False)
    return (
        Bid.objects.filter(submitted_at__isnull=False)
        .order_by()
        .values("challenge__city_id")
        .annotate(
            bids=Count("pk"),
            shortlisted=Count("pk", filter=ever_shortlisted),
            eligible=Count(
                "pk", filter=answered | (waiting & Q(submitted_at__lte=now - dt.timedelta(days=days)))
            ),
            within=Count(
                "pk", filter=answered & Q(responded_at__lte=F("submitted_at") + dt.timedelta(days=days))
            ),
            unanswered=Count("pk", filter=waiting),
            samples=Count("pk", filter=Q(is_sample=True)),
        )
    )


def _answered_bids() -> QuerySet[Any]:
    return (
        Bid.objects.filter(submitted_at__isnull=False, responded_at__isnull=False)
        .order_by()
        .values_list("challenge__city_id", "submitted_at", "responded_at")
    )


def _invitation_counts(*, days: int, now: dt.datetime) -> QuerySet[Any]:
    answered = Q(status__in=(Invitation.Status.BID, Invitation.Status.DECLINED), responded_at__isnull=False)
    waiting = Q(status=Invitation.Status.SENT)
    return (
        Invitation.objects.order_by()
        .values("challenge__city_id")
        .annotate(
            eligible=Count(
                "pk", filter=answered | (waiting & Q(created_at__lte=now - dt.timedelta(days=days)))
            ),
            within=Count(
                "pk", filter=answered & Q(responded_at__lte=F("created_at") + dt.timedelta(days=days))
            ),
            unanswered=Count("pk", filter=waiting),
        )
    )


def _days(start: dt.datetime, end: dt.datetime) -> float:
    return max((end - start).total_seconds(), 0.0) / 86400


def challenge_stats(*, now: dt.datetime | None = None) -> ChallengeStats:
    """The funnel and response figures of every city, and of the alliance (see the module's definitions).

    Five queries, whatever the number of challenges, bids and invitations.
    Rows: the alliance's member cities, then any other city that has challenges, in the alliance's order.
    """
    now = now or timezone.now()
    days = response_days()
    city_rows = list(city_list())
    scopes: dict[int, ScopeStats] = defaultdict(lambda: ScopeStats(city=None))
    samples = 0

    for row in _challenge_counts():
        funnel = scopes[row["city_id"]].funnel
        for key, _label in FUNNEL_STAGES:
            setattr(funnel, key, row[key])
        samples += row["samples"]
    for row in _bid_counts(days=days, now=now):
        scope = scopes[row["challenge__city_id"]]
        scope.bids.submitted, scope.bids.shortlisted = row["bids"], row["shortlisted"]
        scope.responses.eligible, scope.responses.within = row["eligible"], row["within"]
        scope.responses.unanswered = row["unanswered"]
        samples += row["samples"]
    for city_id, submitted_at, responded_at in _answered_bids():
        scopes[city_id].responses.durations.append(_days(submitted_at, responded_at))
    for row in _invitation_counts(days=days, now=now):
        responses = scopes[row["challenge__city_id"]].responses
        responses.invitations_eligible, responses.invitations_within = row["eligible"], row["within"]
        responses.invitations_unanswered = row["unanswered"]

    total = ScopeStats(city=None)
    for scope in scopes.values():
        total.funnel.add(scope.funnel)
        total.bids.add(scope.bids)
        total.responses.add(scope.responses)
    rows = []
    for city in city_rows:
        if city.is_member or city.pk in scopes:
            scope = scopes.get(city.pk) or ScopeStats(city=city)
            scope.city = city
            rows.append(scope)
    return ChallengeStats(days=days, rows=rows, total=total, includes_sample=samples > 0)


def chart_data(stats: ChallengeStats) -> dict[str, dict[str, Any]]:
    """The payloads of the page's two comparison charts (``frontend/src/charts.js``: labels and series).

    The funnel is drawn in HTML by the page itself (its stage names are text, legible at any width)."""
    labels = [row.city.short_name if row.city else "" for row in stats.rows]
    return {
        "share": {
            "labels": labels,
            "series": [
                {
                    "name": str(_("揭榜方案 %(days)d 天内答复率（%%）") % {"days": stats.days}),
                    "values": [row.responses.within_percent for row in stats.rows],
                },
                {
                    "name": str(_("邀请 %(days)d 天内答复率（%%）") % {"days": stats.days}),
                    "values": [row.responses.invitations_within_percent for row in stats.rows],
                },
            ],
        },
        "bids": {
            "labels": labels,
            "series": [
                {"name": str(_("揭榜方案")), "values": [row.bids.submitted for row in stats.rows]},
                {"name": str(_("入围方案")), "values": [row.bids.shortlisted for row in stats.rows]},
            ],
        },
    }
