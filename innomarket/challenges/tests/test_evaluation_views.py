"""The evaluators' pages (专家评审): conflict declaration before any bid is shown, recusal, scoring."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from innomarket.challenges import services
from innomarket.challenges.models import DisclosureView, EvaluatorAssignment, Review
from innomarket.common.tests.factories import UserFactory
from innomarket.regions.tests.helpers import make_listing

pytestmark = pytest.mark.django_db

EVALUATIONS = reverse("challenges:evaluations")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(assignment) -> str:
    return reverse("challenges:evaluation", kwargs={"pk": assignment.pk})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def panel(world):
    """A challenge with two bids and the world's expert assigned (not yet declared)."""
    challenge = world.challenge()
    bid_a = world.bid(challenge, "a", approach="多传感器融合的机密技术路线甲")
    bid_b = world.bid(challenge, "b", approach="基于声发射的机密技术路线乙")
    assignment = services.evaluator_assign(actor=world.owner_user, challenge=challenge, expert=world.expert)
    return challenge, bid_a, bid_b, assignment


def declare(client, assignment, conflict: str = "no", note: str = ""):
    return client.post(page_url(assignment), {"intent": "declare", "has_conflict": conflict, "note": note})


def score_data(challenge, bid, values, comment=""):
    data = {"intent": "score", "bid": bid.pk, f"bid{bid.pk}-comment": comment}
    for criterion, value in zip(challenge.criteria.all(), values, strict=True):
        data[f"bid{bid.pk}-score_{criterion.pk}"] = value
    return data


# ---------------------------------------------------------------- the list and who may open a page


def test_evaluations_list_shows_only_my_assignments(world, panel):
    challenge, _a, _b, assignment = panel
    other_user = UserFactory(name="另一位专家")
    other = make_listing("expert", city="suzhou", title="另一位专家", user=other_user, status="published")
    elsewhere = world.challenge(title="另一项榜单")
    services.evaluator_assign(actor=world.owner_user, challenge=elsewhere, expert=other)

    body = client_for(world.expert_user).get(EVALUATIONS).content.decode()

    assert challenge.title in body and page_url(assignment) in body
    assert "待声明利益冲突" in body
    assert "另一项榜单" not in body


def test_evaluations_list_needs_sign_in(world):
    response = Client().get(EVALUATIONS)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_someone_elses_assignment_is_404(world, panel):
    _challenge, _a, _b, assignment = panel
    for user in (world.owner_user, world.admin, world.bidder_a, UserFactory()):
        client = client_for(user)
        assert client.get(page_url(assignment)).status_code == 404, user
        assert declare(client, assignment).status_code == 404, user
    assignment.refresh_from_db()
    assert assignment.status == "assigned"


# ---------------------------------------------------------------- declaration


def test_bids_and_full_text_are_hidden_until_the_declaration(world, panel):
    challenge, _a, _b, assignment = panel

    body = client_for(world.expert_user).get(page_url(assignment)).content.decode()

    assert "利益冲突声明" in body
    assert "南京某大学" not in body and "无锡某研究院" not in body
    assert "机密技术路线" not in body
    assert challenge.problem_statement not in body
    assert not DisclosureView.objects.exists()


def test_declaring_no_conflict_shows_the_full_text_and_the_bids_and_logs_the_view(world, panel):
    challenge, _a, _b, assignment = panel
    client = client_for(world.expert_user)

    response = declare(client, assignment, "no")
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "active" and assignment.declared_at is not None

    body = client.get(page_url(assignment)).content.decode()
    assert challenge.problem_statement in body and challenge.acceptance_criteria in body
    assert "南京某大学" in body and "机密技术路线甲" in body
    assert "无锡某研究院" in body and "机密技术路线乙" in body
    assert "榜单仍在揭榜中，截止揭榜进入评审后才能打分。" in body  # not evaluating yet: no scoring form
    assert 'name="intent" value="score"' not in body
    logged = DisclosureView.objects.get()
    assert (logged.user, logged.challenge, logged.part) == (world.expert_user, challenge, "full_text")


def test_an_evaluator_from_a_bidding_organisation_is_recused_and_cannot_score(world, panel):
    challenge, bid_a, _b, _assignment = panel
    user = UserFactory(name="南京某大学教授")
    conflicted = make_listing(
        "expert", city="nanjing", title="南京某大学教授", owner=world.uni_a, user=user, status="published"
    )
    assignment = services.evaluator_assign(actor=world.owner_user, challenge=challenge, expert=conflicted)
    services.bidding_close(actor=world.owner_user, challenge=challenge)
    client = client_for(user)

    declare(client, assignment, "no")  # declares none; membership of a bidder recuses anyway

    assignment.refresh_from_db()
    assert assignment.status == EvaluatorAssignment.Status.RECUSED
    assert "南京某大学" in assignment.recusal_reason
    body = client.get(page_url(assignment)).content.decode()
    assert "您已回避本榜单的评审。" in body and assignment.recusal_reason in body
    assert "机密技术路线" not in body

    refused = client.post(page_url(assignment), score_data(challenge, bid_a, [90, 90, 90, 90]), follow=True)
    assert "存在利益冲突或尚未声明利益冲突，不能打分。" in messages_of(refused)
    assert not Review.objects.exists()


def test_a_declared_conflict_needs_a_note_and_recuses(world, panel):
    _challenge, _a, _b, assignment = panel
    client = client_for(world.expert_user)

    without_note = declare(client, assignment, "yes", "")
    assert without_note.status_code == 400
    assert "请说明存在的利益冲突。" in without_note.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == "assigned"

    declare(client, assignment, "yes", "曾与无锡某研究院合作同类项目")
    assignment.refresh_from_db()
    assert assignment.status == "recused"
    assert assignment.conflict_note == "曾与无锡某研究院合作同类项目"


def test_scoring_before_the_declaration_is_refused(world, panel):
    challenge, bid_a, _b, assignment = panel
    services.bidding_close(actor=world.owner_user, challenge=challenge)

    response = client_for(world.expert_user).post(
        page_url(assignment), score_data(challenge, bid_a, [80, 80, 80, 80])
    )

    assert response.status_code == 302
    assert not Review.objects.exists()


# ---------------------------------------------------------------- scoring


def test_scoring_stores_the_weighted_total_and_rescoring_replaces_it(world, panel):
    challenge, bid_a, _b, assignment = panel
    client = client_for(world.expert_user)
    declare(client, assignment, "no")
    services.bidding_close(actor=world.owner_user, challenge=challenge)
    assert [c.weight for c in challenge.criteria.all()] == [40, 25, 20, 15]  # the default criteria

    response = client.post(page_url(assignment), score_data(challenge, bid_a, [80, 60, 100, 40], "方案扎实"))
    assert response.status_code == 302
    review = Review.objects.get()
    assert str(review.total) == "73.00"  # (40·80 + 25·60 + 20·100 + 15·40) / 100
    assert review.comment == "方案扎实"

    body = client.get(page_url(assignment)).content.decode()
    assert "我的加权得分 73.00" in body
    assert 'value="80"' in body and 'value="60"' in body  # previous scores prefilled

    client.post(page_url(assignment), score_data(challenge, bid_a, [100, 100, 100, 100], "修改后"))
    review = Review.objects.get()
    assert str(review.total) == "100.00" and review.comment == "修改后"
    assert sorted(review.scores.values_list("value", flat=True)) == [100, 100, 100, 100]


def test_a_score_out_of_range_is_shown_on_the_field(world, panel):
    challenge, bid_a, _b, assignment = panel
    client = client_for(world.expert_user)
    declare(client, assignment, "no")
    services.bidding_close(actor=world.owner_user, challenge=challenge)

    response = client.post(page_url(assignment), score_data(challenge, bid_a, [120, 60, 100, ""]))

    assert response.status_code == 400
    body = response.content.decode()
    assert "确保该值小于或等于100" in body
    assert "“进度安排”请打 0–100 分。" in body
    assert not Review.objects.exists()


def test_scoring_outside_the_evaluation_stage_is_refused(world, panel):
    challenge, bid_a, _b, assignment = panel
    client = client_for(world.expert_user)
    declare(client, assignment, "no")  # challenge still bidding

    response = client.post(page_url(assignment), score_data(challenge, bid_a, [80, 80, 80, 80]))

    assert response.status_code == 400
    assert "榜单进入评审阶段后才能打分。" in messages_of(response)
    assert not Review.objects.exists()


def test_a_bid_of_another_challenge_cannot_be_scored(world, panel):
    challenge, _a, _b, assignment = panel
    client = client_for(world.expert_user)
    declare(client, assignment, "no")
    services.bidding_close(actor=world.owner_user, challenge=challenge)
    other = world.challenge(title="另一项榜单")
    foreign = world.bid(other, "a")

    data = score_data(challenge, _a, [80, 80, 80, 80])
    data["bid"] = foreign.pk
    assert client.post(page_url(assignment), data).status_code == 404
    assert not Review.objects.exists()
