"""Organisation registration and membership management."""

import pytest
from django.core.exceptions import ValidationError

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.common.tests import factories as f
from innomarket.common.validators import uscc_check_char
from innomarket.organisations.models import Membership, Organisation
from innomarket.organisations.services import (
    OrganisationErrorCode,
    membership_add,
    membership_remove,
    membership_set_role,
    organisation_register,
)
from innomarket.verification.selectors import status_events_for

pytestmark = pytest.mark.django_db


def uscc(body: str = "91320100MA1N2K3L4") -> str:
    return body + uscc_check_char(body)


def register(actor, **overrides):
    values = {
        "name": "南京示例智能科技有限公司",
        "kind": Organisation.Kind.ENTERPRISE,
        "city": f.city("nanjing"),
        "credit_code": uscc(),
        "address": "南京市玄武区",
    }
    values.update(overrides)
    return organisation_register(actor=actor, **values)


def test_register_creates_a_submitted_organisation_with_the_actor_as_admin():
    actor = f.UserFactory()
    assert roles.member_organisation_ids(actor) == set()  # primes the per-user cache
    org = register(actor, credit_code=uscc().lower(), fields=[f.field_tag("ai")])
    org.refresh_from_db()
    assert org.status == "submitted"
    assert org.source == "form"
    assert org.credit_code == uscc()
    assert list(org.fields.values_list("slug", flat=True)) == ["ai"]
    membership = Membership.objects.get(organisation=org)
    assert (membership.user, membership.role) == (actor, Membership.Role.ADMIN)
    assert roles.is_member_of(actor, org.pk)  # the cache was refreshed
    (event,) = status_events_for(org)
    assert (event.actor, event.from_status, event.to_status) == (actor, "", "submitted")


def test_register_needs_a_signed_in_actor():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        register(AnonymousUser())
    assert not Organisation.objects.filter(name="南京示例智能科技有限公司").exists()


def test_register_says_what_is_wrong_with_the_credit_code():
    body = "91320100MA1N2K3L4"
    wrong = body + ("0" if uscc_check_char(body) != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        register(f.UserFactory(), credit_code=wrong)
    message = " ".join(exc.value.message_dict["credit_code"])
    assert f"校验位错误，应为 {uscc_check_char(body)}" in message
    with pytest.raises(ValidationError) as exc:
        register(f.UserFactory(), credit_code="12345")
    assert "应为 18 位" in " ".join(exc.value.message_dict["credit_code"])
    assert not Membership.objects.exists()


def test_register_refuses_a_credit_code_already_registered():
    existing = f.OrganisationFactory(credit_code=uscc())
    with pytest.raises(ApplicationError) as exc:
        register(f.UserFactory())
    assert exc.value.code == OrganisationErrorCode.DUPLICATE_CREDIT_CODE
    assert exc.value.extra["field"] == "credit_code"
    assert existing.name in str(exc.value)


def test_register_refuses_the_same_name_in_the_same_city():
    f.OrganisationFactory(name="南京示例智能科技有限公司", city=f.city("nanjing"))
    with pytest.raises(ApplicationError) as exc:
        register(f.UserFactory(), credit_code="")
    assert exc.value.code == OrganisationErrorCode.DUPLICATE_NAME
    # the same name in another city is another organisation
    assert register(f.UserFactory(), credit_code="", city=f.city("suzhou")).pk


@pytest.fixture
def org():
    return f.OrganisationFactory()


@pytest.fixture
def admin(org):
    return f.member_of(org)  # MembershipFactory's default role is admin


def test_admin_adds_a_member_by_user_name_or_email(org, admin):
    by_name = f.UserFactory(username="Chen")
    by_email = f.UserFactory(email="Li.Si@Example.com")
    m1 = membership_add(actor=admin, organisation=org, identifier="chen")
    m2 = membership_add(
        actor=admin, organisation=org, identifier=" li.si@example.com ", role=Membership.Role.ADMIN
    )
    assert (m1.user, m1.role) == (by_name, Membership.Role.MEMBER)
    assert (m2.user, m2.role) == (by_email, Membership.Role.ADMIN)
    assert roles.is_member_of(by_name, org.pk)


def test_add_member_errors(org, admin):
    with pytest.raises(ApplicationError) as exc:
        membership_add(actor=admin, organisation=org, identifier="nobody@example.com")
    assert exc.value.code == OrganisationErrorCode.USER_NOT_FOUND
    assert exc.value.extra["field"] == "identifier"
    with pytest.raises(ApplicationError) as exc:
        membership_add(actor=admin, organisation=org, identifier=admin.username)
    assert exc.value.code == OrganisationErrorCode.ALREADY_MEMBER


def test_only_an_organisation_admin_adds_members(org, admin):
    plain = f.UserFactory()
    membership_add(actor=admin, organisation=org, identifier=plain.username)
    newcomer = f.UserFactory()
    for actor in (plain, f.member_of(f.OrganisationFactory()), f.city_admin("suzhou")):
        with pytest.raises(PermissionDenied):
            membership_add(actor=actor, organisation=org, identifier=newcomer.username)
    assert not Membership.objects.filter(user=newcomer).exists()


def test_admin_removes_a_member(org, admin):
    member = membership_add(actor=admin, organisation=org, identifier=f.UserFactory().username)
    membership_remove(actor=admin, membership=member)
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_the_last_admin_cannot_be_removed(org, admin):
    only_admin = Membership.objects.get(user=admin, organisation=org)
    membership_add(actor=admin, organisation=org, identifier=f.UserFactory().username)
    with pytest.raises(ApplicationError) as exc:
        membership_remove(actor=admin, membership=only_admin)
    assert exc.value.code == OrganisationErrorCode.LAST_ADMIN
    assert Membership.objects.filter(pk=only_admin.pk).exists()


def test_an_admin_can_go_once_another_admin_exists(org, admin):
    first = Membership.objects.get(user=admin, organisation=org)
    second = membership_add(
        actor=admin, organisation=org, identifier=f.UserFactory().username, role=Membership.Role.ADMIN
    )
    membership_remove(actor=second.user, membership=first)
    assert list(Membership.objects.filter(organisation=org)) == [second]


def test_a_member_may_leave_but_not_remove_others(org, admin):
    one = membership_add(actor=admin, organisation=org, identifier=f.UserFactory().username)
    two = membership_add(actor=admin, organisation=org, identifier=f.UserFactory().username)
    with pytest.raises(PermissionDenied):
        membership_remove(actor=one.user, membership=two)
    membership_remove(actor=one.user, membership=one)
    assert set(Membership.objects.filter(organisation=org).values_list("pk", flat=True)) == {
        two.pk,
        Membership.objects.get(user=admin).pk,
    }


def test_the_last_admin_cannot_be_demoted(org, admin):
    only_admin = Membership.objects.get(user=admin, organisation=org)
    with pytest.raises(ApplicationError) as exc:
        membership_set_role(actor=admin, membership=only_admin, role=Membership.Role.MEMBER)
    assert exc.value.code == OrganisationErrorCode.LAST_ADMIN
    member = membership_add(actor=admin, organisation=org, identifier=f.UserFactory().username)
    assert membership_set_role(actor=admin, membership=member, role=Membership.Role.ADMIN).role == "admin"
