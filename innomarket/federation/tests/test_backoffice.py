"""联盟数据采集 in the back office: who sees which feeds, the 立即采集 button (POST with CSRF, queues a
run that the worker carries out, refused while a run is active) and the run history."""

from __future__ import annotations

import os
import re

import pytest
from django.test import Client
from django.urls import reverse

from innomarket.common.tests.factories import UserFactory, alliance_admin, city_admin
from innomarket.federation import services
from innomarket.federation.models import HarvestRun
from innomarket.policies.models import Policy

from .conftest import Reply
from .helpers import envelope, make_feed, policy_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_harvest")]

OVERVIEW = reverse("admin:federation_harvest")


def _history(feed) -> str:
    return reverse("admin:federation_harvest_history", args=[feed.pk])


def _run(feed) -> str:
    return reverse("admin:federation_harvest_run", args=[feed.pk])


@pytest.fixture
def feeds(db):
    return {
        "suzhou": make_feed("https://a.example.org/f.json", city="suzhou", name="苏州政策源"),
        "nanjing": make_feed("https://b.example.org/f.json", city="nanjing", name="南京政策源"),
    }


def _logged_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _csrf(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def test_alliance_sees_every_feed_and_a_city_admin_only_their_own(feeds):
    alliance = _logged_in(alliance_admin(username="alliance"))
    suzhou = _logged_in(city_admin("suzhou", username="sz-admin"))

    everyone = alliance.get(OVERVIEW)
    own = suzhou.get(OVERVIEW)

    assert [f.name for f in everyone.context["feeds"]] == ["南京政策源", "苏州政策源"]
    assert [f.name for f in own.context["feeds"]] == ["苏州政策源"]
    assert "南京政策源" not in own.content.decode()
    assert suzhou.get(_history(feeds["nanjing"])).status_code == 404
    assert suzhou.get(_history(feeds["suzhou"])).status_code == 200
    assert alliance.get(_history(feeds["nanjing"])).status_code == 200


def test_other_users_are_kept_out(feeds):
    staff = UserFactory(username="staff", is_staff=True)
    member = UserFactory(username="member")

    assert _logged_in(staff).get(OVERVIEW).status_code == 403
    assert _logged_in(member).get(OVERVIEW).status_code == 302  # to the login page
    assert Client().get(OVERVIEW).status_code == 302
    token_client = _logged_in(staff)
    assert token_client.post(_run(feeds["suzhou"])).status_code == 403
    assert not HarvestRun.objects.exists()


def test_a_city_admin_cannot_harvest_another_citys_feed(feeds):
    client = _logged_in(city_admin("suzhou", username="sz-admin"))
    token = _csrf(client, OVERVIEW)

    response = client.post(_run(feeds["nanjing"]), {"csrfmiddlewaretoken": token})

    assert response.status_code == 404
    assert not HarvestRun.objects.exists()
    with pytest.raises(services.PermissionDenied):  # the service checks again
        services.harvest_request(feed=feeds["nanjing"], actor=city_admin("suzhou", username="sz-admin"))


def test_the_button_needs_post_and_the_csrf_token(feeds):
    client = _logged_in(alliance_admin(username="alliance"))

    assert client.get(_run(feeds["suzhou"])).status_code == 405
    assert client.post(_run(feeds["suzhou"])).status_code == 403  # no token
    assert not HarvestRun.objects.exists()


def test_harvest_now_queues_a_run_the_worker_carries_out_and_the_history_shows_it(
    feed_server, django_capture_on_commit_callbacks
):
    feed = make_feed(
        feed_server.serve("/f.json", Reply(body=envelope([policy_item(1), policy_item(2, issuer="")]))),
        city="suzhou",
        name="苏州政策源",
    )
    admin = city_admin("suzhou", username="sz-admin")
    client = _logged_in(admin)
    token = _csrf(client, OVERVIEW)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(_run(feed), {"csrfmiddlewaretoken": token, "next": OVERVIEW}, follow=True)

    # The task was queued on commit (the tests' backend runs it at once).
    assert [c for c in queued if getattr(c, "__qualname__", "").startswith("harvest_request")]
    assert response.redirect_chain == [(OVERVIEW, 302)]
    assert "已将数据源“苏州政策源”排入采集队列" in response.content.decode()
    run = HarvestRun.objects.get(feed=feed)
    assert (run.status, run.trigger, run.requested_by, run.created, run.errors) == (
        "succeeded",
        "manual",
        admin,
        1,
        1,
    )
    assert Policy.objects.filter(city__slug="suzhou", source="feed").count() == 1

    history = client.get(_history(feed))
    html = history.content.decode()
    assert [r.pk for r in history.context["runs"]] == [run.pk]
    assert "立即采集" in html and "成功" in html and admin.name in html
    assert "第 1 页第 2 项（wuxi:policy:2）" in html  # the item error, in the run's details
    row = re.search(rf'<tr data-run="{run.pk}".*?</tr>', html, re.S).group(0)
    assert [int(n) for n in re.findall(r'<td class="num">(\d+)', row)] == [2, 1, 0, 0, 0, 1, 1]


def test_a_failed_run_shows_its_reason(feed_server, django_capture_on_commit_callbacks):
    feed = make_feed(feed_server.serve("/f.json", Reply(body=b"<html>oops</html>")), name="坏源")
    client = _logged_in(alliance_admin(username="alliance"))
    token = _csrf(client, _history(feed))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_run(feed), {"csrfmiddlewaretoken": token})

    overview = client.get(OVERVIEW).content.decode()
    history = client.get(_history(feed)).content.decode()
    assert "失败" in overview and "第 1 页不是有效的 JSON" in overview
    assert "第 1 页不是有效的 JSON" in history


def test_harvest_now_is_refused_while_a_run_is_active(feeds, django_capture_on_commit_callbacks):
    feed = feeds["suzhou"]
    active = HarvestRun.objects.create(
        feed=feed, status="running", host=services.HOST, pid=os.getpid(), trigger="schedule"
    )
    client = _logged_in(alliance_admin(username="alliance"))
    page = client.get(OVERVIEW).content.decode()
    token = _csrf(client, OVERVIEW)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(_run(feed), {"csrfmiddlewaretoken": token}, follow=True)

    assert not [c for c in queued if c.__qualname__.startswith("harvest_request")]
    assert "数据源“苏州政策源”正在采集（进行中" in response.content.decode()
    assert list(HarvestRun.objects.filter(feed=feed)) == [active]
    row = re.search(rf'<tr data-feed="{feed.pk}".*?</tr>', page, re.S).group(0)
    assert "disabled" in row and "进行中" in row  # the button is off while the run lasts
    # A second request while the first one's run is queued (not yet started) is refused as well.
    active.status = "succeeded"
    active.save()
    with django_capture_on_commit_callbacks(execute=False):
        client.post(_run(feed), {"csrfmiddlewaretoken": token})
        second = client.post(_run(feed), {"csrfmiddlewaretoken": token}, follow=True)
    assert "排队中" in second.content.decode()
    assert HarvestRun.objects.filter(feed=feed, status="queued").count() == 1
