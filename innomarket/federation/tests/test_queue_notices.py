"""A harvest tells the receiving city's administrators once per run what entered their queue
(new records and records sent back by a change at the source), not once per record."""

from __future__ import annotations

import pytest

from innomarket.common.tests.factories import city_admin
from innomarket.federation.services import harvest
from innomarket.notifications.models import Notification
from innomarket.policies.models import Policy
from innomarket.verification.notices import QUEUED_BATCH_KIND, QUEUED_KIND

from .conftest import Reply
from .helpers import envelope, make_feed, policy_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_harvest")]


def summaries(user):
    return list(Notification.objects.filter(recipient=user, kind=QUEUED_BATCH_KIND).order_by("pk"))


def test_a_harvest_sends_one_summary_per_run_to_the_receiving_citys_administrators(feed_server, no_sleep):
    suzhou = [city_admin("suzhou", username="sz-1"), city_admin("suzhou", username="sz-2")]
    wuxi = city_admin("wuxi", username="wx-1")
    url = feed_server.serve(
        "/wuxi/policy.json", Reply(body=envelope([policy_item(1), policy_item(2), policy_item(3)]))
    )
    feed = make_feed(url, city="suzhou")

    result = harvest(feed, sleep=no_sleep)

    assert result.ok and result.created == 3
    assert not Notification.objects.filter(kind=QUEUED_KIND).exists()  # nothing per record
    for admin in suzhou:
        [note] = summaries(admin)
        assert note.title == "数据源“suzhou 政策数据源”采集：3 条记录待核验"
        assert "政策 3 条" in note.body and note.url.endswith("?source=feed")
    assert summaries(wuxi) == []

    # Nothing new: no summary. A verified record changed at the source goes back: one more summary.
    harvest(feed, full=True, sleep=no_sleep)
    assert len(summaries(suzhou[0])) == 1
    first = Policy.objects.get(source="feed", title="无锡政策1")
    Policy.objects.filter(pk=first.pk).update(status="published")
    feed_server.serve(
        "/wuxi/policy.json",
        Reply(
            body=envelope(
                [policy_item(1, summary="新的简介", updated_at="2025-04-01T00:00:00+08:00"), policy_item(4)]
            )
        ),
    )

    changed = harvest(feed, full=True, sleep=no_sleep)

    assert (changed.created, changed.updated) == (1, 1)
    latest = summaries(suzhou[0])[-1]
    assert len(summaries(suzhou[0])) == 2 and latest.title.endswith("：2 条记录待核验")
    assert not Notification.objects.filter(kind=QUEUED_KIND).exists()


def test_an_item_that_fails_is_not_counted(feed_server, no_sleep):
    admin = city_admin("suzhou", username="sz-1")
    broken = policy_item(2)
    broken["data"]["support_type"] = "no-such-type"
    url = feed_server.serve("/wuxi/policy.json", Reply(body=envelope([policy_item(1), broken])))
    feed = make_feed(url, city="suzhou")

    result = harvest(feed, sleep=no_sleep)

    assert (result.created, result.errors) == (1, 1)
    [note] = summaries(admin)
    assert note.title.endswith("：1 条记录待核验")
