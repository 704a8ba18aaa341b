"""Who sees and changes what in the back office: city administrators only their own city."""

from decimal import Decimal

import pytest
from django.urls import reverse

from innomarket.challenges.models import Bid, Challenge
from innomarket.common.tests.factories import OrganisationFactory, UserFactory, city, member_of
from innomarket.policies.models import Policy
from innomarket.regions.models import City
from innomarket.verification.models import StatusEvent
from innomarket.vouchers.models import Voucher, VoucherProgram

from .helpers import action_data, admin_url, change_form_data, make_policy

pytestmark = pytest.mark.django_db


def test_city_admin_changelist_shows_only_own_city(client, nanjing_admin, nanjing_policy, suzhou_policy):
    client.force_login(nanjing_admin)

    response = client.get(admin_url(Policy, "changelist"))

    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown == [nanjing_policy]
    assert "苏州科创十条" not in response.content.decode()


def test_alliance_admin_sees_all_cities(client, alliance, nanjing_policy, suzhou_policy):
    client.force_login(alliance)

    response = client.get(admin_url(Policy, "changelist"))

    assert set(response.context["cl"].result_list) == {nanjing_policy, suzhou_policy}


def test_city_admin_gets_404_on_other_city_change_page(client, nanjing_admin, suzhou_policy):
    client.force_login(nanjing_admin)

    assert client.get(admin_url(suzhou_policy)).status_code == 404
    assert client.get(admin_url(suzhou_policy, "delete")).status_code == 404
    assert client.get(admin_url(suzhou_policy, "transition", "verify")).status_code == 404


def test_city_admin_cannot_verify_other_city_record(client, nanjing_admin, suzhou_policy):
    client.force_login(nanjing_admin)

    client.post(admin_url(Policy, "changelist"), action_data("verify_selected", suzhou_policy))
    response = client.post(admin_url(suzhou_policy, "transition", "verify"), {"apply": "1"})

    assert response.status_code == 404
    suzhou_policy.refresh_from_db()
    assert suzhou_policy.status == "submitted"
    assert not StatusEvent.objects.filter(object_id=suzhou_policy.pk, to_status="published").exists()


def test_city_admin_cannot_move_record_to_other_city(client, nanjing_admin, nanjing_policy):
    client.force_login(nanjing_admin)
    page = client.get(admin_url(nanjing_policy))
    assert list(page.context["adminform"].form.fields["city"].queryset) == [city("nanjing")]

    data = {**change_form_data(page), "city": city("suzhou").pk}
    response = client.post(admin_url(nanjing_policy), data)

    assert response.status_code == 200  # the form comes back with an error
    assert "city" in response.context["adminform"].form.errors
    nanjing_policy.refresh_from_db()
    assert nanjing_policy.city.slug == "nanjing"


def test_city_admin_add_form_defaults_to_own_city_and_own_organisations(client, nanjing_admin):
    OrganisationFactory(city=city("suzhou"), name="苏州某企业")
    own = OrganisationFactory(city=city("nanjing"), name="南京某企业")
    client.force_login(nanjing_admin)

    form = client.get(admin_url(Policy, "add")).context["adminform"].form

    assert form["city"].value() == city("nanjing").pk
    assert list(form.fields["city"].queryset) == [city("nanjing")]
    assert list(form.fields["owner"].queryset) == [own]


def test_city_admin_edits_own_city_row_only(client, nanjing_admin):
    nanjing, suzhou = city("nanjing"), city("suzhou")
    client.force_login(nanjing_admin)

    changelist = client.get(admin_url(City, "changelist"))
    assert list(changelist.context["cl"].result_list) == [nanjing]
    assert client.get(admin_url(suzhou)).status_code == 404

    page = client.get(admin_url(nanjing))
    form_fields = set(page.context["adminform"].form.fields)
    assert {"intro", "office_name", "cloud_platform_url", "cloud_platform_name"} <= form_fields
    assert not {"is_member", "slug", "name"} & form_fields
    data = {
        **change_form_data(page),
        "cloud_platform_url": "https://kjy.nanjing.example.cn/",
        "is_member": "",
        "name": "改名市",
    }
    assert client.post(admin_url(nanjing), data).status_code == 302
    nanjing.refresh_from_db()
    assert nanjing.cloud_platform_url == "https://kjy.nanjing.example.cn/"
    assert nanjing.is_member is True and nanjing.name == "南京市"
    assert client.get(admin_url(City, "add")).status_code == 403


def test_city_admin_cannot_touch_users_or_taxonomy(client, nanjing_admin):
    client.force_login(nanjing_admin)

    for url in (
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[nanjing_admin.pk]),
        reverse("admin:taxonomy_fieldtag_changelist"),
        reverse("admin:organisations_organisationtag_add"),
        reverse("admin:verification_statusevent_changelist"),
    ):
        assert client.get(url).status_code == 403, url
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/accounts/user/" not in index
    assert "/admin/taxonomy/" not in index


def test_staff_without_role_sees_nothing_of_scoped_models(client, nanjing_policy):
    staff = UserFactory(username="just-staff", is_staff=True)
    client.force_login(staff)

    assert client.get(admin_url(Policy, "changelist")).status_code == 403
    assert client.get(admin_url(nanjing_policy)).status_code in (403, 404)


def test_plain_member_is_redirected_away_from_admin(client):
    member = member_of(OrganisationFactory())
    client.force_login(member)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_bid_and_voucher_are_scoped_through_their_parent_city(client, nanjing_admin):
    nanjing_org, suzhou_org = (
        OrganisationFactory(city=city("nanjing")),
        OrganisationFactory(city=city("suzhou")),
    )
    nj_challenge = Challenge.objects.create(
        title="南京榜单", city=city("nanjing"), owner=nanjing_org, status="published"
    )
    sz_challenge = Challenge.objects.create(
        title="苏州榜单", city=city("suzhou"), owner=suzhou_org, status="published"
    )
    # A Suzhou team bidding on a Nanjing challenge belongs to Nanjing's back office.
    own_bid = Bid.objects.create(challenge=nj_challenge, organisation=suzhou_org)
    other_bid = Bid.objects.create(challenge=sz_challenge, organisation=nanjing_org)
    nj_program = VoucherProgram.objects.create(city=city("nanjing"), name="南京创新券")
    sz_program = VoucherProgram.objects.create(city=city("suzhou"), name="苏州创新券")
    own_voucher = Voucher.objects.create(
        program=nj_program, code="NJ-1", enterprise=nanjing_org, amount_wan=Decimal(1)
    )
    other_voucher = Voucher.objects.create(
        program=sz_program, code="SZ-1", enterprise=suzhou_org, amount_wan=Decimal(1)
    )
    client.force_login(nanjing_admin)

    assert list(client.get(admin_url(Bid, "changelist")).context["cl"].result_list) == [own_bid]
    assert list(client.get(admin_url(Voucher, "changelist")).context["cl"].result_list) == [own_voucher]
    assert client.get(admin_url(other_bid)).status_code == 404
    assert client.get(admin_url(other_voucher)).status_code == 404
    assert client.get(admin_url(own_bid)).status_code == 200
    # The bidder may come from any member city; the challenge must be one of Nanjing's.
    form = client.get(admin_url(own_bid)).context["adminform"].form
    assert suzhou_org in form.fields["organisation"].queryset
    assert list(form.fields["challenge"].queryset) == [nj_challenge]


def test_cross_city_autocomplete_offers_published_organisations_of_every_city(client, nanjing_admin):
    OrganisationFactory(city=city("suzhou"), name="苏州揭榜团队")
    OrganisationFactory(city=city("suzhou"), name="苏州未核验团队", status="submitted")
    client.force_login(nanjing_admin)
    url = reverse("admin:autocomplete")

    bid_lookup = client.get(
        url, {"app_label": "challenges", "model_name": "bid", "field_name": "organisation", "term": "苏州"}
    ).json()
    owner_lookup = client.get(
        url, {"app_label": "policies", "model_name": "policy", "field_name": "owner", "term": "苏州"}
    ).json()

    assert [r["text"] for r in bid_lookup["results"]] == ["苏州揭榜团队"]
    assert owner_lookup["results"] == []


def test_city_admin_membership_scope(client, nanjing_admin):
    member_of(OrganisationFactory(city=city("suzhou")), username="sz-member")
    own = member_of(OrganisationFactory(city=city("nanjing")), username="nj-member")
    client.force_login(nanjing_admin)

    shown = client.get(reverse("admin:organisations_membership_changelist")).context["cl"].result_list

    assert [m.user for m in shown] == [own]


def test_delete_of_other_city_record_is_refused(client, nanjing_admin, suzhou_policy):
    client.force_login(nanjing_admin)

    client.post(admin_url(Policy, "changelist"), action_data("delete_selected", suzhou_policy, post="yes"))

    assert Policy.objects.filter(pk=suzhou_policy.pk).exists()


def test_city_admin_never_sees_other_city_in_list_filter(client, nanjing_admin):
    make_policy("suzhou")
    client.force_login(nanjing_admin)

    response = client.get(admin_url(Policy, "changelist"))

    assert "苏州市" not in response.content.decode()
