"""A viewer opens the dashboard, drills into a unit, follows a count, downloads the workbook."""

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
    communes = [
        make_unit(f"Đảng ủy xã {name}", district, UnitType.COMMUNE) for name in ("Cẩm Giàng", "Hà Vị")
    ]
    for index, kind in enumerate([Kind.COLLECTIVE] * 3 + [Kind.INDIVIDUAL] * 2):
        initiative = InitiativeFactory(
            unit=communes[index % 2],
            kind=kind,
            person_name="Hoàng Văn Thắng" if kind == Kind.INDIVIDUAL else "",
        )
        RegistrationFactory(initiative=initiative, year=2024, registered_on=datetime.date(2024, 3, 1 + index))
    RegistrationFactory(initiative=InitiativeFactory(unit=other), year=2024)
    user = UserFactory(username="xem")
    MembershipFactory(user=user, unit=province, role=Role.VIEWER)
    return user


def test_viewer_drills_down_follows_a_count_and_downloads_the_workbook(
    live_server, viewer, logged_in_page, assert_accessible, screenshot, tmp_path
):
    page = logged_in_page("xem", PASSWORD)
    page.get_by_role("link", name="Báo cáo").click()
    page.goto(page.url.split("?")[0] + "?period=year&year=2024")
    total = page.locator(".figure-card", has_text="Tổng số mô hình")
    expect(total.locator(".figure-value")).to_have_text("6")
    assert_accessible(page)
    screenshot(page, "dashboard-province")

    # Drill into the district: the dashboard re-roots there.
    page.get_by_text("Số liệu theo đơn vị trực thuộc").click()
    page.get_by_role("link", name="Huyện ủy Bạch Thông").first.click()
    expect(page.locator(".lead")).to_contain_text("Huyện ủy Bạch Thông")
    expect(total.locator(".figure-value")).to_have_text("5")
    screenshot(page, "dashboard-district")

    # A count opens the list of exactly the registrations behind it.
    page.locator(".figure-card", has_text="Tập thể").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Danh sách mô hình")).to_be_visible()
    expect(page.locator("#so-ket-qua")).to_contain_text("3")
    expect(page.locator("tbody tr")).to_have_count(3)
    assert_accessible(page)
    page.go_back()

    # The workbook of the district, read back.
    page.get_by_role("button", name="Tải báo cáo Excel").click()
    expect(page.get_by_role("heading", name="Báo cáo Excel")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Đã lập xong")
    assert_accessible(page)
    screenshot(page, "workbook-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp Excel về").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    workbook = openpyxl.load_workbook(saved, read_only=True)
    assert {"Tổng hợp", "Theo lĩnh vực", "Danh sách"} <= set(workbook.sheetnames)
    listed = [row for row in workbook["Danh sách"].iter_rows(values_only=True) if row and row[0]]
    assert sum(1 for row in listed if isinstance(row[0], int)) == 5
