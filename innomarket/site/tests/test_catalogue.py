"""The shared catalogue helpers: highlighting, snippets, fact formatting, query terms."""

from decimal import Decimal

import pytest

from innomarket.site.catalogue import amount_range, facts_for, highlight, search_terms, snippet
from innomarket.site.tests.catalogue_checks import make_listing


def test_highlight_escapes_html_before_marking():
    out = highlight('<script>alert("x")</script>人工智能', ["人工智能"])

    assert str(out) == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<mark>人工智能</mark>"


def test_highlight_cannot_be_tricked_into_marking_inside_entities():
    out = highlight("a & b", ["amp"])

    assert str(out) == "a &amp; b"


def test_highlight_is_case_insensitive_and_prefers_longer_terms():
    out = highlight("AI 与 AIGC", ["ai", "aigc"])

    assert str(out) == "<mark>AI</mark> 与 <mark>AIGC</mark>"


def test_highlight_without_terms_only_escapes():
    assert str(highlight("<b>x</b>", [])) == "&lt;b&gt;x&lt;/b&gt;"


def test_snippet_centres_on_the_first_match():
    text = "前言" * 100 + "关键成果" + "后记" * 100

    out = str(snippet(text, ["关键成果"], width=40))

    assert out.startswith("…") and out.endswith("…")
    assert "<mark>关键成果</mark>" in out


def test_search_terms_are_normalised_and_capped():
    assert search_terms("  ＡＩ　芯片  ") == ["AI", "芯片"]
    assert len(search_terms(" ".join(str(n) for n in range(50)))) == 8
    assert search_terms("") == []


def test_amount_range():
    assert amount_range(Decimal("50.00"), Decimal("200.00"), "万元") == "50–200 万元"
    assert amount_range(Decimal("50"), None, "万元") == "≥ 50 万元"
    assert amount_range(None, None, "万元") == ""


@pytest.mark.django_db
def test_facts_carry_units_and_leave_out_blanks():
    fund = make_listing("fund", city="putuo", size_yi="12.50", dpi="45.20", manager="")

    facts = {f.label: f.value for f in facts_for(fund, ["size_yi", "dpi", "manager", "stage"])}

    assert facts["规模"] == "12.5 亿元"
    assert facts["DPI"] == "45.2%"
    assert "管理机构" not in facts
    assert facts["阶段"]


@pytest.mark.django_db
def test_out_of_range_primary_key_is_404_not_500(client):
    assert client.get("/policies/99999999999999999999999/").status_code == 404
