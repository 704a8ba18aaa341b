"""Browser tests: Playwright for Python driving Debian's chromium against pytest-django's live server.

Run with ``pytest -m e2e``. They need the front-end build (``npm ci && npm run build``) and
/usr/bin/chromium; nothing is downloaded (never ``playwright install``).
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make to seed
# data run in that thread too, which Django would otherwise refuse as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "innomarket" / "static" / "build"
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("INNOMARKET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test, whatever its own marks say."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _browser_tests_restore_reference_data(request, restore_reference_data):
    """Every browser test starts with the reference rows (see the root conftest)."""


@pytest.fixture(scope="session")
def _front_end_built():
    missing = [name for name in ("corridor-map.js", "htmx.min.js") if not (BUILD / name).exists()]
    if missing:
        pytest.fail(
            f"innomarket/static/build/{missing[0]} is missing: run `npm ci && npm run build` before the browser tests.",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def browser(_front_end_built):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium).", pytrace=False
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture
def mobile_page(browser, live_server):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a screenshot under var/screenshots/ (kept as a test artifact)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


PASSWORD = "correct-horse-battery-9"  # UserFactory's


@pytest.fixture
def session(browser, live_server):
    """``session(username, phone=False)``: a page of a fresh browser context signed in as that user.

    Each person in a journey has their own context (cookies), as on their own device; ``phone``
    gives a 375×812 touch screen. Contexts are closed after the test.
    """
    import re

    contexts = []

    def open_as(username: str, *, phone: bool = False):
        options = {"locale": "zh-CN", "base_url": live_server.url, "accept_downloads": True}
        if phone:
            options.update(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
        else:
            options.update(viewport={"width": 1280, "height": 900})
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"/workspace/"))
        return page

    yield open_as
    for context in contexts:
        context.close()
