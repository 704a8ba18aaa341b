"""Under the Content-Security-Policy (script-src 'self', no inline script) the pages still work in a
real browser: the map draws, the catalogue's filters open on a wide screen (its script moved to a
static file), the charts and the API docs render, and the browser reports no violation on any of them."""

import pytest
from playwright.sync_api import expect

from innomarket.regions.tests.helpers import make_listing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Collected before any page script runs (an init script is not subject to the page's policy).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _visit(page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, path
    assert "script-src 'self'" in response.headers.get("content-security-policy", ""), path


def _violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def test_main_pages_work_with_no_csp_violation(page, screenshot):
    owner = make_listing("organisation", city="nanjing", title="浏览器检查发布机构")
    policy = make_listing("policy", city="nanjing", title="浏览器检查政策", owner=owner)
    make_listing("challenge", city="suzhou", title="浏览器检查榜单")
    gone = make_listing("policy", city="wuxi", title="已下架的浏览器检查政策", status="archived")
    type(gone).objects.filter(pk=gone.pk).update(last_verified_at=policy.published_at)
    page.add_init_script(RECORD_VIOLATIONS)

    _visit(page, "/")
    page.wait_for_selector("#corridor-map[data-map-ready='true'] canvas")
    assert _violations(page) == []

    _visit(page, "/policies/")
    # The filter sidebar is opened by static/js/filters-open.js on a 1280 px wide screen.
    expect(page.locator(".filters details").first).to_have_attribute("open", "")
    assert _violations(page) == []

    _visit(page, f"/policies/{policy.pk}/")
    expect(page.get_by_role("heading", name="浏览器检查政策")).to_be_visible()
    _visit(page, "/search/?q=政策")
    _visit(page, "/challenges/stats/")
    page.wait_for_selector("[data-chart] canvas")
    assert _violations(page) == []

    # The API's docs page (django-ninja's Swagger UI, served from our static files).
    _visit(page, "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info")
    assert _violations(page) == []

    _visit(page, f"/policies/{gone.pk}/", status=410)
    expect(page.get_by_role("heading", name="该信息已过期 / 已下架")).to_be_visible()
    screenshot(page, "gone-410")
    _visit(page, "/no-such-page/", status=404)
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    assert _violations(page) == []
    assert page.js_errors == []
