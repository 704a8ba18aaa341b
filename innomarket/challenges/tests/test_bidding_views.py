"""我要揭榜 through the site: the bid form, the bid's page, withdrawing, milestones, 我的揭榜."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from innomarket.challenges import services
from innomarket.challenges.models import Bid, Challenge, Invitation
from innomarket.common.tests.factories import MembershipFactory, OrganisationFactory, city, member_of
from innomarket.verification.selectors import status_events_for

pytestmark = pytest.mark.django_db

COMPLETE = {
    "team": "电池安全课题组，负责人张教授",
    "approach": "多传感器融合与早期特征识别模型",
    "milestones": "2027-03-31 方案设计\n2027-09-30 样机验证",
    "price": "180",
    "credentials": "承担过国家重点研发计划项目",
}


def bid_new_url(challenge) -> str:
    return reverse("challenges:bid-new", kwargs={"pk": challenge.pk})


def bid_url(bid, name: str = "bid-detail") -> str:
    return reverse(f"challenges:{name}", kwargs={"pk": bid.pk})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def open_challenge(world):
    challenge = world.challenge()
    services.terms_accept(actor=world.bidder_a, challenge=challenge)
    return challenge


# ---------------------------------------------------------------- the form


def test_a_bidder_saves_a_draft_then_submits_it_through_the_views(client, world, open_challenge):
    client.force_login(world.bidder_a)
    form = client.get(bid_new_url(open_challenge))
    assert form.status_code == 200
    body = form.content.decode()
    assert "保存草稿" in body and "提交方案" in body and 'enctype="multipart/form-data"' in body
    assert 'name="organisation"' not in body  # one organisation: nothing to choose

    response = client.post(bid_new_url(open_challenge), {"approach": "先写个思路", "action": "draft"})

    bid = Bid.objects.get()
    assert response.status_code == 302 and response["Location"] == bid_url(bid)
    assert (bid.status, bid.organisation, bid.submitted_by) == ("draft", world.uni_a, world.bidder_a)

    refused = client.post(bid_url(bid, "bid-submit"), follow=True)
    assert "提交前请填写" in " ".join(messages_of(refused))
    bid.refresh_from_db()
    assert bid.status == "draft"

    client.post(bid_url(bid, "bid-edit"), {**COMPLETE, "action": "draft"})
    response = client.post(bid_url(bid, "bid-submit"), follow=True)

    bid.refresh_from_db()
    open_challenge.refresh_from_db()
    assert bid.status == "submitted" and bid.submitted_at is not None
    assert open_challenge.status == "bidding"
    assert "方案已提交" in " ".join(messages_of(response))


def test_submitting_from_the_form_with_attachments_and_a_tech_manager(client, world, open_challenge):
    client.force_login(world.bidder_a)
    files = [
        SimpleUploadedFile("技术方案.pdf", b"%PDF plan", content_type="application/pdf"),
        SimpleUploadedFile("团队简介.docx", b"team", content_type="application/octet-stream"),
    ]

    response = client.post(
        bid_new_url(open_challenge),
        {**COMPLETE, "introduced_by": world.tech_manager.pk, "attachments": files, "action": "submit"},
    )

    bid = Bid.objects.get()
    assert response.status_code == 302
    assert bid.status == "submitted"
    assert bid.price == Decimal("180")
    assert bid.introduced_by == world.tech_manager
    assert sorted(a.name for a in bid.attachments.all()) == ["团队简介.docx", "技术方案.pdf"]

    page = client.get(bid_url(bid)).content.decode()
    first = bid.attachments.get(name="技术方案.pdf")
    link = reverse("challenges:bid-attachment", kwargs={"pk": bid.pk, "attachment_pk": first.pk})
    assert link in page
    download = client.get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF plan"
    assert download["X-Content-Type-Options"] == "nosniff"
    client.force_login(world.bidder_b)
    assert client.get(link).status_code == 404


def test_an_attachment_of_a_forbidden_type_is_refused_on_the_field(client, world, open_challenge):
    client.force_login(world.bidder_a)
    bad = SimpleUploadedFile("payload.html", b"<script>alert(1)</script>", content_type="text/html")

    response = client.post(
        bid_new_url(open_challenge), {**COMPLETE, "attachments": [bad], "action": "submit"}
    )

    assert response.status_code == 400
    assert "不支持的附件类型" in str(response.context["form"].errors["attachments"])
    assert not Bid.objects.exists()


def test_submitting_an_incomplete_bid_from_the_form_keeps_what_was_typed(client, world, open_challenge):
    client.force_login(world.bidder_a)

    response = client.post(bid_new_url(open_challenge), {"team": "只写了团队", "action": "submit"})

    assert response.status_code == 400
    assert "提交前请填写" in response.content.decode()
    assert "只写了团队" in response.content.decode()
    assert not Bid.objects.exists()


def test_the_form_needs_the_terms_first(client, world):
    challenge = world.challenge()
    client.force_login(world.bidder_a)

    response = client.get(bid_new_url(challenge), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("challenges:detail", kwargs={"pk": challenge.pk}))
    assert "请先阅读并签署" in " ".join(messages_of(response))
    client.post(bid_new_url(challenge), {**COMPLETE, "action": "submit"})
    assert not Bid.objects.exists()


def test_the_owner_and_unverified_members_cannot_bid(client, world):
    challenge = world.challenge()
    client.force_login(world.owner_user)
    response = client.post(bid_new_url(challenge), {**COMPLETE, "action": "submit"}, follow=True)
    assert "只有已核验机构" in " ".join(messages_of(response))

    pending = OrganisationFactory(status="submitted", city=city("nanjing"))
    client.force_login(member_of(pending))
    client.post(bid_new_url(challenge), {**COMPLETE, "action": "submit"})
    assert not Bid.objects.exists()


def test_a_duplicate_live_bid_is_refused_with_the_message(client, world, open_challenge):
    existing = world.bid(open_challenge)
    client.force_login(world.bidder_a)

    get = client.get(bid_new_url(open_challenge))
    assert get.status_code == 302 and get["Location"] == bid_url(existing)

    response = client.post(bid_new_url(open_challenge), {**COMPLETE, "action": "submit"})

    assert response.status_code == 400
    assert "已有一份有效的揭榜方案" in response.content.decode()
    assert Bid.objects.count() == 1


def test_after_withdrawing_the_organisation_may_bid_again(client, world, open_challenge):
    first = world.bid(open_challenge)
    client.force_login(world.bidder_a)
    client.post(bid_url(first, "bid-withdraw"))

    response = client.post(bid_new_url(open_challenge), {**COMPLETE, "action": "submit"})

    assert response.status_code == 302
    assert Bid.objects.filter(status="submitted").count() == 1


def test_a_member_of_two_verified_organisations_chooses_which_one_bids(client, world, open_challenge):
    second = OrganisationFactory(name="第二家研究院", city=city("wuxi"))
    MembershipFactory(user=world.bidder_a, organisation=second)
    client.force_login(world.bidder_a)

    assert 'name="organisation"' in client.get(bid_new_url(open_challenge)).content.decode()
    client.post(bid_new_url(open_challenge), {**COMPLETE, "organisation": second.pk, "action": "submit"})

    assert Bid.objects.get().organisation == second
    # the owner's organisation is never offered
    response = client.post(bid_new_url(open_challenge), {**COMPLETE, "organisation": world.owner.pk})
    assert response.status_code == 400 and "organisation" in response.context["form"].errors


def test_after_the_deadline_the_form_refuses(client, world, open_challenge):
    draft = world.bid(open_challenge, submit=False)
    Challenge.objects.filter(pk=open_challenge.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    client.force_login(world.bidder_a)
    draft.status = "withdrawn"  # make room for a new bid so only the deadline stands in the way
    draft.save(update_fields=["status"])

    get = client.get(bid_new_url(open_challenge), follow=True)
    assert "截止" in " ".join(messages_of(get))
    post = client.post(bid_new_url(open_challenge), {**COMPLETE, "action": "submit"}, follow=True)
    assert "截止" in " ".join(messages_of(post))
    assert Bid.objects.count() == 1


def test_after_the_deadline_a_bid_can_no_longer_be_edited_or_submitted(client, world, open_challenge):
    draft = world.bid(open_challenge, submit=False)
    Challenge.objects.filter(pk=open_challenge.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    client.force_login(world.bidder_a)

    page = client.get(bid_url(draft)).content.decode()
    assert bid_url(draft, "bid-edit") not in page and bid_url(draft, "bid-submit") not in page
    assert "揭榜已于" in page

    edit = client.post(bid_url(draft, "bid-edit"), {**COMPLETE, "action": "submit"}, follow=True)
    assert "截止" in " ".join(messages_of(edit))
    client.post(bid_url(draft, "bid-submit"))
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.approach != COMPLETE["approach"]


def test_a_submitted_bid_is_edited_and_stays_submitted(client, world, open_challenge):
    bid = world.bid(open_challenge)
    client.force_login(world.bidder_a)
    form = client.get(bid_url(bid, "bid-edit")).content.decode()
    assert "保存修改" in form and bid.approach in form

    response = client.post(
        bid_url(bid, "bid-edit"), {**COMPLETE, "approach": "改进后的方案", "action": "save"}
    )

    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.status == "submitted" and bid.approach == "改进后的方案"


def test_withdrawing_records_the_reason(client, world, open_challenge):
    bid = world.bid(open_challenge)
    client.force_login(world.bidder_a)

    response = client.post(bid_url(bid, "bid-withdraw"), {"reason": "团队人员调整"})

    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.status == "withdrawn"
    assert status_events_for(bid).first().reason == "团队人员调整"
    page = client.get(bid_url(bid)).content.decode()
    assert "这份方案已撤回" in page and bid_url(bid, "bid-withdraw") not in page


@pytest.mark.parametrize("name", ["bid-submit", "bid-withdraw"])
def test_bid_actions_only_answer_post(client, world, open_challenge, name):
    bid = world.bid(open_challenge, submit=False)
    client.force_login(world.bidder_a)

    assert client.get(bid_url(bid, name)).status_code == 405
    bid.refresh_from_db()
    assert bid.status == "draft"


def test_post_only_views_refuse_get(client, world):
    client.force_login(world.bidder_a)
    for name, kwargs in [
        ("terms-accept", {"pk": 1}),
        ("bid-submit", {"pk": 1}),
        ("bid-withdraw", {"pk": 1}),
        ("invitation-decline", {"pk": 1}),
        ("milestone-report", {"pk": 1}),
    ]:
        assert client.get(reverse(f"challenges:{name}", kwargs=kwargs)).status_code == 405, name


def test_csrf_is_enforced_on_the_bid_views(world, open_challenge):
    from django.test import Client

    bid = world.bid(open_challenge)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.bidder_a)

    assert strict.post(bid_url(bid, "bid-withdraw")).status_code == 403
    assert strict.post(bid_new_url(open_challenge), COMPLETE).status_code == 403
    bid.refresh_from_db()
    assert bid.status == "submitted"


# ---------------------------------------------------------------- the bid's page


def test_others_cannot_see_a_bid_and_the_owner_sees_it_without_bidder_buttons(client, world, open_challenge):
    bid = world.bid(open_challenge)

    client.force_login(world.bidder_b)
    assert client.get(bid_url(bid)).status_code == 404
    assert client.get(bid_url(bid, "bid-edit")).status_code == 404
    assert client.post(bid_url(bid, "bid-withdraw")).status_code == 404

    client.force_login(world.owner_user)
    page = client.get(bid_url(bid))
    assert page.status_code == 200
    body = page.content.decode()
    assert bid.approach in body
    assert bid_url(bid, "bid-edit") not in body and bid_url(bid, "bid-withdraw") not in body
    assert reverse("challenges:manage", kwargs={"pk": open_challenge.pk}) in body
    assert client.get(bid_url(bid, "bid-edit")).status_code == 403
    assert client.post(bid_url(bid, "bid-withdraw")).status_code == 403
    bid.refresh_from_db()
    assert bid.status == "submitted"


def test_anonymous_visitors_are_sent_to_sign_in(client, world, open_challenge):
    bid = world.bid(open_challenge)
    for url in (bid_url(bid), bid_new_url(open_challenge), reverse("challenges:my-bids")):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url


def test_the_bidder_sees_the_status_history_and_the_workflow_buttons(client, world, open_challenge):
    bid = world.bid(open_challenge)
    client.force_login(world.bidder_a)

    body = client.get(bid_url(bid)).content.decode()

    assert "已提交" in body and "状态记录" in body
    assert bid_url(bid, "bid-edit") in body and bid_url(bid, "bid-withdraw") in body
    assert bid_url(bid, "bid-submit") not in body  # already submitted


def test_a_declined_bid_shows_the_structured_reason(client, world, open_challenge):
    bid = world.bid(open_challenge)
    services.bid_decline(
        actor=world.owner_user,
        bid=bid,
        reason=Bid.DeclineReason.TRL_TOO_LOW,
        note="样机尚未完成中试，请补充验证数据。",
    )
    client.force_login(world.bidder_a)

    body = client.get(bid_url(bid)).content.decode()

    assert "未入选原因：技术成熟度不足" in body
    assert "样机尚未完成中试，请补充验证数据。" in body
    assert bid_url(bid, "bid-withdraw") not in body and bid_url(bid, "bid-edit") not in body

    listing = client.get(reverse("challenges:my-bids")).content.decode()
    assert "技术成熟度不足" in listing and "样机尚未完成中试" in listing


def test_a_cancelled_challenge_shows_its_reason_on_the_bid(client, world, open_challenge):
    bid = world.bid(open_challenge)
    services.challenge_cancel(
        actor=world.owner_user, challenge=open_challenge, reason="企业战略调整，项目暂停"
    )
    client.force_login(world.bidder_a)

    body = client.get(bid_url(bid)).content.decode()

    assert "榜单已取消" in body and "企业战略调整，项目暂停" in body


def test_user_text_is_escaped(client, world, open_challenge):
    bid = world.bid(open_challenge, approach="<script>alert('x')</script>", team="<b>粗体</b>")
    client.force_login(world.bidder_a)

    body = client.get(bid_url(bid)).content.decode()

    assert "<script>alert(" not in body and "<b>粗体</b>" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    client.force_login(world.owner_user)
    assert "<script>alert(" not in client.get(bid_url(bid)).content.decode()


# ---------------------------------------------------------------- award and milestones


def _contracted(world, challenge):
    bid = world.bid(challenge)
    services.bid_shortlist(actor=world.owner_user, bid=bid)
    services.bidding_close(actor=world.owner_user, challenge=challenge)
    bid.refresh_from_db()
    cooperation = services.bid_award(
        actor=world.owner_user, bid=bid, milestones=services.parse_milestones(COMPLETE["milestones"])
    )
    return bid, cooperation


def test_the_bid_page_leads_the_bidder_to_report_milestones_once_the_contract_is_signed(
    client, world, open_challenge
):
    bid, cooperation = _contracted(world, open_challenge)
    first, _second = cooperation.milestones.all()
    client.force_login(world.bidder_a)
    report = reverse("challenges:milestone", kwargs={"pk": first.pk}) + "#report-head"

    awarded = client.get(bid_url(bid)).content.decode()
    assert "合作项目与里程碑" in awarded and "方案设计" in awarded
    assert report not in awarded  # not before the contract is signed
    refused = client.post(
        reverse("challenges:milestone-report", kwargs={"pk": first.pk}), {"note": "方案评审通过"}, follow=True
    )
    assert "签约进入攻关后才能报告和验收里程碑" in " ".join(messages_of(refused))

    services.contract_sign(actor=world.owner_user, challenge=open_challenge)
    signed = client.get(bid_url(bid)).content.decode()
    assert report in signed


def test_an_outsider_cannot_report_a_milestone(client, world, open_challenge):
    _bid, cooperation = _contracted(world, open_challenge)
    services.contract_sign(actor=world.owner_user, challenge=open_challenge)
    milestone = cooperation.milestones.first()
    client.force_login(world.bidder_b)

    report = reverse("challenges:milestone-report", kwargs={"pk": milestone.pk})
    assert client.post(report, {"note": "完成"}).status_code == 404
    milestone.refresh_from_db()
    assert milestone.status == "pending"


# ---------------------------------------------------------------- 我的揭榜


def test_my_bids_lists_every_bid_of_my_organisations_and_open_invitations(client, world, open_challenge):
    mine = world.bid(open_challenge)
    other_challenge = world.challenge(title="另一项储能榜单")
    Invitation.objects.create(
        challenge=other_challenge,
        organisation=world.uni_a,
        via_type="organisation",
        via_id=world.uni_a.pk,
        via_title=world.uni_a.name,
        explanation="共同领域：绿色低碳",
    )
    theirs = world.bid(open_challenge, "b")
    client.force_login(world.bidder_a)

    body = client.get(reverse("challenges:my-bids")).content.decode()

    assert bid_url(mine) in body and bid_url(theirs) not in body
    assert "待答复的揭榜邀请" in body and "另一项储能榜单" in body and "共同领域：绿色低碳" in body


def test_my_bids_without_an_organisation_explains_what_to_do(client):
    from innomarket.common.tests.factories import UserFactory

    client.force_login(UserFactory())

    body = client.get(reverse("challenges:my-bids")).content.decode()

    assert "登记机构" in body


def test_the_workspace_links_to_my_bids(client, world):
    client.force_login(world.bidder_a)

    body = client.get(reverse("site:workspace")).content.decode()

    assert reverse("challenges:my-bids") in body and reverse("challenges:evaluations") in body
