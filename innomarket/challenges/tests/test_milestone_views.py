"""里程碑验收 pages: who sees a milestone and its evidence, the forms' errors on their fields, the
bid page, the console and the public cooperation page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from innomarket.challenges import milestones
from innomarket.common.tests.factories import alliance_admin

from .test_milestones import awarded

pytestmark = pytest.mark.django_db


def url(name: str, milestone, **kwargs) -> str:
    return reverse(f"challenges:{name}", kwargs={"pk": milestone.pk, **kwargs})


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def reported(world):
    """The first milestone reported with one evidence file."""
    challenge, cooperation, first, second = awarded(world)
    first = milestones.milestone_report(
        actor=world.bidder_a,
        milestone=first,
        note="完成方案设计，专家评审通过。",
        files=[SimpleUploadedFile("评审意见.pdf", b"%PDF-1.4 opinion")],
    )
    return challenge, cooperation, first, second


# ---------------------------------------------------------------- who sees what


def test_the_evidence_opens_for_the_two_parties_and_the_challenges_city_only(world, reported):
    _challenge, _cooperation, first, _second = reported
    evidence = first.evidence.get()
    download = url("milestone-evidence", first, evidence_pk=evidence.pk)

    for person in (world.bidder_a, world.owner_user, world.admin, alliance_admin()):
        response = client_for(person).get(download)
        assert response.status_code == 200, person
        assert b"".join(response.streaming_content) == b"%PDF-1.4 opinion"
        assert "attachment" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"
    for outsider in (world.bidder_b, world.other_admin, world.expert_user, world.tm_user):
        assert client_for(outsider).get(download).status_code == 404, outsider
        assert client_for(outsider).get(url("milestone", first)).status_code == 404, outsider
    anonymous = Client().get(download)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_evidence_is_reached_only_through_its_own_milestone(world, reported):
    _challenge, _cooperation, first, second = reported
    evidence = first.evidence.get()
    wrong = url("milestone-evidence", second, evidence_pk=evidence.pk)
    assert client_for(world.bidder_a).get(wrong).status_code == 404


def test_post_only_views_refuse_get(world, reported):
    _challenge, _cooperation, first, _second = reported
    client = client_for(world.owner_user)
    for name in ("milestone-report", "milestone-accept", "milestone-return"):
        assert client.get(url(name, first)).status_code == 405, name


def test_each_side_gets_403_on_the_other_sides_buttons(world, reported):
    _challenge, _cooperation, first, second = reported
    assert (
        client_for(world.owner_user).post(url("milestone-report", second), {"note": "x"}).status_code == 403
    )
    assert client_for(world.bidder_a).post(url("milestone-accept", first)).status_code == 403
    assert client_for(world.bidder_a).post(url("milestone-return", first), {"reason": "x"}).status_code == 403
    assert client_for(world.bidder_b).post(url("milestone-accept", first)).status_code == 404
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("reported", "pending")


# ---------------------------------------------------------------- the forms


def test_the_bidder_reports_through_the_page_and_a_missing_note_is_said_on_its_field(world):
    _challenge, _cooperation, first, _second = awarded(world)
    client = client_for(world.bidder_a)
    page = body(client.get(url("milestone", first)))
    assert f'action="{url("milestone-report", first)}"' in page
    assert 'enctype="multipart/form-data"' in page

    refused = client.post(url("milestone-report", first), {"note": "  "})
    assert refused.status_code == 400
    assert "请填写完成说明" in body(refused) and "has-error" in body(refused)

    bad_file = client.post(
        url("milestone-report", first),
        {"note": "完成", "evidence": SimpleUploadedFile("run.exe", b"MZ")},
    )
    assert bad_file.status_code == 400 and "不支持的文件类型“run.exe”" in body(bad_file)

    done = client.post(
        url("milestone-report", first),
        {"note": "完成方案设计", "evidence": [SimpleUploadedFile("方案.pdf", b"%PDF")]},
        follow=True,
    )
    assert "已报告完成，发榜方会收到通知并验收。" in messages_of(done)
    first.refresh_from_db()
    assert first.status == "reported" and [e.name for e in first.evidence.all()] == ["方案.pdf"]
    assert f'action="{url("milestone-report", first)}"' not in body(done)  # no second report


def test_a_return_without_a_reason_is_said_on_its_field_and_a_reason_reaches_the_bidder(world, reported):
    _challenge, _cooperation, first, _second = reported
    owner = client_for(world.owner_user)
    page = body(owner.get(url("milestone", first)))
    assert "完成方案设计，专家评审通过。" in page and "评审意见.pdf" in page
    assert url("milestone-accept", first) in page and url("milestone-return", first) in page

    refused = owner.post(url("milestone-return", first), {"reason": ""})
    assert refused.status_code == 400 and "退回时必须填写理由" in body(refused)

    owner.post(url("milestone-return", first), {"reason": "请附第三方检测报告 <b>原件</b>"})
    bidder_page = body(client_for(world.bidder_a).get(url("milestone", first)))
    assert "请附第三方检测报告 &lt;b&gt;原件&lt;/b&gt;" in bidder_page  # escaped
    assert url("milestone-report", first) in bidder_page  # reports again
    assert "完成方案设计，专家评审通过。" in bidder_page  # the form starts from the last note


def test_a_state_error_is_a_message_not_a_field_error(world, reported):
    _challenge, _cooperation, first, _second = reported
    owner = client_for(world.owner_user)
    owner.post(url("milestone-accept", first))
    again = owner.post(url("milestone-accept", first), follow=True)
    assert "这个里程碑已经验收。" in messages_of(again)


# ---------------------------------------------------------------- the bid page, the console, the public page


def test_the_bid_page_and_the_console_lead_each_side_to_its_step(world, reported):
    challenge, _cooperation, first, second = reported
    bid = challenge.bids.get(status="contracted")
    bid_page = body(client_for(world.bidder_a).get(reverse("challenges:bid-detail", kwargs={"pk": bid.pk})))
    assert "已报告完成，待验收" in bid_page
    assert url("milestone", second) + "#report-head" in bid_page  # 报告完成 for the pending one

    console = body(
        client_for(world.owner_user).get(reverse("challenges:manage", kwargs={"pk": challenge.pk}))
    )
    assert "查看并验收" in console and url("milestone", first) in console

    milestones.milestone_return(actor=world.owner_user, milestone=first, reason="缺检测报告")
    bid_page = body(client_for(world.bidder_a).get(reverse("challenges:bid-detail", kwargs={"pk": bid.pk})))
    assert "退回理由：缺检测报告" in bid_page and "重新报告完成" in bid_page


def test_the_public_page_shows_planned_and_actual_dates(client, world, reported):
    _challenge, cooperation, first, second = reported
    page = body(client.get(cooperation.get_absolute_url()))
    assert "计划 2027-03-31" in page and "已报告完成，待验收" in page
    assert "完成方案设计，专家评审通过" not in page  # the report's note is the parties' business
    assert "评审意见.pdf" not in page

    milestones.milestone_accept(actor=world.owner_user, milestone=first)
    accepted_on = timezone.localdate()
    page = body(client.get(cooperation.get_absolute_url()))
    assert f"实际 {accepted_on:%Y-%m-%d}" in page
    early = (dt.date(2027, 3, 31) - accepted_on).days
    assert f"比计划早 {early} 天" in page
    assert page.count("milestone-done") == 1
