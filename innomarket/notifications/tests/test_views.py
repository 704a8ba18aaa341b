"""The inbox pages, the unread count in the navigation, and the back-office view of notifications."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innomarket.common.tests import factories as f
from innomarket.notifications.models import Notification
from innomarket.notifications.services import mark_read, notify

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")


def send(user, title="您的揭榜方案已入围", **kwargs):
    (notification,) = notify(recipients=[user], kind="bid_shortlisted", title=title, email=False, **kwargs)
    return notification


@pytest.fixture
def me():
    return f.UserFactory()


@pytest.fixture
def my_client(client, me):
    client.force_login(me)
    return client


def read_url(notification):
    return reverse("notifications:read", args=[notification.pk])


# ---------------------------------------------------------------- the inbox page


def test_anonymous_visitors_are_sent_to_sign_in(client):
    notification = send(f.UserFactory())

    for response in (
        client.get(INBOX),
        client.post(read_url(notification)),
        client.post(reverse("notifications:read-all")),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert Notification.objects.get().read_at is None


def test_inbox_lists_only_my_notifications(my_client, me):
    send(me, "我的通知")
    send(f.UserFactory(), "别人的通知")

    response = my_client.get(INBOX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "我的通知" in html
    assert "别人的通知" not in html
    assert [n.title for n in response.context["notifications"]] == ["我的通知"]


def test_inbox_escapes_title_and_body_and_keeps_line_breaks(my_client, me):
    send(me, title='<script>alert("t")</script>', body="<b>第一行</b>\n第二行")

    html = my_client.get(INBOX).content.decode()

    assert '<script>alert("t")' not in html and "&lt;script&gt;" in html
    assert "<b>第一行</b>" not in html
    assert "&lt;b&gt;第一行&lt;/b&gt;<br>第二行" in html


def test_unread_tab_shows_only_unread(my_client, me):
    mark_read(actor=me, notification=send(me, "已读的通知"))
    send(me, "未读的通知")

    everything = my_client.get(INBOX).content.decode()
    unread = my_client.get(INBOX, {"show": "unread"})

    assert "已读的通知" in everything and "未读的通知" in everything
    assert [n.title for n in unread.context["notifications"]] == ["未读的通知"]
    assert "未读 (1)" in unread.content.decode()


def test_inbox_pages_by_twenty(my_client, me):
    for i in range(25):
        send(me, f"通知{i}")

    first = my_client.get(INBOX)
    second = my_client.get(INBOX, {"page": 2})

    assert len(first.context["notifications"]) == 20
    assert [n.title for n in second.context["notifications"]] == [f"通知{i}" for i in range(4, -1, -1)]
    assert "?page=2" in first.content.decode()


def test_empty_inbox_says_so(my_client):
    assert "还没有通知" in my_client.get(INBOX).content.decode()
    assert "没有未读通知" in my_client.get(INBOX, {"show": "unread"}).content.decode()


# ---------------------------------------------------------------- marking read


def test_reading_marks_read_and_follows_an_internal_link(my_client, me):
    notification = send(me, url="/challenges/12/")

    response = my_client.post(read_url(notification))

    assert response.status_code == 302
    assert response["Location"] == "/challenges/12/"
    assert Notification.objects.get().read_at is not None


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/phish", "//evil.example/phish", "javascript:alert(1)", "", "/\\evil.example"],
)
def test_reading_never_redirects_off_site(my_client, me, url):
    notification = Notification.objects.create(recipient=me, kind="x", title="t", url=url)

    response = my_client.post(read_url(notification), {"next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == INBOX
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_reading_without_a_link_returns_to_the_page_it_came_from(my_client, me):
    notification = send(me)

    response = my_client.post(read_url(notification), {"next": f"{INBOX}?show=unread&page=2"})

    assert response["Location"] == f"{INBOX}?show=unread&page=2"


def test_another_persons_notification_is_not_found(my_client):
    theirs = send(f.UserFactory(), url="/challenges/12/")

    response = my_client.post(read_url(theirs))

    assert response.status_code == 404
    assert Notification.objects.get().read_at is None


def test_reading_needs_post(my_client, me):
    notification = send(me)

    assert my_client.get(read_url(notification)).status_code == 405
    assert my_client.get(reverse("notifications:read-all")).status_code == 405
    assert Notification.objects.get().read_at is None


def test_reading_needs_the_csrf_token(me):
    notification = send(me)
    client = Client(enforce_csrf_checks=True)
    client.force_login(me)

    assert client.post(read_url(notification)).status_code == 403
    assert client.post(reverse("notifications:read-all")).status_code == 403
    assert Notification.objects.get().read_at is None


def test_read_all_marks_only_mine(my_client, me):
    send(me)
    send(me)
    theirs = send(f.UserFactory())

    response = my_client.post(reverse("notifications:read-all"), follow=True)

    assert response.redirect_chain == [(INBOX, 302)]
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "所有通知已标为已读。" in response.content.decode()


# ---------------------------------------------------------------- navigation


def test_navigation_shows_the_unread_count_with_one_query(my_client, me):
    for _ in range(3):
        send(me)
    send(f.UserFactory())

    with CaptureQueriesContext(connection) as queries:
        html = my_client.get(reverse("site:home")).content.decode()

    assert 'class="nav-count">3<' in html
    assert html.count(INBOX) >= 2  # the mobile menu and the desktop navigation
    counts = [q["sql"] for q in queries if 'FROM "notifications_notification"' in q["sql"]]
    assert len(counts) == 1


def test_navigation_caps_the_count_and_hides_it_at_zero(my_client, me):
    html = my_client.get(INBOX).content.decode()
    assert INBOX in html and "nav-count" not in html

    notify(recipients=[me], kind="x", title="t", email=False)
    Notification.objects.bulk_create(Notification(recipient=me, kind="x", title="t") for _ in range(100))
    assert 'class="nav-count">99+<' in my_client.get(INBOX).content.decode()


def test_anonymous_navigation_has_no_inbox_link(client):
    html = client.get(reverse("site:home")).content.decode()
    assert INBOX not in html


# ---------------------------------------------------------------- back office


def test_notifications_in_the_back_office_are_read_only_for_superusers(client, me):
    notification = send(me)
    root = f.UserFactory(is_superuser=True, is_staff=True)
    changelist = reverse("admin:notifications_notification_changelist")
    change = reverse("admin:notifications_notification_change", args=[notification.pk])

    client.force_login(root)
    assert client.get(changelist).status_code == 200
    page = client.get(change)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
    assert (
        client.post(reverse("admin:notifications_notification_delete", args=[notification.pk])).status_code
        == 403
    )

    for staff in (f.alliance_admin(), f.city_admin("nanjing")):
        client.force_login(staff)
        assert client.get(changelist).status_code == 403
        assert client.get(change).status_code == 403
        assert "notifications" not in client.get(reverse("admin:index")).content.decode()
