"""创新积分 × 金融产品: the tier a product requires, the fit sentences, and applying with consent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from innomarket.common.exceptions import ApplicationError
from innomarket.common.tests.factories import OrganisationFactory, city, member_of
from innomarket.finance import score_fit, selectors, services
from innomarket.finance.models import FinancialProduct
from innomarket.notifications.models import Notification
from innomarket.organisations.models import Organisation
from innomarket.points import services as points_services
from innomarket.points.models import ScoreConsent
from innomarket.regions.tests.helpers import make_listing
from innomarket.verification.selectors import status_events_for

from .scores import give_score

pytestmark = pytest.mark.django_db


def gate(product: FinancialProduct, tier: str) -> FinancialProduct:
    product.min_tier = tier
    product.uses_innovation_score = True
    product.full_clean()
    product.save()
    return product


def consents(world) -> list[ScoreConsent]:
    return list(ScoreConsent.objects.filter(organisation=world.enterprise, institution=world.bank))


# ---------------------------------------------------------------- the product's requirement


def test_a_tier_requirement_needs_uses_innovation_score(world):
    world.product.min_tier = "B"
    world.product.uses_innovation_score = False

    with pytest.raises(ValidationError) as caught:
        world.product.full_clean()
    assert "uses_innovation_score" in caught.value.message_dict

    with pytest.raises(IntegrityError), transaction.atomic():
        FinancialProduct.objects.filter(pk=world.product.pk).update(min_tier="B", uses_innovation_score=False)


def test_requirement_text(world):
    assert world.product.min_tier_text == ""
    assert gate(world.product, "B").min_tier_text == "B 级及以上"


# ---------------------------------------------------------------- the fit sentences


def test_fit_meets(world):
    gate(world.product, "C")
    give_score(world.enterprise, total="62", tier="B")

    fit = score_fit.fit(product=world.product, organisation=world.enterprise)

    assert fit.state == "meets" and fit.meets
    assert fit.message == "您的积分等级符合（B 级，要求 C 级及以上）"


def test_fit_below_says_what_is_missing_and_what_raises_it_most(world):
    gate(world.product, "B")
    give_score(world.enterprise, total="53.5", tier="C")

    fit = score_fit.fit(product=world.product, organisation=world.enterprise)

    assert fit.state == "below" and not fit.meets
    assert fit.shortfall == Decimal("6.5")
    assert (
        fit.message
        == "需达到 B 级，当前 C 级（还差 6.5 分），最能提分：研发费用占营业收入比例达到 5%（可加 8 分）"
    )
    assert fit.score_url.endswith(f"/o/{world.enterprise.pk}/points/") or fit.score_url.endswith(
        f"/o/{world.enterprise.pk}/"
    )


def test_fit_without_a_score_asks_for_the_figures(world):
    gate(world.product, "C")

    fit = score_fit.fit(product=world.product, organisation=world.enterprise)

    assert fit.state == "no_score"
    assert fit.message == "尚无创新积分，请先填写经营数据"


def test_fit_for_nobody_states_the_requirement(world):
    gate(world.product, "B")

    assert score_fit.fit(product=world.product, organisation=None).message == "本产品要求创新积分 B 级及以上"
    assert score_fit.fit(product=FinancialProduct(min_tier=""), organisation=world.enterprise).state == "none"


def test_viewer_fits_by_role(world, django_user_model):
    gate(world.product, "C")
    give_score(world.enterprise, total="62", tier="B")
    give_score(world.other_enterprise, total="20", tier="D")
    from django.contrib.auth.models import AnonymousUser

    assert [f.state for f in score_fit.fits_for_viewer(AnonymousUser(), world.product)] == ["open"]
    assert [f.state for f in score_fit.fits_for_viewer(world.banker, world.product)] == ["open"]
    assert [f.state for f in score_fit.fits_for_viewer(world.founder, world.product)] == ["meets"]
    # Another enterprise's member sees its own tier, never the first enterprise's.
    other = score_fit.fits_for_viewer(world.outsider, world.product)
    assert [(f.organisation, f.state) for f in other] == [(world.other_enterprise, "below")]


def test_card_notes_only_for_gated_products(world):
    gate(world.product, "C")
    plain = make_listing("product", city="putuo", title="保险", owner=world.bank, product_type="insurance")
    give_score(world.enterprise, total="62", tier="B")

    notes = score_fit.card_notes(world.founder, [world.product, plain])

    assert set(notes) == {world.product.pk}
    assert str(notes[world.product.pk]) == "您的积分等级符合（B 级，要求 C 级及以上）"


def test_products_for_lists_met_and_one_tier_short(world):
    bank = world.bank
    gate(world.product, "C")  # met by B
    strict = gate(
        make_listing("product", city="putuo", title="A级授信", owner=bank, product_type="credit_line"), "A"
    )
    b_level = gate(
        make_listing("product", city="wuxi", title="B级授信", owner=bank, product_type="credit_line"), "B"
    )
    gate(
        make_listing(
            "product", city="putuo", title="草稿产品", owner=bank, status="draft", product_type="other"
        ),
        "D",
    )
    give_score(world.enterprise, total="62", tier="B")

    matches = score_fit.products_for(organisation=world.enterprise)

    assert [m.product for m in matches.meets] == [b_level, world.product]  # the strictest first
    assert [m.product for m in matches.near] == [strict]
    assert matches.near[0].fit.message.startswith("需达到 A 级，当前 B 级（还差 13 分）")
    assert matches.gated_count == 3


def test_products_for_without_score(world):
    gate(world.product, "C")

    matches = score_fit.products_for(organisation=world.enterprise)

    assert matches.score is None and matches.meets == [] and matches.gated_count == 1


# ---------------------------------------------------------------- applying to a gated product


def test_gated_product_refuses_an_enterprise_without_score(world):
    gate(world.product, "C")

    with pytest.raises(ApplicationError) as caught:
        world.apply(share_score=True)

    assert caught.value.code == services.FinanceErrorCode.SCORE_MISSING
    assert caught.value.extra == {"field": "applicant"}
    assert "尚无创新积分" in str(caught.value)
    assert consents(world) == []


def test_gated_product_refuses_a_lower_tier_and_says_by_how_much(world):
    gate(world.product, "B")
    give_score(world.enterprise, total="53.5", tier="C")

    with pytest.raises(ApplicationError) as caught:
        world.apply(share_score=True)

    assert caught.value.code == "tier_below_requirement"
    assert str(caught.value) == (
        "本产品要求创新积分 B 级及以上，“蓝鸟测试科技有限公司”当前为 C 级（还差 6.5 分），"
        "最能提分：研发费用占营业收入比例达到 5%（可加 8 分）。"
    )
    assert consents(world) == []
    assert not world.enterprise.loan_applications.exists()


def test_gated_product_requires_the_consent(world):
    gate(world.product, "C")
    give_score(world.enterprise, total="62", tier="B")

    with pytest.raises(ApplicationError) as caught:
        world.apply()

    assert caught.value.code == "score_consent_required"
    assert caught.value.extra == {"field": "share_score"}
    assert "须同意向普陀某商业银行授权查看本企业创新积分" in str(caught.value)
    assert not world.enterprise.loan_applications.exists()


def test_applying_with_consent_grants_it_and_tells_the_bank_the_tier(
    world, django_capture_on_commit_callbacks
):
    gate(world.product, "C")
    give_score(world.enterprise, total="62", tier="B")

    with django_capture_on_commit_callbacks(execute=True):
        application = world.apply(share_score=True)

    [consent] = consents(world)
    assert consent.is_active and consent.granted_by == world.founder
    assert [e.reason for e in status_events_for(application)] == ["企业已授权查看创新积分：B 级，62 分。"]
    body = Notification.objects.get(recipient=world.banker, kind="loan_application_submitted").body
    assert body.startswith("企业已授权查看创新积分：B 级，62 分。")
    view = selectors.application_score(application)
    assert view.state == "active" and view.score.total == Decimal("62")


def test_an_active_consent_is_not_granted_twice(world):
    gate(world.product, "C")
    give_score(world.enterprise, total="62", tier="B")
    points_services.consent_grant(actor=world.founder, organisation=world.enterprise, institution=world.bank)

    world.apply(share_score=True)

    assert len(consents(world)) == 1


def test_a_refused_application_grants_no_consent(world):
    gate(world.product, "C")
    give_score(world.enterprise, total="62", tier="B")

    with pytest.raises(ApplicationError):
        world.apply(amount="99999", share_score=True)

    assert consents(world) == []


def test_consent_is_optional_for_a_product_that_only_refers_to_the_score(world):
    FinancialProduct.objects.filter(pk=world.product.pk).update(uses_innovation_score=True)
    world.product.refresh_from_db()

    world.apply()  # no score, no consent: fine without a tier requirement
    assert consents(world) == []


def test_optional_consent_is_recorded_when_given(world):
    FinancialProduct.objects.filter(pk=world.product.pk).update(uses_innovation_score=True)
    world.product.refresh_from_db()

    application = world.apply(share_score=True)

    assert len(consents(world)) == 1
    assert selectors.application_score(application).state == "active"


def test_share_score_is_ignored_for_a_product_that_does_not_use_it(world):
    world.apply(share_score=True)

    assert consents(world) == []


def test_revoked_consent_hides_the_score_from_the_application(world):
    gate(world.product, "C")
    give_score(world.enterprise, total="62", tier="B")
    application = world.apply(share_score=True)
    [consent] = consents(world)

    points_services.consent_revoke(actor=world.founder, consent=consent)

    view = selectors.application_score(application)
    assert view.state == "revoked" and view.score is None and view.revoked_at is not None


# ---------------------------------------------------------------- 已授权企业


def test_consenting_enterprises_by_tier_only_active_and_only_own(world):
    give_score(world.enterprise, total="62", tier="B")
    give_score(world.other_enterprise, total="80", tier="A")
    third = OrganisationFactory(name="常州某装备公司", city=city("changzhou"))
    member_of(third, username="third")
    points_services.consent_grant(actor=world.founder, organisation=world.enterprise, institution=world.bank)
    points_services.consent_grant(
        actor=world.outsider, organisation=world.other_enterprise, institution=world.bank
    )
    # A consent to another institution is never listed for this one.
    other_bank = OrganisationFactory(name="另一家银行", kind=Organisation.Kind.BANK, city=city("putuo"))
    third_user = third.membership_set.get().user
    points_services.consent_grant(actor=third_user, organisation=third, institution=other_bank)

    listing = selectors.consenting_enterprises(world.bank)

    assert [(g["tier"], [r.organisation for r in g["rows"]]) for g in listing["groups"]] == [
        ("A", [world.other_enterprise]),
        ("B", [world.enterprise]),
    ]
    assert listing["tier_counts"] == {"A": 1, "B": 1, "C": 0, "D": 0}
    assert listing["total"] == 2 and listing["unscored"] == []
    assert [g["tier"] for g in selectors.consenting_enterprises(world.bank, tier="B")["groups"]] == ["B"]
    assert selectors.consenting_enterprises(world.bank, city_slug="wuxi")["groups"][0]["rows"][
        0
    ].organisation == (world.other_enterprise)

    consent = ScoreConsent.objects.get(organisation=world.other_enterprise, revoked_at__isnull=True)
    points_services.consent_revoke(actor=world.outsider, consent=consent)

    listing = selectors.consenting_enterprises(world.bank)
    assert [r.organisation for g in listing["groups"] for r in g["rows"]] == [world.enterprise]
    assert selectors.consent_count(world.bank) == 1
    assert [
        r.organisation for g in selectors.consenting_enterprises(other_bank)["groups"] for r in g["rows"]
    ] == []
    assert [r.organisation for r in selectors.consenting_enterprises(other_bank)["unscored"]] == [third]


def test_fit_reads_a_score_the_points_service_computed(world):
    """Against a real recompute (the seeded set, not a hand-made score): the sentence names the set's
    indicator that would raise the total most and the points to the required tier."""
    from innomarket.organisations.services import organisation_profile_update
    from innomarket.points import selectors as points

    organisation_profile_update(
        actor=world.founder,
        organisation=world.enterprise,
        data={
            "revenue_wan": Decimal("2000"),
            "revenue_prev_wan": Decimal("2000"),
            "rd_expense_wan": Decimal("40"),
        },
    )
    points_services.score_recompute(organisation_ids=[world.enterprise.pk])
    score = points.current_score(organisation=world.enterprise)
    assert score is not None and score.tier != "A"
    gate(world.product, "A")

    fit = score_fit.fit(product=world.product, organisation=world.enterprise)

    cutoff = Decimal(str(score.indicator_set.tier_cutoffs["A"]))
    assert fit.shortfall == cutoff - score.total
    names = {d.name for d in score.indicator_set.definitions.all()}
    assert score.best_gain["name"] in names
    assert fit.message.startswith(
        f"需达到 A 级，当前 {score.tier} 级（还差 {score_fit.number_text(cutoff - score.total)} 分），最能提分：{score.best_gain['name']}达到 "
    )
