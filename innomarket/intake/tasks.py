"""Background tasks of the intake (django-tasks): thin wrappers around the job services."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from . import services


@task()
def validate_job_task(job_id: int) -> dict[str, Any]:
    """Validate an uploaded import file and store the report on its job."""
    job = services.job_validate(job_id=job_id)
    return {"status": job.status, "valid_rows": job.valid_rows, "problems": job.problem_count}


@task()
def commit_job_task(job_id: int, keep_valid: bool = False) -> dict[str, Any]:
    """Re-validate the stored file and commit it (all-or-nothing, or the valid rows with keep_valid)."""
    job = services.job_commit(job_id=job_id, keep_valid=keep_valid)
    return {"status": job.status, "created": job.created_count, "error": job.error}
