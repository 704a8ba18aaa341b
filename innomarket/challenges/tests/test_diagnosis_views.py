"""需求诊断 outside the 发榜 form: vague acceptance criteria refused on submission (site form and
service), and the score with the most serious findings shown to the city administrator in the
verification queue and to the owner in their workspace and on the console."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from innomarket.challenges.diagnosis import diagnose
from innomarket.challenges.models import Challenge
from innomarket.common.exceptions import ApplicationError, ErrorCode
from innomarket.common.tests.factories import city
from innomarket.verification import services as verification

from .conftest import COMPLETE_CHALLENGE
from .test_posting import new_url, post_data

pytestmark = pytest.mark.django_db

VAGUE = "达到国际先进水平，专家认可"
QUEUE = reverse("admin:verification-queue")


def summary_of(html: str, challenge: Challenge) -> str:
    """The diagnosis summary next to this challenge's name (its table row)."""
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)
    [row] = [r for r in rows if escape(challenge.title) in r]
    [summary] = re.findall(r'<div class="diagnosis-summary.*?</div>', row, flags=re.S)
    return summary


# ---------------------------------------------------------------- vague acceptance criteria block


def test_the_site_form_refuses_vague_acceptance_criteria_on_the_field(client, world):
    client.force_login(world.owner_user)

    response = client.post(new_url(world), post_data(world, acceptance_criteria=VAGUE))

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["acceptance_criteria"])
    assert "“国际先进水平”" in errors and "“专家认可”" in errors and "GB/T 31484" in errors
    assert 'data-code="acceptance_criteria_vague"' in response.content.decode()
    assert not Challenge.objects.exists()


def test_measurable_acceptance_criteria_are_accepted_by_the_site_form(client, world):
    client.force_login(world.owner_user)
    measurable = "在 25℃ 下连续运行 1000 小时容量保持率≥90%，按 GB/T 31484 检测"

    response = client.post(new_url(world), post_data(world, acceptance_criteria=measurable))

    assert response.status_code == 302
    assert Challenge.objects.get().status == "submitted"


def test_submitting_a_draft_with_vague_criteria_is_refused_by_the_service(world):
    draft = Challenge(
        owner=world.owner,
        city=city("changzhou"),
        **{**COMPLETE_CHALLENGE, "acceptance_criteria": "满足企业需求"},
    )
    draft.deadline = timezone.localdate() + dt.timedelta(days=60)
    draft = verification.listing_create(actor=world.owner_user, record=draft)

    with pytest.raises(ApplicationError) as err:
        verification.listing_submit(actor=world.owner_user, record=draft)

    assert err.value.code == ErrorCode.DIAGNOSIS_BLOCKED
    assert err.value.extra["codes"] == ["acceptance_criteria_vague"]
    assert err.value.extra["field"] == "acceptance_criteria"
    draft.refresh_from_db()
    assert draft.status == "draft"


# ---------------------------------------------------------------- the verification queue


def test_the_queue_shows_the_score_and_top_findings_of_a_submitted_challenge(client, world):
    challenge = world.challenge(
        status="submitted", budget_min=None, budget_max=None, constraints="", summary=""
    )
    other = world.challenge(status="submitted", title="第二项榜单：光伏组件隐裂在线检测")
    expected = diagnose(challenge.diagnosis_data())
    # budget (a warning); summary, brief problem statement, constraints (tips)
    assert len(expected.findings) == 4 and expected.can_submit
    client.force_login(world.admin)

    response = client.get(QUEUE)

    assert response.status_code == 200
    html = response.content.decode()
    summary = summary_of(html, challenge)
    assert f'data-score="{expected.score}"' in summary and f"需求诊断 {expected.score} 分" in summary
    assert str(expected.grade) in summary
    for finding in expected.top_findings:  # most serious first: the warning, then the tips
        assert f'data-code="{finding.code}"' in summary
        assert str(finding.label) in summary
    assert summary.index('data-code="budget_missing"') < summary.index('data-code="summary_missing"')
    assert f'data-code="{expected.findings[3].code}"' not in summary and "另有 1 项建议" in summary
    assert f"需求诊断 {diagnose(other.diagnosis_data()).score} 分" in summary_of(html, other)


def test_the_queue_flags_a_challenge_that_entered_it_with_a_blocker(client, world):
    # An imported record is not checked on the way in; the administrator sees what blocks it.
    challenge = world.challenge(status="submitted", acceptance_criteria=VAGUE, source="import")
    client.force_login(world.admin)

    summary = summary_of(client.get(QUEUE).content.decode(), challenge)

    assert 'data-code="acceptance_criteria_vague"' in summary and "1 项必须修改" in summary
    assert "待完善" in summary


def test_other_kinds_in_the_queue_have_no_diagnosis(client, world):
    from innomarket.regions.tests.helpers import make_listing

    make_listing("space", city="changzhou", status="submitted", owner=world.owner, title="常州某孵化器")
    client.force_login(world.admin)

    response = client.get(QUEUE)

    assert "常州某孵化器" in response.content.decode()
    assert 'class="diagnosis-summary' not in response.content.decode()


# ---------------------------------------------------------------- the owner's list and console


def test_the_owners_workspace_lists_the_diagnosis_of_challenges_not_yet_public(client, world):
    draft = world.challenge(status="draft", acceptance_criteria=VAGUE, title="草稿榜单：储能电站消防预警")
    waiting = world.challenge(status="submitted", constraints="", title="待核验榜单：电芯一致性筛选")
    published = world.challenge(status="published", title="已发布榜单：热管理系统优化")
    client.force_login(world.owner_user)

    for url in (reverse("site:workspace"), reverse("site:workspace-org", kwargs={"org_pk": world.owner.pk})):
        html = client.get(url).content.decode()

        draft_summary = summary_of(html, draft)
        assert f"需求诊断 {diagnose(draft.diagnosis_data()).score} 分" in draft_summary
        assert 'data-code="acceptance_criteria_vague"' in draft_summary and "不能提交核验" in draft_summary
        assert 'data-code="constraints_missing"' in summary_of(html, waiting)
        row = [r for r in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if escape(published.title) in r]
        assert row and 'class="diagnosis-summary' not in row[0]


def test_the_console_header_shows_the_diagnosis_before_publication(client, world):
    challenge = world.challenge(status="returned", acceptance_criteria="专家评审通过即可")
    client.force_login(world.owner_user)

    html = client.get(reverse("challenges:manage", kwargs={"pk": challenge.pk})).content.decode()

    start = html.index('<header class="page-head ws-head">')
    header = html[start : html.index("</header>", start)]
    assert f"需求诊断 {diagnose(challenge.diagnosis_data()).score} 分" in header
    assert 'data-code="acceptance_criteria_vague"' in header
    assert (
        reverse("site:workspace-listing-edit", kwargs={"type_key": "challenge", "pk": challenge.pk}) in header
    )


def test_the_console_of_a_public_challenge_has_no_diagnosis(client, world):
    challenge = world.challenge(status="published")
    client.force_login(world.owner_user)

    html = client.get(reverse("challenges:manage", kwargs={"pk": challenge.pk})).content.decode()

    assert 'class="diagnosis-summary' not in html
