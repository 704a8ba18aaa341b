"""联盟数据采集 in a browser: a city administrator opens the page from the back office, presses 立即采集
on their city's feed (served by a source this test starts on 127.0.0.1), reads the result and the run
history with its counts; a phone shows the same table, scrollable."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from innomarket.common.tests.factories import city_admin
from innomarket.federation.tests.conftest import Reply, feed_server  # noqa: F401 - the fixture
from innomarket.federation.tests.helpers import envelope, make_feed, policy_item

pytestmark = pytest.mark.e2e


def test_city_admin_harvests_now_and_reads_the_history(session, feed_server, screenshot):  # noqa: F811
    city_admin("suzhou", username="admin-suzhou")
    make_feed(
        feed_server.serve("/f.json", Reply(body=envelope([policy_item(1), policy_item(2, issuer="")]))),
        city="suzhou",
        name="无锡政策数据源",
    )
    make_feed("https://nanjing.example.org/f.json", city="nanjing", name="南京的数据源")

    page = session("admin-suzhou")
    page.goto("/admin/")
    page.get_by_role("link", name="联盟数据采集").click()
    expect(page.locator("#harvest-feeds")).to_contain_text("无锡政策数据源")
    expect(page.locator("#harvest-feeds")).not_to_contain_text("南京的数据源")
    expect(page.locator("#harvest-feeds")).to_contain_text("尚未采集")

    page.get_by_role("button", name="立即采集").click()

    expect(page.locator(".messagelist")).to_contain_text("已将数据源“无锡政策数据源”排入采集队列")
    row = page.locator("#harvest-feeds tbody tr").first
    expect(row).to_contain_text("成功")
    expect(row).to_contain_text("读取 2：新增 1，更新 0，下架 0，未变 0，错误 1")
    screenshot(page, "harvest-overview")

    page.get_by_role("link", name="采集记录").click()
    expect(page).to_have_title(re.compile("采集记录：无锡政策数据源"))
    runs = page.locator("#harvest-runs tbody tr")
    expect(runs).to_have_count(1)
    expect(runs.first).to_contain_text("立即采集")
    page.get_by_text("1 项错误").click()
    expect(runs.first).to_contain_text("第 1 页第 2 项（wuxi:policy:2）")
    screenshot(page, "harvest-history")
