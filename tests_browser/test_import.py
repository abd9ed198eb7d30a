"""Importing a filled template, as a staff member does it in the browser.

At 1280 and 390 px wide, in Vietnamese and in English: the import page reached from the menu
(folded behind its button on a phone), the template downloaded and filled with Vietnamese rows,
the preview, the outcome and the list with the imported models. Every page passes axe and
nothing overflows sideways.
"""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from intake.tests.conftest import fill_template
from registry.choices import Role
from registry.models import Initiative
from registry.tests.conftest import Tree
from registry.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor():
    # The live server runs in this process: its tasks run at once (the root conftest says so).
    # A transactional test may start after another one flushed the seeded fields: seed again.
    import_module("registry.migrations.0002_seed_fields_award_forms").seed(django_apps, None)
    tree = Tree()
    user = UserFactory(username="canbo_nhap")
    MembershipFactory(user=user, unit=tree.a, role=Role.EDITOR)
    return user


def words(language):
    """The interface's words in ``language``, read from the same catalogues as the pages."""
    with translation.override(language):
        return {
            "menu": gettext("Mở menu"),
            "import": gettext("Nhập từ Excel"),
            "heading": gettext("Nhập danh sách mô hình từ Excel"),
            "template": gettext("Tải tệp mẫu (.xlsx)"),
            "file": gettext("Tệp Excel (.xlsx)"),
            "upload": gettext("Tải lên và kiểm tra"),
            "new_tab": f"{gettext('Thêm mới')} 2",
            "confirm": gettext("Xác nhận nhập"),
            "imported": gettext("Đã nhập %(created)s dòng mới, cập nhật %(updated)s dòng.")
            % {"created": 2, "updated": 0},
            "list": gettext("Xem danh sách mô hình"),
        }


def test_staff_uploads_a_file_reads_the_preview_confirms_and_finds_the_initiatives(
    editor, open_as, live_server, assert_fits, assert_accessible, screenshot, tmp_path, language, viewport
):
    said = words(language)
    phone = viewport["width"] < 576
    name = f"{language}-{viewport['width']}"
    page = open_as(editor.username, language, viewport)
    assert_fits(page)
    assert_accessible(page)
    if phone:
        page.get_by_role("button", name=said["menu"]).click()
    page.locator("nav.navbar").get_by_role("link", name=said["import"]).click()
    expect(page.get_by_role("heading", name=said["heading"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"import-upload-{name}")

    with page.expect_download() as download:
        page.get_by_role("link", name=said["template"]).click()
    template = tmp_path / "mau.xlsx"
    download.value.save_as(template)
    rows = [
        [
            "",
            "X. Cẩm Giàng",
            "Mô hình “Đường hoa nông thôn mới”",
            "Tập thể",
            "",
            "",
            "kinh te",
            "",
            2025,
            "05/03/2025",
        ],
        [
            "",
            "CB thon Na Phai",
            "Mô hình “Tổ hòa giải giỏi”",
            "Cá nhân",
            "Lương Thị Hoa",
            "Tổ trưởng",
            "An ninh trật tự",
            "",
            2025,
            "06/03/2025",
        ],
    ]
    filled = tmp_path / "danh-sach.xlsx"
    filled.write_bytes(fill_template(template, rows))

    page.get_by_label(said["file"]).set_input_files(str(filled))
    page.get_by_role("button", name=said["upload"]).click()
    expect(page.get_by_role("link", name=said["new_tab"])).to_be_visible()
    expect(page.get_by_role("cell", name="Mô hình “Tổ hòa giải giỏi”")).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"import-preview-{name}")

    page.get_by_role("button", name=said["confirm"]).click()
    expect(page.get_by_text(said["imported"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"import-done-{name}")

    page.get_by_role("link", name=said["list"]).click()
    # The models' own links (on a phone's cards, their buttons name them too).
    expect(page.get_by_role("link", name="Mô hình “Đường hoa nông thôn mới”", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Mô hình “Tổ hòa giải giỏi”", exact=True)).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"import-list-{name}")
    assert Initiative.objects.filter(created_by=editor).count() == 2
