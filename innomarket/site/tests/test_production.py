"""The production path: `check --deploy` clean with the production environment, Chinese error
pages in the site frame with DEBUG off, a Content-Security-Policy with no inline script anywhere,
and 410 「该信息已过期 / 已下架」 for a record that was public and has left the site."""

import ast
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.views.defaults import server_error

from innomarket.catalog import LISTING_TYPES
from innomarket.common.tests.factories import OrganisationFactory, city, city_admin, member_of
from innomarket.regions.tests.helpers import make_listing
from innomarket.verification.services import listing_archive, listing_create, listing_expire, listing_verify

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_ROOTS = [ROOT / "innomarket"]
REAL_KEY = "Zq8!rT3@mV6#pL1$xW4%nB7^cK2&hJ5*" * 2
PRODUCTION_ENV = {
    "INNOMARKET_PRODUCTION": "1",
    "DJANGO_SECRET_KEY": REAL_KEY,
    "DJANGO_ALLOWED_HOSTS": "innomarket.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://innomarket.example.org",
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "INNOMARKET_", "DATABASE_"))}
    return subprocess.run(  # noqa: S603 - the test interpreter running our own manage.py
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False
    )


# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------


def test_check_deploy_is_clean_with_the_production_environment():
    proc = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues" in proc.stdout, proc.stdout


def _production_settings(**env: str) -> dict:
    show = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup();"
        "from django.conf import settings as s; names = ['DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER',"
        " 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_SECURE',"
        " 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', 'X_FRAME_OPTIONS', 'SECURE_CONTENT_TYPE_NOSNIFF',"
        " 'SECURE_REFERRER_POLICY', 'SILENCED_SYSTEM_CHECKS', 'CACHES']; print(repr({n: getattr(s, n) for n in names}))"
    )
    proc = _run(["-c", show], {**PRODUCTION_ENV, **env})
    assert proc.returncode == 0, proc.stderr
    return ast.literal_eval(proc.stdout.strip())


def test_production_settings_follow_the_environment():
    behind_proxy = _production_settings()
    assert behind_proxy == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SILENCED_SYSTEM_CHECKS": ["security.W021"],
        # Shared by every worker process (the API's rate limits count across them).
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "innomarket_cache",
            },
            # Each worker's own copies of anonymous pages (innomarket.common.pagecache).
            "pages": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "innomarket-pages",
                "OPTIONS": {"MAX_ENTRIES": 500},
            },
        },
    }
    # Clients reaching the server directly: the forwarded header must not be trusted. Preload asked
    # for: nothing silenced.
    direct = _production_settings(INNOMARKET_PROXY_SSL_HEADER="false", INNOMARKET_HSTS_PRELOAD="true")
    assert direct["SECURE_PROXY_SSL_HEADER"] is None
    assert direct["SECURE_HSTS_PRELOAD"] is True and direct["SILENCED_SYSTEM_CHECKS"] == []


# --------------------------------------------------------------------------------------------
# Error pages (DEBUG off)
# --------------------------------------------------------------------------------------------


def _in_site_frame(body: str) -> bool:
    return 'class="site-header"' in body and "沿沪宁协同创新集市" in body and 'class="site-footer"' in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_404_is_chinese_in_the_site_frame_and_lists_no_urls(client):
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and _in_site_frame(body)
    assert reverse("site:section", args=["policy"]) in body  # the frame's navigation
    assert "URLconf" not in body and "admin/" not in body and "Not Found" not in body


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF="innomarket.site.tests.error_urls")
def test_403_is_chinese_in_the_site_frame_and_says_why(client):
    response = client.get("/__test__/forbidden/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "没有访问权限" in body and "只有本机构成员可以查看这份测试材料。" in body and _in_site_frame(body)


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_400_for_an_unknown_host_is_chinese():
    response = Client(HTTP_HOST="attacker.example").get("/")
    body = response.content.decode()
    assert response.status_code == 400
    assert "请求有误" in body and _in_site_frame(body) and "Bad Request" not in body


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF="innomarket.site.tests.error_urls")
def test_500_is_chinese_and_hides_the_error():
    client = Client(raise_request_exception=False)
    response = client.get("/__test__/broken/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错了" in body and 'class="site-header"' in body
    assert "a bug the visitor must never see" not in body and "Traceback" not in body


@override_settings(DEBUG=False)
def test_500_page_renders_without_the_database():
    # No django_db mark: any query would fail this test ("Database access not allowed").
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_csrf_failure_is_a_chinese_page_in_the_site_frame():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期，请刷新后重试" in body and _in_site_frame(body)
    assert "CSRF verification failed" not in body


# --------------------------------------------------------------------------------------------
# Content Security Policy: no inline script anywhere
# --------------------------------------------------------------------------------------------

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
EVENT_ATTRIBUTE = re.compile(r"""<[a-z][^>]*?\s(on[a-z]+)\s*=""", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)


def inline_script_problems(html: str) -> list[str]:
    """Everything a `script-src 'self'` policy would block: inline <script> blocks (JSON data blocks
    are not executed and are allowed), on*= handler attributes, javascript: URLs."""
    problems = []
    for attributes, content in SCRIPT_TAG.findall(html):
        if re.search(r"""type\s*=\s*["']application/(ld\+)?json["']""", attributes):
            continue
        if "src=" not in attributes or content.strip():
            problems.append(f"inline <script{attributes}>{content.strip()[:60]}")
    problems += [f"{name}= handler attribute" for name in EVENT_ATTRIBUTE.findall(html)]
    problems += ["javascript: URL" for _ in JAVASCRIPT_URL.findall(html)]
    return problems


def test_the_checker_catches_what_csp_blocks():
    assert inline_script_problems('<script>alert(1)</script><a href="javascript:x()">') != []
    assert inline_script_problems('<button type="button" onclick="go()">') == ["onclick= handler attribute"]
    assert inline_script_problems('<script id="d" type="application/json">{"a": 1}</script>') == []
    assert inline_script_problems('<script src="/static/js/a.js" defer></script>') == []


def test_no_template_has_inline_script():
    problems = {}
    for root in TEMPLATE_ROOTS:
        for template in root.rglob("templates/**/*.html"):
            found = inline_script_problems(template.read_text(encoding="utf-8"))
            if found:
                problems[str(template.relative_to(ROOT))] = found
    assert problems == {}


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_main_pages_send_the_csp_header_and_carry_no_inline_script(client):
    owner = make_listing("organisation", city="nanjing", title="页面检查发布机构")
    policy = make_listing("policy", city="nanjing", title="页面检查政策", owner=owner)
    urls = [
        reverse("site:home"),
        reverse("site:section", args=["policy"]),
        reverse("policies:list"),
        reverse("policies:detail", args=[policy.pk]),
        reverse("organisations:detail", args=[owner.pk]),
        reverse("matching:search") + "?q=政策",
        reverse("lists:three-lists"),
        reverse("accounts:login"),
        reverse("accounts:signup"),
        "/no-such-page/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        directives = dict(
            part.strip().split(" ", 1)
            for part in response.headers.get("Content-Security-Policy", "").split(";")
        )
        assert directives.get("script-src") == "'self'", url
        assert directives.get("object-src") == "'none'" and directives.get("frame-ancestors") == "'none'", url
        assert inline_script_problems(response.content.decode()) == [], url


# --------------------------------------------------------------------------------------------
# 已过期 / 已下架
# --------------------------------------------------------------------------------------------


def _published_achievement(title: str, summary: str):
    from innomarket.achievements.models import Achievement

    owner = OrganisationFactory(city=city("changzhou"))
    member = member_of(owner)
    record = listing_create(
        actor=member,
        record=Achievement(owner=owner, city=owner.city, title=title, summary=summary),
        submit=True,
    )
    return listing_verify(actor=city_admin("changzhou"), record=record), member


@pytest.mark.django_db
@pytest.mark.parametrize("leave", ["archive", "expire"])
def test_a_listing_that_left_the_site_is_410_with_its_title_only(client, leave):
    record, member = _published_achievement("石墨烯导热膜连续制备工艺", "正文：仅公开期间可见的技术细节")
    url = reverse("achievements:detail", args=[record.pk])
    assert client.get(url).status_code == 200

    if leave == "archive":
        listing_archive(actor=member, record=record)
    else:
        listing_expire(record=record)
    response = client.get(url)
    body = response.content.decode()

    assert response.status_code == 410
    assert "该信息已过期 / 已下架" in body and "石墨烯导热膜连续制备工艺" in body
    assert "常州" in body and str(LISTING_TYPES["achievement"].model._meta.verbose_name) in body
    assert "仅公开期间可见的技术细节" not in body
    assert reverse("achievements:list") in body and reverse("matching:search") in body


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_a_listing_that_was_never_public_stays_404(client, status):
    from innomarket.achievements.models import Achievement

    owner = OrganisationFactory(city=city("changzhou"))
    record = listing_create(
        actor=member_of(owner),
        record=Achievement(owner=owner, city=owner.city, title="从未公开的成果", summary="不可见"),
        submit=status != "draft",
    )
    if status == "rejected":
        from innomarket.verification.services import listing_reject

        listing_reject(actor=city_admin("changzhou"), record=record, reason="请补充知识产权信息")
    record.refresh_from_db()
    assert record.status == status

    response = client.get(reverse("achievements:detail", args=[record.pk]))
    assert response.status_code == 404
    assert "从未公开的成果" not in response.content.decode()


@pytest.mark.django_db
def test_an_archived_record_that_was_never_verified_stays_404(client):
    # Straight from an import as 已下架, never verified: nothing says it was ever public.
    record = make_listing("achievement", city="nanjing", title="导入即下架的成果", status="archived")
    assert record.last_verified_at is None
    assert client.get(reverse("achievements:detail", args=[record.pk])).status_code == 404


# --------------------------------------------------------------------------------------------
# The production server: gunicorn and the background worker, started and stopped together
# --------------------------------------------------------------------------------------------


def _database_url(settings_dict: dict) -> str:
    """The test database as a DATABASE_URL for a child process (SQLite file or PostgreSQL)."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict["USER"] or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> dict[int, str]:
    out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True)  # noqa: S603,S607
    return {int(line.split(None, 1)[0]): line.split(None, 1)[1] for line in out.stdout.strip().splitlines()}


def _get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own loopback server
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.django_db(transaction=True)
def test_serve_runs_gunicorn_and_the_worker_in_production_and_stops_both(restore_reference_data):
    from django.db import connection

    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "INNOMARKET_", "DATABASE_"))},
        **PRODUCTION_ENV,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "INNOMARKET_SSL_REDIRECT": "false",  # plain HTTP on loopback; the proxy's header says HTTPS
        "INNOMARKET_MANIFEST_STATIC": "false",  # no collectstatic into the shared var/ from a test
        "INNOMARKET_EMBEDDER": "",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "PORT": str(port),
        "WORKERS": "2",
    }
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / "scripts" / "serve.sh")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = _get(base + "/", **{"X-Forwarded-Proto": "https"})
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.5)
        assert status == 200 and "沿沪宁协同创新集市" in body
        assert headers["Server"] == "gunicorn"
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "Secure" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]
        status, _, body = _get(base + "/no-such-page/", **{"X-Forwarded-Proto": "https"})
        assert status == 404 and "页面不存在" in body and "URLconf" not in body

        children = _children(server.pid)
        worker = next(pid for pid, args in children.items() if "run_worker" in args)
        assert any("gunicorn" in args for args in children.values()), children

        # The worker dies: the web server is stopped with it, so a supervisor restarts the pair.
        os.kill(worker, signal.SIGKILL)
        server.wait(timeout=45)
        assert server.returncode != 0
        with pytest.raises(OSError):
            _get(base + "/")
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        output = server.communicate()[0]
    assert "Booting worker" in output
