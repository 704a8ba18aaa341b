"""The audit log in the back office: read-only, scoped by city; a record's history on its change page."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from innomarket import audit
from innomarket.audit.models import AuditEntry
from innomarket.audit.selectors import history_for
from innomarket.regions.tests.helpers import make_listing

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:audit_auditentry_changelist"


@pytest.fixture
def two_cities(nanjing_admin, suzhou_admin):
    with audit.actor(nanjing_admin):
        nanjing = make_listing("policy", city="nanjing", title="南京算力券政策")
        nanjing.summary = "面向中小企业"
        nanjing.save()
    with audit.actor(suzhou_admin):
        suzhou = make_listing("policy", city="suzhou", title="苏州科创十条")
    return nanjing, suzhou


def test_alliance_admin_lists_and_searches_every_city(client, alliance, two_cities):
    client.force_login(alliance)

    page = client.get(reverse(CHANGELIST))
    searched = client.get(reverse(CHANGELIST), {"q": "中小企业"})
    filtered = client.get(
        reverse(CHANGELIST),
        {"action__exact": "create", "content_type": page.context["cl"].result_list[0].content_type_id},
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert "南京算力券政策" in html and "苏州科创十条" in html
    assert [e.object_repr for e in searched.context["cl"].result_list] == ["南京算力券政策"]
    assert {e.action for e in filtered.context["cl"].result_list} == {"create"}


def test_city_admin_sees_only_own_city_and_cannot_open_others(client, nanjing_admin, two_cities):
    nanjing, suzhou = two_cities
    client.force_login(nanjing_admin)

    page = client.get(reverse(CHANGELIST))
    foreign = history_for(suzhou).get()
    own = history_for(nanjing).first()

    assert page.status_code == 200
    assert {e.city.slug for e in page.context["cl"].result_list} == {"nanjing"}
    assert client.get(reverse("admin:audit_auditentry_change", args=[foreign.pk])).status_code == 404
    detail = client.get(reverse("admin:audit_auditentry_change", args=[own.pk]))
    assert detail.status_code == 200 and "面向中小企业" in detail.content.decode()
    assert not detail.context["has_change_permission"]


def test_log_is_read_only(client, alliance, two_cities):
    entry = AuditEntry.objects.first()
    client.force_login(alliance)

    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_staff_without_administrator_role_sees_nothing(client, two_cities):
    from innomarket.common.tests.factories import UserFactory

    staff = UserFactory(username="staff", is_staff=True)
    client.force_login(staff)

    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_record_history_links_to_the_filtered_log(client, alliance, two_cities):
    nanjing, _ = two_cities
    client.force_login(alliance)
    link = f"{reverse(CHANGELIST)}?content_type={history_for(nanjing).first().content_type_id}&object_id={nanjing.pk}"

    page = client.get(link)

    assert page.status_code == 200
    assert {e.object_id for e in page.context["cl"].result_list} == {nanjing.pk}


def render_history(user, obj, limit=50):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load audit_tags %}{% audit_history obj limit %}").render(
        Context({"request": request, "obj": obj, "limit": limit})
    )


def test_history_tag_shows_time_actor_action_and_labelled_changes(nanjing_admin, two_cities):
    nanjing, _ = two_cities

    html = render_history(nanjing_admin, nanjing)

    assert "修改历史" in html and "南京管理员" in html
    assert (
        '<strong>简介</strong>：<span class="audit-before">—</span> → <span class="audit-after">面向中小企业</span>'
        in html
    )
    assert "创建" in html and "修改" in html
    assert "已发布" in html  # the status by its label, not "published"


def test_history_tag_escapes_user_text(nanjing_admin, org):
    with audit.actor(nanjing_admin):
        policy = make_listing("policy", city="nanjing", owner=org, title="<script>alert(1)</script>")
        policy.summary = "<b>粗体</b>"
        policy.save()

    html = render_history(nanjing_admin, policy)

    assert "<script>" not in html and "<b>粗体" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;粗体&lt;/b&gt;" in html


def test_history_tag_is_empty_for_other_cities_and_non_administrators(suzhou_admin, member, two_cities):
    nanjing, _ = two_cities
    assert render_history(suzhou_admin, nanjing).strip() == ""
    assert render_history(member, nanjing).strip() == ""


def test_history_tag_limits_entries_and_links_to_all(alliance, two_cities):
    nanjing, _ = two_cities
    html = render_history(alliance, nanjing, limit=1)
    assert "在审计日志中查看全部记录" in html and f"object_id={nanjing.pk}" in html


def test_admin_changelist_escapes_user_text(client, alliance, org):
    with audit.actor(alliance):
        make_listing("policy", city="nanjing", owner=org, title="<img src=x onerror=alert(1)>")
    client.force_login(alliance)

    html = client.get(reverse(CHANGELIST)).content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
