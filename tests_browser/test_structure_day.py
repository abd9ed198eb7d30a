"""A viewer reads a year in the structure of a day between two reorganisations, follows a count
to its rows, then switches to today's structure.

Tỉnh ủy P: communes X and Y merged into Z on 01/07/2025, Z and W merged into V on 01/03/2026.
On 31/12/2025 the 2024 registrations of X and Y stand under Z; today they stand under V.
At 1280 and 390 px wide, in Vietnamese and in English: every page passes axe and nothing
overflows sideways.
"""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from registry.choices import Role, UnitType
from registry.models import Field
from registry.tests.factories import (
    InitiativeFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
    make_unit,
    reorganise,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def twice():
    p = make_unit("Tỉnh ủy P", unit_type=UnitType.PROVINCE)
    x = make_unit("Đảng ủy xã X", p, UnitType.COMMUNE)
    y = make_unit("Đảng ủy xã Y", p, UnitType.COMMUNE)
    w = make_unit("Đảng ủy xã W", p, UnitType.COMMUNE)
    z = make_unit("Đảng ủy xã Z", p, UnitType.COMMUNE, valid_from=datetime.date(2025, 7, 1))
    v = make_unit("Đảng ủy xã V", p, UnitType.COMMUNE, valid_from=datetime.date(2026, 3, 1))
    field = Field.objects.first()
    for unit in (x, x, y, w):
        RegistrationFactory(initiative=InitiativeFactory(unit=unit, field=field), unit=unit, year=2024)
    reorganise([x, y], into=z, day=datetime.date(2025, 7, 1))
    reorganise([z, w], into=v, day=datetime.date(2026, 3, 1))
    user = UserFactory(username="xem")
    MembershipFactory(user=user, unit=p, role=Role.VIEWER)
    return p


def words(language):
    """The interface's words in ``language``, read from the same catalogues as the pages."""
    with translation.override(language):
        return {
            "other_day": gettext("Tính theo tổ chức tại một ngày khác"),
            "day": gettext("Tổ chức tại ngày"),
            "show_day": gettext("Xem theo tổ chức ngày này"),
            "badge": gettext("Theo tổ chức tại ngày %(day)s") % {"day": "31/12/2025"},
            "see_today": gettext("Xem %(other)s") % {"other": gettext("Theo tổ chức hiện nay").lower()},
            "list": gettext("Danh sách mô hình"),
        }


def test_viewer_reads_a_year_in_the_structure_of_a_past_day_and_follows_a_count(
    live_server, twice, open_as, assert_fits, assert_accessible, screenshot, language, viewport
):
    said = words(language)
    name = f"{language}-{viewport['width']}"
    page = open_as("xem", language, viewport)
    page.goto(f"{live_server.url}/bao-cao/bieu-tong-hop/?unit={twice.pk}&year=2024")
    page.get_by_text(said["other_day"]).click()
    page.get_by_label(said["day"]).fill("31/12/2025")
    with page.expect_navigation():
        page.get_by_role("button", name=said["show_day"]).click()
    expect(page.locator("[data-structure]")).to_contain_text(said["badge"].lower(), ignore_case=True)
    row = page.locator("table.report-table tbody tr", has_text="Đảng ủy xã Z")
    expect(row.locator("td").nth(1)).to_have_text("3")
    expect(
        page.locator("table.report-table tbody tr", has_text="Đảng ủy xã W").locator("td").nth(1)
    ).to_have_text("1")
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"structure-day-report-{name}")

    # Z's total links to exactly its three rows, in the same structure.
    row.locator("td").nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", name=said["list"])).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(3)
    assert_fits(page)
    assert_accessible(page)
    page.go_back()

    # Today's structure: everything stands under V.
    page.get_by_role("link", name=said["see_today"]).click()
    today_row = page.locator("table.report-table tbody tr", has_text="Đảng ủy xã V")
    expect(today_row.locator("td").nth(1)).to_have_text("4")
    expect(page.locator("table.report-table tbody tr", has_text="Đảng ủy xã Z")).to_have_count(0)
    assert_fits(page)
    assert_accessible(page)
