import io

from openpyxl import Workbook, load_workbook

from registry.exports import SHEET_NAME
from registry.tests.conftest import closed_commune, tree  # noqa: F401 - the registry's fixtures, here too


def make_xlsx(rows, headers=None, sheet=SHEET_NAME, before=None):
    """Return the bytes of an xlsx whose data sheet holds ``headers`` and ``rows``."""
    workbook = Workbook()
    data = workbook.active
    data.title = sheet
    for line in before or []:
        data.append(line)
    if headers is not None:
        data.append(headers)
    for row in rows:
        data.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


HEADERS = [
    "Mã đơn vị",
    "Đơn vị",
    "Tên mô hình",
    "Loại",
    "Họ và tên cá nhân",
    "Lĩnh vực",
    "Năm",
    "Ngày đăng ký",
]


def fill_template(template, rows):
    """Return the bytes of the import template (bytes or a path) with ``rows`` written from row 3."""
    workbook = load_workbook(io.BytesIO(template) if isinstance(template, bytes) else template)
    sheet = workbook[SHEET_NAME]
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            if value != "":
                sheet.cell(row=3 + offset, column=column, value=value)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
