"""A viewer builds a table, follows a count, saves the table, downloads it, and reads it on a phone."""

import datetime

import openpyxl
import pytest
from playwright.sync_api import expect

from registry.choices import Kind, Role, UnitType
from registry.tests.factories import (
    InitiativeFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
    make_unit,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def viewer():
    province = make_unit("Tỉnh ủy Bắc Kạn", unit_type=UnitType.PROVINCE, code="BK")
    district = make_unit("Huyện ủy Bạch Thông", province, UnitType.DISTRICT, code="BT")
    other = make_unit("Thành ủy Bắc Kạn", province, UnitType.DISTRICT, code="TP")
    for index, kind in enumerate([Kind.COLLECTIVE] * 3 + [Kind.INDIVIDUAL] * 2):
        initiative = InitiativeFactory(
            unit=district, kind=kind, person_name="Hoàng Văn Thắng" if kind == Kind.INDIVIDUAL else ""
        )
        RegistrationFactory(initiative=initiative, year=2024, registered_on=datetime.date(2024, 3 + index, 1))
    RegistrationFactory(initiative=InitiativeFactory(unit=other), year=2024)
    user = UserFactory(username="xem")
    MembershipFactory(user=user, unit=province, role=Role.VIEWER)
    return user


def assert_no_sideways_scroll(page):
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide in a {width[1]} px window"


def test_viewer_builds_follows_saves_and_downloads_a_table(
    live_server, viewer, logged_in_page, assert_accessible, screenshot, tmp_path
):
    page = logged_in_page("xem", PASSWORD)
    page.get_by_role("button", name="Khác").click()
    page.get_by_role("link", name="Bảng tùy chọn").click()
    page.get_by_label("Năm", exact=True).fill("2024")
    page.get_by_label("Dòng theo").select_option(label="Đơn vị trực thuộc")
    page.get_by_label("Cột theo").select_option(label="Quý (theo ngày đăng ký)")
    page.get_by_role("button", name="Xem", exact=True).click()
    table = page.locator(".builder-table")
    expect(table.locator("tfoot td").last).to_have_text("6")
    assert_accessible(page)
    screenshot(page, "builder-1280")

    # A count opens the list of exactly the registrations behind it.
    row = table.locator("tbody tr", has_text="Huyện ủy Bạch Thông")
    row.locator("td").last.get_by_role("link").click()
    expect(page.locator("#so-ket-qua")).to_contain_text("5")
    page.go_back()

    # Saved for the viewer alone: a viewer may not share.
    expect(page.get_by_label("Dùng chung với người dùng của đơn vị")).to_have_count(0)
    page.get_by_label("Lưu bảng đang xem với tên").fill("Theo quý")
    page.get_by_role("button", name="Lưu bảng").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã lưu bảng “Theo quý”")
    expect(page.locator(".saved-tables")).to_contain_text("Riêng của bạn")

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Excel").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(openpyxl.load_workbook(saved).active.iter_rows(values_only=True))
    assert rows[-1][0] == "Tổng cộng" and rows[-1][-1] == 6

    # On a phone the filters fit, the table scrolls inside its own box.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert_no_sideways_scroll(page)
    expect(page.get_by_label("Dòng theo")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "builder-390")
