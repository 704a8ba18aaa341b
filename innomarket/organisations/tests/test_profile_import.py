"""经营数据 from real .xlsx files: an organisation's own sheet in the workspace, many organisations'
in the back office; every problem located by row and column, nothing half-written."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.common.tests.factories import (
    OrganisationFactory,
    UserFactory,
    alliance_admin,
    city,
    city_admin,
    member_of,
)
from innomarket.intake.readers import ReadError
from innomarket.intake.validators import credit_code_check_char
from innomarket.organisations.models import OrganisationProfile
from innomarket.organisations.profile_import import (
    COLUMNS,
    profile_import_commit,
    profile_import_validate,
    write_profile_template,
)
from innomarket.policies.models import PolicyPush

pytestmark = pytest.mark.django_db
HEADERS = [c.header for c in COLUMNS]


def uscc(n: int) -> str:
    first = f"9132010{n:010d}"
    return first + credit_code_check_char(first)


def xlsx(rows, header=HEADERS) -> io.BytesIO:
    wb = Workbook()
    sheet = wb.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h) for h in header] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "经营数据.xlsx"
    return buffer


def upload(buffer) -> SimpleUploadedFile:
    return SimpleUploadedFile(buffer.name, buffer.getvalue())


@pytest.fixture
def firms():
    a = OrganisationFactory(city=city("nanjing"), name="南京甲科技有限公司", credit_code=uscc(1))
    b = OrganisationFactory(city=city("nanjing"), name="南京乙科技有限公司", credit_code=uscc(2))
    c = OrganisationFactory(city=city("suzhou"), name="苏州丙科技有限公司", credit_code=uscc(3))
    OrganisationProfile.objects.create(
        organisation=b, headcount=50, tech_staff=10, revenue_wan=Decimal("800")
    )
    return a, b, c


@pytest.fixture
def admin():
    return city_admin("nanjing", username="nj-import")


def test_a_city_administrator_imports_the_figures_of_the_citys_organisations(firms, admin):
    a, b, _c = firms
    file = xlsx(
        [
            {
                "统一社会信用代码": a.credit_code,
                "营业收入（万元）": 1200,
                "研发费用（万元）": "38.4",
                "成立日期": dt.datetime(2020, 3, 1),
                "职工总数（人）": 80,
            },
            {"机构名称": "南京乙科技有限公司", "营业收入（万元）": "1.2亿元", "其中发明专利（件）": None},
        ]
    )
    report = profile_import_validate(actor=admin, fileobj=file)
    assert report.ok, [str(p) for p in report.problems]

    assert profile_import_commit(actor=admin, report=report) == 2

    a.profile.refresh_from_db()
    assert (a.profile.revenue_wan, a.profile.rd_expense_wan, a.profile.founded_on, a.profile.headcount) == (
        Decimal("1200.00"),
        Decimal("38.40"),
        dt.date(2020, 3, 1),
        80,
    )
    b.profile.refresh_from_db()
    assert (
        b.profile.revenue_wan == Decimal("12000.00") and b.profile.headcount == 50
    )  # blank cells keep figures


def test_every_problem_is_located_and_nothing_is_written(firms, admin):
    a, b, c = firms
    file = xlsx(
        [
            {"统一社会信用代码": a.credit_code, "营业收入（万元）": 900},  # row 2 is fine
            {"统一社会信用代码": b.credit_code, "营业收入（万元）": "很多", "职工总数（人）": "-3"},  # row 3
            {"统一社会信用代码": c.credit_code, "营业收入（万元）": 1},  # row 4: another city
            {
                "统一社会信用代码": b.credit_code,
                "科技人员数（人）": 90,
            },  # row 5: more staff than 50, and b twice
            {"机构名称": "不存在的公司", "营业收入（万元）": 1},  # row 6
            {"营业收入（万元）": 1},  # row 7: which organisation?
        ]
    )
    report = profile_import_validate(actor=admin, fileobj=file)
    messages = [str(p) for p in report.problems]

    assert (
        "第 3 行 第 H 列“营业收入（万元）”：无法识别金额“很多”，请填写数字（单位：万元），如“500”或“1.2亿元”。"
        in messages
    )
    assert any(m.startswith("第 3 行 第 F 列“职工总数（人）”：") for m in messages)
    assert (
        "第 4 行 第 A 列“统一社会信用代码”：“苏州丙科技有限公司”属于苏州市，您只能导入本市机构的经营数据。"
        in messages
    )
    assert any(m.startswith("第 6 行 第 B 列“机构名称”：平台上没有这个名称的机构") for m in messages)
    assert "第 7 行：请填写统一社会信用代码或机构名称，以确定这一行是哪个机构。" in messages
    assert [r.row for r in report.rows] == [2] and report.invalid_rows == 5
    with pytest.raises(ApplicationError, match="有 5 行数据有误"):
        profile_import_commit(actor=admin, report=report)
    assert not OrganisationProfile.objects.filter(organisation=a).exists()

    # Asked explicitly, the valid row is written and the others are skipped.
    assert profile_import_commit(actor=admin, report=report, keep_valid=True) == 1
    assert OrganisationProfile.objects.get(organisation=a).revenue_wan == Decimal("900.00")


def test_figures_contradicting_those_on_record_are_refused_on_the_cell(firms, admin):
    _a, b, _c = firms
    report = profile_import_validate(
        actor=admin, fileobj=xlsx([{"统一社会信用代码": b.credit_code, "科技人员数（人）": 90}])
    )
    assert [str(p) for p in report.problems] == [
        "第 2 行 第 G 列“科技人员数（人）”：科技人员数不能多于职工总数。"
    ]


def test_a_file_whose_header_is_not_the_template_is_refused_as_a_whole(admin):
    with pytest.raises(ReadError, match="第 C 列“利润”"):
        profile_import_validate(
            actor=admin, fileobj=xlsx([["x", "y", 1]], header=["统一社会信用代码", "机构名称", "利润"])
        )
    with pytest.raises(ReadError, match="没有数据行"):
        profile_import_validate(actor=admin, fileobj=xlsx([]))


def test_people_without_a_role_cannot_import(firms):
    with pytest.raises(PermissionDenied):
        profile_import_validate(actor=UserFactory(), fileobj=xlsx([{"机构名称": "x", "营业收入（万元）": 1}]))
    with pytest.raises(PermissionDenied):
        profile_import_validate(actor=member_of(firms[1]), fileobj=xlsx([]), organisation=firms[0])


def test_an_alliance_administrator_imports_for_any_city(firms):
    _a, _b, c = firms
    report = profile_import_validate(
        actor=alliance_admin(), fileobj=xlsx([{"统一社会信用代码": c.credit_code, "营业收入（万元）": 10}])
    )
    assert report.ok


def test_the_organisations_sheet_round_trips_through_the_workspace(
    client, firms, django_capture_on_commit_callbacks
):
    # Given a member who downloads the sheet with the organisation's figures …
    _a, b, _c = firms
    member = member_of(b, username="b-member")
    client.force_login(member)
    response = client.get(reverse("site:workspace-profile-template", kwargs={"org_pk": b.pk}))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet["A2"].value == b.credit_code and sheet["F2"].value == 50 and sheet["H2"].value == 800

    # … changes a figure and uploads it back.
    sheet["H2"] = 2500
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    buffer.name = "mine.xlsx"
    url = reverse("site:workspace-profile-import", kwargs={"org_pk": b.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": upload(buffer)})
    assert response.status_code == 302
    b.profile.refresh_from_db()
    assert b.profile.revenue_wan == Decimal("2500.00") and b.profile.headcount == 50


def test_a_wrong_own_sheet_shows_its_problems_and_writes_nothing(client, firms):
    a, b, _c = firms
    client.force_login(member_of(b, username="b-member2"))
    url = reverse("site:workspace-profile-import", kwargs={"org_pk": b.pk})
    file = xlsx(
        [
            {"统一社会信用代码": a.credit_code, "营业收入（万元）": 1},
            {"统一社会信用代码": b.credit_code, "研发费用（万元）": "abc"},
        ]
    )
    response = client.post(url, {"file": upload(file)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "第 2 行 第 A 列“统一社会信用代码”：不是本机构（南京乙科技有限公司）的统一社会信用代码。" in html
    assert "第 3 行 第 J 列“研发费用（万元）”" in html and "未导入任何数据" in html
    b.profile.refresh_from_db()
    assert b.profile.revenue_wan == Decimal("800") and b.profile.rd_expense_wan is None


def test_another_organisations_sheet_is_not_found(client, firms):
    a, b, _c = firms
    client.force_login(member_of(b, username="b-member3"))
    assert client.get(reverse("site:workspace-profile-template", kwargs={"org_pk": a.pk})).status_code == 404
    file = xlsx([{"营业收入（万元）": 1}])
    assert (
        client.post(
            reverse("site:workspace-profile-import", kwargs={"org_pk": a.pk}), {"file": upload(file)}
        ).status_code
        == 404
    )


def test_an_xls_or_text_file_is_refused_with_a_reason(client, firms):
    _a, b, _c = firms
    client.force_login(member_of(b, username="b-member4"))
    url = reverse("site:workspace-profile-import", kwargs={"org_pk": b.pk})
    response = client.post(
        url, {"file": SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100)}
    )
    assert response.status_code == 400 and "另存为 .xlsx" in response.content.decode()


def test_the_back_office_import_page(client, firms, admin, django_capture_on_commit_callbacks):
    a, _b, _c = firms
    client.force_login(admin)
    url = reverse("admin:organisations_organisationprofile_import")
    assert client.get(url).status_code == 200
    template = client.get(reverse("admin:organisations_organisationprofile_template"))
    assert [c.value for c in load_workbook(io.BytesIO(template.content)).active[1]] == HEADERS

    bad = xlsx([{"统一社会信用代码": a.credit_code, "营业收入（万元）": "x"}])
    response = client.post(url, {"file": upload(bad)})
    assert response.status_code == 400 and "第 2 行 第 H 列" in response.content.decode()

    good = xlsx([{"统一社会信用代码": a.credit_code, "营业收入（万元）": 100}])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": upload(good)})
    assert response.status_code == 200 and "已导入 1 个机构的经营数据。" in response.content.decode()
    assert OrganisationProfile.objects.get(organisation=a).revenue_wan == Decimal("100.00")
    assert client.get(reverse("admin:organisations_organisationprofile_changelist")).status_code == 200


def test_members_cannot_open_the_back_office_import(client, firms):
    client.force_login(member_of(firms[0], username="plain"))
    response = client.get(reverse("admin:organisations_organisationprofile_import"))
    assert response.status_code in (302, 403)


def test_an_import_that_makes_an_organisation_eligible_pushes_the_policy(
    firms, admin, django_capture_on_commit_callbacks
):
    from innomarket.backoffice.tests.helpers import make_policy
    from innomarket.policies.models import PolicyCondition

    a, _b, _c = firms
    member_of(a, username="a-member")
    policy = make_policy("nanjing", status="published")
    PolicyCondition.objects.create(policy=policy, kind="revenue", op=">=", number=1000, is_confirmed=True)
    report = profile_import_validate(
        actor=admin, fileobj=xlsx([{"统一社会信用代码": a.credit_code, "营业收入（万元）": 1500}])
    )
    with django_capture_on_commit_callbacks(execute=True):
        profile_import_commit(actor=admin, report=report)
    assert PolicyPush.objects.filter(organisation=a, policy=policy, trigger="profile").exists()


def test_the_template_written_for_an_organisation_holds_its_figures(firms, tmp_path):
    _a, b, _c = firms
    path = tmp_path / "t.xlsx"
    write_profile_template(str(path), organisations=[b])
    wb = load_workbook(path)
    assert wb.sheetnames == ["经营数据", "填写说明"] and wb.active["B2"].value == "南京乙科技有限公司"


def test_the_innovation_points_columns_are_imported_and_located_when_wrong(
    firms, admin, django_capture_on_commit_callbacks
):
    from innomarket.points.selectors import current_score

    a, b, _c = firms
    wrong = profile_import_validate(
        actor=admin,
        fileobj=xlsx(
            [
                {"统一社会信用代码": a.credit_code, "技术合同成交额（万元）": "不少"},
                {"统一社会信用代码": b.credit_code, "研发人员数（人）": 60},  # 50 employees on record
            ]
        ),
    )
    messages = [str(p) for p in wrong.problems]
    assert any(m.startswith("第 2 行 第 Q 列“技术合同成交额（万元）”：无法识别金额“不少”") for m in messages)
    assert "第 3 行 第 P 列“研发人员数（人）”：研发人员数不能多于职工总数。" in messages

    report = profile_import_validate(
        actor=admin,
        fileobj=xlsx(
            [
                {
                    "统一社会信用代码": b.credit_code,
                    "研发人员数（人）": 12,
                    "技术合同成交额（万元）": 300,
                    "股权融资额（万元）": "0.2亿元",
                    "省级以上研发机构（个）": 1,
                    "省部级以上科技奖励（项）": 2,
                }
            ]
        ),
    )
    assert report.ok
    with django_capture_on_commit_callbacks(execute=True):
        profile_import_commit(actor=admin, report=report)
    b.profile.refresh_from_db()
    assert (b.profile.rd_staff, b.profile.tech_contract_wan, b.profile.equity_financing_wan) == (
        12,
        Decimal("300.00"),
        Decimal("2000.00"),
    )
    assert (b.profile.rd_institutions, b.profile.science_awards) == (1, 2)
    score = current_score(organisation=b)  # recomputed after the commit
    assert score is not None and score.values["tech-contract"] == 300.0
