"""数据导入 in Debian's chromium: a city administrator uploads an Excel file, watches the progress, reads
the validation report (the row, the column and the expected check character of a wrong 统一社会信用代码),
imports only the valid rows after confirming, and sees how many were created.

The background worker is played by the test: tasks are only queued here (django-tasks' DummyBackend),
and the test runs the job's service steps itself while the page polls, so the page is seen in each
state — queued, validating with a partial count, validated with its report, committing, committed.
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from innomarket.common.tests.factories import city_admin
from innomarket.intake import services
from innomarket.intake.models import ImportJob
from innomarket.intake.validators import CREDIT_CODE_ALPHABET, credit_code_check_char
from innomarket.organisations.models import Organisation
from innomarket.verification.models import Source

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"  # UserFactory's
HEADER = ["机构名称*", "机构类型*", "统一社会信用代码", "所属城市*", "地址", "领域/产业", "简介"]


def code(n: int) -> str:
    body = "91320500" + "".join(CREDIT_CODE_ALPHABET[(n * 7 + i * 3) % 31] for i in range(9))
    return body + credit_code_check_char(body)


def workbook(bad_code: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for n in range(1, 4):
        ws.append(
            [
                f"苏州导入测试科技有限公司{n}",
                "企业",
                code(n),
                "苏州市",
                f"星湖街{n}号",
                "人工智能",
                "芯片研发",
            ]
        )
    ws.append(
        ["苏州抄错代码有限公司", "企业", bad_code, "苏州市", "金鸡湖大道 1 号", "集成电路", ""]
    )  # row 5
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _queued_not_run(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.INNOMARKET_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


def test_city_admin_uploads_reads_the_report_and_imports_the_valid_rows(page, screenshot):
    city_admin("suzhou", username="szadmin")
    good = code(4)
    expected = good[-1]
    bad_code = good[:-1] + ("0" if expected != "0" else "1")

    page.goto("/accounts/login/?next=/intake/")
    page.fill("input[name=username]", "szadmin")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/intake/$"))
    expect(page.locator("#own-city")).to_contain_text("苏州")
    expect(page.get_by_role("link", name="下载模板 (.xlsx)").first).to_be_visible()
    screenshot(page, "import-upload-page")

    page.get_by_label("数据类型").select_option("organisation")
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "苏州机构.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": workbook(bad_code),
            }
        ],
    )
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_url(re.compile(r"/intake/jobs/\d+/$"))
    job = ImportJob.objects.get(original_name="苏州机构.xlsx")

    # Queued: an indeterminate bar, polled every second.
    section = page.locator("#import-job")
    expect(section).to_have_attribute("data-status", "pending")
    expect(section.locator("progress")).to_be_visible()
    expect(section).to_contain_text("排队中")

    # The worker starts and reports half of the rows: the bar follows.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.VALIDATING, total_rows=4, processed_rows=2
    )
    expect(page.locator("#progress-text")).to_contain_text("已处理 2 / 4 行")
    expect(page.locator("#import-job progress")).to_have_attribute("value", "2")
    screenshot(page, "import-0-progress")

    # The worker finishes validating: the report replaces the bar and the polling stops.
    services.job_validate(job_id=job.pk)
    expect(section).to_have_attribute("data-status", "invalid")
    expect(page.locator("#import-job progress")).to_have_count(0)
    assert page.locator("#import-job").get_attribute("hx-trigger") is None
    expect(page.locator(".count-total strong")).to_have_text("4")
    expect(page.locator(".count-valid strong")).to_have_text("3")
    expect(page.locator(".count-invalid strong")).to_have_text("1")
    problem = page.locator("#problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem.locator(".row-number")).to_have_text("5")
    expect(problem.locator(".column")).to_have_text("统一社会信用代码")
    expect(problem.locator(".value")).to_have_text(bad_code)
    expect(problem.locator(".message")).to_contain_text(f"校验位应为“{expected}”")
    expect(page.get_by_role("button", name="全部导入")).to_have_count(0)
    screenshot(page, "import-1-report")

    # 只导入正确的行, confirmed.
    page.get_by_label("我已了解：有错误的行不会导入").check()
    page.get_by_role("button", name="只导入正确的 3 行").click()
    page.wait_for_url(re.compile(rf"/intake/jobs/{job.pk}/$"))
    expect(section).to_have_attribute("data-status", "committing")
    expect(page.get_by_text("正在导入 3 行正确的数据")).to_be_visible()

    services.job_commit(job_id=job.pk, keep_valid=True)
    expect(section).to_have_attribute("data-status", "committed")
    expect(page.locator("#job-result")).to_contain_text("已导入 3 条记录")
    expect(page.locator("#job-result")).to_contain_text("跳过了 1 行有错误的数据")
    expect(page.get_by_role("link", name="到核验队列查看导入的记录")).to_be_visible()
    screenshot(page, "import-2-committed")
    assert page.js_errors == []

    imported = Organisation.objects.filter(name__startswith="苏州导入测试科技有限公司")
    assert imported.count() == 3
    assert set(imported.values_list("status", "source", "city__slug")) == {
        ("submitted", Source.IMPORT, "suzhou")
    }
    assert not Organisation.objects.filter(credit_code=bad_code).exists()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED and job.created_count == 3 and job.keep_valid
