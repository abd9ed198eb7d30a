"""An editor registers an initiative, maintains it, records its recognition and finds it.

At 1280 and 390 px wide, in Vietnamese and in English: the create form sent with a mistake and
then whole, the model's page, the maintain form, the decision's form and page, and the list
searched without diacritics (its filters folded behind their button on a phone). Every page
passes axe and nothing overflows sideways.
"""

import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import expect

from registry.choices import DecisionKind, Kind, Level, RegistrationStatus, Role, UnitType
from registry.models import Decision, Initiative
from registry.tests.factories import MembershipFactory, UserFactory, make_unit

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "Mô hình “Dân vận khéo” hiến đất làm đường thôn Nà Phải"
QUOTED = "Mô hình ‘Dân vận khéo’ hiến đất làm đường thôn Nà Phải"  # between “ ”, its own quotes single


@pytest.fixture
def editor():
    province = make_unit("Tỉnh ủy Bắc Kạn", unit_type=UnitType.PROVINCE, code="BK")
    district = make_unit("Huyện ủy Bạch Thông", province, UnitType.DISTRICT, code="BT")
    make_unit("Đảng ủy xã Cẩm Giàng", district, UnitType.COMMUNE, code="BT-CG")
    make_unit("Thành ủy Bắc Kạn", province, UnitType.DISTRICT, code="TP")
    user = UserFactory(username="bientap", first_name="Hà")
    MembershipFactory(user=user, unit=district, role=Role.EDITOR)
    return user


def words(language, year):
    """The interface's words in ``language``, read from the same catalogues as the pages."""
    with translation.override(language):
        return {
            "menu": gettext("Mở menu"),
            "create": gettext("Đăng ký mô hình mới"),
            "individual": str(Kind.INDIVIDUAL.label),
            "save": gettext("Lưu"),
            "person_required": gettext("Mô hình cá nhân phải ghi họ và tên người thực hiện."),
            "created": gettext("Đã đăng ký mô hình “%(name)s”.") % {"name": QUOTED},
            "maintain": gettext("Đăng ký duy trì năm %(year)s") % {"year": year},
            "maintained": gettext("Đã đăng ký mô hình cho năm %(year)s (%(status)s).")
            % {"year": year, "status": str(RegistrationStatus.MAINTAINED.label).lower()},
            "record_decision": gettext("Ghi quyết định"),
            "decided_models": gettext("Mô hình được quyết định này công nhận, khen thưởng"),
            "district_level": str(Level.DISTRICT.label),
            "decision": gettext("Quyết định %(kind)s số %(reference)s")
            % {"kind": str(DecisionKind.RECOGNITION.label).lower(), "reference": "245-QĐ/HU"},
            "models": pgettext("menu", "Mô hình"),
            "filters": gettext("Bộ lọc"),
            "filter": gettext("Lọc"),
        }


def test_editor_registers_maintains_recognises_and_finds(
    live_server, editor, open_as, assert_fits, assert_accessible, screenshot, language, viewport
):
    year = timezone.localdate().year
    said = words(language, year)
    phone = viewport["width"] < 576
    name = f"{language}-{viewport['width']}"
    page = open_as("bientap", language, viewport)
    assert_fits(page)
    assert_accessible(page)
    page.get_by_role("link", name=said["create"]).first.click()
    expect(page.get_by_role("heading", name=said["create"])).to_be_visible()
    unit_options = page.locator("#id_unit option").all_inner_texts()
    assert not any("Thành ủy Bắc Kạn" in option for option in unit_options)
    assert_fits(page)
    assert_accessible(page)

    # First a mistake: an individual model without the person's name.
    page.fill("#id_name", NAME)
    page.select_option("#id_unit", label="\u2003Đảng ủy xã Cẩm Giàng")
    page.select_option("#id_kind", label=said["individual"])
    page.select_option("#id_field", label="Phát triển kinh tế, xây dựng nông thôn mới")
    page.fill("#id_year", str(year - 1))
    page.fill("#id_registered_on", f"15/03/{year - 1}")
    page.fill("#id_content", "Vận động nhân dân hiến đất, góp ngày công làm đường bê tông.")
    page.get_by_role("button", name=said["save"], exact=True).click()
    expect(page.get_by_text(said["person_required"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"initiative-form-error-{name}")
    assert not Initiative.objects.exists()

    page.fill("#id_person_name", "Hoàng Văn Thắng")
    page.fill("#id_person_position", "Bí thư chi bộ thôn Nà Phải")
    page.get_by_role("button", name=said["save"], exact=True).click()
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    expect(page.get_by_text(said["created"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"initiative-detail-{name}")

    # Maintain it into this year.
    page.get_by_role("link", name=said["maintain"]).click()
    expect(page.locator("#id_year")).to_have_value(str(year))
    assert_fits(page)
    assert_accessible(page)
    page.get_by_role("button", name=said["save"], exact=True).click()
    expect(page.get_by_text(said["maintained"])).to_be_visible()
    assert_fits(page)

    # Record the recognition decision for this year's registration.
    page.locator(f"#nam-{year}").get_by_role("link", name=said["record_decision"]).click()
    expect(page).to_have_url(re.compile(r"/quyet-dinh/them/\?registration=\d+"))
    expect(page.get_by_text(said["decided_models"])).to_be_visible()
    page.fill("#id_number", "245")
    page.fill("#id_symbol", "QĐ/HU")
    page.fill("#id_signed_on", timezone.localdate().strftime("%d/%m/%Y"))
    page.select_option("#id_issuing_unit", label="Huyện ủy Bạch Thông")
    page.fill("#id_issuer_name", "Ban Thường vụ Huyện ủy Bạch Thông")
    page.select_option("#id_level", label=said["district_level"])
    page.fill("#id_title", f"Công nhận mô hình “Dân vận khéo” năm {year}")
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"decision-form-{name}")
    page.get_by_role("button", name=said["save"], exact=True).click()
    expect(page.get_by_role("heading", name=said["decision"])).to_be_visible()
    assert Decision.objects.get().registrations.get().year == year
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"decision-detail-{name}")

    # Find it from the list without diacritics.
    if phone:
        page.get_by_role("button", name=said["menu"]).click()
    page.locator("nav.navbar").get_by_role("link", name=said["models"], exact=True).click()
    if phone:
        page.get_by_role("button", name=said["filters"]).click()
    page.fill("#id_q", "hien dat lam duong na phai")
    page.get_by_role("button", name=said["filter"], exact=True).click()
    expect(page.locator("#so-ket-qua")).to_contain_text("2")
    # The model's own links, one a year (on a phone's cards, their buttons name it too).
    expect(page.get_by_role("link", name=NAME, exact=True)).to_have_count(2)
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"initiative-list-search-{name}")
