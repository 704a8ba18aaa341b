"""validate → Report, commit → records in the verification queue, all-or-nothing or keep-valid."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType

from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.common.tests.factories import OrganisationFactory, alliance_admin, city, city_admin
from innomarket.intake import services
from innomarket.intake.readers import ReadError, ReadErrorCode
from innomarket.organisations.models import Organisation
from innomarket.policies.models import Policy
from innomarket.verification.models import StatusEvent

from .helpers import ORG_HEADER, credit_code, csv_bytes, org_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def org_csv(rows, header=ORG_HEADER, **kw):
    return io.BytesIO(csv_bytes(header, rows, **kw))


def test_valid_file_validates_and_commits_as_submitted_imports():
    report = services.validate("organisation", org_csv([org_row(1), org_row(2)]))
    assert report.ok and report.total_rows == 2 and report.valid_rows == 2
    row = report.valid[0]
    assert row["_row"] == 2 and row["kind"] == "enterprise" and row["city"] == city("suzhou").pk
    result = services.commit(report)
    assert result.created == 2
    orgs = Organisation.objects.filter(pk__in=result.ids).order_by("pk")
    assert {o.status for o in orgs} == {"submitted"} and {o.source for o in orgs} == {"import"}
    first = orgs[0]
    assert first.credit_code == credit_code(1) and first.city.slug == "suzhou"
    assert sorted(first.fields.values_list("slug", flat=True)) == ["ai", "ic"]
    events = StatusEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Organisation), object_id__in=result.ids
    )
    assert events.count() == 2 and {e.to_status for e in events} == {"submitted"}
    from innomarket.audit.models import AuditEntry

    audit = AuditEntry.objects.filter(object_id__in=result.ids, action="create")
    assert audit.count() == 2 and {a.reason for a in audit} == {"批量导入"}


def test_problems_name_row_column_value_and_message():
    bad = org_row(3)
    bad[2] = bad[2][:17] + ("0" if bad[2][17] != "0" else "1")  # wrong check character
    missing = org_row(4)
    missing[1] = ""
    report = services.validate("organisation", org_csv([org_row(1), bad, missing]))
    assert not report.ok and report.valid_rows == 1 and report.invalid_rows == 2
    by_row = {p.row: p for p in report.problems}
    assert by_row[3].column == "统一社会信用代码" and "校验位应为" in by_row[3].message
    assert by_row[3].value == bad[2]
    assert by_row[4].column == "机构类型" and "必填" in by_row[4].message


def test_all_or_nothing_refuses_a_file_with_one_bad_row():
    bad = org_row(2, city="火星市")
    report = services.validate("organisation", org_csv([org_row(1), bad]))
    with pytest.raises(ApplicationError) as exc:
        services.commit(report)
    assert exc.value.code == "import_invalid" and "未导入任何数据" in str(exc.value)
    assert not Organisation.objects.filter(name__startswith="苏州测试智能").exists()


def test_keep_valid_writes_the_valid_rows_and_counts_the_skipped():
    report = services.validate("organisation", org_csv([org_row(1), org_row(2, city="火星市"), org_row(3)]))
    result = services.commit(report, keep_valid=True)
    assert result.created == 2 and result.skipped_rows == 1
    assert Organisation.objects.filter(name__startswith="苏州测试智能").count() == 2


def test_duplicates_inside_the_file():
    same_code = org_row(5, code=credit_code(1))
    same_name = org_row(6, name="苏州测试智能科技有限公司1")
    report = services.validate("organisation", org_csv([org_row(1), same_code, same_name]))
    messages = {(p.row, p.column): p.message for p in report.problems}
    assert "与第 2 行重复" in messages[(3, "统一社会信用代码")]
    assert "与第 2 行重复" in messages[(4, "机构名称")]
    assert report.valid_rows == 1


def test_duplicates_against_the_database():
    OrganisationFactory(name="已登记机构", credit_code=credit_code(7), city=city("suzhou"))
    OrganisationFactory(name="苏州测试智能科技有限公司2", city=city("suzhou"))
    report = services.validate("organisation", org_csv([org_row(7), org_row(2), org_row(3)]))
    messages = {p.row: p.message for p in report.problems}
    assert "已登记机构" in messages[2]
    assert "已有同名" in messages[3]
    assert report.valid_rows == 1


def test_same_name_in_another_city_is_not_a_duplicate():
    OrganisationFactory(name="苏州测试智能科技有限公司1", city=city("nanjing"))
    assert services.validate("organisation", org_csv([org_row(1)])).ok


def test_wrong_headers_name_missing_and_unknown():
    header = ["机构名", "机构类型", "所属城市", "电话号码"]
    with pytest.raises(ReadError) as exc:
        services.validate("organisation", org_csv([["甲", "企业", "苏州", "1"]], header=header))
    message = str(exc.value)
    assert exc.value.code == ReadErrorCode.BAD_HEADER
    assert "缺少必填列" in message and "“机构名称*”" in message
    assert "无法识别的列" in message and "“机构名”" in message and "“电话号码”" in message


def test_header_with_or_without_star_and_width_variants():
    header = ["机构名称", "机构类型＊", "所属城市 *"]
    report = services.validate("organisation", org_csv([["甲机构", "高校", "苏州"]], header=header))
    assert report.ok and report.valid[0]["kind"] == "university"


def test_header_only_file():
    with pytest.raises(ReadError) as exc:
        services.validate("organisation", org_csv([]))
    assert exc.value.code == ReadErrorCode.NO_ROWS


def test_city_forced_by_option():
    rows = [org_row(1, city=""), org_row(2, city="南京"), org_row(3, city="苏州")]
    report = services.validate("organisation", org_csv(rows), city="suzhou")
    assert report.valid_rows == 2 and {r["city"] for r in report.valid} == {city("suzhou").pk}
    (problem,) = report.problems
    assert problem.row == 3 and problem.column == "所属城市" and "苏州市" in problem.message


def test_city_option_accepts_chinese_name():
    report = services.validate("organisation", org_csv([org_row(1, city="")]), city="苏州市")
    assert report.ok


def test_city_admin_is_restricted_to_their_city():
    admin = city_admin("suzhou")
    report = services.validate("organisation", org_csv([org_row(1), org_row(2, city="南京市")]), actor=admin)
    assert [p.row for p in report.problems] == [3]
    with pytest.raises(PermissionDenied):
        services.validate("organisation", org_csv([org_row(1)]), actor=admin, city="nanjing")


def test_alliance_admin_may_import_anywhere_and_is_recorded():
    admin = alliance_admin()
    report = services.validate("organisation", org_csv([org_row(1), org_row(2, city="南京市")]), actor=admin)
    result = services.commit(report, actor=admin)
    assert StatusEvent.objects.filter(object_id__in=result.ids, actor=admin).count() == 2


def test_plain_user_may_not_import():
    from innomarket.common.tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        services.validate("organisation", org_csv([org_row(1)]), actor=UserFactory())


def test_xlsx_with_excel_serial_and_date_cells_and_owner_by_code_or_name():
    owner = OrganisationFactory(name="苏州市科学技术局", credit_code=credit_code(99), city=city("suzhou"))
    header = [
        "政策名称*",
        "所属城市*",
        "发文机关*",
        "支持方式*",
        "发布日期",
        "生效日期",
        "截止日期",
        "发布机构",
        "领域/产业",
    ]
    rows = [
        [
            "人工智能专项政策",
            "苏州",
            "苏州市科技局",
            "资金扶持",
            45292,
            datetime.date(2024, 2, 1),
            "2025年12月31日",
            credit_code(99),
            "人工智能",
        ],
        [
            "集成电路专项政策",
            "苏州市",
            "苏州市科技局",
            "税收优惠",
            "2024/1/5",
            None,
            None,
            "苏州市科学技术局",
            "",
        ],
    ]
    report = services.validate("policy", io.BytesIO(xlsx_bytes(header, rows)))
    assert report.ok, report.problems
    first, second = report.valid
    assert first["issued_on"] == datetime.date(2024, 1, 1)  # serial 45292
    assert first["effective_from"] == datetime.date(2024, 2, 1)
    assert first["effective_to"] == datetime.date(2025, 12, 31)
    assert first["owner"] == owner.pk and second["owner"] == owner.pk
    result = services.commit(report)
    policy = Policy.objects.get(pk=result.ids[0])
    assert policy.owner == owner and policy.status == "submitted" and policy.source == "import"
    assert list(policy.fields.values_list("slug", flat=True)) == ["ai"]


def test_unknown_owner_and_order_of_dates():
    header = ["政策名称*", "所属城市*", "发文机关*", "支持方式*", "生效日期", "截止日期", "发布机构"]
    rows = [["某政策", "苏州", "某局", "资金扶持", "2025-01-01", "2024-01-01", "不存在的机构"]]
    report = services.validate("policy", io.BytesIO(csv_bytes(header, rows)))
    columns = {p.column: p.message for p in report.problems}
    assert "没有找到这个机构" in columns["发布机构"]
    assert "不能小于" in columns["截止日期"]


def test_challenge_money_units_and_budget_order():
    header = ["榜单名称*", "所属城市*", "预算下限（万元）", "预算上限（万元）", "期望技术成熟度"]
    rows = [["柔性传感器攻关", "苏州", "500万元", "1.2亿元", "6"], ["另一榜单", "苏州", "2亿", "100", "12"]]
    report = services.validate("challenge", io.BytesIO(csv_bytes(header, rows)))
    assert report.valid[0]["budget_max"] == 12000 and report.valid[0]["budget_min"] == 500
    columns = {p.column for p in report.problems}
    assert columns == {"预算上限（万元）", "期望技术成熟度"}


@pytest.mark.parametrize(
    "kind", ["space", "achievement", "expert", "instrument", "fund", "event", "cooperation"]
)
def test_every_kind_imports_a_minimal_row(kind):
    from innomarket.intake.specs import get_spec

    spec = get_spec(kind)
    header = [c.marked_header for c in spec.columns if c.required]
    values = {"city": "苏州"}
    row = []
    for column in spec.columns:
        if not column.required:
            continue
        if column.field in values:
            row.append(values[column.field])
        elif column.choices:
            row.append(column.choices[0][1])
        else:
            row.append(f"测试{kind}")
    report = services.validate(kind, io.BytesIO(csv_bytes(header, [row])))
    assert report.ok, report.problems
    result = services.commit(report)
    record = spec.model.objects.get(pk=result.ids[0])
    assert record.status == record.WORKFLOW.submitted and record.source == "import"


def test_formula_like_text_is_stored_as_written():
    row = org_row(1)
    row[6] = '=HYPERLINK("http://x")'
    report = services.validate("organisation", org_csv([row]))
    result = services.commit(report)
    assert Organisation.objects.get(pk=result.ids[0]).intro == row[6]


# Lean on purpose (the 100,000-row case): 3 short columns, validated, not committed.
def test_100k_row_csv_validates_in_reasonable_time():
    import time

    header = ["机构名称*", "机构类型*", "所属城市*"]
    lines = [",".join(header)] + [f"测试机构{i},企业,苏州" for i in range(100_000)]
    started = time.perf_counter()
    report = services.validate("organisation", io.BytesIO(("\n".join(lines) + "\n").encode()))
    elapsed = time.perf_counter() - started
    assert report.ok and report.valid_rows == 100_000
    assert elapsed < 60, elapsed  # ~3 s on an idle core; generous for a shared CI machine


def test_progress_callback_is_called():
    calls = []
    services.PROGRESS_EVERY, old = 2, services.PROGRESS_EVERY
    try:
        report = services.validate(
            "organisation",
            org_csv([org_row(i) for i in range(5)]),
            progress=lambda d, t: calls.append((d, t)),
        )
    finally:
        services.PROGRESS_EVERY = old
    assert calls[0] == (2, 5) and calls[-1] == (5, 5)
    commits = []
    services.commit(report, batch_size=2, progress=lambda d, t: commits.append((d, t)))
    assert commits == [(2, 5), (4, 5), (5, 5)]


def test_commit_schedules_index_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    from innomarket.matching import services as matching
    from innomarket.matching.services import IndexReport

    queued = []
    monkeypatch.setattr(matching, "index_records", lambda keys: queued.append(keys) or IndexReport())
    report = services.validate("organisation", org_csv([org_row(1), org_row(2)]))
    with django_capture_on_commit_callbacks(execute=True):
        result = services.commit(report)
    assert queued == [[f"organisation:{pk}" for pk in result.ids]]


def test_achievement_kind_is_read_in_chinese_and_defaults_to_technology():
    from innomarket.achievements.models import Achievement

    header = ["成果名称*", "所属城市*", "成果类型", "学科", "知识产权状态"]
    rows = [
        ["一种遥感影像分类方法", "苏州", "论文/研究成果", "测绘科学与技术", ""],
        ["高导热复合材料", "苏州", "", "", "已授权专利"],
    ]
    report = services.validate("achievement", io.BytesIO(csv_bytes(header, rows)))
    assert report.ok, report.problems
    result = services.commit(report)
    paper, technology = (Achievement.objects.get(pk=pk) for pk in result.ids)
    assert (paper.kind, paper.discipline) == ("research", "测绘科学与技术")
    assert (technology.kind, technology.ip_status) == ("technology", "patent_granted")
