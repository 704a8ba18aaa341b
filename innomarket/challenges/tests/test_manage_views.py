"""The owner's and city administrator's console (榜单管理): who may open it, and each action through the view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from innomarket.challenges import manage_selectors, services
from innomarket.challenges.milestones import milestone_report
from innomarket.challenges.models import Bid, ChallengeAttachment, DisclosureView, EvaluatorAssignment, Review
from innomarket.common.tests.factories import OrganisationFactory, UserFactory, alliance_admin, member_of
from innomarket.lists.models import Cooperation
from innomarket.notifications.models import Notification
from innomarket.regions.tests.helpers import make_listing

pytestmark = pytest.mark.django_db

CONSOLE_ACTIONS = [
    "close-bidding",
    "cancel",
    "sign-contract",
    "assign-tech-manager",
    "criteria",
    "assign-evaluator",
    "attach",
    "detach",
]
BID_ACTIONS = ["shortlist", "decline", "award"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def manage_url(challenge) -> str:
    return reverse("challenges:manage", kwargs={"pk": challenge.pk})


def action_url(challenge, action: str) -> str:
    return reverse("challenges:manage-action", kwargs={"pk": challenge.pk, "action": action})


def bid_url(bid, action: str) -> str:
    return reverse("challenges:bid-action", kwargs={"pk": bid.pk, "action": action})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def active_expert(world, challenge, name: str, **fields):
    """A public expert with an account, assigned to ``challenge`` and declared free of conflicts."""
    user = UserFactory(name=name)
    expert = make_listing("expert", city="suzhou", title=name, user=user, status="published", **fields)
    assignment = services.evaluator_assign(actor=world.owner_user, challenge=challenge, expert=expert)
    return services.evaluator_declare(actor=user, assignment=assignment, has_conflict=False), user


@pytest.fixture
def bidding(world):
    """A challenge with two submitted bids (南京某大学 first, then 无锡某研究院)."""
    challenge = world.challenge()
    bid_a = world.bid(challenge, "a")
    bid_b = world.bid(challenge, "b")
    challenge.refresh_from_db()
    assert challenge.status == "bidding"
    return challenge, bid_a, bid_b


# ---------------------------------------------------------------- who may open the console


def test_member_of_another_organisation_and_another_citys_admin_get_404_everywhere(world, bidding):
    challenge, bid_a, _bid_b = bidding
    outsider = member_of(OrganisationFactory(name="旁观机构"))
    for user in (outsider, world.other_admin, world.bidder_a):
        client = client_for(user)
        assert client.get(manage_url(challenge)).status_code == 404, user
        for action in CONSOLE_ACTIONS:
            response = client.post(action_url(challenge, action), {"reason": "x", "attachment": "1"})
            assert response.status_code == 404, (user, action)
        for action in BID_ACTIONS:
            response = client.post(bid_url(bid_a, action), {f"bid{bid_a.pk}-reasons": "cost"})
            assert response.status_code == 404, (user, action)

    challenge.refresh_from_db()
    bid_a.refresh_from_db()
    assert challenge.status == "bidding"
    assert bid_a.status == "submitted"


def test_visitor_is_sent_to_sign_in(world, bidding):
    challenge, _a, _b = bidding
    response = Client().get(manage_url(challenge))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_owner_city_admin_and_alliance_admin_open_the_console(world, bidding):
    challenge, _a, _b = bidding
    alliance = alliance_admin()
    for user in (world.owner_user, world.admin, alliance):
        response = client_for(user).get(manage_url(challenge))
        assert response.status_code == 200, user
        body = response.content.decode()
        assert "南京某大学" in body and "无锡某研究院" in body
        assert "揭榜中" in body
        assert challenge.get_absolute_url() in body  # 公开页 link
        assert action_url(challenge, "close-bidding") in body

    client_for(alliance).post(action_url(challenge, "close-bidding"))
    challenge.refresh_from_db()
    assert challenge.status == "evaluating"


def test_unknown_action_and_get_on_an_action_are_refused(world, bidding):
    challenge, bid_a, _b = bidding
    client = client_for(world.owner_user)
    assert client.post(action_url(challenge, "explode")).status_code == 404
    assert client.post(bid_url(bid_a, "explode")).status_code == 404
    assert client.get(action_url(challenge, "close-bidding")).status_code == 405


# ---------------------------------------------------------------- actions


def test_close_bidding_moves_the_challenge_to_evaluation(world, bidding):
    challenge, _a, _b = bidding
    response = client_for(world.owner_user).post(action_url(challenge, "close-bidding"), follow=True)
    challenge.refresh_from_db()
    assert challenge.status == "evaluating"
    assert "已截止揭榜，榜单进入评审。" in messages_of(response)


def test_close_bidding_without_bids_says_why(world):
    challenge = world.challenge()
    response = client_for(world.owner_user).post(action_url(challenge, "close-bidding"), follow=True)
    challenge.refresh_from_db()
    assert challenge.status == "published"
    assert "还没有收到有效的揭榜方案，不能进入评审。" in messages_of(response)


def test_shortlist_through_the_view(world, bidding):
    challenge, bid_a, _b = bidding
    response = client_for(world.admin).post(bid_url(bid_a, "shortlist"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"{manage_url(challenge)}#bid-{bid_a.pk}")
    bid_a.refresh_from_db()
    assert bid_a.status == "shortlisted"
    assert bid_a.responded_at is not None


def test_decline_requires_a_reason_and_the_reason_reaches_the_bidder(world, bidding):
    _challenge, bid_a, _b = bidding
    client = client_for(world.owner_user)
    prefix = f"bid{bid_a.pk}"

    no_reason = client.post(bid_url(bid_a, "decline"), {f"{prefix}-note": ""})
    assert no_reason.status_code == 400
    assert "请选择未入选的原因（可多选）。" in no_reason.content.decode()

    other_without_text = client.post(
        bid_url(bid_a, "decline"), {f"{prefix}-reasons": ["cost", "other"], f"{prefix}-note": " "}
    )
    assert other_without_text.status_code == 400
    assert "选择“其他”时请写明具体原因。" in messages_of(other_without_text)
    bid_a.refresh_from_db()
    assert bid_a.status == "submitted"

    client.post(
        bid_url(bid_a, "decline"),
        {f"{prefix}-reasons": ["timeline", "cost"], f"{prefix}-note": "报价超出预算上限"},
    )
    bid_a.refresh_from_db()
    assert bid_a.status == "declined"
    assert bid_a.decline_reasons == [Bid.DeclineReason.COST, Bid.DeclineReason.TIMELINE]  # the list's order
    assert bid_a.decline_note == "报价超出预算上限"
    told = Notification.objects.get(recipient=world.bidder_a, kind="bid_declined")
    assert "报价或预算不合适、周期不满足" in told.body and "报价超出预算上限" in told.body


def test_award_creates_the_cooperation_with_milestones_and_declines_the_others(world, bidding):
    challenge, bid_a, bid_b = bidding
    client = client_for(world.owner_user)
    client.post(bid_url(bid_a, "shortlist"))
    client.post(action_url(challenge, "close-bidding"))

    page = client.get(manage_url(challenge)).content.decode()
    assert "2027-03-31 方案设计\n2027-09-30 样机验证" in page  # prefilled from the bid's own milestones

    response = client.post(
        bid_url(bid_a, "award"), {f"bid{bid_a.pk}-milestones": "2027-03-31 方案设计\n2027/9/30 样机验证"}
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    bid_a.refresh_from_db()
    bid_b.refresh_from_db()
    assert challenge.status == "awarded"
    assert bid_a.status == "awarded"
    assert bid_b.status == "declined" and bid_b.decline_reasons == ["other"]
    cooperation = Cooperation.objects.get(challenge=challenge)
    assert [(m.title, m.due_on) for m in cooperation.milestones.all()] == [
        ("方案设计", dt.date(2027, 3, 31)),
        ("样机验证", dt.date(2027, 9, 30)),
    ]
    assert set(cooperation.partners.all()) == {world.owner, world.uni_a}

    page = client.get(manage_url(challenge)).content.decode()
    assert "合作项目与里程碑" in page and "方案设计" in page
    assert action_url(challenge, "sign-contract") in page


def test_a_malformed_milestone_line_is_named_and_nothing_is_written(world, bidding):
    challenge, bid_a, bid_b = bidding
    client = client_for(world.owner_user)
    client.post(bid_url(bid_a, "shortlist"))
    client.post(action_url(challenge, "close-bidding"))

    response = client.post(
        bid_url(bid_a, "award"), {f"bid{bid_a.pk}-milestones": "2027-03-31 方案设计\n样机验证（待定）"}
    )

    assert response.status_code == 400
    assert "里程碑第 2 行缺少计划完成日期" in response.content.decode()
    assert not Cooperation.objects.filter(challenge=challenge).exists()
    challenge.refresh_from_db()
    bid_a.refresh_from_db()
    bid_b.refresh_from_db()
    assert (challenge.status, bid_a.status, bid_b.status) == ("evaluating", "shortlisted", "submitted")


def test_sign_contract_puts_the_challenge_in_progress_and_the_console_leads_to_acceptance(world, bidding):
    challenge, bid_a, _b = bidding
    client = client_for(world.owner_user)
    client.post(bid_url(bid_a, "shortlist"))
    client.post(action_url(challenge, "close-bidding"))
    client.post(bid_url(bid_a, "award"), {f"bid{bid_a.pk}-milestones": "2027-03-31 方案设计"})

    client.post(action_url(challenge, "sign-contract"))

    challenge.refresh_from_db()
    bid_a.refresh_from_db()
    assert challenge.status == "in_progress"
    assert bid_a.status == "contracted"
    milestone = Cooperation.objects.get(challenge=challenge).milestones.get()
    milestone_page = reverse("challenges:milestone", kwargs={"pk": milestone.pk})
    assert "查看并验收" not in client.get(manage_url(challenge)).content.decode()  # nothing reported yet

    # The bidder reports it done; the console leads to its acceptance, which completes the challenge.
    milestone_report(actor=world.bidder_a, milestone=milestone, note="已交付方案")
    page = client.get(manage_url(challenge)).content.decode()
    assert "查看并验收" in page and milestone_page in page
    response = client.post(reverse("challenges:milestone-accept", kwargs={"pk": milestone.pk}))
    assert response.status_code == 302 and response["Location"] == milestone_page
    milestone.refresh_from_db()
    challenge.refresh_from_db()
    assert milestone.is_done and milestone.note == "已交付方案"
    assert challenge.status == "completed"
    assert "已验收" in client.get(manage_url(challenge)).content.decode()


def test_cancel_requires_a_reason_and_every_bidder_is_told(world, bidding):
    challenge, bid_a, bid_b = bidding
    client = client_for(world.owner_user)

    refused = client.post(action_url(challenge, "cancel"), {"reason": "  "})
    assert refused.status_code == 400
    assert "取消榜单必须填写理由" in refused.content.decode()
    challenge.refresh_from_db()
    assert challenge.status == "bidding"
    assert not Notification.objects.filter(kind="challenge_cancelled").exists()

    client.post(action_url(challenge, "cancel"), {"reason": "公司战略调整，项目暂停"})

    challenge.refresh_from_db()
    assert challenge.status == "cancelled"
    for bid in (bid_a, bid_b):
        bid.refresh_from_db()
        assert bid.status == "cancelled"
    told = Notification.objects.filter(kind="challenge_cancelled")
    assert set(told.values_list("recipient", flat=True)) == {world.bidder_a.pk, world.bidder_b.pk}
    assert all("公司战略调整，项目暂停" in n.body for n in told)


def test_assign_tech_manager_evaluator_and_criteria_through_the_console(world, bidding):
    challenge, _a, _b = bidding
    client = client_for(world.owner_user)

    client.post(action_url(challenge, "assign-tech-manager"), {"tech_manager": world.tech_manager.pk})
    challenge.refresh_from_db()
    assert challenge.tech_manager == world.tech_manager
    assert challenge.ledger.filter(tech_manager=world.tech_manager, role="sourced").exists()

    client.post(action_url(challenge, "assign-evaluator"), {"expert": world.expert.pk})
    assert EvaluatorAssignment.objects.filter(
        challenge=challenge, expert=world.expert, status="assigned"
    ).exists()
    assert challenge.criteria.count() == len(
        services.DEFAULT_CRITERIA
    )  # defaults set with the first evaluator

    rows = {
        "name_0": "可行性",
        "weight_0": "3",
        "name_1": "报价",
        "weight_1": "1",
        "description_1": "越低越好",
    }
    client.post(action_url(challenge, "criteria"), rows)
    assert list(challenge.criteria.values_list("name", "weight", "description")) == [
        ("可行性", 3, ""),
        ("报价", 1, "越低越好"),
    ]
    page = client.get(manage_url(challenge)).content.decode()
    assert "75.0%" in page and "25.0%" in page  # weights shown as shares
    assert "评审专家甲" in page and "待声明利益冲突" in page


def test_criteria_errors_are_shown_on_the_row(world, bidding):
    challenge, _a, _b = bidding
    client = client_for(world.owner_user)

    missing_weight = client.post(action_url(challenge, "criteria"), {"name_0": "可行性"})
    assert missing_weight.status_code == 400
    assert "第 1 行请填写 1–100 的权重。" in missing_weight.content.decode()

    duplicate = client.post(
        action_url(challenge, "criteria"),
        {"name_0": "可行性", "weight_0": "1", "name_1": "可行性", "weight_1": "2"},
    )
    assert duplicate.status_code == 400
    assert "评审指标“可行性”重复。" in duplicate.content.decode()
    assert not challenge.criteria.exists()


def test_an_expert_without_an_account_cannot_be_chosen(world, bidding):
    challenge, _a, _b = bidding
    no_account = make_listing("expert", city="suzhou", title="无账号专家", status="published")
    client = client_for(world.owner_user)

    page = client.get(manage_url(challenge)).content.decode()
    assert "无账号专家" not in page

    response = client.post(action_url(challenge, "assign-evaluator"), {"expert": no_account.pk})
    assert response.status_code == 400
    assert "请从列表中选择评审专家。" in response.content.decode()
    assert not EvaluatorAssignment.objects.filter(challenge=challenge).exists()


def test_attach_and_detach_files(world, bidding):
    challenge, _a, _b = bidding
    client = client_for(world.owner_user)
    files = [
        SimpleUploadedFile("测试大纲.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        SimpleUploadedFile("数据.xlsx", b"PK test", content_type="application/octet-stream"),
    ]
    client.post(action_url(challenge, "attach"), {"attachments": files})
    assert sorted(challenge.attachments.values_list("name", flat=True)) == ["数据.xlsx", "测试大纲.pdf"]

    bad = client.post(
        action_url(challenge, "attach"), {"attachments": [SimpleUploadedFile("run.exe", b"MZ")]}
    )
    assert bad.status_code == 400
    assert "不支持的附件类型“run.exe”" in bad.content.decode()

    attachment = challenge.attachments.get(name="数据.xlsx")
    client.post(action_url(challenge, "detach"), {"attachment": attachment.pk})
    assert not ChallengeAttachment.objects.filter(pk=attachment.pk).exists()
    assert challenge.attachments.count() == 1


# ---------------------------------------------------------------- what the console shows


def test_ranked_view_orders_bids_by_average_weighted_total(world, bidding):
    challenge, bid_a, bid_b = bidding
    services.criteria_set(
        actor=world.owner_user, challenge=challenge, items=[("可行性", 3, ""), ("报价", 1, "")]
    )
    first, first_user = active_expert(world, challenge, "专家一")
    second, second_user = active_expert(world, challenge, "专家二")
    services.bidding_close(actor=world.owner_user, challenge=challenge)
    feasibility, price = challenge.criteria.all()

    def score(assignment, user, bid, f, p):
        services.review_submit(
            actor=user, assignment=assignment, bid=bid, scores={feasibility.pk: f, price.pk: p}
        )

    score(first, first_user, bid_a, 60, 100)  # 70.00
    score(second, second_user, bid_a, 80, 80)  # 80.00 → mean 75.00
    score(first, first_user, bid_b, 90, 50)  # 80.00
    score(second, second_user, bid_b, 100, 60)  # 90.00 → mean 85.00

    ranked = manage_selectors.ranked_bids(challenge)
    assert [row.bid for row in ranked] == [bid_b, bid_a]
    assert [str(row.average_total) for row in ranked] == ["85.00", "75.00"]
    assert [str(v) for v in ranked[0].criterion_averages] == ["95.00", "55.00"]
    assert [row.review_count for row in ranked] == [2, 2]

    body = client_for(world.owner_user).get(manage_url(challenge)).content.decode()
    table = body[body.index('class="data ranked-bids"') :]
    assert table.index("无锡某研究院") < table.index("南京某大学")
    assert "85.00" in table and "75.00" in table


def test_unscored_bids_come_last_and_a_recused_evaluators_scores_do_not_count(world, bidding):
    challenge, bid_a, bid_b = bidding
    first, first_user = active_expert(world, challenge, "专家一")
    services.bidding_close(actor=world.owner_user, challenge=challenge)
    scores = {c.pk: 50 for c in challenge.criteria.all()}
    services.review_submit(actor=first_user, assignment=first, bid=bid_b, scores=scores)

    assert [row.bid for row in manage_selectors.ranked_bids(challenge)] == [bid_b, bid_a]

    EvaluatorAssignment.objects.filter(pk=first.pk).update(status="recused")
    ranked = manage_selectors.ranked_bids(challenge)
    assert all(row.average_total is None and row.review_count == 0 for row in ranked)
    assert [row.bid for row in ranked] == [bid_a, bid_b]  # submission order when nobody scored
    assert Review.objects.count() == 1


def test_bids_unanswered_for_too_long_are_highlighted(world, bidding, settings):
    challenge, bid_a, _b = bidding
    days = settings.INNOMARKET_CHALLENGES["RESPONSE_DAYS"]
    Bid.objects.filter(pk=bid_a.pk).update(submitted_at=timezone.now() - dt.timedelta(days=days + 1))

    body = client_for(world.owner_user).get(manage_url(challenge)).content.decode()

    assert "超期未答复" in body
    assert f"1 份揭榜方案超过 {days} 天未获答复" in body
    assert body.count('class="is-overdue"') == 1


def test_console_shows_invitations_terms_disclosures_ledger_and_history(world, bidding):
    challenge, _a, _b = bidding
    services.disclosure_log(user=world.bidder_a, challenge=challenge, part=DisclosureView.Part.FULL_TEXT)
    services.tech_manager_assign(actor=world.owner_user, challenge=challenge, tech_manager=world.tech_manager)
    challenge.invitations.create(
        organisation=world.uni_b,
        via_type="achievement",
        via_id=1,
        via_title="某储能成果",
        explanation="匹配关键词：热失控",
    )

    body = client_for(world.owner_user).get(manage_url(challenge)).content.decode()

    assert "保密条款签署" in body and world.bidder_a.display_name in body
    assert "保密内容查看记录" in body and "完整需求" in body
    assert "某储能成果" in body and "匹配关键词：热失控" in body
    assert "技术经理人甲" in body and "挖掘需求" in body
    assert "收到首个揭榜方案" in body  # the status history


def test_console_queries_do_not_grow_with_the_number_of_bids(world, bidding):
    challenge, _a, _b = bidding
    active_expert(world, challenge, "专家一")
    client = client_for(world.owner_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(manage_url(challenge)).status_code == 200
        return len(queries)

    before = count()
    for n in range(3):
        organisation = OrganisationFactory(name=f"追加揭榜机构{n}")
        user = member_of(organisation)
        services.terms_accept(actor=user, challenge=challenge)
        services.bid_create(
            actor=user,
            challenge=challenge,
            organisation=organisation,
            data=services.BidData(team="课题组", approach="方案", milestones="2027-03-31 交付"),
            submit=True,
        )
        services.disclosure_log(user=user, challenge=challenge, part=DisclosureView.Part.FULL_TEXT)
    assert count() == before
