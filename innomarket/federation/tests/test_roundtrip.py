"""Feed export → harvest round trip between two databases.

The exporting site is the test database: records are created there and its feed view is called through
the test client. The exact response bytes are served by a local HTTP server. The receiving site is a
second SQLite database: a copy of the migrated test database as committed (reference data only:
cities, field tags, content types), swapped in as the ``default`` connection while the harvester
runs, so the harvester's own transactions really commit there. Afterwards the harvested records are
compared field by field with the exported ones.
"""

from __future__ import annotations

import datetime as dt
import decimal
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.utils import timezone

from innomarket.backoffice.models import Feed
from innomarket.common.tests.factories import OrganisationFactory, field_tag
from innomarket.federation.schema import FEED_FIELDS, listing_type, record_data
from innomarket.federation.services import harvest
from innomarket.regions.models import City
from innomarket.regions.tests.helpers import make_listing
from innomarket.verification.models import StatusEvent

from .conftest import Reply

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_harvest")]


@pytest.fixture(autouse=True)
def _local_host_allowed(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]


class PeerDatabase:
    def __init__(self, wrapper) -> None:
        self.wrapper = wrapper

    @contextmanager
    def active(self) -> Iterator[None]:
        """Run the block with the peer as the ``default`` connection (this thread only)."""
        original = connections["default"]
        connections["default"] = self.wrapper
        try:
            yield
        finally:
            connections["default"] = original


@pytest.fixture
def peer_database(tmp_path, monkeypatch) -> Iterator[PeerDatabase]:
    default = connections["default"]
    if default.vendor != "sqlite" or default.is_in_memory_db():
        pytest.fail(
            "this test clones the file-based SQLite test database; the PostgreSQL run deselects it "
            "(-m 'not sqlite_file') and covers the round trip with the one-database test below",
            pytrace=False,
        )
    # The test's own connection holds an open transaction; a fresh connection copies the committed state.
    source = sqlite3.connect(default.settings_dict["NAME"])
    target = sqlite3.connect(tmp_path / "peer.sqlite3")
    with target:
        source.backup(target)
    source.close()
    target.close()
    settings_dict = {**default.settings_dict, "NAME": str(tmp_path / "peer.sqlite3")}
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias="default")
    # The in-memory search index belongs to the test database; keep the peer's writes out of it.
    monkeypatch.setattr("innomarket.matching.signals.schedule_reindex", lambda *args, **kwargs: None)
    try:
        yield PeerDatabase(wrapper)
    finally:
        wrapper.close()


def _export_and_serve(client, server, city: str, kind: str) -> str:
    """Fetch every page of the exporting site's feed and serve the exact response bytes locally.

    The view is asked as if it were the local server (``Host``), so the ``next`` links it writes point
    there and the bytes need no rewriting. Returns the feed address to configure on the receiving side.
    """
    host = server.base_url.removeprefix("http://")
    path = f"/feeds/v1/{city}/{kind}.json?limit=2"
    while path:
        response = client.get(path, headers={"host": host})
        assert response.status_code == 200
        server.serve(path, Reply(body=response.content))
        next_url = response.json()["next"]
        path = next_url.removeprefix(server.base_url) if next_url else None
    return server.url(f"/feeds/v1/{city}/{kind}.json?limit=2")


def _make_exporting_records():
    """Public policies and challenges of 无锡 in the exporting database, plus ones that must not travel."""
    owner = OrganisationFactory(name="无锡某集团", city=City.objects.get(slug="wuxi"))
    policies = []
    for n in range(3):
        policy = make_listing(
            "policy",
            city="wuxi",
            title=f"无锡政策{n}",
            summary=f"第 {n} 条政策的简介，含<标签>与“引号”",
            issuer="无锡市科学技术局",
            document_number=f"锡科规〔2025〕{n}号",
            level="municipal",
            support_type="talent",
            issued_on=dt.date(2025, 1, 10 + n),
            effective_to=dt.date(2027, 6, 30),
            full_text="第一条……\n第二条……",
            original_url="https://kjj.wuxi.gov.cn/doc.html",
            owner=owner,
        )
        policy.fields.set([field_tag("ai"), field_tag("ic")][: n + 1])
        policies.append(policy)
    make_listing("policy", city="wuxi", status="draft", title="无锡草稿政策")
    make_listing("policy", city="nanjing", title="南京政策")
    challenge = make_listing(
        "challenge",
        city="wuxi",
        status="bidding",
        title="高精度传感器封装",
        summary="公开简介",
        problem_statement="保密：良率须达 99.97%",
        acceptance_criteria="保密验收标准",
        budget_min=decimal.Decimal("50.00"),
        budget_max=decimal.Decimal("120.50"),
        deadline=dt.date(2025, 12, 31),
        owner=owner,
    )
    challenge.fields.set([field_tag("ic")])
    return policies, challenge


def _local(model, kind: str, records) -> dict[str, dict]:
    return {r.title: record_data(r, kind) for r in model.objects.filter(pk__in=[x.pk for x in records])}


@pytest.mark.sqlite_file
def test_export_then_harvest_into_a_second_database(client, feed_server, no_sleep, peer_database):
    # Given: the exporting site (the test database) with public and non-public records of 无锡
    policies, challenge = _make_exporting_records()
    expected = {
        "policy": _local(listing_type("policy").model, "policy", policies),
        "challenge": _local(listing_type("challenge").model, "challenge", [challenge]),
    }
    urls = {kind: _export_and_serve(client, feed_server, "wuxi", kind) for kind in ("policy", "challenge")}
    assert len([r for r in feed_server.routes if "/policy.json" in r]) == 2  # three policies at limit=2

    # When: the receiving site (the second database) harvests both feeds into its 无锡
    with peer_database.active():
        assert not listing_type("policy").model.objects.exists()  # really another database
        city = City.objects.get(slug="wuxi")
        results = {}
        for kind, target in (("policy", Feed.Target.POLICY), ("challenge", Feed.Target.CHALLENGE)):
            feed = Feed.objects.create(
                city=city, name=f"无锡{kind}", kind="json_api", target=target, url=urls[kind]
            )
            results[kind] = harvest(feed, sleep=no_sleep)
        again = harvest(Feed.objects.get(name="无锡policy"), full=True, sleep=no_sleep)

        # Then: every exported field arrived unchanged, as a record waiting for 无锡's verification
        harvested = {}
        for kind in ("policy", "challenge"):
            model = listing_type(kind).model
            rows = list(model.objects.filter(source="feed").prefetch_related("fields"))
            assert all(r.status == "submitted" and r.city_id == city.pk and r.owner_id is None for r in rows)
            harvested[kind] = {r.title: record_data(r, kind) for r in rows}
        peer_challenge = listing_type("challenge").model.objects.get()
        events = StatusEvent.objects.filter(to_status="submitted").count()

    assert results["policy"].message == "成功：新增 3，更新 0，下架 0，未变 0，错误 0"
    assert results["challenge"].message == "成功：新增 1，更新 0，下架 0，未变 0，错误 0"
    assert again.message == "成功：新增 0，更新 0，下架 0，未变 3，错误 0"
    for kind in ("policy", "challenge"):
        assert harvested[kind].keys() == expected[kind].keys()
        for title, fields in expected[kind].items():
            for name in FEED_FIELDS[kind]:
                assert harvested[kind][title][name] == fields[name], (kind, title, name)
    # Only the teaser of the challenge crossed over.
    assert peer_challenge.problem_statement == "" and peer_challenge.acceptance_criteria == ""
    assert events == 4
    # Nothing was written into the exporting database.
    assert not listing_type("policy").model.objects.filter(source="feed").exists()
    assert not Feed.objects.exists()


def test_round_trip_within_one_database_into_another_city(client, feed_server, no_sleep):
    policies, _ = _make_exporting_records()
    url = _export_and_serve(client, feed_server, "wuxi", "policy")
    feed = Feed.objects.create(
        city=City.objects.get(slug="changzhou"),
        name="无锡政策",
        kind="json_api",
        target=Feed.Target.POLICY,
        url=url,
    )

    result = harvest(feed, sleep=no_sleep)

    model = listing_type("policy").model
    copies = {
        p.title: record_data(p, "policy") for p in model.objects.filter(city__slug="changzhou", source="feed")
    }
    assert result.created == 3
    assert copies == {p.title: record_data(p, "policy") for p in policies}
    assert timezone.now() - feed.last_harvested_at < dt.timedelta(minutes=1)


def test_every_targets_choice_is_a_published_kind():
    from innomarket.federation.schema import HARVESTABLE_KINDS, feed_kinds, kind_for_target

    assert sorted(kind_for_target(value) for value in Feed.Target.values) == sorted(feed_kinds())
    assert set(HARVESTABLE_KINDS) == set(feed_kinds())


@pytest.mark.parametrize("kind", sorted(FEED_FIELDS))
def test_every_kind_travels_from_one_city_to_another(client, feed_server, no_sleep, kind):
    from innomarket.federation.schema import many_to_many_names

    exported = [make_listing(kind, city="wuxi", title=f"无锡{kind}示例{n}") for n in range(2)]
    for record in exported:
        record.fields.add(field_tag("ai"))
    make_listing(kind, city="wuxi", status=listing_type(kind).model.WORKFLOW.submitted)  # not public
    target = next(
        value
        for value in Feed.Target.values
        if value.endswith("." + listing_type(kind).model.__name__.lower())
    )
    feed = Feed.objects.create(
        city=City.objects.get(slug="changzhou"),
        name=f"无锡{kind}",
        kind="json_api",
        target=target,
        url=_export_and_serve(client, feed_server, "wuxi", kind),
    )

    result = harvest(feed, sleep=no_sleep)

    model = listing_type(kind).model
    copies = list(model.objects.filter(city__slug="changzhou", source="feed"))
    assert result.message == "成功：新增 2，更新 0，下架 0，未变 0，错误 0", result.message
    assert all(c.status == model.WORKFLOW.submitted and c.is_sample for c in copies)
    # Every published field arrived as it left (other many-to-many lists are published for reading only).
    skipped = set(many_to_many_names(kind)) - {"fields"}
    expected = {str(r): {k: v for k, v in record_data(r, kind).items() if k not in skipped} for r in exported}
    arrived = {str(c): {k: v for k, v in record_data(c, kind).items() if k not in skipped} for c in copies}
    assert arrived == expected
