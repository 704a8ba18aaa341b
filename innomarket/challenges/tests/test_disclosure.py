"""Tiers of disclosure on the challenge page, through the site: teaser, terms, full text, attachments."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from innomarket.challenges import access, services
from innomarket.challenges.models import DisclosureView, Invitation, TermsAcceptance
from innomarket.common.tests.factories import OrganisationFactory, UserFactory, city, member_of

pytestmark = pytest.mark.django_db

SECRET = "储能电站电池包在高温工况下存在热失控风险"  # from COMPLETE_CHALLENGE["problem_statement"]
SECRET_CRITERIA = "第三方检测报告确认预警提前时间"
ATTACHMENT_BYTES = b"%PDF-1.4 confidential drawing"


def detail_url(challenge) -> str:
    return reverse("challenges:detail", kwargs={"pk": challenge.pk})


def page(client, challenge) -> str:
    response = client.get(detail_url(challenge))
    assert response.status_code == 200
    return response.content.decode()


def attach(world, challenge):
    (attachment,) = services.challenge_attach(
        actor=world.owner_user,
        challenge=challenge,
        files=[SimpleUploadedFile("工艺图纸.pdf", ATTACHMENT_BYTES, content_type="application/pdf")],
    )
    return attachment


def attachment_url(challenge, attachment) -> str:
    return reverse("challenges:attachment", kwargs={"pk": challenge.pk, "attachment_pk": attachment.pk})


def test_a_visitor_sees_the_teaser_and_a_sign_in_prompt_never_the_text_or_the_terms(client, world):
    challenge = world.challenge(status="bidding")

    body = page(client, challenge)

    assert challenge.summary in body
    assert SECRET not in body and SECRET_CRITERIA not in body
    assert "同意并查看全文" not in body
    assert reverse("challenges:terms-accept", kwargs={"pk": challenge.pk}) not in body
    assert "登录后查看" in body and reverse("accounts:login") in body
    assert "揭榜截止" in body and "揭榜中" in body
    assert not DisclosureView.objects.exists()


def test_a_visitor_cannot_accept_terms_or_open_attachments(client, world):
    challenge = world.challenge()
    attachment = attach(world, challenge)

    response = client.post(reverse("challenges:terms-accept", kwargs={"pk": challenge.pk}))

    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not TermsAcceptance.objects.exists()
    assert client.get(attachment_url(challenge, attachment)).status_code == 404


def test_a_member_of_an_unverified_organisation_is_told_why_and_sees_no_text(client, world):
    challenge = world.challenge()
    pending = OrganisationFactory(name="待核验的研究所", status="submitted", city=city("nanjing"))
    client.force_login(member_of(pending))

    body = page(client, challenge)

    assert SECRET not in body
    assert "同意并查看全文" not in body
    assert "尚未通过核验" in body and "待核验的研究所" in body
    assert "我要揭榜" not in body
    assert client.post(reverse("challenges:terms-accept", kwargs={"pk": challenge.pk})).status_code == 302
    assert not TermsAcceptance.objects.exists()
    assert SECRET not in page(client, challenge)


def test_a_signed_in_user_without_an_organisation_is_asked_to_join_one(client, world):
    challenge = world.challenge()
    client.force_login(UserFactory())

    body = page(client, challenge)

    assert SECRET not in body and "同意并查看全文" not in body
    assert "您还没有加入任何机构" in body


def test_a_verified_member_accepts_the_terms_then_reads_the_full_text_and_each_view_is_logged(client, world):
    challenge = world.challenge(status="bidding")
    client.force_login(world.bidder_a)

    before = page(client, challenge)
    assert SECRET not in before
    assert "同意并查看全文" in before and f"保密条款（版本 {access.terms_version()}）" in before
    assert not DisclosureView.objects.exists()

    response = client.post(reverse("challenges:terms-accept", kwargs={"pk": challenge.pk}))
    assert response.status_code == 302 and response["Location"].startswith(detail_url(challenge))

    acceptance = TermsAcceptance.objects.get(challenge=challenge)
    assert acceptance.user == world.bidder_a
    assert acceptance.organisation == world.uni_a
    assert acceptance.terms_version == access.terms_version()
    assert acceptance.accepted_at is not None

    first = page(client, challenge)
    assert SECRET in first and SECRET_CRITERIA in first and "TRL 6" in first
    assert "同意并查看全文" not in first
    page(client, challenge)
    views = DisclosureView.objects.filter(challenge=challenge, user=world.bidder_a, part="full_text")
    assert views.count() == 2
    assert {v.organisation_id for v in views} == {world.uni_a.pk}


def test_a_new_version_of_the_terms_must_be_accepted_again(client, world, settings):
    challenge = world.challenge()
    services.terms_accept(actor=world.bidder_a, challenge=challenge)
    client.force_login(world.bidder_a)
    assert SECRET in page(client, challenge)

    settings.INNOMARKET_CHALLENGES = {**settings.INNOMARKET_CHALLENGES, "TERMS_VERSION": "2099-1"}

    body = page(client, challenge)
    assert SECRET not in body and "保密条款（版本 2099-1）" in body


def test_terms_accept_only_answers_post(client, world):
    challenge = world.challenge()
    client.force_login(world.bidder_a)

    assert client.get(reverse("challenges:terms-accept", kwargs={"pk": challenge.pk})).status_code == 405
    assert not TermsAcceptance.objects.exists()


def test_a_member_without_a_shortlisted_bid_sees_no_attachment_link_and_gets_404(client, world):
    challenge = world.challenge()
    attachment = attach(world, challenge)
    world.bid(challenge)  # submitted, not shortlisted (accepts the terms too)
    client.force_login(world.bidder_a)

    body = page(client, challenge)

    assert SECRET in body
    assert attachment_url(challenge, attachment) not in body
    assert "附件仅向入围揭榜方和评审专家开放" in body
    assert client.get(attachment_url(challenge, attachment)).status_code == 404
    assert not DisclosureView.objects.filter(part="attachment").exists()


def test_a_shortlisted_bidder_downloads_an_attachment_and_it_is_logged(client, world):
    challenge = world.challenge()
    attachment = attach(world, challenge)
    bid = world.bid(challenge)
    services.bid_shortlist(actor=world.owner_user, bid=bid)
    client.force_login(world.bidder_a)

    assert attachment_url(challenge, attachment) in page(client, challenge)
    response = client.get(attachment_url(challenge, attachment))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == ATTACHMENT_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]  # the Chinese name, encoded
    assert response["X-Content-Type-Options"] == "nosniff"
    logged = DisclosureView.objects.get(part="attachment")
    assert (logged.user, logged.attachment, logged.organisation) == (world.bidder_a, attachment, world.uni_a)


def test_a_shortlisted_bidder_of_another_challenge_cannot_open_this_ones_attachment(client, world):
    challenge = world.challenge()
    other = world.challenge(title="另一项榜单")
    attachment = attach(world, challenge)
    services.bid_shortlist(actor=world.owner_user, bid=world.bid(other))
    client.force_login(world.bidder_a)

    assert client.get(attachment_url(challenge, attachment)).status_code == 404
    # the attachment's id under the other challenge's URL is not found either
    wrong = reverse("challenges:attachment", kwargs={"pk": other.pk, "attachment_pk": attachment.pk})
    assert client.get(wrong).status_code == 404


def test_the_owner_sees_everything_without_terms_and_a_manage_link(client, world):
    challenge = world.challenge()
    attachment = attach(world, challenge)
    client.force_login(world.owner_user)

    body = page(client, challenge)

    assert SECRET in body and SECRET_CRITERIA in body
    assert "同意并查看全文" not in body
    assert attachment_url(challenge, attachment) in body
    assert reverse("challenges:manage", kwargs={"pk": challenge.pk}) in body
    assert "我要揭榜" not in body  # not on one's own challenge
    assert client.get(attachment_url(challenge, attachment)).status_code == 200


def test_the_city_administrator_reads_the_full_text(client, world):
    challenge = world.challenge()
    client.force_login(world.admin)

    body = page(client, challenge)

    assert SECRET in body and reverse("challenges:manage", kwargs={"pk": challenge.pk}) in body


def test_an_active_evaluator_reads_the_full_text_and_opens_attachments(client, world):
    challenge = world.challenge()
    attachment = attach(world, challenge)
    assignment = services.evaluator_assign(actor=world.owner_user, challenge=challenge, expert=world.expert)
    client.force_login(world.expert_user)
    assert SECRET not in page(client, challenge)  # not before declaring conflicts

    services.evaluator_declare(actor=world.expert_user, assignment=assignment, has_conflict=False)

    assert SECRET in page(client, challenge)
    assert client.get(attachment_url(challenge, attachment)).status_code == 200


def test_the_bid_button_follows_the_deadline_and_an_existing_bid(client, world):
    challenge = world.challenge()
    client.force_login(world.bidder_a)
    new_bid = reverse("challenges:bid-new", kwargs={"pk": challenge.pk})
    assert new_bid in page(client, challenge)

    bid = world.bid(challenge)
    body = page(client, challenge)
    assert new_bid not in body
    assert "查看我的方案" in body and reverse("challenges:bid-detail", kwargs={"pk": bid.pk}) in body

    expired = world.challenge(title="已截止的榜单", deadline_days=-1)
    body = page(client, expired)
    assert reverse("challenges:bid-new", kwargs={"pk": expired.pk}) not in body
    assert "已截止" in body


def test_an_invited_organisation_sees_why_and_can_decline_with_a_reason(client, world):
    challenge = world.challenge()
    invitation = Invitation.objects.create(
        challenge=challenge,
        organisation=world.uni_a,
        via_type="achievement",
        via_id=1,
        via_title="电池热失控早期预警技术",
        explanation="匹配关键词：热失控、预警；同城",
        score=0.9,
    )
    client.force_login(world.bidder_a)

    body = page(client, challenge)
    assert "邀请揭榜" in body and "电池热失控早期预警技术" in body and "匹配关键词：热失控、预警" in body
    assert "相关可能性约 90%" in body and "高度匹配" not in body
    decline_url = reverse("challenges:invitation-decline", kwargs={"pk": invitation.pk})
    assert decline_url in body

    assert 'name="reasons"' in body and "不符合需求范围或研究方向" in body  # structured reasons are asked
    client.post(decline_url, {"note": "团队本年度任务已满", "next": detail_url(challenge)})
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT  # no reason, no answer

    response = client.post(
        decline_url, {"reasons": ["workload", "timeline"], "note": "团队本年度任务已满", "next": detail_url(challenge)}
    )

    assert response.status_code == 302 and response["Location"] == detail_url(challenge)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED and invitation.decline_reasons == ["timeline", "workload"]
    assert invitation.response_note == "团队本年度任务已满"
    assert invitation.responded_at is not None
    assert decline_url not in page(client, challenge)


def test_only_the_invited_organisation_may_decline_and_only_by_post(client, world):
    challenge = world.challenge()
    invitation = Invitation.objects.create(
        challenge=challenge, organisation=world.uni_a, via_type="organisation", via_id=1, via_title="x"
    )
    url = reverse("challenges:invitation-decline", kwargs={"pk": invitation.pk})
    client.force_login(world.bidder_b)
    assert client.post(url).status_code == 404
    client.force_login(world.bidder_a)
    assert client.get(url).status_code == 405
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
