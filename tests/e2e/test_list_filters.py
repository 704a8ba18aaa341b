"""The public list pages filter by city (contract: a form with <select name="city"> whose options are
city slugs, and result cards naming each record's city)."""

import re

import pytest
from playwright.sync_api import expect

from innomarket.regions.tests.helpers import make_listing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("path", "type_key"), [("/policies/", "policy"), ("/resources/spaces/", "space")])
def test_list_page_filters_by_city(page, screenshot, path, type_key):
    make_listing(type_key, city="nanjing", title="南京甲号示例记录")
    make_listing(type_key, city="nanjing", title="南京乙号示例记录")
    make_listing(type_key, city="wuxi", title="无锡丙号示例记录")
    make_listing(type_key, city="nanjing", title="南京草稿示例记录", status="draft")

    response = page.goto(path)
    assert response and response.status == 200, f"{path} is not served yet"
    expect(page.get_by_text("无锡丙号示例记录")).to_be_visible()

    select = page.locator("form select[name='city']").first
    select.select_option("nanjing")
    form = page.locator("form:has(select[name='city'])").first
    submit = form.locator("[type=submit]")
    if submit.count():
        submit.first.click()
    else:  # a form that submits itself on change (htmx or JS)
        form.evaluate("f => f.requestSubmit()")
    page.wait_for_url(re.compile(r"[?&]city=nanjing"))

    expect(page.get_by_text("南京甲号示例记录")).to_be_visible()
    expect(page.get_by_text("南京乙号示例记录")).to_be_visible()
    expect(page.get_by_text("无锡丙号示例记录")).to_have_count(0)
    expect(page.get_by_text("南京草稿示例记录")).to_have_count(0)
    screenshot(page, f"list-filter-{type_key}")
