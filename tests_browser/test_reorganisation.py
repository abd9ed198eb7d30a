"""An administrator merges two communes with the wizard, reads the preview, applies and undoes."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from registry.choices import Level, ReorganisationStatus, Role, UnitType
from registry.models import Field, Initiative, Reorganisation, Unit
from registry.tests.factories import MembershipFactory, UserFactory, make_unit

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "mat-khau-thu-nghiem"


def register(unit, name, address=""):
    from registry import services

    return services.initiative_create(
        user=None,
        initiative=Initiative(name=name, unit=unit, address=address, field=Field.objects.first()),
        year=2024,
        registered_on=datetime.date(2024, 3, 1),
        level=Level.COMMUNE,
    )


@pytest.fixture
def administrator():
    # A transactional test may start after another one flushed the seeded fields: seed again.
    import_module("registry.migrations.0002_seed_fields_award_forms").seed(django_apps, None)
    province = make_unit("Tỉnh ủy Bắc Kạn", unit_type=UnitType.PROVINCE, code="BK")
    district = make_unit("Huyện ủy Bạch Thông", province, UnitType.DISTRICT, code="BT")
    first = make_unit("Đảng ủy xã Quang Thuận", district, UnitType.COMMUNE, code="BT-1")
    second = make_unit("Đảng ủy xã Dương Phong", district, UnitType.COMMUNE, code="BT-2")
    make_unit("Đảng ủy xã Đôn Phong", district, UnitType.COMMUNE, code="BT-3")
    register(first, "Mô hình “Tuyến đường hoa nông thôn mới”", "Thôn Nà Phải")
    register(second, "Mô hình “Tổ hòa giải giỏi”", "Thôn Bản Pẻn")
    editor = UserFactory(username="bientap_quangthuan")
    MembershipFactory(user=editor, unit=first, role=Role.EDITOR)
    user = UserFactory(username="quantri_bac_kan", first_name="Lan")
    MembershipFactory(user=user, unit=province, role=Role.ADMIN)
    return user


def choose(page, select_id, text):
    """Pick an option of a Tom Select list by typing part of its text, as a user does.

    The suggestions come from the server as the user types and the list is drawn again when
    they arrive: if the option vanished under the click, type again (at most three times).
    """
    for attempt in range(3):
        page.locator(f"#{select_id} + .ts-wrapper .ts-control").click()
        page.keyboard.type(text)
        option = page.locator(f"#{select_id}-ts-dropdown .option", has_text=text).first
        try:
            expect(option).to_be_visible(timeout=5000)
            option.click(timeout=5000)
            break
        except (AssertionError, PlaywrightTimeoutError):
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            page.locator("h1").click()
    page.keyboard.press("Escape")
    page.locator("h1").click()  # leave the list, as a user moving to the next field


def test_an_administrator_merges_two_communes_applies_and_undoes(
    live_server, administrator, logged_in_page, assert_accessible, screenshot
):
    page = logged_in_page("quantri_bac_kan", PASSWORD)
    page.get_by_role("link", name="Sắp xếp", exact=True).click()
    expect(page.get_by_role("heading", name="Sắp xếp tổ chức")).to_be_visible()
    assert_accessible(page)

    # The wizard, first page: name, date, kind.
    page.get_by_role("link", name="Lập kế hoạch sắp xếp").click()
    page.get_by_label("Tên đợt sắp xếp").fill("Sắp xếp đơn vị hành chính cấp xã năm 2025")
    page.get_by_label("Ngày có hiệu lực").fill("01/07/2025")
    page.get_by_label("Hợp nhất, sáp nhập").check()
    assert_accessible(page)
    screenshot(page, "reorganisation-wizard-plan")
    page.get_by_role("button", name="Tiếp tục").click()

    # Second page: the two communes, and the new commune that carries them on.
    expect(page.get_by_text("Sắp xếp đơn vị hành chính cấp xã năm 2025")).to_be_visible()
    choose(page, "id_olds", "Quang Thuận")
    choose(page, "id_olds", "Dương Phong")
    page.get_by_label("hoặc tên đơn vị mới").fill("Đảng ủy xã Bạch Thông")
    page.get_by_label("Loại đơn vị mới").select_option(label="Đảng ủy xã, phường, thị trấn")
    page.get_by_label("Mã đơn vị mới").fill("BK-BT25")
    choose(page, "id_ke-thua-parent", "Tỉnh ủy Bắc Kạn")
    assert_accessible(page)
    screenshot(page, "reorganisation-wizard-units")
    page.get_by_role("button", name="Lưu bản nháp và xem trước").click()

    # The preview.
    expect(page.get_by_text("Đã lưu bản nháp")).to_be_visible()
    expect(page.get_by_text("Kế hoạch hợp lệ.")).to_be_visible()
    expect(page.get_by_role("cell", name="Mô hình “Tổ hòa giải giỏi”")).to_be_visible()
    expect(page.get_by_role("cell", name="bientap_quangthuan")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "reorganisation-preview")

    page.get_by_role("link", name="Thực hiện").click()
    expect(page.get_by_role("heading", name="Xác nhận thực hiện kế hoạch")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "reorganisation-confirm-apply")
    page.get_by_role("button", name="Thực hiện").click()

    # Applied (the task ran at once here): the status, and the old commune's page shows its successor.
    expect(page.locator(".badge", has_text="Đã thực hiện")).to_be_visible()
    expect(page.get_by_role("link", name="Hoàn tác")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "reorganisation-applied")
    reorganisation = Reorganisation.objects.get()
    assert reorganisation.status == ReorganisationStatus.APPLIED
    new = Unit.objects.get(code="BK-BT25")
    assert set(Initiative.objects.values_list("unit_id", flat=True)) == {new.pk}

    page.get_by_role("link", name="Đảng ủy xã Quang Thuận").first.click()
    expect(page.get_by_role("heading", name="Lịch sử sắp xếp")).to_be_visible()
    expect(page.get_by_role("cell", name="Được kế thừa bởi")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "unit-lineage")
    page.go_back()

    page.get_by_role("link", name="Hoàn tác").click()
    expect(page.get_by_role("heading", name="Xác nhận hoàn tác kế hoạch")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Hoàn tác").click()
    expect(page.locator(".badge", has_text="Đã hoàn tác")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "reorganisation-undone")
    reorganisation.refresh_from_db()
    assert reorganisation.status == ReorganisationStatus.UNDONE
    assert not Unit.objects.filter(code="BK-BT25").exists()

    # The spreadsheet page, for a reform of many units.
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Sắp xếp", exact=True
    ).click()
    page.get_by_role("link", name="Lập kế hoạch từ Excel").click()
    expect(page.get_by_role("heading", name="Lập kế hoạch sắp xếp từ Excel")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "reorganisation-upload")


def plan_workbook(user, rows):
    import io

    from openpyxl import load_workbook

    from intake.reorganisation import SHEET, build_template

    workbook = load_workbook(io.BytesIO(build_template(user)))
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            workbook[SHEET].cell(row=2 + offset, column=column, value=value or None)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_an_administrator_plans_a_split_from_a_spreadsheet_and_reviews_the_parts(
    live_server, administrator, logged_in_page, assert_accessible, screenshot, tmp_path
):
    commune = "Đảng ủy xã, phường, thị trấn"
    register(Unit.objects.get(code="BT-3"), "Mô hình “Thu gom rác thải nhựa”", "Thôn Khuổi Chủ")
    register(Unit.objects.get(code="BT-3"), "Mô hình “Chè an toàn”", "Thôn Nà Pì")
    page = logged_in_page("quantri_bac_kan", PASSWORD)
    page.goto(live_server.url + "/nhap-excel/sap-xep/")

    bad = tmp_path / "ke-hoach-loi.xlsx"
    bad.write_bytes(
        plan_workbook(administrator, [["BT-3", "Chia nhỏ", "", "Đảng ủy xã Khuổi Chủ", commune, "BK", "Có"]])
    )
    page.get_by_label("Tên đợt sắp xếp").fill("Chia tách xã Đôn Phong")
    page.get_by_label("Ngày có hiệu lực").fill("01/07/2025")
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.get_by_text("“Chia nhỏ” không phải là hình thức sắp xếp")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "reorganisation-upload-errors")
    assert not Reorganisation.objects.exists()

    good = tmp_path / "ke-hoach.xlsx"
    good.write_bytes(
        plan_workbook(
            administrator,
            [
                ["BT-3", "Chia tách", "", "Đảng ủy xã Phong Quang", commune, "BK", "Có"],
                ["BT-3", "Chia tách", "", "Đảng ủy xã Khuổi Chủ", commune, "BK", ""],
            ],
        )
    )
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(good))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.get_by_text("Đã lập bản nháp")).to_be_visible()
    page.get_by_role("link", name="Chọn đơn vị nhận từng mô hình").click()
    expect(page.get_by_text("Gợi ý: Đảng ủy xã Khuổi Chủ")).to_be_visible()
    expect(page.get_by_label("Mô hình “Thu gom rác thải nhựa”")).to_have_value("1")
    assert_accessible(page)
    screenshot(page, "reorganisation-split-parts")
    page.get_by_role("button", name="Lưu và xem trước").click()
    expect(page.get_by_text("Đã lưu đơn vị nhận từng mô hình.")).to_be_visible()
    assert_accessible(page)
