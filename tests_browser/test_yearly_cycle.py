"""The yearly cycle end to end, as its users walk it, with an accessibility check on every page.

The province launches the 2026 campaign; a commune editor drafts and submits two models; the
province returns one with a reason and accepts the other; the commune fixes and resubmits; the
province accepts it, evaluates both in bulk and proposes them to the central level for
commendation; the central level accepts the proposal and issues the decision from it; the
province's completeness board shows the commune that never registered as overdue and sends the
reminder, which reaches its editor by e-mail and in the notification list.

At 1280 and 390 px wide, in Vietnamese and in English: every page passes axe and nothing
overflows sideways.
"""

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext
from playwright.sync_api import expect

from registry import scoring
from registry.choices import DecisionKind, Evaluation, Grade, Kind, ReviewState, Role, StandardField, UnitType
from registry.models import AwardForm, Campaign, Decision, Field, Initiative, Notification, Registration
from registry.tests.factories import MembershipFactory, UserFactory, make_unit

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Phát động phong trào thi đua “Dân vận khéo” năm 2026"
FIRST = "Mô hình “Chợ phiên không rác thải”"
SECOND = "Mô hình “Đường hoa nông thôn mới”"
LATE = "Đảng ủy xã Cẩm Giàng"
CHOSEN = "%(counter)s mô hình được chọn từ danh sách đã lọc"  # its singular and plural msgids are the same


@pytest.fixture
def world():
    # A transactional test starts from an empty database: the seeded lists are made again.
    for order, standard in enumerate(StandardField):
        Field.objects.get_or_create(name=standard.label, defaults={"standard": standard, "order": order})
    AwardForm.objects.get_or_create(name="Bằng khen", defaults={"order": 10})
    root = make_unit("Ban Dân vận Trung ương", unit_type=UnitType.CENTRAL, code="TW")
    province = make_unit("Tỉnh ủy Thái Nguyên", root, UnitType.PROVINCE, code="TN")
    commune = make_unit("Đảng ủy xã Phủ Thông", province, UnitType.COMMUNE, code="TN-PT")
    late = make_unit(LATE, province, UnitType.COMMUNE, code="TN-CG")
    MembershipFactory(user=UserFactory(username="bientap_xa"), unit=commune, role=Role.EDITOR)
    MembershipFactory(
        user=UserFactory(username="bientap_cg", email="camgiang@example.vn"), unit=late, role=Role.EDITOR
    )
    MembershipFactory(user=UserFactory(username="quantri"), unit=province, role=Role.ADMIN)
    MembershipFactory(user=UserFactory(username="trunguong"), unit=root, role=Role.ADMIN)
    return {"province": province, "commune": commune, "late": late, "root": root}


def words(language):
    """The interface's words in ``language``, read from the same catalogues as the pages."""
    with translation.override(language):
        points = "%(name)s (tối đa %(points)s điểm)"
        total = scoring.points_text(Decimal("85.5"))
        return {
            "save": gettext("Lưu"),
            "collective": str(Kind.COLLECTIVE.label),
            "draft": gettext("Dự thảo"),
            "submit": gettext("Gửi xét duyệt"),
            "submitted": ngettext(*["Đã gửi %(count)s mô hình lên cấp xét duyệt."] * 2, 1) % {"count": 1},
            "select": gettext("Chọn %(name)s"),
            "reason": gettext("Lý do trả lại (bắt buộc khi trả lại)"),
            "return": pgettext("review action", "Trả lại để bổ sung"),
            "returned": ngettext(*["Đã trả lại %(count)s mô hình để đơn vị bổ sung."] * 2, 1) % {"count": 1},
            "accept": gettext("Tiếp nhận"),
            "accepted": ngettext(*["Đã tiếp nhận %(count)s mô hình."] * 2, 1) % {"count": 1},
            "apply_to": gettext("Áp dụng cho"),
            "criteria_saved": gettext("Đã lưu tiêu chí chấm điểm."),
            "score": gettext("Chấm điểm"),
            "creative": gettext(points) % {"name": "Cách làm sáng tạo", "points": 60},
            "spread": gettext(points) % {"name": "Khả năng nhân rộng", "points": 40},
            "half": scoring.points_text(Decimal("30.5")),  # typed with the language's decimal mark
            "apply_suggestion": gettext("Áp dụng kết quả gợi ý (đánh giá và xếp loại theo tổng điểm)"),
            "save_points": gettext("Lưu điểm"),
            "points_saved": gettext("Đã lưu điểm: %(total)s/%(most)s điểm.") % {"total": total, "most": 100}
            + " "
            + gettext("Đã áp dụng kết quả gợi ý."),
            "points": gettext("Điểm: %(total)s/%(most)s") % {"total": total, "most": 100},
            "bulk": gettext("Thao tác hàng loạt"),
            "run": gettext("Thực hiện"),
            "confirm": gettext("Xác nhận thực hiện"),
            "evaluated": gettext("Đã ghi đánh giá cho %(count)s mô hình.") % {"count": 2},
            "propose": gettext("Đề nghị cấp trên"),
            "chosen": ngettext(CHOSEN, CHOSEN, 2) % {"counter": 2},
            "commendation": str(DecisionKind.COMMENDATION.label),
            "make_proposal": gettext("Lập đề nghị"),
            "proposal_made": gettext("Đã lập đề nghị; hãy xem lại rồi bấm “Gửi đề nghị”."),
            "send_proposal": gettext("Gửi đề nghị"),
            "withdraw_proposal": gettext("Rút về để sửa"),
            "accept_all": gettext("Chấp nhận tất cả"),
            "accepted_count": gettext("Chấp nhận") + ": 2",
            "decide": gettext("Ra quyết định"),
            "decision_form": gettext("Ra quyết định từ đề nghị"),
            "decision": gettext("Quyết định %(kind)s số %(reference)s")
            % {"kind": str(DecisionKind.COMMENDATION.label).lower(), "reference": "102-QĐ/BDVTW"},
            "not_registered": gettext("chưa đăng ký"),
            "remind": gettext("Nhắc nhở"),
            "reminded": ngettext(
                "Đã nhắc %(units)s đơn vị: %(notifications)s thông báo, %(emails)s thư điện tử.",
                "Đã nhắc %(units)s đơn vị: %(notifications)s thông báo, %(emails)s thư điện tử.",
                1,
            )
            % {"units": 1, "notifications": 1, "emails": 1},
            "reminder": gettext("Nhắc nhở: %(unit)s chưa đăng ký mô hình – %(campaign)s")
            % {"unit": LATE, "campaign": TITLE},
        }


def registration(name):
    return Registration.objects.get(initiative__name=name, year=2026)


def test_the_yearly_cycle_from_launch_to_decision_and_reminder(
    live_server, world, open_as, assert_fits, assert_accessible, screenshot, language, viewport
):
    said = words(language)
    phone = viewport["width"] < 576
    variant = f"{language}-{viewport['width']}"

    def check(page):
        assert_fits(page)
        assert_accessible(page)

    # 1. The province launches the campaign (dated early in the year: its deadlines have passed).
    page = open_as("quantri", language, viewport)
    check(page)  # the province's home page
    page.goto(live_server.url + "/dot-thi-dua/them/")
    check(page)
    page.fill("#id_year", "2026")
    page.select_option("#id_unit", label="Tỉnh ủy Thái Nguyên")
    page.fill("#id_title", TITLE)
    page.fill("#id_reference", "15-KH/TU")
    page.fill("#id_launched_on", "15/01/2026")
    page.fill("#id_registration_deadline", "31/03/2026")
    page.fill("#id_evaluation_deadline", "30/11/2026")
    page.get_by_role("button", name=said["save"], exact=True).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    check(page)
    screenshot(page, f"cycle-campaign-{variant}")
    campaign = Campaign.objects.get()

    # 2. The commune drafts two models, then submits them.
    page = open_as("bientap_xa", language, viewport)
    expect(page.get_by_text(TITLE)).to_be_visible()
    check(page)
    for name in (FIRST, SECOND):
        page.goto(live_server.url + "/mo-hinh/them/")
        if name == FIRST:
            check(page)
        page.fill("#id_name", name)
        page.select_option("#id_unit", str(world["commune"].pk))
        page.select_option("#id_kind", label=said["collective"])
        page.select_option("#id_field", label="Phát triển kinh tế, xây dựng nông thôn mới")
        page.fill("#id_year", "2026")
        page.fill("#id_registered_on", "20/03/2026")
        page.fill("#id_content", "Vận động nhân dân giữ chợ sạch, trồng hoa ven đường.")
        page.get_by_role("button", name=said["save"], exact=True).click()
        expect(page.get_by_role("heading", name=name)).to_be_visible()
        expect(page.locator(".review-row .badge")).to_have_text(said["draft"])
    check(page)
    screenshot(page, f"cycle-drafted-{variant}")
    assert {registration(name).review_state for name in (FIRST, SECOND)} == {ReviewState.DRAFT}
    for name in (FIRST, SECOND):
        page.goto(live_server.url + registration(name).initiative.get_absolute_url())
        page.get_by_role("button", name=said["submit"]).click()
        expect(page.get_by_text(said["submitted"])).to_be_visible()
    check(page)

    # 3. The province returns the first with a reason and accepts the second.
    page = open_as("quantri", language, viewport)
    page.goto(live_server.url + "/xet-duyet/")
    check(page)
    screenshot(page, f"cycle-queue-{variant}")
    page.get_by_label(said["select"] % {"name": FIRST}).check()
    page.get_by_label(said["reason"]).fill("Bổ sung kết quả thực hiện")
    page.get_by_role("button", name=said["return"]).click()
    expect(page.get_by_text(said["returned"])).to_be_visible()
    page.get_by_label(said["select"] % {"name": SECOND}).check()
    page.get_by_role("button", name=said["accept"]).click()
    expect(page.get_by_text(said["accepted"])).to_be_visible()
    states = [registration(n).review_state for n in (FIRST, SECOND)]
    assert states == [ReviewState.RETURNED, ReviewState.ACCEPTED]

    # 4. The commune fixes the returned one and sends it again.
    page = open_as("bientap_xa", language, viewport)
    first = registration(FIRST)
    page.goto(live_server.url + f"/dang-ky/{first.pk}/sua/")
    check(page)
    page.fill("#id_people_reached", "1.200")
    page.get_by_role("button", name=said["save"], exact=True).click()
    expect(page.get_by_role("heading", name=FIRST)).to_be_visible()
    page.get_by_role("button", name=said["submit"]).click()
    expect(page.get_by_text(said["submitted"])).to_be_visible()
    check(page)
    assert registration(FIRST).people_reached == 1200

    # 5. The province accepts it, then evaluates the year's models in bulk.
    page = open_as("quantri", language, viewport)
    page.goto(live_server.url + "/xet-duyet/")
    page.get_by_label(said["apply_to"]).select_option("all")
    page.get_by_role("button", name=said["accept"]).click()
    expect(page.get_by_text(said["accepted"])).to_be_visible()
    check(page)

    # The province sets the campaign's criteria, then scores the first model with them.
    page.goto(live_server.url + f"/dot-thi-dua/{campaign.pk}/tieu-chi/")
    check(page)
    page.fill("#id_tieu-chi-0-name", "Cách làm sáng tạo")
    page.fill("#id_tieu-chi-0-points", "60")
    page.fill("#id_tieu-chi-1-name", "Khả năng nhân rộng")
    page.fill("#id_tieu-chi-1-points", "40")
    page.fill("#id_effective_mark", "50")
    page.fill("#id_exemplar_mark", "80")
    page.get_by_role("button", name=said["save"], exact=True).click()
    expect(page.get_by_text(said["criteria_saved"])).to_be_visible()
    check(page)
    page.goto(live_server.url + registration(FIRST).initiative.get_absolute_url())
    page.get_by_role("link", name=said["score"]).click()
    page.get_by_label(said["creative"]).fill("55")
    page.get_by_label(said["spread"]).fill(said["half"])
    page.get_by_label(said["apply_suggestion"]).check()
    check(page)
    screenshot(page, f"cycle-score-{variant}")
    page.get_by_role("button", name=said["save_points"]).click()
    expect(page.get_by_text(said["points_saved"])).to_be_visible()
    expect(page.get_by_text(said["points"], exact=True)).to_be_visible()
    check(page)
    first = Registration.objects.select_related("initiative").get(pk=first.pk)
    assert (first.evaluation, first.initiative.grade) == (Evaluation.EFFECTIVE, Grade.EXEMPLAR)

    province = world["province"]
    page.goto(live_server.url + f"/mo-hinh/?year=2026&unit={province.pk}")
    if phone:
        expect(page.locator("#thao-tac")).to_be_hidden()
        page.get_by_role("button", name=said["bulk"]).click()
    page.select_option("#thao-tac-chon", "evaluate")
    page.select_option("#thao-tac-danh-gia", Evaluation.EFFECTIVE.value)
    page.fill("#thao-tac-ngay-danh-gia", "2026-11-20")
    page.fill("#thao-tac-ghi-chu", "Kiểm tra thực tế: hiệu quả")
    page.locator("#pham-vi-tat-ca").check()
    check(page)
    screenshot(page, f"cycle-bulk-{variant}")
    page.get_by_role("button", name=said["run"], exact=True).click()
    expect(page.get_by_role("button", name=said["confirm"])).to_be_visible()
    check(page)
    page.get_by_role("button", name=said["confirm"]).click()
    expect(page.get_by_text(said["evaluated"])).to_be_visible()
    check(page)
    assert {registration(n).evaluation for n in (FIRST, SECOND)} == {Evaluation.EFFECTIVE}

    # 6. It proposes them to the central level for commendation, and sends the proposal.
    page.goto(live_server.url + f"/mo-hinh/?year=2026&unit={province.pk}")
    page.get_by_role("link", name=said["propose"]).click()
    expect(page.get_by_text(said["chosen"])).to_be_visible()
    check(page)
    page.select_option("#id_kind", label=said["commendation"])
    page.select_option("#id_unit", label="Tỉnh ủy Thái Nguyên")
    page.select_option("#id_receiving_unit", label="Ban Dân vận Trung ương")
    page.select_option("#id_level", index=1)
    page.select_option("#id_award_form", label="Bằng khen")
    page.fill("#id_reference", "25-TTr/TU")
    page.get_by_role("button", name=said["make_proposal"]).click()
    expect(page.get_by_text(said["proposal_made"])).to_be_visible()
    check(page)
    page.get_by_role("button", name=said["send_proposal"]).click()
    expect(page.get_by_role("button", name=said["withdraw_proposal"])).to_be_visible()
    proposal_url = page.url

    # 7. The central level accepts the rows and issues the decision from the proposal.
    page = open_as("trunguong", language, viewport)
    check(page)  # the central level's home page
    page.goto(proposal_url)
    check(page)
    page.get_by_role("button", name=said["accept_all"]).click()
    expect(page.locator("main")).to_contain_text(said["accepted_count"])
    page.get_by_role("link", name=said["decide"]).click()
    expect(page.get_by_role("heading", name=said["decision_form"])).to_be_visible()
    check(page)
    page.fill("#id_number", "102")
    page.fill("#id_symbol", "QĐ/BDVTW")
    page.fill("#id_signed_on", "25/11/2026")
    page.fill("#id_signer_name", "Nguyễn Văn A")
    page.get_by_role("button", name=said["decide"]).click()
    expect(page.get_by_role("heading", name=said["decision"])).to_be_visible()
    check(page)
    decision = Decision.objects.get(number="102")
    assert set(decision.registrations.values_list("initiative__name", flat=True)) == {FIRST, SECOND}
    assert decision.award_form.name == "Bằng khen"
    screenshot(page, f"cycle-decision-{variant}")

    # 8. The province's board: the commune that registered nothing is overdue; remind it.
    page = open_as("quantri", language, viewport)
    page.goto(live_server.url + f"/dot-thi-dua/{campaign.pk}/tien-do/")
    late_row = page.locator("tr", has_text=LATE)
    expect(late_row).to_contain_text(said["not_registered"])
    expect(page.locator("tr", has_text="Đảng ủy xã Phủ Thông")).to_contain_text("1/1")
    check(page)
    screenshot(page, f"cycle-board-{variant}")
    page.get_by_role("button", name=said["remind"]).click()
    expect(page.get_by_text(said["reminded"])).to_be_visible()
    check(page)
    assert [message.to for message in mail.outbox] == [["camgiang@example.vn"]]
    assert "Phát động phong trào thi đua" in mail.outbox[0].body
    assert Notification.objects.filter(user__username="bientap_cg").count() == 1

    # The late commune's editor sees it on the home page and in the notification list.
    page = open_as("bientap_cg", language, viewport)
    expect(page.get_by_text(said["reminder"]).first).to_be_visible()
    check(page)
    page.goto(live_server.url + "/thong-bao/")
    expect(page.get_by_text(TITLE).first).to_be_visible()
    check(page)
    screenshot(page, f"cycle-notifications-{variant}")
    assert Initiative.objects.count() == 2
