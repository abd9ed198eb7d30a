import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs about half a second per user on this hardware; tests need none of it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _files_and_tasks_for_tests(settings, tmp_path):
    # Files written by a test go to its own directory; tasks run at once, in the request.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _empty_cache():
    # The database is rolled back after each test; the cache must not outlive it.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    # A request in English leaves its language active in the thread: start each test in the
    # site's language, as a new visitor would.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def client_for(client):
    """Return a function that logs ``client`` in as a user and returns it."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """Load the demo data once for a test module (it takes seconds), and remove it afterwards."""
    from io import StringIO

    from django.core.management import call_command

    from registry.management.commands.load_demo import delete_demo

    with django_db_blocker.unblock():
        call_command("load_demo", stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        delete_demo()


def tally_is_live():
    """Tell whether the counts kept ready for the reports equal the live counts.

    The one place the tests name the tally's module.
    """
    from reports.tally import tally_current, tally_expected

    return tally_current() == tally_expected()


@pytest.fixture(name="tally_is_live")
def tally_is_live_fixture():
    """Return ``tally_is_live``, for tests that check the counts in the middle of a story."""
    return tally_is_live
