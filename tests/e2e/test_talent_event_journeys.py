"""人才交流 and 活动报名 in Debian's chromium, each person in their own browser session.

Talent: a person uploads a CV to an organisation's talent post; the organisation finds it in its
workspace, opens the CV, invites the applicant to an interview and declines another applicant with a
reason; the applicant sees the invitation. Events: a person registers for the last seat and sees
the check-in code, the next one lands on the waiting list; the organiser checks the first in by code
and exports the 报名名单 as a real .xlsx.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from innomarket.common.tests.factories import OrganisationFactory, UserFactory, city, member_of
from innomarket.events import services as event_services
from innomarket.events.models import Event, Registration
from innomarket.talent import services as talent_services
from innomarket.talent.models import TalentApplication, TalentPost

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """CVs and other private files of these journeys go to the test's own folder."""
    settings.INNOMARKET_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


def test_apply_with_a_cv_then_the_organisation_shortlists_and_declines(session, screenshot, tmp_path):
    org = OrganisationFactory(name="南京示例智能装备有限公司", city=city("nanjing"))
    member_of(org, username="hr", name="人事")
    UserFactory(username="seeker", name="求职者甲")
    other = UserFactory(username="other", name="求职者乙")
    post = TalentPost.objects.create(
        title="机器视觉算法工程师",
        owner=org,
        city=org.city,
        status="published",
        published_at=timezone.now(),
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    talent_services.application_submit(
        actor=other, post=post, cover_note="应届硕士。", cv=SimpleUploadedFile("乙的简历.pdf", PDF)
    )
    cv = tmp_path / "甲的简历.pdf"
    cv.write_bytes(PDF)

    # 1. The applicant (on a phone) uploads a CV; a wrong file type first gets a located message.
    seeker = session("seeker", phone=True)
    seeker.goto(post.get_absolute_url())
    seeker.get_by_role("link", name="投递简历").click()
    seeker.get_by_label("求职说明").fill("五年机器视觉研发经验，熟悉工业缺陷检测。")
    bad = tmp_path / "简历.txt"
    bad.write_text("not a cv")
    seeker.get_by_label("简历").set_input_files(str(bad))
    seeker.get_by_role("button", name="提交申请").click()
    expect(seeker.locator(".has-error").get_by_text("格式不支持")).to_be_visible()
    seeker.get_by_label("求职说明").fill("五年机器视觉研发经验，熟悉工业缺陷检测。")
    seeker.get_by_label("简历").set_input_files(str(cv))
    seeker.get_by_role("button", name="提交申请").click()
    expect(seeker.get_by_text("简历已投递")).to_be_visible()
    expect(seeker.locator(".badge-status-submitted").first).to_be_visible()
    screenshot(seeker, "talent-application-submitted-mobile")

    # 2. The organisation sees both applications in its workspace, opens the CV and invites to interview.
    hr = session("hr")
    hr.goto(f"/workspace/o/{org.pk}/")
    hr.get_by_role("link", name="收到的应聘申请").click()
    expect(hr.get_by_role("link", name="求职者乙")).to_be_visible()
    hr.get_by_role("link", name="求职者甲").click()
    expect(hr.get_by_text("五年机器视觉研发经验")).to_be_visible()
    with hr.expect_download() as download:
        hr.get_by_role("link", name="甲的简历.pdf").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    hr.get_by_label("面谈安排").fill("下周二上午十点，公司三楼会议室，联系人人事部。")
    hr.get_by_role("button", name="发送面谈邀请").click()
    expect(hr.get_by_text("已邀请面谈")).to_be_visible()
    screenshot(hr, "talent-application-shortlisted")

    # 3. The other applicant is declined with a structured reason.
    declined = TalentApplication.objects.get(applicant=other)
    hr.goto(declined.get_absolute_url())
    hr.get_by_role("button", name="婉拒申请").click()
    expect(hr.locator(".has-error").get_by_text("请选择未通过的原因")).to_be_visible()
    hr.get_by_label("未通过原因").select_option(label="经验或专业方向不匹配")
    hr.get_by_role("button", name="婉拒申请").click()
    expect(hr.get_by_text("未通过原因：经验或专业方向不匹配")).to_be_visible()

    # 4. The applicant sees the invitation and the history.
    seeker.goto("/workspace/talent/applications/")
    seeker.get_by_role("link", name="机器视觉算法工程师").click()
    expect(seeker.get_by_role("status").get_by_text("下周二上午十点")).to_be_visible()
    expect(seeker.locator(".ws-history")).to_contain_text("邀请面谈")
    assert TalentApplication.objects.get(applicant__username="seeker").status == "shortlisted"


def test_register_last_seat_waiting_list_check_in_and_export(session, screenshot):
    org = OrganisationFactory(name="常州示例科技园", city=city("changzhou"))
    member_of(org, username="organiser", name="主办方")
    first = UserFactory(username="early", name="早报名")
    UserFactory(username="guest", name="参会人甲")
    UserFactory(username="late", name="参会人乙")
    start = timezone.now() + dt.timedelta(days=7)
    event = Event.objects.create(
        title="智能制造供需对接会",
        owner=org,
        city=org.city,
        status="published",
        published_at=timezone.now(),
        kind=Event.Kind.MATCHMAKING,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        venue="示例科技园报告厅",
        takes_registrations=True,
        capacity=2,
    )
    event_services.registration_submit(actor=first, event=event, name="早报名", affiliation="某公司")

    # 1. A person takes the last seat and sees the check-in code.
    guest = session("guest", phone=True)
    guest.goto(event.get_absolute_url())
    expect(guest.get_by_text("2 人，剩余 1 个")).to_be_visible()
    guest.get_by_role("link", name="我要报名").click()
    guest.get_by_label("姓名").fill("参会人甲")
    guest.get_by_label("单位").fill("南京某大学")
    guest.get_by_label("手机号码（选填）").fill("12345")
    guest.get_by_role("button", name="提交报名").click()
    expect(guest.locator(".has-error").get_by_text("手机号码应为 11 位数字")).to_be_visible()
    guest.get_by_label("手机号码（选填）").fill("")
    guest.get_by_role("button", name="提交报名").click()
    code = Registration.objects.get(user__username="guest").check_in_code
    expect(guest.locator(".check-in-code").first).to_have_text(code)
    screenshot(guest, "event-registration-code-mobile")

    # 2. The next one lands on the waiting list.
    late = session("late")
    late.goto(event.get_absolute_url())
    late.get_by_role("link", name="报名候补").click()
    late.get_by_label("姓名").fill("参会人乙")
    late.get_by_role("button", name="提交报名").click()
    expect(late.get_by_text("候补名单第 1 位")).to_be_visible()

    # 3. The organiser checks the guest in by code and exports the list.
    organiser = session("organiser")
    organiser.goto(f"/workspace/o/{org.pk}/")
    organiser.get_by_role("link", name="活动报名名单").click()
    organiser.get_by_role("link", name="智能制造供需对接会").click()
    organiser.get_by_label("签到码").fill("WRONG1")
    organiser.get_by_role("button", name="签到", exact=True).click()
    expect(organiser.locator(".has-error").get_by_text("不属于本活动")).to_be_visible()
    organiser.get_by_label("签到码").fill(code.lower())
    organiser.get_by_role("button", name="签到", exact=True).click()
    expect(organiser.get_by_text("参会人甲（南京某大学）签到成功")).to_be_visible()
    screenshot(organiser, "event-manage-checked-in")
    with organiser.expect_download() as download:
        organiser.get_by_role("link", name="导出报名名单（Excel）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    rows = list(
        load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active.iter_rows(values_only=True)
    )
    assert rows[0][:3] == ("序号", "姓名", "单位")
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["参会人甲"][6] == "已签到" and by_name["参会人乙"][6] == "候补中"
