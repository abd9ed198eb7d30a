"""Logging in, as a person does it in the browser: in Vietnamese and in English, at 1280 and 390 px."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from tests_browser.conftest import LOCALES, LOGIN_PATH

PASSWORD = "Khéo-dân-vận-2026"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        username="canbo", password=PASSWORD, first_name="Lan", last_name="Nguyễn Thị"
    )


@pytest.fixture
def visitor(browser, language, viewport):
    """A page not logged in, whose browser asks for ``language``, in a ``viewport`` window."""
    context = browser.new_context(locale=LOCALES[language], viewport=viewport)
    context.set_default_timeout(10_000)
    refused = []
    page = context.new_page()
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert not refused, "Refused by the Content-Security-Policy:\n" + "\n".join(refused)


def _words(language):
    with translation.override(language):
        return {"log in": gettext("Đăng nhập"), "log out": gettext("Đăng xuất")}


def test_login_page_is_accessible(
    visitor, live_server, language, viewport, assert_accessible, assert_fits, screenshot
):
    response = visitor.goto(live_server.url + LOGIN_PATH)
    assert response.ok, f"{LOGIN_PATH} answered {response.status}"
    assert visitor.evaluate("document.documentElement.lang") == language

    expect(visitor.get_by_role("heading", name=_words(language)["log in"])).to_be_visible()
    assert_accessible(visitor)
    assert_fits(visitor)
    screenshot(visitor, f"login-{language}-{viewport['width']}")


def test_login_submitted_empty_stays_on_the_page(
    visitor, live_server, language, assert_accessible, assert_fits
):
    assert visitor.goto(live_server.url + LOGIN_PATH).ok
    # The browser's own check stops an empty form; sent anyway, the server must refuse it in words.
    visitor.evaluate(
        "document.querySelectorAll('form [required]').forEach((e) => e.removeAttribute('required'))"
    )
    with visitor.expect_navigation() as navigation:
        visitor.click("form:has(#id_password) [type=submit]")
    assert navigation.value.status == 200
    assert visitor.url.startswith(live_server.url + LOGIN_PATH)
    expect(visitor.locator(".alert-danger, .invalid-feedback").first).to_be_visible()
    assert_accessible(visitor)
    assert_fits(visitor)


def test_wrong_password_stays_on_login_page_with_an_error(
    visitor, live_server, user, language, screenshot, viewport
):
    assert visitor.goto(live_server.url + LOGIN_PATH).ok
    visitor.fill("#id_username", "canbo")
    visitor.fill("#id_password", "sai-mat-khau")
    with visitor.expect_navigation():
        visitor.click("form:has(#id_password) [type=submit]")

    assert visitor.url.startswith(live_server.url + LOGIN_PATH)
    error = visitor.locator(".alert-danger, .invalid-feedback").first
    expect(error).to_be_visible()
    # The refusal is in the page's language, not in the server's.
    expect(error).to_contain_text({"vi": "mật khẩu", "en": "password"}[language])
    screenshot(visitor, f"login-refused-{language}-{viewport['width']}")


def test_user_logs_in_and_lands_on_accessible_home_page(
    live_server, user, open_as, language, viewport, assert_accessible, assert_fits, screenshot
):
    page = open_as("canbo", language, viewport, password=PASSWORD)

    expect(page).to_have_url(live_server.url + "/")
    if viewport["width"] < 768:
        # On a phone the menu folds behind its toggle.
        page.locator(".navbar-toggler").click()
        # Bootstrap adds "show" when the menu has finished unfolding: a click on the user's
        # button while it still moves could be lost.
        expect(page.locator(".navbar-collapse")).to_have_class(re.compile(r"\bshow\b"))
    # Logging out sits in the user's menu, under their name.
    page.get_by_role("button", name="Lan").click()
    expect(page.get_by_role("button", name=_words(language)["log out"])).to_be_visible()
    assert_accessible(page)
    assert_fits(page)
    screenshot(page, f"home-{language}-{viewport['width']}")
