"""A commune submits two models; the province returns one with a reason and accepts the other; the
commune corrects and submits it again; the province accepts it from its queue.

At 1280 and 390 px wide, in Vietnamese and in English. Every page passes axe and nothing
overflows sideways.
"""

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext
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

# The home page's next steps, counted (ngettext: their singular and plural msgids are the same).
WAITING = "Xét %(n)s mô hình cấp dưới gửi lên, chờ đơn vị bạn xét"
RETURNED = "Sửa %(n)s mô hình bị trả lại, cần bổ sung rồi gửi lại"


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


def words(language):
    """The interface's words in ``language``, read from the same catalogues as the pages."""
    with translation.override(language):
        return {
            "draft": gettext("Dự thảo"),
            "submit": gettext("Gửi xét duyệt"),
            "submitted": ngettext(*["Đã gửi %(count)s mô hình lên cấp xét duyệt."] * 2, 1) % {"count": 1},
            "waiting": ngettext(*[WAITING] * 2, 2) % {"n": 2},
            "queue": gettext("Mô hình chờ đơn vị xét duyệt"),
            "select": gettext("Chọn %(name)s"),
            "return": pgettext("review action", "Trả lại để bổ sung"),
            "no_reason": gettext("Hãy ghi lý do trả lại để đơn vị biết cần bổ sung gì."),
            "reason": gettext("Lý do trả lại (bắt buộc khi trả lại)"),
            "returned": ngettext(*["Đã trả lại %(count)s mô hình để đơn vị bổ sung."] * 2, 1) % {"count": 1},
            "accept": gettext("Tiếp nhận"),
            "accepted": ngettext(*["Đã tiếp nhận %(count)s mô hình."] * 2, 1) % {"count": 1},
            "correct": ngettext(*[RETURNED] * 2, 1) % {"n": 1},
            "apply_to": gettext("Áp dụng cho"),
        }


def state(registration):
    return Registration.objects.get(pk=registration.pk).review_state


def test_a_commune_submits_the_province_returns_and_accepts(
    live_server, cycle, open_as, assert_fits, assert_accessible, screenshot, language, viewport
):
    first, second = cycle
    said = words(language)
    name = f"{language}-{viewport['width']}"
    page = open_as("bientap_xa", language, viewport)
    assert_fits(page)
    for registration in cycle:
        page.goto(live_server.url + registration.get_absolute_url())
        expect(page.locator(".review-row .badge")).to_have_text(said["draft"])
        page.get_by_role("button", name=said["submit"]).click()
        expect(page.get_by_text(said["submitted"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"review-submitted-{name}")
    assert [state(r) for r in cycle] == [ReviewState.SUBMITTED] * 2

    page = open_as("quantri", language, viewport)
    expect(page.get_by_text(said["waiting"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    page.get_by_role("link", name=said["waiting"]).click()
    expect(page.get_by_role("heading", name=said["queue"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"review-queue-{name}")
    # A return without a reason is refused and changes nothing.
    page.get_by_label(said["select"] % {"name": first.initiative.name}).check()
    page.get_by_role("button", name=said["return"]).click()
    expect(page.get_by_text(said["no_reason"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    assert [state(r) for r in cycle] == [ReviewState.SUBMITTED] * 2
    page.get_by_label(said["select"] % {"name": first.initiative.name}).check()
    page.get_by_label(said["reason"]).fill("Bổ sung kết quả thực hiện")
    page.get_by_role("button", name=said["return"]).click()
    expect(page.get_by_text(said["returned"])).to_be_visible()
    page.get_by_label(said["select"] % {"name": second.initiative.name}).check()
    page.get_by_role("button", name=said["accept"]).click()
    expect(page.get_by_text(said["accepted"])).to_be_visible()
    assert [state(r) for r in cycle] == [ReviewState.RETURNED, ReviewState.ACCEPTED]

    page = open_as("bientap_xa", language, viewport)
    expect(page.get_by_text(said["correct"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    page.goto(live_server.url + first.get_absolute_url())
    expect(page.get_by_text("Bổ sung kết quả thực hiện")).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"review-returned-{name}")
    page.get_by_role("button", name=said["submit"]).click()
    expect(page.get_by_text(said["submitted"])).to_be_visible()
    page.goto(live_server.url + second.get_absolute_url())
    expect(page.get_by_role("button", name=said["submit"])).to_have_count(0)
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"review-accepted-{name}")

    page = open_as("quantri", language, viewport)
    page.goto(live_server.url + "/xet-duyet/")
    page.get_by_label(said["apply_to"]).select_option("all")
    page.get_by_role("button", name=said["accept"]).click()
    expect(page.get_by_text(said["accepted"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    assert [state(r) for r in cycle] == [ReviewState.ACCEPTED] * 2
