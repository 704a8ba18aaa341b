"""The anonymous page cache: who gets a stored copy, that it is everyone's page and nobody's token,
and that a saved record makes every copy stale (innomarket.common.pagecache)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.urls import reverse

from innomarket.common import pagecache
from innomarket.common.tests.factories import UserFactory
from innomarket.notifications.models import Notification
from innomarket.regions.tests.helpers import make_listing

pytestmark = pytest.mark.django_db

TOKEN_IN_FORM = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.INNOMARKET_PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    caches["default"].delete(pagecache.GENERATION_KEY)
    pagecache.forget_generation()
    yield
    caches["pages"].clear()
    pagecache.forget_generation()


def _visitor() -> Client:
    return Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-CN")


def test_a_second_anonymous_visitor_gets_the_stored_page_with_a_token_of_their_own():
    make_listing("policy", city="nanjing", title="南京市人工智能产业扶持办法")
    first = _visitor().get("/policies/")
    second_visitor = _visitor()
    second = second_visitor.get("/policies/")

    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert "南京市人工智能产业扶持办法" in second.content.decode()
    assert pagecache.CSRF_PLACEHOLDER not in second.content.decode()
    token_first = TOKEN_IN_FORM.search(first.content.decode()).group(1)
    token_second = TOKEN_IN_FORM.search(second.content.decode()).group(1)
    assert token_first != token_second
    assert "Cookie" in second["Vary"]
    # The form on the stored page works: the language switch accepts the token it carries.
    switched = second_visitor.post(
        reverse("set_language"),
        {"language": "en", "next": "/policies/", "csrfmiddlewaretoken": token_second},
    )
    assert switched.status_code == 302


def test_the_stored_page_keeps_the_headers_that_wrap_it():
    _visitor().get("/")
    hit = _visitor().get("/")

    assert hit["X-Page-Cache"] == "hit"
    assert "script-src" in hit["Content-Security-Policy"]
    assert hit["X-Frame-Options"] == "DENY"
    assert hit["Content-Type"].startswith("text/html")
    assert int(hit["Content-Length"]) == len(hit.content)


def test_saving_a_public_record_makes_every_copy_stale(django_capture_on_commit_callbacks):
    _visitor().get("/policies/")
    assert _visitor().get("/policies/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        make_listing("policy", city="suzhou", title="苏州市科技创新券管理办法（新）")
    after = _visitor().get("/policies/")

    assert after["X-Page-Cache"] == "miss"
    assert "苏州市科技创新券管理办法（新）" in after.content.decode()


def test_one_transaction_moves_the_generation_once_and_a_rollback_not_at_all(
    django_capture_on_commit_callbacks,
):
    start = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for _ in range(3):
            make_listing("policy", city="nanjing")
        waiting = [
            entry[1]
            for entry in transaction.get_connection().run_on_commit
            if isinstance(entry[1], pagecache._BumpOnCommit)
        ]
        assert len(waiting) == 1 and pagecache.generation() == start
    assert pagecache.generation() != start

    before = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                make_listing("policy", city="nanjing")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert pagecache.generation() == before
    # A later transaction in the same thread still moves it (nothing left "pending" by the rollback).
    with django_capture_on_commit_callbacks(execute=True):
        make_listing("policy", city="nanjing")
    assert pagecache.generation() != before


def test_rows_that_no_public_page_shows_leave_the_copies_alone(django_capture_on_commit_callbacks):
    user = UserFactory()
    before = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        Notification.objects.create(recipient=user, kind="test", title="一条通知")
    assert pagecache.generation() == before


def test_signed_in_members_always_get_their_own_page():
    member = UserFactory(username="zhang-san-engineer")
    _visitor().get("/policies/")
    signed_in = _visitor()
    signed_in.force_login(member)

    response = signed_in.get("/policies/")
    anonymous = _visitor().get("/policies/")

    assert "X-Page-Cache" not in response
    assert "退出" in response.content.decode()
    assert anonymous["X-Page-Cache"] == "hit"
    assert "退出" not in anonymous.content.decode() and "zhang-san-engineer" not in anonymous.content.decode()


def test_languages_are_stored_apart():
    chinese = _visitor().get("/policies/")
    english_visitor = _visitor()
    english_visitor.cookies["django_language"] = "en"
    english = english_visitor.get("/policies/")

    assert chinese["X-Page-Cache"] == english["X-Page-Cache"] == "miss"
    assert english["Content-Language"] == "en" and chinese["Content-Language"] == "zh-hans"
    assert english_visitor.get("/policies/")["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("cookie", "header"),
    [("sessionid", None), ("messages", None), (None, "HTTP_HX_REQUEST"), (None, "HTTP_AUTHORIZATION")],
)
def test_visitors_with_state_are_never_served_a_copy(cookie, header):
    _visitor().get("/policies/")
    visitor = _visitor()
    if cookie:
        visitor.cookies[cookie] = "x"
    extra = {header: "true"} if header else {}

    assert "X-Page-Cache" not in visitor.get("/policies/", **extra)


def test_what_is_not_everyones_page_is_not_stored():
    visitor = _visitor()
    for _ in range(2):
        missing = visitor.get("/policies/999999/")
        health = visitor.get("/healthz/")  # never_cache
        login = visitor.get(reverse("accounts:login"))  # not a public namespace
        workspace = visitor.get("/workspace/")  # redirect to sign-in
    assert missing.status_code == 404 and "X-Page-Cache" not in missing
    assert "X-Page-Cache" not in health
    assert "X-Page-Cache" not in login
    assert workspace.status_code == 302 and "X-Page-Cache" not in workspace


def test_a_post_is_never_answered_from_the_store():
    _visitor().get("/search/?q=人工智能")
    response = Client().post("/search/?q=人工智能")
    assert "X-Page-Cache" not in response


def test_stored_api_answers_still_count_against_the_address_limit(settings):
    settings.INNOMARKET_API = {**settings.INNOMARKET_API, "RATE_ANONYMOUS": "3/min"}
    responses = [Client().get("/api/v1/listings/policy/") for _ in range(4)]

    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r.get("X-Page-Cache") for r in responses[:3]] == ["miss", "hit", "hit"]
    assert responses[3].json()["code"] == "rate_limited"


def test_off_when_the_setting_is_zero(settings):
    settings.INNOMARKET_PAGE_CACHE_SECONDS = 0
    _visitor().get("/policies/")
    assert "X-Page-Cache" not in _visitor().get("/policies/")


@pytest.mark.django_db(transaction=True)  # on PostgreSQL a failed query would poison a test transaction
@pytest.mark.usefixtures("restore_reference_data")
def test_a_broken_shared_cache_costs_speed_not_the_pages(settings):
    # Django rebuilds the cache handlers when CACHES changes: "default" is now a table that is missing.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "no_such_table"},
    }
    pagecache.forget_generation()  # a save by a fixture may have left this process's copy fresh
    pages = [_visitor().get("/policies/") for _ in range(2)]
    published = make_listing("policy", city="nanjing", title="缓存故障时仍能发布")  # the bump fails, logged

    assert published.pk
    assert [p.status_code for p in pages] == [200, 200]
    assert all("X-Page-Cache" not in p for p in pages)


def test_an_exempt_view_does_not_even_look_up_the_generation():
    assert Client().get("/healthz/").status_code == 200
    assert caches["default"].get(pagecache.GENERATION_KEY) is None  # generation() would have created it
    Client().get("/policies/")
    assert caches["default"].get(pagecache.GENERATION_KEY) is not None


def test_another_process_sees_a_save_within_a_second(monkeypatch):
    """The generation is read once a second per process: a bump made elsewhere (here: written straight
    to the shared cache, as another worker's commit would) stales this process's copies after that."""
    clock = [1000.0]
    monkeypatch.setattr(pagecache, "_clock", lambda: clock[0])
    _visitor().get("/policies/")
    caches["default"].set(pagecache.GENERATION_KEY, "moved-by-another-worker", timeout=None)

    assert _visitor().get("/policies/")["X-Page-Cache"] == "hit"  # same second: not read again yet
    clock[0] += pagecache.GENERATION_READ_SECONDS
    assert _visitor().get("/policies/")["X-Page-Cache"] == "miss"
