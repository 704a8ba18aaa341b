from __future__ import annotations

import datetime as dt
import decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from innomarket.catalog import LISTING_TYPES
from innomarket.common.tests.factories import OrganisationFactory, field_tag
from innomarket.federation.schema import FEED_FIELDS
from innomarket.regions.models import City
from innomarket.regions.tests.helpers import make_listing
from innomarket.verification.services import transition

pytestmark = pytest.mark.django_db

ENVELOPE_KEYS = {"version", "city", "kind", "generated_at", "since", "items", "deleted", "next"}
ITEM_KEYS = {
    "id",
    "kind",
    "city",
    "url",
    "status",
    "is_sample",
    "updated_at",
    "published_at",
    "last_verified_at",
    "owner",
    "data",
}


def _get(client, path, **params):
    return client.get(path, params)


def _set_updated(record, when: dt.datetime) -> None:
    type(record).objects.filter(pk=record.pk).update(updated_at=when)


def test_feed_item_shape(client):
    owner = OrganisationFactory(name="南京某研究院")
    policy = make_listing(
        "policy",
        city="nanjing",
        title="南京人工智能政策",
        owner=owner,
        issued_on=dt.date(2025, 3, 1),
        document_number="宁科〔2025〕1号",
    )
    policy.fields.set([field_tag("ai")])

    response = _get(client, "/feeds/v1/nanjing/policy.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ENVELOPE_KEYS
    assert (body["version"], body["city"], body["kind"], body["next"]) == ("1", "nanjing", "policy", None)
    assert timezone.datetime.fromisoformat(body["generated_at"]).tzinfo is not None
    [item] = body["items"]
    assert set(item) == ITEM_KEYS
    assert item["id"] == f"nanjing:policy:{policy.pk}"
    assert item["url"] == f"http://testserver/policies/{policy.pk}/"
    assert item["owner"] == "南京某研究院"
    assert dt.datetime.fromisoformat(item["updated_at"]) == policy.updated_at
    assert list(item["data"]) == list(FEED_FIELDS["policy"])
    assert item["data"]["fields"] == ["ai"]
    assert item["data"]["issued_on"] == "2025-03-01"
    assert item["data"]["document_number"] == "宁科〔2025〕1号"
    assert "南京人工智能政策" in response.content.decode("utf-8")  # not \u-escaped


def test_decimals_are_strings_and_datetimes_iso(client):
    make_listing("space", city="nanjing", area_m2=decimal.Decimal("1200.5"))
    start = timezone.make_aware(dt.datetime(2025, 5, 1, 9, 30))
    make_listing("event", city="nanjing", starts_at=start)

    space = _get(client, "/feeds/v1/nanjing/space.json").json()["items"][0]["data"]
    event = _get(client, "/feeds/v1/nanjing/event.json").json()["items"][0]["data"]

    assert space["area_m2"] == "1200.5"
    assert space["vacant_area_m2"] is None
    assert dt.datetime.fromisoformat(event["starts_at"]) == start


def test_every_public_kind_of_the_catalogue_is_published():
    assert set(FEED_FIELDS) == set(LISTING_TYPES)


@pytest.mark.parametrize("kind", sorted(LISTING_TYPES))
def test_every_kind_is_served_with_its_sample_flag(client, kind):
    sample = make_listing(kind, city="wuxi")  # make_listing marks records as samples
    real = make_listing(kind, city="wuxi", is_sample=False)
    hidden = make_listing(kind, city="wuxi", status="draft")

    body = _get(client, f"/feeds/v1/wuxi/{kind}.json").json()

    assert [(i["id"], i["is_sample"]) for i in body["items"]] == [
        (f"wuxi:{kind}:{sample.pk}", True),
        (f"wuxi:{kind}:{real.pk}", False),
    ]
    assert all(set(i) == ITEM_KEYS and set(i["data"]) == set(FEED_FIELDS[kind]) for i in body["items"])
    assert f"wuxi:{kind}:{hidden.pk}" not in str(body)


# Fields that exist on a model but are not public: never in the feed, whatever they hold.
PRIVATE_FIELDS = {
    "status_reason",
    "source_note",
    "created_by",
    "external_ref",
    "problem_statement",
    "indicators",
    "acceptance_criteria",
    "constraints",
    "confidentiality",
    "tech_manager",
    "user",
    "members",
}


@pytest.mark.parametrize("kind", sorted(LISTING_TYPES))
def test_only_public_fields_are_published(kind):
    model = LISTING_TYPES[kind].model
    names = {f.name for f in model._meta.get_fields()}

    assert not PRIVATE_FIELDS & set(FEED_FIELDS[kind])
    assert set(FEED_FIELDS[kind]) <= names  # every published key is a field of the model


def test_people_are_published_without_their_phone_numbers(client):
    make_listing("expert", city="wuxi", summary="联系电话 13912345678，欢迎合作", expertise="集成电路")

    [item] = _get(client, "/feeds/v1/wuxi/expert.json").json()["items"]

    assert "13912345678" not in item["data"]["summary"] and "电话已隐藏" in item["data"]["summary"]
    assert "user" not in item["data"] and "contact" not in item["data"]


def test_many_to_many_values_are_slugs(client):
    cooperation = make_listing("cooperation", city="wuxi")
    cooperation.partner_cities.set([City.objects.get(slug="suzhou"), City.objects.get(slug="nanjing")])

    [item] = _get(client, "/feeds/v1/wuxi/cooperation.json").json()["items"]

    assert item["data"]["partner_cities"] == ["nanjing", "suzhou"]


def _withdraw(record, to_status="archived"):
    with transaction.atomic():
        transition(record=record, actor=None, to_status=to_status, reason="下架")


def test_a_withdrawn_record_appears_as_a_deletion_marker(client):
    kept = make_listing("policy", city="nanjing")
    withdrawn = make_listing("policy", city="nanjing")
    expired = make_listing("policy", city="nanjing")
    other_city = make_listing("policy", city="suzhou")
    before = timezone.now()
    _withdraw(withdrawn)
    _withdraw(expired, "expired")
    _withdraw(other_city)

    body = _get(client, "/feeds/v1/nanjing/policy.json", since=before.isoformat()).json()
    full = _get(client, "/feeds/v1/nanjing/policy.json").json()
    after = _get(client, "/feeds/v1/nanjing/policy.json", since=timezone.now().isoformat()).json()

    assert [d["id"] for d in body["deleted"]] == [
        f"nanjing:policy:{withdrawn.pk}",
        f"nanjing:policy:{expired.pk}",
    ]
    marker = body["deleted"][0]
    assert set(marker) == {"id", "kind", "deleted_at"} and marker["kind"] == "policy"
    assert dt.datetime.fromisoformat(marker["deleted_at"]) >= before
    assert [i["id"] for i in full["items"]] == [f"nanjing:policy:{kept.pk}"]
    assert len(full["deleted"]) == 2  # without since: every record that left
    assert after["deleted"] == []  # strictly after since


def test_a_deleted_record_appears_as_a_deletion_marker_and_a_republished_one_does_not(client):
    deleted = make_listing("space", city="nanjing", title="将被删除的空间")
    back = make_listing("space", city="nanjing")
    never_public = make_listing("space", city="nanjing", status="draft")
    _withdraw(back)
    with transaction.atomic():
        transition(record=back, actor=None, to_status="submitted", reason="重新提交")
        transition(record=back, actor=None, to_status="published", reason="核验通过")
    pks = {"deleted": deleted.pk, "draft": never_public.pk}
    deleted.delete()
    never_public.delete()

    body = _get(client, "/feeds/v1/nanjing/space.json").json()

    assert [d["id"] for d in body["deleted"]] == [f"nanjing:space:{pks['deleted']}"]
    assert [i["id"] for i in body["items"]] == [f"nanjing:space:{back.pk}"]
    assert "将被删除的空间" not in str(body)


def test_deletion_markers_page_after_the_items(client):
    records = [make_listing("policy", city="nanjing") for _ in range(4)]
    for record in records[:3]:
        _withdraw(record)

    items, deleted, pages, url = [], [], 0, "/feeds/v1/nanjing/policy.json?limit=2"
    while url:
        body = client.get(url).json()
        pages += 1
        assert len(body["items"]) + len(body["deleted"]) <= 2
        items += [i["id"] for i in body["items"]]
        deleted += [d["id"] for d in body["deleted"]]
        url = body["next"]

    assert items == [f"nanjing:policy:{records[3].pk}"]
    assert deleted == [f"nanjing:policy:{r.pk}" for r in records[:3]]
    assert pages == 2


def test_only_public_records_of_the_city(client):
    shown = make_listing("policy", city="nanjing", status="published")
    for status in ("draft", "submitted", "rejected", "expired", "archived"):
        make_listing("policy", city="nanjing", status=status)
    make_listing("policy", city="suzhou", status="published")

    body = _get(client, "/feeds/v1/nanjing/policy.json").json()

    assert [i["id"] for i in body["items"]] == [f"nanjing:policy:{shown.pk}"]


def test_challenge_feed_carries_the_teaser_only(client):
    secret = "保密的技术指标：良率须达 99.97%"
    challenge = make_listing(
        "challenge",
        city="nanjing",
        status="bidding",
        summary="公开的榜单简介",
        problem_statement=secret,
        indicators=secret,
        acceptance_criteria=secret,
        constraints=secret,
        confidentiality="confidential",
        budget_min=decimal.Decimal("100"),
        budget_max=decimal.Decimal("300.50"),
    )
    make_listing("challenge", city="nanjing", status="submitted", summary="未发布")

    response = _get(client, "/feeds/v1/nanjing/challenge.json")

    [item] = response.json()["items"]
    assert item["id"] == f"nanjing:challenge:{challenge.pk}"
    assert item["status"] == "bidding"
    assert set(item["data"]) == {"title", "summary", "kind", "budget_min", "budget_max", "deadline", "fields"}
    assert item["data"]["budget_max"] == "300.50"
    text = response.content.decode("utf-8")
    assert secret not in text and "confidential" not in text and "未发布" not in text


def test_since_returns_records_changed_after_it(client):
    old, new = make_listing("policy", city="nanjing"), make_listing("policy", city="nanjing")
    _set_updated(old, timezone.make_aware(dt.datetime(2025, 1, 1, 8)))
    _set_updated(new, timezone.make_aware(dt.datetime(2025, 2, 1, 8)))

    everything = _get(client, "/feeds/v1/nanjing/policy.json").json()["items"]
    later = _get(client, "/feeds/v1/nanjing/policy.json", since="2025-01-15T00:00:00+08:00").json()
    naive = _get(client, "/feeds/v1/nanjing/policy.json", since="2025-01-01T08:00:00").json()["items"]
    by_date = _get(client, "/feeds/v1/nanjing/policy.json", since="2025-02-02").json()["items"]

    assert [i["id"] for i in everything] == [f"nanjing:policy:{old.pk}", f"nanjing:policy:{new.pk}"]
    assert [i["id"] for i in later["items"]] == [f"nanjing:policy:{new.pk}"]
    assert later["since"].startswith("2025-01-15T00:00:00")
    assert [i["id"] for i in naive] == [f"nanjing:policy:{new.pk}"]  # strictly after, in Asia/Shanghai
    assert by_date == []


def test_pages_follow_next_in_updated_order_without_gaps(client):
    base = timezone.make_aware(dt.datetime(2025, 1, 1))
    records = [make_listing("policy", city="nanjing") for _ in range(5)]
    # two records share a timestamp: the id breaks the tie across the page boundary
    for record, minutes in zip(records, [5, 1, 3, 3, 2], strict=True):
        _set_updated(record, base + dt.timedelta(minutes=minutes))

    seen, pages, url = [], 0, "/feeds/v1/nanjing/policy.json?limit=2"
    while url:
        body = client.get(url).json()
        pages += 1
        seen += [i["id"] for i in body["items"]]
        assert len(body["items"]) <= 2
        url = body["next"]
        if url:
            assert url.startswith("http://testserver/feeds/v1/nanjing/policy.json?")
            assert parse_qs(urlsplit(url).query)["limit"] == ["2"]

    expected = [records[i] for i in (1, 4, 2, 3, 0)]
    assert seen == [f"nanjing:policy:{r.pk}" for r in expected]
    assert pages == 3


def test_next_keeps_since_and_limit_is_capped(client):
    for _ in range(3):
        make_listing("policy", city="nanjing")

    body = _get(client, "/feeds/v1/nanjing/policy.json", limit=1, since="2000-01-01T00:00:00+08:00").json()
    capped = _get(client, "/feeds/v1/nanjing/policy.json", limit=100000).json()

    query = parse_qs(urlsplit(body["next"]).query)
    assert query["since"] == ["2000-01-01T00:00:00+08:00"] and "cursor" in query
    assert len(capped["items"]) == 3 and capped["next"] is None


@pytest.mark.parametrize(
    ("path", "params", "status", "code", "fragment"),
    [
        ("/feeds/v1/atlantis/policy.json", {}, 404, "unknown_city", "atlantis"),
        ("/feeds/v1/nanjing/spaceship.json", {}, 404, "unknown_kind", "spaceship"),
        ("/feeds/v1/nanjing/policy.json", {"since": "yesterday"}, 400, "bad_since", "yesterday"),
        ("/feeds/v1/nanjing/policy.json", {"since": "2025-13-45"}, 400, "bad_since", "ISO 8601"),
        ("/feeds/v1/nanjing/policy.json", {"limit": "-3"}, 400, "bad_limit", "500"),
        ("/feeds/v1/nanjing/policy.json", {"limit": "ten"}, 400, "bad_limit", "ten"),
        ("/feeds/v1/nanjing/policy.json", {"cursor": "not-a-cursor"}, 400, "bad_cursor", "next"),
    ],
)
def test_errors_are_json_with_a_message(client, path, params, status, code, fragment):
    response = client.get(path, params)

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert fragment in error["message"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_other_methods_get_a_json_405_with_allow(method):
    # CSRF checks on, as for a real client: the feed's answer, not the CSRF middleware's HTML 403.
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)("/feeds/v1/nanjing/policy.json")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "method_not_allowed"
    assert "只接受 GET 和 HEAD" in error["message"]
    assert client.head("/feeds/v1/nanjing/policy.json").status_code == 200


def test_cache_headers_and_conditional_get(client):
    make_listing("policy", city="nanjing")

    first = client.get("/feeds/v1/nanjing/policy.json")
    again = client.get("/feeds/v1/nanjing/policy.json", headers={"if-none-match": first["ETag"]})

    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    assert first["ETag"].startswith('"') and first["Last-Modified"].endswith("GMT")
    assert again.status_code == 304
    make_listing("policy", city="nanjing")
    changed = client.get("/feeds/v1/nanjing/policy.json", headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_an_importers_own_key_is_not_published(client):
    # The demo's papers carry their CSL dataset id as external_ref: internal, never on a public feed.
    record = make_listing("achievement", city="wuxi", external_ref="csl-f9b16eb99f6c")

    body = _get(client, "/feeds/v1/wuxi/achievement.json").content.decode()

    assert f"wuxi:achievement:{record.pk}" in body
    assert "csl-f9b16eb99f6c" not in body and "external_ref" not in body
