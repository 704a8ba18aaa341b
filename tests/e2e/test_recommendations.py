"""推荐揭榜方 in chromium, on the demo data.

The 常州 administrator publishes the demo's waiting challenge 锂电池隔膜陶瓷涂覆工艺 in the back
office; the challenge page then recommends only suppliers whose evidence lies in a discipline
related to battery separators and ceramic coatings — or says that nothing fits well enough — and
the automatic invitations follow the same rule. A visitor's search and a list page's keyword box
answer the same way.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from innomarket.achievements.models import Achievement
from innomarket.challenges.models import Challenge, Invitation
from innomarket.demo.loader import DEFAULT_PASSWORD, DemoLoader
from innomarket.matching import services
from innomarket.matching.models import SearchDocument

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Disciplines whose groups could plausibly coat a battery separator with ceramics.
PLAUSIBLE = {
    "材料科学与工程",
    "化学/化学工程与技术",
    "电气工程",
    "动力工程及工程热物理",
    "纺织科学与工程",
    "冶金工程",
    "物理学",
}
SUPPLIER_TYPES = ("achievement", "expert", "organisation")


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    """The demo data with a smaller paper catalogue; every record searchable by words, and the
    suppliers' evidence (papers, experts, organisations) by meaning too."""
    DemoLoader(achievements=120).run()
    with transaction.atomic(), django_capture_on_commit_callbacks(execute=False):
        services.rebuild_index(background=True)  # words now; vectors below, for suppliers only
    keys = [d.key for d in SearchDocument.objects.filter(type_key__in=SUPPLIER_TYPES)]
    services.index_records(keys)
    return Challenge.objects.get(title__contains="锂电池隔膜陶瓷涂覆工艺")


def login(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/(workspace|admin)/"))


def evidence_disciplines(page) -> list[set[str]]:
    """For each recommended supplier on the page, the disciplines of the papers cited as evidence."""
    out = []
    for card in page.locator("#recommended-suppliers article.supplier").all():
        hrefs = [a.get_attribute("href") or "" for a in card.locator("a").all()]
        ids = [int(m.group(1)) for h in hrefs if (m := re.search(r"/achievements/(\d+)/", h))]
        out.append(set(Achievement.objects.filter(pk__in=ids).values_list("discipline", flat=True)))
    return out


def test_publishing_the_separator_challenge_recommends_related_groups_or_none(page, demo, screenshot):
    assert demo.status == "submitted"

    # The 常州 administrator publishes it in the back office.
    login(page, "admin-changzhou")
    page.goto(f"/admin/challenges/challenge/{demo.pk}/change/")
    page.get_by_role("link", name="核验通过").click()
    page.get_by_role("button", name="核验通过").click()
    demo.refresh_from_db()
    assert demo.status == "published"

    # A visitor opens the challenge page.
    page.context.clear_cookies()
    page.goto(f"/challenges/{demo.pk}/")
    section = page.locator("#recommended-suppliers")
    expect(section).to_be_visible()
    screenshot(page, "recommendations-separator-challenge")
    cards = evidence_disciplines(page)
    if cards:
        for disciplines in cards:
            assert disciplines and disciplines <= PLAUSIBLE, disciplines
        expect(section.get_by_text(re.compile(r"相关可能性 \d+%")).first).to_be_visible()
        section.locator("summary").first.click()  # why recommended: evidence, fields, likelihood
        expect(section.locator("details[open] dl")).to_be_visible()
    else:
        expect(section.get_by_text("暂无足够匹配的揭榜方")).to_be_visible()
    body = page.content()
    assert "语义相似度" not in body and "减分" not in body and "高度匹配" not in body

    # Invitations went only to suppliers whose evidence is in a related discipline.
    for invitation in Invitation.objects.filter(challenge=demo):
        papers = Achievement.objects.filter(
            pk=invitation.via_id if invitation.via_type == "achievement" else None
        ) | Achievement.objects.filter(
            lead_expert_id=invitation.via_id if invitation.via_type == "expert" else None
        )
        disciplines = set(papers.values_list("discipline", flat=True))
        assert disciplines and disciplines <= PLAUSIBLE, (invitation.organisation, disciplines)


def test_a_list_page_keyword_finds_what_search_finds(page, demo, screenshot):
    # The same words in simplified and traditional script find the same papers on the list page.
    page.goto("/achievements/?q=复合材料")
    simplified = page.locator("main article").count()
    assert simplified > 0
    page.goto("/achievements/?q=複合材料")
    assert page.locator("main article").count() == simplified
    expect(page.locator("main article mark").first).to_be_visible()
    screenshot(page, "list-keyword-traditional")
    # A colloquial need on the site search: the framing is ignored, a useful few come back.
    page.goto("/search/?q=想找个能帮我们做复合材料改性的团队")
    expect(page.get_by_role("status")).to_contain_text("共找到")
    screenshot(page, "search-colloquial-need")
