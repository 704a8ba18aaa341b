"""政策计算器: an organisation's figures against the confirmed conditions of public policies."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from innomarket.common.tests.factories import OrganisationFactory, city, member_of
from innomarket.organisations.models import OrganisationProfile, OrganisationTag
from innomarket.policies.models import PolicyCondition
from innomarket.policies.selectors import organisation_facts, policy_calculator
from innomarket.regions.tests.helpers import make_listing

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


def add(policy, kind, op, value, *, confirmed=True):
    named = kind in PolicyCondition.NAMED_KINDS
    return PolicyCondition.objects.create(
        policy=policy,
        kind=kind,
        op=op,
        number=None if named else Decimal(str(value)),
        name=value if named else "",
        is_confirmed=confirmed,
    )


@pytest.fixture
def firm():
    org = OrganisationFactory(city=city("nanjing"), kind="enterprise")
    OrganisationProfile.objects.create(
        organisation=org,
        founded_on=dt.date(2020, 3, 1),
        headcount=80,
        tech_staff=20,
        revenue_wan=Decimal("1200"),
        revenue_prev_wan=Decimal("1000"),
        rd_expense_wan=Decimal("38.4"),
        ip_total=9,
        invention_patents=2,
    )
    org.tags.add(OrganisationTag.objects.get_or_create(slug="hnte", defaults={"name": "高新技术企业"})[0])
    return org


def test_facts_are_derived_from_the_reported_figures_and_verified_tags(firm):
    facts = organisation_facts(firm, today=TODAY)
    assert facts["years_founded"] == 6
    assert facts["rd_ratio"] == 3.2 and facts["tech_staff_ratio"] == 25.0 and facts["revenue_growth"] == 20.0
    assert facts["ip_count"] == {"": 9, "发明专利": 2}
    assert facts["qualification"] == {"高新技术企业"}
    assert {"南京市", "中国境内"} <= facts["registered_in"]
    assert "total_assets" not in facts  # not reported: unknown, not zero


def test_policies_are_sorted_into_eligible_near_and_other(firm):
    fits = make_listing("policy", city="nanjing", title="研发投入补助")
    add(fits, "revenue", ">=", 1000)
    add(fits, "qualification", "==", "高新技术企业")
    add(fits, "registered_in", "==", "本市")
    close = make_listing("policy", city="nanjing", title="研发强度奖励")
    add(close, "rd_ratio", ">=", 4)  # 3.2 of 4: 20 % short
    far = make_listing("policy", city="suzhou", title="苏州注册企业政策")
    add(far, "registered_in", "==", "本市")
    unconfirmed = make_listing("policy", city="nanjing", title="只有建议条件的政策")
    add(unconfirmed, "revenue", ">=", 999999, confirmed=False)
    draft = make_listing("policy", city="nanjing", title="草稿政策", status="draft")
    add(draft, "revenue", ">=", 1)

    result = policy_calculator(firm, today=TODAY)

    assert [f.policy.title for f in result.eligible] == ["研发投入补助"]
    assert [f.policy.title for f in result.near] == ["研发强度奖励"]
    assert result.near[0].assessment.unmet[0].message == "研发费用占营业收入比例需 ≥ 4%，当前 3.2%"
    assert [f.policy.title for f in result.other] == ["苏州注册企业政策"]
    assert result.other[0].assessment.unmet[0].message.startswith("注册地需在苏州市")


def test_the_calculator_page_saves_the_figures_and_shows_what_is_missing(client, firm):
    policy = make_listing("policy", city="nanjing", title="规上企业研发奖励")
    add(policy, "revenue", ">=", 2000)
    client.force_login(member_of(firm))
    url = reverse("site:workspace-policy-calculator", kwargs={"org_pk": firm.pk})

    page = client.get(url).content.decode()
    assert "政策计算器" in page and "规上企业研发奖励" not in page  # not eligible: shown on request
    assert "查看暂不符合或缺少数据的政策（1）及原因" in page
    page = client.get(url, {"ineligible": "1"}).content.decode()
    assert "规上企业研发奖励" in page and "营业收入需 ≥ 2000万元，当前 1200万元" in page

    data = {"revenue_wan": "2100", "headcount": "80", "tech_staff": "20", "founded_on": "2020-03-01"}
    response = client.post(url, data)
    assert response.status_code == 302
    firm.profile.refresh_from_db()
    assert (
        firm.profile.revenue_wan == Decimal("2100") and firm.profile.ip_total is None
    )  # the form is the truth
    page = client.get(url).content.decode()
    assert "营业收入 ≥ 2000万元，当前 2100万元" in page


def test_contradicting_figures_are_refused_on_their_field(client, firm):
    client.force_login(member_of(firm))
    url = reverse("site:workspace-policy-calculator", kwargs={"org_pk": firm.pk})

    response = client.post(url, {"headcount": "10", "tech_staff": "30"})

    assert response.status_code == 400
    assert "科技人员数不能多于职工总数。" in response.content.decode()
    firm.profile.refresh_from_db()
    assert firm.profile.headcount == 80  # nothing written


def test_only_members_see_an_organisations_figures(client, firm):
    stranger = member_of(OrganisationFactory(city=city("nanjing")))
    client.force_login(stranger)
    url = reverse("site:workspace-policy-calculator", kwargs={"org_pk": firm.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"headcount": "1"}).status_code == 404
    firm.profile.refresh_from_db()
    assert firm.profile.headcount == 80


@pytest.mark.parametrize(
    ("low", "high", "shown"),
    [
        (None, "50", "最高 50 万元"),
        ("10", "50", "10–50 万元"),
        ("20", "20", "20 万元"),
        ("5", None, "不低于 5 万元"),
        (None, None, ""),
    ],
)
def test_a_policy_states_its_amount_in_words(low, high, shown):
    policy = make_listing(
        "policy",
        city="nanjing",
        amount_min_wan=Decimal(low) if low else None,
        amount_max_wan=Decimal(high) if high else None,
    )
    assert policy.amount_display == shown


def test_an_amount_whose_lower_bound_exceeds_the_upper_is_refused_on_its_field():
    from django.core.exceptions import ValidationError

    policy = make_listing("policy", city="nanjing")
    policy.amount_min_wan, policy.amount_max_wan = Decimal("60"), Decimal("50")
    with pytest.raises(ValidationError) as exc:
        policy.full_clean()
    assert exc.value.message_dict["amount_min_wan"] == ["支持金额下限不能高于上限。"]


def test_an_eligible_policy_shows_its_amount_and_each_condition_met(client, firm):
    policy = make_listing(
        "policy",
        city="nanjing",
        title="高企研发奖励",
        amount_max_wan=Decimal("50"),
        amount_note="按研发费用的 10% 给予奖励",
    )
    add(policy, "revenue", ">=", 1000)
    add(policy, "qualification", "==", "高新技术企业")
    client.force_login(member_of(firm))

    page = client.get(
        reverse("site:workspace-policy-calculator", kwargs={"org_pk": firm.pk})
    ).content.decode()

    eligible = page[page.index('id="eligible"') : page.index('id="near"')]
    assert (
        "高企研发奖励" in eligible and "最高 50 万元" in eligible and "按研发费用的 10% 给予奖励" in eligible
    )
    assert "营业收入 ≥ 1000万元，当前 1200万元" in eligible and "已是高新技术企业" in eligible
    assert f'id="policy-{policy.pk}"' in eligible
