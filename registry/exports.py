"""The registration list as a spreadsheet: the columns, and the xlsx and csv downloads.

The columns are the file format shared by the list's export and the Excel intake (the
template, the import and the export all use ``COLUMNS``), so an exported list can be
uploaded again unchanged. Headers are written in Vietnamese whatever the interface language:
they are a file format that lower units fill in, not interface text.

Both downloads stream: the csv goes out row by row through a ``StreamingHttpResponse``; the
xlsx is written by xlsxwriter in constant-memory mode to a temporary file, then sent. Text that
a spreadsheet would run as a formula stays text (``registry.celltext``): a quote-prefixed string
in the xlsx, after an apostrophe in the csv.
"""

import csv
import datetime
import tempfile
from dataclasses import dataclass

from django.http import FileResponse, StreamingHttpResponse

from . import celltext
from .choices import Evaluation, Grade, Kind, Level, RegistrationStatus

SHEET_NAME = "Danh sách mô hình"
FLAG_YES, FLAG_NO = "Có", "Không"


@dataclass(frozen=True)
class Column:
    """One column of the registration spreadsheet.

    ``kind`` says how a cell is read and written: text, int, year, date, choice (a closed list
    given by ``choices``), flag (“Có” or empty), field (the catalogue of fields), unit_code or
    unit_name.
    ``target`` is the record the value belongs to: the initiative or its registration.
    """

    key: str
    header: str
    kind: str = "text"
    target: str = "initiative"
    aliases: tuple = ()
    choices: type | None = None
    width: int = 24
    note: str = ""


COLUMNS = [
    Column("unit_code", "Mã đơn vị", "unit_code", "key", ("Mã ĐV", "Mã"), width=12),
    Column(
        "unit",
        "Đơn vị",
        "unit_name",
        "key",
        ("Tên đơn vị", "Đơn vị đăng ký", "Đơn vị thực hiện", "Đơn vị đăng ký thực hiện"),
        width=32,
        note="Ghi mã hoặc tên đơn vị (xem trang Đơn vị).",
    ),
    Column(
        "name",
        "Tên mô hình",
        "text",
        "key",
        ("Tên mô hình, điển hình", "Mô hình", "Tên mô hình điển hình", "Tên mô hình Dân vận khéo"),
        width=48,
    ),
    Column("kind", "Loại", "choice", aliases=("Loại mô hình", "Tập thể/Cá nhân"), choices=Kind, width=12),
    Column("person_name", "Họ và tên cá nhân", aliases=("Họ và tên", "Họ tên", "Họ tên cá nhân")),
    Column("person_position", "Chức vụ", aliases=("Chức vụ cá nhân",)),
    Column("field", "Lĩnh vực", "field", width=30),
    Column("grade", "Xếp loại", "choice", aliases=("Mô hình/Điển hình",), choices=Grade, width=14),
    Column("year", "Năm", "year", "registration", ("Năm đăng ký",), width=8),
    Column("registered_on", "Ngày đăng ký", "date", "registration", width=14),
    Column(
        "status",
        "Hình thức đăng ký",
        "choice",
        "registration",
        ("Hình thức", "Đăng ký mới/Duy trì", "Mới/Duy trì"),
        RegistrationStatus,
        width=18,
    ),
    Column(
        "entered_late",
        "Nhập bổ sung hồ sơ cũ",
        "flag",
        "registration",
        ("Nhập bổ sung", "Hồ sơ cũ nhập bổ sung"),
        width=14,
        note="Ghi “Có” khi năm liền trước chưa được nhập mà vẫn ghi “Duy trì”.",
    ),
    Column("level", "Cấp đăng ký", "choice", "registration", ("Cấp",), Level, width=18),
    Column("start_date", "Ngày bắt đầu thực hiện", "date", width=14),
    Column("address", "Địa chỉ thực hiện", aliases=("Địa chỉ", "Địa bàn thực hiện")),
    Column("situation", "Sự cần thiết, lý do xây dựng", aliases=("Sự cần thiết", "Lý do xây dựng")),
    Column("objectives", "Mục tiêu, tiêu chí", aliases=("Mục tiêu",)),
    Column("content", "Nội dung, cách làm", aliases=("Nội dung", "Cách làm", "Nội dung, cách thức")),
    Column("scope", "Địa bàn, đối tượng", aliases=("Đối tượng",)),
    Column("forces", "Lực lượng thực hiện", aliases=("Lực lượng",)),
    Column("resources", "Nguồn lực, thời gian thực hiện", aliases=("Nguồn lực",)),
    Column("outputs", "Sản phẩm, kết quả kiểm chứng", aliases=("Sản phẩm",)),
    Column("sustainability", "Khả năng duy trì, nhân rộng", aliases=("Khả năng nhân rộng",)),
    Column(
        "evaluation",
        "Kết quả đánh giá",
        "choice",
        "registration",
        ("Đánh giá",),
        Evaluation,
        width=16,
    ),
    Column("evaluated_on", "Ngày đánh giá", "date", "registration", width=14),
    Column("evaluation_note", "Nhận xét đánh giá", target="registration", aliases=("Nhận xét",)),
    Column("results", "Kết quả thực hiện", target="registration"),
    Column(
        "people_reached",
        "Số người tham gia, hưởng lợi",
        "int",
        "registration",
        ("Số người tham gia", "Số người hưởng lợi"),
        width=14,
    ),
    Column(
        "money_mobilised",
        "Kinh phí huy động (đồng)",
        "int",
        "registration",
        ("Kinh phí", "Kinh phí huy động"),
        width=16,
    ),
    Column("workdays", "Ngày công", "int", "registration", ("Số ngày công",), width=12),
]

# Columns the export adds for reading; the import recognises them and leaves them out.
INFO_COLUMNS = [
    Column("recognised", "Đã công nhận", target="info", width=12),
    Column("commended", "Đã khen thưởng", target="info", width=12),
]

COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}


def cell_value(registration, column):
    """Return the value of ``column`` for a registration (initiative, field and unit selected)."""
    initiative = registration.initiative
    key = column.key
    if key == "unit_code":
        return registration.unit.code
    if key == "unit":
        return registration.unit.name
    if key == "field":
        return initiative.field.name
    if key == "recognised":
        return FLAG_YES if registration.recognition_rank is not None else ""
    if key == "commended":
        return FLAG_YES if registration.is_commended else ""
    source = initiative if column.target in ("initiative", "key") else registration
    value = getattr(source, key)
    if column.kind == "choice":
        return str(column.choices(value).label) if value else ""
    if column.kind == "flag":
        return FLAG_YES if value else ""
    return value


def rows(registrations, columns):
    """Yield one list of values per registration, in the queryset's order."""
    for registration in registrations.iterator(chunk_size=2000):
        yield [cell_value(registration, column) for column in columns]


class _Echo:
    def write(self, value):
        return value


def csv_response(registrations, filename, columns=None):
    """Stream the registrations as csv (UTF-8 with a byte-order mark, so Excel reads the accents)."""
    columns = columns or [*COLUMNS, *INFO_COLUMNS]
    writer = csv.writer(_Echo())

    def format_value(value):
        if value is None:
            return ""
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        if isinstance(value, str):
            return celltext.csv_text(value)
        return value

    def generate():
        yield "\ufeff" + writer.writerow([column.header for column in columns])
        for values in rows(registrations, columns):
            yield writer.writerow([format_value(value) for value in values])

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


XLSX_STYLES = {
    "header": {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#F2F2F2"},
    "date": {"num_format": "dd/mm/yyyy"},
    "plain_number": {"num_format": "0"},
    "number": {"num_format": "#,##0"},
}


def write_xlsx(registrations, output, columns=None):
    """Write the registrations to ``output`` as an xlsx, with memory flat whatever the count."""
    import xlsxwriter

    columns = columns or [*COLUMNS, *INFO_COLUMNS]
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, **celltext.WORKBOOK_OPTIONS})
    formats = celltext.Formats(workbook, XLSX_STYLES)
    date, plain_number, number = formats.get("date"), formats.get("plain_number"), formats.get("number")
    sheet = workbook.add_worksheet(SHEET_NAME)
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
    sheet.freeze_panes(1, 0)
    for index, column in enumerate(columns):
        formats.write_text(sheet, 0, index, column.header, "header")
    row_number = 0
    for row_number, values in enumerate(rows(registrations, columns), start=1):
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, datetime.date):
                sheet.write_datetime(row_number, index, value, date)
            elif isinstance(value, int):
                style = plain_number if columns[index].kind == "year" else number
                sheet.write_number(row_number, index, value, style)
            else:
                formats.write_text(sheet, row_number, index, str(value))
    if row_number:
        sheet.autofilter(0, 0, row_number, len(columns) - 1)
    workbook.close()


def xlsx_response(registrations, filename, columns=None):
    """Send the registrations as an xlsx built in a temporary file."""
    # FileResponse closes the file when the download ends, so no context manager here.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    write_xlsx(registrations, output, columns)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
