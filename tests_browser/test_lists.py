"""An editor sets up the model list: chooses its columns, saves a filter, edits rows in bulk.

At 1280 and 390 px wide, in Vietnamese and in English: the columns page, the list with the
columns chosen (their order on the phone's cards too), a header that sorts, numbered pages and
the page size, the saved filter shared with the unit applied from the list (by its owner and by
a colleague), the bulk edit's preview and its outcome. Every page passes axe and nothing overflows sideways.
"""

import datetime
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from registry.choices import Level, Role, UnitType
from registry.models import Registration, Unit
from registry.tests.factories import (
    InitiativeFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
    make_unit,
)
from registry.views.initiatives import PAGE_SIZES

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN_PATH = "/tai-khoan/dang-nhap/"
PASSWORD = "mat-khau-thu-nghiem"
LOCALES = {"vi": "vi-VN", "en": "en-GB"}
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
    # One more than the smallest page size: two numbered pages of 25.
    for index in range(PAGE_SIZES[0] + 1):
        RegistrationFactory(
            initiative=InitiativeFactory(unit=commune, name=f"Mô hình cũ số {index:02d}"), year=2022
        )
    user = UserFactory(username="bientap")
    MembershipFactory(user=user, unit=district, role=Role.EDITOR)
    # A colleague of the same unit, who sees the filters shared with it.
    MembershipFactory(user=UserFactory(username="dongnghiep"), unit=district, role=Role.VIEWER)
    return user


def words(language):
    """The interface's words in ``language``, read from the same catalogues as the pages."""
    with translation.override(language):
        position = gettext("Vị trí của cột “%(label)s”")
        return {
            "columns": gettext("Chọn cột"),
            "unit": gettext("Đơn vị đăng ký"),
            "level": gettext("Cấp đăng ký"),
            "year": gettext("Năm"),
            "name": gettext("Tên mô hình"),
            "level_position": position % {"label": gettext("Cấp đăng ký")},
            "year_position": position % {"label": gettext("Năm")},
            "grassroots": str(Level.GRASSROOTS.label),
            "save": gettext("Lưu"),
            "save_filter": gettext("Lưu bộ lọc này"),
            "filter_name": gettext("Tên bộ lọc"),
            "saved_filters": gettext("Bộ lọc đã lưu"),
            "shared": gettext("được chia sẻ"),
            "page_size": gettext("Số dòng mỗi trang"),
            "page_2": gettext("Trang %(n)s") % {"n": 2},
            "bulk": gettext("Thao tác hàng loạt"),
            "run": gettext("Thực hiện"),
            "new_level": gettext("Cấp đăng ký mới: %(label)s.") % {"label": Level.DISTRICT.label},
            "confirm": gettext("Xác nhận thực hiện"),
            "edited": gettext("Đã sửa %(count)s mô hình.") % {"count": 3},
        }


def assert_no_sideways_scroll(page):
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide in a {width[1]} px window"


def log_in(page, live_server, username):
    page.goto(live_server.url + LOGIN_PATH)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form:has(#id_password) [type=submit]")


def names(page):
    return page.locator("table.table-cards tbody td.card-title-cell > a").all_inner_texts()


@pytest.mark.parametrize("viewport", [OFFICE, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_choose_columns_save_a_filter_and_edit_in_bulk(
    live_server, browser, editor, assert_accessible, screenshot, language, viewport
):
    context = browser.new_context(locale=LOCALES[language], viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    said = words(language)
    phone = viewport is PHONE
    name = f"{language}-{viewport['width']}"
    log_in(page, live_server, "bientap")
    assert page.evaluate("document.documentElement.lang") == language

    # Columns: level first, then the year; the unit left out.
    page.goto(live_server.url + "/mo-hinh/?year=2024")
    page.get_by_role("link", name=said["columns"]).click()
    page.get_by_label(said["unit"], exact=True).uncheck()
    page.get_by_label(said["level"], exact=True).check()
    page.get_by_label(said["level_position"]).fill("1")
    page.get_by_label(said["year_position"]).fill("2")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, f"lists-columns-{name}")
    page.get_by_role("button", name=said["save"], exact=True).click()
    expect(page.locator("#so-ket-qua")).to_contain_text("3")
    headers = page.locator("table.table-cards thead th").all_inner_texts()
    assert [h.split("\n")[0].strip() for h in headers if h.strip()][1:3] == [said["level"], said["year"]]
    first_card = page.locator("table.table-cards tbody tr").first
    cells = first_card.locator("td.card-meta").all_inner_texts()
    assert cells[:2] == [said["grassroots"], "2024"]

    # The name's header sorts: newest first before, by name after, and the header says so.
    numbered = [f"Mô hình hiến đất làm đường số {index}" for index in range(3)]
    assert names(page) == numbered[::-1]
    name_header = page.locator("table.table-cards thead th").filter(has_text=said["name"])
    expect(name_header).not_to_have_attribute("aria-sort", re.compile("."))
    if phone:
        # The headers are out of sight behind the cards: a phone follows the same link.
        page.goto(live_server.url + "/mo-hinh/" + name_header.get_by_role("link").get_attribute("href"))
    else:
        name_header.get_by_role("link").click()
    expect(name_header).to_have_attribute("aria-sort", "ascending")
    expect(name_header.locator(".bi-sort-up-alt")).to_have_count(1)
    assert names(page) == numbered

    # Save the filter, shared with the district, then apply it from another filter.
    page.get_by_role("link", name=said["save_filter"]).click()
    page.get_by_label(said["filter_name"]).fill("Năm 2024 của xã")
    # The unit is picked from the suggestions to what is typed, as in every unit field.
    page.locator("#id_unit + .ts-wrapper .ts-control").click()
    page.keyboard.type("bach thong")
    page.locator("#id_unit-ts-dropdown .option", has_text="Huyện ủy Bạch Thông").click()
    expect(page.locator("#id_unit")).to_have_value(str(Unit.objects.get(code="BT").pk))
    assert_accessible(page)
    # The suggestions may still cover the save button, and an Enter typed after choosing one
    # was sometimes lost: the form is sent as its button would send it.
    with page.expect_navigation():
        page.locator("main form:has(#id_unit)").evaluate("(form) => form.requestSubmit()")
    expect(page.locator("#so-ket-qua")).to_contain_text("3")
    page.goto(live_server.url + "/mo-hinh/?year=2023")
    expect(page.locator("#so-ket-qua")).to_contain_text("1")
    page.get_by_role("button", name=said["saved_filters"]).click()
    page.get_by_role("link", name="Năm 2024 của xã").click()
    expect(page.locator("#so-ket-qua")).to_contain_text("3")
    assert names(page) == numbered
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, f"lists-list-{name}")

    # Numbered pages and the page size: 26 rows fit one page of 50, two of 25.
    page.goto(live_server.url + "/mo-hinh/?year=2022")
    expect(page.locator("#so-ket-qua")).to_contain_text("26")
    expect(page.get_by_role("link", name=said["page_2"])).to_have_count(0)
    assert len(names(page)) == 26
    page.get_by_label(said["page_size"]).select_option("25")
    expect(page.get_by_role("link", name=said["page_2"])).to_be_visible()
    assert len(names(page)) == 25
    page.get_by_role("link", name=said["page_2"]).click()
    expect(page.locator(".pagination [aria-current=page]")).to_contain_text("2")
    assert names(page) == ["Mô hình cũ số 00"]
    expect(page.get_by_label(said["page_size"])).to_have_value("25")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, f"lists-pages-{name}")

    # Bulk edit of the level of every matching row: the preview, then the outcome.
    page.goto(live_server.url + "/mo-hinh/?year=2024")
    if phone:
        page.get_by_role("button", name=said["bulk"]).click()
    page.select_option("#thao-tac-chon", "edit")
    page.select_option("#thao-tac-cap", "district")
    page.check("#pham-vi-tat-ca")
    page.get_by_role("button", name=said["run"]).click()
    expect(page.get_by_text(said["new_level"])).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"lists-preview-{name}")
    page.locator("form [type=submit]").filter(has_text=said["confirm"]).first.click()
    expect(page.get_by_text(said["edited"])).to_be_visible()
    assert set(Registration.objects.filter(year=2024).values_list("level", flat=True)) == {Level.DISTRICT}
    assert_accessible(page)
    screenshot(page, f"lists-edited-{name}")

    # A colleague of the district finds the shared filter on their own list.
    context.clear_cookies()
    log_in(page, live_server, "dongnghiep")
    page.goto(live_server.url + "/mo-hinh/?year=2023")
    page.get_by_role("button", name=said["saved_filters"]).click()
    shared = page.get_by_role("link", name="Năm 2024 của xã")
    expect(shared).to_contain_text(said["shared"])
    shared.click()
    expect(page.locator("#so-ket-qua")).to_contain_text("3")
    assert names(page) == numbered
    context.close()
