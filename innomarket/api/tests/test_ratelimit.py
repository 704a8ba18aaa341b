"""Rate limits per token and per client address: 429 with Retry-After and a Chinese message."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_rates(settings):
    settings.INNOMARKET_API = {**settings.INNOMARKET_API, "RATE_TOKEN": "3/min", "RATE_ANONYMOUS": "2/min"}


def test_visitors_are_limited_per_address(client, world, small_rates):
    statuses = [client.get("/api/v1/types").status_code for _ in range(3)]
    other_address = client.get("/api/v1/types", REMOTE_ADDR="10.0.0.9")

    assert statuses == [200, 200, 429]
    assert other_address.status_code == 200


def test_each_token_has_its_own_budget(client, world, small_rates):
    a = world.headers("member_a")
    statuses = [client.get("/api/v1/me", **a).status_code for _ in range(4)]
    limited = client.get("/api/v1/me", **a)
    b = client.get("/api/v1/me", **world.headers("member_b"))

    assert statuses == [200, 200, 200, 429]
    assert limited.status_code == 429
    body = limited.json()
    assert body["code"] == "rate_limited" and body["field"] is None
    assert body["message"].startswith("请求过于频繁，请") and body["message"].endswith("秒后再试。")
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert b.status_code == 200


def test_behind_a_trusted_proxy_visitors_are_counted_by_the_forwarded_address(
    client, world, small_rates, settings
):
    """Behind nginx every request comes from 127.0.0.1: without the forwarded address all visitors
    would share one budget. Only the hop the proxy wrote counts, not what the client claimed."""
    settings.INNOMARKET_TRUSTED_PROXY_COUNT = 1

    def get(forwarded: str) -> int:
        return client.get(
            "/api/v1/types", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    first = [get("203.0.113.7") for _ in range(3)]
    spoofing = get("198.51.100.1, 203.0.113.7")  # the client wrote the left entry; the proxy the right one
    other_visitor = get("203.0.113.8")

    assert first == [200, 200, 429]
    assert spoofing == 429
    assert other_visitor == 200
