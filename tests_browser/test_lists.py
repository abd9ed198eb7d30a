"""An editor sets up the model list: chooses its columns, saves a filter, edits rows in bulk.

At 1280 and 390 px wide: the columns page, the list with the columns chosen (their order on
the phone's cards too), the saved filter applied from the list, the bulk edit's preview and
its outcome. Every page passes axe and nothing overflows sideways.
"""

import datetime

import pytest
from playwright.sync_api import expect

from registry.choices import Level, Role, UnitType
from registry.models import Registration
from registry.tests.factories import (
    InitiativeFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
    make_unit,
)

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN_PATH = "/tai-khoan/dang-nhap/"
PASSWORD = "mat-khau-thu-nghiem"
PHONE = {"width": 390, "height": 844}
OFFICE = {"width": 1280, "height": 900}


@pytest.fixture
def editor():
    province = make_unit("Tỉnh ủy Bắc Kạn", unit_type=UnitType.PROVINCE, code="BK")
    district = make_unit("Huyện ủy Bạch Thông", province, UnitType.DISTRICT, code="BT")
    commune = make_unit("Đảng ủy xã Cẩm Giàng", district, UnitType.COMMUNE, code="BT-CG")
    for index in range(3):
        RegistrationFactory(
            initiative=InitiativeFactory(unit=commune, name=f"Mô hình hiến đất làm đường số {index}"),
            year=2024,
            registered_on=datetime.date(2024, 3, 1 + index),
        )
    RegistrationFactory(initiative=InitiativeFactory(unit=commune, name="Mô hình năm trước"), year=2023)
    user = UserFactory(username="bientap")
    MembershipFactory(user=user, unit=district, role=Role.EDITOR)
    return user


def assert_no_sideways_scroll(page):
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide in a {width[1]} px window"


@pytest.mark.parametrize("viewport", [OFFICE, PHONE], ids=["1280", "390"])
def test_choose_columns_save_a_filter_and_edit_in_bulk(
    live_server, browser, editor, assert_accessible, screenshot, viewport
):
    context = browser.new_context(locale="vi-VN", viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    phone = viewport is PHONE
    name = str(viewport["width"])
    page.goto(live_server.url + LOGIN_PATH)
    page.fill("#id_username", "bientap")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form:has(#id_password) [type=submit]")

    # Columns: level first, then the year; the unit left out.
    page.goto(live_server.url + "/mo-hinh/?year=2024")
    page.get_by_role("link", name="Chọn cột").click()
    page.get_by_label("Đơn vị đăng ký", exact=True).uncheck()
    page.get_by_label("Cấp đăng ký", exact=True).check()
    page.get_by_label("Vị trí của cột “Cấp đăng ký”").fill("1")
    page.get_by_label("Vị trí của cột “Năm”").fill("2")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, f"lists-columns-{name}")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("#so-ket-qua")).to_contain_text("3")
    headers = page.locator("table.table-cards thead th").all_inner_texts()
    assert [h.split("\n")[0].strip() for h in headers if h.strip()][1:3] == ["Cấp đăng ký", "Năm"]
    first_card = page.locator("table.table-cards tbody tr").first
    cells = first_card.locator("td.card-meta").all_inner_texts()
    assert cells[:2] == ["Cấp cơ sở", "2024"]

    # Save the filter, then apply it from another filter.
    page.get_by_role("link", name="Lưu bộ lọc này").click()
    page.get_by_label("Tên bộ lọc").fill("Năm 2024 của xã")
    assert_accessible(page)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("#so-ket-qua")).to_contain_text("3")
    page.goto(live_server.url + "/mo-hinh/?year=2023")
    expect(page.locator("#so-ket-qua")).to_contain_text("1")
    page.get_by_role("button", name="Bộ lọc đã lưu").click()
    page.get_by_role("link", name="Năm 2024 của xã").click()
    expect(page.locator("#so-ket-qua")).to_contain_text("3")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, f"lists-list-{name}")

    # Bulk edit of the level of every matching row: the preview, then the outcome.
    if phone:
        page.get_by_role("button", name="Thao tác hàng loạt").click()
    page.select_option("#thao-tac-chon", "edit")
    page.select_option("#thao-tac-cap", "district")
    page.check("#pham-vi-tat-ca")
    page.get_by_role("button", name="Thực hiện").click()
    expect(page.get_by_text("Cấp đăng ký mới: Cấp huyện.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"lists-preview-{name}")
    page.locator("form [type=submit]").filter(has_text="Xác nhận").first.click()
    expect(page.get_by_text("Đã sửa 3 mô hình.")).to_be_visible()
    assert set(Registration.objects.filter(year=2024).values_list("level", flat=True)) == {Level.DISTRICT}
    assert_accessible(page)
    screenshot(page, f"lists-edited-{name}")
    context.close()
