"""Overlapping approvals under real concurrency: two threads, two database connections, one barrier.

Runs against the test database file (SQLite, IMMEDIATE transactions) and against PostgreSQL in the
PostgreSQL run of the suite (``make test-postgres``). Whatever the database, the unique slot
constraint lets exactly one of two overlapping approvals commit.
"""

from __future__ import annotations

import pytest

from innomarket.challenges.tests.test_concurrency import race
from innomarket.common.exceptions import ApplicationError
from innomarket.common.tests.factories import member_of
from innomarket.resources import services
from innomarket.resources.models import BlockedPeriod, Booking, BookingSlot

from .conftest import period, working_day

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_reference_data")]


def test_two_overlapping_approvals_at_once_only_one_commits(world):
    a = world.request(start="09:00", end="12:00")
    b = world.request(who="other", start="11:00", end="14:00")
    second_owner = member_of(world.owner, username="owner2")

    results = race(
        lambda: services.booking_approve(actor=world.owner_user, booking=a),
        lambda: services.booking_approve(actor=second_owner, booking=b),
    )

    approved = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(approved) == 1 and len(refused) == 1, results
    assert "已被占用" in refused[0].message
    statuses = sorted(Booking.objects.values_list("status", flat=True))
    assert statuses == ["approved", "pending"]
    winner = approved[0]
    assert set(BookingSlot.objects.values_list("booking_id", flat=True)) == {winner.pk}
    assert BookingSlot.objects.count() == 6


def test_approval_and_blocking_the_same_day_at_once_only_one_commits(world):
    booking = world.request(start="09:00", end="10:00")
    start, end = period(working_day(3), "00:00", "23:30")

    results = race(
        lambda: services.booking_approve(actor=world.owner_user, booking=booking),
        lambda: services.blocked_period_add(
            actor=world.owner_user,
            bookable=world.bookable,
            starts_at=start,
            ends_at=end,
            reason="maintenance",
        ),
    )

    assert sum(isinstance(r, ApplicationError) for r in results) == 1, results
    approved = Booking.objects.filter(status="approved").exists()
    blocked = BlockedPeriod.objects.exists()
    assert approved != blocked
    owners = set(BookingSlot.objects.values_list("booking_id", "blocked_id"))
    assert len({o[0] is None for o in owners}) == 1
