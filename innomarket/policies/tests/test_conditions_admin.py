"""Eligibility conditions of a policy: proposed from its text, confirmed by an administrator."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from innomarket.backoffice.tests.helpers import action_data, admin_url, change_form_data, make_policy
from innomarket.common.exceptions import ApplicationError
from innomarket.common.tests.factories import city_admin
from innomarket.policies import services
from innomarket.policies.conditions import KINDS
from innomarket.policies.models import Policy, PolicyCondition

pytestmark = pytest.mark.django_db

TEXT = (
    "申报企业应在南京市行政区域内注册成立一年以上，上年度营业收入1000万元以上，"
    "研发费用占营业收入比重不低于3%。对认定的企业给予最高50万元奖励。"
)


def form_data(page) -> dict:
    """What a browser sends back from the policy page unchanged: the policy and its conditions."""
    data = change_form_data(page)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        for form in formset.forms:
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if isinstance(value, bool):
                    if value:
                        data[f"{form.prefix}-{name}"] = "on"
                    continue
                data[f"{form.prefix}-{name}"] = "" if value is None else getattr(value, "pk", value)
    return data


def rows(policy: Policy) -> set[tuple]:
    return {
        (c.kind, c.op, c.number, c.name, c.is_confirmed)
        for c in PolicyCondition.objects.filter(policy=policy)
    }


def test_the_kinds_the_assistant_proposes_are_the_kinds_a_condition_can_have():
    assert set(KINDS) == set(PolicyCondition.Kind.values)


def test_proposals_arrive_unconfirmed_and_name_their_words():
    policy = make_policy("nanjing", full_text=TEXT)

    created = services.policy_conditions_propose(policy=policy)

    assert rows(policy) == {
        ("registered_in", "==", None, "南京市", False),
        ("years_founded", ">=", Decimal("1.00"), "", False),
        ("revenue", ">=", Decimal("1000.00"), "", False),
        ("rd_ratio", ">=", Decimal("3.00"), "", False),
    }
    assert all(c.proposed for c in created)
    assert sorted(map(str, created))[0] == "成立年限（年） ≥ 1"
    assert "营业收入（万元） ≥ 1000" in map(str, created)
    assert {c.source_text for c in created} >= {"营业收入1000万元以上"}


def test_a_second_run_replaces_unconfirmed_proposals_and_keeps_confirmed_and_hand_made_ones():
    policy = make_policy("nanjing", full_text=TEXT)
    services.policy_conditions_propose(policy=policy)
    PolicyCondition.objects.filter(policy=policy, kind="revenue").update(is_confirmed=True)
    PolicyCondition.objects.create(policy=policy, kind="headcount", op="<=", number=500, is_confirmed=True)

    again = services.policy_conditions_propose(policy=policy)

    assert {c.kind for c in again} == {"registered_in", "years_founded", "rd_ratio"}  # revenue is kept
    assert PolicyCondition.objects.filter(policy=policy).count() == 5
    assert PolicyCondition.objects.filter(policy=policy, is_confirmed=True).count() == 2


def test_a_policy_without_text_is_refused_with_a_message_on_the_field():
    policy = make_policy("nanjing", full_text="", summary="")
    with pytest.raises(ApplicationError) as exc:
        services.policy_conditions_propose(policy=policy)
    assert exc.value.extra == {"field": "full_text"} and "全文" in str(exc.value)
    assert not PolicyCondition.objects.exists()


def test_the_database_refuses_a_named_condition_with_a_number_or_a_measured_one_without():
    policy = make_policy("nanjing")
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyCondition.objects.create(policy=policy, kind="qualification", op="==", number=1, name="高新技术企业")
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyCondition.objects.create(policy=policy, kind="revenue", op=">=")
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyCondition.objects.create(policy=policy, kind="revenue", op="==", number=5)


def test_a_city_administrator_proposes_from_the_list_and_confirms_on_the_policy_page(client):
    admin = city_admin("nanjing", username="nj-cond")
    policy = make_policy("nanjing", full_text=TEXT)
    client.force_login(admin)

    response = client.post(admin_url(Policy, "changelist"), action_data("propose_conditions", policy), follow=True)

    assert "提取了 4 条建议条件" in response.content.decode()
    page = client.get(admin_url(policy))
    assert page.status_code == 200 and "适用条件" in page.content.decode()
    data = form_data(page)
    prefix = "conditions"
    for i in range(int(data[f"{prefix}-TOTAL_FORMS"])):
        data[f"{prefix}-{i}-is_confirmed"] = "on"
    saved = client.post(admin_url(policy), data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert PolicyCondition.objects.filter(policy=policy, is_confirmed=True).count() == 4


def test_a_wrong_hand_made_condition_gets_a_message_on_its_field(client):
    admin = city_admin("nanjing", username="nj-cond2")
    policy = make_policy("nanjing")
    client.force_login(admin)
    data = form_data(client.get(admin_url(policy)))
    data.update(
        {
            "conditions-TOTAL_FORMS": "1",
            "conditions-0-kind": "qualification",
            "conditions-0-op": ">=",
            "conditions-0-number": "",
            "conditions-0-name": "",
        }
    )
    response = client.post(admin_url(policy), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "资质或注册地条件只能选“为”。" in html and "请填写资质、称号或注册地的名称。" in html
    assert not PolicyCondition.objects.exists()
