"""创新积分 pages for each role: the enterprise, its city, the alliance, a consenting bank, everyone else."""

from decimal import Decimal

import pytest
from django.urls import reverse

from innomarket.common.tests.factories import UserFactory, alliance_admin, city_admin, member_of
from innomarket.points import selectors, services
from innomarket.points.models import IndicatorSet, ScoreConsent

from .helpers import bank, enterprise, population

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    firms = population()
    services.score_recompute()
    firm = firms[1]  # 南京, with a clear "what would raise it most"
    lender = bank("suzhou")
    return {
        "firm": firm,
        "member": member_of(firm, username="firm-member"),
        "lender": lender,
        "banker": member_of(lender, username="banker"),
        "url": reverse("site:workspace-points", kwargs={"org_pk": firm.pk}),
    }


def test_the_enterprise_sees_its_score_explanation_best_gain_and_consent_form(client, world):
    client.force_login(world["member"])
    response = client.get(world["url"])
    assert response.status_code == 200
    score = selectors.current_score(organisation=world["firm"])
    html = response.content.decode()
    assert f'data-testid="points-total">{score.total}<' in html
    assert f'data-testid="points-tier">{score.tier}<' in html
    assert "最能提分的指标" in html and score.best_gain["name"] in html
    assert "研发费用占营业收入比例" in html and "V1" in html and "创新积分制" in html
    assert world["lender"].name in html  # offered in the consent form
    assert reverse("site:workspace-points-consent-grant", kwargs={"org_pk": world["firm"].pk}) in html


def test_missing_figures_link_to_the_profile(client):
    firm = enterprise("nanjing", revenue_wan=Decimal(500))
    services.score_recompute()
    client.force_login(member_of(firm))
    response = client.get(reverse("site:workspace-points", kwargs={"org_pk": firm.pk}))
    html = response.content.decode()
    assert "缺少的数据" in html and "“研发费用金额”" in html
    assert reverse("site:workspace-policy-calculator", kwargs={"org_pk": firm.pk}) + "#profile" in html


def test_an_enterprise_without_figures_is_asked_to_fill_them(client):
    from innomarket.common.tests.factories import OrganisationFactory

    firm = OrganisationFactory()
    client.force_login(member_of(firm))
    response = client.get(reverse("site:workspace-points", kwargs={"org_pk": firm.pk}))
    assert response.status_code == 200 and "尚无创新积分" in response.content.decode()


def test_the_citys_and_the_alliances_administrators_see_it_read_only(client, world):
    for user in (city_admin("nanjing"), alliance_admin()):
        client.force_login(user)
        response = client.get(world["url"])
        assert response.status_code == 200
        html = response.content.decode()
        assert "只读" in html and "授权查看</button>" not in html


@pytest.mark.parametrize("who", ["other_city_admin", "other_member", "banker", "stranger"])
def test_nobody_else_sees_the_score(client, world, who):
    users = {
        "other_city_admin": lambda: city_admin("suzhou"),
        "other_member": lambda: member_of(enterprise("nanjing"), username="other"),
        "banker": lambda: world["banker"],
        "stranger": lambda: UserFactory(),
    }
    client.force_login(users[who]())
    assert client.get(world["url"]).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(world["url"])
    assert response.status_code == 302 and "login" in response["Location"]


def test_grant_and_revoke_through_the_page_and_the_bank_sees_it_meanwhile(client, world):
    client.force_login(world["member"])
    grant = reverse("site:workspace-points-consent-grant", kwargs={"org_pk": world["firm"].pk})
    response = client.post(grant, {"institution": world["lender"].pk})
    assert response.status_code == 302
    consent = ScoreConsent.objects.get(organisation=world["firm"], revoked_at__isnull=True)

    client.force_login(world["banker"])
    own = client.get(reverse("site:workspace-points", kwargs={"org_pk": world["lender"].pk}))
    assert own.status_code == 200 and world["firm"].name in own.content.decode()
    # the bank cannot revoke the enterprise's consent
    revoke = reverse(
        "site:workspace-points-consent-revoke", kwargs={"org_pk": world["firm"].pk, "pk": consent.pk}
    )
    assert client.post(revoke).status_code == 404

    client.force_login(world["member"])
    assert client.post(revoke).status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    page = client.get(world["url"]).content.decode()
    history = page.split('data-testid="points-consent-history"')[1].split("</ul>")[0]
    assert history.count(world["lender"].name) == 2 and "撤回授权" in history and "授权查看" in history

    client.force_login(world["banker"])
    own = client.get(reverse("site:workspace-points", kwargs={"org_pk": world["lender"].pk}))
    assert 'data-testid="points-consenting"' not in own.content.decode()


def test_a_grant_to_a_non_institution_is_refused_on_the_field(client, world):
    client.force_login(world["member"])
    grant = reverse("site:workspace-points-consent-grant", kwargs={"org_pk": world["firm"].pk})
    response = client.post(grant, {"institution": enterprise("wuxi").pk})
    assert response.status_code == 400
    assert response.context["form"].errors["institution"]
    assert not ScoreConsent.objects.exists()


def test_a_get_of_the_grant_address_is_not_allowed(client, world):
    client.force_login(world["member"])
    grant = reverse("site:workspace-points-consent-grant", kwargs={"org_pk": world["firm"].pk})
    assert client.get(grant).status_code == 405


# ---------------------------------------------------------------- back office


def test_a_city_administrator_lists_only_the_citys_scores(client, world):
    client.force_login(city_admin("nanjing"))
    response = client.get(reverse("admin:points_enterprisescore_changelist"))
    assert response.status_code == 200
    shown = {s.organisation.city.slug for s in response.context["cl"].result_list}
    assert shown == {"nanjing"}
    assert client.get(reverse("admin:points_indicatorset_changelist")).status_code == 403


def test_the_alliance_administrator_lists_every_city_and_filters_by_one(client, world):
    client.force_login(alliance_admin())
    url = reverse("admin:points_enterprisescore_changelist")
    everything = client.get(url).context["cl"].result_list
    assert {s.city.slug for s in everything} == {"nanjing", "suzhou", "wuxi"}
    suzhou = world["lender"].city
    filtered = client.get(url, {"city__id__exact": suzhou.pk}).context["cl"].result_list
    assert {s.city.slug for s in filtered} == {"suzhou"}


def test_the_alliance_administrator_copies_edits_and_publishes_in_the_admin(client, world):
    client.force_login(alliance_admin())
    current = selectors.current_set()
    changelist = reverse("admin:points_indicatorset_changelist")
    # a published set is read-only
    page = client.get(reverse("admin:points_indicatorset_change", args=[current.pk])).content.decode()
    assert 'name="name"' not in page
    client.post(changelist, {"action": "copy", "_selected_action": [current.pk]})
    draft = IndicatorSet.objects.get(status="draft")
    page = client.get(reverse("admin:points_indicatorset_change", args=[draft.pk])).content.decode()
    assert 'name="name"' in page
    response = client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    assert "已发布" in response.content.decode()
    draft.refresh_from_db()
    current.refresh_from_db()
    assert (draft.status, current.status) == ("published", "retired")
    assert draft.scores.count() == current.scores.count() > 0


def test_a_city_administrator_cannot_open_the_indicator_set_editor(client):
    client.force_login(city_admin("nanjing"))
    current = selectors.current_set()
    assert client.get(reverse("admin:points_indicatorset_change", args=[current.pk])).status_code in (
        302,
        403,
    )


def _form_data(response) -> dict:
    """The change form's current values as POST data (the set's fields and every inline row)."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = field.prepare_value(value) if value is not None else ""
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for sub in formset.forms:
            for name, field in sub.fields.items():
                value = sub.initial.get(name, field.initial)
                if value is None:
                    value = ""
                elif hasattr(value, "pk"):
                    value = value.pk
                else:
                    value = field.prepare_value(value)
                data[sub.add_prefix(name)] = value
    return data


def test_a_draft_is_edited_in_the_admin_and_a_bad_curve_is_refused_on_its_row(client):
    admin = alliance_admin()
    client.force_login(admin)
    draft = services.indicator_set_copy(actor=admin, indicator_set=selectors.current_set())
    url = reverse("admin:points_indicatorset_change", args=[draft.pk])
    data = _form_data(client.get(url))
    prefix = next(k for k in data if k.endswith("-0-weight")).removesuffix("-0-weight")
    key = data[f"{prefix}-0-key"]

    data[f"{prefix}-0-weight"] = "12.5"
    data["name"] = "创新积分指标体系（试行第二版）"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    draft.refresh_from_db()
    assert draft.name == "创新积分指标体系（试行第二版）" and draft.definitions.get(
        key=key
    ).weight == Decimal("12.5")

    data[f"{prefix}-0-steps"] = "[[10, 0.5], [5, 1]]"
    response = client.post(url, data)
    assert response.status_code == 200 and "计分档位无效" in response.content.decode()
    data[f"{prefix}-0-steps"] = "[[1, 0.5]]"
    data["tier_cutoffs"] = '{"A": 10, "B": 60, "C": 40, "D": 0}'
    response = client.post(url, data)
    assert response.status_code == 200 and "A &gt; B &gt; C &gt; D" in response.content.decode()
