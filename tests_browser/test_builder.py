"""A viewer builds a table, follows a count, saves the table, downloads it, and reads it on a phone,
in Vietnamese and in English."""

import datetime

import openpyxl
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

pytestmark = pytest.mark.django_db(transaction=True)


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


def words(language):
    """The interface's words in ``language``, read from the same catalogues as the pages."""
    with translation.override(language):
        return {
            "more": pgettext("menu", "Khác"),
            "builder": gettext("Bảng tùy chọn"),
            "year": gettext("Năm"),
            "rows": gettext("Dòng theo"),
            "columns": gettext("Cột theo"),
            "by_unit": gettext("Đơn vị trực thuộc"),
            "by_quarter": gettext("Quý (theo ngày đăng ký)"),
            "show": gettext("Xem"),
            "share": gettext("Dùng chung với người dùng của đơn vị"),
            "save_as": gettext("Lưu bảng đang xem với tên"),
            "save": gettext("Lưu bảng"),
            "saved": gettext("Đã lưu bảng “%(name)s”.") % {"name": "Theo quý"},
            "private": gettext("Riêng của bạn"),
            "xlsx": gettext("Tải Excel"),
            "total": gettext("Tổng cộng"),
        }


def test_viewer_builds_follows_saves_and_downloads_a_table(
    live_server, viewer, open_as, assert_fits, assert_accessible, screenshot, tmp_path, language
):
    said = words(language)
    page = open_as("xem", language)
    page.get_by_role("button", name=said["more"]).click()
    page.get_by_role("link", name=said["builder"]).click()
    page.get_by_label(said["year"], exact=True).fill("2024")
    page.get_by_label(said["rows"]).select_option(label=said["by_unit"])
    page.get_by_label(said["columns"]).select_option(label=said["by_quarter"])
    page.get_by_role("button", name=said["show"], exact=True).click()
    table = page.locator(".builder-table")
    expect(table.locator("tfoot td").last).to_have_text("6")
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"builder-{language}-1280")

    # A count opens the list of exactly the registrations behind it.
    row = table.locator("tbody tr", has_text="Huyện ủy Bạch Thông")
    row.locator("td").last.get_by_role("link").click()
    expect(page.locator("#so-ket-qua")).to_contain_text("5")
    page.go_back()

    # Saved for the viewer alone: a viewer may not share.
    expect(page.get_by_label(said["share"])).to_have_count(0)
    page.get_by_label(said["save_as"]).fill("Theo quý")
    page.get_by_role("button", name=said["save"], exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text(said["saved"])
    expect(page.locator(".saved-tables")).to_contain_text(said["private"])

    with page.expect_download() as download:
        page.get_by_role("link", name=said["xlsx"]).click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(openpyxl.load_workbook(saved).active.iter_rows(values_only=True))
    assert rows[-1][0] == said["total"] and rows[-1][-1] == 6

    # On a phone the filters fit, the table scrolls inside its own box.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert_fits(page)
    expect(page.get_by_label(said["rows"])).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"builder-{language}-390")
