"""疑似重复机构: name normalisation, its precision on a labelled set, and the candidate-pair selector."""

from __future__ import annotations

from pathlib import Path

import pytest

from innomarket.common.tests.factories import OrganisationFactory, city
from innomarket.organisations.dedupe import (
    candidate_pairs,
    names_match,
    normalise_org_name,
    places_compatible,
    split_org_name,
)
from innomarket.organisations.models import Organisation

PAIRS = Path(__file__).parent / "data" / "name_pairs.tsv"


def labelled_pairs() -> list[tuple[str, str, bool]]:
    rows = []
    for number, line in enumerate(PAIRS.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        a, b, same = line.split("\t")
        assert same in ("0", "1"), f"line {number}: the third column is 0 or 1"
        rows.append((a, b, same == "1"))
    return rows


# --- normalisation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("上海黑湖网络科技有限公司", "黑湖网络科技"),
        ("黑湖网络科技（上海）有限公司", "黑湖网络科技"),
        ("黑湖网络科技(上海)有限公司", "黑湖网络科技"),
        ("【南京】蓝鸟科技有限公司", "蓝鸟科技"),
        ("江苏省南京市擎天软件有限公司", "擎天软件"),
        ("上海市浦东新区晓途科技有限公司", "晓途科技"),
        ("南京擎天科技股份有限公司", "擎天科技"),
        ("南京擎天科技有限责任公司", "擎天科技"),
        ("上海国盛（集团）有限公司", "上海国盛"),
        ("中際旭創股份有限公司", "中际旭创"),
        ("ＡＢＢ（中国）有限公司", "abb"),
        ("Bosch (China) Investment Co., Ltd.", "boschinvestment"),
        ("红杉资本创业投资中心（有限合伙）", "红杉资本创业投资中心"),
        ("上海·黑湖 智造科技有限公司", "黑湖智造科技"),
    ],
)
def test_normalise_strips_places_legal_forms_width_and_script(name, key):
    assert normalise_org_name(name) == key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("上海电气集团股份有限公司", "上海电气"),  # 电气 alone is no name: the place stays in front
        ("电气（上海）有限公司", "上海电气"),
        ("南京银行股份有限公司", "南京银行"),
        ("南京大学", "南京大学"),
        ("上海浦东发展银行股份有限公司", "浦东发展银行"),  # a district without 区 is part of the name
        ("上海矽睿科技有限公司南京分公司", "矽睿科技南京分公司"),  # a branch is another entity
    ],
)
def test_normalise_keeps_the_core_distinct(name, key):
    assert normalise_org_name(name) == key


def test_places_are_compared_by_level():
    def places(name):
        return split_org_name(name).places

    assert places_compatible(places("上海黑湖科技有限公司"), places("黑湖科技（上海）有限公司"))
    assert places_compatible(places("黑湖科技有限公司"), places("南京黑湖科技有限公司"))
    assert places_compatible(places("江苏黑湖科技有限公司"), places("南京黑湖科技有限公司"))
    assert not places_compatible(places("南京黑湖科技有限公司"), places("苏州黑湖科技有限公司"))
    assert not places_compatible(places("上海黑湖科技有限公司"), places("南京黑湖科技有限公司"))
    assert not places_compatible(places("长宁区科学技术委员会"), places("杨浦区科学技术委员会"))


def test_names_match_on_variants_and_not_on_other_cities():
    assert names_match("上海嬴彻科技有限公司", "嬴彻科技（上海）有限公司")
    assert names_match("上海矽睿科技股份有限公司", "上海矽睿科技有限公司")
    assert not names_match("南京蓝鸟科技有限公司", "苏州蓝鸟科技有限公司")
    assert not names_match("上海嘉峪智能科技有限公司", "上海嘉裕智能科技有限公司")
    assert not names_match("", "")


def test_the_labelled_set_is_large_and_balanced_enough():
    rows = labelled_pairs()
    assert len(rows) >= 60
    assert sum(same for _a, _b, same in rows) >= 25
    assert sum(not same for _a, _b, same in rows) >= 25


def test_duplicate_detection_precision_and_recall_on_labelled_name_pairs():
    """Precision and recall of "normalise alike" (``names_match``) on tests/data/name_pairs.tsv."""
    tp = fp = fn = 0
    key_tp = key_fp = 0
    for a, b, same in labelled_pairs():
        predicted = names_match(a, b)
        tp += predicted and same
        fp += predicted and not same
        fn += same and not predicted
        by_key = normalise_org_name(a) == normalise_org_name(b)
        key_tp += by_key and same
        key_fp += by_key and not same
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(
        f"\nduplicate names: precision {precision:.3f}, recall {recall:.3f} "
        f"(tp={tp}, fp={fp}, fn={fn}); key equality alone, without the place check: "
        f"precision {key_tp / (key_tp + key_fp):.3f}"
    )
    assert precision >= 0.95
    assert recall >= 0.8


# --- the selector --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_candidate_pairs_across_cities_by_name():
    a = OrganisationFactory(name="上海嬴彻科技有限公司", city=city("suzhou"))
    b = OrganisationFactory(name="嬴彻科技（上海）有限公司", city=city("nanjing"))
    OrganisationFactory(name="南京蓝鸟科技有限公司", city=city("nanjing"))
    OrganisationFactory(name="苏州蓝鸟科技有限公司", city=city("suzhou"))
    OrganisationFactory(name="上海嘉裕智能科技有限公司")
    OrganisationFactory(name="上海嘉峪智能科技有限公司")
    [candidate] = candidate_pairs()
    assert (candidate.a, candidate.b, candidate.reason, candidate.key) == (a, b, "name", "嬴彻科技")


@pytest.mark.django_db
def test_candidate_pairs_within_a_city_and_groups_of_three():
    names = ["南京擎天科技股份有限公司", "南京擎天科技有限责任公司", "擎天科技（南京）有限公司"]
    orgs = [OrganisationFactory(name=n) for n in names]
    pairs = {(c.a.pk, c.b.pk) for c in candidate_pairs()}
    assert pairs == {(orgs[0].pk, orgs[1].pk), (orgs[0].pk, orgs[2].pk), (orgs[1].pk, orgs[2].pk)}


@pytest.mark.django_db
def test_candidate_pairs_by_credit_code_even_with_unrelated_names():
    # The database refuses two identical codes; the same code typed in another case slips through.
    a = OrganisationFactory(name="上海晓途网络科技有限公司", credit_code="91310000MA1FL1XQ3B")
    b = OrganisationFactory(name="晓途信息咨询（上海）有限公司", credit_code="91310000ma1fl1xq3b")
    [candidate] = candidate_pairs()
    assert (candidate.a, candidate.b, candidate.reason, candidate.key) == (
        a,
        b,
        "credit_code",
        "91310000MA1FL1XQ3B",
    )


@pytest.mark.django_db
def test_credit_code_wins_when_a_pair_shares_code_and_name():
    OrganisationFactory(name="上海假面科技有限公司", credit_code="91310000MA1FL1XQ3B")
    OrganisationFactory(
        name="上海假面科技有限责任公司", credit_code="91310000ma1fl1xq3b", city=city("suzhou")
    )
    assert [c.reason for c in candidate_pairs()] == ["credit_code"]


@pytest.mark.django_db
def test_candidate_pairs_for_a_city_need_one_record_in_it():
    OrganisationFactory(name="上海嬴彻科技有限公司", city=city("suzhou"))
    OrganisationFactory(name="嬴彻科技（上海）有限公司", city=city("nanjing"))
    OrganisationFactory(name="无锡芯朋微电子股份有限公司", city=city("wuxi"))
    OrganisationFactory(name="无锡芯朋微电子有限公司", city=city("wuxi"))
    nanjing = city("nanjing").pk
    assert [c.key for c in candidate_pairs(city_id=nanjing)] == ["嬴彻科技"]
    assert [c.key for c in candidate_pairs(city_id=city("wuxi").pk)] == ["芯朋微电子"]
    assert candidate_pairs(city_id=city("changzhou").pk) == []


@pytest.mark.django_db
def test_candidate_pairs_leave_out_organisations_merged_away_but_not_other_archived_ones():
    OrganisationFactory(name="上海嬴彻科技有限公司")
    OrganisationFactory(
        name="嬴彻科技（上海）有限公司", status="archived", status_reason="已合并至 上海嬴彻科技有限公司 (#1)"
    )
    assert candidate_pairs() == []
    OrganisationFactory(name="嬴彻科技有限公司", status="archived", status_reason="企业注销")
    assert len(candidate_pairs()) == 1


@pytest.mark.django_db
def test_candidate_pairs_take_a_queryset_and_a_constant_number_of_queries(django_assert_max_num_queries):
    Organisation.objects.bulk_create(
        [
            Organisation(name=f"测试{i:04d}号科技有限公司", kind="enterprise", city=city("nanjing"))
            for i in range(2000)
        ]
        + [Organisation(name="测试0007号科技（南京）有限公司", kind="enterprise", city=city("suzhou"))]
    )
    with django_assert_max_num_queries(4):
        pairs = candidate_pairs()
    assert [c.key for c in pairs] == ["测试0007号科技"]
    assert candidate_pairs(Organisation.objects.filter(city__slug="nanjing")) == []
