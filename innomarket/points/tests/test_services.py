"""创新积分 services: recompute against the engine, percentiles, versioning, permissions and consent."""

from decimal import Decimal

import pytest

from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.common.tests.factories import alliance_admin, city_admin, member_of
from innomarket.notifications.models import Notification
from innomarket.organisations.models import Organisation, OrganisationProfile
from innomarket.points import engine, selectors, services
from innomarket.points.models import ConsentEvent, EnterpriseScore, IndicatorDefinition, IndicatorSet

from .helpers import bank, enterprise, population

pytestmark = pytest.mark.django_db


def test_recompute_scores_every_enterprise_exactly_as_score_one_with_its_explanation():
    firms = population()
    assert services.score_recompute() == len(firms)
    current = selectors.current_set()
    eng = current.to_engine()
    for firm in firms:
        score = selectors.current_score(organisation=firm)
        reference = engine.score_one(eng, score.values)
        assert (score.total, score.tier) == (reference.total, reference.tier)
        assert [r["weighted"] for r in score.explanation] == [str(r.weighted) for r in reference.indicators]
        assert sum(Decimal(r["weighted"]) for r in score.explanation) == score.total
        if reference.best_gain is not None:
            assert score.best_gain["key"] == reference.best_gain.key
            assert Decimal(score.best_gain["gain"]) == reference.best_gain.gain
    # derived values come from the profile: R&D intensity = 900 / 12000
    first = selectors.current_score(organisation=firms[0])
    assert first.values["rd-intensity"] == 7.5 and first.values["revenue-growth"] == pytest.approx(33.3333)
    # the firm without R&D figures has them flagged missing, scored 0
    third = selectors.current_score(organisation=firms[2])
    assert {r["key"] for r in third.explanation if r["missing"]} >= {"rd-expense", "rd-intensity", "rd-staff"}


def test_recompute_is_idempotent_and_follows_a_changed_profile():
    firms = population()
    services.score_recompute()
    before = {s.pk: s.computed_at for s in EnterpriseScore.objects.all()}
    assert services.score_recompute() == 0
    assert {s.pk: s.computed_at for s in EnterpriseScore.objects.all()} == before

    OrganisationProfile.objects.filter(organisation=firms[2]).update(rd_expense_wan=Decimal(3000))
    assert services.score_recompute(organisation_ids=[firms[2].pk]) >= 1
    assert selectors.current_score(organisation=firms[2]).values["rd-expense"] == 3000.0


def test_percentiles_within_the_city_and_the_alliance_match_the_engine():
    population()
    services.score_recompute()
    scores = list(EnterpriseScore.objects.all())
    totals = [float(s.total) for s in scores]
    for score in scores:
        in_city = [float(s.total) for s in scores if s.city_id == score.city_id]
        assert float(score.percentile_city) == pytest.approx(
            engine.percentile(in_city, float(score.total)), abs=0.005
        )
        assert float(score.percentile_alliance) == pytest.approx(
            engine.percentile(totals, float(score.total)), abs=0.005
        )
    best = max(scores, key=lambda s: s.total)
    assert best.percentile_alliance == Decimal("100.00")


def test_platform_records_count_qualification_tags_and_cooperation_projects():
    from innomarket.lists.models import Cooperation
    from innomarket.organisations.models import OrganisationTag

    firm = enterprise("nanjing", revenue_wan=Decimal(100))
    firm.tags.add(*OrganisationTag.objects.filter(slug__in=["hnte", "srdi", "whitelist"]))
    coop = Cooperation.objects.create(
        title="联合攻关示例",
        city=firm.city,
        kind="joint_research",
        phase="present",
        status="published",
        owner=None,
    )
    coop.partners.add(firm)
    services.score_recompute()
    score = selectors.current_score(organisation=firm)
    assert score.values["qualifications"] == 2.0  # 白名单 is no qualification
    assert score.values["cooperation-projects"] == 1.0
    assert score.values["bookings-completed"] == 0.0


def test_only_enterprises_with_a_profile_that_are_not_archived_are_scored():
    firm = enterprise("nanjing", revenue_wan=Decimal(100))
    bank("nanjing")
    Organisation.objects.create(name="无数据企业", kind="enterprise", city=firm.city, status="published")
    services.score_recompute()
    assert list(EnterpriseScore.objects.values_list("organisation_id", flat=True)) == [firm.pk]
    Organisation.objects.filter(pk=firm.pk).update(status="archived")
    assert services.score_recompute() == 1
    assert not EnterpriseScore.objects.exists()


# ---------------------------------------------------------------- versions


def test_publishing_a_new_version_never_changes_scores_under_the_old_one():
    firms = population()
    services.score_recompute()
    v1 = selectors.current_set()
    old = {s.organisation_id: (s.total, s.tier, s.explanation) for s in EnterpriseScore.objects.all()}
    admin = alliance_admin()

    draft = services.indicator_set_copy(actor=admin, indicator_set=v1)
    assert (draft.version, draft.status, draft.definitions.count()) == (2, "draft", v1.definitions.count())
    weight = draft.definitions.get(key="rd-expense")
    weight.weight = Decimal("20")
    services.indicator_definition_save(actor=admin, definition=weight)
    draft.tier_cutoffs = {"A": 50, "B": 30, "C": 10, "D": 0}
    services.indicator_set_update(actor=admin, indicator_set=draft)
    services.indicator_set_publish(actor=admin, indicator_set=draft)

    v1.refresh_from_db()
    assert v1.status == "retired" and selectors.current_set() == draft
    assert {s.organisation_id: (s.total, s.tier, s.explanation) for s in v1.scores.all()} == old
    assert draft.scores.count() == len(firms)
    # a second recompute still leaves V1 alone
    OrganisationProfile.objects.filter(organisation=firms[0]).update(rd_expense_wan=Decimal(1))
    services.score_recompute()
    assert {s.organisation_id: (s.total, s.tier, s.explanation) for s in v1.scores.all()} == old
    assert selectors.current_score(organisation=firms[0]).indicator_set == draft
    assert [s.indicator_set.version for s in selectors.past_scores(organisation=firms[0])] == [1]


def test_tier_cut_offs_are_configurable_per_version():
    firm = enterprise(
        "nanjing", revenue_wan=Decimal(1000), revenue_prev_wan=Decimal(800), rd_expense_wan=Decimal(60)
    )
    services.score_recompute()
    score = selectors.current_score(organisation=firm)
    assert score.tier == "D"
    admin = alliance_admin()
    draft = services.indicator_set_copy(actor=admin, indicator_set=selectors.current_set())
    cut = score.total
    draft.tier_cutoffs = {"A": str(cut), "B": str(cut - 1), "C": str(cut - 2), "D": 0}
    services.indicator_set_update(actor=admin, indicator_set=draft)
    services.indicator_set_publish(actor=admin, indicator_set=draft)
    assert selectors.current_score(organisation=firm).tier == "A"


@pytest.mark.parametrize(
    "cutoffs",
    [
        {"A": 60, "B": 75, "C": 40, "D": 0},
        {"A": 75, "B": 60, "C": 40},
        {"A": "x", "B": 60, "C": 40, "D": 0},
        [],
    ],
)
def test_bad_tier_cut_offs_are_refused_on_the_field(cutoffs):
    draft = services.indicator_set_copy(actor=alliance_admin(), indicator_set=selectors.current_set())
    draft.tier_cutoffs = cutoffs
    with pytest.raises(ApplicationError) as error:
        services.indicator_set_update(actor=alliance_admin(username="a2"), indicator_set=draft)
    assert error.value.extra["field"] == "tier_cutoffs"


def test_a_published_set_cannot_be_edited():
    admin = alliance_admin()
    current = selectors.current_set()
    definition = current.definitions.first()
    definition.weight = Decimal(50)
    with pytest.raises(ApplicationError, match="不能修改"):
        services.indicator_definition_save(actor=admin, definition=definition)
    current.name = "改名"
    with pytest.raises(ApplicationError, match="不能修改"):
        services.indicator_set_update(actor=admin, indicator_set=current)
    with pytest.raises(ApplicationError, match="不能修改"):
        services.indicator_set_publish(actor=admin, indicator_set=current)
    assert IndicatorDefinition.objects.get(pk=definition.pk).weight != Decimal(50)


def test_an_invalid_curve_is_refused_and_an_empty_set_cannot_be_published():
    admin = alliance_admin()
    draft = services.indicator_set_copy(actor=admin, indicator_set=selectors.current_set())
    definition = draft.definitions.first()
    definition.steps = [[10, 0.5], [5, 1]]
    with pytest.raises(Exception, match="计分档位无效"):
        services.indicator_definition_save(actor=admin, definition=definition)
    empty = IndicatorSet(name="空", tier_cutoffs={"A": 75, "B": 60, "C": 40, "D": 0})
    services.indicator_set_update(actor=admin, indicator_set=empty)
    with pytest.raises(ApplicationError, match="还没有指标"):
        services.indicator_set_publish(actor=admin, indicator_set=empty)


def test_only_alliance_administrators_copy_and_publish():
    current = selectors.current_set()
    firm = enterprise()
    for user in (city_admin("nanjing"), member_of(firm)):
        with pytest.raises(PermissionDenied):
            services.indicator_set_copy(actor=user, indicator_set=current)
    draft = services.indicator_set_copy(actor=alliance_admin(), indicator_set=current)
    with pytest.raises(PermissionDenied):
        services.indicator_set_publish(actor=city_admin("suzhou", username="sz"), indicator_set=draft)
    assert selectors.current_set() == current


# ---------------------------------------------------------------- consent


def test_an_enterprise_member_grants_and_revokes_consent_and_the_bank_is_told():
    firm = enterprise()
    services.score_recompute()
    member = member_of(firm)
    lender = bank()
    banker = member_of(lender, username="banker")

    consent = services.consent_grant(actor=member, organisation=firm, institution=lender)
    assert selectors.has_consent(organisation=firm, institution=lender)
    assert list(selectors.consenting_scores(institution=lender)) == [
        selectors.current_score(organisation=firm)
    ]
    assert selectors.visible_score_for_institution(user=banker, organisation=firm) is not None
    assert Notification.objects.filter(recipient=banker, kind="points_consent_granted").exists()

    with pytest.raises(ApplicationError) as twice:
        services.consent_grant(actor=member, organisation=firm, institution=lender)
    assert twice.value.extra["field"] == "institution"

    services.consent_revoke(actor=member, consent=consent)
    assert not selectors.has_consent(organisation=firm, institution=lender)
    assert not selectors.consenting_scores(institution=lender).exists()
    assert selectors.visible_score_for_institution(user=banker, organisation=firm) is None
    assert Notification.objects.filter(recipient=banker, kind="points_consent_revoked").exists()
    with pytest.raises(ApplicationError, match="已撤回"):
        services.consent_revoke(actor=member, consent=consent)
    assert list(ConsentEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "granted",
        "revoked",
    ]

    # granted again after a revocation: a new consent, the old one stays in the history
    again = services.consent_grant(actor=member, organisation=firm, institution=lender)
    assert again.pk != consent.pk and selectors.consents_of(organisation=firm).count() == 2


def test_only_members_of_the_enterprise_grant_or_revoke():
    firm = enterprise()
    lender = bank()
    for outsider in (member_of(lender, username="banker"), city_admin("nanjing"), alliance_admin()):
        with pytest.raises(PermissionDenied):
            services.consent_grant(actor=outsider, organisation=firm, institution=lender)
    consent = services.consent_grant(actor=member_of(firm), organisation=firm, institution=lender)
    with pytest.raises(PermissionDenied):
        services.consent_revoke(actor=member_of(lender, username="banker2"), consent=consent)
    assert selectors.has_consent(organisation=firm, institution=lender)


def test_consent_goes_only_to_verified_banks_investors_and_guarantors():
    firm = enterprise()
    member = member_of(firm)
    for other in (
        enterprise("suzhou"),
        bank(kind=Organisation.Kind.UNIVERSITY),
        bank(status="submitted"),
    ):
        with pytest.raises(ApplicationError) as error:
            services.consent_grant(actor=member, organisation=firm, institution=other)
        assert error.value.extra["field"] == "institution"
    for kind in ("bank", "investor", "guarantor"):
        services.consent_grant(actor=member, organisation=firm, institution=bank(kind=kind))
    a_bank = bank()
    with pytest.raises(ApplicationError, match="只有企业"):
        services.consent_grant(actor=member_of(a_bank, username="x"), organisation=a_bank, institution=bank())


def test_tiers_rank_a_best():
    assert [selectors.tier_rank(t) for t in ("A", "B", "C", "D", None, "Z")] == [0, 1, 2, 3, 4, 4]
    assert selectors.tier_meets(tier="A", required="B") and selectors.tier_meets(tier="B", required="B")
    assert not selectors.tier_meets(tier="C", required="B") and not selectors.tier_meets(
        tier=None, required="D"
    )


def test_an_import_of_many_profiles_queues_one_recompute(django_capture_on_commit_callbacks):
    """An Excel import of many rows must not queue one full recompute per row."""
    from innomarket.points.services import score_recompute_batch, score_recompute_queue

    with django_capture_on_commit_callbacks() as callbacks, score_recompute_batch():
        for organisation_id in (5, 3, 5, 9):
            score_recompute_queue(organisation_id=organisation_id)
    assert len(callbacks) == 1

    with django_capture_on_commit_callbacks() as callbacks:
        score_recompute_queue(organisation_id=3)
        score_recompute_queue(organisation_id=4)
    assert len(callbacks) == 2


def test_a_failed_batch_queues_nothing(django_capture_on_commit_callbacks):
    from innomarket.points.services import score_recompute_batch, score_recompute_queue

    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        score_recompute_batch(),
    ):
        score_recompute_queue(organisation_id=1)
        raise RuntimeError("row 7 refused")
    assert callbacks == []
