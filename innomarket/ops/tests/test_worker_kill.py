"""A worker killed with SIGKILL while it runs a task: the next worker runs the task again to completion,
or, after the last attempt, fails it visibly; an import job never stays 导入中.

Real processes: ``manage.py run_worker`` in a subprocess against this test's own database (the
file-based SQLite test database, or the PostgreSQL test database in the PostgreSQL run).
"""

from __future__ import annotations

import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from innomarket.common.tests.factories import city_admin
from innomarket.intake import services as intake
from innomarket.intake.models import ImportJob
from innomarket.intake.tests.helpers import ORG_HEADER, csv_bytes, org_row
from innomarket.ops.models import TaskRecovery, WorkerHeartbeat
from innomarket.ops.workers import WORKER_LOST
from innomarket.organisations.models import Organisation

from .processes import finish, start_worker, wait_until
from .tasks import wait_for_release

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_reference_data")]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
ROWS = 4000


@pytest.fixture
def private_root(settings, tmp_path):
    settings.INNOMARKET_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path / "private"


def kill(process) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL


def test_task_of_a_killed_worker_runs_again_to_completion(settings, tmp_path, private_root):
    settings.TASKS = DATABASE_TASKS
    result = wait_for_release.enqueue(str(tmp_path))
    first = start_worker()
    try:
        wait_until(
            lambda: any(tmp_path.glob("started-*")), timeout=60, what="the task to start", process=first
        )
    finally:
        kill(first)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "RUNNING" and len(row.worker_ids) == 1  # what SIGKILL leaves behind
    dead = WorkerHeartbeat.objects.get(worker_id=row.worker_ids[0])
    assert dead.pid == first.pid and dead.stopped_at is None

    (tmp_path / "release").touch()
    out = finish(start_worker("--batch"))

    row.refresh_from_db()
    assert row.status == "SUCCESSFUL", out
    assert len(row.worker_ids) == 2 and row.worker_ids[0] == dead.worker_id
    assert (tmp_path / "done").read_text().splitlines() == [str(row.return_value)]  # completed once
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()
    recovery = TaskRecovery.objects.get()
    assert recovery.action == "requeued" and recovery.worker_id == dead.worker_id and recovery.attempt == 1
    assert "re-queued 1" in out
    # The second worker exited normally and says so; the killed one never did.
    assert WorkerHeartbeat.objects.exclude(pk=dead.pk).get().stopped_at is not None


def test_task_is_failed_visibly_after_its_last_attempt(settings, tmp_path, private_root):
    settings.TASKS = DATABASE_TASKS
    result = wait_for_release.enqueue(str(tmp_path))
    first = start_worker()
    try:
        wait_until(
            lambda: any(tmp_path.glob("started-*")), timeout=60, what="the task to start", process=first
        )
    finally:
        kill(first)

    finish(start_worker("--batch", INNOMARKET_TASK_MAX_ATTEMPTS="1"))

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED" and row.exception_class_path == WORKER_LOST
    assert "后台工作进程意外退出" in row.traceback and row.finished_at is not None
    assert len(list(tmp_path.glob("started-*"))) == 1  # not run a second time
    assert TaskRecovery.objects.get().action == "failed"


def _committing_job(settings, rows: int = ROWS) -> tuple[ImportJob, object]:
    """A validated 苏州 organisation import whose commit is queued for the worker."""
    admin = city_admin("suzhou")
    upload = SimpleUploadedFile("机构.csv", csv_bytes(ORG_HEADER, [org_row(i) for i in range(rows)]))
    job = intake.import_job_create(actor=admin, kind="organisation", upload=upload)  # validated inline
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    settings.TASKS = DATABASE_TASKS
    intake.import_job_commit(actor=admin, job=job)
    return job, admin


def _kill_during_commit(job: ImportJob) -> None:
    worker = start_worker()
    try:
        wait_until(
            lambda: DBTaskResult.objects.filter(
                task_path__endswith="commit_job_task", status="RUNNING"
            ).exists(),
            timeout=60,
            what="the commit task to start",
            process=worker,
        )
    finally:
        kill(worker)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTING  # 导入中, and nothing will finish it
    assert not Organisation.objects.filter(name__startswith="苏州测试智能").exists()


def test_import_killed_mid_commit_is_resumed_by_the_next_worker(settings, private_root):
    job, _admin = _committing_job(settings)
    _kill_during_commit(job)

    finish(start_worker("--batch"))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED and job.created_count == ROWS
    assert Organisation.objects.filter(name__startswith="苏州测试智能").count() == ROWS  # once, not twice
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()


def test_import_killed_too_often_fails_visibly_and_imports_on_retry(settings, private_root, client):
    job, admin = _committing_job(settings)
    _kill_during_commit(job)

    finish(start_worker("--batch", INNOMARKET_TASK_MAX_ATTEMPTS="1"))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.failed_stage == "commit"
    assert "后台处理进程意外中断，已执行 1 次均未完成" in job.error and "重新导入" in job.error
    client.force_login(admin)
    page = client.get(reverse("intake:job", args=[job.pk])).content.decode()
    assert "导入失败" in page and 'id="job-retry"' in page and "后台处理进程意外中断" in page

    response = client.post(reverse("intake:job-retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTING and job.error == ""
    finish(start_worker("--batch"))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED and job.created_count == ROWS
    assert Organisation.objects.filter(name__startswith="苏州测试智能").count() == ROWS
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()
