"""Recommendations both ways: suppliers for a challenge, challenges for an organisation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from innomarket.common.tests.factories import OrganisationFactory, city, field_tag
from innomarket.matching import services
from innomarket.matching.selectors import challenges_for_organisation, recommended_suppliers
from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def supply():
    """Achievements, an expert, a university and an enterprise around power batteries, plus noise."""
    battery = field_tag("green-low-carbon")
    uni = make_listing(
        "organisation", city="nanjing", title="东南大学能源学院", kind="university", intro="动力电池热管理与储能材料研究"
    )
    uni.fields.add(battery)
    records = {
        "uni": uni,
        "achievement": make_listing(
            "achievement",
            city="changzhou",
            title="动力电池热失控预警与热管理系统",
            summary="基于多传感器融合的锂电池热失控早期预警",
            owner=uni,
        ),
        "expert": make_listing("expert", city="wuxi", title="【示例】储能专家", expertise="锂离子电池安全、电池管理系统"),
        "enterprise": make_listing(
            "organisation", city="changzhou", title="某电池制造企业", kind="enterprise", intro="动力电池制造"
        ),
        "noise": make_listing("achievement", city="nanjing", title="中药提取物抗肿瘤活性研究"),
        "draft": make_listing("achievement", city="changzhou", title="动力电池热管理新方法", status="draft"),
    }
    records["achievement"].fields.add(battery)
    return records


def test_suppliers_for_a_challenge_are_ranked_with_explanations(supply):
    owner = OrganisationFactory(city=city("changzhou"))
    challenge = make_listing(
        "challenge",
        city="changzhou",
        title="动力电池包热失控预警",
        summary="需要电池热管理与早期预警方案",
        owner=owner,
        problem_statement="机密：电芯型号 XK-9",
    )
    challenge.fields.add(field_tag("green-low-carbon"))
    services.rebuild_index()

    hits = recommended_suppliers(challenge)

    keys = [(h.listing_type.key, h.obj.pk) for h in hits]
    assert keys[0] == ("achievement", supply["achievement"].pk)
    assert ("organisation", supply["uni"].pk) in keys and ("expert", supply["expert"].pk) in keys
    # Only achievements, experts, universities and institutes; never drafts or the owner itself.
    assert ("organisation", supply["enterprise"].pk) not in keys
    assert ("achievement", supply["draft"].pk) not in keys
    assert ("organisation", owner.pk) not in keys
    top = hits[0].explanation
    assert any("热失控" in t for t in top.all_terms) and "动力电池" in top.all_terms
    assert top.shared_fields == ("green-low-carbon",) and hits[0].shared_fields[0].name == "绿色低碳"
    assert top.city_relation == "same"
    assert {c.name for c in top.components} >= {"words", "dense", "same_field", "same_city"}
    assert abs(sum(c.share for c in top.components) - 1) < 1e-6
    # Nothing of the confidential problem statement reaches the explanation.
    assert all("XK" not in t for t in top.matched_terms + top.partial_terms)


def test_challenges_that_fit_an_organisation_are_open_unexpired_and_not_its_own(supply):
    uni = supply["uni"]
    other = OrganisationFactory(city=city("wuxi"))
    past = timezone.localdate() - datetime.timedelta(days=1)
    fits = make_listing("challenge", city="wuxi", title="储能电池热管理系统开发", owner=other, status="bidding")
    make_listing("challenge", city="wuxi", title="电池热管理方案征集（已截止）", owner=other, deadline=past)
    make_listing("challenge", city="wuxi", title="电池热管理攻关（已定榜）", owner=other, status="awarded")
    make_listing("challenge", city="nanjing", title="电池热管理（本校发布）", owner=uni)
    unrelated = make_listing("challenge", city="wuxi", title="中药饮片质量追溯平台", owner=other)
    services.rebuild_index()

    hits = challenges_for_organisation(uni)

    assert [h.obj for h in hits][0] == fits
    assert all(h.obj.status in ("published", "bidding") for h in hits)
    assert {h.obj.title for h in hits} <= {fits.title, unrelated.title}
    assert any("热管理" in t for t in hits[0].explanation.all_terms)  # why it fits: the shared words


def test_an_organisation_with_nothing_to_match_gets_no_recommendations():
    empty = OrganisationFactory(city=city("nanjing"), intro="")
    make_listing("challenge", city="nanjing", title="电池热管理")
    services.rebuild_index()

    assert challenges_for_organisation(empty) == []


def test_challenge_page_shows_recommended_suppliers_with_reasons(client, supply):
    challenge = make_listing(
        "challenge",
        city="changzhou",
        title="动力电池包热失控预警",
        summary="需要电池热管理方案",
        problem_statement="机密：电芯型号 XK-9",
    )
    services.rebuild_index()

    body = client.get(challenge.get_absolute_url()).content.decode()

    assert 'id="recommended-suppliers"' in body
    assert supply["achievement"].get_absolute_url() in body
    assert "为什么推荐" in body and "<mark>" in body
    assert "XK-9" not in body and "机密" not in body
    assert supply["draft"].title not in body


def test_workspace_shows_challenges_that_fit_the_organisation(client, supply):
    from innomarket.common.tests.factories import member_of

    uni = supply["uni"]
    fits = make_listing("challenge", city="wuxi", title="储能电池热管理系统开发")
    services.rebuild_index()
    client.force_login(member_of(uni))

    body = client.get(reverse("site:workspace-org", kwargs={"org_pk": uni.pk})).content.decode()

    assert 'id="fitting-challenges"' in body
    assert fits.get_absolute_url() in body
