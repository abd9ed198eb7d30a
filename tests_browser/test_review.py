"""A commune submits two models; the province returns one with a reason and accepts the other; the
commune corrects and submits it again; the province accepts it from its queue."""

import pytest
from playwright.sync_api import expect

from registry.choices import ReviewState, Role, UnitType
from registry.models import Registration
from registry.tests.factories import (
    CampaignFactory,
    InitiativeFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
    make_unit,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def cycle():
    province = make_unit("Tỉnh ủy Thái Nguyên", unit_type=UnitType.PROVINCE, code="TN")
    commune = make_unit("Đảng ủy xã Phủ Thông", province, UnitType.COMMUNE, code="TN-PT")
    CampaignFactory(unit=province, title="Phát động thi đua “Dân vận khéo” năm 2026")
    MembershipFactory(user=UserFactory(username="bientap_xa"), unit=commune, role=Role.EDITOR)
    MembershipFactory(user=UserFactory(username="quantri"), unit=province, role=Role.ADMIN)
    names = ["Mô hình “Chợ phiên không rác thải”", "Mô hình “Đường hoa nông thôn mới”"]
    return [
        RegistrationFactory(initiative=InitiativeFactory(unit=commune, name=name), year=2026)
        for name in names
    ]


def state(registration):
    return Registration.objects.get(pk=registration.pk).review_state


def test_a_commune_submits_the_province_returns_and_accepts(
    live_server, cycle, logged_in_page, assert_accessible, screenshot, page
):
    first, second = cycle
    page = logged_in_page("bientap_xa", PASSWORD)
    for registration in cycle:
        page.goto(live_server.url + registration.get_absolute_url())
        expect(page.locator(".review-row .badge")).to_have_text("Dự thảo")
        page.get_by_role("button", name="Gửi xét duyệt").click()
        expect(page.get_by_text("Đã gửi 1 mô hình lên cấp xét duyệt.")).to_be_visible()
    assert_accessible(page)
    assert [state(r) for r in cycle] == [ReviewState.SUBMITTED] * 2

    page.context.clear_cookies()
    page = logged_in_page("quantri", PASSWORD)
    expect(page.get_by_text("2 mô hình cấp dưới gửi lên, chờ đơn vị bạn xét")).to_be_visible()
    page.get_by_role("link", name="2 mô hình cấp dưới gửi lên, chờ đơn vị bạn xét").click()
    expect(page.get_by_role("heading", name="Mô hình chờ đơn vị xét duyệt")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "review-queue")
    # A return without a reason is refused and changes nothing.
    page.get_by_label(f"Chọn {first.initiative.name}").check()
    page.get_by_role("button", name="Trả lại để bổ sung").click()
    expect(page.get_by_text("Hãy ghi lý do trả lại")).to_be_visible()
    page.get_by_label(f"Chọn {first.initiative.name}").check()
    page.get_by_label("Lý do trả lại (bắt buộc khi trả lại)").fill("Bổ sung kết quả thực hiện")
    page.get_by_role("button", name="Trả lại để bổ sung").click()
    expect(page.get_by_text("Đã trả lại 1 mô hình để đơn vị bổ sung.")).to_be_visible()
    page.get_by_label(f"Chọn {second.initiative.name}").check()
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_text("Đã tiếp nhận 1 mô hình.")).to_be_visible()
    assert [state(r) for r in cycle] == [ReviewState.RETURNED, ReviewState.ACCEPTED]

    page.context.clear_cookies()
    page = logged_in_page("bientap_xa", PASSWORD)
    expect(page.get_by_text("1 mô hình bị trả lại, cần bổ sung rồi gửi lại")).to_be_visible()
    page.goto(live_server.url + first.get_absolute_url())
    expect(page.get_by_text("Bổ sung kết quả thực hiện")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "review-returned")
    page.get_by_role("button", name="Gửi xét duyệt").click()
    page.goto(live_server.url + second.get_absolute_url())
    expect(page.get_by_role("button", name="Gửi xét duyệt")).to_have_count(0)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "review-accepted-phone")

    page.context.clear_cookies()
    page = logged_in_page("quantri", PASSWORD)
    page.goto(live_server.url + "/xet-duyet/")
    page.get_by_label("Áp dụng cho").select_option("all")
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_text("Đã tiếp nhận 1 mô hình.")).to_be_visible()
    assert [state(r) for r in cycle] == [ReviewState.ACCEPTED] * 2
