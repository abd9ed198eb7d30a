"""Logging in, as a person does it in the browser."""

import pytest
from playwright.sync_api import expect

LOGIN_PATH = "/tai-khoan/dang-nhap/"
PASSWORD = "Khéo-dân-vận-2026"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        username="canbo", password=PASSWORD, first_name="Lan", last_name="Nguyễn Thị"
    )


def test_login_page_is_accessible(page, live_server, assert_accessible, screenshot):
    response = page.goto(live_server.url + LOGIN_PATH)
    assert response.ok, f"{LOGIN_PATH} answered {response.status}"

    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "login")


def test_wrong_password_stays_on_login_page_with_an_error(page, live_server, user):
    assert page.goto(live_server.url + LOGIN_PATH).ok
    page.fill("#id_username", "canbo")
    page.fill("#id_password", "sai-mat-khau")
    with page.expect_navigation():
        page.click("form:has(#id_password) [type=submit]")

    assert page.url.startswith(live_server.url + LOGIN_PATH)
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_be_visible()


def test_user_logs_in_and_lands_on_accessible_home_page(
    live_server, user, logged_in_page, assert_accessible, screenshot
):
    page = logged_in_page("canbo", PASSWORD)

    expect(page).to_have_url(live_server.url + "/")
    # Logging out sits in the user's menu, under their name.
    page.get_by_role("button", name="Lan").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "home")
