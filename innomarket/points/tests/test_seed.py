from decimal import Decimal

import pytest

from innomarket.points import selectors
from innomarket.points.models import IndicatorSet

pytestmark = pytest.mark.django_db


def test_version_1_is_published_with_three_classes_and_weights_summing_to_100():
    current = selectors.current_set()
    assert current is not None and current.version == 1
    assert "创新积分制" in current.description and "试行校准" in current.description
    definitions = selectors.definitions_of(current)
    assert 15 <= len(definitions) <= 20
    assert sum(d.weight for d in definitions) == Decimal(100)
    assert {d.klass for d in definitions} == {"技术创新", "成长经营", "辅助"}
    engine_set = current.to_engine()
    assert engine_set.floor_tier == "D" and engine_set.tier_labels == ("D", "C", "B", "A")
    assert IndicatorSet.objects.filter(status="published").count() == 1
