"""The member workspace: organisations, members and listings, with per-object permissions."""

import pytest
from django.urls import reverse

from innomarket.catalog import LISTING_TYPES
from innomarket.challenges.models import Challenge
from innomarket.common.tests import factories as f
from innomarket.common.validators import uscc_check_char
from innomarket.organisations.models import Membership, Organisation
from innomarket.policies.models import Policy
from innomarket.site.forms import LISTING_FORMS, SERVICE_OWNED_FIELDS
from innomarket.verification import services
from innomarket.verification.models import StatusEvent
from innomarket.verification.selectors import status_events_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return f.OrganisationFactory(name="南京甲科技有限公司", city=f.city("nanjing"))


@pytest.fixture
def member(org):
    return f.member_of(org)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def policy_for(org, actor, **kwargs):
    values = {"title": "南京市科技创新券实施细则", "issuer": "南京市科学技术局", "support_type": "funding"}
    values.update(kwargs)
    return services.listing_create(actor=actor, record=Policy(owner=org, city=org.city, **values))


def policy_post(**overrides):
    data = {
        "title": "高新技术企业培育奖励办法",
        "issuer": "南京市科学技术局",
        "support_type": "funding",
        "summary": "对首次认定的高新技术企业给予奖励。",
        "city": f.city("nanjing").pk,
        "fields": [f.field_tag("ai").pk],
    }
    data.update(overrides)
    return data


def url(name, *args):
    return reverse(f"site:{name}", args=args)


# ------------------------------------------------------------------ access


@pytest.mark.parametrize(
    "path", ["/workspace/", "/workspace/challenge/new/", "/workspace/organisations/new/"]
)
def test_anonymous_users_are_sent_to_login_with_next(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={path}"


def test_transitions_are_post_only(member_client, org, member):
    record = policy_for(org, member)
    for action in ("submit", "withdraw", "archive"):
        assert member_client.get(url(f"workspace-listing-{action}", "policy", record.pk)).status_code == 405


def test_unknown_or_back_office_types_are_404(member_client, org):
    assert member_client.get(url("workspace-listing-new", org.pk, "organisation")).status_code == 404
    assert member_client.get(url("workspace-listing-new", org.pk, "nonsense")).status_code == 404


# ------------------------------------------------------------------ home


def test_workspace_lists_organisations_listings_and_roles(member_client, org, member):
    policy_for(org, member, title="人才安居政策")
    response = member_client.get(url("workspace"))
    html = response.content.decode()
    assert response.status_code == 200
    assert org.name in html and "机构管理员" in html
    assert "人才安居政策" in html
    assert "badge-status-draft" in html
    assert url("workspace-listing-new", org.pk, "challenge") in html


def test_workspace_names_the_administrator_roles(client):
    admin = f.city_admin("suzhou")
    client.force_login(admin)
    html = client.get(url("workspace")).content.decode()
    assert "苏州市城市管理员" in html
    assert reverse("admin:index") in html
    client.force_login(f.alliance_admin())
    assert "联盟管理员" in client.get(url("workspace")).content.decode()


def test_workspace_without_organisation_explains_how_to_register(client):
    client.force_login(f.UserFactory())
    html = client.get(url("workspace")).content.decode()
    assert "您还没有加入任何机构" in html
    assert url("workspace-org-new") in html


# ------------------------------------------------------------------ create and submit


def test_new_policy_form_defaults_to_the_organisation_city_with_tag_checkboxes(member_client, org):
    org.city = f.city("wuxi")
    org.save()
    response = member_client.get(url("workspace-listing-new", org.pk, "policy"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["city"] == f.city("wuxi").pk
    html = response.content.decode()
    assert 'type="checkbox" name="fields"' in html
    assert "csrfmiddlewaretoken" in html
    for forbidden in ("status", "owner", "is_sample", "source"):
        assert f'name="{forbidden}"' not in html


def test_member_creates_a_policy_draft_and_submits_it(member_client, org, member):
    response = member_client.post(url("workspace-listing-new", org.pk, "policy"), policy_post())
    record = Policy.objects.get()
    assert response.status_code == 302
    assert response.url == url("workspace-listing", "policy", record.pk)
    assert (record.owner, record.created_by, record.status, record.source) == (org, member, "draft", "form")
    assert list(record.fields.values_list("slug", flat=True)) == ["ai"]

    response = member_client.post(url("workspace-listing-submit", "policy", record.pk))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == "submitted"
    latest = status_events_for(record).first()
    assert (latest.actor, latest.from_status, latest.to_status) == (member, "draft", "submitted")


def test_save_and_submit_in_one_step(member_client, org):
    member_client.post(url("workspace-listing-new", org.pk, "policy"), {**policy_post(), "submit": "1"})
    assert Policy.objects.get().status == "submitted"


def test_form_errors_stay_on_the_form(member_client, org):
    response = member_client.post(
        url("workspace-listing-new", org.pk, "policy"), policy_post(issuer="", title="")
    )
    assert response.status_code == 200
    assert {"issuer", "title"} <= set(response.context["form"].errors)
    assert not Policy.objects.exists()


def test_member_records_a_paper_as_a_research_result_without_ip_status(member_client, org):
    from innomarket.achievements.models import Achievement

    form = member_client.get(url("workspace-listing-new", org.pk, "achievement")).content.decode()
    assert 'name="kind"' in form and "论文/研究成果" in form

    response = member_client.post(
        url("workspace-listing-new", org.pk, "achievement"),
        {
            "title": "基于深度学习的遥感影像分类方法",
            "kind": "research",
            "discipline": "测绘科学与技术",
            "ip_status": "",
            "city": f.city("nanjing").pk,
        },
    )
    assert response.status_code == 302
    paper = Achievement.objects.get()
    assert (paper.kind, paper.ip_status, paper.trl, paper.transfer_mode) == ("research", "", None, "")


@pytest.mark.parametrize("type_key", [k for k, t in LISTING_TYPES.items() if t.member_creatable])
def test_every_member_creatable_type_has_a_form_page(member_client, org, type_key):
    response = member_client.get(url("workspace-listing-new", org.pk, type_key))
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_listing_forms_cover_every_creatable_type_and_never_expose_service_fields():
    assert set(LISTING_FORMS) == {k for k, t in LISTING_TYPES.items() if t.member_creatable}
    for key, form_class in LISTING_FORMS.items():
        assert form_class._meta.model is LISTING_TYPES[key].model
        assert not SERVICE_OWNED_FIELDS & set(form_class._meta.fields), key


def test_challenge_form_has_the_full_challenge_fields(member_client, org):
    response = member_client.get(url("workspace-listing-new", org.pk, "challenge"))
    fields = set(response.context["form"].fields)
    assert {
        "kind",
        "problem_statement",
        "indicators",
        "acceptance_criteria",
        "constraints",
        "expected_trl",
        "budget_min",
        "budget_max",
        "deadline",
        "confidentiality",
        "fields",
        "city",
    } <= fields


def test_challenge_budget_range_is_checked(member_client, org):
    response = member_client.post(
        url("workspace-listing-new", org.pk, "challenge"),
        {
            "title": "高精度 MEMS 传感器",
            "kind": "technical",
            "confidentiality": "public",
            "budget_min": "500",
            "budget_max": "100",
            "city": org.city_id,
        },
    )
    assert "budget_max" in response.context["form"].errors
    assert not Challenge.objects.exists()


def test_user_text_is_escaped(member_client, org, member):
    record = policy_for(org, member, title="<script>alert(1)</script>")
    for path in (url("workspace"), url("workspace-listing", "policy", record.pk)):
        html = member_client.get(path).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ------------------------------------------------------------------ edit, withdraw, archive


def test_editing_a_published_listing_warns_and_returns_it_to_verification(member_client, org, member):
    record = policy_for(org, member)
    record = services.listing_submit(actor=member, record=record)
    record = services.listing_verify(actor=f.city_admin("nanjing"), record=record)
    response = member_client.get(url("workspace-listing-edit", "policy", record.pk))
    assert "重新提交核验" in response.content.decode()
    response = member_client.post(
        url("workspace-listing-edit", "policy", record.pk), policy_post(title="修订版")
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.title, record.status) == ("修订版", "submitted")


def test_withdraw_and_archive_through_the_workspace(member_client, org, member):
    record = services.listing_submit(actor=member, record=policy_for(org, member))
    member_client.post(url("workspace-listing-withdraw", "policy", record.pk))
    record.refresh_from_db()
    assert record.status == "draft"
    services.listing_submit(actor=member, record=record)
    services.listing_verify(actor=f.city_admin("nanjing"), record=record)
    member_client.post(url("workspace-listing-archive", "policy", record.pk))
    record.refresh_from_db()
    assert record.status == "archived"


def test_an_invalid_transition_is_shown_as_a_message(member_client, org, member):
    record = policy_for(org, member)
    response = member_client.post(url("workspace-listing-withdraw", "policy", record.pk), follow=True)
    assert "不能变更为" in response.content.decode()
    record.refresh_from_db()
    assert record.status == "draft"


def test_a_rejected_listing_shows_its_reason_and_history(member_client, org, member):
    record = services.listing_submit(actor=member, record=policy_for(org, member))
    services.listing_reject(actor=f.city_admin("nanjing"), record=record, reason="请补充政策文号和原文链接")
    home = member_client.get(url("workspace")).content.decode()
    assert "请补充政策文号和原文链接" in home
    detail = member_client.get(url("workspace-listing", "policy", record.pk)).content.decode()
    assert "请补充政策文号和原文链接" in detail
    assert "已退回" in detail and "待核验" in detail  # the history lists the transitions
    edit = member_client.get(url("workspace-listing-edit", "policy", record.pk)).content.decode()
    assert "请补充政策文号和原文链接" in edit


# ------------------------------------------------------------------ another organisation's listings


def test_a_member_of_another_organisation_cannot_touch_the_listing(client, org, member):
    record = policy_for(org, member)
    outsider = f.member_of(f.OrganisationFactory(name="苏州乙公司", city=f.city("suzhou")))
    client.force_login(outsider)
    events_before = StatusEvent.objects.count()

    assert client.get(url("workspace-listing", "policy", record.pk)).status_code in (403, 404)
    assert client.get(url("workspace-listing-edit", "policy", record.pk)).status_code in (403, 404)
    assert client.post(
        url("workspace-listing-edit", "policy", record.pk), policy_post(title="篡改")
    ).status_code in (
        403,
        404,
    )
    for action in ("submit", "withdraw", "archive"):
        assert client.post(url(f"workspace-listing-{action}", "policy", record.pk)).status_code in (403, 404)
    assert client.get(url("workspace-listing-new", org.pk, "policy")).status_code in (403, 404)
    assert client.post(url("workspace-listing-new", org.pk, "policy"), policy_post()).status_code in (
        403,
        404,
    )
    assert client.get(url("workspace-org", org.pk)).status_code in (403, 404)

    record.refresh_from_db()
    assert (record.title, record.status) == ("南京市科技创新券实施细则", "draft")
    assert Policy.objects.count() == 1
    assert StatusEvent.objects.count() == events_before
    assert record.title not in client.get(url("workspace")).content.decode()


# ------------------------------------------------------------------ 我要发榜


def test_challenge_entry_with_one_organisation_goes_to_its_form(member_client, org):
    response = member_client.get(url("workspace-challenge-new"))
    assert response.status_code == 302
    assert response.url == url("workspace-listing-new", org.pk, "challenge")


def test_challenge_entry_with_several_organisations_lets_the_user_choose(member_client, member):
    other = f.OrganisationFactory(name="无锡丙公司", city=f.city("wuxi"))
    f.MembershipFactory(user=member, organisation=other, role=Membership.Role.MEMBER)
    html = member_client.get(url("workspace-challenge-new")).content.decode()
    assert "南京甲科技有限公司" in html and "无锡丙公司" in html
    assert url("workspace-listing-new", other.pk, "challenge") in html


def test_challenge_entry_without_organisation_explains(client):
    client.force_login(f.UserFactory())
    response = client.get(url("workspace-challenge-new"))
    assert response.status_code == 200
    assert url("workspace-org-new") in response.content.decode()


# ------------------------------------------------------------------ organisations and members


def test_register_an_organisation_from_the_workspace(client):
    user = f.UserFactory()
    client.force_login(user)
    body = "91320100MA1N2K3L4"
    response = client.post(
        url("workspace-org-new"),
        {
            "name": "南京新登记科技有限公司",
            "kind": "enterprise",
            "city": f.city("nanjing").pk,
            "credit_code": (body + uscc_check_char(body)).lower(),
        },
    )
    org = Organisation.objects.get(name="南京新登记科技有限公司")
    assert response.status_code == 302
    assert org.status == "submitted"
    assert Membership.objects.get(organisation=org).user == user
    page = client.get(url("workspace-org", org.pk)).content.decode()
    assert "尚未通过核验" in page and "只有机构和信息都通过核验后" in page


def test_register_shows_what_is_wrong_with_the_credit_code(client):
    client.force_login(f.UserFactory())
    body = "91320100MA1N2K3L4"
    wrong = body + ("0" if uscc_check_char(body) != "0" else "1")
    response = client.post(
        url("workspace-org-new"),
        {"name": "某公司", "kind": "enterprise", "city": f.city("nanjing").pk, "credit_code": wrong},
    )
    assert response.status_code == 200
    assert "校验位错误" in " ".join(response.context["form"].errors["credit_code"])


def test_register_refuses_a_registered_credit_code_on_the_field(client):
    body = "91320100MA1N2K3L4"
    f.OrganisationFactory(name="已登记公司", credit_code=body + uscc_check_char(body))
    client.force_login(f.UserFactory())
    response = client.post(
        url("workspace-org-new"),
        {
            "name": "某公司",
            "kind": "enterprise",
            "city": f.city("nanjing").pk,
            "credit_code": body + uscc_check_char(body),
        },
    )
    assert "已登记公司" in " ".join(response.context["form"].errors["credit_code"])


def test_admin_adds_and_removes_members_in_the_workspace(member_client, org, member):
    newcomer = f.UserFactory(email="newcomer@example.com")
    response = member_client.post(
        url("workspace-member-add", org.pk), {"identifier": "newcomer@example.com", "role": "member"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer, organisation=org)
    response = member_client.post(
        url("workspace-member-add", org.pk), {"identifier": "ghost", "role": "member"}
    )
    assert response.status_code == 400
    assert "找不到用户名或电子邮箱" in response.content.decode()
    member_client.post(url("workspace-member-remove", org.pk, membership.pk))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    own = Membership.objects.get(user=member, organisation=org)
    response = member_client.post(url("workspace-member-remove", org.pk, own.pk), follow=True)
    assert "最后一位机构管理员" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_a_plain_member_cannot_add_members(client, org):
    plain = f.UserFactory()
    f.MembershipFactory(user=plain, organisation=org, role=Membership.Role.MEMBER)
    client.force_login(plain)
    newcomer = f.UserFactory()
    response = client.post(
        url("workspace-member-add", org.pk), {"identifier": newcomer.username, "role": "admin"}
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(user=newcomer).exists()
