"""Import templates: headers, hints, drop-downs, no formula cells, and the round trip through import."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from innomarket.intake import services
from innomarket.intake.specs import get_spec, kinds
from innomarket.intake.templates_xlsx import GUIDE_SHEET, OPTIONS_SHEET, write_csv_template, write_template
from innomarket.organisations.models import Organisation

from .helpers import credit_code

pytestmark = pytest.mark.django_db


def template(kind: str):
    out = io.BytesIO()
    write_template(kind, out)
    out.seek(0)
    return out


def test_template_sheets_headers_hints_and_dropdowns():
    wb = load_workbook(template("organisation"))
    data, guide, options = wb.worksheets
    assert guide.title == GUIDE_SHEET and options.title == OPTIONS_SHEET
    assert options.sheet_state == "hidden"
    header = [c.value for c in data[1]]
    assert header[:4] == ["机构名称*", "简称", "机构类型*", "统一社会信用代码"]
    assert data.freeze_panes == "A2"
    assert "18 位" in data["D1"].comment.text
    refs = {str(dv.sqref): dv.formula1 for dv in data.data_validations.dataValidation}
    assert refs["E2:E5001"].startswith("选项!$") or refs["E2:E5001"].startswith("'选项'!$")
    option_values = {c.value for col in options.iter_cols() for c in col}
    assert {"苏州市", "企业", "人工智能"} <= option_values
    assert data["D2"].number_format == "@"


@pytest.mark.parametrize("kind", kinds())
def test_no_template_cell_is_a_formula(kind):
    wb = load_workbook(template(kind))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)


def test_csv_template_has_bom_and_the_same_columns(tmp_path):
    path = tmp_path / "t.csv"
    write_csv_template("policy", path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").strip().split(",") == [
        c.marked_header for c in get_spec("policy").columns
    ]


def test_round_trip_template_filled_in_and_imported():
    wb = load_workbook(template("organisation"))
    ws = wb.worksheets[0]
    ws.append(
        [
            "苏州往返科技有限公司",
            "",
            "企业",
            credit_code(11),
            "苏州市",
            "",
            "https://example.com",
            "人工智能、新材料",
            "",
            "研发传感器",
        ]
    )
    ws.append(
        ["南京往返研究院", "往返院", "科研院所", credit_code(12, region="320100"), "南京", "", "", "", "", ""]
    )
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    report = services.validate("organisation", out)
    assert report.ok, report.problems
    result = services.commit(report)
    orgs = Organisation.objects.filter(pk__in=result.ids).order_by("name")
    assert [o.name for o in orgs] == ["南京往返研究院", "苏州往返科技有限公司"]
    assert {o.status for o in orgs} == {"submitted"} and {o.source for o in orgs} == {"import"}
    assert orgs[0].kind == "institute" and orgs[0].city.slug == "nanjing"


def test_achievement_template_offers_the_kind_in_chinese():
    wb = load_workbook(template("achievement"))
    data, _guide, options = wb.worksheets
    header = [c.value for c in data[1]]
    assert header[:3] == ["成果名称*", "所属城市*", "成果类型"]
    assert "不填为技术成果" in data["C1"].comment.text
    option_values = {c.value for col in options.iter_cols() for c in col}
    assert {"技术成果", "论文/研究成果"} <= option_values
