"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Needs /usr/bin/chromium (``apt-get install chromium fonts-noto-core``) and, for the
accessibility checks, ``npm install axe-core@4.14.1`` in the project directory. Without them
the tests are skipped, except when the environment variable CI is set: there they fail.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# the database calls that live_server and the test make from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LOGIN_PATH = "/tai-khoan/dang-nhap/"
PASSWORD = "mat-khau-thu-nghiem"  # the test factories' password
# Each page is walked in both languages, on an office screen and on a phone.
LOCALES = {"vi": "vi-VN", "en": "en-GB"}
OFFICE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE_TAGS = ["wcag2a", "wcag2aa"]
# An assertion waits up to 10 s for the page, as actions do (Playwright's default is 5 s): CI
# runs two test lanes on two cores, and a page behind a redirect can take longer there.
expect.set_options(timeout=10_000)
BLOCKING_IMPACTS = {"serious", "critical"}


def _in_ci():
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def _unavailable(message):
    """Skip a test whose tool is missing, or fail it under CI, where a skip would hide it."""
    if _in_ci():
        pytest.fail(f"{message} (CI is set: the browser tests must run there)", pytrace=False)
    pytest.skip(message)


def _other_variant(item):
    """Whether ``item`` walks its pages in English or on a phone (its languages × sizes)."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    viewport = params.get("viewport")
    return params.get("language", "vi") != "vi" or bool(viewport and viewport["width"] < 768)


def pytest_collection_modifyitems(config, items):
    # BROWSER_VARIANTS=first: each browser walk only in Vietnamese on an office screen. The
    # other languages and sizes change the words and the layout, not what the database does:
    # CI runs them on SQLite only, to keep its PostgreSQL run short.
    if os.environ.get("BROWSER_VARIANTS", "").strip() == "first":
        left_out = [item for item in items if HERE in item.path.parents and _other_variant(item)]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if item not in left_out]
    for item in items:
        if HERE not in item.path.parents:
            continue
        item.add_marker(pytest.mark.browser)
        # live_server makes every test here transactional, and a transactional test empties
        # every table when it ends, the rows the migrations seed (fields, award forms)
        # included. Serialized rollback loads those rows back before each test.
        marker = item.get_closest_marker("django_db")
        args, kwargs = (marker.args, marker.kwargs) if marker else ((), {})
        item.add_marker(pytest.mark.django_db(*args, **{**kwargs, "serialized_rollback": True}), append=False)


@pytest.fixture(scope="session", autouse=True)
def _serialized_contents_survive_playwright(request, django_db_setup):
    """Hand the database contents serialized at set-up to the connections the tests will use.

    Django keeps connections per thread, and per context once an event loop runs in the
    thread: after Playwright starts its loop, the tests get new connection objects, which lack
    the contents serialized rollback restores. Read them before Playwright starts.
    """
    from django.db import connections

    contents = {
        alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections
    }
    request.getfixturevalue("playwright")
    for alias, serialized in contents.items():
        if serialized is not None:
            connections[alias]._test_serialized_contents = serialized


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-core")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # LocaleMiddleware follows Accept-Language: browse as a Vietnamese user does.
    return {**browser_context_args, "locale": "vi-VN", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def page(page):
    """The test's page; the test fails if the browser refused anything under the Content-Security-Policy."""
    refused = []

    def listen(message):
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", listen)
    yield page
    assert not refused, "Refused by the Content-Security-Policy:\n" + "\n".join(refused)


@pytest.fixture(params=list(LOCALES))
def language(request):
    """The language of the test's walk: a test that asks for it runs in Vietnamese and in English."""
    return request.param


@pytest.fixture(params=[OFFICE, PHONE], ids=["1280", "390"])
def viewport(request):
    """The window of the test's walk: a test that asks for it runs at 1280 and at 390 px wide."""
    return request.param


@pytest.fixture
def open_as(browser, live_server):
    """Return a function that logs a user in, in a window of its own, and returns its page.

    ``open_as(username, language, viewport)``: the browser asks for ``language`` first, as a
    person's browser does, and the page must answer in it. The test fails if the browser
    refused anything under the Content-Security-Policy.
    """
    contexts, refused = [], []

    def listen(message):
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    def open_page(username, language="vi", viewport=OFFICE, password=PASSWORD):
        context = browser.new_context(locale=LOCALES[language], viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", listen)
        page.goto(live_server.url + LOGIN_PATH)
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("form:has(#id_password) [type=submit]")
        assert LOGIN_PATH not in page.url, f"Login as {username!r} failed: still on {page.url}"
        assert page.evaluate("document.documentElement.lang") == language
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not refused, "Refused by the Content-Security-Policy:\n" + "\n".join(refused)


@pytest.fixture
def assert_fits():
    """Return a function that asserts a page does not scroll sideways (it fits its window)."""

    def fits(page):
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"{page.url} is {width[0]} px wide in a {width[1]} px window"
        if width[1] < 768:
            # On a phone no table scrolls sideways inside its box either: it shows as cards. A
            # table of figures (a report's cross table) may, with its first column kept in view.
            boxes = page.evaluate(
                """[...document.querySelectorAll('.table-responsive')]
                    .filter((box) => box.offsetParent !== null && !box.querySelector('.table-numbers'))
                    .filter((box) => box.scrollWidth > box.clientWidth + 1)
                    .map((box) => `${box.querySelector('caption')?.textContent.trim() || box.className}: `
                        + `${box.scrollWidth} px in ${box.clientWidth}`)"""
            )
            assert not boxes, f"{page.url} has tables scrolling sideways at {width[1]} px: {boxes}"

    return fits


@pytest.fixture
def context(context):
    # A page that never comes (a server error) fails in seconds, not after Playwright's 30 s.
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def axe_check():
    """Return a function that runs axe-core (WCAG 2 A and AA) on a page.

    The function returns the serious and critical violations, as dicts with the keys
    id, impact, help and targets.
    """
    if not AXE_JS.exists():
        _unavailable(f"{AXE_JS.relative_to(ROOT)} is missing: npm install axe-core@4.14.1")

    def check(page):
        # Bootstrap drops its transitions for reduced motion: the colours axe reads are then the
        # final ones, not those half-way through a button's fade after a click.
        page.emulate_media(reduced_motion="reduce")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated, not added as a script tag: the Content-Security-Policy refuses inline scripts.
            page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        violations = page.evaluate(
            """async (tags) => {
                const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                return results.violations.map((v) => ({
                    id: v.id,
                    impact: v.impact,
                    help: v.help,
                    targets: v.nodes.map((n) => n.target.join(' ')),
                }));
            }""",
            AXE_TAGS,
        )
        return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]

    return check


@pytest.fixture
def assert_accessible(axe_check):
    """Return a function that asserts a page has no serious or critical axe violation."""

    def assert_page(page):
        violations = axe_check(page)
        lines = [f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(v['targets'])}" for v in violations]
        assert not violations, f"Accessibility violations on {page.url}:\n" + "\n".join(lines)

    return assert_page


@pytest.fixture
def screenshot():
    """Return a function that saves a full-page PNG in artifacts/screenshots/ and returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "-", name) + ".png")
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def logged_in_page(page, live_server):
    """Return a function that logs a user in through the login page and returns the page."""

    def log_in(username, password):
        response = page.goto(live_server.url + LOGIN_PATH)
        assert response.ok, f"{LOGIN_PATH} answered {response.status}"
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation() as navigation:
            page.click("form:has(#id_password) [type=submit]")
        response = navigation.value
        assert response.ok, f"After logging in, {page.url} answered {response.status}"
        assert LOGIN_PATH not in page.url, f"Login as {username!r} failed: still on {page.url}"
        return page

    return log_in
