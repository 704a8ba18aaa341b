"""The data migration that turns the demo's earlier sample papers into research results."""

from importlib import import_module

import pytest
from django.apps import apps

from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db

migration = import_module("innomarket.achievements.migrations.0003_sample_papers_are_research")


def test_sample_papers_become_research_results_without_invented_facts():
    paper = make_listing(
        "achievement",
        city="nanjing",
        title="【示例】一种论文标题",
        external_ref="csl-76f8f21db62b",
        trl=5,
        ip_status="patent_granted",
        transfer_mode="licence",
        source_note="示例数据：CSL 中文科学文献数据集 csl-76f8f21db62b（Apache-2.0）",
    )
    generated = make_listing(
        "achievement",
        city="nanjing",
        trl=4,
        transfer_mode="transfer",
        source_note="示例数据：由 load_demo 生成，非真实信息",
    )
    real = make_listing(
        "achievement",
        city="nanjing",
        is_sample=False,
        external_ref="csl-0000",
        trl=6,
        transfer_mode="transfer",
        source_note="某大学技术转移中心提供",
    )

    migration.mark_sample_papers_as_research(apps, None)

    paper.refresh_from_db()
    assert (paper.kind, paper.trl, paper.transfer_mode, paper.ip_status) == ("research", None, "", "")
    assert paper.source_note == "示例数据"
    generated.refresh_from_db()
    assert generated.source_note == "示例数据"
    assert (generated.kind, generated.trl, generated.transfer_mode) == ("technology", 4, "transfer")
    real.refresh_from_db()
    assert (real.kind, real.trl, real.source_note) == ("technology", 6, "某大学技术转移中心提供")
