"""import_data / import_template: output format and exit codes."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from innomarket.organisations.models import Organisation

from .helpers import ORG_HEADER, csv_bytes, org_row

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_data", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(ORG_HEADER, [org_row(1), org_row(2)]))
    bad = tmp_path / "bad.csv"
    wrong = org_row(3, city="火星")
    bad.write_bytes(csv_bytes(ORG_HEADER, [org_row(1), wrong, org_row(4)], encoding="gbk"))
    return good, bad


def test_validate_only_good_file_exits_0_and_writes_nothing(files):
    code, out, _err = run("organisation", str(files[0]))
    assert code == 0 and "正确 2 行" in out
    assert not Organisation.objects.filter(name__startswith="苏州测试智能").exists()


def test_validate_only_bad_file_prints_one_line_per_problem_and_exits_1(files):
    code, out, _err = run("organisation", str(files[1]))
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith("row ")]
    assert len(lines) == 1 and lines[0].startswith("row 3, column 所属城市: 未知的城市")


def test_commit_good_file(files):
    code, out, err = run("organisation", str(files[0]), "--commit")
    assert code == 0 and "已导入 2 条" in out and "committing" in err
    assert Organisation.objects.filter(name__startswith="苏州测试智能", status="submitted").count() == 2


def test_commit_bad_file_writes_nothing_and_exits_1(files):
    code, out, _err = run("organisation", str(files[1]), "--commit")
    assert code == 1 and "未导入任何数据" in out
    assert not Organisation.objects.filter(name__startswith="苏州测试智能").exists()


def test_keep_valid_writes_the_rest_and_exits_0(files):
    code, out, _err = run("organisation", str(files[1]), "--commit", "--keep-valid")
    assert code == 0 and "已导入 2 条" in out and "已跳过 1 行" in out
    assert Organisation.objects.filter(name__startswith="苏州测试智能").count() == 2


def test_city_option(files):
    code, out, _err = run("organisation", str(files[0]), "--city", "nanjing")
    assert code == 1 and "row 2, column 所属城市: 本次导入只能导入“南京市”的数据。" in out


def test_unreadable_file_exits_1_with_message(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    code, _out, err = run("organisation", str(path))
    assert code == 1 and "另存为" in err


def test_unknown_kind_exits_1():
    code, _out, err = run("spaceship", "x.csv")
    assert code == 1 and "未知的导入类型" in err


def test_import_template_command(tmp_path):
    out = io.StringIO()
    call_command("import_template", "space", str(tmp_path / "space.xlsx"), stdout=out)
    wb = load_workbook(tmp_path / "space.xlsx")
    assert wb.worksheets[0]["A1"].value == "载体名称*"
    call_command("import_template", "space", str(tmp_path / "space.csv"), stdout=out)
    assert (tmp_path / "space.csv").read_bytes().startswith(b"\xef\xbb\xbf")
