"""The harvester against a local feed source (see conftest.feed_server)."""

from __future__ import annotations

import pytest

from innomarket.backoffice.models import Feed
from innomarket.federation.models import HarvestedItem, HarvestRun
from innomarket.federation.services import harvest
from innomarket.policies.models import Policy
from innomarket.verification.models import StatusEvent

from .conftest import Reply
from .helpers import envelope, make_feed, policy_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_harvest")]


def _two_pages(server, items_1, items_2) -> str:
    server.serve("/wuxi/policy.json?page=2", Reply(body=envelope(items_2)))
    return server.serve("/wuxi/policy.json", Reply(body=envelope(items_1, next="/wuxi/policy.json?page=2")))


def _feed_policies(feed):
    return Policy.objects.filter(source="feed", city=feed.city).order_by("title")


# ----------------------------------------------------------------------------- a good feed


def test_good_feed_of_two_pages_lands_in_the_city_verification_queue(feed_server, no_sleep):
    url = _two_pages(
        feed_server, [policy_item(1), policy_item(2)], [policy_item(3, fields=["ai", "biomedicine"])]
    )
    feed = make_feed(url, city="suzhou")

    result = harvest(feed, sleep=no_sleep)

    assert result.ok, result.message
    assert (result.created, result.updated, result.unchanged, result.errors, result.pages) == (3, 0, 0, 0, 2)
    policies = list(_feed_policies(feed))
    assert [p.title for p in policies] == ["无锡政策1", "无锡政策2", "无锡政策3"]
    for policy in policies:
        assert policy.status == "submitted" and policy.city.slug == "suzhou" and policy.source == "feed"
        assert policy.source_note.startswith("数据源“suzhou 政策数据源”：wuxi:policy:")
        assert policy.owner_id is None and policy.published_at is None
    third = policies[2]
    assert sorted(t.slug for t in third.fields.all()) == ["ai", "biomedicine"]
    assert str(third.effective_to) == "2026-12-31" and third.issuer == "无锡市科技局"
    assert StatusEvent.objects.filter(object_id=third.pk, to_status="submitted", from_status="").exists()
    feed.refresh_from_db()
    assert feed.last_result == "成功：新增 3，更新 0，下架 0，未变 0，错误 0"
    assert feed.last_harvested_at is not None
    run = HarvestRun.objects.get(feed=feed)
    assert (run.status, run.pages, run.created, run.attempts, run.retries) == ("succeeded", 2, 3, 2, 0)
    assert run.high_water_mark.isoformat() == "2025-03-03T02:00:00+00:00"
    assert feed_server.requests[0] == "/wuxi/policy.json?limit=500"
    assert no_sleep.calls == []


def test_harvest_twice_makes_no_duplicates_and_a_change_is_one_update(feed_server, no_sleep):
    url = feed_server.serve("/wuxi/policy.json", Reply(body=envelope([policy_item(1), policy_item(2)])))
    feed = make_feed(url)
    harvest(feed, sleep=no_sleep)

    again = harvest(feed, full=True, sleep=no_sleep)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert _feed_policies(feed).count() == 2 and HarvestedItem.objects.filter(feed=feed).count() == 2
    assert feed.last_result == "成功：新增 0，更新 0，下架 0，未变 2，错误 0"

    # The city verified one; the source then changes it: it goes back to verification, updated in place.
    first = _feed_policies(feed).get(title="无锡政策1")
    Policy.objects.filter(pk=first.pk).update(status="published")
    feed_server.serve(
        "/wuxi/policy.json",
        Reply(
            body=envelope(
                [policy_item(1, summary="新的简介", updated_at="2025-04-01T00:00:00+08:00"), policy_item(2)]
            )
        ),
    )

    changed = harvest(feed, full=True, sleep=no_sleep)

    assert (changed.created, changed.updated, changed.unchanged, changed.errors) == (0, 1, 1, 0)
    first.refresh_from_db()
    assert first.summary == "新的简介" and first.status == "submitted"
    assert StatusEvent.objects.filter(
        object_id=first.pk, from_status="published", to_status="submitted"
    ).exists()
    assert _feed_policies(feed).count() == 2


def test_next_harvest_asks_only_for_what_changed_since_the_newest_seen(feed_server, no_sleep):
    url = feed_server.serve("/wuxi/policy.json", Reply(body=envelope([policy_item(1), policy_item(7)])))
    feed = make_feed(url)
    harvest(feed, sleep=no_sleep)
    feed_server.serve("/wuxi/policy.json", Reply(body=envelope([])))

    result = harvest(feed, sleep=no_sleep)

    assert result.ok and result.since.isoformat() == "2025-03-07T02:00:00+00:00"
    assert feed_server.requests[-1] == "/wuxi/policy.json?limit=500&since=2025-03-07T02%3A00%3A00%2B00%3A00"
    # An empty incremental page keeps the mark for the run after.
    assert HarvestRun.objects.filter(feed=feed).order_by("-id").first().high_water_mark == result.since


def test_a_deleted_local_record_is_created_again_not_duplicated(feed_server, no_sleep):
    url = feed_server.serve("/wuxi/policy.json", Reply(body=envelope([policy_item(1)])))
    feed = make_feed(url)
    harvest(feed, sleep=no_sleep)
    _feed_policies(feed).delete()

    result = harvest(feed, full=True, sleep=no_sleep)

    assert result.created == 1 and _feed_policies(feed).count() == 1
    assert HarvestedItem.objects.filter(feed=feed).count() == 1


# ----------------------------------------------------------------------------- a failing source


def test_slow_source_times_out_with_a_clear_message_and_counted_retries(feed_server, no_sleep, settings):
    settings.INNOMARKET_FEEDS = {"TIMEOUT": 0.2, "ATTEMPTS": 3, "BACKOFF": 1.0}
    url = feed_server.serve("/wuxi/policy.json", Reply(body=envelope([policy_item(1)]), delay=1.0))
    feed = make_feed(url)

    result = harvest(feed, sleep=no_sleep)

    assert not result.ok
    assert (result.attempts, result.retries) == (3, 2)
    assert no_sleep.calls == [1.0, 2.0]  # exponential backoff, never really slept
    assert feed.last_result.startswith("失败：第 1 页：连接超时（0.2 秒），共尝试 3 次：http://127.0.0.1:")
    feed.refresh_from_db()
    assert "连接超时（0.2 秒）" in feed.last_result and feed.last_harvested_at is not None
    assert HarvestRun.objects.get(feed=feed).status == "failed"
    assert not _feed_policies(feed).exists()


def test_server_error_then_success_is_retried(feed_server, no_sleep):
    url = feed_server.serve(
        "/wuxi/policy.json", Reply(500, b"oops"), Reply(503, b"busy"), Reply(body=envelope([policy_item(1)]))
    )
    feed = make_feed(url)

    result = harvest(feed, sleep=no_sleep)

    assert result.ok and result.created == 1
    assert (result.attempts, result.retries) == (3, 2) and no_sleep.calls == [0.5, 1.0]


def test_server_error_every_time_fails_after_the_attempts(feed_server, no_sleep):
    feed = make_feed(feed_server.serve("/wuxi/policy.json", Reply(500, b"oops")))

    result = harvest(feed, sleep=no_sleep)

    assert not result.ok and result.attempts == 3
    assert "对方服务器出错（HTTP 500），共尝试 3 次" in feed.last_result


def test_not_found_is_not_retried(feed_server, no_sleep):
    feed = make_feed(feed_server.url("/nothing-here.json"))

    result = harvest(feed, sleep=no_sleep)

    assert not result.ok and result.attempts == 1 and no_sleep.calls == []
    assert "地址不存在（HTTP 404），共尝试 1 次" in feed.last_result


def test_refused_connection_is_a_clear_error(no_sleep):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    feed = make_feed(f"http://127.0.0.1:{port}/feed.json")

    result = harvest(feed, sleep=no_sleep)

    assert not result.ok and result.attempts == 3
    assert feed.last_result.startswith("失败：第 1 页：无法连接：")


def test_malformed_json_writes_nothing_and_says_where(feed_server, no_sleep):
    url = feed_server.serve("/wuxi/policy.json", Reply(body=b'{"version": "1", "items": [\n  {"id": }'))
    feed = make_feed(url)

    result = harvest(feed, sleep=no_sleep)

    assert not result.ok and result.attempts == 1  # a broken document is not retried
    assert "第 1 页不是有效的 JSON（第 2 行第 10 列" in feed.last_result
    assert not _feed_policies(feed).exists()


def test_wrong_version_is_refused(feed_server, no_sleep):
    feed = make_feed(
        feed_server.serve("/wuxi/policy.json", Reply(body=envelope([policy_item(1)], version="2")))
    )

    result = harvest(feed, sleep=no_sleep)

    assert not result.ok
    assert feed.last_result == "失败：第 1 页：不支持的数据格式版本“2”，本站只支持版本 1"
    assert not _feed_policies(feed).exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[]", "数据应为 JSON 对象"),
        (envelope([], kind="event"), "数据类型不符，数据源设置为“policy”，收到“event”"),
        (b'{"version": "1", "kind": "policy", "items": {"a": 1}}', "缺少 items 列表"),
    ],
)
def test_malformed_envelopes_are_refused(feed_server, no_sleep, body, message):
    feed = make_feed(feed_server.serve("/wuxi/policy.json", Reply(body=body)))

    result = harvest(feed, sleep=no_sleep)

    assert not result.ok and message in feed.last_result


def test_a_failing_second_page_leaves_nothing_half_written(feed_server, no_sleep):
    feed_server.serve("/wuxi/policy.json?page=2", Reply(body=b"<html>gateway</html>"))
    url = feed_server.serve(
        "/wuxi/policy.json",
        Reply(body=envelope([policy_item(1), policy_item(2)], next="/wuxi/policy.json?page=2")),
    )
    feed = make_feed(url)

    result = harvest(feed, sleep=no_sleep)

    assert not result.ok and result.created == 0
    assert "第 2 页不是有效的 JSON" in feed.last_result
    assert not _feed_policies(feed).exists() and not HarvestedItem.objects.filter(feed=feed).exists()
    assert HarvestRun.objects.get(feed=feed).high_water_mark is None


def test_next_pointing_back_or_elsewhere_is_stopped(feed_server, no_sleep):
    loop = make_feed(
        feed_server.serve("/loop.json", Reply(body=envelope([policy_item(1)], next="/loop.json?limit=500")))
    )
    away = make_feed(
        feed_server.serve(
            "/away.json", Reply(body=envelope([policy_item(1)], next="http://169.254.169.254/x"))
        )
    )

    assert not harvest(loop, sleep=no_sleep).ok and "next 指回已读过的页面" in loop.last_result
    assert not harvest(away, sleep=no_sleep).ok and "与数据源不同源，已拒绝" in away.last_result
    assert not Policy.objects.filter(source="feed").exists()


# ----------------------------------------------------------------------------- malformed items


def test_malformed_items_are_counted_and_reported_the_rest_goes_in(feed_server, no_sleep):
    items = [
        policy_item(1),
        policy_item(2, issuer=""),  # required
        policy_item(3, issued_on="2025年3月"),  # not a date
        policy_item(4, fields=["no-such-field"]),
        "not an object",
        {**policy_item(5), "updated_at": "yesterday"},
        policy_item(6, support_type="bribes"),
    ]
    feed = make_feed(feed_server.serve("/wuxi/policy.json", Reply(body=envelope(items))))

    result = harvest(feed, sleep=no_sleep)

    assert result.ok
    assert (result.created, result.errors) == (1, 6)
    assert feed.last_result.startswith("成功：新增 1，更新 0，下架 0，未变 0，错误 6。")
    errors = result.item_errors
    assert errors[0].startswith("第 1 页第 2 项（wuxi:policy:2）：字段“发文机关”（issuer）：")
    assert "第 1 页第 3 项（wuxi:policy:3）：字段“发布日期”（issued_on）：" in errors[1]
    assert "未知的领域标识 no-such-field" in errors[2]
    assert errors[3] == "第 1 页第 5 项（无编号）：条目应为 JSON 对象"
    assert "updated_at 应为带时区的 ISO 8601 时间，收到“yesterday”" in errors[4]
    assert "（support_type）" in errors[5]
    assert "（另有 3 项错误）" in feed.last_result
    assert HarvestRun.objects.get(feed=feed).item_errors == errors
    assert list(_feed_policies(feed).values_list("title", flat=True)) == ["无锡政策1"]


def test_unknown_keys_are_ignored_missing_ones_default(feed_server, no_sleep):
    item = policy_item(1, future_field="v2 的新字段")
    del item["data"]["summary"]
    feed = make_feed(feed_server.serve("/wuxi/policy.json", Reply(body=envelope([item], future="x"))))

    result = harvest(feed, sleep=no_sleep)

    assert result.ok and result.created == 1
    assert _feed_policies(feed).get().summary == ""


def test_a_challenge_in_bidding_is_not_overwritten(feed_server, no_sleep):
    from innomarket.challenges.models import Challenge

    item = {
        "id": "wuxi:challenge:1",
        "updated_at": "2025-03-01T00:00:00+08:00",
        "data": {
            "title": "榜单",
            "summary": "简介",
            "kind": "technical",
            "budget_min": "10",
            "budget_max": "20.5",
        },
    }
    url = feed_server.serve("/c.json", Reply(body=envelope([item], kind="challenge")))
    feed = make_feed(url, target=Feed.Target.CHALLENGE)
    assert harvest(feed, sleep=no_sleep).created == 1
    challenge = Challenge.objects.get(source="feed")
    assert str(challenge.budget_max) == "20.50" and challenge.status == "submitted"
    Challenge.objects.filter(pk=challenge.pk).update(status="bidding")
    item["data"]["title"] = "改过的榜单"
    feed_server.serve("/c.json", Reply(body=envelope([item], kind="challenge")))

    result = harvest(feed, full=True, sleep=no_sleep)

    assert result.errors == 1 and "当前为“揭榜中”状态，不能被数据源更新" in result.item_errors[0]
    challenge.refresh_from_db()
    assert challenge.title == "榜单"


# ----------------------------------------------------------------------------- refused sources


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/feed.json", "data:,{}", "//example.org/x"]
)
def test_only_http_addresses_are_fetched(no_sleep, url):
    feed = make_feed("https://placeholder.example.org/")
    Feed.objects.filter(pk=feed.pk).update(url=url)
    feed.refresh_from_db()

    result = harvest(feed, sleep=no_sleep)

    assert not result.ok and result.attempts == 0
    assert "只允许 http:// 或 https:// 开头的完整地址" in feed.last_result


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/feed.json"])
def test_a_redirect_to_another_scheme_is_refused(feed_server, no_sleep, location):
    feed = make_feed(feed_server.serve("/moved.json", Reply(302, b"", headers={"Location": location})))

    result = harvest(feed, sleep=no_sleep)

    assert not result.ok and result.attempts == 1
    assert location in feed.last_result and "root:" not in feed.last_result
    assert feed_server.requests == ["/moved.json?limit=500"]


def test_other_feed_kinds_and_empty_addresses_say_so(no_sleep):
    rss = make_feed("https://example.org/rss.xml", kind=Feed.Kind.RSS)
    empty = make_feed("")

    assert "暂只支持“JSON 接口”类型的数据源" in harvest(rss, sleep=no_sleep).message
    assert harvest(empty, sleep=no_sleep).message == "失败：未填写数据源地址"


def test_an_oversized_page_is_refused(feed_server, no_sleep, settings):
    settings.INNOMARKET_FEEDS = {"MAX_BYTES": 1024}
    feed = make_feed(
        feed_server.serve("/big.json", Reply(body=envelope([policy_item(n) for n in range(1, 20)])))
    )

    result = harvest(feed, sleep=no_sleep)

    assert not result.ok and "响应超过" in feed.last_result and result.attempts == 1
