"""A viewer downloads the report draft from the report page, a decision's draft and its certificates."""

import datetime
import io

import docx
import pypdf
import pytest
from playwright.sync_api import expect

from registry.choices import Kind, Level, Role, UnitType
from registry.tests.factories import (
    DecisionFactory,
    InitiativeFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
    make_unit,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def decision():
    province = make_unit("Tỉnh ủy Bắc Kạn", unit_type=UnitType.PROVINCE, code="BK")
    district = make_unit("Huyện ủy Bạch Thông", province, UnitType.DISTRICT, code="BT")
    commune = make_unit("Đảng ủy xã Cẩm Giàng", district, UnitType.COMMUNE)
    registrations = [
        RegistrationFactory(
            initiative=InitiativeFactory(
                unit=commune, kind=kind, person_name="Hoàng Văn Thắng" if kind == Kind.INDIVIDUAL else ""
            ),
            year=2024,
            registered_on=datetime.date(2024, 3, 1),
        )
        for kind in (Kind.COLLECTIVE, Kind.COLLECTIVE, Kind.INDIVIDUAL)
    ]
    user = UserFactory(username="xem")
    MembershipFactory(user=user, unit=district, role=Role.VIEWER)
    return DecisionFactory(
        issuing_unit=district,
        level=Level.DISTRICT,
        signed_on=datetime.date(2024, 12, 20),
        registrations=registrations,
    )


def test_viewer_downloads_the_report_draft_the_decision_draft_and_the_certificates(
    live_server, decision, logged_in_page, assert_accessible, screenshot
):
    page = logged_in_page("xem", PASSWORD)
    page.goto(f"{live_server.url}/bao-cao/bieu-tong-hop/?period=year&year=2024")
    with page.expect_download() as download:
        page.get_by_role("link", name="Dự thảo báo cáo (Word)").click()
    assert download.value.suggested_filename.endswith(".docx")
    text = "\n".join(p.text for p in docx.Document(download.value.path()).paragraphs)
    assert "Trong năm 2024, Huyện ủy Bạch Thông có 3 mô hình" in text
    assert "2 mô hình tập thể, 1 mô hình cá nhân" in text

    page.goto(live_server.url + decision.get_absolute_url())
    expect(page.get_by_role("link", name="Dự thảo quyết định (Word)")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "decision-documents")
    with page.expect_download() as download:
        page.get_by_role("link", name="Dự thảo quyết định (Word)").click()
    document = docx.Document(download.value.path())
    assert "HUYỆN ỦY BẠCH THÔNG" in document.tables[0].rows[0].cells[0].text
    with page.expect_download() as download:
        page.get_by_role("link", name="In giấy chứng nhận (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        pages = pypdf.PdfReader(io.BytesIO(pdf.read())).pages
    assert len(pages) == 3 and "GIẤY CHỨNG NHẬN" in pages[0].extract_text()
