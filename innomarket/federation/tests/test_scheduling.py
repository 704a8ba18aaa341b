from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from innomarket.backoffice.models import Feed
from innomarket.federation.selectors import due_feeds
from innomarket.federation.tasks import harvest_due_feeds_task
from innomarket.policies.models import Policy

from .conftest import Reply
from .helpers import envelope, make_feed, policy_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_harvest")]


def test_due_feeds_are_enabled_json_feeds_past_their_schedule():
    now = timezone.now()
    never = make_feed("https://a.example.org/f.json")
    stale = make_feed(
        "https://b.example.org/f.json", schedule_minutes=60, last_harvested_at=now - dt.timedelta(minutes=61)
    )
    make_feed(
        "https://c.example.org/f.json", schedule_minutes=60, last_harvested_at=now - dt.timedelta(minutes=30)
    )
    make_feed("https://d.example.org/f.json", enabled=False)
    make_feed("https://e.example.org/f.rss", kind=Feed.Kind.RSS)
    make_feed("")

    assert [f.pk for f in due_feeds(now=now)] == [never.pk, stale.pk]


def test_command_harvests_one_feed_and_prints_its_result(feed_server):
    feed = make_feed(feed_server.serve("/f.json", Reply(body=envelope([policy_item(1)]))))
    out = StringIO()

    call_command("harvest_feeds", "--feed", str(feed.pk), stdout=out)

    assert (
        out.getvalue().strip()
        == f"#{feed.pk} suzhou 政策数据源: 成功：新增 1，更新 0，下架 0，未变 0，错误 0"
    )
    assert Policy.objects.filter(source="feed").count() == 1


def test_command_all_due_skips_feeds_not_due_and_fails_loudly(feed_server, settings):
    settings.INNOMARKET_FEEDS = {"ATTEMPTS": 1}
    good = make_feed(feed_server.serve("/good.json", Reply(body=envelope([policy_item(1)]))))
    bad = make_feed(feed_server.serve("/bad.json", Reply(body=b"not json")))
    recent = make_feed(feed_server.url("/recent.json"), last_harvested_at=timezone.now())
    out = StringIO()

    with pytest.raises(CommandError, match="1 of 2 feeds failed"):
        call_command("harvest_feeds", "--all-due", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"#{good.pk} ") and "成功：新增 1" in lines[0]
    assert lines[1].startswith(f"#{bad.pk} ") and "失败：第 1 页不是有效的 JSON" in lines[1]
    assert not any(line.startswith(f"#{recent.pk} ") for line in lines)


def test_command_refuses_unknown_feed_and_missing_arguments():
    with pytest.raises(CommandError, match="no feed with id 999"):
        call_command("harvest_feeds", "--feed", "999")
    with pytest.raises(CommandError, match="--all-due"):
        call_command("harvest_feeds")


def test_task_harvests_due_feeds(feed_server):
    feed = make_feed(feed_server.serve("/f.json", Reply(body=envelope([policy_item(1), policy_item(2)]))))

    result = harvest_due_feeds_task.enqueue()

    [summary] = result.return_value
    assert summary["feed_id"] == feed.pk and summary["ok"] and summary["created"] == 2
    assert summary["message"] == "成功：新增 2，更新 0，下架 0，未变 0，错误 0"
    feed.refresh_from_db()
    assert due_feeds() == []  # just harvested: not due again until its schedule passes
