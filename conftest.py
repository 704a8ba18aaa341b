import pytest


@pytest.fixture(autouse=True)
def _english_off(settings):
    """Tests read Chinese pages by default, as users do."""
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _plain_static(settings):
    """Tests render pages without a collected manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Password hashing dominates user-heavy tests; the real hashers are Django's, tested upstream."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_inline(settings):
    """Background tasks run inline, right after the commit that enqueued them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_search_index():
    """Each test's database starts empty, so each test starts with an index that reloads from it."""
    from innomarket.matching.index import live_index

    live_index.reset()
    yield
    live_index.reset()
