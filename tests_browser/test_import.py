"""Importing a filled template, as a staff member does it in the browser."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect

from intake.tests.conftest import fill_template
from registry.choices import Role
from registry.models import Initiative
from registry.tests.conftest import Tree
from registry.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def editor():
    # The live server runs in this process: its tasks run at once (the root conftest says so).
    # A transactional test may start after another one flushed the seeded fields: seed again.
    import_module("registry.migrations.0002_seed_fields_award_forms").seed(django_apps, None)
    tree = Tree()
    user = UserFactory(username="canbo_nhap")
    MembershipFactory(user=user, unit=tree.a, role=Role.EDITOR)
    return user


def test_staff_uploads_a_file_reads_the_preview_confirms_and_finds_the_initiatives(
    editor, logged_in_page, live_server, assert_accessible, screenshot, tmp_path
):
    page = logged_in_page(editor.username, PASSWORD)
    page.get_by_role("link", name="Nhập từ Excel").click()
    expect(page.get_by_role("heading", name="Nhập danh sách mô hình từ Excel")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp mẫu (.xlsx)").click()
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

    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(filled))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.get_by_role("link", name="Thêm mới 2")).to_be_visible()
    expect(page.get_by_role("cell", name="Mô hình “Tổ hòa giải giỏi”")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "import-preview")

    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.get_by_text("Đã nhập 2 dòng mới")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Xem danh sách mô hình").click()
    expect(page.get_by_role("link", name="Mô hình “Đường hoa nông thôn mới”")).to_be_visible()
    expect(page.get_by_role("link", name="Mô hình “Tổ hòa giải giỏi”")).to_be_visible()
    screenshot(page, "import-list")
    assert Initiative.objects.filter(created_by=editor).count() == 2
