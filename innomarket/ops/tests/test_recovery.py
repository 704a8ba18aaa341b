"""The reaper's decisions, the index reconcile, orphan uploads and the housekeeping report (in-process;
the SIGKILL tests with real worker processes are in test_worker_kill.py)."""

from __future__ import annotations

import datetime as dt
import os
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from innomarket.challenges import services as challenges
from innomarket.challenges.models import BidAttachment
from innomarket.challenges.services import housekeeping
from innomarket.common.exceptions import ApplicationError
from innomarket.common.tests.factories import OrganisationFactory, city, member_of
from innomarket.matching.models import SearchDocument
from innomarket.matching.reconcile import index_reconcile
from innomarket.ops import workers
from innomarket.ops.models import TaskRecovery, WorkerHeartbeat
from innomarket.ops.uploads import orphan_uploads_sweep
from innomarket.organisations.models import Organisation
from innomarket.regions.tests.helpers import make_listing

pytestmark = pytest.mark.django_db
TASK = "innomarket.ops.tests.tasks.wait_for_release"


@pytest.fixture(autouse=True)
def _lexical_index(settings):
    settings.INNOMARKET_MATCHING = {**settings.INNOMARKET_MATCHING, "EMBEDDER": ""}


def running_task(worker_id: str | None, *, minutes_ago: float = 1, path: str = TASK) -> DBTaskResult:
    started = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": ["/nowhere"], "kwargs": {}},
        task_path=path,
        backend_name="default",
        run_after=started,
        started_at=started,
        worker_ids=[worker_id] if worker_id else [],
    )


def heartbeat(
    worker_id: str, *, pid: int, seconds_ago: float = 1, host: str | None = None
) -> WorkerHeartbeat:
    seen = timezone.now() - dt.timedelta(seconds=seconds_ago)
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname=host or workers.hostname(), pid=pid, started_at=seen, last_seen_at=seen
    )


def dead_pid() -> int:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


def test_reaper_leaves_tasks_of_a_live_worker_alone_however_long_they_run():
    heartbeat("alive", pid=os.getpid())
    row = running_task("alive", minutes_ago=24 * 60)
    report = workers.tasks_reap()
    row.refresh_from_db()
    assert row.status == "RUNNING" and report.overdue == [str(row.pk)] and not report.requeued


def test_reaper_requeues_the_task_of_a_dead_pid_and_of_a_stale_heartbeat_at_once():
    heartbeat("dead-pid", pid=dead_pid())
    heartbeat("silent", pid=os.getpid(), seconds_ago=600, host="another-host")
    by_pid, by_silence = running_task("dead-pid"), running_task("silent")
    report = workers.tasks_reap()
    by_pid.refresh_from_db()
    by_silence.refresh_from_db()
    assert by_pid.status == "READY" and by_silence.status == "READY"
    assert sorted(report.requeued) == sorted([str(by_pid.pk), str(by_silence.pk)])
    assert set(TaskRecovery.objects.values_list("action", flat=True)) == {"requeued"}


def test_worker_without_heartbeat_is_trusted_until_the_lease_of_its_task_runs_out(settings):
    settings.INNOMARKET_RECOVERY = {
        **settings.INNOMARKET_RECOVERY,
        "TASK_LEASE_SECONDS": 600,
        "TASK_LEASES": {"innomarket.slow.task": 7200},
    }
    young = running_task("plain-db-worker", minutes_ago=5)
    old = running_task("plain-db-worker", minutes_ago=30)
    long_lease = running_task("plain-db-worker", minutes_ago=30, path="innomarket.slow.task")
    workers.tasks_reap()
    statuses = {r.pk: r.status for r in DBTaskResult.objects.all()}
    assert statuses == {young.pk: "RUNNING", old.pk: "READY", long_lease.pk: "RUNNING"}


def test_reaper_fails_a_task_after_its_last_attempt(settings):
    settings.INNOMARKET_RECOVERY = {**settings.INNOMARKET_RECOVERY, "TASK_MAX_ATTEMPTS": 2}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    heartbeat("w2", pid=dead_pid())
    row = running_task("w2")
    row.worker_ids = ["w1", "w2"]
    row.save()
    workers.tasks_reap()
    row.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path == workers.WORKER_LOST
    assert "已执行 2 次" in row.traceback and row.task_result.errors[0].traceback == row.traceback


def test_reconcile_indexes_missing_and_stale_records_and_removes_private_ones(
    django_capture_on_commit_callbacks,
):
    # Given: three public policies never indexed (their index task was lost), one draft
    policies = [make_listing("policy", city="wuxi", title=f"无锡集成电路扶持政策{i}") for i in range(3)]
    make_listing("policy", city="wuxi", status="draft", title="草稿政策")
    assert not SearchDocument.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        first = index_reconcile()
    assert {f"policy:{p.pk}" for p in policies} <= set(first.missing) and not first.removed
    assert set(SearchDocument.objects.filter(type_key="policy").values_list("object_id", flat=True)) == {
        p.pk for p in policies
    }
    assert not index_reconcile().missing and not index_reconcile().stale  # in line now

    # When: one is archived and one retitled behind the signals' back (a bulk UPDATE)
    type(policies[0]).objects.filter(pk=policies[0].pk).update(status="archived")
    type(policies[1]).objects.filter(pk=policies[1].pk).update(title="无锡人工智能专项政策")
    with django_capture_on_commit_callbacks(execute=True):
        second = index_reconcile()

    # Then: the archived one's document is gone, the retitled one re-indexed
    assert second.removed == [f"policy:{policies[0].pk}"] and second.stale == [f"policy:{policies[1].pk}"]
    assert not SearchDocument.objects.filter(type_key="policy", object_id=policies[0].pk).exists()
    assert (
        SearchDocument.objects.get(type_key="policy", object_id=policies[1].pk).title
        == "无锡人工智能专项政策"
    )
    third = index_reconcile()
    assert not (third.missing or third.stale or third.removed)


@pytest.fixture
def bidding(settings, tmp_path):
    settings.INNOMARKET_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    owner = OrganisationFactory(name="常州某储能科技有限公司", city=city("changzhou"))
    uni = OrganisationFactory(name="南京某大学", kind=Organisation.Kind.UNIVERSITY, city=city("nanjing"))
    challenge = make_listing(
        "challenge",
        city="changzhou",
        owner=owner,
        summary="电池热失控预警",
        deadline=timezone.localdate() + dt.timedelta(days=30),
        budget_min=Decimal("100"),
        budget_max=Decimal("300"),
        confidentiality="confidential",  # the bidder signs the terms, as on a confidential challenge
    )
    user = member_of(uni, username="bidder")
    challenges.terms_accept(actor=user, challenge=challenge)
    return challenge, uni, user, tmp_path / "private"


def private_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_failed_bid_submission_leaves_no_file(bidding):
    challenge, uni, user, root = bidding
    upload = SimpleUploadedFile("方案.pdf", b"%PDF-1.4 " + b"x" * 4096, content_type="application/pdf")
    incomplete = challenges.BidData.from_mapping({"team": "电池安全课题组", "approach": "", "milestones": ""})
    with pytest.raises(ApplicationError, match="提交前请填写"):
        challenges.bid_create(
            actor=user, challenge=challenge, organisation=uni, data=incomplete, files=[upload], submit=True
        )
    assert not BidAttachment.objects.exists() and private_files(root) == []

    # The same bid, complete, keeps its file.
    complete = challenges.BidData.from_mapping(
        {"team": "电池安全课题组", "approach": "多传感器融合", "milestones": "2027 样机"}
    )
    upload.seek(0)
    bid = challenges.bid_create(
        actor=user, challenge=challenge, organisation=uni, data=complete, files=[upload], submit=True
    )
    assert [p.relative_to(root).as_posix() for p in private_files(root)] == [bid.attachments.get().file.name]


def test_sweep_deletes_old_unreferenced_files_only(bidding):
    challenge, uni, user, root = bidding
    data = challenges.BidData.from_mapping({"team": "课题组", "approach": "方案", "milestones": "里程碑"})
    upload = SimpleUploadedFile("方案.pdf", b"%PDF-1.4 kept", content_type="application/pdf")
    bid = challenges.bid_create(actor=user, challenge=challenge, organisation=uni, data=data, files=[upload])
    kept = root / bid.attachments.get().file.name
    orphan_old = root / "bids" / "2024" / "01" / "interrupted.pdf"  # a request killed mid-upload
    orphan_new = root / "bids" / "2024" / "01" / "being-written.pdf"
    for path in (orphan_old, orphan_new):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 1000)
    day_old = time.time() - 25 * 3600
    os.utime(orphan_old, (day_old, day_old))
    os.utime(kept, (day_old, day_old))  # old, but a row refers to it

    report = orphan_uploads_sweep()

    assert report.removed == 1 and report.removed_bytes == 1000 and report.kept_recent == 1
    assert not orphan_old.exists() and orphan_new.exists() and kept.exists()


def test_hourly_housekeeping_reports_the_recovery(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.INNOMARKET_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    heartbeat("dead", pid=dead_pid())
    row = running_task("dead")
    make_listing("policy", city="wuxi", title="无锡政策")
    with django_capture_on_commit_callbacks(execute=True):
        report = housekeeping()
    row.refresh_from_db()
    assert row.status == "READY" and report.tasks_requeued == 1 and report.index_missing >= 1
    assert report.uploads_removed == 0 and report.tasks_failed == 0
