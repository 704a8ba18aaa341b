"""schemathesis against the OpenAPI document, in-process (WSGI): ≥ 2,000 generated calls, no server
error, every response conforming to the schema (status, content type, headers, body).

A fixed small world (``conftest.world``), derandomized generation, a fixed number of examples per
operation; operations that need a token are called with a member's or a city administrator's key.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from innomarket.regions.tests.helpers import make_listing

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 62  # 33 operations with parameters × 62 + the 5 without ≥ 2,000
CITY_OPERATIONS = {"verification_queue_counts"}


PUBLIC_SECURITY = [{"TokenAuth": []}, {}]

# Schema-valid requests the API refuses with 400 on purpose: an opaque cursor that was not issued by
# the server (its signature fails), and service rules a schema cannot express (asking about one's own
# record, 洽谈意向 on a non-achievement). Every such 400 still has to conform to the schema.
CONFIG = SchemathesisConfig.from_str(
    """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]
"""
)


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, keeping the test's database connection open between requests
    (as Django's test client does: the handler would close it after each one)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _runner(operation, headers, needs_token, calls, statuses):
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        calls["total"] += 1
        # Public reads alternate between a visitor and a token holder.
        send = headers if needs_token or calls["total"] % 2 else None
        response = case.call_and_validate(headers=send)
        statuses.add(response.status_code)
        if response.status_code >= 500:
            calls["5xx"] += 1

    return run


def test_generated_calls_cause_no_server_error_and_conform_to_the_schema(world, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app, config=CONFIG)
    calls = {"total": 0, "5xx": 0}
    statuses: set[int] = set()

    for result in schema.get_all_operations():
        operation = result.ok()
        raw = operation.definition.raw
        role = "admin_x" if raw.get("operationId") in CITY_OPERATIONS else "member_a"
        headers = {"Authorization": world.headers(role)["HTTP_AUTHORIZATION"]}
        _runner(operation, headers, raw.get("security") != PUBLIC_SECURITY, calls, statuses)()

    # A valid 在线咨询 on a record created just now, so that a created response is checked against the
    # schema whatever ids the generator drew (on PostgreSQL ids rarely match a generated one).
    fresh = make_listing("achievement", city="wuxi", title="乙新成果", owner=world.org_b)
    create = next(r.ok() for r in schema.get_all_operations() if r.ok().method.upper() == "POST")
    case = create.Case(
        body={"type": "achievement", "record_id": fresh.pk, "subject": "合作咨询", "message": "请联系。"}
    )
    created = case.call_and_validate(
        headers={"Authorization": world.headers("member_a")["HTTP_AUTHORIZATION"]}
    )
    statuses.add(created.status_code)

    assert calls["5xx"] == 0
    assert calls["total"] >= 2000, calls
    assert created.status_code == 201
    assert {200, 201, 400, 403, 404} <= statuses  # reads, 在线咨询 created, service refusals, scopes, misses
