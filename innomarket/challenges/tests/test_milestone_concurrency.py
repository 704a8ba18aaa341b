"""Two last acceptances at the same moment (two threads, two connections): the challenge is completed
once, by whichever acceptance comes second. See ``test_concurrency`` for how the race is run."""

from __future__ import annotations

import pytest

from innomarket.challenges import milestones
from innomarket.lists.models import CooperationMilestone
from innomarket.verification.models import StatusEvent

from .test_concurrency import race
from .test_milestones import awarded

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_reference_data")]


def test_two_simultaneous_acceptances_of_the_last_milestones_complete_the_challenge_once(world):
    challenge, cooperation, first, second = awarded(world)
    for milestone in (first, second):
        milestones.milestone_report(actor=world.bidder_a, milestone=milestone, note="完成")

    results = race(
        lambda: milestones.milestone_accept(actor=world.owner_user, milestone=first),
        lambda: milestones.milestone_accept(actor=world.admin, milestone=second),
    )

    assert all(isinstance(r, CooperationMilestone) for r in results), results
    challenge.refresh_from_db()
    cooperation.refresh_from_db()
    assert challenge.status == "completed" and cooperation.phase == "past"
    completions = StatusEvent.objects.filter(
        content_type__model="challenge", object_id=challenge.pk, to_status="completed"
    )
    assert completions.count() == 1
