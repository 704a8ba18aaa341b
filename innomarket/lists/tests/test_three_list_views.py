"""三张清单 pages and Excel export."""

import datetime as dt
import io
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from innomarket.regions.tests.helpers import make_listing

from . import scenario

pytestmark = pytest.mark.django_db

OVERVIEW = "/cooperation/lists/"


def _count(body: str, phase: str) -> list[int]:
    return [int(n) for n in re.findall(rf'data-phase="{phase}">(\d+)<', body)]


def test_overview_shows_three_lists_with_counts_rules_and_city_filter(client):
    records = scenario.build()
    assert reverse("lists:three-lists") == OVERVIEW

    body = client.get(OVERVIEW).content.decode()

    for name in ("资源清单", "需求清单", "合作清单", "过去时", "进行时", "未来时", "全联盟", "苏州"):
        assert name in body
    # resources, demands, cooperation
    assert _count(body, "past") == [0, 3, 1]
    assert _count(body, "present") == [4, 3, 1]
    assert _count(body, "future") == [0, 0, 1]
    assert "高新技术企业、专精特新" in body  # the rules are printed
    assert "暂无：机构与载体信息中没有成立/开业日期" in body  # an honest empty 未来时
    assert records["coop_future"].get_absolute_url() in body
    assert "?city=suzhou" in body


def test_overview_filtered_by_city(client):
    scenario.build()
    body = client.get(OVERVIEW, {"city": "suzhou"}).content.decode()
    assert "苏州市" in body
    assert _count(body, "past") == [0, 1, 1]
    assert _count(body, "present") == [2, 1, 1]
    assert "南京揭榜中榜单" not in body and "苏州人才需求" in body
    assert 'aria-current="true">苏州' in body


def test_unknown_city_is_ignored_with_a_message(client):
    scenario.build()
    response = client.get(OVERVIEW, {"city": "<b>atlantis</b>"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "没有城市“&lt;b&gt;atlantis&lt;/b&gt;”" in body
    assert _count(body, "present") == [4, 3, 1]


def test_pages_show_public_records_only(client):
    scenario.build()
    pages = [client.get(OVERVIEW).content.decode()]
    for key in ("resources", "demands", "cooperation"):
        for phase in ("past", "present", "future"):
            pages.append(
                client.get(reverse("lists:three-list", args=[key]), {"phase": phase}).content.decode()
            )
    everything = "".join(pages)
    for hidden in (
        "南京待核验院所",
        "南京过期平台",
        "苏州已下架孵化器",
        "苏州已取消榜单",
        "苏州待核验榜单",
        "苏州草稿人才需求",
        "南京已下架合作",
        "南京普通企业",
        "南京某银行",
    ):
        assert hidden not in everything, hidden


def test_list_page_tabs_rule_pagination_and_escaping(client, settings):
    settings.INNOMARKET_PAGE_SIZE = 2
    records = scenario.build()
    url = reverse("lists:three-list", args=["resources"])

    first = client.get(url).content.decode()  # 进行时 by default
    second = client.get(url, {"page": 2}).content.decode()

    assert _count(first, "present") == [4] and _count(first, "past") == [0]
    assert "共 4 条，第 1/2 页" in first and "page=2" in first
    assert "已核验公开的高校、科研院所" in first
    shown = first + second
    assert records["university"].get_absolute_url() in shown
    assert records["space"].get_absolute_url() in shown
    assert scenario.MALICIOUS_TITLE not in shown  # escaped
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in shown
    future = client.get(url, {"phase": "future"}).content.decode()
    assert "此时间维度下暂无记录" in future and "暂无：机构与载体信息中没有" in future


def test_list_page_of_cooperation_names_partner_cities(client):
    scenario.build()
    body = client.get(
        reverse("lists:three-list", args=["cooperation"]), {"phase": "past", "city": "suzhou"}
    ).content.decode()
    assert "宁苏已完成产业链合作" in body and "合作城市：苏州市" in body
    assert "2023-03-01 – 2024-06-30" in body


def test_unknown_list_and_bad_phase(client):
    assert client.get("/cooperation/lists/nothing/").status_code == 404
    assert client.get("/cooperation/lists/nothing/export.xlsx").status_code == 404
    response = client.get(reverse("lists:three-list", args=["demands"]), {"phase": "<x>", "page": "abc"})
    assert response.status_code == 200
    assert 'aria-current="true">进行时' in response.content.decode()


def test_page_query_counts_are_bounded(client, django_assert_max_num_queries):
    scenario.build()
    for n in range(15):
        make_listing("challenge", city="nanjing", title=f"批量榜单{n}", status="bidding")
        make_listing("organisation", city="suzhou", title=f"批量院所{n}", kind="institute")
        make_listing("cooperation", city="nanjing", title=f"批量合作{n}", phase="present")
    with django_assert_max_num_queries(20):
        assert client.get(OVERVIEW).status_code == 200
    for key in ("resources", "demands", "cooperation"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse("lists:three-list", args=[key])).status_code == 200


def _workbook(response):
    return load_workbook(io.BytesIO(response.content))


def test_export_has_one_sheet_per_tense_with_chinese_headers_and_rows(client):
    scenario.build()
    response = client.get(reverse("lists:three-list-export", args=["demands"]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="demands-all-')
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded).startswith("需求清单-全联盟-") and unquote(encoded).endswith(".xlsx")
    book = _workbook(response)
    assert book.sheetnames == ["过去时", "进行时", "未来时", "说明"]
    header = [c.value for c in book["进行时"][1]]
    assert header[:6] == ["序号", "名称", "类别", "类型", "所属城市", "状态"]
    assert "详情链接" in header and "截止/结束日期" in header
    titles = {book["过去时"].cell(row=r, column=2).value for r in range(2, book["过去时"].max_row + 1)}
    assert titles == {"南京已截止榜单", "苏州已完成榜单", "南京过期融资需求"}
    assert book["进行时"].max_row == 1 + 3
    assert book["未来时"].max_row == 1
    # dates are real dates, links absolute
    rows = {row[1]: row for row in book["过去时"].iter_rows(min_row=2, values_only=True)}
    deadline = rows["南京已截止榜单"][header.index("截止/结束日期")]
    assert isinstance(deadline, dt.datetime) and deadline.date() < dt.date.today() + dt.timedelta(days=1)
    assert rows["南京已截止榜单"][header.index("详情链接")].startswith("http://testserver/challenges/")
    notes = "".join(str(c.value) for row in book["说明"].iter_rows() for c in row)
    assert "全联盟" in notes and "仅含已核验公开的信息" in notes


def test_export_of_one_city_and_partner_cities(client):
    scenario.build()
    response = client.get(reverse("lists:three-list-export", args=["cooperation"]), {"city": "suzhou"})
    book = _workbook(response)
    header = [c.value for c in book["过去时"][1]]
    assert "合作城市" in header
    (row,) = list(book["过去时"].iter_rows(min_row=2, values_only=True))
    assert row[1] == "宁苏已完成产业链合作" and row[header.index("合作城市")] == "苏州市"
    assert isinstance(row[header.index("开始/发布日期")], dt.datetime)
    assert "cooperation-suzhou-" in response["Content-Disposition"]
    assert (
        client.get(reverse("lists:three-list-export", args=["cooperation"]), {"city": "nowhere"}).status_code
        == 404
    )


def test_export_never_writes_a_formula(client):
    scenario.build()
    book = _workbook(client.get(reverse("lists:three-list-export", args=["resources"])))
    sheet = book["进行时"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    (cell,) = [c for c in cells if "HYPERLINK" in str(c.value)]
    assert cell.data_type == "s"
    assert cell.value == "'" + scenario.MALICIOUS_TITLE
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_export_hides_unpublished_records(client):
    scenario.build()
    book = _workbook(client.get(reverse("lists:three-list-export", args=["resources"])))
    values = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert not {"南京待核验院所", "南京过期平台", "苏州已下架孵化器", "南京普通企业"} & values


def test_dashboard_partial_renders_the_counts():
    from django.template.loader import render_to_string

    from innomarket.lists.selectors import dashboard_counts

    scenario.build()
    html = render_to_string(
        "lists/_dashboard_counts.html", {"counts": dashboard_counts("suzhou"), "city_slug": "suzhou"}
    )
    assert "三张清单" in html and "/cooperation/lists/resources/?city=suzhou" in html
    cells = re.findall(r"<td>(\d+)</td>", html)
    assert cells == ["0", "2", "0", "2", "1", "1", "0", "2", "1", "1", "0", "2", "2", "4", "0", "6"]
