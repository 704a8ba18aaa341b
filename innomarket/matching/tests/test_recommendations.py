"""推荐揭榜方 in the product: suppliers (people and organisations) with evidence, calibrated, or
nothing; automatic invitations only when surer still; answers that teach the recommender."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from innomarket.challenges import services as challenge_services
from innomarket.challenges.models import Bid, Invitation
from innomarket.common.tests.factories import OrganisationFactory, city, field_tag, member_of
from innomarket.matching import services
from innomarket.matching.models import MatchOutcome
from innomarket.matching.recommendations import (
    challenges_for_organisation,
    recommended_suppliers,
    scored_suppliers,
    thresholds,
)
from innomarket.notifications.models import Notification
from innomarket.organisations.models import Organisation
from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db

BATTERY_PAPERS = [
    (
        "锂离子电池热失控早期预警方法研究",
        "基于电压、温度与气体多信号融合，提出锂离子电池热失控的早期预警方法。",
    ),
    ("动力电池包热管理系统设计与试验", "设计液冷板式动力电池包热管理系统，试验表明最大温差控制在5℃以内。"),
    ("电池热失控蔓延的抑制策略", "研究隔热材料与排气通道对动力电池模组热失控蔓延的抑制效果。"),
    ("储能电站电池安全监测与预警", "建立储能电站锂电池安全监测指标体系和分级预警模型。"),
]
PHARMA_PAPERS = [
    ("中药复方有效成分含量测定", "采用高效液相色谱法测定复方制剂中多种有效成分的含量。"),
    ("抗肿瘤药物的药代动力学研究", "研究一种抗肿瘤候选药物在大鼠体内的药代动力学特征。"),
    ("缓释片的体外溶出度评价", "建立缓释片体外溶出度测定方法并评价批间一致性。"),
    ("注射剂中有关物质的检测", "建立注射剂中有关物质的液相色谱检测方法。"),
]
NOISE = [
    ("水稻品种抗倒伏性状分析", "作物学"),
    ("城市轨道交通客流预测模型", "交通运输工程"),
    ("大跨度桥梁风致振动控制", "土木工程"),
    ("海洋沉积物重金属分布特征", "海洋科学"),
    ("图书馆数字资源采购策略", "图书馆、情报与档案管理"),
    ("果树栽培中的水肥一体化技术", "园艺学"),
    ("煤矿巷道围岩稳定性分析", "矿业工程"),
    ("纺织品抗菌整理工艺", "纺织科学与工程"),
    ("高速列车车体气动噪声", "交通运输工程"),
    ("土壤有机碳的空间分布", "农业资源利用"),
]


def _team(org, city_slug, discipline, papers, field_slug, name):
    lead = make_listing(
        "expert",
        city=city_slug,
        title=name,
        owner=org,
        affiliation=org.name,
        expertise=f"{discipline}方向研究",
    )
    lead.fields.add(field_tag(field_slug))
    for title, abstract in papers:
        a = make_listing(
            "achievement",
            city=city_slug,
            title=title,
            summary=abstract,
            abstract=abstract,
            owner=org,
            lead_expert=lead,
            kind="research",
            discipline=discipline,
        )
        a.fields.add(field_tag(field_slug))
    return lead


@pytest.fixture
def world():
    battery_uni = make_listing("organisation", city="nanjing", title="某能源大学", kind="university")
    pharma_inst = make_listing("organisation", city="wuxi", title="某药物研究院", kind="institute")
    bidder_uni = make_listing("organisation", city="suzhou", title="某储能大学", kind="university")
    owner = make_listing("organisation", city="changzhou", title="某电池企业", kind="enterprise")
    noise_inst = make_listing("organisation", city="taizhou", title="某综合研究院", kind="institute")
    w = {
        "battery_uni": battery_uni,
        "pharma_inst": pharma_inst,
        "bidder_uni": bidder_uni,
        "owner": owner,
        "battery_lead": _team(
            battery_uni, "nanjing", "电气工程", BATTERY_PAPERS, "green-low-carbon", "专家甲"
        ),
        "pharma_lead": _team(pharma_inst, "wuxi", "药学", PHARMA_PAPERS, "biomedicine", "专家乙"),
        "bidder_lead": _team(
            bidder_uni, "suzhou", "电气工程", BATTERY_PAPERS[:3], "green-low-carbon", "专家丙"
        ),
    }
    _team(owner, "changzhou", "电气工程", BATTERY_PAPERS[1:3], "green-low-carbon", "专家丁")
    for title, discipline in NOISE:
        make_listing(
            "achievement", city="taizhou", title=title, summary=title, owner=noise_inst, discipline=discipline
        )
    challenge = make_listing(
        "challenge",
        city="changzhou",
        title="动力电池包热失控预警",
        summary="征集锂离子电池热失控早期预警与电池包热管理方案",
        owner=owner,
        problem_statement="机密：电芯型号 XK-9",
        confidentiality="confidential",
        deadline=timezone.localdate() + datetime.timedelta(days=60),
    )
    challenge.fields.add(field_tag("green-low-carbon"))
    Bid.objects.create(challenge=challenge, organisation=bidder_uni, status=Bid.Status.SUBMITTED, team="丙组")
    w["challenge"] = challenge
    services.rebuild_index()
    return w


def test_suppliers_are_people_at_organisations_with_their_evidence(world):
    recs = recommended_suppliers(world["challenge"])

    assert not recs.closed and recs.hits, "a battery group with four battery papers should be recommended"
    top = recs.hits[0]
    assert top.organisation == world["battery_uni"] and top.person == world["battery_lead"]
    assert top.probability >= thresholds()[0] and top.percent == round(top.probability * 100)
    assert top.evidence and all(item.obj.lead_expert == world["battery_lead"] for item in top.evidence)
    assert any("热失控" in t for item in top.evidence for t in item.terms)
    assert top.shared_fields and top.shared_fields[0].slug == "green-low-carbon"


def test_never_the_owner_an_organisation_that_bid_or_the_same_organisation_twice(world):
    recs = recommended_suppliers(world["challenge"], k=10)
    orgs = [h.organisation for h in recs.hits]
    assert world["owner"] not in orgs and world["bidder_uni"] not in orgs
    assert len(orgs) == len(set(orgs))
    # The pharmaceutical group works in another declared field (生物医药, not 绿色低碳): left out.
    scored = {m.supplier: m.probability for m in scored_suppliers(world["challenge"])}
    assert f"expert:{world['battery_lead'].pk}" in scored
    assert f"expert:{world['pharma_lead'].pk}" not in scored


def test_a_need_nobody_in_the_catalogue_fits_gets_no_recommendation(world):
    owner = world["owner"]
    law = make_listing(
        "challenge",
        city="changzhou",
        title="劳动争议仲裁案件的调解机制研究",
        summary="征集劳动法与仲裁程序方面的研究团队",
        owner=owner,
    )
    services.rebuild_index()

    recs = recommended_suppliers(law)

    assert recs.abstained and recs.hits == []
    assert challenge_services.invite_suppliers(law) == []


def test_closed_challenges_get_no_recommendations(world):
    challenge = world["challenge"]
    challenge.status = "awarded"
    challenge.save(update_fields=["status"])
    assert recommended_suppliers(challenge).closed and recommended_suppliers(challenge).hits == []

    expired = make_listing(
        "challenge",
        city="changzhou",
        title="电池热失控预警（已截止）",
        owner=world["owner"],
        deadline=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert recommended_suppliers(expired).closed


def test_the_challenge_page_shows_people_percent_and_evidence_and_nothing_confidential(client, world):
    body = client.get(world["challenge"].get_absolute_url()).content.decode()

    assert 'id="recommended-suppliers"' in body
    assert world["battery_lead"].get_absolute_url() in body and "某能源大学" in body
    assert "相关可能性" in body and "因其成果与专长" in body
    assert "XK-9" not in body and "机密" not in body
    assert "某储能大学" not in body  # it bid already
    assert "语义相似度" not in body and "减分" not in body


def test_the_page_says_so_when_nothing_fits(client, world):
    law = make_listing(
        "challenge",
        city="changzhou",
        title="劳动争议仲裁案件的调解机制研究",
        summary="劳动法与仲裁程序研究团队",
        owner=world["owner"],
    )
    services.rebuild_index()
    body = client.get(law.get_absolute_url()).content.decode()
    assert "暂无足够匹配的揭榜方" in body and "相关可能性" not in body


def test_invitations_go_only_to_suppliers_above_the_stricter_threshold_with_evidence(world):
    _show, invite = thresholds()
    challenge = world["challenge"]
    member_of(world["battery_uni"])

    invitations = challenge_services.invite_suppliers(challenge)

    for invitation in invitations:
        assert invitation.score >= invite and invitation.supplier
        assert invitation.organisation not in (world["owner"], world["bidder_uni"])
    scored = [m for m in scored_suppliers(challenge) if m.probability >= invite]
    assert len(invitations) == len({m.organisation for m in scored})
    note = Notification.objects.filter(kind="challenge_invitation").first()
    if note is not None:
        assert "高度匹配" not in note.body and "可能性约为" in note.body


def test_answers_are_remembered_and_teach_the_recommender(world, django_capture_on_commit_callbacks):
    challenge = world["challenge"]
    lead_key = f"expert:{world['battery_lead'].pk}"
    invitation = Invitation.objects.create(
        challenge=challenge,
        organisation=world["battery_uni"],
        via_type="expert",
        via_id=world["battery_lead"].pk,
        via_title="专家甲",
        supplier=lead_key,
        score=0.9,
    )
    before = {m.supplier: m.probability for m in scored_suppliers(challenge)}[lead_key]
    member = member_of(world["battery_uni"])

    with django_capture_on_commit_callbacks(execute=True):
        challenge_services.invitation_decline(actor=member, invitation=invitation, reason="out_of_scope")

    outcome = MatchOutcome.objects.get()
    assert (outcome.supplier, outcome.kind, outcome.value) == (lead_key, "declined_not_fit", -1.0)
    assert outcome.vector  # the need's embedding, so later needs are compared with it
    # Two more similar needs declined the same way: the group is now less likely for this one.
    for title in ("电池热失控监测方案", "锂电池热安全预警"):
        other = make_listing("challenge", city="changzhou", title=title, owner=world["owner"])
        services.outcome_record(
            challenge=other,
            organisation_id=world["battery_uni"].pk,
            kind="declined_not_fit",
            supplier=lead_key,
        )
    challenge.refresh_from_db()
    after = {m.supplier: m.probability for m in scored_suppliers(challenge)}[lead_key]
    assert after < before


def test_declining_an_invitation_needs_a_reason(world):
    member = member_of(world["battery_uni"])
    invitation = Invitation.objects.create(
        challenge=world["challenge"],
        organisation=world["battery_uni"],
        via_type="expert",
        via_id=1,
        via_title="x",
    )
    from innomarket.common.exceptions import ApplicationError

    with pytest.raises(ApplicationError):
        challenge_services.invitation_decline(actor=member, invitation=invitation, reason="")
    with pytest.raises(ApplicationError):
        challenge_services.invitation_decline(actor=member, invitation=invitation, reason="other", note="")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT

    challenge_services.invitation_decline(actor=member, invitation=invitation, reason="workload")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED and invitation.decline_reasons == ["workload"]


def test_challenges_that_fit_an_organisation_are_open_and_not_its_own(world):
    owner = world["owner"]
    past = timezone.localdate() - datetime.timedelta(days=1)
    make_listing("challenge", city="changzhou", title="电池热失控预警（已截止）", owner=owner, deadline=past)
    make_listing(
        "challenge", city="changzhou", title="电池热管理攻关（已定榜）", owner=owner, status="awarded"
    )
    make_listing("challenge", city="nanjing", title="电池热失控预警（本校发布）", owner=world["battery_uni"])
    services.rebuild_index()

    found = challenges_for_organisation(world["battery_uni"])

    assert [c for c, _p in found] == [world["challenge"]]
    assert found[0][1] >= thresholds()[0]
    # The other battery group bid on the first challenge already: only the new one is left for it.
    assert world["challenge"] not in [c for c, _p in challenges_for_organisation(world["bidder_uni"])]
    empty = OrganisationFactory(city=city("nanjing"), intro="", kind=Organisation.Kind.UNIVERSITY)
    assert challenges_for_organisation(empty) == []


def test_workspace_lists_the_challenges_that_fit(client, world):
    client.force_login(member_of(world["battery_uni"]))
    body = client.get(
        reverse("site:workspace-org", kwargs={"org_pk": world["battery_uni"].pk})
    ).content.decode()
    assert 'id="fitting-challenges"' in body
    assert world["challenge"].get_absolute_url() in body and "相关可能性" in body


def test_the_challenge_page_query_count_does_not_grow_with_the_suppliers(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = world["challenge"].get_absolute_url()
    client.get(url)  # the index and the caches warm up

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    more = make_listing("organisation", city="wuxi", title="某第二能源大学", kind="university")
    _team(more, "wuxi", "电气工程", BATTERY_PAPERS, "green-low-carbon", "专家戊")
    services.rebuild_index()
    client.get(url)
    assert queries() <= few + 2
