"""The last seat under real concurrency: two threads, two connections, one barrier (SQLite's
IMMEDIATE transactions; ``SELECT … FOR UPDATE`` on the event row on PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from innomarket.common.tests.factories import OrganisationFactory, UserFactory, city, member_of
from innomarket.events import services
from innomarket.events.models import Registration

from .conftest import make_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_reference_data")]


def race(*calls: Callable[[], Any]) -> list[Any]:
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


def test_two_people_taking_the_last_seat_give_one_seat_and_one_waiting_place():
    org = OrganisationFactory(name="苏州某孵化器", city=city("suzhou"))
    member_of(org, username="organiser")
    event = make_event(org, capacity=1)
    a, b = UserFactory(username="a", name="甲"), UserFactory(username="b", name="乙")

    results = race(
        lambda: services.registration_submit(actor=a, event=event, name="甲"),
        lambda: services.registration_submit(actor=b, event=event, name="乙"),
    )

    assert all(isinstance(r, Registration) for r in results), results
    assert sorted(r.status for r in results) == ["confirmed", "waitlisted"]


def test_two_cancellations_at_once_promote_two_people_in_order():
    org = OrganisationFactory(name="苏州某孵化器", city=city("suzhou"))
    event = make_event(org, capacity=2)
    people = [UserFactory(username=f"u{n}", name=f"人{n}") for n in range(4)]
    regs = [services.registration_submit(actor=p, event=event, name=p.name) for p in people]

    results = race(
        lambda: services.registration_cancel(actor=people[0], registration=regs[0]),
        lambda: services.registration_cancel(actor=people[1], registration=regs[1]),
    )

    assert all(isinstance(r, Registration) for r in results), results
    statuses = dict(Registration.objects.values_list("user__username", "status"))
    assert statuses == {"u0": "cancelled", "u1": "cancelled", "u2": "confirmed", "u3": "confirmed"}
    codes = list(Registration.objects.filter(status="confirmed").values_list("check_in_code", flat=True))
    assert len(set(codes)) == 2
