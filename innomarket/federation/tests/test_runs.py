"""Harvest runs: deletion markers and the sample flag applied to local copies, one active run per
feed, and runs whose process died marked interrupted (a real process, killed with SIGKILL)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from innomarket.federation import services
from innomarket.federation.models import HarvestRun
from innomarket.federation.tasks import harvest_due_feeds_task
from innomarket.policies.models import Policy
from innomarket.regions.tests.helpers import make_listing
from innomarket.verification.models import StatusEvent
from innomarket.verification.services import transition

from .conftest import Reply
from .helpers import envelope, make_feed, policy_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_harvest")]


def _marker(n: int, at: str = "2025-04-01T10:00:00+08:00") -> dict:
    return {"id": f"wuxi:policy:{n}", "kind": "policy", "deleted_at": at}


def _copy(n: int) -> Policy:
    return Policy.objects.get(source="feed", source_note__endswith=f"wuxi:policy:{n}")


def _publish(record) -> None:
    with transaction.atomic():
        transition(record=record, actor=None, to_status="published", reason="核验通过")


def _dead_pid() -> int:
    """The id of a real process that was started and killed with SIGKILL (and reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # noqa: S603
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    return process.pid


# ----------------------------------------------------------------------------- deletion markers


def test_deletion_markers_archive_or_return_the_local_copies(feed_server, no_sleep):
    feed = make_feed(feed_server.serve("/f.json", Reply(body=envelope([policy_item(1), policy_item(2)]))))
    services.harvest(feed, sleep=no_sleep)
    _publish(_copy(1))  # verified locally; 2 still waits in the queue

    feed_server.serve("/f.json", Reply(body=envelope([], deleted=[_marker(1), _marker(2), _marker(9)])))
    result = services.harvest(feed, sleep=no_sleep)

    assert result.ok, result.message
    assert (result.fetched, result.deleted, result.unchanged, result.errors) == (3, 2, 1, 0)  # 9: never seen
    assert _copy(1).status == "archived" and _copy(2).status == "rejected"
    event = StatusEvent.objects.filter(object_id=_copy(1).pk, to_status="archived").get()
    assert event.reason == f"来源城市已撤下此条目（数据源“{feed.name}”：wuxi:policy:1）"
    run = HarvestRun.objects.get(pk=result.run_id)
    assert (run.fetched, run.deleted) == (3, 2)
    assert result.message == "成功：新增 0，更新 0，下架 2，未变 1，错误 0"

    # The same markers again: nothing more to do.
    again = services.harvest(feed, sleep=no_sleep)
    assert (again.deleted, again.unchanged) == (0, 3)

    # Published again at the source: the copy is updated and goes back to verification.
    feed_server.serve(
        "/f.json", Reply(body=envelope([policy_item(1, updated_at="2025-05-01T10:00:00+08:00")]))
    )
    back = services.harvest(feed, sleep=no_sleep)
    assert back.updated == 1 and _copy(1).status == "submitted"


def test_malformed_deletion_markers_are_item_errors(feed_server, no_sleep):
    feed = make_feed(
        feed_server.serve(
            "/f.json",
            Reply(body=envelope([policy_item(1)], deleted=[{"id": "wuxi:policy:1"}, "x", _marker(1)])),
        )
    )

    result = services.harvest(feed, sleep=no_sleep)

    assert result.ok and (result.created, result.deleted, result.errors) == (1, 1, 2)
    assert "deleted_at 应为带时区的 ISO 8601 时间" in result.item_errors[0]
    assert "条目应为 JSON 对象" in result.item_errors[1]


def test_a_deleted_list_that_is_not_a_list_stops_the_run(feed_server, no_sleep):
    feed = make_feed(feed_server.serve("/f.json", Reply(body=envelope([policy_item(1)], deleted="all"))))

    result = services.harvest(feed, sleep=no_sleep)

    assert not result.ok and "deleted 应为删除标记的列表" in result.message
    assert not Policy.objects.filter(source="feed").exists()


def test_from_a_real_feed_a_withdrawn_record_is_taken_down_here(client, feed_server, no_sleep):
    """Our own feed view as the source: nanjing publishes, suzhou harvests; nanjing withdraws, and the
    next (incremental) harvest takes suzhou's copy down."""
    source = make_listing("policy", city="nanjing", title="南京算力券政策", is_sample=False)
    feed = make_feed(feed_server.url("/feeds/v1/nanjing/policy.json"))
    feed_server.serve(
        "/feeds/v1/nanjing/policy.json", Reply(body=client.get("/feeds/v1/nanjing/policy.json").content)
    )
    first = services.harvest(feed, sleep=no_sleep)
    copy = Policy.objects.get(city__slug="suzhou", source="feed")
    assert first.created == 1 and copy.title == "南京算力券政策" and not copy.is_sample

    with transaction.atomic():
        transition(record=source, actor=None, to_status="archived", reason="下架")
    since = first.high_water_mark.isoformat()
    page = client.get("/feeds/v1/nanjing/policy.json", {"since": since})
    feed_server.serve("/feeds/v1/nanjing/policy.json", Reply(body=page.content))
    second = services.harvest(feed, sleep=no_sleep)

    assert parse_qs(urlsplit(feed_server.requests[-1]).query)["since"] == [since]
    assert (second.fetched, second.deleted) == (1, 1)
    copy.refresh_from_db()
    assert copy.status == "rejected"  # it was still waiting for verification here


# ----------------------------------------------------------------------------- the sample flag


def test_the_sample_flag_travels_with_the_record(feed_server, no_sleep):
    feed = make_feed(
        feed_server.serve(
            "/f.json", Reply(body=envelope([{**policy_item(1), "is_sample": True}, policy_item(2)]))
        )
    )

    first = services.harvest(feed, sleep=no_sleep)
    feed_server.serve("/f.json", Reply(body=envelope([{**policy_item(1), "is_sample": False}])))
    second = services.harvest(feed, sleep=no_sleep)
    feed_server.serve("/f.json", Reply(body=envelope([{**policy_item(3), "is_sample": "yes"}])))
    third = services.harvest(feed, sleep=no_sleep)

    assert first.created == 2 and not _copy(2).is_sample
    assert second.updated == 1 and not _copy(1).is_sample  # the flag alone counts as a change
    assert third.errors == 1 and "is_sample 应为 true 或 false" in third.item_errors[0]


def test_our_feed_marks_samples_and_the_harvester_keeps_the_mark(client, feed_server, no_sleep):
    make_listing("policy", city="nanjing", title="示例政策")  # make_listing marks samples
    feed = make_feed(
        feed_server.serve("/f.json", Reply(body=client.get("/feeds/v1/nanjing/policy.json").content))
    )

    services.harvest(feed, sleep=no_sleep)

    assert Policy.objects.get(city__slug="suzhou", source="feed").is_sample


# ----------------------------------------------------------------------------- one run at a time


def _running(feed, **kwargs) -> HarvestRun:
    values = {"status": "running", "host": services.HOST, "pid": os.getpid(), "heartbeat_at": timezone.now()}
    return HarvestRun.objects.create(feed=feed, **{**values, **kwargs})


def test_a_second_run_of_a_busy_feed_is_refused(feed_server, no_sleep):
    feed = make_feed(feed_server.serve("/f.json", Reply(body=envelope([policy_item(1)]))))
    active = _running(feed)  # this very process: alive

    result = services.harvest(feed, sleep=no_sleep)

    assert result.busy and not result.ok and result.run_id == active.pk
    assert "正在采集" in result.message and "请等这次结束后再试" in result.message
    assert HarvestRun.objects.filter(feed=feed).count() == 1
    assert feed_server.requests == [] and not Policy.objects.filter(source="feed").exists()
    feed.refresh_from_db()
    assert feed.last_harvested_at is None  # the feed is not touched


def test_the_database_refuses_a_second_active_run():
    feed = make_feed("https://a.example.org/f.json")
    _running(feed)

    with pytest.raises(IntegrityError), transaction.atomic():
        HarvestRun.objects.create(feed=feed, status="queued")
    HarvestRun.objects.create(feed=feed, status="failed")  # finished runs: as many as there were
    HarvestRun.objects.create(feed=make_feed("https://b.example.org/f.json"), status="queued")  # other feed


# ----------------------------------------------------------------------------- interrupted runs


def test_a_run_whose_process_was_killed_is_marked_interrupted_by_the_next_run(feed_server, no_sleep):
    feed = make_feed(feed_server.serve("/f.json", Reply(body=envelope([policy_item(1)]))))
    pid = _dead_pid()
    dead = _running(feed, pid=pid)

    result = services.harvest(feed, sleep=no_sleep)

    dead.refresh_from_db()
    assert dead.status == "interrupted" and dead.finished_at is not None
    assert f"{pid} 号进程）已退出" in dead.error
    assert result.ok and result.created == 1 and result.run_id != dead.pk


def test_a_silent_run_on_another_host_and_a_queue_nobody_works_are_reaped_by_the_schedule(settings):
    settings.INNOMARKET_FEEDS = {**settings.INNOMARKET_FEEDS, "STALE_MINUTES": 30}
    long_ago = timezone.now() - dt.timedelta(minutes=31)
    silent = _running(make_feed("", name="甲"), host="other-host", pid=1, heartbeat_at=long_ago)
    queued = HarvestRun.objects.create(feed=make_feed("", name="乙"), status="queued", started_at=long_ago)
    recent = _running(make_feed("", name="丙"), host="other-host", pid=1)  # beat just now: alive

    harvest_due_feeds_task.enqueue()

    silent.refresh_from_db()
    queued.refresh_from_db()
    recent.refresh_from_db()
    assert silent.status == "interrupted" and "超过 30 分钟没有心跳" in silent.error
    assert queued.status == "interrupted" and "db_worker 是否在运行" in queued.error
    assert recent.status == "running"
    assert silent.feed.last_result.startswith("已中断：")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_reference_data")
def test_a_harvest_process_killed_mid_run_is_interrupted_and_the_next_run_completes(feed_server):
    """A real ``manage.py harvest_feeds`` process against a source that answers slowly, killed with
    SIGKILL while its run is under way."""
    from innomarket.intake.tests.test_kill_mid_commit import ROOT, database_url

    feed = make_feed(feed_server.serve("/f.json", Reply(body=envelope([policy_item(1)]), delay=30)))
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "INNOMARKET_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "INNOMARKET_EMBEDDER": "",
    }
    process = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "harvest_feeds", "--feed", str(feed.pk)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not feed_server.requests:  # the run is written before the first request
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.1)
        run = HarvestRun.objects.get(feed=feed)
        assert (run.status, run.pid, run.host) == ("running", process.pid, services.HOST)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    feed_server.serve("/f.json", Reply(body=envelope([policy_item(1)])))
    result = services.harvest(feed)

    run.refresh_from_db()
    assert run.status == "interrupted" and f"{process.pid} 号进程）已退出" in run.error
    assert result.ok and result.created == 1


# ----------------------------------------------------------------------------- scheduling


def test_every_queues_one_chain_however_often_make_run_starts(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    from django_tasks_db.models import DBTaskResult

    outputs = []
    for _ in range(2):
        out = StringIO()
        call_command("harvest_feeds", "--every", "15", stdout=out)
        outputs.append(out.getvalue().strip())

    assert outputs == [
        "queued: harvest due feeds every 15 min",
        "already queued: harvest due feeds (nothing added)",
    ]
    [queued] = DBTaskResult.objects.filter(task_path__endswith="harvest_due_feeds_task")
    assert queued.args_kwargs["args"] == [15]
