"""The demo's 政策计算器: demo-member's organisation sees an eligible policy with its amount, a near
miss with what is missing and, on request, the policies it does not meet."""

import pytest

from innomarket.demo import seed_facts
from innomarket.demo.loader import DemoLoader
from innomarket.demo.policies import SAMPLE_POLICIES
from innomarket.organisations.models import Organisation, OrganisationProfile
from innomarket.policies.conditions import propose_conditions
from innomarket.policies.models import Policy, PolicyCondition
from innomarket.policies.selectors import policy_calculator


def test_the_seed_policies_state_no_condition_so_samples_show_the_calculator():
    assert all(propose_conditions(p.get("full_text") or p["summary"]) == [] for p in seed_facts.POLICIES)


@pytest.mark.django_db
def test_demo_member_sees_eligible_near_and_other_policies():
    DemoLoader(achievements=0).run()
    organisation = Organisation.objects.get(membership__user__username="demo-member")

    result = policy_calculator(organisation)

    assert [f.policy.title for f in result.eligible] == ["【示例】科技型企业研发投入奖励"]
    assert result.eligible[0].policy.amount_display == "最高 50 万元"
    assert len(result.eligible[0].assessment.met) == 4
    [near] = result.near
    assert near.policy.title == "【示例】高新技术企业培育资助"
    assert [v.message for v in near.assessment.unmet] == ["研发费用占营业收入比例需 ≥ 5%，当前 4%"]
    assert len(result.other) == 3
    samples = Policy.objects.filter(title__startswith="【示例】", conditions__isnull=False).distinct()
    assert samples.count() == len(SAMPLE_POLICIES) and not samples.filter(is_sample=False).exists()
    assert not samples.exclude(apply_url="").exists()  # no invented entry
    assert not PolicyCondition.objects.filter(policy__in=samples, is_confirmed=False).exists()

    # A second run changes nothing.
    counts = (Policy.objects.count(), PolicyCondition.objects.count(), OrganisationProfile.objects.count())
    DemoLoader(achievements=0).run()
    assert (
        Policy.objects.count(),
        PolicyCondition.objects.count(),
        OrganisationProfile.objects.count(),
    ) == counts
