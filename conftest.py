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

    from demo.reset import delete_demo

    with django_db_blocker.unblock():
        call_command("load_demo", stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        delete_demo()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    # SQLite: the test database is a file, as the site's is, not the shared in-memory database,
    # whose table locks make concurrent writers fail at once instead of waiting their turn.
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def tally_is_live():
    """Tell whether the counts kept ready (both structures, the own counts) equal the live counts.

    The one place the tests name the tally's module. Four queries when nothing was registered,
    seven otherwise (``tally_expected_all``, the recount summed up the tree in Python).
    """
    from registry.models import Registration
    from registry.tally import CHECKED, tally_current, tally_expected_all

    current = {structure: tally_current(structure) for structure in CHECKED}
    if not any(current.values()) and not Registration.objects.exists():
        return True
    return current == tally_expected_all()


@pytest.fixture(name="tally_is_live")
def tally_is_live_fixture():
    """Return ``tally_is_live``, for tests that check the counts in the middle of a story."""
    return tally_is_live


DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.danvan_failed = report.failed
    return report


@pytest.fixture(autouse=True)
def _tally_stays_live(request):
    """After each test that uses the database, the counts kept ready equal the live counts.

    Every write goes through the services, the factories' too, so a test that leaves the tally
    stale has found a write that does not. A test that corrupts the tally on purpose is marked
    ``no_tally_check``. A test that failed is not checked: its own failure says more.
    """
    uses_database = request.node.get_closest_marker("django_db") or DATABASE_FIXTURES & set(
        request.fixturenames
    )
    if not uses_database or request.node.get_closest_marker("no_tally_check"):
        yield
        return
    # Set up the database before this fixture, so that it is torn down (rolled back, or emptied
    # for a transactional test) after the check.
    request.getfixturevalue("db")
    yield
    from django.db import connection

    if getattr(request.node, "danvan_failed", True) or connection.needs_rollback:
        return
    assert tally_is_live(), "the counts kept ready (registry.Tally, CurrentTally) differ from the live counts"
