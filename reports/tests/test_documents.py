"""The documents leaders sign: the figures read back from the .docx and the PDF, and who may download them.

Every figure of the report draft is checked against the rows of the report queries (the page's
and the workbook's), and against the numbers of the hand-made tree of ``conftest``.
"""

import io
import shutil
import subprocess

import docx as python_docx
import pypdf
import pytest
from django.urls import reverse

from registry.choices import Kind, Role
from registry.tests.factories import DecisionFactory, MembershipFactory, UserFactory
from reports import selectors, tables
from reports.documents import certificates, headers, report
from reports.exports import unit_name
from reports.forms import ReportFilterForm

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def read_docx(content):
    """Return (paragraph texts, tables as lists of rows of cell texts) of a .docx, header cells included."""
    document = python_docx.Document(io.BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    grids = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return paragraphs, grids


def read_pdf(content):
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def period_of(user, root, **params):
    return selectors.report_period(user, root, ReportFilterForm(params))


def download_report(client, root, **params):
    response = client.get(reverse("reports:report_docx"), {"unit": root.pk, **params})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"].startswith("attachment;")
    return read_docx(response.content)


# ---------------------------------------------------------------------------------------------
# The report draft


def test_the_report_draft_quotes_the_figures_of_the_report_rows(client_for, superuser, tree):
    paragraphs, grids = download_report(client_for(superuser), tree.p, year=2023)
    text = "\n".join(paragraphs)
    period = period_of(superuser, tree.p, year=2023)
    summary = selectors.summary(superuser, tree.p, period)["current"]
    # By hand (conftest): 7 registrations in 2023, r2 and r4 individual; r2 and r4 maintained.
    assert (summary["total"], summary[Kind.INDIVIDUAL.value]) == (7, 2)
    assert (
        "có 7 mô hình, điển hình “Dân vận khéo” được đăng ký, trong đó 5 mô hình tập thể, 2 mô hình cá nhân"
        in text
    )
    assert f"duy trì {summary['maintained']}, đăng ký mới {summary['new']};" in text
    assert summary["maintained"] == 2 and summary["new"] == 5
    change = selectors.summary(superuser, tree.p, period)["change"]["total"]
    assert f"{'tăng' if change > 0 else 'giảm'} {abs(change)} mô hình so với cùng kỳ năm 2022" in text
    fields = selectors.field_table(superuser, tree.p, period)
    for standard in fields["standards"]:
        assert f"{standard['name'].lower()} {standard['counts']['total']}" in text
    assert f"{summary['effective']}/7 mô hình đạt hiệu quả" in text
    assert (
        f"Được công nhận {summary['recognised']} mô hình ({summary['recognised_collective']} tập thể, "
        f"{summary['recognised_individual']} cá nhân)" in text
    )
    assert f"được khen thưởng {summary['commended']} mô hình" in text
    units = selectors.unit_table(superuser, tree.p, period)
    assert tables.participation_text(units, period) in paragraphs
    assert "BÁO CÁO" in paragraphs and "Kết quả thực hiện phong trào thi đua “Dân vận khéo” năm 2023" in text


def test_the_report_draft_annex_has_every_figure_of_the_report_tables(client_for, superuser, tree):
    _paragraphs, grids = download_report(client_for(superuser), tree.p, year=2023)
    period = period_of(superuser, tree.p, year=2023)
    units = selectors.unit_table(superuser, tree.p, period)
    by_name = {row[1]: row for grid in grids for row in grid}
    columns = tables.columns_of(tables.unit_groups(tables.levels_present(units["total"]["current"])))
    assert units["rows"]
    for row in units["rows"]:
        cells = by_name[unit_name(row["unit"])]
        for cell, column in zip(cells[2:], columns, strict=True):
            value = tables.value_of(row, column.key)
            expected = f"+{value}" if column.key == tables.CHANGE and value > 0 else str(value)
            assert cell == expected, (row["unit"]["name"], column.key)
    unit_total = next(grid[-1] for grid in grids if grid[0][1] == "Đơn vị")
    assert unit_total[2] == "7"
    fields = selectors.field_table(superuser, tree.p, period)
    field_columns = tables.columns_of(tables.field_groups())
    for standard in fields["standards"]:
        cells = by_name[standard["name"]]
        assert cells[2:] == [str(standard["counts"][c.key]) for c in field_columns]
        for field in standard["fields"]:
            assert by_name["- " + field["name"]][2:] == [str(field["counts"][c.key]) for c in field_columns]


def test_the_report_draft_lists_the_outstanding_models(client_for, superuser, tree):
    _paragraphs, grids = download_report(client_for(superuser), tree.p, year=2023)
    outstanding = next(grid for grid in grids if grid[0][:2] == ["STT", "Tên mô hình"])
    assert [row[1:3] for row in outstanding[1:]] == [[tree.r5.initiative.name, "Chi bộ B1"]]


def test_the_report_draft_says_its_period_and_structure(client_for, superuser, tree):
    client = client_for(superuser)
    paragraphs, _grids = download_report(client, tree.p, period="half", year=2023, half=1)
    text = "\n".join(paragraphs)
    assert "Kết quả thực hiện phong trào thi đua “Dân vận khéo” 6 tháng đầu năm 2023" in text
    assert "Số liệu như đã báo cáo" in text
    period = period_of(superuser, tree.p, period="half", year=2023, half=1)
    total = selectors.summary(superuser, tree.p, period)["current"]["total"]
    assert f"Trong 6 tháng đầu năm 2023, toàn tỉnh có {total} mô hình" in text
    paragraphs, _grids = download_report(
        client, tree.p, period="phase", year_from=2021, year_to=2025, structure="current"
    )
    text = "\n".join(paragraphs)
    assert "giai đoạn 2021–2025" in text and "Số liệu theo tổ chức hiện nay" in text


def test_a_report_of_a_middle_unit_counts_only_its_branch(client_for, user_of_a, tree):
    paragraphs, grids = download_report(client_for(user_of_a), tree.a, year=2023)
    text = "\n".join(paragraphs)
    total = selectors.summary(user_of_a, tree.a, period_of(user_of_a, tree.a, year=2023))["current"]["total"]
    assert total == 4  # r1, r2, r3, r4
    assert "Huyện ủy A có 4 mô hình" in text
    names = {row[1] for grid in grids for row in grid}
    assert "Huyện ủy B" not in names and "Chi bộ B1" not in names and "Tỉnh ủy Q" not in text
    header = grids[0][0]
    assert "ĐẢNG BỘ TỈNH P" in header[0] and "HUYỆN ỦY A" in header[0] and "-BC/" in header[0]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header[1]


# ---------------------------------------------------------------------------------------------
# The decision draft


def download(client, name, decision):
    return client.get(reverse(name, args=[decision.pk]))


def test_a_party_decision_draft_has_the_party_header_articles_and_annex(client_for, superuser, tree):
    response = download(client_for(superuser), "reports:decision_docx", tree.district)
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    paragraphs, grids = read_docx(response.content)
    header = grids[0][0]
    assert header[0].split("\n") == ["ĐẢNG BỘ TỈNH P", "HUYỆN ỦY A", "*", f"Số {tree.district.reference}"]
    assert header[1].startswith("ĐẢNG CỘNG SẢN VIỆT NAM")
    assert "ngày 15 tháng 12 năm 2023" in header[1]
    text = "\n".join(paragraphs)
    assert "QUYẾT ĐỊNH" in paragraphs and tree.district.title in paragraphs
    # Alive registrations only: the deleted one and the deleted initiative's are not counted.
    assert "Điều 1. Công nhận 03 mô hình (02 tập thể, 01 cá nhân)" in text
    assert "Điều 3." in text
    annex = grids[-1]
    assert annex[0] == ["STT", "Tên mô hình", "Loại", "Lĩnh vực", "Năm"]
    assert annex[1][0] == "I" and annex[1][1].startswith("Chi bộ A1 (02 mô hình")
    listed = [row[1] for row in annex if row[0].isdigit()]
    assert tree.r1.initiative.name in listed and tree.r5.initiative.name in listed
    assert f"{tree.r2.initiative.name} (Nguyễn Văn An)" in listed  # an individual model names its person
    assert len(listed) == 3
    assert [row[0] for row in annex if not row[0].isdigit()][1:] == ["I", "II"]
    assert any(row[1].startswith("Chi bộ B1") for row in annex)


def test_a_state_decision_draft_has_the_state_header(client_for, superuser, tree):
    response = download(client_for(superuser), "reports:decision_docx", tree.commendation)
    paragraphs, grids = read_docx(response.content)
    header = grids[0][0]
    assert "Số: 3970/QĐ-UBND" in header[0]
    assert header[1].startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    text = "\n".join(paragraphs)
    assert "Tặng Bằng khen cho các tập thể, cá nhân có 01 mô hình (01 tập thể, 00 cá nhân)" in text
    assert grids[-1][-1][1] == tree.r1.initiative.name


def test_the_header_follows_the_issuing_unit_and_the_symbol():
    from registry.choices import UnitType

    assert headers.is_party(UnitType.DISTRICT, "QĐ/HU")
    assert headers.is_party(UnitType.COMMISSION, "QĐ/BDVTU")
    assert not headers.is_party(UnitType.AGENCY, "QĐ-UBND")
    assert not headers.is_party(UnitType.DISTRICT, "QĐ-UBND")  # a UBND decision kept by the committee


def test_the_annex_lists_only_the_models_the_user_may_see(client_for, user_of_a, tree):
    response = download(client_for(user_of_a), "reports:decision_docx", tree.district)
    _paragraphs, grids = read_docx(response.content)
    text = str(grids)
    assert tree.r5.initiative.name not in text and "Chi bộ B1" not in text
    assert tree.r1.initiative.name in text


# ---------------------------------------------------------------------------------------------
# The certificates


def test_the_certificates_have_one_page_per_model_in_vietnamese(client_for, superuser, tree):
    response = download(client_for(superuser), "reports:decision_certificates", tree.district)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = read_pdf(response.content)
    assert len(pages) == 3
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert box.width > box.height  # A4 landscape
    assert round(float(box.width) / 72 * 25.4) == 297
    flats = [" ".join(page.split()) for page in pages]
    for registration in [tree.r1, tree.r2, tree.r5]:
        # One page each; the factories' names ("Mô hình số 4", "số 10") sort either way.
        (flat,) = [flat for flat in flats if f"“{registration.initiative.name}”" in flat]
        assert "GIẤY CHỨNG NHẬN" in flat
        assert registration.unit.name in flat
        assert "Đạt mô hình, điển hình “Dân vận khéo” cấp huyện năm 2023" in flat
        assert f"Quyết định số {tree.district.reference}, ngày 15/12/2023" in flat


def test_a_commendation_prints_its_award_form(client_for, superuser, tree):
    pages = read_pdf(
        download(client_for(superuser), "reports:decision_certificates", tree.commendation).content
    )
    assert len(pages) == 1 and "BẰNG KHEN" in pages[0]
    # An award goes to the collective: its unit first, then its model.
    flat = " ".join(pages[0].split())
    assert f"Tặng Chi bộ A1 Mô hình: “{tree.r1.initiative.name}”" in flat


def test_without_a_vietnamese_font_the_certificates_say_so(
    client_for, superuser, tree, settings, monkeypatch
):
    monkeypatch.setattr(certificates, "FONT_FAMILIES", [])
    settings.DOCUMENT_FONTS = [("Missing", "/khong-co/a.ttf", "/khong-co/b.ttf", "/khong-co/c.ttf")]
    response = download(client_for(superuser), "reports:decision_certificates", tree.district)
    assert response.status_code == 302 and response["Location"] == tree.district.get_absolute_url()
    page = client_for(superuser).get(response["Location"]).content.decode()
    assert "fonts-noto-core" in page and "chưa cài phông chữ tiếng Việt" in page


def test_a_decision_without_models_has_no_certificates(client_for, superuser, tree):
    empty = DecisionFactory(issuing_unit=tree.a, number="999")
    client = client_for(superuser)
    response = download(client, "reports:decision_certificates", empty)
    assert response.status_code == 302
    assert "chưa có giấy chứng nhận để in" in client.get(response["Location"]).content.decode()
    paragraphs, _grids = read_docx(download(client, "reports:decision_docx", empty).content)
    assert "Quyết định chưa có mô hình nào." in paragraphs


# ---------------------------------------------------------------------------------------------
# Who may download, and odd input


@pytest.fixture
def roles(tree, superuser):
    """The roles over Huyện ủy A, and the superuser."""
    users = {"superuser": superuser}
    for role in (Role.ADMIN, Role.EDITOR, Role.VIEWER):
        users[role.value] = UserFactory()
        MembershipFactory(user=users[role.value], unit=tree.a, role=role)
    return users


@pytest.mark.parametrize("role", ["superuser", "admin", "editor", "viewer"])
def test_each_role_downloads_its_own_documents_and_not_others(client_for, roles, tree, role):
    client = client_for(roles[role])
    assert client.get(reverse("reports:report_docx"), {"unit": tree.a.pk, "year": 2023}).status_code == 200
    assert download(client, "reports:decision_docx", tree.district).status_code == 200
    assert download(client, "reports:decision_certificates", tree.district).status_code == 200
    others = 200 if role == "superuser" else 404
    assert client.get(reverse("reports:report_docx"), {"unit": tree.q.pk}).status_code == others
    assert client.get(reverse("reports:report_docx"), {"unit": tree.b.pk}).status_code == others
    assert download(client, "reports:decision_docx", tree.other).status_code == others
    assert download(client, "reports:decision_certificates", tree.other).status_code == others


def test_anonymous_visitors_are_sent_to_the_login(client, tree):
    for response in (
        client.get(reverse("reports:report_docx")),
        download(client, "reports:decision_docx", tree.district),
        download(client, "reports:decision_certificates", tree.district),
    ):
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_deleted_decision_has_no_documents(client_for, superuser, tree):
    client = client_for(superuser)
    assert download(client, "reports:decision_docx", tree.dead).status_code == 404
    assert download(client, "reports:decision_certificates", tree.dead).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"unit": "abc"},
        {"unit": "999999"},
        {"unit": "-1", "year": "x"},
        {"year": "99999"},
        {"period": "zzz", "year": "2023"},
        {"period": "half", "year": "2023", "half": "7"},
        {"period": "range", "date_from": "31/02/2023", "date_to": "bad"},
        {"period": "phase", "year_from": "2025", "year_to": "2021"},
        {"structure": "nowhere"},
    ],
)
def test_odd_report_input_never_fails(client_for, user_of_a, tree, params):
    response = client_for(user_of_a).get(reverse("reports:report_docx"), params)
    assert response.status_code in (200, 404)


def test_an_unknown_decision_answers_404(client_for, superuser, tree):
    client = client_for(superuser)
    assert client.get("/bao-cao/quyet-dinh/999999/du-thao.docx").status_code == 404
    assert client.get(reverse("reports:decision_certificates", args=[999999])).status_code == 404


def test_the_report_page_and_the_decision_page_link_to_the_documents(client_for, user_of_a, tree):
    client = client_for(user_of_a)
    page = client.get(reverse("reports:report"), {"unit": tree.a.pk, "year": 2023}).content.decode()
    assert reverse("reports:report_docx") + "?unit=" in page
    page = client.get(tree.district.get_absolute_url()).content.decode()
    assert reverse("reports:decision_docx", args=[tree.district.pk]) in page
    assert reverse("reports:decision_certificates", args=[tree.district.pk]) in page


# ---------------------------------------------------------------------------------------------
# As printed: LibreOffice (absent in CI: skipped)


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice (soffice) or poppler (pdftotext) is not installed",
)
def test_libreoffice_prints_the_report_draft_with_its_figures(superuser, tree, tmp_path):
    period = period_of(superuser, tree.p, year=2023)
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(report.report_document(superuser, tree.p, period))
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    printed = tmp_path / "bao-cao.pdf"
    assert len(pypdf.PdfReader(printed).pages) >= 2
    # poppler reads LibreOffice's Vietnamese back whole (pypdf splits its combining marks).
    text = subprocess.run(["pdftotext", str(printed), "-"], check=True, capture_output=True, text=True).stdout
    text = " ".join(text.split())
    assert "toàn tỉnh có 7 mô hình" in text and "5 mô hình tập thể, 2 mô hình cá nhân" in text
    assert "PHỤ LỤC" in text
