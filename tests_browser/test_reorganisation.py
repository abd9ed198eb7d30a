"""An administrator merges two communes with the wizard, reads the preview, applies and undoes;
plans a split from a spreadsheet and chooses the unit that takes each model.

At 1280 and 390 px wide, in Vietnamese and in English: every page passes axe and nothing
overflows sideways.
"""

import datetime
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.utils import translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from registry.choices import Level, ReorganisationStatus, Role, UnitType
from registry.models import Field, Initiative, Reorganisation, Unit
from registry.tests.factories import MembershipFactory, UserFactory, make_unit

pytestmark = pytest.mark.django_db(transaction=True)

MERGER = "Sắp xếp đơn vị hành chính cấp xã năm 2025"
SPLIT = "Chia tách xã Đôn Phong"
COMMUNE = "Đảng ủy xã, phường, thị trấn"  # the unit type, as the spreadsheet's list writes it


def words(language):
    """The interface's words in ``language``, read from the same catalogues as the pages."""
    with translation.override(language):
        not_a_kind = gettext("“%(value)s” không phải là hình thức sắp xếp. Hãy chọn một trong: %(kinds)s.")
        made = gettext("Đã lập bản nháp “%(title)s” từ tệp “%(name)s”: %(steps)s bước.")
        return {
            "main_nav": gettext("Điều hướng chính"),
            "open_menu": gettext("Mở menu"),
            "menu": pgettext("menu", "Sắp xếp"),
            "reorganisations": gettext("Sắp xếp tổ chức"),
            "plan": gettext("Lập kế hoạch sắp xếp"),
            "title": gettext("Tên đợt sắp xếp"),
            "effective": gettext("Ngày có hiệu lực"),
            "merger": gettext("Hợp nhất, sáp nhập"),
            "next": gettext("Tiếp tục"),
            "new_name": gettext("hoặc tên đơn vị mới"),
            "new_type": gettext("Loại đơn vị mới"),
            "commune": str(UnitType.COMMUNE.label),
            "new_code": gettext("Mã đơn vị mới"),
            "save_draft": gettext("Lưu bản nháp và xem trước"),
            "draft_saved": gettext("Đã lưu bản nháp “%(title)s”.") % {"title": MERGER},
            "valid": gettext(
                "Kế hoạch hợp lệ. Xem lại bên dưới rồi bấm “Thực hiện”: các thay đổi được ghi trong một lần."
            ),
            "apply": gettext("Thực hiện"),
            "confirm_apply": gettext("Xác nhận thực hiện kế hoạch"),
            "applied": gettext("Đã thực hiện"),
            "undo": gettext("Hoàn tác"),
            "lineage": gettext("Lịch sử sắp xếp"),
            "carried_on_by": gettext("Được kế thừa bởi"),
            "confirm_undo": gettext("Xác nhận hoàn tác kế hoạch"),
            "undone": gettext("Đã hoàn tác"),
            "from_excel": gettext("Lập kế hoạch từ Excel"),
            "upload_heading": gettext("Lập kế hoạch sắp xếp từ Excel"),
            "file": gettext("Tệp Excel (.xlsx)"),
            "upload": gettext("Tải lên và kiểm tra"),
            # The messages' beginnings: what follows lists the kinds, or the file and its steps.
            "not_a_kind": not_a_kind.split("%(kinds)s")[0].strip() % {"value": "Chia nhỏ"},
            "draft_made": made.split("%(name)s")[0] % {"title": SPLIT},
            "assign": gettext("Chọn đơn vị nhận từng mô hình"),
            "suggested": gettext("Gợi ý: %(name)s") % {"name": "Đảng ủy xã Khuổi Chủ"},
            "save_preview": gettext("Lưu và xem trước"),
            "assigned": gettext("Đã lưu đơn vị nhận từng mô hình."),
        }


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
    live_server, administrator, open_as, assert_fits, assert_accessible, screenshot, language, viewport
):
    said = words(language)
    phone = viewport["width"] < 576
    variant = f"{language}-{viewport['width']}"
    page = open_as("quantri_bac_kan", language, viewport)
    assert_fits(page)
    navigation = page.get_by_role("navigation", name=said["main_nav"])
    if phone:
        navigation.get_by_role("button", name=said["open_menu"]).click()
    navigation.get_by_role("link", name=said["menu"], exact=True).click()
    expect(page.get_by_role("heading", name=said["reorganisations"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"reorganisation-list-{variant}")

    # The wizard, first page: name, date, kind.
    page.get_by_role("link", name=said["plan"], exact=True).click()
    page.get_by_label(said["title"]).fill(MERGER)
    page.get_by_label(said["effective"]).fill("01/07/2025")
    page.get_by_label(said["merger"], exact=True).check()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"reorganisation-wizard-plan-{variant}")
    page.get_by_role("button", name=said["next"]).click()

    # Second page: the two communes, and the new commune that carries them on.
    expect(page.get_by_text(MERGER)).to_be_visible()
    choose(page, "id_olds", "Quang Thuận")
    choose(page, "id_olds", "Dương Phong")
    page.get_by_label(said["new_name"]).fill("Đảng ủy xã Bạch Thông")
    page.get_by_label(said["new_type"]).select_option(label=said["commune"])
    page.get_by_label(said["new_code"]).fill("BK-BT25")
    choose(page, "id_ke-thua-parent", "Tỉnh ủy Bắc Kạn")
    assert_fits(page)
    assert_accessible(page)
    # The check can leave the focus in the last list, which opens it: on a phone it then lies
    # over the buttons. Close it, and press the button from the keyboard.
    page.keyboard.press("Escape")
    screenshot(page, f"reorganisation-wizard-units-{variant}")
    page.get_by_role("button", name=said["save_draft"]).press("Enter")

    # The preview.
    expect(page.get_by_text(said["draft_saved"])).to_be_visible()
    expect(page.get_by_text(said["valid"])).to_be_visible()
    expect(page.get_by_role("cell", name="Mô hình “Tổ hòa giải giỏi”")).to_be_visible()
    expect(page.get_by_role("cell", name="bientap_quangthuan")).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"reorganisation-preview-{variant}")

    page.get_by_role("link", name=said["apply"], exact=True).click()
    expect(page.get_by_role("heading", name=said["confirm_apply"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"reorganisation-confirm-apply-{variant}")
    page.get_by_role("button", name=said["apply"], exact=True).click()

    # Applied (the task ran at once here): the status, and the old commune's page shows its successor.
    expect(page.locator(".badge", has_text=said["applied"])).to_be_visible()
    expect(page.get_by_role("link", name=said["undo"], exact=True)).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"reorganisation-applied-{variant}")
    reorganisation = Reorganisation.objects.get()
    assert reorganisation.status == ReorganisationStatus.APPLIED
    new = Unit.objects.get(code="BK-BT25")
    assert set(Initiative.objects.values_list("unit_id", flat=True)) == {new.pk}

    page.get_by_role("link", name="Đảng ủy xã Quang Thuận").first.click()
    expect(page.get_by_role("heading", name=said["lineage"])).to_be_visible()
    expect(page.get_by_role("cell", name=said["carried_on_by"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"unit-lineage-{variant}")
    page.go_back()

    page.get_by_role("link", name=said["undo"], exact=True).click()
    expect(page.get_by_role("heading", name=said["confirm_undo"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    page.get_by_role("button", name=said["undo"], exact=True).click()
    expect(page.locator(".badge", has_text=said["undone"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"reorganisation-undone-{variant}")
    reorganisation.refresh_from_db()
    assert reorganisation.status == ReorganisationStatus.UNDONE
    assert not Unit.objects.filter(code="BK-BT25").exists()

    # The spreadsheet page, for a reform of many units.
    if phone:
        navigation.get_by_role("button", name=said["open_menu"]).click()
    navigation.get_by_role("link", name=said["menu"], exact=True).click()
    page.get_by_role("link", name=said["from_excel"]).click()
    expect(page.get_by_role("heading", name=said["upload_heading"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"reorganisation-upload-{variant}")


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
    live_server,
    administrator,
    open_as,
    assert_fits,
    assert_accessible,
    screenshot,
    tmp_path,
    language,
    viewport,
):
    said = words(language)
    variant = f"{language}-{viewport['width']}"
    register(Unit.objects.get(code="BT-3"), "Mô hình “Thu gom rác thải nhựa”", "Thôn Khuổi Chủ")
    register(Unit.objects.get(code="BT-3"), "Mô hình “Chè an toàn”", "Thôn Nà Pì")
    page = open_as("quantri_bac_kan", language, viewport)
    page.goto(live_server.url + "/nhap-excel/sap-xep/")
    assert_fits(page)
    assert_accessible(page)

    bad = tmp_path / "ke-hoach-loi.xlsx"
    bad.write_bytes(
        plan_workbook(administrator, [["BT-3", "Chia nhỏ", "", "Đảng ủy xã Khuổi Chủ", COMMUNE, "BK", "Có"]])
    )
    page.get_by_label(said["title"]).fill(SPLIT)
    page.get_by_label(said["effective"]).fill("01/07/2025")
    page.get_by_label(said["file"]).set_input_files(str(bad))
    page.get_by_role("button", name=said["upload"]).click()
    expect(page.get_by_text(said["not_a_kind"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"reorganisation-upload-errors-{variant}")
    assert not Reorganisation.objects.exists()

    good = tmp_path / "ke-hoach.xlsx"
    good.write_bytes(
        plan_workbook(
            administrator,
            [
                ["BT-3", "Chia tách", "", "Đảng ủy xã Phong Quang", COMMUNE, "BK", "Có"],
                ["BT-3", "Chia tách", "", "Đảng ủy xã Khuổi Chủ", COMMUNE, "BK", ""],
            ],
        )
    )
    page.get_by_label(said["file"]).set_input_files(str(good))
    page.get_by_role("button", name=said["upload"]).click()
    expect(page.get_by_text(said["draft_made"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"reorganisation-split-draft-{variant}")
    page.get_by_role("link", name=said["assign"]).click()
    expect(page.get_by_text(said["suggested"])).to_be_visible()
    expect(page.get_by_label("Mô hình “Thu gom rác thải nhựa”")).to_have_value("1")
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"reorganisation-split-parts-{variant}")
    page.get_by_role("button", name=said["save_preview"]).click()
    expect(page.get_by_text(said["assigned"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"reorganisation-split-preview-{variant}")
