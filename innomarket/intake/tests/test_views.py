"""数据导入 pages: who may use them, template downloads, upload → report → commit, escaping, the progress
fragment. Tasks run inline (root conftest), so an upload is validated by the time its page opens."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from innomarket.common.tests.factories import (
    OrganisationFactory,
    UserFactory,
    alliance_admin,
    city_admin,
    member_of,
)
from innomarket.intake import services
from innomarket.intake.models import MAX_STORED_PROBLEMS, ImportJob
from innomarket.intake.specs import get_spec
from innomarket.organisations.models import Organisation
from innomarket.verification.models import Source

from .helpers import ORG_HEADER, credit_code, csv_bytes, org_row, xlsx_bytes

pytestmark = pytest.mark.django_db

INDEX = reverse("intake:index")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.INNOMARKET_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


def csv_upload(rows, name="机构.csv"):
    return SimpleUploadedFile(name, csv_bytes(ORG_HEADER, rows), content_type="text/csv")


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST whose on-commit callbacks (the queued tasks, inline) run as the request ends, as they
    would outside the test's transaction."""

    def send(url, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **kwargs)

    return send


@pytest.fixture
def upload(post):
    """POST an organisation CSV through the upload form; its validation has run when this returns."""

    def send(rows, *, name="机构.csv", **extra):
        return post(INDEX, {"kind": "organisation", "file": csv_upload(rows, name), **extra})

    return send


def job_of(response) -> ImportJob:
    match = re.search(r"/intake/jobs/(\d+)/$", response["Location"])
    assert match, response["Location"]
    return ImportJob.objects.get(pk=int(match.group(1)))


@pytest.fixture
def suzhou_admin(client):
    user = city_admin("suzhou", username="szadmin")
    client.force_login(user)
    return user


def wrong_check(code: str) -> tuple[str, str]:
    """The code with another check character, and the right one."""
    right = code[-1]
    wrong = "0" if right != "0" else "1"
    return code[:-1] + wrong, right


# -- who may use the pages -----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for url in (
        INDEX,
        reverse("intake:template-xlsx", args=["organisation"]),
        reverse("intake:job", args=[1]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_members_and_plain_users_are_refused(client):
    member = member_of(OrganisationFactory(), username="member")
    client.force_login(member)
    assert client.get(INDEX).status_code == 403
    assert client.post(INDEX, {"kind": "organisation", "file": csv_upload([org_row(1)])}).status_code == 403
    assert client.get(reverse("intake:template-csv", args=["policy"])).status_code == 403
    client.force_login(UserFactory(username="plain"))
    assert client.get(INDEX).status_code == 403
    assert not ImportJob.objects.exists()


def test_city_admin_sees_their_city_fixed_and_all_kinds(client, suzhou_admin):
    response = client.get(INDEX)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="own-city"' in content and "苏州" in content
    assert 'name="city"' not in content  # no choice of city for a city administrator
    assert content.count("下载模板 (.xlsx)") == 15 and content.count("CSV 模板") == 15
    assert reverse("intake:template-xlsx", args=["organisation"]) in content


def test_alliance_admin_picks_a_city_or_uses_the_files_column(client, upload):
    client.force_login(alliance_admin(username="alliance"))
    content = client.get(INDEX).content.decode()
    assert 'name="city"' in content and "按文件中的“所属城市”列" in content
    # Without a city, each row's 所属城市 decides; both cities land in one job.
    response = upload([org_row(1, city="苏州市"), org_row(2, city="南京市")])
    job = job_of(response)
    assert job.city is None and job.status == ImportJob.Status.VALIDATED and job.valid_rows == 2


def test_alliance_admin_with_a_city_forces_it(client, upload):
    client.force_login(alliance_admin(username="alliance"))
    from innomarket.common.tests.factories import city

    response = upload([org_row(1, city="南京市")], city=city("suzhou").pk)
    job = job_of(response)
    assert job.city.slug == "suzhou" and job.status == ImportJob.Status.INVALID
    assert job.problems[0]["column"] == "所属城市"


def test_city_admin_rows_of_another_city_are_reported_not_imported(client, suzhou_admin, upload):
    response = upload([org_row(1), org_row(2, city="南京市")])
    job = job_of(response)
    assert job.city.slug == "suzhou" and job.status == ImportJob.Status.INVALID
    assert [(p["row"], p["column"]) for p in job.problems] == [(3, "所属城市")]
    assert "苏州" in job.problems[0]["message"]


def test_city_admin_cannot_pick_another_city_by_posting_one(client, suzhou_admin, upload):
    from innomarket.common.tests.factories import city

    # The field is not offered: a forged value is ignored and the job stays in their own city.
    response = upload([org_row(1)], city=city("nanjing").pk)
    assert job_of(response).city.slug == "suzhou"


def test_another_users_job_is_not_found(client, suzhou_admin, post, upload):
    job = job_of(upload([org_row(1)]))
    nanjing = city_admin("nanjing", username="njadmin")
    client.force_login(nanjing)
    for name in ("intake:job", "intake:job-progress"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert post(reverse("intake:job-commit", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    assert reverse("intake:job", args=[job.pk]) not in client.get(INDEX).content.decode()
    # A colleague administering the same city sees the city's jobs.
    client.force_login(city_admin("suzhou", username="szadmin2"))
    assert client.get(reverse("intake:job", args=[job.pk])).status_code == 200
    assert reverse("intake:job", args=[job.pk]) in client.get(INDEX).content.decode()


# -- templates -----------------------------------------------------------------------------------


def test_xlsx_template_download_opens_with_openpyxl(client, suzhou_admin):
    response = client.get(reverse("intake:template-xlsx", args=["organisation"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"organisation-template.xlsx\"; filename*=UTF-8''")
    assert unquote(disposition.split("''", 1)[1]) == "机构导入模板.xlsx"
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]][:4] == [
        "机构名称*",
        "简称",
        "机构类型*",
        "统一社会信用代码",
    ]


def test_csv_template_download(client, suzhou_admin):
    response = client.get(reverse("intake:template-csv", args=["policy"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert unquote(response["Content-Disposition"].split("''", 1)[1]) == "政策导入模板.csv"
    header = response.content.decode("utf-8-sig").strip().split(",")
    assert header == [c.marked_header for c in get_spec("policy").columns]


def test_unknown_kind_template_is_404(client, suzhou_admin):
    assert client.get(reverse("intake:template-xlsx", args=["nonsense"])).status_code == 404


# -- upload → report → commit --------------------------------------------------------------------


def test_valid_csv_is_validated_and_committed_all(client, suzhou_admin, post, upload):
    response = upload([org_row(1), org_row(2)])
    assert response.status_code == 302
    job = job_of(response)
    assert job.status == ImportJob.Status.VALIDATED and job.uploaded_by == suzhou_admin

    page = client.get(response["Location"]).content.decode()
    assert "校验通过" in page and "所有数据行均校验通过" in page
    assert "全部导入" in page and "只导入正确的" not in page
    assert 'hx-trigger="every 1s"' not in page  # finished: no polling

    response = post(reverse("intake:job-commit", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("intake:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED and job.created_count == 2
    imported = Organisation.objects.filter(name__startswith="苏州测试智能科技")
    assert imported.count() == 2
    assert set(imported.values_list("status", "source", "city__slug")) == {
        ("submitted", Source.IMPORT, "suzhou")
    }

    page = client.get(reverse("intake:job", args=[job.pk])).content.decode()
    assert "已导入 2 条记录" in page
    assert "source=import" in page and "kind=organisation" in page  # the verification queue link
    assert "source__exact=import" in page  # the admin changelist link
    assert "全部导入" not in page


def test_invalid_file_shows_problems_and_keep_valid_imports_only_the_valid_rows(
    client, suzhou_admin, post, upload
):
    bad_code, right = wrong_check(credit_code(3))
    job = job_of(upload([org_row(1), org_row(2), org_row(3, code=bad_code)]))
    assert job.status == ImportJob.Status.INVALID

    page = client.get(reverse("intake:job", args=[job.pk])).content.decode()
    assert 'id="problems"' in page
    row = re.search(
        r'<td class="row-number">(\d+)</td>\s*<td class="column">([^<]*)</td>\s*'
        r'<td class="value">([^<]*)</td>\s*<td class="message">([^<]*)</td>',
        page,
    )
    assert row and row.group(1) == "4" and row.group(2) == "统一社会信用代码" and row.group(3) == bad_code
    assert f"校验位应为“{right}”" in row.group(4)
    assert "全部导入" not in page
    assert "只导入正确的 2 行" in page and 'name="confirm"' in page

    # Without the confirmation nothing happens.
    response = post(reverse("intake:job-commit", args=[job.pk]), {"keep_valid": "on"}, follow=True)
    assert "请先勾选确认" in response.content.decode()
    job.refresh_from_db()
    assert (
        job.status == ImportJob.Status.INVALID
        and not Organisation.objects.filter(source=Source.IMPORT).exists()
    )

    # 全部导入 posted anyway is refused by the service, shown as a message.
    response = post(reverse("intake:job-commit", args=[job.pk]), follow=True)
    assert "不能提交" in response.content.decode()
    assert not Organisation.objects.filter(source=Source.IMPORT).exists()

    response = post(reverse("intake:job-commit", args=[job.pk]), {"keep_valid": "on", "confirm": "on"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED and job.created_count == 2
    assert Organisation.objects.filter(source=Source.IMPORT, status="submitted").count() == 2
    assert not Organisation.objects.filter(credit_code=bad_code).exists()
    page = client.get(response["Location"]).content.decode()
    assert "正在导入 2 行正确的数据" in page  # the message of the POST
    assert "已导入 2 条记录" in page and "跳过了 1 行有错误的数据" in page


def test_malicious_values_in_the_report_are_escaped(client, suzhou_admin, upload):
    evil = '<script>alert("x")</script>'
    row = org_row(1)
    row[1] = evil  # 机构类型: not one of the choices
    job = job_of(upload([row, org_row(2)]))
    assert job.status == ImportJob.Status.INVALID
    for url in (reverse("intake:job", args=[job.pk]), reverse("intake:job-progress", args=[job.pk])):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_xlsx_upload_and_the_unreadable_file_message(client, suzhou_admin, post):
    data = xlsx_bytes(ORG_HEADER, [org_row(1)])
    response = post(INDEX, {"kind": "organisation", "file": SimpleUploadedFile("机构.xlsx", data)})
    assert job_of(response).status == ImportJob.Status.VALIDATED

    old = SimpleUploadedFile("旧.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    response = post(INDEX, {"kind": "organisation", "file": old})
    page = client.get(response["Location"]).content.decode()
    assert 'id="job-error"' in page and "另存为" in page
    assert "全部导入" not in page and "只导入正确的" not in page


def test_wrong_extension_is_refused_by_the_form(client, suzhou_admin, post):
    response = post(INDEX, {"kind": "organisation", "file": SimpleUploadedFile("机构.pdf", b"%PDF-1.4")})
    assert response.status_code == 400 and "只能上传 Excel（.xlsx）或 CSV 文件" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_service_errors_are_shown_as_messages(client, suzhou_admin, settings, upload):
    settings.INNOMARKET_IMPORT_MAX_MB = 0
    response = upload([org_row(1)])
    assert response.status_code == 400 and "超过上限" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_more_problems_than_stored_are_announced(client, suzhou_admin, upload):
    job = job_of(upload([org_row(1), org_row(2, city="南京市")]))
    ImportJob.objects.filter(pk=job.pk).update(problem_count=MAX_STORED_PROBLEMS + 250)
    page = client.get(reverse("intake:job", args=[job.pk])).content.decode()
    assert 'id="more-problems"' in page and "另有 1249 个未列出" in page


# -- progress ------------------------------------------------------------------------------------


def test_progress_fragment_polls_while_running_and_stops_when_done(client, suzhou_admin, upload):
    job = job_of(upload([org_row(1), org_row(2)]))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.VALIDATING, processed_rows=1, total_rows=2
    )
    url = reverse("intake:job-progress", args=[job.pk])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("{% load") is False and '<section id="import-job"' in fragment
    assert "<html" not in fragment
    assert f'hx-get="{url}"' in fragment and 'hx-trigger="every 1s"' in fragment
    assert '<progress max="2" value="1"' in fragment and "已处理 1 / 2 行" in fragment
    page = client.get(reverse("intake:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "build/htmx.min.js" in page

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATED, processed_rows=2)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and "<progress" not in fragment
    assert "校验报告" in fragment and "全部导入" in fragment


def test_pending_job_shows_the_queue_state(client, suzhou_admin, upload):
    job = job_of(upload([org_row(1)]))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.PENDING, processed_rows=0, total_rows=0
    )
    fragment = client.get(reverse("intake:job-progress", args=[job.pk])).content.decode()
    assert "排队中" in fragment and "<progress" in fragment and 'hx-trigger="every 1s"' in fragment


def test_recent_jobs_list_links_to_the_job(client, suzhou_admin, upload):
    job = job_of(upload([org_row(1)], name="第一批.csv"))
    page = client.get(INDEX).content.decode()
    assert reverse("intake:job", args=[job.pk]) in page and "第一批.csv" in page and "校验通过" in page


def test_services_still_refuse_a_member_calling_them_directly():
    # The view's role check is the first gate; the service checks again.
    from innomarket.common.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.import_job_create(actor=UserFactory(), kind="organisation", upload=csv_upload([org_row(1)]))
