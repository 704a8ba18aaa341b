"""Freshness (信息时效): expiry at the kind's validity, one reminder before it, share verified, the command."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from innomarket.common.tests.factories import OrganisationFactory, city, member_of
from innomarket.matching import services as matching_services
from innomarket.matching.models import SearchDocument
from innomarket.matching.selectors import search_listings
from innomarket.notifications.models import Notification
from innomarket.regions.tests.helpers import make_listing
from innomarket.verification import freshness
from innomarket.verification.models import StatusEvent
from innomarket.verification.selectors import status_events_for
from innomarket.verification.services import listing_verify
from innomarket.verification.tasks import refresh_listings_task

pytestmark = pytest.mark.django_db

BASE = timezone.make_aware(dt.datetime(2025, 1, 10, 9, 0))
DAY = dt.timedelta(days=1)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def _freshness_settings(settings):
    settings.INNOMARKET_FRESHNESS = {
        "DEFAULT_DAYS": 365,
        "KINDS": {"event": 180, "policy": 730, "organisation": 0},
        "REMIND_BEFORE_DAYS": 30,
        "SHARE_WINDOW_DAYS": 180,
    }


@pytest.fixture
def owner():
    return OrganisationFactory(city=city("nanjing"), name="南京示例科技有限公司")


def event(owner, *, verified_at=BASE, **fields):
    fields.setdefault("published_at", verified_at)
    return make_listing("event", city="nanjing", owner=owner, last_verified_at=verified_at, **fields)


def reminders(record):
    return Notification.objects.filter(
        kind=freshness.REMINDER_KIND,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
    )


def test_expires_exactly_at_the_kinds_validity_not_before(owner):
    record = event(owner, title="人工智能沙龙")

    before = freshness.refresh_listings(now=BASE + 180 * DAY - SECOND)
    record.refresh_from_db()
    assert record.status == "published" and before.expired_total == 0

    after = freshness.refresh_listings(now=BASE + 180 * DAY)
    record.refresh_from_db()
    assert record.status == "expired"
    assert after.expired == {"event": 1}
    event_row = status_events_for(record).first()
    assert (event_row.actor, event_row.from_status, event_row.to_status, event_row.reason) == (
        None,
        "published",
        "expired",
        "超过有效期未重新确认",
    )


def test_each_kind_uses_its_own_days_and_zero_never_expires(owner):
    policy = make_listing("policy", city="nanjing", owner=owner, last_verified_at=BASE, published_at=BASE)
    space = make_listing("space", city="nanjing", owner=owner, last_verified_at=BASE, published_at=BASE)
    organisation = OrganisationFactory(city=city("wuxi"), last_verified_at=BASE)

    freshness.refresh_listings(now=BASE + 400 * DAY)

    for record in (policy, space, organisation):
        record.refresh_from_db()
    assert (policy.status, space.status, organisation.status) == ("published", "expired", "published")


def test_published_at_counts_when_never_verified_and_drafts_are_left_alone(owner):
    unverified = event(owner, verified_at=None, published_at=BASE)
    draft = make_listing("event", city="nanjing", owner=owner, status="draft", kind="forum")
    draft.created_at = BASE
    draft.save(update_fields=["created_at"])

    freshness.refresh_listings(now=BASE + 200 * DAY)

    unverified.refresh_from_db()
    draft.refresh_from_db()
    assert unverified.status == "expired" and draft.status == "draft"


def test_reminds_owner_members_once_before_expiry(owner):
    alice = member_of(owner, username="alice")
    record = event(owner, title="产学研对接会")

    too_early = freshness.refresh_listings(now=BASE + 150 * DAY - SECOND)
    assert too_early.reminded_total == 0 and not reminders(record).exists()

    first = freshness.refresh_listings(now=BASE + 150 * DAY)
    again = freshness.refresh_listings(now=BASE + 170 * DAY)

    assert first.reminded == {"event": 1} and again.reminded_total == 0
    [note] = reminders(record)
    assert note.recipient == alice
    assert "产学研对接会" in note.title and "2025-07-09" in note.body  # BASE + 180 days
    record.refresh_from_db()
    assert record.status == "published"


def test_verifying_again_starts_a_new_period_with_a_new_reminder(owner, settings):
    member_of(owner, username="bob")
    record = event(owner, verified_at=timezone.now() - 160 * DAY)
    freshness.refresh_listings()
    assert reminders(record).count() == 1

    # A city administrator re-confirms it: validity runs again from today.
    from innomarket.common.tests.factories import city_admin

    record.status = "submitted"
    record.save(update_fields=["status"])
    listing_verify(actor=city_admin("nanjing"), record=record)
    record.refresh_from_db()

    assert freshness.refresh_listings(now=timezone.now() + 100 * DAY).reminded_total == 0
    assert freshness.refresh_listings(now=timezone.now() + 160 * DAY).reminded == {"event": 1}
    assert reminders(record).count() == 2
    assert freshness.refresh_listings(now=timezone.now() + 179 * DAY).expired_total == 0


def test_dry_run_counts_without_writing(owner):
    member_of(owner)
    expired = event(owner)
    soon = event(owner, verified_at=BASE + 30 * DAY)
    events_before = StatusEvent.objects.count()

    report = freshness.refresh_listings(now=BASE + 190 * DAY, dry_run=True)

    assert (report.expired, report.reminded) == ({"event": 1}, {"event": 1})
    expired.refresh_from_db()
    assert expired.status == "published"
    assert StatusEvent.objects.count() == events_before
    assert not reminders(soon).exists()


def test_owner_is_told_when_it_expires(owner):
    member = member_of(owner)
    record = event(owner)
    freshness.refresh_listings(now=BASE + 181 * DAY)
    assert Notification.objects.filter(
        recipient=member, kind=freshness.EXPIRED_KIND, object_id=record.pk
    ).exists()


def test_expired_listing_leaves_the_public_list_and_search(client, owner, django_capture_on_commit_callbacks):
    record = event(owner, title="量子计算产业沙龙", verified_at=timezone.now() - 200 * DAY)
    other = event(owner, title="量子通信产业沙龙", verified_at=timezone.now())
    matching_services.rebuild_index()
    assert {h.obj.pk for h in search_listings(query="量子").hits} == {record.pk, other.pk}
    assert "量子计算产业沙龙" in client.get(reverse("events:list")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        freshness.refresh_listings()

    # The status change re-indexed the record through the matching signals: its document is gone.
    assert not SearchDocument.objects.filter(type_key="event", object_id=record.pk).exists()
    assert [h.obj.pk for h in search_listings(query="量子").hits] == [other.pk]
    html = client.get(reverse("events:list")).content.decode()
    assert "量子计算产业沙龙" not in html and "量子通信产业沙龙" in html
    # Its address says it has expired (410, title only) rather than that it never existed.
    assert client.get(reverse("events:detail", args=[record.pk])).status_code == 410


def test_verified_share_is_exact_on_a_small_set(owner):
    now = BASE + 400 * DAY
    nanjing_org = owner  # organisation, verified at factory time (real now): far after `now`? pin it
    nanjing_org.last_verified_at = now - 10 * DAY
    nanjing_org.save(update_fields=["last_verified_at"])
    event(owner, verified_at=now - 179 * DAY)  # recent
    event(owner, verified_at=now - 181 * DAY)  # older than the window
    event(owner, verified_at=None, published_at=now - DAY)  # never verified: not "verified"
    make_listing("policy", city="nanjing", owner=owner, status="submitted")  # not public: not counted
    make_listing("policy", city="nanjing", owner=owner, status="expired", last_verified_at=now)  # idem
    wuxi_org = OrganisationFactory(city=city("wuxi"), last_verified_at=now - 5 * DAY)
    make_listing("space", city="wuxi", owner=wuxi_org, last_verified_at=now - 300 * DAY)

    assert freshness.verified_share(city("nanjing"), now=now) == (2, 4, 0.5)
    assert freshness.verified_share(city("wuxi"), now=now) == (1, 2, 0.5)
    assert freshness.verified_share(now=now) == (3, 6, 0.5)
    assert freshness.verified_share(city("nanjing"), now=now, window_days=365) == (3, 4, 0.75)
    assert freshness.verified_share(city("changzhou"), now=now) == (0, 0, 0.0)


def test_command_reports_counts_and_dry_run_changes_nothing(owner):
    record = event(owner, verified_at=timezone.now() - 200 * DAY)
    out = StringIO()

    call_command("refresh_listings", "--dry-run", stdout=out)
    record.refresh_from_db()
    assert record.status == "published"
    assert "过期 1 条" in out.getvalue() and "预演" in out.getvalue()

    out = StringIO()
    call_command("refresh_listings", stdout=out)
    record.refresh_from_db()
    assert record.status == "expired"
    assert "合计：过期 1 条，提醒 0 条，失败 0 条。" in out.getvalue()


def test_command_travels_in_time_with_now(owner):
    record = event(owner)
    call_command("refresh_listings", "--now", "2025-07-08", stdout=StringIO())
    record.refresh_from_db()
    assert record.status == "published"
    call_command("refresh_listings", "--now", "2025-07-10", stdout=StringIO())
    record.refresh_from_db()
    assert record.status == "expired"


def test_task_runs_the_refresh(owner):
    record = event(owner, verified_at=timezone.now() - 200 * DAY)
    result = refresh_listings_task.enqueue()
    record.refresh_from_db()
    assert record.status == "expired"
    assert result.return_value["expired"] == {"event": 1}


def test_city_page_shows_share_and_marks_expired_listings(client, owner):
    event(owner, title="近期核验的活动", verified_at=timezone.now() - 10 * DAY)
    event(owner, title="很久以前核验的活动", verified_at=timezone.now() - 170 * DAY - 10 * DAY)
    make_listing("event", city="nanjing", owner=owner, status="expired", title="已过期的活动")
    owner.last_verified_at = timezone.now() - 400 * DAY
    owner.save(update_fields=["last_verified_at"])
    url = reverse("regions:detail", kwargs={"slug": "nanjing"})

    response = client.get(url)

    panel = response.context["freshness"]
    assert (panel.verified_recently, panel.total_public, panel.share_percent) == (1, 3, 33)
    assert panel.expired_count == 1 and panel.expired == []  # visitors get the count, not the list
    html = response.content.decode()
    assert "近 180 天核验占比" in html and "33%" in html
    assert 'id="expired-note"' in html and "已过期的活动" not in html

    from innomarket.common.tests.factories import city_admin

    client.force_login(city_admin("nanjing"))
    html = client.get(url).content.decode()
    assert 'id="expired-list"' in html and "已过期的活动" in html
    client.force_login(city_admin("wuxi"))
    assert "已过期的活动" not in client.get(url).content.decode()


def test_every_listing_page_shows_source_city_and_last_verified_date(client, owner):
    verified = timezone.make_aware(dt.datetime(2026, 3, 5, 10, 0))
    record = make_listing("space", city="nanjing", owner=owner, last_verified_at=verified, title="示例孵化器")
    html = client.get(reverse("resources:space-detail", args=[record.pk])).content.decode()
    assert "来源城市" in html and "南京" in html
    assert "最近核验" in html and "2026年3月5日" in html
    html = client.get(reverse("organisations:detail", args=[owner.pk])).content.decode()
    assert "来源城市" in html and "最近核验" in html


def test_command_queues_one_repeating_task(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    from django_tasks_db.models import DBTaskResult

    out = StringIO()
    call_command("refresh_listings", "--every-hours", "24", stdout=out)
    call_command("refresh_listings", "--every-hours", "24", stdout=out)
    assert DBTaskResult.objects.filter(task_path__endswith="refresh_listings_task").count() == 1
    assert "无需重复排入" in out.getvalue()
