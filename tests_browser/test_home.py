"""The home page and the menu, as an editor and an administrator see them, in both languages.

The home page at 1280 and 390 px: the dashboard's year and why, the next steps read from the
editor's rows; the administrator's navigation bar at 1366 px (an office PC) on one line with its
user menu whole, and folded on a phone; a field put back from a model's history. Every page
passes axe and nothing overflows sideways.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import expect

from registry import review, services
from registry.choices import ReviewAction, Role, UnitType
from registry.models import Initiative
from registry.tests.factories import (
    CampaignFactory,
    InitiativeFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
    make_unit,
)

pytestmark = pytest.mark.django_db(transaction=True)

OFFICE_PC = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def units():
    province = make_unit("Tỉnh ủy Thái Nguyên", unit_type=UnitType.PROVINCE, code="TN")
    commune = make_unit("Đảng ủy xã Phủ Thông", province, UnitType.COMMUNE, code="TN-PT")
    cell = make_unit("Chi bộ thôn Nà Phải", commune, UnitType.CELL, code="TN-PT-NP")
    return province, commune, cell


@pytest.fixture
def editor(units):
    """A commune's editor with a returned model, a draft, last year's models to carry over."""
    province, commune, _cell = units
    today = datetime.date.today()
    CampaignFactory(
        unit=province,
        year=today.year,
        title=f"Thi đua “Dân vận khéo” năm {today.year}",
        launched_on=today - datetime.timedelta(days=30),
        registration_deadline=today + datetime.timedelta(days=5),
        evaluation_deadline=today + datetime.timedelta(days=60),
    )
    user = UserFactory(username="bientap", first_name="Bình", last_name="Nguyễn Thị")
    MembershipFactory(user=user, unit=commune, role=Role.EDITOR)
    admin = UserFactory(username="quantri_tinh")
    MembershipFactory(user=admin, unit=province, role=Role.ADMIN)
    for n in range(3):
        RegistrationFactory(
            initiative=InitiativeFactory(unit=commune, name=f"Mô hình “Dân vận khéo” số {n + 1}"),
            year=today.year - 1,
            registered_on=datetime.date(today.year - 1, 3, 1),
        )
    returned, _draft = (
        RegistrationFactory(
            initiative=InitiativeFactory(unit=commune, name=name),
            year=today.year,
            registered_on=today - datetime.timedelta(days=1),
        )
        for name in ("Mô hình “Bữa cơm có thịt”", "Mô hình “Chợ văn minh”")
    )
    review.act(user=user, action=ReviewAction.SUBMIT, registrations=[returned], comment="")
    review.act(user=admin, action=ReviewAction.RETURN, registrations=[returned], comment="Bổ sung kết quả")
    return user


def test_the_home_page_says_its_year_and_the_editors_next_steps(
    live_server, open_as, assert_fits, editor, assert_accessible, screenshot, language, viewport
):
    page = open_as("bientap", language, viewport)
    today = datetime.date.today()
    with translation.override(language):
        reason = gettext("năm nay")
        returned = ngettext(*["Sửa %(n)s mô hình bị trả lại, cần bổ sung rồi gửi lại"] * 2, 1) % {"n": 1}
        carry = ngettext(*["Đăng ký duy trì %(n)s mô hình năm %(last)s chưa đăng ký năm %(this)s"] * 2, 3) % {
            "n": 3,
            "last": today.year - 1,
            "this": today.year,
        }
    expect(page.locator("#nam-mac-dinh")).to_contain_text(f"{today.year}: {reason}")
    steps = page.locator("ol.next-steps li")
    expect(steps.first).to_have_text(returned)
    expect(page.locator("ol.next-steps")).to_contain_text(carry)
    expect(page.locator("ol.next-steps")).to_contain_text("‘Dân vận khéo’")  # the campaign, quoted once
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"home-editor-{language}-{viewport['width']}")
    steps.filter(has_text=carry).get_by_role("link").click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("intake:rollover") + "?")))
    expect(page.get_by_text("Mô hình “Dân vận khéo” số 3").first).to_be_visible()  # the preview lists them


@pytest.mark.parametrize("viewport", [OFFICE_PC, PHONE], ids=["1366", "390"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_administrators_menu_fits_an_office_pc_and_folds_on_a_phone(
    live_server, open_as, assert_fits, units, editor, assert_accessible, screenshot, language, viewport
):
    admin = UserFactory(username="quantri", first_name="Nguyễn Văn", last_name="Quản Trị")
    MembershipFactory(user=admin, unit=units[0], role=Role.ADMIN)
    page = open_as("quantri", language, viewport)
    with translation.override(language):
        log_out = gettext("Đăng xuất")
    navbar = page.locator("nav.navbar")
    user_menu = page.get_by_role("button", name="Nguyễn Văn Quản Trị")
    if viewport is PHONE:
        expect(page.locator("#menu-chinh")).to_be_hidden()
        page.get_by_role("button", name=gettext_in(language, "Mở menu")).click()
        expect(page.locator("#menu-chinh")).to_have_class(re.compile(r"\bshow\b"))  # unfolded, not unfolding
        expect(user_menu).to_be_visible()
    else:
        assert navbar.bounding_box()["height"] < 70, "the navigation bar wraps onto a second line"
        box = user_menu.bounding_box()
        assert box["x"] + box["width"] <= viewport["width"], "the user menu is cut off"
        box = page.locator("#chon-ngon-ngu").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert_fits(page)
    user_menu.click()
    expect(page.get_by_role("button", name=log_out)).to_be_visible()
    box = page.get_by_role("button", name=log_out).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert_accessible(page)
    screenshot(page, f"menu-admin-{language}-{viewport['width']}")


def gettext_in(language, text):
    with translation.override(language):
        return gettext(text)


def test_an_editor_puts_a_name_back_from_the_history(
    live_server, open_as, assert_fits, editor, assert_accessible, screenshot, language, viewport
):
    initiative = Initiative.objects.get(name="Mô hình “Chợ văn minh”")
    initiative.name = "Mô hình “Chợ văn minh, an toàn”"
    services.initiative_update(user=editor, initiative=initiative, version=services.version_of(initiative))
    page = open_as("bientap", language, viewport)
    page.goto(live_server.url + f"/lich-su/mo-hinh/{initiative.pk}/")
    revert = page.get_by_role("link", name=gettext_in(language, "Khôi phục giá trị này"))
    expect(revert).to_have_count(1)
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"history-{language}-{viewport['width']}")
    revert.click()
    expect(page.locator("main")).to_contain_text("Mô hình “Chợ văn minh, an toàn”")
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"history-revert-{language}-{viewport['width']}")
    page.get_by_role("button", name=gettext_in(language, "Khôi phục giá trị này")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert Initiative.objects.get(pk=initiative.pk).name == "Mô hình “Chợ văn minh”"
