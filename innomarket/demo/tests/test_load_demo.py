import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from innomarket.accounts.models import User
from innomarket.achievements.models import Achievement
from innomarket.challenges.models import Bid, Challenge
from innomarket.demo import seed_facts
from innomarket.demo.loader import DEFAULT_ACHIEVEMENTS, SUMMARY_MODELS, DemoLoader
from innomarket.demo.samples import DISCIPLINE_FIELDS
from innomarket.events.models import Event
from innomarket.finance.models import FinancialProduct, Fund
from innomarket.lists.models import Cooperation
from innomarket.organisations.models import Membership, Organisation
from innomarket.policies.models import Policy
from innomarket.regions.models import City
from innomarket.resources.models import Space
from innomarket.talent.models import Expert, TalentStation, TechManager
from innomarket.verification.models import StatusEvent

MEMBERS = ["putuo", "nanjing", "wuxi", "changzhou", "suzhou", "nantong", "zhenjiang", "taizhou"]
PHONE_LIKE = re.compile(r"\d{7,}|\d{3,4}-\d{7,8}")


def _counts() -> dict[str, int]:
    counts = {m._meta.label: m._default_manager.count() for m in SUMMARY_MODELS}
    counts["users"] = User.objects.count()
    counts["memberships"] = Membership.objects.count()
    counts["status_events"] = StatusEvent.objects.count()
    counts["achievement_fields"] = Achievement.fields.through.objects.count()
    counts["org_fields"] = Organisation.fields.through.objects.count()
    counts["cooperation_partners"] = Cooperation.partners.through.objects.count()
    return counts


def _load(achievements: int = 24) -> DemoLoader:
    return DemoLoader(achievements=achievements).run()


@pytest.mark.django_db
def test_loading_twice_gives_identical_counts_and_writes_nothing():
    _load()
    first = _counts()
    stamps = {
        m._meta.label: list(m._default_manager.order_by("pk").values_list("updated_at", flat=True))
        for m in SUMMARY_MODELS
        if hasattr(m, "updated_at")
    }

    second_run = _load()

    assert _counts() == first
    assert sum(second_run.created.values()) == 0
    assert sum(second_run.updated.values()) == 0
    for label, values in stamps.items():
        model = next(m for m in SUMMARY_MODELS if m._meta.label == label)
        assert list(model._default_manager.order_by("pk").values_list("updated_at", flat=True)) == values


@pytest.mark.django_db
def test_default_command_loads_600_papers_and_prints_a_summary():
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert DEFAULT_ACHIEVEMENTS == 600
    assert Achievement.objects.count() == 600
    assert Achievement.objects.filter(is_sample=True, kind="research").count() == 600
    assert "科技成果" in out.getvalue()
    # Every achievement is a full paper with an abstract and a csl reference; those of the corridor's
    # industries get a field tag, and the default count has room for nothing else.
    assert not Achievement.objects.filter(abstract="").exists()
    assert not Achievement.objects.exclude(external_ref__startswith="csl-").exists()
    assert set(Achievement.objects.values_list("discipline", flat=True)) == set(DISCIPLINE_FIELDS)
    assert not Achievement.objects.filter(fields__isnull=True).exists()
    # The research groups are spread over the sample universities and institutes of all eight members.
    assert set(Achievement.objects.values_list("city__slug", flat=True)) == set(MEMBERS)
    assert Achievement.objects.values("owner").distinct().count() == 16

    call_command("load_demo", "--quiet", stdout=StringIO())
    assert Achievement.objects.count() == 600


@pytest.mark.django_db
def test_cities_members_and_non_member_districts():
    _load(achievements=0)
    assert sorted(City.objects.filter(is_member=True).values_list("slug", flat=True)) == sorted(MEMBERS)
    for slug, name in [("changning", "长宁区"), ("yangpu", "杨浦区")]:
        city = City.objects.get(slug=slug)
        assert not city.is_member
        assert (city.name, city.kind, city.province, city.map_name) == (name, "district", "上海市", name)
    putuo = City.objects.get(slug="putuo")
    assert putuo.office_name == "上海市普陀区科学技术委员会"
    assert "大渡河路1668号2号楼" in putuo.office_address
    assert putuo.office_phone == "52564588"
    assert "普科委〔2025〕22号" in putuo.office_source
    assert "国家级孵化器2家" in putuo.intro and "市级孵化器9家" in putuo.intro
    assert City.objects.get(slug="changning").office_phone == "52388272"
    assert "惠民路600号" in City.objects.get(slug="yangpu").office_address
    assert "国家级大学科技园区7家" in City.objects.get(slug="yangpu").intro
    assert "武林大汇" in City.objects.get(slug="taizhou").joined_note
    assert not City.objects.exclude(cloud_platform_url="").exists()


@pytest.mark.django_db
def test_city_fields_an_administrator_filled_are_kept():
    City.objects.filter(slug="putuo").update(intro="管理员写的简介")
    _load(achievements=0)
    assert City.objects.get(slug="putuo").intro == "管理员写的简介"


@pytest.mark.django_db
def test_facts_from_the_documents_exist():
    _load(achievements=0)
    chuangxinli = Space.objects.get(title="“创新里”科创产业空间")
    assert "武宁路801号" in chuangxinli.address
    assert chuangxinli.area_m2 == Decimal("3248")
    assert chuangxinli.city.slug == "putuo"
    assert chuangxinli.status == "published" and chuangxinli.source == "seed"
    assert "普科委〔2025〕22号" in chuangxinli.source_note
    assert chuangxinli.published_at and chuangxinli.last_verified_at

    fund = Fund.objects.get(title="长三角一期基金")
    assert fund.stage == "exiting"
    assert fund.dpi == Decimal("76.63") and "DPI近80%" in fund.summary
    assert (fund.projects_count, fund.invested_yi, fund.invested_ratio, fund.exits_count) == (
        22,
        Decimal("14.97"),
        Decimal("76.47"),
        6,
    )
    assert fund.paid_in_wan == Decimal("8108.11") and fund.distributions_wan == Decimal("6213.38")
    assert "中芯国际" in fund.exits_note and fund.figures_as_of == "2024年三季度"
    assert "31.88亿元" in fund.summary
    assert Fund.objects.get(title="国投孚腾普陀数智健康基金（暂定名）").target_size_yi == Decimal("10")

    assert "2.9万余名技术经理人" in Organisation.objects.get(name="国家技术转移东部中心").intro
    exchange = Organisation.objects.get(name="上海技术交易所")
    assert "112亿元" in exchange.intro and "342亿元" in exchange.intro
    assert Organisation.objects.get(name="华东师范大学").kind == "university"
    assert Organisation.objects.get(name="芯诗微").kind == "enterprise"
    assert Organisation.objects.get(name="小红书").tags.filter(slug="gazelle").exists()
    assert not Organisation.objects.exclude(credit_code="").exists()

    assert Policy.objects.filter(title__contains="张江高新区普陀园改革创新行动发展行动方案").exists()
    assert Policy.objects.get(title="《长宁区鼓励科技创新的实施办法》").city.slug == "changning"
    assert Event.objects.get(title="武宁创新共同体2024年“武林大汇”").date_note == "2024年6月"
    assert "21场" in Event.objects.get(title="长宁创投沙龙").date_note

    credit = Cooperation.objects.get(title__startswith="蓝鸟科技")
    assert (credit.kind, credit.phase, credit.amount_wan) == ("financing", "past", Decimal("3500"))
    alliance = Cooperation.objects.get(title__startswith="沿沪宁协同创新城市联盟")
    assert alliance.phase == "present" and alliance.partner_cities.count() == 8
    transfer = Cooperation.objects.get(title__contains="脉搏波")
    assert transfer.kind == "tech_transfer" and "陈建刚" in transfer.summary
    assert Cooperation.objects.get(title__startswith="沿沪宁科技合作计划").phase == "future"

    assert TalentStation.objects.get(title__contains="虹桥人才荟").summary.startswith("汇总记录")
    # No bank is named for the 3,500万 credit line: the only real product is the one whose provider is named.
    assert list(FinancialProduct.objects.filter(is_sample=False).values_list("title", flat=True)) == [
        "“批次贷”政策性融资担保"
    ]
    # Nobody is invented as a real technology manager or expert.
    assert not TechManager.objects.filter(is_sample=False).exists()
    assert not Expert.objects.filter(is_sample=False).exists()


@pytest.mark.django_db
def test_every_fact_record_names_its_document():
    _load(achievements=0)
    documents = {
        seed_facts.DOC_000,
        seed_facts.DOC_001,
        seed_facts.DOC_002,
        seed_facts.DOC_003,
        seed_facts.DOC_004,
    }
    for model in SUMMARY_MODELS:
        if model in (City, Bid):
            continue
        for record in model._default_manager.filter(is_sample=False):
            assert record.source == "seed" and record.source_note in documents, record
            assert record.status == "published", record


@pytest.mark.django_db
def test_generated_records_are_marked_as_samples():
    _load()
    for model in SUMMARY_MODELS:
        if model in (City, Bid):
            continue
        title_field = "name" if model is Organisation else "title"
        for record in model._default_manager.filter(is_sample=True):
            # A paper keeps its real title: it is marked by is_sample (the 示例 badge) instead.
            if not (model is Achievement and record.kind == "research"):
                assert getattr(record, title_field).startswith("【示例】"), record
            assert record.source_note in ("", "示例数据"), record
            if hasattr(record, "owner_id") and record.owner_id:
                assert record.owner.is_sample, record
    assert Challenge.objects.filter(is_sample=False).count() == 0
    assert Bid.objects.exists() and not Bid.objects.filter(is_sample=False).exists()
    assert all(bid.approach.startswith("【示例】") for bid in Bid.objects.all())
    assert set(Challenge.objects.values_list("city__slug", flat=True)) == set(MEMBERS)
    for challenge in Challenge.objects.exclude(status="submitted"):
        # A challenge with a sample bid is taking bids (揭榜中).
        assert challenge.status == ("bidding" if challenge.bids.exists() else "published")
        assert challenge.indicators and challenge.acceptance_criteria
        assert challenge.budget_min <= challenge.budget_max
        assert challenge.deadline > challenge.published_at.date()
    # Two enterprises never post the same challenge text, even where two cities share a field.
    titles = list(Challenge.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles)) == 25
    # One waits for its city administrator (the separator challenge, see below).
    assert list(Challenge.objects.filter(status="submitted").values_list("city__slug", flat=True)) == [
        "changzhou"
    ]


@pytest.mark.django_db
def test_sample_experts_and_tech_managers_have_no_phone_numbers():
    _load(achievements=0)
    people = [*Expert.objects.all(), *TechManager.objects.all()]
    assert people
    for person in people:
        text = " ".join(
            str(v)
            for v in (
                person.title,
                person.summary,
                getattr(person, "expertise", ""),
                getattr(person, "affiliation", ""),
            )
        )
        assert not PHONE_LIKE.search(text), person
        # Only the documented demo accounts are linked to sample profiles.
        assert person.user_id is None or person.user.username in {"demo-expert", "demo-techmanager"}


@pytest.mark.django_db
def test_demo_users_have_the_right_scope(monkeypatch):
    monkeypatch.setenv("INNOMARKET_DEMO_PASSWORD", "another-secret")
    _load(achievements=0)
    alliance = User.objects.get(username="alliance")
    assert alliance.is_alliance_admin and alliance.is_staff
    assert alliance.check_password("another-secret")
    for slug in MEMBERS:
        admin = User.objects.get(username=f"admin-{slug}")
        assert admin.administered_city.slug == slug and admin.is_staff and not admin.is_alliance_admin
    member = User.objects.get(username="demo-member")
    organisation = member.organisations.get()
    assert organisation.is_sample and organisation.kind == "enterprise"
    assert not member.is_staff and member.administered_city is None


@pytest.mark.django_db
def test_rerun_does_not_reset_an_existing_password(monkeypatch):
    _load(achievements=0)
    user = User.objects.get(username="admin-putuo")
    user.set_password("changed-by-the-user")
    user.save()
    monkeypatch.setenv("INNOMARKET_DEMO_PASSWORD", "something-else")
    _load(achievements=0)
    assert User.objects.get(username="admin-putuo").check_password("changed-by-the-user")


@pytest.mark.django_db
def test_no_demo_users_in_production(settings):
    settings.PRODUCTION = True
    messages = []
    DemoLoader(achievements=0, log=messages.append).run()
    assert not User.objects.exists()
    assert any("生产环境" in m for m in messages)


@pytest.mark.django_db
def test_missing_corpus_is_skipped_with_a_warning(settings, tmp_path):
    settings.INNOMARKET_SHARED_DIR = tmp_path
    messages = []
    DemoLoader(achievements=10, log=messages.append).run()
    assert not Achievement.objects.exists()
    assert any("corpus.tsv" in m for m in messages)


@pytest.mark.django_db
def test_rerun_keeps_an_archived_seed_record_archived_and_leaves_foreign_records_alone():
    _load(achievements=0)
    Space.objects.filter(title="“创新里”科创产业空间").update(status="archived")
    foreign = Organisation.objects.get(name="蓝鸟科技")
    Organisation.objects.filter(pk=foreign.pk).update(source="form", intro="企业自己维护的简介")

    _load(achievements=0)

    assert Space.objects.get(title="“创新里”科创产业空间").status == "archived"
    assert Organisation.objects.get(pk=foreign.pk).intro == "企业自己维护的简介"


@pytest.mark.django_db
def test_a_changed_fact_is_brought_up_to_date():
    _load(achievements=0)
    Space.objects.filter(title="“创新里”科创产业空间").update(area_m2=Decimal("1"))
    run = _load(achievements=0)
    assert Space.objects.get(title="“创新里”科创产业空间").area_m2 == Decimal("3248")
    assert run.updated["resources.Space"] == 1


@pytest.mark.django_db
def test_every_member_city_has_a_sample_waiting_for_its_administrator():
    from innomarket.talent.models import TalentPost
    from innomarket.verification.services import listing_verify

    _load(achievements=0)
    for slug in MEMBERS:
        waiting = TalentPost.objects.filter(city__slug=slug, status="submitted")
        assert waiting.count() == 1 and waiting.get().is_sample
    # The demo city administrator can act on it: the queue is real, not decoration.
    post = TalentPost.objects.get(city__slug="nanjing", status="submitted")
    verified = listing_verify(actor=User.objects.get(username="admin-nanjing"), record=post)
    assert verified.status == "published"
    # A rerun does not put it back in the queue.
    _load(achievements=0)
    post.refresh_from_db()
    assert post.status == "published"
