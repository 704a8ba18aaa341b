"""The demo scores sample enterprises in several cities; demo-member's enterprise gets a middling tier with
a clear "what would raise it most"."""

import pytest

from innomarket.accounts.models import User
from innomarket.demo.loader import DemoLoader
from innomarket.points import selectors
from innomarket.points.models import EnterpriseScore


@pytest.mark.django_db
def test_sample_enterprises_are_scored_and_demo_member_has_a_tier_to_improve():
    DemoLoader(achievements=6).run()

    scores = EnterpriseScore.objects.filter(indicator_set=selectors.current_set())
    assert scores.values("city").distinct().count() >= 3
    assert (
        scores.count() >= 16
        and not scores.filter(
            organisation__kind="enterprise", organisation__is_sample=False, organisation__profile__isnull=True
        ).exists()
    )
    assert len(set(scores.values_list("tier", flat=True))) >= 3  # the list is not one tier

    member = User.objects.get(username="demo-member")
    own = [
        selectors.current_score(organisation=pk)
        for pk in member.membership_set.values_list("organisation_id", flat=True)
    ]
    own = [s for s in own if s is not None]
    assert own and own[0].tier in ("B", "C")
    assert own[0].best_gain["gain"] and own[0].best_gain["name"]

    again = DemoLoader(achievements=6).run()
    assert again.created["organisations.OrganisationProfile"] == 0
    assert again.updated["organisations.OrganisationProfile"] == 0
    assert again.updated["points.EnterpriseScore"] == 0
