"""里程碑验收 in Debian's chromium, each side in its own browser session:

the university (on a 375 px phone) reports the first milestone done with a test report attached;
the enterprise opens the report, downloads the file and returns it with a reason; the university
reads the reason and reports again; the enterprise accepts. The second milestone is reported and
accepted, and that last acceptance completes the cooperation (过去时, ended today) and the challenge.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from innomarket.challenges import access, services
from innomarket.challenges.models import Bid
from innomarket.common.tests.factories import OrganisationFactory, city, member_of
from innomarket.lists.models import Cooperation
from innomarket.organisations.models import Organisation
from innomarket.regions.tests.helpers import make_listing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375


@pytest.fixture
def contracted(settings, tmp_path):
    """A challenge of 常州 awarded to 南京示例大学 with two milestones, contract signed."""
    settings.INNOMARKET_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    enterprise = OrganisationFactory(name="常州示例储能科技有限公司", city=city("changzhou"))
    university = OrganisationFactory(
        name="南京示例大学", kind=Organisation.Kind.UNIVERSITY, city=city("nanjing")
    )
    owner = member_of(enterprise, username="ent")
    bidder = member_of(university, username="unia")
    challenge = make_listing(
        "challenge",
        city="changzhou",
        status="published",
        owner=enterprise,
        title="储能电池包热失控早期预警",
        summary="面向储能电站的电池热失控早期预警方案。",
        problem_statement="储能电站电池包在高温工况下存在热失控风险，需要提前预警。",
        acceptance_criteria="第三方检测报告确认预警提前时间≥10 分钟。",
        deadline=timezone.localdate() + dt.timedelta(days=30),
        is_sample=False,
    )
    if access.requires_terms(challenge):
        services.terms_accept(actor=bidder, challenge=challenge)
    bid = services.bid_create(
        actor=bidder,
        challenge=challenge,
        organisation=university,
        data=services.BidData.from_mapping(
            {"team": "电池安全课题组", "approach": "多传感器融合。", "milestones": "2027-03-31 方案设计"}
        ),
        submit=True,
    )
    services.bidding_close(actor=owner, challenge=challenge)
    services.bid_shortlist(actor=owner, bid=bid)
    services.bid_award(
        actor=owner,
        bid=Bid.objects.get(pk=bid.pk),
        milestones=[("方案设计", dt.date(2027, 3, 31)), ("样机验证", dt.date(2027, 9, 30))],
    )
    services.contract_sign(actor=owner, challenge=challenge)
    return challenge, bid


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def report(page, bid_url: str, link: str, note: str, files=None) -> None:
    page.goto(bid_url)
    page.locator("#cooperation").get_by_role("link", name=link).first.click()
    page.get_by_label("完成说明").fill(note)
    if files:
        page.get_by_label("证明材料（选填）").set_input_files(files)
    page.get_by_role("button", name="报告完成").click()
    expect(page.get_by_text("已报告完成，发榜方会收到通知并验收。")).to_be_visible()


def review(page, challenge) -> None:
    page.goto(f"/challenges/{challenge.pk}/manage/")
    page.locator("#cooperation").get_by_role("link", name="查看并验收").first.click()
    expect(page.get_by_role("heading", name=re.compile("里程碑："))).to_be_visible()


def test_report_return_report_again_accept_and_the_last_acceptance_completes(session, contracted, screenshot):
    challenge, bid = contracted
    bid_url = f"/challenges/bids/{bid.pk}/"

    # 1. The university, on a phone, reports the first milestone done with a test report.
    uni = session("unia", phone=True)
    uni.goto(bid_url)
    expect(uni.locator("#cooperation").get_by_text("待完成").first).to_be_visible()
    fits_the_phone(uni)
    report(
        uni,
        bid_url,
        "报告完成",
        "完成方案设计，附第三方检测报告。",
        files=[{"name": "检测报告.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 first"}],
    )
    expect(uni.get_by_role("link", name="检测报告.pdf")).to_be_visible()
    fits_the_phone(uni)
    screenshot(uni, "milestone-1-bidder-reported-375")

    # 2. The enterprise reads the report, opens the file and returns it with a reason.
    ent = session("ent")
    review(ent, challenge)
    expect(ent.get_by_text("完成方案设计，附第三方检测报告。").first).to_be_visible()
    with ent.expect_download() as download:
        ent.get_by_role("link", name="检测报告.pdf").click()
    assert download.value.suggested_filename == "检测报告.pdf"
    assert Path(download.value.path()).read_bytes() == b"%PDF-1.4 first"
    ent.get_by_role("button", name="退回并说明理由").click()  # no reason: refused on the field
    expect(ent.locator(".has-error").filter(has_text="退回时必须填写理由")).to_be_visible()
    ent.get_by_label("退回理由").fill("检测报告缺少盖章页，请补充。")
    screenshot(ent, "milestone-2-owner-returns")
    ent.get_by_role("button", name="退回并说明理由").click()
    expect(ent.get_by_text("里程碑已退回，揭榜方会收到退回理由。")).to_be_visible()

    # 3. The university reads the reason (bid page and inbox) and reports again.
    uni.goto(bid_url)
    expect(uni.get_by_text("退回理由：检测报告缺少盖章页，请补充。")).to_be_visible()
    fits_the_phone(uni)
    screenshot(uni, "milestone-3-bidder-sees-return-375")
    report(
        uni,
        bid_url,
        "重新报告完成",
        "已补充盖章页。",
        files=[
            {"name": "检测报告（盖章）.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 stamped"}
        ],
    )

    # 4. The enterprise accepts; the cooperation is still under way.
    review(ent, challenge)
    expect(ent.get_by_role("link", name="检测报告（盖章）.pdf")).to_be_visible()
    ent.get_by_label("验收意见（选填）").fill("资料齐全，验收通过。")
    ent.get_by_role("button", name="验收通过").click()
    expect(ent.get_by_text("里程碑“方案设计”已验收。")).to_be_visible()
    challenge.refresh_from_db()
    assert challenge.status == "in_progress"

    # 5. The last milestone: reported and accepted, which completes the cooperation and the challenge.
    report(uni, bid_url, "报告完成", "样机通过现场验证。")
    review(ent, challenge)
    ent.get_by_role("button", name="验收通过").click()
    expect(ent.get_by_text("里程碑“样机验证”已验收。")).to_be_visible()
    challenge.refresh_from_db()
    cooperation = Cooperation.objects.get(challenge=challenge)
    assert challenge.status == "completed"
    assert (cooperation.phase, cooperation.ended_on) == ("past", timezone.localdate())

    # The university sees it on its phone: the bid page and the public cooperation page.
    uni.goto(bid_url)
    expect(uni.locator("#cooperation").get_by_text("过去时")).to_be_visible()
    expect(uni.locator("#cooperation").get_by_text("已验收")).to_have_count(2)
    uni.goto(cooperation.get_absolute_url())
    expect(uni.locator(".milestone-done")).to_have_count(2)
    expect(uni.get_by_text(f"实际 {timezone.localdate():%Y-%m-%d}").first).to_be_visible()
    fits_the_phone(uni)
    screenshot(uni, "milestone-4-cooperation-completed-375")
