"""The yearly cycle end to end, as its users walk it, with an accessibility check on every page.

The province launches the 2026 campaign; a commune editor drafts and submits two models; the
province returns one with a reason and accepts the other; the commune fixes and resubmits; the
province accepts it, evaluates both in bulk and proposes them to the central level for
commendation; the central level accepts the proposal and issues the decision from it; the
province's completeness board shows the commune that never registered as overdue and sends the
reminder, which reaches its editor by e-mail and in the notification list.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from registry.choices import Evaluation, Grade, ReviewState, Role, StandardField, UnitType
from registry.models import AwardForm, Campaign, Decision, Field, Initiative, Notification, Registration
from registry.tests.factories import MembershipFactory, UserFactory, make_unit

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"
FIRST = "Mô hình “Chợ phiên không rác thải”"
SECOND = "Mô hình “Đường hoa nông thôn mới”"


@pytest.fixture
def world():
    # A transactional test starts from an empty database: the seeded lists are made again.
    for order, standard in enumerate(StandardField):
        Field.objects.get_or_create(name=standard.label, defaults={"standard": standard, "order": order})
    AwardForm.objects.get_or_create(name="Bằng khen", defaults={"order": 10})
    root = make_unit("Ban Dân vận Trung ương", unit_type=UnitType.CENTRAL, code="TW")
    province = make_unit("Tỉnh ủy Thái Nguyên", root, UnitType.PROVINCE, code="TN")
    commune = make_unit("Đảng ủy xã Phủ Thông", province, UnitType.COMMUNE, code="TN-PT")
    late = make_unit("Đảng ủy xã Cẩm Giàng", province, UnitType.COMMUNE, code="TN-CG")
    MembershipFactory(user=UserFactory(username="bientap_xa"), unit=commune, role=Role.EDITOR)
    MembershipFactory(
        user=UserFactory(username="bientap_cg", email="camgiang@example.vn"), unit=late, role=Role.EDITOR
    )
    MembershipFactory(user=UserFactory(username="quantri"), unit=province, role=Role.ADMIN)
    MembershipFactory(user=UserFactory(username="trunguong"), unit=root, role=Role.ADMIN)
    return {"province": province, "commune": commune, "late": late, "root": root}


def registration(name):
    return Registration.objects.get(initiative__name=name, year=2026)


def test_the_yearly_cycle_from_launch_to_decision_and_reminder(
    live_server, world, logged_in_page, assert_accessible, screenshot, page
):
    # 1. The province launches the campaign (dated early in the year: its deadlines have passed).
    page = logged_in_page("quantri", PASSWORD)
    page.goto(live_server.url + "/dot-thi-dua/them/")
    assert_accessible(page)
    page.fill("#id_year", "2026")
    page.select_option("#id_unit", label="Tỉnh ủy Thái Nguyên")
    page.fill("#id_title", "Phát động phong trào thi đua “Dân vận khéo” năm 2026")
    page.fill("#id_reference", "15-KH/TU")
    page.fill("#id_launched_on", "15/01/2026")
    page.fill("#id_registration_deadline", "31/03/2026")
    page.fill("#id_evaluation_deadline", "30/11/2026")
    page.get_by_role("button", name="Lưu").click()
    title = "Phát động phong trào thi đua “Dân vận khéo” năm 2026"
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    assert_accessible(page)
    campaign = Campaign.objects.get()

    # 2. The commune drafts two models, then submits them.
    page.context.clear_cookies()
    page = logged_in_page("bientap_xa", PASSWORD)
    expect(page.get_by_text("Phát động phong trào thi đua “Dân vận khéo” năm 2026")).to_be_visible()
    for name in (FIRST, SECOND):
        page.goto(live_server.url + "/mo-hinh/them/")
        page.fill("#id_name", name)
        page.select_option("#id_unit", str(world["commune"].pk))
        page.select_option("#id_kind", label="Tập thể")
        page.select_option("#id_field", label="Phát triển kinh tế, xây dựng nông thôn mới")
        page.fill("#id_year", "2026")
        page.fill("#id_registered_on", "20/03/2026")
        page.fill("#id_content", "Vận động nhân dân giữ chợ sạch, trồng hoa ven đường.")
        page.get_by_role("button", name="Lưu").click()
        expect(page.get_by_role("heading", name=name)).to_be_visible()
        expect(page.locator(".review-row .badge")).to_have_text("Dự thảo")
    assert {registration(name).review_state for name in (FIRST, SECOND)} == {ReviewState.DRAFT}
    for name in (FIRST, SECOND):
        page.goto(live_server.url + registration(name).initiative.get_absolute_url())
        page.get_by_role("button", name="Gửi xét duyệt").click()
        expect(page.get_by_text("Đã gửi 1 mô hình lên cấp xét duyệt.")).to_be_visible()
    assert_accessible(page)

    # 3. The province returns the first with a reason and accepts the second.
    page.context.clear_cookies()
    page = logged_in_page("quantri", PASSWORD)
    page.goto(live_server.url + "/xet-duyet/")
    assert_accessible(page)
    page.get_by_label(f"Chọn {FIRST}").check()
    page.get_by_label("Lý do trả lại (bắt buộc khi trả lại)").fill("Bổ sung kết quả thực hiện")
    page.get_by_role("button", name="Trả lại để bổ sung").click()
    expect(page.get_by_text("Đã trả lại 1 mô hình để đơn vị bổ sung.")).to_be_visible()
    page.get_by_label(f"Chọn {SECOND}").check()
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_text("Đã tiếp nhận 1 mô hình.")).to_be_visible()
    states = [registration(n).review_state for n in (FIRST, SECOND)]
    assert states == [ReviewState.RETURNED, ReviewState.ACCEPTED]

    # 4. The commune fixes the returned one and sends it again.
    page.context.clear_cookies()
    page = logged_in_page("bientap_xa", PASSWORD)
    first = registration(FIRST)
    page.goto(live_server.url + f"/dang-ky/{first.pk}/sua/")
    page.fill("#id_people_reached", "1.200")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name=FIRST)).to_be_visible()
    page.get_by_role("button", name="Gửi xét duyệt").click()
    expect(page.get_by_text("Đã gửi 1 mô hình lên cấp xét duyệt.")).to_be_visible()
    assert registration(FIRST).people_reached == 1200

    # 5. The province accepts it, then evaluates the year's models in bulk.
    page.context.clear_cookies()
    page = logged_in_page("quantri", PASSWORD)
    page.goto(live_server.url + "/xet-duyet/")
    page.get_by_label("Áp dụng cho").select_option("all")
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_text("Đã tiếp nhận 1 mô hình.")).to_be_visible()

    # The province sets the campaign's criteria, then scores the first model with them.
    page.goto(live_server.url + f"/dot-thi-dua/{campaign.pk}/tieu-chi/")
    assert_accessible(page)
    page.fill("#id_tieu-chi-0-name", "Cách làm sáng tạo")
    page.fill("#id_tieu-chi-0-points", "60")
    page.fill("#id_tieu-chi-1-name", "Khả năng nhân rộng")
    page.fill("#id_tieu-chi-1-points", "40")
    page.fill("#id_effective_mark", "50")
    page.fill("#id_exemplar_mark", "80")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu tiêu chí chấm điểm.")).to_be_visible()
    page.goto(live_server.url + registration(FIRST).initiative.get_absolute_url())
    page.get_by_role("link", name="Chấm điểm").click()
    page.get_by_label("Cách làm sáng tạo (tối đa 60 điểm)").fill("55")
    page.get_by_label("Khả năng nhân rộng (tối đa 40 điểm)").fill("30,5")
    page.get_by_label("Áp dụng kết quả gợi ý").check()
    assert_accessible(page)
    screenshot(page, "cycle-score")
    page.get_by_role("button", name="Lưu điểm").click()
    expect(page.get_by_text("Đã lưu điểm: 85,5/100 điểm. Đã áp dụng kết quả gợi ý.")).to_be_visible()
    expect(page.get_by_text("Điểm: 85,5/100", exact=True)).to_be_visible()
    first = Registration.objects.select_related("initiative").get(pk=first.pk)
    assert (first.evaluation, first.initiative.grade) == (Evaluation.EFFECTIVE, Grade.EXEMPLAR)

    province = world["province"]
    page.goto(live_server.url + f"/mo-hinh/?year=2026&unit={province.pk}")
    page.select_option("#thao-tac-chon", "evaluate")
    page.select_option("#thao-tac-danh-gia", Evaluation.EFFECTIVE.value)
    page.fill("#thao-tac-ngay-danh-gia", "2026-11-20")
    page.fill("#thao-tac-ghi-chu", "Kiểm tra thực tế: hiệu quả")
    page.locator("#pham-vi-tat-ca").check()
    page.get_by_role("button", name="Thực hiện").click()
    expect(page.get_by_role("button", name="Xác nhận thực hiện")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Xác nhận thực hiện").click()
    expect(page.get_by_text("Đã ghi đánh giá cho 2 mô hình.")).to_be_visible()
    assert {registration(n).evaluation for n in (FIRST, SECOND)} == {Evaluation.EFFECTIVE}

    # 6. It proposes them to the central level for commendation, and sends the proposal.
    page.goto(live_server.url + f"/mo-hinh/?year=2026&unit={province.pk}")
    page.get_by_role("link", name="Đề nghị cấp trên").click()
    expect(page.get_by_text("2 mô hình được chọn từ danh sách đã lọc")).to_be_visible()
    assert_accessible(page)
    page.select_option("#id_kind", label="Khen thưởng")
    page.select_option("#id_unit", label="Tỉnh ủy Thái Nguyên")
    page.select_option("#id_receiving_unit", label="Ban Dân vận Trung ương")
    page.select_option("#id_level", index=1)
    page.select_option("#id_award_form", label="Bằng khen")
    page.fill("#id_reference", "25-TTr/TU")
    page.get_by_role("button", name="Lập đề nghị").click()
    expect(page.get_by_text("Đã lập đề nghị")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Gửi đề nghị").click()
    proposal_url = page.url

    # 7. The central level accepts the rows and issues the decision from the proposal.
    page.context.clear_cookies()
    page = logged_in_page("trunguong", PASSWORD)
    page.goto(proposal_url)
    page.get_by_role("button", name="Chấp nhận tất cả").click()
    page.get_by_role("link", name="Ra quyết định").click()
    assert_accessible(page)
    page.fill("#id_number", "102")
    page.fill("#id_symbol", "QĐ/BDVTW")
    page.fill("#id_signed_on", "25/11/2026")
    page.fill("#id_signer_name", "Nguyễn Văn A")
    page.get_by_role("button", name="Ra quyết định").click()
    expect(page.get_by_role("heading", name="Quyết định khen thưởng số 102-QĐ/BDVTW")).to_be_visible()
    decision = Decision.objects.get(number="102")
    assert set(decision.registrations.values_list("initiative__name", flat=True)) == {FIRST, SECOND}
    assert decision.award_form.name == "Bằng khen"
    screenshot(page, "cycle-decision")

    # 8. The province's board: the commune that registered nothing is overdue; remind it.
    page.context.clear_cookies()
    page = logged_in_page("quantri", PASSWORD)
    page.goto(live_server.url + f"/dot-thi-dua/{campaign.pk}/tien-do/")
    late_row = page.locator("tr", has_text="Đảng ủy xã Cẩm Giàng")
    expect(late_row).to_contain_text("chưa đăng ký")
    expect(page.locator("tr", has_text="Đảng ủy xã Phủ Thông")).to_contain_text("1/1")
    assert_accessible(page)
    screenshot(page, "cycle-board")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    screenshot(page, "cycle-board-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Nhắc nhở").click()
    expect(page.get_by_text("Đã nhắc 1 đơn vị: 1 thông báo, 1 thư điện tử.")).to_be_visible()
    assert [message.to for message in mail.outbox] == [["camgiang@example.vn"]]
    assert "Phát động phong trào thi đua" in mail.outbox[0].body
    assert Notification.objects.filter(user__username="bientap_cg").count() == 1

    # The late commune's editor sees it on the home page and in the notification list.
    page.context.clear_cookies()
    page = logged_in_page("bientap_cg", PASSWORD)
    expect(page.get_by_text(re.compile("chưa đăng ký")).first).to_be_visible()
    page.goto(live_server.url + "/thong-bao/")
    expect(page.get_by_text("Phát động phong trào thi đua “Dân vận khéo” năm 2026").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "cycle-notifications")
    assert Initiative.objects.count() == 2
