"""A unit administrator adds units from a spreadsheet, on an office screen and on a phone.

In Vietnamese and in English: the words looked for are read from the same catalogues as the pages.
"""

import io
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from playwright.sync_api import expect

from intake import unitimport
from intake.models import RowAction
from registry.choices import Role
from registry.models import Unit
from registry.tests.conftest import Tree
from registry.tests.factories import MembershipFactory, UserFactory

LOGIN_PATH = "/tai-khoan/dang-nhap/"

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "mat-khau-thu-nghiem"
LOCALES = {"vi": "vi-VN", "en": "en-GB"}
OFFICE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def administrator():
    # A transactional test may start after another one flushed the seeded fields: seed again.
    import_module("registry.migrations.0002_seed_fields_award_forms").seed(django_apps, None)
    tree = Tree()
    user = UserFactory(username="quantri_bachthong")
    MembershipFactory(user=user, unit=tree.a, role=Role.ADMIN)
    return user


def words(language):
    """The interface's words in ``language``, read from the same catalogues as the pages."""
    with translation.override(language):
        same_name = gettext(
            "Đã có đơn vị “%(name)s” trực thuộc “%(parent)s”. Hãy đặt tên khác (ví dụ thêm địa "
            "danh) hoặc dùng đơn vị đã có."
        ) % {"name": "Đảng ủy xã Cẩm Giàng", "parent": "Huyện ủy Bạch Thông"}
        return {
            "import": gettext("Nhập đơn vị từ Excel"),
            "heading": gettext("Nhập danh sách đơn vị từ Excel"),
            "template": gettext("Tải tệp mẫu (.xlsx)"),
            "file": gettext("Tệp Excel (.xlsx)"),
            "upload": gettext("Tải lên và kiểm tra"),
            "errors": f"{RowAction.ERROR.label} 1",
            "same_name": same_name.split(". ")[0],
            "cancel": gettext("Hủy lần nhập này"),
            "create": f"{RowAction.CREATE.label} 3",
            "row_2": gettext("%(name)s (dòng %(row)s)") % {"name": "Đảng ủy xã Quang Thuận", "row": 2},
            "confirm": gettext("Xác nhận nhập"),
            "added": gettext("Đã thêm %(count)s đơn vị.") % {"count": 3},
            "see_tree": gettext("Xem cây đơn vị"),
            "tree": gettext("Cây đơn vị"),
        }


def filled(template, rows):
    workbook = load_workbook(template)
    data = workbook[unitimport.SHEET]
    for number, row in enumerate(rows, start=2):  # under the header, as a user types them
        for column, value in enumerate(row, start=1):
            data.cell(row=number, column=column, value=value)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def fits(page, viewport):
    """Nothing runs off the side: the whole page on a phone; the page's content on an office screen.

    (At 1280 px the navigation bar of an administrator with a long user name is wider than the
    screen whatever the page: that is the bar's own matter, not this page's.)
    """
    if viewport is PHONE:
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
    else:
        scroll, client = page.evaluate(
            "(() => { const m = document.querySelector('main'); return [m.scrollWidth, m.clientWidth]; })()"
        )
    assert scroll <= client, f"{page.url} is {scroll} px wide for {client} px"


@pytest.mark.parametrize("viewport", [OFFICE, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_administrator_uploads_units_reads_the_preview_and_confirms(
    live_server, browser, administrator, assert_accessible, screenshot, tmp_path, language, viewport
):
    context = browser.new_context(locale=LOCALES[language], viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    said = words(language)
    size = f"{language}-{viewport['width']}"
    page.goto(live_server.url + LOGIN_PATH)
    page.fill("#id_username", administrator.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form:has(#id_password) [type=submit]")

    page.goto(live_server.url + reverse("registry:unit_list"))
    page.get_by_role("link", name=said["import"]).click()
    expect(page.get_by_role("heading", name=said["heading"])).to_be_visible()
    screenshot(page, f"unit-import-upload-{size}")
    assert_accessible(page)
    fits(page, viewport)

    with page.expect_download() as download:
        page.get_by_role("link", name=said["template"]).click()
    template = tmp_path / "mau.xlsx"
    download.value.save_as(template)

    # First a sheet with a mistake: the preview names the row and the column, nothing goes in.
    wrong = tmp_path / "sai.xlsx"
    wrong.write_bytes(filled(template, [["Đảng ủy xã Cẩm Giàng", "Đảng ủy xã, phường, thị trấn", "BT"]]))
    page.get_by_label(said["file"]).set_input_files(str(wrong))
    page.get_by_role("button", name=said["upload"]).click()
    expect(page.get_by_role("link", name=said["errors"])).to_be_visible()
    expect(page.get_by_text(said["same_name"])).to_be_visible()
    assert_accessible(page)
    fits(page, viewport)
    screenshot(page, f"unit-import-errors-{size}")
    page.get_by_role("button", name=said["cancel"]).click()

    rows = [
        [
            "Đảng ủy xã Quang Thuận",
            "Đảng ủy xã, phường, thị trấn",
            "BT",
            "BT-QT",
            "",
            "01/07/2025",
            "Mới lập",
        ],
        ["Chi bộ thôn Nà Pài", "Chi bộ", "BT-QT"],
        [
            "Hội Nông dân xã Quang Thuận",
            "Tổ chức chính trị - xã hội, hội quần chúng",
            "Đảng ủy xã Quang Thuận",
        ],
    ]
    good = tmp_path / "don-vi.xlsx"
    good.write_bytes(filled(template, rows))
    page.get_by_label(said["file"]).set_input_files(str(good))
    page.get_by_role("button", name=said["upload"]).click()
    expect(page.get_by_role("link", name=said["create"])).to_be_visible()
    expect(page.get_by_role("cell", name=said["row_2"])).to_have_count(2)
    assert_accessible(page)
    fits(page, viewport)
    screenshot(page, f"unit-import-preview-{size}")

    page.get_by_role("button", name=said["confirm"]).click()
    expect(page.get_by_text(said["added"])).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=said["see_tree"]).click()
    expect(page.get_by_role("heading", name=said["tree"])).to_be_visible()
    expect(page.get_by_role("link", name=said["import"])).to_be_visible()
    fits(page, viewport)
    screenshot(page, f"unit-import-tree-{size}")
    commune = Unit.objects.get(code="BT-QT")
    assert sorted(unit.name for unit in Unit.objects.get_children(commune)) == [
        "Chi bộ thôn Nà Pài",
        "Hội Nông dân xã Quang Thuận",
    ]
    page.goto(live_server.url + commune.get_absolute_url())
    expect(page.get_by_role("heading", name="Đảng ủy xã Quang Thuận")).to_be_visible()
    assert_accessible(page)
    fits(page, viewport)
    screenshot(page, f"unit-import-done-{size}")
    context.close()
