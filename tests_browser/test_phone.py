"""An editor uses the everyday pages on an office PC and on a phone, in Vietnamese and in English.

At 1280 and 390 px wide, in both languages: the model list (as cards on the phone, filters
and bulk actions folded behind buttons), a model's page, the create form sent empty, the
maintain form sent with a wrong year, and the dashboard. Every page passes axe and nothing
overflows sideways.
"""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import expect

from registry.choices import Kind, Role, UnitType
from registry.tests.factories import (
    InitiativeFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
    make_unit,
)

LOGIN_PATH = "/tai-khoan/dang-nhap/"

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"
LOCALES = {"vi": "vi-VN", "en": "en-GB"}
PHONE = {"width": 390, "height": 844}
OFFICE = {"width": 1280, "height": 900}


@pytest.fixture
def editor():
    province = make_unit("Tỉnh ủy Bắc Kạn", unit_type=UnitType.PROVINCE, code="BK")
    district = make_unit("Huyện ủy Bạch Thông", province, UnitType.DISTRICT, code="BT")
    commune = make_unit("Đảng ủy xã Cẩm Giàng", district, UnitType.COMMUNE, code="BT-CG")
    other = make_unit("Thành ủy Bắc Kạn", province, UnitType.DISTRICT, code="TP")
    initiative = InitiativeFactory(
        unit=commune,
        name="Mô hình “Dân vận khéo” trong vận động nhân dân hiến đất làm đường giao thông nông thôn",
    )
    RegistrationFactory(initiative=initiative, year=2024, registered_on=datetime.date(2024, 3, 1))
    for index in range(3):
        person = InitiativeFactory(
            unit=commune,
            kind=Kind.INDIVIDUAL,
            person_name=f"Hoàng Văn Thắng {index}",
            person_position="Bí thư",
        )
        RegistrationFactory(initiative=person, year=2024, registered_on=datetime.date(2024, 3, 2 + index))
    RegistrationFactory(initiative=InitiativeFactory(unit=other, name="Mô hình của Thành ủy"), year=2024)
    user = UserFactory(username="bientap")
    MembershipFactory(user=user, unit=district, role=Role.EDITOR)
    return initiative


def words(language):
    """The interface's words in ``language``, read from the same catalogues as the pages."""
    with translation.override(language):
        return {
            "save": gettext("Lưu"),
            "filters": gettext("Bộ lọc"),
            "filter": gettext("Lọc"),
            "bulk": gettext("Thao tác hàng loạt"),
            "create": gettext("Đăng ký mô hình mới"),
            "not_saved": gettext("Chưa lưu: vui lòng sửa các ô được đánh dấu bên dưới."),
            "update": gettext("Cập nhật, đánh giá"),
            "more": pgettext("menu", "Khác"),
            "log_out": gettext("Đăng xuất"),
        }


def assert_no_sideways_scroll(page):
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide in a {width[1]} px window"


@pytest.mark.parametrize("viewport", [OFFICE, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_everyday_pages_fit_the_screen_in_both_languages(
    live_server, browser, editor, assert_accessible, screenshot, language, viewport
):
    context = browser.new_context(locale=LOCALES[language], viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and refused.append(message.text)
    )
    said = words(language)
    phone = viewport is PHONE
    name = f"{language}-{viewport['width']}"

    page.goto(live_server.url + LOGIN_PATH)
    page.fill("#id_username", "bientap")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form:has(#id_password) [type=submit]")
    assert page.evaluate("document.documentElement.lang") == language
    assert_no_sideways_scroll(page)

    # The navigation bar: one line on the office PC, folded behind its button on the phone.
    navbar = page.locator("nav.navbar")
    if phone:
        expect(page.locator("#menu-chinh")).to_be_hidden()
    else:
        assert navbar.bounding_box()["height"] < 70, "the navigation bar wraps onto a second line"
        page.get_by_role("button", name="bientap").click()
        expect(page.get_by_role("button", name=said["log_out"])).to_be_visible()
        page.keyboard.press("Escape")

    # The list: cards on the phone, the filters and the bulk actions behind buttons.
    page.goto(live_server.url + "/mo-hinh/")
    expect(page.locator("#so-ket-qua")).to_contain_text("4")
    expect(page.get_by_text("Mô hình của Thành ủy")).to_have_count(0)
    filters_button = page.get_by_role("button", name=said["filters"])
    if phone:
        expect(page.locator("#bo-loc")).to_be_hidden()
        expect(page.locator("#thao-tac")).to_be_hidden()
        card = page.locator("table.table-cards tbody tr").first
        assert card.bounding_box()["width"] <= viewport["width"]
        expect(card.get_by_role("link", name=said["update"])).to_be_visible()
        filters_button.click()
        expect(page.locator("#id_q")).to_be_visible()
        page.get_by_role("button", name=said["bulk"]).click()
        expect(page.locator("#thao-tac-chon")).to_be_visible()
    else:
        expect(filters_button).to_be_hidden()
        expect(page.locator("#id_q")).to_be_visible()
        expect(page.locator("#thao-tac-chon")).to_be_visible()
    # The search's hint is read in full under the field, and the field names it.
    expect(page.locator("#id_q_helptext")).to_be_visible()
    expect(page.locator("#id_q")).to_have_attribute("aria-describedby", "id_q_helptext")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, f"phone-list-{name}")
    page.fill("#id_q", "hien dat lam duong")
    page.get_by_role("button", name=said["filter"], exact=True).click()
    expect(page.locator("#so-ket-qua")).to_contain_text("1")
    assert_no_sideways_scroll(page)

    # The model's page: the registrations' buttons all within reach.
    page.get_by_role("link", name=editor.name, exact=True).click()
    expect(page.get_by_role("heading", name=editor.name)).to_be_visible()
    update = page.locator("#nam-2024").get_by_role("link", name=said["update"])
    box = update.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], "a row's button is cut off"
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, f"phone-detail-{name}")

    # The maintain form with a year the model already has: a clear message, nothing saved.
    page.goto(live_server.url + f"/mo-hinh/{editor.pk}/dang-ky/?year=2024")
    page.get_by_role("button", name=said["save"]).click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert editor.registrations.count() == 1
    assert_no_sideways_scroll(page)
    assert_accessible(page)

    # The create form sent empty.
    page.goto(live_server.url + "/mo-hinh/them/")
    page.get_by_role("button", name=said["save"]).click()
    expect(page.get_by_text(said["not_saved"])).to_be_visible()
    expect(page.locator("#id_name.is-invalid")).to_be_visible()
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, f"phone-create-empty-{name}")

    # The dashboard.
    page.goto(live_server.url + "/bao-cao/?period=year&year=2024")
    expect(page.locator(".figure-card").first).to_be_visible()
    assert_no_sideways_scroll(page)
    # The level × grade table fits its card: nothing hidden behind a scroll inside it.
    table = page.locator("#bang-cap-xep-loai").evaluate("box => [box.scrollWidth, box.clientWidth]")
    assert table[0] <= table[1], f"the level and grade table is {table[0]} px wide in {table[1]} px"
    assert_accessible(page)
    screenshot(page, f"phone-dashboard-{name}")

    context.close()
    assert not refused, "Refused by the Content-Security-Policy:\n" + "\n".join(refused)
