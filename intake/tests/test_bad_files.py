"""The corpus of malformed spreadsheets: each gets a clear message, and nothing is saved.

Every file here went through a real security test of the import (46 malformed spreadsheets);
they stay as tests so that none can come back. Each case runs the whole path a user's upload
takes (store, check) and asserts the message the user reads (for a bad cell: at its row and
column), that the import cannot be confirmed, and that the registry is unchanged.
"""

import io
import zipfile

import pytest
from openpyxl import Workbook

from intake import services
from intake.models import BatchStatus
from registry.models import Initiative, Registration

from .conftest import make_xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["Đơn vị", "Tên mô hình", "Loại", "Họ và tên cá nhân", "Lĩnh vực", "Năm", "Ngày đăng ký",
           "Số người tham gia, hưởng lợi", "Kinh phí huy động (đồng)", "Ngày công",
           "Địa chỉ thực hiện", "Nội dung, cách làm"]  # fmt: skip
GOOD = ["X. Cẩm Giàng", "Mô hình đúng", "Tập thể", "", "Kinh tế", 2024, "15/03/2024", 10, 1000, 5, "Thôn 1",
        "Vận động"]  # fmt: skip
COLUMN = {header: chr(ord("A") + index) for index, header in enumerate(HEADERS)}


def with_cell(header, value):
    """A file of one good row and, below it, a row whose cell under ``header`` is ``value``."""
    bad = list(GOOD)
    bad[1] = "Mô hình có ô sai"
    bad[HEADERS.index(header)] = value
    return make_xlsx([GOOD, bad], HEADERS)


def zipped(members, compression=zipfile.ZIP_DEFLATED):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return output.getvalue()


def replaced(content, name, data):
    """``content`` (an xlsx) with its member ``name`` replaced by ``data``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    return zipped({item: data if item == name else source.read(item) for item in source.namelist()})


def workbook_bytes(build):
    workbook = Workbook()
    build(workbook)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def formulas(count):
    def build(workbook):
        sheet = workbook.active
        sheet.append(HEADERS)
        for index in range(count):
            sheet.append([*GOOD[:1], f"Mô hình {index}", *GOOD[2:7], f"={index}+1", *GOOD[8:]])

    return workbook_bytes(build)


def merged():
    def build(workbook):
        sheet = workbook.active
        sheet.append(HEADERS)
        sheet.append(GOOD)
        sheet.append([GOOD[0], "Mô hình hai", *GOOD[2:]])
        sheet.merge_cells("A2:A3")

    return workbook_bytes(build)


def billion_laughs():
    entities = '<!ENTITY l0 "lololololol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Tên mô hình</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Năm</t></is></c></row>'
        '<row r="2"><c r="A2"><f>1+1</f><v>&l9;</v></c></row></sheetData></worksheet>'
    )
    return replaced(make_xlsx([GOOD], HEADERS), "xl/worksheets/sheet1.xml", sheet.encode())


# (case, the file, what the user reads) for files refused whole: unreadable, or not a list.
FILES = [
    ("empty upload", lambda: b"", "Tệp rỗng"),
    ("a pdf", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "không phải là tệp Excel .xlsx"),
    (
        "a csv",
        lambda: "Đơn vị,Tên mô hình,Năm\nX. Cẩm Giàng,Mô hình,2024\n".encode(),
        "không phải là tệp Excel",
    ),
    ("an html page", lambda: b"<html><body><table><tr><td>1</td></tr></table>", "không phải là tệp Excel"),
    ("an old xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "(.xls)"),
    (
        "an encrypted xlsx",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64 + "EncryptionInfo".encode("utf-16-le"),
        "mật khẩu",
    ),
    ("a docx", lambda: zipped({"word/document.xml": "<w:document/>"}), "không phải sổ làm việc"),
    ("a truncated xlsx", lambda: make_xlsx([GOOD], HEADERS)[:300], "bị hỏng"),
    ("random bytes after a zip signature", lambda: b"PK\x03\x04" + bytes(range(256)) * 8, "bị hỏng"),
    (
        "a zip bomb",
        lambda: zipped({"xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": b" " * (30 << 20)}),
        "bom nén",
    ),
    (
        "a zip of too many parts",
        lambda: zipped({"xl/workbook.xml": "<workbook/>", **{f"xl/media/{i}.bin": b"" for i in range(2001)}}),
        "quá nhiều thành phần",
    ),
    (
        "no list of sheets",
        lambda: zipped({"xl/workbook.xml": "<workbook", "[Content_Types].xml": "<Types/>"}),
        "bị hỏng",
    ),
    (
        "a sheet that is not xml",
        lambda: replaced(
            make_xlsx([GOOD], HEADERS), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row"
        ),
        "bị hỏng",
    ),
    ("entities that expand a billion times", billion_laughs, "bị hỏng"),
    ("only empty sheets", lambda: make_xlsx([]), "các trang tính đều trống"),
    ("no year column", lambda: make_xlsx([GOOD[:5]], HEADERS[:5]), "có cột “Tên mô hình” và “Năm”"),
    (
        "no name column",
        lambda: make_xlsx([[GOOD[0], *GOOD[2:]]], [HEADERS[0], *HEADERS[2:]]),
        "có cột “Tên mô hình” và “Năm”",
    ),
    (
        "no header row in the first rows",
        lambda: make_xlsx([["x", "y"]] * 20 + [HEADERS, GOOD]),
        "Không tìm thấy dòng tiêu đề",
    ),
]


@pytest.mark.parametrize(("case", "build", "message"), FILES, ids=[case for case, *_rest in FILES])
def test_a_file_refused_whole_says_why_and_saves_nothing(tree, case, build, message):
    before = Initiative.objects.count(), Registration.objects.count()
    batch = services.import_check(
        batch=services.import_create(user=tree.editor_a, name="tep.xlsx", content=build())
    )
    assert batch.status == BatchStatus.REJECTED, batch.summary
    assert any(message in error for error in batch.summary["file_errors"]), batch.summary
    assert not batch.can_confirm and not services.import_start(batch=batch)
    assert (Initiative.objects.count(), Registration.objects.count()) == before


# (case, the file, what the user reads) for lists whose shape is wrong: read, nothing importable.
SHAPES = [
    ("no unit column", lambda: make_xlsx([GOOD[1:]], HEADERS[1:]), "Thiếu cột “Đơn vị”"),
    ("a column twice", lambda: make_xlsx([[*GOOD, 2025]], [*HEADERS, "Năm đăng ký"]), "lặp lại"),
    ("a header and no row", lambda: make_xlsx([], HEADERS), "không có dòng dữ liệu"),
    ("merged cells", merged, "ô gộp"),
    ("formulas everywhere", lambda: formulas(30), "ô chứa công thức"),
]


@pytest.mark.parametrize(("case", "build", "message"), SHAPES, ids=[case for case, *_rest in SHAPES])
def test_a_list_of_the_wrong_shape_says_what_to_fix_and_saves_nothing(tree, case, build, message):
    before = Initiative.objects.count(), Registration.objects.count()
    batch = services.import_check(
        batch=services.import_create(user=tree.editor_a, name="tep.xlsx", content=build())
    )
    assert batch.status == BatchStatus.CHECKED
    assert any(message in error for error in batch.summary["file_errors"]), batch.summary
    assert not batch.can_confirm and not services.import_start(batch=batch)
    assert (Initiative.objects.count(), Registration.objects.count()) == before


def test_a_file_over_the_row_cap_is_refused_whole(tree, settings):
    settings.INTAKE_MAX_ROWS = 5
    rows = [[GOOD[0], f"Mô hình {i}", *GOOD[2:]] for i in range(6)]
    batch = services.import_check(
        batch=services.import_create(user=tree.editor_a, name="dai.xlsx", content=make_xlsx(rows, HEADERS))
    )
    assert batch.summary["file_errors"] == [
        "Tệp có hơn 5 dòng dữ liệu, vượt giới hạn một lần nhập. "
        "Hãy chia danh sách thành nhiều tệp, mỗi tệp tối đa 5 dòng."
    ]
    assert batch.rows.count() == 0 and not batch.can_confirm


# (case, header of the bad cell, its value, what the user reads there) for one bad cell.
CELLS = [
    ("a word for a number", "Số người tham gia, hưởng lợi", "nhiều", "không phải là số nguyên"),
    # Refused with the number named (and the range the column takes), not later by the database.
    ("a huge people count", "Số người tham gia, hưởng lợi", 99999999999, "99.999.999.999"),
    ("a huge count as text", "Số người tham gia, hưởng lợi", "99.999.999.999", "99.999.999.999"),
    ("a huge sum", "Kinh phí huy động (đồng)", 1e30, f"{int(1e30):,}".replace(",", ".")),
    ("more people than the rules allow", "Số người tham gia, hưởng lợi", 10_000_001, "10.000.001"),
    ("a negative count", "Ngày công", -5, "không được âm"),
    ("a fraction", "Ngày công", 1.5, "phần thập phân"),
    ("true for a number", "Ngày công", True, "không phải là số"),
    ("a formula", "Số người tham gia, hưởng lợi", "=10*10", "chứa công thức"),
    ("a huge year", "Năm", 99999999999, "không hợp lệ"),
    ("a word for a year", "Năm", "năm nay", "không phải là số nguyên"),
    ("the year 1", "Ngày đăng ký", "01/01/0001", "phần mềm nhận ngày từ 01/01/1990"),
    ("the year 9999", "Ngày đăng ký", "31/12/9999", "phần mềm nhận ngày từ 01/01/1990"),
    ("Excel's last day as a number", "Ngày đăng ký", 2958465, "không phải là ngày"),
    ("a day that does not exist", "Ngày đăng ký", "32/13/2024", "không có thật"),
    ("a date in words", "Ngày đăng ký", "giữa tháng ba", "không phải là ngày"),
    ("the 31st of February", "Ngày đăng ký", "31/02/2024", "không có thật"),
    ("a kind not in the list", "Loại", "Nhóm", "không có trong danh sách"),
    ("a field not in the catalogue", "Lĩnh vực", "Thể thao", "không có trong danh mục"),
    ("a name too long", "Tên mô hình", "M" * 501, "Quá dài (501 ký tự, tối đa 500)"),
    ("an address too long", "Địa chỉ thực hiện", "Thôn " * 80, "Quá dài"),
    ("a text longer than the forms take", "Nội dung, cách làm", "Vận động. " * 1001, "tối đa 10000"),
    ("an unknown unit", "Đơn vị", "Xã Không Có", "Không tìm thấy đơn vị"),
    ("a unit of another branch", "Đơn vị", "Thành ủy Bắc Kạn", "trong các đơn vị bạn được cập nhật"),
]


@pytest.mark.parametrize(("case", "header", "value", "message"), CELLS, ids=[case for case, *_rest in CELLS])
def test_a_bad_cell_is_named_by_row_and_column_and_nothing_is_saved(tree, case, header, value, message):
    before = Initiative.objects.count(), Registration.objects.count()
    batch = services.import_check(
        batch=services.import_create(user=tree.editor_a, name="tep.xlsx", content=with_cell(header, value))
    )
    assert batch.status == BatchStatus.CHECKED
    assert batch.counts == {"create": 1, "error": 1}, batch.rows.values_list("errors", flat=True)
    bad = batch.rows.get(action="error")
    assert bad.number == 3
    found = [(error["column"], error["message"]) for error in bad.errors]
    cell = f"{COLUMN[header]}3" if case == "a formula" else f"{COLUMN[header]} – "
    assert any(column.startswith(cell) and message in text for column, text in found), found
    assert not batch.can_confirm and not services.import_start(batch=batch)
    assert (Initiative.objects.count(), Registration.objects.count()) == before


def test_hidden_and_control_characters_are_taken_out_of_the_texts(tree):
    """Zero-width spaces, a right-to-left override or a byte-order mark never reach the registry."""
    from intake.tests.test_import import confirm

    row = [
        GOOD[0],
        "Mô\u200b hình\u202e sạch",
        *GOOD[2:10],
        "Thôn\ufeff 1",
        "Dòng một\r\nDòng hai\u2028ba",
    ]
    batch = services.import_check(
        batch=services.import_create(user=tree.editor_a, name="an.xlsx", content=make_xlsx([row], HEADERS))
    )
    assert batch.counts == {"create": 1}, batch.rows.values_list("errors", flat=True)
    assert confirm(batch).status == BatchStatus.DONE
    initiative = Initiative.objects.get(name="Mô hình sạch")
    assert initiative.address == "Thôn 1"
    assert initiative.content == "Dòng một\nDòng hai\nba"
