"""The demo's CSL papers: research results (论文/研究成果) of sample research groups, and the pending
separator challenge a city administrator can publish."""

import re
from collections import Counter

import pytest

from innomarket.accounts.models import User
from innomarket.achievements.models import Achievement
from innomarket.challenges.diagnosis import diagnose
from innomarket.challenges.models import Challenge
from innomarket.demo.loader import DemoLoader, research_groups, select_papers
from innomarket.demo.samples import DISCIPLINE_FIELDS
from innomarket.demo.teams import Team
from innomarket.talent.models import Expert
from innomarket.verification.services import listing_verify

LEAD_TITLE = re.compile(r"^【示例】专家 (PT|NJ|WX|CZ|SZ|NT|ZJ|TZ)-(\d{2,})$")


def _load(achievements: int = 60) -> DemoLoader:
    return DemoLoader(achievements=achievements, with_users=False).run()


def _row(n: int, discipline: str) -> dict[str, str]:
    return {"id": f"csl-{n:04d}", "title": f"论文{n}", "discipline": discipline}


@pytest.mark.django_db
def test_every_paper_is_a_research_result_of_a_team_lead_at_a_sample_university_or_institute():
    _load()
    papers = Achievement.objects.select_related("owner", "lead_expert", "lead_expert__owner", "city")
    assert papers.count() == 60
    for paper in papers:
        assert paper.kind == "research" and paper.is_sample
        assert (paper.trl, paper.transfer_mode, paper.ip_status) == (None, "", "")
        assert paper.source_note == "示例数据"
        assert not paper.title.startswith("【示例】")  # the real paper title
        assert paper.owner.is_sample and paper.owner.kind in ("university", "institute")
        assert paper.city_id == paper.owner.city_id
        lead = paper.lead_expert
        assert lead is not None and lead.is_sample and lead.status == "published"
        assert lead.owner_id == paper.owner_id and lead.affiliation == paper.owner.name
        assert lead.city_id == paper.city_id
        assert paper.team == f"{paper.owner.name}{paper.discipline}课题组（示例）"
        assert lead.expertise == f"{paper.discipline}方向研究（示例课题组）"
        assert lead.summary == f"示例课题组负责人，研究方向：{paper.discipline}。"
        assert lead.professional_title in ("教授", "副教授", "研究员", "正高级工程师")
        field = DISCIPLINE_FIELDS.get(paper.discipline)
        assert list(lead.fields.values_list("slug", flat=True)) == ([field] if field else [])


@pytest.mark.django_db
def test_teams_have_three_to_six_papers_of_one_discipline():
    _load(achievements=600)
    teams: dict[int, list[str]] = {}
    for lead_id, discipline in Achievement.objects.values_list("lead_expert_id", "discipline"):
        teams.setdefault(lead_id, []).append(discipline)
    assert len(teams) > 100
    for disciplines in teams.values():
        assert 3 <= len(disciplines) <= 6
        assert len(set(disciplines)) == 1
    # Every lead leads one team.
    assert Expert.objects.filter(achievements__isnull=False).distinct().count() == len(teams)


@pytest.mark.django_db
def test_team_leads_continue_the_code_numbers_without_clashing_with_the_reviewers():
    _load()
    reviewers = Expert.objects.filter(achievements__isnull=True)
    leads = Expert.objects.filter(achievements__isnull=False).distinct()
    assert reviewers.count() == 16
    assert all(re.search(r"-0[12]$", e.title) for e in reviewers)
    for lead in leads:
        match = LEAD_TITLE.match(lead.title)
        assert match is not None, lead.title
        assert int(match[2]) >= 11
    assert len({e.title for e in Expert.objects.all()}) == Expert.objects.count()


@pytest.mark.django_db
def test_papers_and_teams_are_deterministic_and_a_rerun_writes_nothing():
    _load()
    first = list(
        Achievement.objects.order_by("external_ref").values_list(
            "external_ref", "owner__name", "lead_expert__title", "team"
        )
    )
    run = _load()
    assert sum(run.created.values()) == 0 and sum(run.updated.values()) == 0
    assert (
        list(
            Achievement.objects.order_by("external_ref").values_list(
                "external_ref", "owner__name", "lead_expert__title", "team"
            )
        )
        == first
    )


@pytest.mark.django_db
def test_a_paper_from_an_earlier_load_is_attached_to_its_team_once():
    _load()
    paper = Achievement.objects.order_by("pk").first()
    lead = paper.lead_expert
    # As an earlier loader left it (after the data migration): no team, the old title and owner.
    Achievement.objects.filter(pk=paper.pk).update(
        lead_expert=None, team="", title=f"【示例】{paper.title}", owner=lead.owner
    )

    run = _load()
    paper.refresh_from_db()
    assert paper.lead_expert == lead and paper.team and not paper.title.startswith("【示例】")
    assert run.updated["achievements.Achievement"] == 1
    assert sum(_load().updated.values()) == 0


def test_paper_selection_prefers_the_corridor_disciplines_and_gives_each_a_group():
    preferred = list(DISCIPLINE_FIELDS)[:3]
    rows = [_row(n, preferred[n % 3]) for n in range(30)]
    rows += [_row(100 + n, "园艺学") for n in range(10)]
    rows += [_row(200 + n, "天文学") for n in range(2)]  # too few for a research group

    chosen = select_papers(rows, 12)
    assert Counter(r["discipline"] for r in chosen) == dict.fromkeys(preferred, 4)
    assert chosen == sorted(chosen, key=lambda r: r["id"])  # corpus order

    # A small limit uses fewer disciplines rather than groups too small to exist.
    assert Counter(r["discipline"] for r in select_papers(rows, 7)) == {preferred[0]: 4, preferred[1]: 3}
    # Others only fill what the preferred disciplines leave.
    rest = Counter(r["discipline"] for r in select_papers(rows, 35))
    assert rest == {**dict.fromkeys(preferred, 10), "园艺学": 5}
    assert len(select_papers(rows, 1000)) == 40


def test_a_team_larger_than_six_papers_is_split_in_two():
    team = Team(
        key="team-1", discipline="药学", organisation="nanjing:university", paper_ids=tuple("abcdefg")
    )
    small = Team(key="team-2", discipline="药学", organisation="wuxi:institute", paper_ids=("h", "i", "j"))
    assert research_groups([team, small]) == [
        (team, ("a", "b", "c", "d")),
        (team, ("e", "f", "g")),
        (small, ("h", "i", "j")),
    ]


@pytest.mark.django_db
def test_the_separator_challenge_waits_for_changzhou_and_passes_the_diagnosis():
    DemoLoader(achievements=0).run()
    challenge = Challenge.objects.get(title="【示例】锂电池隔膜陶瓷涂覆工艺")
    assert challenge.status == "submitted" and challenge.published_at is None
    assert challenge.city.slug == "changzhou" and challenge.is_sample
    assert challenge.owner.name == "【示例】常州某绿色低碳企业"
    assert set(challenge.fields.values_list("slug", flat=True)) == {"new-materials", "green-low-carbon"}
    assert (challenge.budget_min, challenge.budget_max, challenge.expected_trl) == (100, 200, 5)
    assert 85 <= (challenge.deadline - challenge.created_at.date()).days <= 95
    for text in ("掉粉", "面密度", "热收缩"):
        assert text in challenge.problem_statement
    for text in ("≤3%", "≥60 N/m", "≤±0.5 g/m²", "≥80 m/min"):
        assert text in challenge.indicators
    assert "第三方" in challenge.acceptance_criteria
    diagnosis = diagnose(challenge.diagnosis_data())
    assert diagnosis.can_submit and not diagnosis.blockers and not diagnosis.warnings

    # 常州's administrator publishes it; a rerun leaves it published.
    published = listing_verify(actor=User.objects.get(username="admin-changzhou"), record=challenge)
    assert published.status == "published"
    DemoLoader(achievements=0).run()
    challenge.refresh_from_db()
    assert challenge.status == "published"
