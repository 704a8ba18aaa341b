"""Public list and detail pages of achievements particular to this app (the shared checks are in site/tests/test_catalogue_pages.py)."""

import pytest

from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db


def test_trl_filter_is_a_minimum_and_transfer_mode_filters(client):
    make_listing("achievement", city="nanjing", title="中试成果", trl=6, transfer_mode="licence")
    make_listing("achievement", city="nanjing", title="实验室成果", trl=3, transfer_mode="licence")
    make_listing("achievement", city="nanjing", title="转让成果", trl=8, transfer_mode="transfer")

    mature = client.get("/achievements/", {"trl": "6"}).content.decode()
    licences = client.get("/achievements/", {"transfer_mode": "licence"}).content.decode()

    assert "中试成果" in mature and "转让成果" in mature and "实验室成果" not in mature
    assert "中试成果" in licences and "转让成果" not in licences


def _research_paper(**fields):
    from innomarket.talent.models import Expert

    university = make_listing("organisation", city="nanjing", title="某示例大学", kind="university")
    lead = Expert.objects.create(
        title="专家 NJ-11",
        city=university.city,
        owner=university,
        professional_title="教授",
        status="published",
        is_sample=True,
    )
    values = {
        "title": "基于深度学习的遥感影像分类方法",
        "kind": "research",
        "discipline": "测绘科学与技术",
        "team": "某示例大学测绘科学与技术课题组（示例）",
        "owner": university,
        "lead_expert": lead,
        "trl": None,
        "ip_status": "",
        "transfer_mode": "",
        "external_ref": "csl-76f8f21db62b",
        "source": "import",
        "source_note": "示例数据：由 load_demo 生成，非真实信息",
        **fields,
    }
    return make_listing("achievement", city="nanjing", **values), lead, university


def test_kind_chips_filter_research_results_from_technologies(client):
    make_listing("achievement", city="nanjing", title="可许可的技术", kind="technology", trl=6)
    _research_paper()

    everything = client.get("/achievements/").content.decode()
    papers = client.get("/achievements/", {"kind": "research"}).content.decode()

    assert 'href="?kind=research"' in everything and 'href="?kind=technology"' in everything
    assert '<span class="badge">论文/研究成果</span>' in everything
    assert '<span class="badge">技术成果</span>' in everything
    assert "遥感影像分类" in papers and "可许可的技术" not in papers
    assert "测绘科学与技术" in papers  # the real discipline on the card
    assert "<span>暂无知识产权</span>" not in papers  # (the filter form still offers it)


def test_research_detail_shows_its_team_and_no_offer_facts(client):
    # Even values a research result should not have (an import's default IP status) are not shown.
    paper, lead, university = _research_paper(ip_status="none", trl=5, transfer_mode="licence")

    body = client.get(paper.get_absolute_url()).content.decode()

    assert '<span class="badge badge-kind">论文/研究成果</span>' in body
    assert "测绘科学与技术" in body
    assert "某示例大学测绘科学与技术课题组（示例）" in body
    assert f'<a href="{lead.get_absolute_url()}">专家 NJ-11</a>' in body
    assert university.get_absolute_url() in body
    for label in ("技术成熟度（TRL）", "知识产权状态", "转化方式"):
        assert f"<dt>{label}</dt>" not in body
    assert "暂无知识产权" not in body and "<dd>许可</dd>" not in body


def test_sample_source_is_only_called_sample_data(client):
    paper, _lead, _university = _research_paper()

    body = client.get(paper.get_absolute_url()).content.decode()

    assert "示例数据" in body
    for internal in ("load_demo", "csl-", "批量导入"):
        assert internal not in body


def test_a_lead_expert_who_is_not_public_is_named_without_a_link(client):
    paper, lead, _university = _research_paper()
    type(lead).objects.filter(pk=lead.pk).update(status="draft")

    body = client.get(paper.get_absolute_url()).content.decode()

    assert "专家 NJ-11" in body and lead.get_absolute_url() not in body


def test_technology_detail_keeps_its_offer_facts(client):
    record = make_listing(
        "achievement",
        city="nanjing",
        title="可许可的技术",
        trl=6,
        ip_status="patent_granted",
        transfer_mode="licence",
    )

    body = client.get(record.get_absolute_url()).content.decode()

    assert '<span class="badge badge-kind">技术成果</span>' in body
    assert "<dt>技术成熟度（TRL）</dt>" in body and "已授权专利" in body and "<dd>许可</dd>" in body
