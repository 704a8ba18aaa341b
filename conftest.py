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


@pytest.fixture(scope="session")
def _reference_data(django_db_setup, django_db_blocker):
    """The rows the data migrations wrote (the eight member cities, field tags …), as found before the
    first transactional test. Transactional tests (browser tests, row-lock races) flush the database
    after each one; pytest-django runs them after all the others.

    Django's own ``serialized_rollback`` does not help here: under Playwright's sync API the test
    runs with a different connection object than the one the database was serialised on.
    """
    from django.db import connection

    from innomarket.regions.models import City

    with django_db_blocker.unblock():
        if City.objects.filter(is_member=True).count() != 8:
            pytest.fail(
                "the database lost its reference data (member cities) before this transactional test: "
                "an earlier transactional test flushed it without requesting `restore_reference_data`.",
                pytrace=False,
            )
        return connection.creation.serialize_db_to_string()


@pytest.fixture
def restore_reference_data(request, _reference_data):
    """Reload the reference rows into the flushed database before a transactional test that uses it."""
    if "transactional_db" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from innomarket.regions.models import City

    if not City.objects.exists():
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        # The flush re-created content types and permissions (post_migrate) with new keys: drop them
        # so the snapshot's own rows, which the other reference rows point to, go back in.
        Permission.objects.all().delete()
        ContentType.objects.all().delete()
        ContentType.objects.clear_cache()
        connection.creation.deserialize_db_from_string(_reference_data)
