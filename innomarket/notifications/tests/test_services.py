"""notify (inbox rows, e-mail after commit), mark_read and mark_all_read."""

from __future__ import annotations

import logging
from smtplib import SMTPException

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction

from innomarket.common.exceptions import PermissionDenied
from innomarket.common.tests import factories as f
from innomarket.notifications.models import Notification
from innomarket.notifications.services import mark_all_read, mark_read, notify

pytestmark = pytest.mark.django_db

THIS_MODULE = __name__


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise SMTPException("mail server unavailable")


class RefusesBrokenAddresses(LocmemBackend):
    """Delivers like the test outbox, except to addresses containing "broken"."""

    def send_messages(self, messages):
        if any("broken" in address for message in messages for address in message.to):
            raise SMTPException("recipient refused")
        return super().send_messages(messages)


def send(recipients, **overrides):
    values = {"kind": "challenge_published", "title": "榜单已发布", "body": "您的榜单已通过核验。"}
    values.update(overrides)
    return notify(recipients=recipients, **values)


# ---------------------------------------------------------------- inbox rows


def test_notify_creates_one_row_per_recipient():
    alice, bob = f.UserFactory(), f.UserFactory()

    created = send([alice, bob], url="/challenges/12/", email=False)

    assert [n.recipient for n in created] == [alice, bob]
    rows = Notification.objects.order_by("pk")
    assert [(n.recipient, n.kind, n.title, n.body, n.url) for n in rows] == [
        (alice, "challenge_published", "榜单已发布", "您的榜单已通过核验。", "/challenges/12/"),
        (bob, "challenge_published", "榜单已发布", "您的榜单已通过核验。", "/challenges/12/"),
    ]
    assert all(n.read_at is None and n.emailed_at is None for n in rows)


def test_notify_skips_none_duplicates_and_inactive_users():
    alice = f.UserFactory()
    gone = f.UserFactory(is_active=False)

    created = send([alice, None, alice, gone, f.UserFactory.build(username="unsaved")], email=False)

    assert [n.recipient for n in created] == [alice]
    assert Notification.objects.get().recipient == alice


def test_notify_accepts_a_queryset_and_dedupes_the_same_user_given_twice():
    org = f.OrganisationFactory()
    member = f.member_of(org)
    from innomarket.notifications.recipients import organisation_members

    created = send([*organisation_members(org.pk), member], email=False)

    assert [n.recipient for n in created] == [member]


def test_notify_with_nobody_left_writes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert send([None, f.UserFactory(is_active=False)]) == []
    assert not Notification.objects.exists()
    assert callbacks == []


def test_notify_records_what_it_is_about():
    user = f.UserFactory()
    org = f.OrganisationFactory()

    (notification,) = send([user], about=org, email=False)

    notification = Notification.objects.get(pk=notification.pk)
    assert notification.content_type == ContentType.objects.get_for_model(org)
    assert notification.object_id == org.pk
    assert notification.about == org


def test_notify_about_an_unsaved_record_is_a_programming_error():
    with pytest.raises(ValueError):
        send([f.UserFactory()], about=f.OrganisationFactory.build())


def test_notify_fits_a_long_title_on_one_line():
    (notification,) = send([f.UserFactory()], title="很长的标题\n" + "字" * 300, email=False)

    assert len(notification.title) == 200
    assert notification.title.startswith("很长的标题 字")
    assert notification.title.endswith("…")


def test_notify_validates_kind_and_url():
    user = f.UserFactory()
    with pytest.raises(ValidationError):
        send([user], kind="")
    with pytest.raises(ValidationError):
        send([user], url="/" + "x" * 600)
    assert not Notification.objects.exists()


def test_notify_writes_all_rows_in_one_insert(django_assert_max_num_queries):
    users = [f.UserFactory() for _ in range(5)]
    ContentType.objects.clear_cache()
    org = f.OrganisationFactory()

    # content type lookup, savepoint, insert, release
    with django_assert_max_num_queries(4):
        send(users, about=org, email=False)

    assert Notification.objects.count() == 5


# ---------------------------------------------------------------- e-mail


def test_mail_goes_out_after_commit_with_site_name_and_absolute_link(
    django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.INNOMARKET_SITE_URL = "https://corridor.example.cn/"
    alice, bob = f.UserFactory(email="alice@example.com"), f.UserFactory(email="bob@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        created = send([alice, bob], url="/challenges/12/")
        assert mailoutbox == []  # nothing before the commit

    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.com", "bob@example.com"]
    message = mailoutbox[0]
    assert message.subject == "【沿沪宁协同创新集市】榜单已发布"
    assert message.body == "您的榜单已通过核验。\n\nhttps://corridor.example.cn/challenges/12/"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert all(Notification.objects.get(pk=n.pk).emailed_at is not None for n in created)


def test_mail_without_site_url_carries_the_path(django_capture_on_commit_callbacks, mailoutbox, settings):
    if hasattr(settings, "INNOMARKET_SITE_URL"):
        del settings.INNOMARKET_SITE_URL

    with django_capture_on_commit_callbacks(execute=True):
        send([f.UserFactory()], body="", url="/challenges/12/")

    assert mailoutbox[0].body == "/challenges/12/"


def test_mail_is_in_chinese_whatever_language_the_actor_uses(django_capture_on_commit_callbacks, mailoutbox):
    from django.utils import translation

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        send([f.UserFactory()])

    assert mailoutbox[0].subject.startswith("【沿沪宁协同创新集市】")


def test_no_mail_for_recipients_without_address_or_when_not_asked(
    django_capture_on_commit_callbacks, mailoutbox
):
    no_address = f.UserFactory(email="")

    with django_capture_on_commit_callbacks(execute=True):
        (silent,) = send([no_address])
        (quiet,) = send([f.UserFactory()], email=False)

    assert mailoutbox == []
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 0


def test_no_mail_and_no_rows_when_the_transaction_rolls_back(django_capture_on_commit_callbacks, mailoutbox):
    user = f.UserFactory()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send([user])
        raise RuntimeError("the workflow step failed")

    assert callbacks == []
    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_a_failing_mail_server_does_not_raise_and_is_logged(
    django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = f"{THIS_MODULE}.FailingBackend"
    user = f.UserFactory()

    with (
        caplog.at_level(logging.ERROR, logger="innomarket.notifications.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        (notification,) = send([user])

    notification.refresh_from_db()
    assert notification.emailed_at is None  # the inbox row stays; only the mail is missing
    assert any(r.exc_info and "mail server unavailable" in str(r.exc_info[1]) for r in caplog.records)


def test_one_refused_address_does_not_stop_the_others(
    django_capture_on_commit_callbacks, settings, mailoutbox
):
    settings.EMAIL_BACKEND = f"{THIS_MODULE}.RefusesBrokenAddresses"
    broken = f.UserFactory(email="broken@example.com")
    fine = f.UserFactory(email="fine@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        send([broken, fine])

    assert [m.to for m in mailoutbox] == [["fine@example.com"]]
    emailed = dict(Notification.objects.values_list("recipient__email", "emailed_at"))
    assert emailed["broken@example.com"] is None and emailed["fine@example.com"] is not None


# ---------------------------------------------------------------- read state


def test_mark_read_sets_the_time_once():
    user = f.UserFactory()
    (notification,) = send([user], email=False)

    mark_read(actor=user, notification=notification)
    first = Notification.objects.get(pk=notification.pk).read_at
    mark_read(actor=user, notification=Notification.objects.get(pk=notification.pk))

    assert first is not None
    assert Notification.objects.get(pk=notification.pk).read_at == first


def test_only_the_recipient_can_mark_read():
    from django.contrib.auth.models import AnonymousUser

    (notification,) = send([f.UserFactory()], email=False)

    for intruder in (f.UserFactory(), AnonymousUser()):
        with pytest.raises(PermissionDenied):
            mark_read(actor=intruder, notification=notification)
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_mark_all_read_touches_only_the_actors_unread_notifications():
    me, other = f.UserFactory(), f.UserFactory()
    mine = send([me], email=False) + send([me], email=False) + send([me], email=False)
    mark_read(actor=me, notification=mine[0])
    send([other], email=False)

    assert mark_all_read(actor=me) == 2
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.get(recipient=other).read_at is None
    assert mark_all_read(actor=me) == 0
