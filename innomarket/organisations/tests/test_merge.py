"""合并重复机构: permissions, what moves, what stays, and that nothing points at the duplicate."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from innomarket.challenges.models import Bid, Invitation, TermsAcceptance
from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.common.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    alliance_admin,
    city,
    city_admin,
    member_of,
)
from innomarket.organisations import merge as merge_module
from innomarket.organisations.dedupe import candidate_pairs
from innomarket.organisations.merge import _foreign_keys_to_organisation, merge, merged_reason
from innomarket.organisations.models import Membership, Organisation
from innomarket.regions.tests.helpers import make_listing
from innomarket.verification.models import StatusEvent
from innomarket.vouchers.models import Voucher, VoucherProgram

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    keep = OrganisationFactory(name="上海黑湖网络科技有限公司", city=city("suzhou"))
    remove = OrganisationFactory(
        name="黑湖网络科技（上海）有限公司", city=city("nanjing"), credit_code="91310000MA1FL1XQ3B"
    )
    return keep, remove


@pytest.fixture
def reindexed(monkeypatch):
    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(merge_module, "schedule_reindex", lambda key, pk: calls.append((key, pk)))
    return calls


def events_of(record) -> list[StatusEvent]:
    ct = ContentType.objects.get_for_model(type(record))
    return list(StatusEvent.objects.filter(content_type=ct, object_id=record.pk).order_by("id"))


def points_at(organisation: Organisation) -> dict[str, int]:
    """Rows of every model whose foreign key still references ``organisation`` (own tag tables aside)."""
    found = {}
    for model, field_name in _foreign_keys_to_organisation():
        n = model._base_manager.filter(**{field_name: organisation}).count()
        if n:
            found[f"{model._meta.label}.{field_name}"] = n
    return found


# --- permissions ---------------------------------------------------------------------------------


def test_member_cannot_merge(pair):
    keep, remove = pair
    with pytest.raises(PermissionDenied):
        merge(actor=member_of(keep), keep=keep, remove=remove)


def test_city_admin_of_one_city_only_cannot_merge(pair):
    keep, remove = pair
    with pytest.raises(PermissionDenied):
        merge(actor=city_admin("nanjing"), keep=keep, remove=remove)
    remove.refresh_from_db()
    assert remove.status == "published"


def test_city_admin_merges_two_records_of_their_city():
    keep = OrganisationFactory(name="南京擎天科技股份有限公司", city=city("nanjing"))
    remove = OrganisationFactory(name="南京擎天科技有限责任公司", city=city("nanjing"))
    result = merge(actor=city_admin("nanjing"), keep=keep, remove=remove)
    assert result.removed.status == "archived"


def test_alliance_admin_merges_across_cities(pair, reindexed):
    keep, remove = pair
    result = merge(actor=alliance_admin(), keep=keep, remove=remove, reason="同一家企业")
    assert result.keep.pk == keep.pk
    assert ("organisation", keep.pk) in reindexed and ("organisation", remove.pk) in reindexed


def test_merging_an_organisation_with_itself_is_refused(pair):
    keep, _remove = pair
    with pytest.raises(ApplicationError, match="自己"):
        merge(actor=alliance_admin(), keep=keep, remove=keep)


def test_an_organisation_merged_away_cannot_be_merged_again(pair):
    keep, remove = pair
    admin = alliance_admin()
    merge(actor=admin, keep=keep, remove=remove)
    other = OrganisationFactory(name="黑湖网络科技有限公司")
    with pytest.raises(ApplicationError, match="已被合并"):
        merge(actor=admin, keep=other, remove=Organisation.objects.get(pk=remove.pk))
    with pytest.raises(ApplicationError, match="已被合并"):
        merge(actor=admin, keep=Organisation.objects.get(pk=remove.pk), remove=other)


# --- what moves ----------------------------------------------------------------------------------


def test_listings_of_every_kind_move_to_the_kept_organisation(pair, reindexed):
    keep, remove = pair
    policy = make_listing("policy", city="nanjing", owner=remove)
    space = make_listing("space", city="nanjing", owner=remove, status="draft")
    challenge = make_listing("challenge", city="nanjing", owner=remove)
    result = merge(actor=alliance_admin(), keep=keep, remove=remove)
    for record in (policy, space, challenge):
        record.refresh_from_db()
        assert record.owner_id == keep.pk
        assert record.city.slug == "nanjing"  # a listing keeps its own city
    assert result.moved["policies.Policy"] == 1
    assert result.moved["resources.Space"] == 1
    assert {("policy", policy.pk), ("space", space.pk), ("challenge", challenge.pk)} <= set(reindexed)


def test_memberships_move_and_a_person_in_both_keeps_the_stronger_role(pair):
    keep, remove = pair
    only_removed = UserFactory()
    MembershipFactory(user=only_removed, organisation=remove, role="member")
    both = UserFactory()
    MembershipFactory(user=both, organisation=keep, role="member")
    MembershipFactory(user=both, organisation=remove, role="admin")
    result = merge(actor=alliance_admin(), keep=keep, remove=remove)
    assert Membership.objects.get(user=only_removed).organisation_id == keep.pk
    assert Membership.objects.get(user=both).role == "admin"
    assert Membership.objects.get(user=both).organisation_id == keep.pk
    assert not Membership.objects.filter(organisation=remove).exists()
    assert result.dropped["organisations.Membership"] == 1


def test_bids_move_and_competing_live_bids_refuse_the_merge(pair):
    keep, remove = pair
    owner = OrganisationFactory(name="发榜企业")
    first = make_listing("challenge", city="nanjing", owner=owner, title="榜单一")
    second = make_listing("challenge", city="nanjing", owner=owner, title="榜单二")
    Bid.objects.create(challenge=first, organisation=keep, status="submitted")
    competing = Bid.objects.create(challenge=first, organisation=remove, status="submitted")
    other = Bid.objects.create(challenge=second, organisation=remove, status="draft")
    admin = alliance_admin()

    with pytest.raises(ApplicationError, match="榜单一") as refused:
        merge(actor=admin, keep=keep, remove=remove)
    assert refused.value.code == "merge_live_bids_conflict"
    competing.refresh_from_db()
    assert competing.organisation_id == remove.pk  # nothing written

    competing.status = "withdrawn"
    competing.save()
    merge(actor=admin, keep=keep, remove=remove)
    assert set(Bid.objects.filter(organisation=keep).values_list("pk", flat=True)) >= {competing.pk, other.pk}


def test_invitations_collapse_to_one_per_challenge_keeping_the_strongest_answer(pair):
    keep, remove = pair
    owner = OrganisationFactory(name="发榜企业")
    challenge = make_listing("challenge", city="nanjing", owner=owner)
    lone = make_listing("challenge", city="nanjing", owner=owner)
    via = {"via_type": "space", "via_id": 1, "via_title": "依据"}
    kept = Invitation.objects.create(challenge=challenge, organisation=keep, status="sent", **via)
    Invitation.objects.create(challenge=challenge, organisation=remove, status="bid", **via)
    moved = Invitation.objects.create(challenge=lone, organisation=remove, **via)
    merge(actor=alliance_admin(), keep=keep, remove=remove)
    kept.refresh_from_db()
    moved.refresh_from_db()
    assert kept.status == "bid"
    assert moved.organisation_id == keep.pk
    assert Invitation.objects.filter(challenge=challenge).count() == 1


def test_partners_vouchers_terms_and_units_move(pair):
    keep, remove = pair
    owner = OrganisationFactory(name="合作发起方")
    both_partners = make_listing("cooperation", city="nanjing", owner=owner)
    both_partners.partners.add(keep, remove)
    removed_partner = make_listing("cooperation", city="nanjing", owner=owner)
    removed_partner.partners.add(remove)
    program = VoucherProgram.objects.create(city=city("nanjing"), name="创新券")
    voucher = Voucher.objects.create(program=program, code="V1", enterprise=remove, amount_wan=Decimal("1"))
    challenge = make_listing("challenge", city="nanjing", owner=owner)
    terms = TermsAcceptance.objects.create(
        challenge=challenge, user=UserFactory(), organisation=remove, terms_version="1"
    )
    unit = OrganisationFactory(name="研发中心", parent=remove)

    merge(actor=alliance_admin(), keep=keep, remove=remove)

    assert list(both_partners.partners.all()) == [keep]
    assert list(removed_partner.partners.all()) == [keep]
    voucher.refresh_from_db()
    terms.refresh_from_db()
    unit.refresh_from_db()
    assert (voucher.enterprise_id, terms.organisation_id, unit.parent_id) == (keep.pk, keep.pk, keep.pk)


def test_a_unit_of_the_removed_organisation_kept_does_not_become_its_own_parent():
    head = OrganisationFactory(name="南京擎天科技集团有限公司")
    remove = OrganisationFactory(name="南京擎天科技集团", parent=head)
    keep = OrganisationFactory(name="擎天科技集团（南京）有限公司", parent=remove)
    merge(actor=alliance_admin(), keep=keep, remove=remove)
    keep.refresh_from_db()
    assert keep.parent_id == head.pk


def test_nothing_points_at_the_removed_organisation_afterwards(pair):
    keep, remove = pair
    owner = OrganisationFactory(name="发榜企业")
    challenge = make_listing("challenge", city="nanjing", owner=owner)
    for type_key in ("policy", "space", "achievement", "event", "expert"):
        make_listing(type_key, city="nanjing", owner=remove)
    Bid.objects.create(challenge=challenge, organisation=remove, status="submitted")
    Invitation.objects.create(challenge=challenge, organisation=remove, via_type="x", via_id=1, via_title="x")
    member_of(remove)
    OrganisationFactory(name="下属单位", parent=remove)
    cooperation = make_listing("cooperation", city="nanjing", owner=remove)
    cooperation.partners.add(remove)
    assert points_at(remove)  # the fixture really references it

    merge(actor=alliance_admin(), keep=keep, remove=remove)

    assert points_at(remove) == {}


# --- what stays ----------------------------------------------------------------------------------


def test_the_removed_organisation_is_archived_with_its_history_kept(pair):
    keep, remove = pair
    earlier = StatusEvent.objects.create(
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=remove.pk,
        from_status="submitted",
        to_status="published",
        reason="核验通过",
    )
    admin = alliance_admin()
    merge(actor=admin, keep=keep, remove=remove, reason="同一统一社会信用代码")
    remove.refresh_from_db()
    assert Organisation.objects.filter(pk=remove.pk).exists()
    assert remove.status == "archived"
    assert remove.status_reason == f"已合并至 上海黑湖网络科技有限公司 (#{keep.pk})" == merged_reason(keep)
    history = events_of(remove)
    assert history[0] == earlier
    assert history[-1].to_status == "archived" and history[-1].actor == admin
    assert "同一统一社会信用代码" in history[-1].reason
    note = events_of(keep)[-1]
    assert "黑湖网络科技（上海）有限公司" in note.reason and f"#{remove.pk}" in note.reason


def test_a_draft_duplicate_is_archived_too_with_an_event():
    keep = OrganisationFactory(name="南京擎天科技股份有限公司")
    remove = OrganisationFactory(name="南京擎天科技有限公司", status="draft")
    merge(actor=alliance_admin(), keep=keep, remove=remove)
    remove.refresh_from_db()
    assert remove.status == "archived"
    assert [(e.from_status, e.to_status) for e in events_of(remove)] == [("draft", "archived")]


def test_the_credit_code_and_missing_details_go_to_the_kept_organisation(pair):
    keep, remove = pair
    remove.address = "上海市长宁区延安西路"
    remove.save()
    result = merge(actor=alliance_admin(), keep=keep, remove=remove)
    keep.refresh_from_db()
    remove.refresh_from_db()
    assert keep.credit_code == "91310000MA1FL1XQ3B" and remove.credit_code == ""
    assert keep.address == "上海市长宁区延安西路"
    assert set(result.filled) == {"address", "credit_code"}
    assert "91310000MA1FL1XQ3B" in events_of(keep)[-1].reason


def test_the_kept_organisation_gains_the_removed_ones_tags_which_keep_theirs(pair):
    from innomarket.common.tests.factories import field_tag

    keep, remove = pair
    remove.fields.add(field_tag("ai"))
    merge(actor=alliance_admin(), keep=keep, remove=remove)
    assert field_tag("ai") in keep.fields.all()
    assert field_tag("ai") in remove.fields.all()


def test_a_merged_pair_is_no_longer_a_candidate(pair):
    keep, remove = pair
    assert [(c.a.pk, c.b.pk) for c in candidate_pairs()] == [(keep.pk, remove.pk)]
    merge(actor=alliance_admin(), keep=keep, remove=remove)
    assert candidate_pairs() == []
