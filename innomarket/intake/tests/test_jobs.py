"""Import jobs: upload → background validation → report on the row → commit (re-validated)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.common.tests.factories import UserFactory, city_admin
from innomarket.intake import services
from innomarket.intake.models import ImportJob
from innomarket.organisations.models import Organisation

from .helpers import ORG_HEADER, csv_bytes, org_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.INNOMARKET_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


def upload(rows, name="机构.csv"):
    return SimpleUploadedFile(name, csv_bytes(ORG_HEADER, rows), content_type="text/csv")


def test_upload_validates_in_the_background_and_commits(django_capture_on_commit_callbacks):
    admin = city_admin("suzhou")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(
            actor=admin, kind="organisation", upload=upload([org_row(1), org_row(2)])
        )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED and job.city.slug == "suzhou"
    assert job.total_rows == 2 and job.valid_rows == 2 and job.problems == [] and job.progress_percent == 100
    assert job.original_name == "机构.csv" and not job.file.name.endswith("机构.csv")
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_commit(actor=admin, job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED and job.created_count == 2
    assert Organisation.objects.filter(name__startswith="苏州测试智能", status="submitted").count() == 2


def test_invalid_job_stores_problems_and_commits_only_with_keep_valid(django_capture_on_commit_callbacks):
    admin = city_admin("suzhou")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(
            actor=admin, kind="organisation", upload=upload([org_row(1), org_row(2, city="南京")])
        )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID and job.invalid_rows == 1 and job.problem_count == 1
    assert job.problems[0]["row"] == 3 and job.problems[0]["column"] == "所属城市"
    with pytest.raises(ApplicationError):
        services.import_job_commit(actor=admin, job=job)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_commit(actor=admin, job=job, keep_valid=True)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED and job.created_count == 1


def test_unreadable_upload_marks_the_job_invalid_with_the_reason(django_capture_on_commit_callbacks):
    admin = city_admin("suzhou")
    bad = SimpleUploadedFile("旧文件.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(actor=admin, kind="organisation", upload=bad)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID and "另存为" in job.error


def test_commit_revalidates_the_stored_file(django_capture_on_commit_callbacks):
    admin = city_admin("suzhou")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(actor=admin, kind="organisation", upload=upload([org_row(1)]))
    job.refresh_from_db()
    # The file changes on disk between validation and commit: the commit sees the new content.
    with job.file.open("wb") as handle:
        handle.write(csv_bytes(ORG_HEADER, [org_row(1, city="火星")]))
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_commit(actor=admin, job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "未导入任何数据" in job.error
    assert not Organisation.objects.filter(name__startswith="苏州测试智能").exists()


def test_only_administrators_create_jobs():
    with pytest.raises(PermissionDenied):
        services.import_job_create(actor=UserFactory(), kind="organisation", upload=upload([org_row(1)]))
