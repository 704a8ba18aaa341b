"""揭榜挂帅统计 in a real browser at a phone's, a tablet's and a desktop's width: the page never
scrolls sideways, and every stage of the funnel is named in text that is visible, whole, at least
12 px and clear of its neighbours (the funnel is a table whose last column draws the bars)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from innomarket.challenges.models import Bid
from innomarket.common.tests.factories import OrganisationFactory, city
from innomarket.organisations.models import Organisation
from innomarket.regions.tests.helpers import make_listing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STAGES = ["发榜", "核验发布", "收到揭榜", "进入评审", "定榜", "完成"]

# Each label's box, font size and whether its text fits, read from the page.
LABELS = """
() => [...document.querySelectorAll('#funnel-table tbody th.funnel-label')].map((el) => {
  const box = el.getBoundingClientRect();
  return {
    text: el.innerText.trim(),
    left: box.left, right: box.right, top: box.top, bottom: box.bottom,
    fontSize: parseFloat(getComputedStyle(el).fontSize),
    fits: el.scrollWidth <= el.clientWidth,
  };
})
"""


def seed() -> None:
    """Challenges at every stage in two cities, and bids on them."""
    owner = OrganisationFactory(name="统计页发榜企业", city=city("changzhou"))
    bidder = OrganisationFactory(
        name="统计页揭榜大学", kind=Organisation.Kind.UNIVERSITY, city=city("nanjing")
    )
    now = timezone.now()
    for slug, statuses in {
        "changzhou": ["submitted", "published", "bidding", "bidding", "evaluating", "awarded", "completed"],
        "nanjing": ["published", "bidding", "in_progress", "completed"],
    }.items():
        for n, status in enumerate(statuses):
            challenge = make_listing(
                "challenge", city=slug, status=status, owner=owner, title=f"统计页榜单{slug}{n}"
            )
            if status not in ("submitted", "published"):
                Bid.objects.create(
                    challenge=challenge,
                    organisation=bidder,
                    status="shortlisted" if status != "bidding" else "submitted",
                    submitted_at=now,
                )


@pytest.mark.parametrize("width", [375, 768, 1366])
def test_stats_page_fits_and_names_every_stage_in_text(browser, live_server, screenshot, width):
    seed()
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": width, "height": 900},
        is_mobile=width < 600,
        has_touch=width < 600,
        base_url=live_server.url,
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto("/challenges/stats/")
    page.wait_for_selector("[data-chart] canvas")  # the comparison charts drew

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The funnel's table fits its panel: nothing of it hides behind a sideways scroll.
    assert page.evaluate(
        "(() => { const w = document.querySelector('#funnel-table').closest('.table-wrap');"
        " return w.scrollWidth <= w.clientWidth; })()"
    )
    labels = page.evaluate(LABELS)
    assert [label["text"] for label in labels] == STAGES
    for label in labels:
        assert label["fontSize"] >= 12, label
        assert label["fits"], label
        assert label["left"] >= 0 and label["right"] <= width, label
    for upper, lower in zip(labels, labels[1:], strict=False):
        assert upper["bottom"] <= lower["top"], (upper, lower)
    for name in STAGES:
        expect(page.locator("#funnel-table tbody th.funnel-label", has_text=name)).to_be_visible()
    # The alliance's challenges at each stage (one unit), and the bids beside them.
    values = page.locator("#funnel-table tbody td[data-value]").all_inner_texts()
    assert values == ["11", "10", "8", "5", "4", "2"]
    expect(page.locator("#bid-figures")).to_contain_text("8 份")
    expect(page.locator("#bid-figures")).to_be_visible()
    assert errors == []

    page.locator("#funnel-title").scroll_into_view_if_needed()
    screenshot(page, f"challenge-stats-{width}", full_page=True)
    context.close()
