"""The yearly summary workbook (openpyxl), fed by the same query functions as the report page.

The whole workbook is written in openpyxl's write-only mode: rows go to temporary files as
they are produced, so a national list of hundreds of thousands of registrations keeps memory
bounded. Write-only sheets cannot ``merge_cells()``, but they do keep a ``merged_cells``
range list that is written at the end of the sheet, so the party header and the two-row
column headers are merged by adding their ranges there and writing the top-left cell (the
other cells of a range are written empty, with the border, so the frame prints whole).
Column widths, frozen panes and the print set-up are set before the first row, because a
write-only sheet writes them first.
"""

import math
import re
import tempfile
from copy import copy

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from . import queries, tables

FONT_NAME = "Times New Roman"
NUMBER = "#,##0"
SIGNED = "+#,##0;-#,##0;0"
DATE = "DD/MM/YYYY"
THIN = Side(style="thin")
LIST_FONT = Font(name=FONT_NAME, size=10)
MIDDLE = Alignment(vertical="center")
BODY_FONT = Font(name=FONT_NAME, size=11)
FRAME = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# Text that a spreadsheet could read as a formula or an error code when typed in again.
RISKY = re.compile(r"^[=+\-@\t\r]|^#")

STYLES = {
    "header": {"font": Font(name=FONT_NAME, size=12), "alignment": Alignment(horizontal="center")},
    "header_bold": {
        "font": Font(name=FONT_NAME, size=12, bold=True),
        "alignment": Alignment(horizontal="center"),
    },
    "party": {
        "font": Font(name=FONT_NAME, size=12, bold=True, underline="single"),
        "alignment": Alignment(horizontal="center"),
    },
    "place": {
        "font": Font(name=FONT_NAME, size=12, italic=True),
        "alignment": Alignment(horizontal="center"),
    },
    "title": {
        "font": Font(name=FONT_NAME, size=14, bold=True),
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
    },
    "subtitle": {
        "font": Font(name=FONT_NAME, size=12, italic=True),
        "alignment": Alignment(horizontal="center", wrap_text=True),
    },
    "th": {
        "font": Font(name=FONT_NAME, size=11, bold=True),
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "border": FRAME,
    },
    "th_number": {
        "font": Font(name=FONT_NAME, size=10, italic=True),
        "alignment": Alignment(horizontal="center"),
        "border": FRAME,
    },
    "td": {
        "font": Font(name=FONT_NAME, size=11),
        "alignment": Alignment(vertical="center", wrap_text=True),
        "border": FRAME,
    },
    "td_center": {
        "font": Font(name=FONT_NAME, size=11),
        "alignment": Alignment(horizontal="center", vertical="center"),
        "border": FRAME,
    },
    "td_number": {
        "font": Font(name=FONT_NAME, size=11),
        "number_format": NUMBER,
        "border": FRAME,
        "alignment": MIDDLE,
    },
    "td_signed": {
        "font": Font(name=FONT_NAME, size=11),
        "number_format": SIGNED,
        "border": FRAME,
        "alignment": MIDDLE,
    },
    "total": {
        "font": Font(name=FONT_NAME, size=11, bold=True),
        "alignment": Alignment(horizontal="center"),
        "border": FRAME,
    },
    "total_number": {
        "font": Font(name=FONT_NAME, size=11, bold=True),
        "number_format": NUMBER,
        "border": FRAME,
    },
    "total_signed": {
        "font": Font(name=FONT_NAME, size=11, bold=True),
        "number_format": SIGNED,
        "border": FRAME,
    },
    "td_bold": {
        "font": Font(name=FONT_NAME, size=11, bold=True),
        "alignment": Alignment(vertical="center", wrap_text=True),
        "border": FRAME,
    },
    "list": {"font": LIST_FONT, "alignment": Alignment(vertical="top", wrap_text=True), "border": FRAME},
    "list_center": {
        "font": LIST_FONT,
        "alignment": Alignment(horizontal="center", vertical="top"),
        "border": FRAME,
    },
    "list_date": {
        "font": LIST_FONT,
        "alignment": Alignment(horizontal="center", vertical="top"),
        "border": FRAME,
        "number_format": DATE,
    },
    "line": {"font": Font(name=FONT_NAME, size=12), "alignment": Alignment(wrap_text=True, vertical="top")},
    "sign": {"font": Font(name=FONT_NAME, size=12, bold=True), "alignment": Alignment(horizontal="center")},
    "sign_note": {
        "font": Font(name=FONT_NAME, size=11, italic=True),
        "alignment": Alignment(horizontal="center"),
    },
}


def style_of(ws, style):
    """Return the style (as openpyxl's array of indexes) named ``style``, registered once per workbook.

    Setting font, border and alignment on each cell makes openpyxl look each of them up in
    the workbook's lists again; copying a prepared array is what its own ``copy`` does and
    keeps a list of hundreds of thousands of rows fast.
    """
    prepared = ws.parent.__dict__.setdefault("_danvan_styles", {})
    if style not in prepared:
        prototype = WriteOnlyCell(ws)
        for name, attribute in STYLES[style].items():
            setattr(prototype, name, attribute)
        prepared[style] = prototype._style
    return prepared[style]


def cell(ws, value, style=None):
    """Return a write-only cell; text is always stored as text, never run as a formula."""
    c = WriteOnlyCell(ws, value=value)
    if style:
        c._style = copy(style_of(ws, style))
    if isinstance(value, str) and RISKY.match(value):
        c.data_type = "s"
        c.quotePrefix = True
    return c


def frame(ws, style, width):
    """Return the empty, framed cells that complete a merged range in a write-only sheet."""
    return [cell(ws, None, style) for _i in range(width)]


class Sheet:
    """A write-only sheet that counts its rows, so that merges can name the row just written."""

    def __init__(self, workbook, title, widths, *, title_rows=None, freeze=None):
        self.ws = workbook.create_sheet(title)
        self.row = 0
        self.widths = widths
        self.n_cols = len(widths)
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        if freeze:
            self.ws.freeze_panes = freeze
        if title_rows:
            self.ws.print_title_rows = title_rows
        # A4 landscape, fit to the page width, as many pages long as needed.
        setup = self.ws.page_setup
        setup.orientation, setup.paperSize = "landscape", Worksheet.PAPERSIZE_A4
        setup.fitToWidth, setup.fitToHeight = 1, 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.print_options.horizontalCentered = True
        margins = self.ws.page_margins
        margins.left = margins.right = 0.4
        margins.top = margins.bottom = 0.5

    def cell(self, value, style=None):
        return cell(self.ws, value, style)

    def append(self, values=(), height=None):
        self.row += 1
        if height:  # before the row: a write-only sheet writes a row's height with the row
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(list(values))
        return self.row

    def append_fitted(self, cells, line_height=13.5, chars_per_unit=1.15):
        """Append a row of cells, tall enough for its wrapped text.

        Neither Excel nor LibreOffice fits the rows of a generated file reliably on opening,
        so the height is estimated from the text length and the column width (a width unit
        holds about 1,15 characters of 10-point Times New Roman).
        """
        lines = 1
        for cell_, width in zip(cells, self.widths, strict=False):
            value = getattr(cell_, "value", cell_)
            if isinstance(value, str):
                lines = max(lines, math.ceil(len(value) / max((width - 1) * chars_per_unit, 1)))
        return self.append(cells, height=line_height * lines + 3 if lines > 1 else None)

    def merge(self, first_col, last_col, *, row=None, rows=1):
        row = row or self.row
        self.ws.merged_cells.add(
            CellRange(min_row=row, max_row=row + rows - 1, min_col=first_col, max_col=last_col)
        )

    def line(self, value, style, height=None):
        """Append one text merged across the whole width."""
        self.append([self.cell(value, style)], height)
        self.merge(1, self.n_cols)


def summary_workbook(user, root, period, today=None):
    """Return an open temporary file holding the summary workbook of ``root`` for ``period``."""
    today = today or timezone.localdate()
    units = queries.unit_table(user, root, period)
    fields = queries.field_table(user, root, period)
    header = queries.issuing_header(root)
    workbook = Workbook(write_only=True)
    summary_sheet(workbook, root, period, units, header, today)
    field_sheet(workbook, root, period, fields)
    list_sheet(workbook, root, period, queries.registration_rows(user, root, period))
    decision_sheet(workbook, root, period, queries.decision_rows(user, root, period))
    # Returned open: the response streams it and closes it, which deletes it.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output


def party_header(sheet, header, today, document_symbol):
    """Append the party document header (rows 1 to 4).

    Top left the superior body, the issuing unit, a star and the number; top right
    "ĐẢNG CỘNG SẢN VIỆT NAM" underlined and, on the number's row, the place-date line.
    """
    left = 3
    right = max(left + 2, sheet.n_cols - 7)
    lines = [
        (header["superior"].upper(), "header", "ĐẢNG CỘNG SẢN VIỆT NAM", "party"),
        (header["issuer"].upper(), "header_bold", None, None),
        ("*", "header", None, None),
        (
            f"Số: ......-BC/{document_symbol}",
            "header",
            f"{header['place']}, ngày ..... tháng ..... năm {today.year}",
            "place",
        ),
    ]
    for left_text, left_style, right_text, right_style in lines:
        values = [None] * sheet.n_cols
        values[0] = sheet.cell(left_text, left_style)
        if right_text:
            values[right] = sheet.cell(right_text, right_style)
        sheet.append(values, height=18)
        sheet.merge(1, left)
        if right_text:
            sheet.merge(right + 1, sheet.n_cols)


def group_headers(sheet, groups, first_cols):
    """Append the two merged header rows and the row numbering the columns (1), (2), ..."""
    top, bottom = [], []
    for label in first_cols:
        top.append(sheet.cell(str(label), "th"))
        bottom.append(sheet.cell(None, "th"))
    for group in groups:
        top.append(sheet.cell(str(group.label), "th"))
        if group.single:
            bottom.append(sheet.cell(None, "th"))
        else:
            top.extend(frame(sheet.ws, "th", len(group.columns) - 1))
            bottom.extend(sheet.cell(str(column.label), "th") for column in group.columns)
    first_row = sheet.append(top, height=32)
    sheet.append(bottom, height=48)
    col = 1
    for _label in first_cols:
        sheet.merge(col, col, row=first_row, rows=2)
        col += 1
    for group in groups:
        width = len(group.columns)
        if group.single:
            sheet.merge(col, col, row=first_row, rows=2)
        else:
            sheet.merge(col, col + width - 1, row=first_row)
        col += width
    sheet.append([sheet.cell(f"({index})", "th_number") for index in range(1, col)])
    return first_row


def number_style(column, total=False):
    prefix = "total" if total else "td"
    return f"{prefix}_signed" if column.key == tables.CHANGE else f"{prefix}_number"


def summary_sheet(workbook, root, period, units, header, today):
    """Sheet "Tổng hợp": header, one row per subordinate unit, the total, participation, signatures."""
    groups = tables.unit_groups(tables.levels_present(units["total"]["current"]))
    columns = tables.columns_of(groups)
    names = [unit_name(row["unit"]) for row in units["rows"]]
    name_width = min(max([len(name) for name in names] + [28]) * 1.1, 48)
    header_row = 9  # 4 header rows, a blank, the title, the subtitle, a blank
    sheet = Sheet(
        workbook,
        _("Tổng hợp"),
        [6, name_width] + [10] * len(columns),
        title_rows=f"{header_row}:{header_row + 2}",
        freeze=f"C{header_row + 3}",
    )
    party_header(sheet, header, today, root.short_name or "......")
    sheet.append()
    title = _("BÁO CÁO TỔNG HỢP MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” %(period)s") % {
        "period": period.label.upper()
    }
    sheet.line(title, "title", height=24)
    sheet.line(
        _("Đơn vị: %(unit)s. Số liệu trích xuất từ phần mềm ngày %(day)s.")
        % {"unit": root.name, "day": today.strftime("%d/%m/%Y")},
        "subtitle",
    )
    sheet.append()
    group_headers(sheet, groups, [_("STT"), _("Đơn vị")])
    for index, (row, name) in enumerate(zip(units["rows"], names, strict=True), start=1):
        sheet.append_fitted(
            line_height=15,
            chars_per_unit=1.05,
            cells=[sheet.cell(index, "td_center"), sheet.cell(name, "td")]
            + [sheet.cell(tables.value_of(row, c.key), number_style(c)) for c in columns],
        )
    sheet.append(
        [sheet.cell(_("Tổng cộng"), "total"), sheet.cell(None, "total")]
        + [sheet.cell(tables.value_of(units["total"], c.key), number_style(c, total=True)) for c in columns]
    )
    sheet.merge(1, 2)
    sheet.append()
    sheet.line(tables.participation_text(units, period), "line", height=34)
    sheet.append()
    left, right = 4, max(5, sheet.n_cols - 6)
    for left_text, right_text, style in [
        (_("NGƯỜI LẬP BIỂU"), _("THỦ TRƯỞNG ĐƠN VỊ"), "sign"),
        (_("(Ký, ghi rõ họ tên)"), _("(Ký tên, đóng dấu)"), "sign_note"),
    ]:
        values = [None] * sheet.n_cols
        values[0], values[right] = sheet.cell(left_text, style), sheet.cell(right_text, style)
        sheet.append(values)
        sheet.merge(1, left)
        sheet.merge(right + 1, sheet.n_cols)


def unit_name(unit):
    if unit["is_root"]:
        return _("%(name)s (đăng ký trực tiếp)") % {"name": unit["name"]}
    if unit["closed_in_period"]:
        return _("%(name)s (đến %(day)s)") % {
            "name": unit["name"],
            "day": unit["valid_to"].strftime("%d/%m/%Y"),
        }
    return unit["name"]


def field_sheet(workbook, root, period, fields):
    """Sheet "Theo lĩnh vực": standard fields with their local fields, by kind, status and recognition."""
    groups = tables.field_groups()
    columns = tables.columns_of(groups)
    sheet = Sheet(workbook, _("Theo lĩnh vực"), [6, 46] + [11] * len(columns), title_rows="4:6", freeze="C7")
    sheet.line(
        _("MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” THEO LĨNH VỰC %(period)s") % {"period": period.label.upper()},
        "title",
        height=24,
    )
    sheet.line(root.name, "subtitle")
    sheet.append()
    group_headers(sheet, groups, [_("STT"), _("Lĩnh vực")])
    for index, standard in enumerate(fields["standards"], start=1):
        sheet.append(
            [sheet.cell(roman(index), "total"), sheet.cell(str(standard["name"]), "td_bold")]
            + [sheet.cell(standard["counts"][c.key], "total_number") for c in columns]
        )
        for number, field in enumerate(standard["fields"], start=1):
            sheet.append_fitted(
                [sheet.cell(number, "td_center"), sheet.cell(field["name"], "td")]
                + [sheet.cell(field["counts"][c.key], "td_number") for c in columns],
                line_height=15,
                chars_per_unit=1.05,
            )
    sheet.append(
        [sheet.cell(_("Tổng cộng"), "total"), sheet.cell(None, "total")]
        + [sheet.cell(fields["total"][c.key], "total_number") for c in columns]
    )
    sheet.merge(1, 2)


def roman(number):
    return {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V"}.get(number, str(number))


LIST_COLUMNS = [
    (_("STT"), 6),
    (_("Đơn vị đăng ký"), 24),
    (_("Tên mô hình"), 40),
    (_("Loại"), 9),
    (_("Cá nhân (họ tên, chức vụ)"), 20),
    (_("Lĩnh vực"), 24),
    (_("Xếp loại"), 10),
    (_("Hình thức đăng ký"), 11),
    (_("Ngày đăng ký"), 11),
    (_("Kết quả đánh giá"), 11),
    (_("Công nhận cao nhất"), 11),
    (_("Quyết định công nhận"), 30),
    (_("Khen thưởng"), 26),
]


def list_header(sheet, title, root, labels):
    sheet.line(title, "title", height=24)
    sheet.line(root.name, "subtitle")
    sheet.append([sheet.cell(str(label), "th") for label in labels], height=32)


def list_sheet(workbook, root, period, rows):
    """Sheet "Danh sách": one row per registration, streamed.

    Every cell is framed and wraps, so that the list prints readably on A4 landscape; in
    write-only mode the style costs little next to writing the cell itself.
    """
    sheet = Sheet(
        workbook, _("Danh sách"), [width for _l, width in LIST_COLUMNS], title_rows="3:3", freeze="D4"
    )
    title = _("DANH SÁCH MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” %(period)s") % {"period": period.label.upper()}
    list_header(sheet, title, root, [label for label, _w in LIST_COLUMNS])
    c = sheet.cell
    for number, row in enumerate(rows, start=1):
        person = ", ".join(filter(None, [row["person_name"], row["person_position"]]))
        sheet.append_fitted(
            [
                c(number, "list_center"),
                c(row["unit"], "list"),
                c(row["initiative"], "list"),
                c(row["kind"], "list"),
                c(person or None, "list"),
                c(row["field"], "list"),
                c(row["grade"], "list"),
                c(row["status"], "list"),
                c(row["registered_on"], "list_date"),
                c(row["evaluation"], "list"),
                c(row["top_recognition"] or None, "list"),
                c("; ".join(row["recognitions"]) or None, "list"),
                c("; ".join(row["commendations"]) or None, "list"),
            ]
        )
    sheet.ws.auto_filter.ref = f"A3:{get_column_letter(sheet.n_cols)}{max(sheet.row, 4)}"


DECISION_COLUMNS = [
    (_("STT"), 6),
    (_("Loại quyết định"), 11),
    (_("Số, ký hiệu"), 15),
    (_("Ngày ký"), 11),
    (_("Cơ quan ban hành"), 26),
    (_("Cấp"), 11),
    (_("Hình thức khen thưởng"), 12),
    (_("Trích yếu"), 40),
    (_("Đơn vị"), 24),
    (_("Mô hình được công nhận, khen thưởng"), 40),
    (_("Loại"), 9),
]


def decision_sheet(workbook, root, period, rows):
    """Sheet "Công nhận, khen thưởng": the decisions covering the report's models, one row per model."""
    sheet = Sheet(
        workbook,
        _("Công nhận, khen thưởng"),
        [width for _l, width in DECISION_COLUMNS],
        title_rows="3:3",
        freeze="A4",
    )
    title = _("QUYẾT ĐỊNH CÔNG NHẬN, KHEN THƯỞNG MÔ HÌNH “DÂN VẬN KHÉO” %(period)s") % {
        "period": period.label.upper()
    }
    list_header(sheet, title, root, [label for label, _w in DECISION_COLUMNS])
    c = sheet.cell
    for number, row in enumerate(rows, start=1):
        sheet.append_fitted(
            [
                c(number, "list_center"),
                c(row["kind"], "list"),
                c(row["reference"], "list"),
                c(row["signed_on"], "list_date"),
                c(row["issuer"], "list"),
                c(row["level"], "list"),
                c(row["award_form"] or None, "list"),
                c(row["title"], "list"),
                c(row["unit"], "list"),
                c(row["initiative"], "list"),
                c(row["initiative_kind"], "list"),
            ]
        )
    sheet.ws.auto_filter.ref = f"A3:{get_column_letter(sheet.n_cols)}{max(sheet.row, 4)}"
