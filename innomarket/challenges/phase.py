"""榜单状态徽标: where a challenge stands, as the public sees it.

Every teaser of a challenge (the home page, the list and the tech section, search hits, its own page)
shows one short label as text, so a challenge that no longer takes bids is never mistaken for an open
one. "Open" is ``Challenge.is_open_for_bids``: published or taking bids, and the deadline not passed.
A published challenge past its deadline (the housekeeping run has not moved it yet) reads 已截止.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import BIDDABLE_STATUSES, Challenge, ChallengeStatus

OPEN = "open"
DEADLINE_PASSED = "deadline_passed"

# The badge's look per phase (the label carries the meaning; the colour only repeats it).
TONES = {
    OPEN: "open",
    ChallengeStatus.EVALUATING: "underway",
    ChallengeStatus.AWARDED: "underway",
    ChallengeStatus.IN_PROGRESS: "underway",
    ChallengeStatus.COMPLETED: "done",
}


@dataclass(frozen=True)
class Phase:
    key: str  # "open", "deadline_passed", or the challenge's status
    label: Any
    is_open: bool

    @property
    def tone(self) -> str:
        return TONES.get(self.key, "closed")


def challenge_phase(challenge: Challenge, *, today: dt.date | None = None) -> Phase:
    """The public state of ``challenge``: 揭榜中 while it takes bids, then 已截止, 评审中, 已定榜, 攻关中,
    已完成 (or its status's own label for states the public does not see)."""
    if challenge.status in BIDDABLE_STATUSES:
        today = today or timezone.localdate()
        if challenge.deadline is None or challenge.deadline >= today:
            return Phase(OPEN, _("揭榜中"), is_open=True)
        return Phase(DEADLINE_PASSED, _("已截止"), is_open=False)
    if challenge.status == ChallengeStatus.EXPIRED:
        return Phase(ChallengeStatus.EXPIRED, _("已截止"), is_open=False)
    return Phase(challenge.status, ChallengeStatus(challenge.status).label, is_open=False)
