"""A viewer downloads the report draft from the report page, a decision's draft and its certificates.

At 1280 and 390 px wide, in Vietnamese and in English: the summary table's page and its report
draft, the decision's page, its draft and its certificates, each document read back in the
language of the page it came from. Every page passes axe and nothing overflows sideways.
"""

import datetime
import io

import docx
import pypdf
import pytest
from django.utils import translation
from django.utils.translation import gettext
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
from reports.periods import Period

pytestmark = pytest.mark.django_db(transaction=True)


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


def words(language):
    """The interface's and the documents' words in ``language``, read from the catalogues."""
    with translation.override(language):
        return {
            "report_draft": gettext("Dự thảo báo cáo (Word)"),
            "decision_draft": gettext("Dự thảo quyết định (Word)"),
            "certificates": gettext("In giấy chứng nhận (PDF)"),
            "certificate": gettext("GIẤY CHỨNG NHẬN"),
            # The report's first sentence, as the draft writes it.
            "opening": gettext(
                "Trong %(period)s, %(area)s có %(total)s mô hình, điển hình “Dân vận khéo” được đăng ký, "
                "trong đó %(collective)s mô hình tập thể, %(individual)s mô hình cá nhân."
            )
            % {
                "period": Period.year(2024).label,
                "area": "Huyện ủy Bạch Thông",
                "total": 3,
                "collective": 2,
                "individual": 1,
            },
        }


def test_viewer_downloads_the_report_draft_the_decision_draft_and_the_certificates(
    live_server, decision, open_as, assert_fits, assert_accessible, screenshot, language, viewport
):
    said = words(language)
    name = f"{language}-{viewport['width']}"
    page = open_as("xem", language, viewport)
    assert_fits(page)
    assert_accessible(page)
    page.goto(f"{live_server.url}/bao-cao/bieu-tong-hop/?period=year&year=2024")
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"report-documents-{name}")
    with page.expect_download() as download:
        page.get_by_role("link", name=said["report_draft"]).click()
    assert download.value.suggested_filename.endswith(".docx")
    text = "\n".join(p.text for p in docx.Document(download.value.path()).paragraphs)
    assert said["opening"] in text

    page.goto(live_server.url + decision.get_absolute_url())
    expect(page.get_by_role("link", name=said["decision_draft"])).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"decision-documents-{name}")
    with page.expect_download() as download:
        page.get_by_role("link", name=said["decision_draft"]).click()
    document = docx.Document(download.value.path())
    assert "HUYỆN ỦY BẠCH THÔNG" in document.tables[0].rows[0].cells[0].text
    with page.expect_download() as download:
        page.get_by_role("link", name=said["certificates"]).click()
    with open(download.value.path(), "rb") as pdf:
        pages = pypdf.PdfReader(io.BytesIO(pdf.read())).pages
    assert len(pages) == 3 and said["certificate"] in pages[0].extract_text()
