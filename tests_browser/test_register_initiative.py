"""An editor registers an initiative, maintains it, records its recognition and finds it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registry.choices import Role, UnitType
from registry.models import Decision, Initiative
from registry.tests.factories import MembershipFactory, UserFactory, make_unit

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def editor():
    province = make_unit("Tỉnh ủy Bắc Kạn", unit_type=UnitType.PROVINCE, code="BK")
    district = make_unit("Huyện ủy Bạch Thông", province, UnitType.DISTRICT, code="BT")
    make_unit("Đảng ủy xã Cẩm Giàng", district, UnitType.COMMUNE, code="BT-CG")
    make_unit("Thành ủy Bắc Kạn", province, UnitType.DISTRICT, code="TP")
    user = UserFactory(username="bientap", first_name="Hà")
    MembershipFactory(user=user, unit=district, role=Role.EDITOR)
    return user


def test_editor_registers_maintains_recognises_and_finds(
    live_server, editor, logged_in_page, assert_accessible, screenshot
):
    year = timezone.localdate().year
    page = logged_in_page("bientap", PASSWORD)
    page.get_by_role("link", name="Đăng ký mô hình mới").first.click()
    expect(page.get_by_role("heading", name="Đăng ký mô hình mới")).to_be_visible()
    unit_options = page.locator("#id_unit option").all_inner_texts()
    assert not any("Thành ủy Bắc Kạn" in option for option in unit_options)
    assert_accessible(page)

    # First a mistake: an individual model without the person's name.
    page.fill("#id_name", "Mô hình “Dân vận khéo” hiến đất làm đường thôn Nà Phải")
    page.select_option("#id_unit", label="\u2003Đảng ủy xã Cẩm Giàng")
    page.select_option("#id_kind", label="Cá nhân")
    page.select_option("#id_field", label="Phát triển kinh tế, xây dựng nông thôn mới")
    page.fill("#id_year", str(year - 1))
    page.fill("#id_registered_on", f"15/03/{year - 1}")
    page.fill("#id_content", "Vận động nhân dân hiến đất, góp ngày công làm đường bê tông.")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Mô hình cá nhân phải ghi họ và tên người thực hiện.")).to_be_visible()
    screenshot(page, "initiative-form-error")
    assert not Initiative.objects.exists()

    page.fill("#id_person_name", "Hoàng Văn Thắng")
    page.fill("#id_person_position", "Bí thư chi bộ thôn Nà Phải")
    page.get_by_role("button", name="Lưu").click()
    expect(
        page.get_by_role("heading", name="Mô hình “Dân vận khéo” hiến đất làm đường thôn Nà Phải")
    ).to_be_visible()
    expect(page.get_by_text("Đã đăng ký mô hình")).to_be_visible()
    assert_accessible(page)

    # Maintain it into this year.
    page.get_by_role("link", name=f"Đăng ký duy trì năm {year}").click()
    expect(page.locator("#id_year")).to_have_value(str(year))
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text(f"Đã đăng ký mô hình cho năm {year} (duy trì).")).to_be_visible()

    # Record the recognition decision for this year's registration.
    page.locator(f"#nam-{year}").get_by_role("link", name="Ghi quyết định").click()
    expect(page).to_have_url(re.compile(r"/quyet-dinh/them/\?registration=\d+"))
    expect(page.get_by_text("Mô hình được quyết định này công nhận, khen thưởng")).to_be_visible()
    page.fill("#id_number", "245")
    page.fill("#id_symbol", "QĐ/HU")
    page.fill("#id_signed_on", timezone.localdate().strftime("%d/%m/%Y"))
    page.select_option("#id_issuing_unit", label="Huyện ủy Bạch Thông")
    page.fill("#id_issuer_name", "Ban Thường vụ Huyện ủy Bạch Thông")
    page.select_option("#id_level", label="Cấp huyện")
    page.fill("#id_title", f"Công nhận mô hình “Dân vận khéo” năm {year}")
    assert_accessible(page)
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name="Quyết định công nhận số 245-QĐ/HU")).to_be_visible()
    assert Decision.objects.get().registrations.get().year == year
    screenshot(page, "decision-detail")

    # Find it from the list without diacritics.
    page.get_by_role("link", name="Mô hình", exact=True).click()
    page.fill("#id_q", "hien dat lam duong na phai")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#so-ket-qua")).to_contain_text("2")
    expect(
        page.get_by_role("link", name="Mô hình “Dân vận khéo” hiến đất làm đường thôn Nà Phải")
    ).to_have_count(2)
    assert_accessible(page)
    screenshot(page, "initiative-list-search")
