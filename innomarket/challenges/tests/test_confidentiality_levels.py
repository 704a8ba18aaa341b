"""保密等级 × role: who reads a challenge's full text, who opens its attachments, who must sign the terms
before bidding — for each of 公开, 注册机构可见全文 and 签署保密条款后可见全文, through the site's own pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from innomarket.challenges import access, services
from innomarket.challenges.models import Challenge, DisclosureView, TermsAcceptance
from innomarket.common.exceptions import ApplicationError
from innomarket.common.tests.factories import OrganisationFactory, UserFactory, city, member_of

pytestmark = pytest.mark.django_db

SECRET = "储能电站电池包在高温工况下存在热失控风险"  # COMPLETE_CHALLENGE["problem_statement"]
LEVELS = [c.value for c in Challenge.Confidentiality]
ROLES = (
    "visitor",
    "no_organisation",
    "unverified_member",
    "verified_member",
    "verified_member_with_terms",
    "shortlisted_bidder",
    "owner",
    "city_admin",
    "other_city_admin",
    "evaluator",
)

# role → (reads the full text, opens attachments), per level. Attachments are never public.
EXPECTED = {
    "public": {
        "visitor": (True, False),
        "no_organisation": (True, False),
        "unverified_member": (True, False),
        "verified_member": (True, False),
        "verified_member_with_terms": (True, False),
        "shortlisted_bidder": (True, True),
        "owner": (True, True),
        "city_admin": (True, True),
        "other_city_admin": (True, False),
        "evaluator": (True, True),
    },
    "members": {
        "visitor": (False, False),
        "no_organisation": (False, False),
        "unverified_member": (False, False),
        "verified_member": (True, False),
        "verified_member_with_terms": (True, False),
        "shortlisted_bidder": (True, True),
        "owner": (True, True),
        "city_admin": (True, True),
        "other_city_admin": (False, False),
        "evaluator": (True, True),
    },
    "confidential": {
        "visitor": (False, False),
        "no_organisation": (False, False),
        "unverified_member": (False, False),
        "verified_member": (False, False),
        "verified_member_with_terms": (True, False),
        "shortlisted_bidder": (True, True),
        "owner": (True, True),
        "city_admin": (True, True),
        "other_city_admin": (False, False),
        "evaluator": (True, True),
    },
}


def _user_for(role: str, world, challenge: Challenge):
    if role == "visitor":
        return None
    if role == "no_organisation":
        return UserFactory(username="lonely")
    if role == "unverified_member":
        pending = OrganisationFactory(name="待核验的研究所", status="submitted", city=city("nanjing"))
        return member_of(pending, username="pending-member")
    if role == "verified_member":
        return world.bidder_b
    if role == "verified_member_with_terms":
        if access.requires_terms(challenge):
            services.terms_accept(actor=world.bidder_b, challenge=challenge)
        return world.bidder_b
    if role == "shortlisted_bidder":
        services.bid_shortlist(actor=world.owner_user, bid=world.bid(challenge, "a"))
        return world.bidder_a
    if role == "owner":
        return world.owner_user
    if role == "city_admin":
        return world.admin
    if role == "other_city_admin":
        return world.other_admin
    assignment = services.evaluator_assign(actor=world.owner_user, challenge=challenge, expert=world.expert)
    services.evaluator_declare(actor=world.expert_user, assignment=assignment, has_conflict=False)
    return world.expert_user


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("level", LEVELS)
def test_each_level_opens_the_text_and_attachments_to_the_right_people(world, level, role):
    challenge = world.challenge(status="bidding", confidentiality=level)
    (attachment,) = services.challenge_attach(
        actor=world.owner_user,
        challenge=challenge,
        files=[SimpleUploadedFile("工艺图纸.pdf", b"%PDF-1.4 drawing", content_type="application/pdf")],
    )
    user = _user_for(role, world, challenge)
    client = Client()
    if user is not None:
        client.force_login(user)

    body = client.get(challenge.get_absolute_url()).content.decode()
    download = client.get(
        reverse("challenges:attachment", kwargs={"pk": challenge.pk, "attachment_pk": attachment.pk})
    )

    reads, opens = EXPECTED[level][role]
    assert (SECRET in body) is reads
    assert (download.status_code == 200) is opens
    assert f"保密等级：{challenge.get_confidentiality_display()}" in body
    # Terms are offered only where they exist, and only to someone who could sign them.
    offers_terms = "同意并查看全文" in body
    assert offers_terms is (level == "confidential" and role == "verified_member")


@pytest.mark.parametrize("level", LEVELS)
def test_terms_are_asked_for_only_on_a_confidential_challenge(world, level):
    challenge = world.challenge(status="bidding", confidentiality=level)
    client = Client()
    client.force_login(world.bidder_a)

    form = client.get(reverse("challenges:bid-new", kwargs={"pk": challenge.pk}))
    accept = client.post(reverse("challenges:terms-accept", kwargs={"pk": challenge.pk}))

    if level == "confidential":
        assert form.status_code == 302 and form["Location"].endswith("#terms")
        assert TermsAcceptance.objects.filter(challenge=challenge).count() == 1
        with pytest.raises(ApplicationError):
            services.bid_create(
                actor=world.bidder_b,
                challenge=challenge,
                organisation=world.uni_b,
                data=services.BidData.from_mapping(
                    {"team": "课题组", "approach": "方案", "milestones": "2027-03-31 设计", "price": "100"}
                ),
                submit=True,
            )
    else:
        assert form.status_code == 200  # straight to the bid form
        assert accept.status_code == 302
        assert not TermsAcceptance.objects.exists()
        bid = world.bid(challenge, "b")  # no terms needed
        assert bid.status == "submitted"


def test_the_terms_state_the_real_level_and_reading_a_public_text_is_not_logged(world):
    confidential = world.challenge(status="bidding", confidentiality="confidential")
    public = world.challenge(status="bidding", confidentiality="public")
    members = world.challenge(status="bidding", confidentiality="members")
    client = Client()
    client.force_login(world.bidder_a)

    terms_page = client.get(confidential.get_absolute_url()).content.decode()
    client.get(public.get_absolute_url())
    client.get(members.get_absolute_url())

    assert "本榜单的保密等级：签署保密条款后可见全文" in terms_page
    logged = set(DisclosureView.objects.values_list("challenge_id", flat=True))
    assert logged == {members.pk}  # the members-only text read by a member; the public one is public


def test_a_visitor_is_told_what_the_level_asks_of_them(world):
    members = world.challenge(status="bidding", confidentiality="members")
    confidential = world.challenge(status="bidding", confidentiality="confidential")

    members_page = Client().get(members.get_absolute_url()).content.decode()
    confidential_page = Client().get(confidential.get_absolute_url()).content.decode()

    assert "登录后即可查看，无需签署保密条款" in members_page
    assert "登录并签署保密条款后即可查看" in confidential_page


def test_a_new_challenge_form_starts_at_the_most_protective_level(world):
    client = Client()
    client.force_login(world.owner_user)
    body = client.get(reverse("site:workspace-challenge-new"), follow=True).content.decode()
    assert 'value="confidential" selected' in body
    assert "附件在任何等级下都只向入围揭榜方和评审专家开放" in body
