"""Bad files are refused with a clear message before parsing; cells are read as people write them."""

import datetime
import io
import zipfile

import pytest

from intake import reader
from intake.checks import looks_like_header

from .conftest import HEADERS, make_xlsx


def test_a_pdf_is_not_an_xlsx():
    with pytest.raises(reader.FileRejected, match="không phải là tệp Excel .xlsx"):
        reader.check_container(b"%PDF-1.7 ...")


def test_an_empty_upload_is_refused():
    with pytest.raises(reader.FileRejected, match="Tệp rỗng"):
        reader.check_container(b"")


def test_an_encrypted_xlsx_is_recognised_by_its_ole_container():
    content = reader.OLE_SIGNATURE + b"\0" * 500 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100
    with pytest.raises(reader.FileRejected, match="mật khẩu"):
        reader.check_container(content)


def test_an_old_xls_is_asked_to_be_saved_as_xlsx():
    with pytest.raises(reader.FileRejected, match=r"\.xls"):
        reader.check_container(reader.OLE_SIGNATURE + b"\0" * 600)


def test_a_corrupted_zip_is_refused():
    good = make_xlsx([["x"]], HEADERS)
    with pytest.raises(reader.FileRejected, match="bị hỏng"):
        reader.check_container(good[:200] + b"\0" * 300)


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.INTAKE_MAX_BYTES = 1000
    with pytest.raises(reader.FileRejected, match="vượt giới hạn"):
        reader.check_container(make_xlsx([], HEADERS))


def test_a_decompression_bomb_is_refused_from_the_zip_directory():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    assert len(output.getvalue()) < 100_000
    with pytest.raises(reader.FileRejected, match="bom nén"):
        reader.check_container(output.getvalue())


def test_declared_total_size_over_the_limit_is_refused(settings):
    settings.INTAKE_MAX_UNCOMPRESSED_BYTES = 10_000
    with pytest.raises(reader.FileRejected, match="giải nén"):
        reader.check_container(make_xlsx([["a" * 100]] * 200, HEADERS))


def test_a_workbook_with_only_empty_sheets_is_refused():
    with pytest.raises(reader.FileRejected, match="trống"):
        reader.open_sheet(make_xlsx([]), looks_like_header)


def test_a_sheet_without_the_header_row_is_refused():
    with pytest.raises(reader.FileRejected, match="dòng tiêu đề"):
        reader.open_sheet(make_xlsx([["a", "b"], ["c", "d"]]), looks_like_header)


def test_the_header_may_sit_under_title_rows_and_merged_titles_are_ignored():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "DANH SÁCH MÔ HÌNH DÂN VẬN KHÉO NĂM 2024"
    sheet.merge_cells("A1:H1")
    for index, header in enumerate(HEADERS, start=1):
        sheet.cell(row=3, column=index, value=header)
    sheet.cell(row=4, column=3, value="Mô hình")
    output = io.BytesIO()
    workbook.save(output)
    found, _formulas = reader.open_sheet(output.getvalue(), looks_like_header)
    assert found.header_row == 3
    assert found.merged == []
    assert [number for number, _values in found.rows] == [4]


def test_formula_cells_are_found_by_streaming_the_sheet_xml():
    content = make_xlsx([["", "X", "Mô hình", "", "", "", "=2000+24", "15/03/2024"]], HEADERS)
    _sheet, (cells, total) = reader.open_sheet(content, looks_like_header)
    assert cells == ["G2"] and total == 1


@pytest.mark.parametrize(
    "value, expected",
    [
        ("15/03/2024", datetime.date(2024, 3, 15)),
        ("5/3/2024", datetime.date(2024, 3, 5)),
        ("15-03-2024", datetime.date(2024, 3, 15)),
        ("15.03.2024", datetime.date(2024, 3, 15)),
        (" 15/03/2024 00:00:00", datetime.date(2024, 3, 15)),
        ("2024-03-15", datetime.date(2024, 3, 15)),
        (datetime.date(2024, 3, 15), datetime.date(2024, 3, 15)),
        (datetime.datetime(2024, 3, 15, 8, 30), datetime.date(2024, 3, 15)),
        (45366.0, datetime.date(2024, 3, 15)),
    ],
)
def test_dates_are_read_from_cells_and_from_text(value, expected):
    assert reader.parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2024", "15/03/24", "tháng 3", 3.5, "03/15/2024"])
def test_impossible_or_unreadable_dates_are_errors(value):
    with pytest.raises(reader.CellError):
        reader.parse_date(value)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1.759", 1759),
        ("1,759", 1759),
        ("1 759", 1759),
        ("1.759.000", 1759000),
        ("135.000.000", 135000000),
        (1759.0, 1759),
        (1759, 1759),
        ("2071", 2071),
    ],
)
def test_numbers_accept_vietnamese_and_english_thousands_separators(value, expected):
    assert reader.parse_int(value) == expected


@pytest.mark.parametrize("value", [1.759, "1,5", "12a", "-5", -5, "1.75"])
def test_fractions_negative_numbers_and_words_are_errors(value):
    with pytest.raises(reader.CellError):
        reader.parse_int(value)
