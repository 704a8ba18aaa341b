"""The 发榜 form's 需求诊断 panel in Debian's chromium: beside the form and kept in view while the
form scrolls on a 1366 px screen (and at 1024 px, where the side column starts); above the form, in normal flow, with nothing wider than the screen
on a 375 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from innomarket.common.tests.factories import OrganisationFactory, city, member_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VAGUE = "达到国际先进水平，专家认可"


@pytest.fixture
def poster():
    enterprise = OrganisationFactory(name="常州示例储能科技有限公司", city=city("changzhou"))
    return member_of(enterprise, username="ent")


def _fill_start_of_form(page) -> None:
    page.goto("/workspace/challenge/new/")
    page.get_by_label("榜单名称").fill("储能电池包热失控早期预警")
    page.get_by_label("问题描述").fill(
        "储能电站电池包在高温工况下存在热失控风险，现有 BMS 只能在温度超限后报警，需要提前预警并定位故障电芯。"
    )
    page.get_by_label("验收标准").fill(VAGUE)


def _box_in_viewport(page, selector: str) -> dict:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            const header = document.querySelector('.site-header').getBoundingClientRect();
            return {top: box.top, bottom: box.bottom, left: box.left, right: box.right,
                    headerBottom: header.bottom, height: window.innerHeight, width: window.innerWidth,
                    position: getComputedStyle(document.querySelector('.listing-form-side')).position};
        }""",
        selector,
    )


@pytest.mark.parametrize("width", [1366, 1024])
def test_the_diagnosis_stays_in_view_beside_the_form_on_a_wide_screen(session, poster, screenshot, width):
    page = session("ent")
    page.set_viewport_size({"width": width, "height": 768})
    _fill_start_of_form(page)
    diagnosis = page.locator("#challenge-diagnosis")
    expect(diagnosis.locator('[data-code="acceptance_criteria_vague"]')).to_be_visible()

    # Scroll to the end of the form, as when about to submit, then type in a field down there.
    page.get_by_role("button", name="保存并提交核验").scroll_into_view_if_needed()
    page.mouse.wheel(0, 4000)
    page.wait_for_function("window.scrollY > 600")
    page.get_by_label("约束条件").fill("不改变现有电池包结构。")
    expect(diagnosis).not_to_contain_text("未填写约束条件")  # the swap happened while scrolled down

    at = _box_in_viewport(page, "#challenge-diagnosis")
    assert at["position"] == "sticky"
    # Whole panel head in view, below the sticky site header, beside (right of) the form.
    assert at["top"] >= at["headerBottom"] - 1, at
    assert at["top"] < at["height"] * 0.5, at
    form = page.locator("#listing-form").bounding_box()
    assert at["left"] >= form["x"] + form["width"], at
    expect(diagnosis.get_by_role("heading", name="需求诊断")).to_be_in_viewport()
    expect(diagnosis.locator('[data-code="acceptance_criteria_vague"]')).to_be_in_viewport()
    screenshot(page, f"diagnosis-sticky-{width}", full_page=False)


def test_the_diagnosis_flows_above_the_form_and_nothing_overflows_at_375_px(session, poster, screenshot):
    page = session("ent", phone=True)
    _fill_start_of_form(page)
    diagnosis = page.locator("#challenge-diagnosis")
    expect(diagnosis.locator('[data-code="acceptance_criteria_vague"]')).to_be_visible()

    at = _box_in_viewport(page, "#challenge-diagnosis")
    assert at["position"] == "static"
    form = page.locator("#listing-form").bounding_box()
    assert at["bottom"] <= form["y"] + page.evaluate("window.scrollY") + 1  # above the form
    overflow = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll('body *')]
                .filter((el) => el.getBoundingClientRect().right > width + 1 && el.offsetParent !== null)
                .map((el) => el.tagName + '.' + el.className);
            return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
        }"""
    )
    assert overflow["scroll"] <= overflow["width"], overflow
    assert overflow["wide"] == [], overflow
    # Scrolled down, the panel has gone with the page (it is not stuck over the form).
    page.get_by_role("button", name="保存并提交核验").scroll_into_view_if_needed()
    expect(diagnosis.get_by_role("heading", name="需求诊断")).not_to_be_in_viewport()
    screenshot(page, "diagnosis-flow-375")
