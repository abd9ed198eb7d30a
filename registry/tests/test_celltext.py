"""Text written into a spreadsheet stays text (``registry.celltext``), read back from the files.

``assert_formula_safe`` is what every test of a workbook the application writes uses: no cell
of any sheet holds a formula, and each text a spreadsheet would run as one is a string with
Excel's quote prefix, so that it stays text when someone edits the cell.
"""

import datetime
import io
import re
import zipfile

import pytest
import xlsxwriter
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from registry import celltext
from registry.models import Field, Unit
from registry.tests.factories import InitiativeFactory, RegistrationFactory

RISKY_TEXTS = [
    '=HYPERLINK("http://example.com","bấm vào đây")',
    "=1+2",
    "+84 912 345 678",
    "-2+3",
    "@SUM(A1:A9)",
    "\tcó tab",
    "\rcó CR",
    "#N/A",
]
FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


def assert_formula_safe(content, expected=()):
    """Assert that the xlsx ``content`` holds no formula, and its risky texts are quoted strings.

    ``expected``: texts that must appear in the file (so that the test cannot pass on an empty one).
    """
    archive = zipfile.ZipFile(io.BytesIO(content))
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            assert not FORMULA.search(archive.read(name)), f"a formula in {name}"
    found = set()
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and celltext.is_risky(cell.value):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                    found.add(cell.value)
    missing = {text.strip() for text in expected} - {text.strip() for text in found}
    assert not missing, f"not written as quoted text: {missing}"


@pytest.mark.parametrize("text", RISKY_TEXTS)
def test_risky_texts_are_recognised(text):
    assert celltext.is_risky(text)
    assert celltext.csv_text(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["Mô hình “=1”", "Thôn 3-4", "a@b.vn", "", None, 12, datetime.date(2024, 1, 1)]
)
def test_ordinary_values_are_left_as_they_are(value):
    assert not celltext.is_risky(value)
    assert celltext.csv_text(value) == value


def test_openpyxl_cells_keep_risky_text_as_quoted_strings():
    workbook = Workbook()
    sheet = workbook.active
    celltext.append(sheet, ["Tên", 12, None, datetime.date(2024, 3, 1)])
    for text in RISKY_TEXTS:
        celltext.append(sheet, [text, "bình thường"])
    write_only = Workbook(write_only=True)
    stream = write_only.create_sheet("Luồng")
    stream.append([celltext.set_text(WriteOnlyCell(stream), text) for text in RISKY_TEXTS])
    for book in (workbook, write_only):
        output = io.BytesIO()
        book.save(output)
        assert_formula_safe(output.getvalue(), RISKY_TEXTS)
    assert sheet["B1"].value == 12 and sheet["A2"].value == RISKY_TEXTS[0]


def test_xlsxwriter_formats_quote_risky_text_and_keep_their_style():
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, **celltext.WORKBOOK_OPTIONS})
    formats = celltext.Formats(workbook, {"bold": {"bold": True}})
    sheet = workbook.add_worksheet()
    for row, text in enumerate(RISKY_TEXTS):
        formats.write_text(sheet, row, 0, text, "bold")
        formats.write_text(sheet, row, 1, "bình thường")
    workbook.close()
    # xlsxwriter writes a carriage return as it is, which XML reads back as a line feed.
    assert_formula_safe(output.getvalue(), [text for text in RISKY_TEXTS if not text.startswith("\r")])
    sheet = load_workbook(io.BytesIO(output.getvalue())).active
    assert sheet["A1"].font.b and sheet["A1"].quotePrefix and not sheet["B1"].quotePrefix


@pytest.mark.django_db
def test_the_registration_lists_downloads_keep_user_text_as_text(tree, client_for):
    initiative = InitiativeFactory(
        unit=tree.cell,
        name=RISKY_TEXTS[0],
        address="+84 thôn Nà Phải",
        content="@ghi chú",
        field=Field.objects.create(name="=1+2 lĩnh vực", standard="economy"),
    )
    RegistrationFactory(initiative=initiative, year=2024, results="-5 hộ")
    Unit.objects.filter(pk=tree.cell.pk).update(name="=Chi bộ “lạ”")
    client = client_for(tree.editor_a)
    xlsx = client.get(reverse("registry:registration_export", args=["xlsx"]))
    assert_formula_safe(
        b"".join(xlsx.streaming_content),
        [RISKY_TEXTS[0], "+84 thôn Nà Phải", "@ghi chú", "=1+2 lĩnh vực", "-5 hộ", "=Chi bộ “lạ”"],
    )
    csv_text = b"".join(client.get(reverse("registry:registration_export", args=["csv"])).streaming_content)
    text = csv_text.decode("utf-8-sig")
    assert "'=Chi bộ “lạ”" in text and "'+84 thôn Nà Phải" in text and "'-5 hộ" in text
