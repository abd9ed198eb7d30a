"""A viewer opens the dashboard, drills into a unit, follows a count, downloads the workbook.

At 1280 and 390 px wide, in Vietnamese and in English: the province's dashboard reached from
the menu (folded behind its button on a phone), the district's after a drill-down, the list
behind a count, the workbook's page and the workbook itself. Every page passes axe and nothing
overflows sideways.
"""

import datetime

import openpyxl
import pytest
from django.utils import translation
from django.utils.translation import gettext
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


def words(language):
    """The interface's words in ``language``, read from the same catalogues as the pages."""
    with translation.override(language):
        return {
            "menu": gettext("Mở menu"),
            "reports": gettext("Báo cáo"),
            "total": gettext("Tổng số mô hình"),
            "by_unit": gettext("Số liệu theo đơn vị trực thuộc"),
            "collective": gettext("Tập thể"),
            "list": gettext("Danh sách mô hình"),
            "export": gettext("Tải báo cáo Excel"),
            "workbook": gettext("Báo cáo Excel"),
            "ready": gettext("Đã lập xong báo cáo."),
            "download": gettext("Tải tệp Excel về"),
            "summary_sheet": gettext("Tổng hợp"),
            "field_sheet": gettext("Theo lĩnh vực"),
            "list_sheet": gettext("Danh sách"),
        }


def test_viewer_drills_down_follows_a_count_and_downloads_the_workbook(
    live_server, viewer, open_as, assert_fits, assert_accessible, screenshot, tmp_path, language, viewport
):
    said = words(language)
    phone = viewport["width"] < 576
    name = f"{language}-{viewport['width']}"
    page = open_as("xem", language, viewport)
    assert_fits(page)
    assert_accessible(page)
    if phone:
        page.get_by_role("button", name=said["menu"]).click()
    page.locator("nav.navbar").get_by_role("link", name=said["reports"]).click()
    page.goto(page.url.split("?")[0] + "?period=year&year=2024")
    total = page.locator(".figure-card", has_text=said["total"])
    expect(total.locator(".figure-value")).to_have_text("6")
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"dashboard-province-{name}")

    # Drill into the district: the dashboard re-roots there.
    page.get_by_text(said["by_unit"]).click()
    page.get_by_role("link", name="Huyện ủy Bạch Thông").first.click()
    expect(page.locator(".lead")).to_contain_text("Huyện ủy Bạch Thông")
    expect(total.locator(".figure-value")).to_have_text("5")
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"dashboard-district-{name}")

    # A count opens the list of exactly the registrations behind it.
    page.locator(".figure-card", has_text=said["collective"]).get_by_role("link").click()
    expect(page.get_by_role("heading", name=said["list"])).to_be_visible()
    expect(page.locator("#so-ket-qua")).to_contain_text("3")
    expect(page.locator("tbody tr")).to_have_count(3)
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"dashboard-count-list-{name}")
    page.go_back()

    # The workbook of the district, read back.
    page.get_by_role("button", name=said["export"]).click()
    expect(page.get_by_role("heading", name=said["workbook"])).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(said["ready"])
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"workbook-ready-{name}")
    with page.expect_download() as download:
        page.get_by_role("link", name=said["download"]).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    workbook = openpyxl.load_workbook(saved, read_only=True)
    assert {said["summary_sheet"], said["field_sheet"], said["list_sheet"]} <= set(workbook.sheetnames)
    listed = [row for row in workbook[said["list_sheet"]].iter_rows(values_only=True) if row and row[0]]
    assert sum(1 for row in listed if isinstance(row[0], int)) == 5
