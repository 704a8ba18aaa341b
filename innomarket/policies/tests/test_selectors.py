import pytest

from innomarket.policies.selectors import policy_list, policy_queryset
from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db


def test_policy_queryset_only_returns_public_policies():
    published = make_listing("policy", city="nanjing")
    for status in ("draft", "submitted", "rejected", "archived", "expired"):
        make_listing("policy", city="nanjing", status=status)

    assert list(policy_queryset()) == [published]


def test_policy_list_filters_by_city_type_level_and_keywords():
    wanted = make_listing(
        "policy",
        city="wuxi",
        title="关于支持集成电路产业发展的若干政策",
        issuer="无锡市人民政府",
        support_type="funding",
        level="municipal",
    )
    make_listing("policy", city="wuxi", title="人才政策", support_type="talent", level="municipal")
    make_listing("policy", city="nanjing", title="集成电路政策", support_type="funding", level="municipal")

    result = policy_list(
        filters={
            "city": "wuxi",
            "support_type": "funding",
            "level": "municipal",
            "q": "集成电路 无锡市人民政府",
        }
    )

    assert list(result) == [wanted]


def test_keywords_are_nfkc_normalised():
    wanted = make_listing("policy", city="nanjing", title="AI 产业政策")

    assert list(policy_list(filters={"q": "ＡＩ"})) == [wanted]


def test_unknown_filter_values_are_ignored():
    make_listing("policy", city="nanjing")
    make_listing("policy", city="wuxi")

    assert policy_list(filters={"city": "atlantis", "level": "galactic"}).count() == 2
