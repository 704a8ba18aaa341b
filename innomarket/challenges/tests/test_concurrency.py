"""Row locks under real concurrency: two threads, two database connections, one barrier.

These run against the test database file (SQLite, IMMEDIATE transactions) and against PostgreSQL
(``SELECT … FOR UPDATE``) in the PostgreSQL run of the suite.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from innomarket.challenges import services
from innomarket.challenges.models import Bid, Review
from innomarket.common.exceptions import ApplicationError, ErrorCode
from innomarket.lists.models import Cooperation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_reference_data")]


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` at the same moment in separate threads; each result is a value or the exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 — the test inspects it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_simultaneous_awards_make_one_cooperation(world):
    challenge = world.challenge()
    a = world.bid(challenge, "a")
    b = world.bid(challenge, "b")
    services.bidding_close(actor=world.owner_user, challenge=challenge)
    services.bid_shortlist(actor=world.owner_user, bid=a)
    services.bid_shortlist(actor=world.owner_user, bid=b)
    a, b = Bid.objects.get(pk=a.pk), Bid.objects.get(pk=b.pk)
    milestones = [("交付", dt.date(2027, 6, 30))]

    results = race(
        lambda: services.bid_award(actor=world.owner_user, bid=a, milestones=milestones),
        lambda: services.bid_award(actor=world.admin, bid=b, milestones=milestones),
    )

    won = [r for r in results if isinstance(r, Cooperation)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(won) == 1 and len(refused) == 1, results
    assert refused[0].code == ErrorCode.ALREADY_AWARDED
    assert Cooperation.objects.filter(challenge=challenge).count() == 1
    statuses = sorted(Bid.objects.filter(challenge=challenge).values_list("status", flat=True))
    assert statuses == ["awarded", "declined"]


def test_two_evaluators_scoring_at_once_both_count(world):
    from innomarket.common.tests.factories import UserFactory
    from innomarket.regions.tests.helpers import make_listing

    challenge = world.challenge()
    a = world.bid(challenge, "a")
    second_user = UserFactory(username="expert2")
    second = make_listing("expert", city="nanjing", title="评审专家乙", user=second_user, is_sample=False)
    assignments = [
        services.evaluator_assign(actor=world.owner_user, challenge=challenge, expert=expert)
        for expert in (world.expert, second)
    ]
    for user, assignment in zip((world.expert_user, second_user), assignments, strict=True):
        services.evaluator_declare(actor=user, assignment=assignment, has_conflict=False)
    services.bidding_close(actor=world.owner_user, challenge=challenge)
    criteria = list(challenge.criteria.all())

    results = race(
        lambda: services.review_submit(
            actor=world.expert_user, assignment=assignments[0], bid=a, scores={c.pk: 80 for c in criteria}
        ),
        lambda: services.review_submit(
            actor=second_user, assignment=assignments[1], bid=a, scores={c.pk: 60 for c in criteria}
        ),
    )

    assert all(isinstance(r, Review) for r in results), results
    assert sorted(Review.objects.filter(bid=a).values_list("total", flat=True)) == [60, 80]


def test_one_evaluator_submitting_twice_at_once_keeps_one_review(world):
    challenge = world.challenge()
    a = world.bid(challenge, "a")
    assignment = services.evaluator_assign(actor=world.owner_user, challenge=challenge, expert=world.expert)
    services.evaluator_declare(actor=world.expert_user, assignment=assignment, has_conflict=False)
    services.bidding_close(actor=world.owner_user, challenge=challenge)
    criteria = list(challenge.criteria.all())

    results = race(
        *(
            (
                lambda v=v: services.review_submit(
                    actor=world.expert_user, assignment=assignment, bid=a, scores={c.pk: v for c in criteria}
                )
            )
            for v in (70, 90)
        )
    )

    assert all(isinstance(r, Review) for r in results), results
    assert Review.objects.filter(bid=a).count() == 1
    assert Review.objects.get(bid=a).scores.count() == len(criteria)
