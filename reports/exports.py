"""The yearly summary workbook (xlsxwriter), fed by the same query functions as the report page.

The workbook is written in xlsxwriter's constant-memory mode: each row goes to a temporary
file as soon as the next one starts, so a national list of hundreds of thousands of
registrations keeps memory flat, at xlsxwriter's own speed. Rows are therefore written
strictly in order, whole: the party header and the two-row column headers are merged by
writing the top-left cell and the framed empty cells of the range row by row, and recording
the range in the sheet's list of merges (what ``merge_range`` itself does after writing the
cells, which in this mode it cannot do across rows). Column widths, frozen panes and the
print set-up are sheet settings, written at the end.
"""

import math
import tempfile
from typing import NamedTuple

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import celltext

from . import quoted, selectors, tables
from .builder import describe

FONT_NAME = "Times New Roman"
NUMBER = "#,##0"
SIGNED = "+#,##0;-#,##0;0"
DATE = "DD/MM/YYYY"

_TEXT = {"font_name": FONT_NAME, "font_size": 12}
_CELL = {"font_name": FONT_NAME, "font_size": 11, "border": 1}
_LIST = {"font_name": FONT_NAME, "font_size": 10, "border": 1, "valign": "top"}
STYLES = {
    "header": {**_TEXT, "align": "center"},
    "header_bold": {**_TEXT, "bold": True, "align": "center"},
    "party": {**_TEXT, "bold": True, "underline": 1, "align": "center"},
    "place": {**_TEXT, "italic": True, "align": "center"},
    "title": {
        **_TEXT,
        "font_size": 14,
        "bold": True,
        "align": "center",
        "valign": "vcenter",
        "text_wrap": True,
    },
    "subtitle": {**_TEXT, "italic": True, "align": "center", "text_wrap": True},
    "th": {**_CELL, "bold": True, "align": "center", "valign": "vcenter", "text_wrap": True},
    "th_number": {**_CELL, "font_size": 10, "italic": True, "align": "center"},
    "td": {**_CELL, "valign": "vcenter", "text_wrap": True},
    "td_center": {**_CELL, "align": "center", "valign": "vcenter"},
    "td_number": {**_CELL, "num_format": NUMBER, "valign": "vcenter"},
    "td_signed": {**_CELL, "num_format": SIGNED, "valign": "vcenter"},
    "total": {**_CELL, "bold": True, "align": "center"},
    "total_number": {**_CELL, "bold": True, "num_format": NUMBER},
    "total_signed": {**_CELL, "bold": True, "num_format": SIGNED},
    "td_bold": {**_CELL, "bold": True, "valign": "vcenter", "text_wrap": True},
    "list": {**_LIST, "text_wrap": True},
    "list_center": {**_LIST, "align": "center"},
    "list_date": {**_LIST, "align": "center", "num_format": DATE},
    "line": {**_TEXT, "text_wrap": True, "valign": "top"},
    "sign": {**_TEXT, "bold": True, "align": "center"},
    "sign_note": {**_TEXT, "font_size": 11, "italic": True, "align": "center"},
}


class Cell(NamedTuple):
    value: object
    style: str | None = None


def frame(style, width):
    """Return the empty, framed cells that complete a merged range."""
    return [Cell(None, style) for _i in range(width)]


class Book:
    """An xlsxwriter workbook in constant-memory mode, with its formats made once each.

    Text stays text (``registry.celltext``): never converted, and quote-prefixed when a
    spreadsheet would read it as a formula.
    """

    def __init__(self, output):
        self.workbook = xlsxwriter.Workbook(output, {"constant_memory": True, **celltext.WORKBOOK_OPTIONS})
        self.formats = celltext.Formats(self.workbook, STYLES)

    def format(self, style, value=None):
        return self.formats.get(style, value)

    def close(self):
        self.workbook.close()


class Sheet:
    """A sheet written row after row, that counts its rows so that merges can name them."""

    def __init__(self, book, title, widths, *, title_rows=None, freeze=None):
        self.book = book
        self.ws = book.workbook.add_worksheet(title)
        self.row = 0  # rows written so far (the last one's 1-based number)
        self.widths = widths
        self.n_cols = len(widths)
        for index, width in enumerate(widths):
            self.ws.set_column(index, index, width)
        if freeze:
            self.ws.freeze_panes(freeze)
        if title_rows:
            first, last = title_rows.split(":")
            self.ws.repeat_rows(int(first) - 1, int(last) - 1)
        # A4 landscape, fit to the page width, as many pages long as needed.
        self.ws.set_landscape()
        self.ws.set_paper(9)
        self.ws.fit_to_pages(1, 0)
        self.ws.center_horizontally()
        self.ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)

    def cell(self, value, style=None):
        return Cell(value, style)

    def append(self, values=(), height=None):
        """Write the next row; text is always stored as text, never run as a formula."""
        row = self.row
        self.row += 1
        ws, book = self.ws, self.book
        if height:
            ws.set_row(row, height)
        for col, item in enumerate(values):
            if item is None:
                continue
            value, style = item
            if value is None or value == "":
                ws.write_blank(row, col, None, book.format(style))
            elif isinstance(value, str):
                ws.write_string(row, col, value, book.format(style, value))
            elif isinstance(value, bool):
                ws.write_boolean(row, col, value, book.format(style))
            elif isinstance(value, int | float):
                ws.write_number(row, col, value, book.format(style))
            else:  # a date
                ws.write_datetime(row, col, value, book.format(style))
        return self.row

    def append_fitted(self, cells, line_height=13.5, chars_per_unit=1.15):
        """Append a row of cells, tall enough for its wrapped text.

        Neither Excel nor LibreOffice fits the rows of a generated file reliably on opening,
        so the height is estimated from the text length and the column width (a width unit
        holds about 1,15 characters of 10-point Times New Roman).
        """
        lines = 1
        for cell_, width in zip(cells, self.widths, strict=False):
            value = cell_.value if cell_ is not None else None
            if isinstance(value, str):
                lines = max(lines, math.ceil(len(value) / max((width - 1) * chars_per_unit, 1)))
        return self.append(cells, height=line_height * lines + 3 if lines > 1 else None)

    def merge(self, first_col, last_col, *, row=None, rows=1):
        """Record a merged range (1-based, as the rows counted here); its cells are written already."""
        row = row or self.row
        self.ws.merge.append([row - 1, first_col - 1, row + rows - 2, last_col - 1])

    def line(self, value, style, height=None):
        """Append one text merged across the whole width."""
        self.append([self.cell(value, style)] + frame(style, self.n_cols - 1), height)
        self.merge(1, self.n_cols)

    def autofilter(self, first_row):
        """Filter the list below its header row (1-based)."""
        self.ws.autofilter(first_row - 1, 0, max(self.row, first_row + 1) - 1, self.n_cols - 1)


def summary_workbook(user, root, period, today=None, progress=None):
    """Return an open temporary file holding the summary workbook of ``root`` for ``period``.

    ``progress(rows)`` is called every ``PROGRESS_EVERY`` rows of the list, for a progress bar.
    """
    today = today or timezone.localdate()
    units = selectors.unit_table(user, root, period)
    fields = selectors.field_table(user, root, period)
    header = selectors.issuing_header(root)
    # Returned open: the caller reads it and closes it, which deletes it.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    workbook = Book(output)
    drafts = selectors.draft_count(user, root, period)
    summary_sheet(workbook, root, period, units, header, today, drafts)
    field_sheet(workbook, root, period, fields)
    summary = selectors.summary(user, root, period)
    found = quoted.sections(summary, selectors.awards(user, root, period), selectors.fields_apart(fields))
    quoted_sheet(workbook, root, period, found)
    list_sheet(workbook, root, period, selectors.registration_rows(user, root, period), progress)
    decision_sheet(workbook, root, period, selectors.decision_rows(user, root, period))
    workbook.close()
    output.seek(0)
    return output


PROGRESS_EVERY = 2000


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
            top.extend(frame("th", len(group.columns) - 1))
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


def summary_sheet(workbook, root, period, units, header, today, drafts=0):
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
        _("Đơn vị: %(unit)s. Số liệu %(structure)s, trích xuất từ phần mềm ngày %(day)s.")
        % {"unit": root.name, "structure": period.structure_label.lower(), "day": today.strftime("%d/%m/%Y")},
        "subtitle",
    )
    sheet.append()
    unit_rows(sheet, groups, columns, units, names)
    sheet.append()
    sheet.line(tables.participation_text(units, period), "line", height=34)
    sheet.line(tables.review_text(units["total"]["current"], drafts, period.drafts), "line", height=20)
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


def unit_rows(sheet, groups, columns, table, names):
    """Append a table by unit: its two header rows, a numbered row per unit (``names``), the total."""
    group_headers(sheet, groups, [_("STT"), _("Đơn vị")])
    for index, (row, name) in enumerate(zip(table["rows"], names, strict=True), start=1):
        sheet.append_fitted(
            line_height=15,
            chars_per_unit=1.05,
            cells=[sheet.cell(index, "td_center"), sheet.cell(name, "td")]
            + [sheet.cell(tables.value_of(row, c.key), number_style(c)) for c in columns],
        )
    sheet.append(
        [sheet.cell(_("Tổng cộng"), "total"), sheet.cell(None, "total")]
        + [sheet.cell(tables.value_of(table["total"], c.key), number_style(c, total=True)) for c in columns]
    )
    sheet.merge(1, 2)


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


UNIT_TEXT = {
    quoted.MODELS: _("mô hình"),
    quoted.PEOPLE: _("người"),
    quoted.MONEY: _("đồng"),
    quoted.WORKDAYS: _("ngày công"),
}


def quoted_sheet(workbook, root, period, sections):
    """Sheet "Số liệu trích dẫn": the figures reports quote, as on the report page (``reports.quoted``).

    A line's parts ("trong đó ...") follow it, indented; every figure is a number.
    """
    sheet = Sheet(workbook, _("Số liệu trích dẫn"), [6, 62, 16, 12], title_rows="4:4", freeze="A5")
    sheet.line(
        _("SỐ LIỆU TRÍCH DẪN VỀ MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” %(period)s")
        % {"period": period.label.upper()},
        "title",
        height=24,
    )
    sheet.line(root.name, "subtitle")
    sheet.append()
    sheet.append(
        [sheet.cell(_("STT"), "th"), sheet.cell(_("Chỉ tiêu"), "th"), sheet.cell(_("Số liệu"), "th"),
         sheet.cell(_("Đơn vị tính"), "th")]
    )  # fmt: skip
    for index, section in enumerate(sections, start=1):
        sheet.append(
            [sheet.cell(roman(index), "total"), sheet.cell(str(section.title), "td_bold"),
             sheet.cell(None, "total"), sheet.cell(None, "total")]
        )  # fmt: skip
        for number, line in enumerate(section.lines, start=1):
            unit = str(UNIT_TEXT[line.unit])
            sheet.append(
                [sheet.cell(number, "td_center"), sheet.cell(str(line.label), "td"),
                 sheet.cell(line.value, "td_number"), sheet.cell(unit, "td_center")]
            )  # fmt: skip
            for part in line.parts:
                label = _("   trong đó: %(part)s") % {"part": str(part.label).lower()}
                sheet.append(
                    [sheet.cell(None, "td_center"), sheet.cell(label, "td"),
                     sheet.cell(part.value, "td_number"), sheet.cell(unit, "td_center")]
                )  # fmt: skip


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
    (_("Trạng thái xét duyệt"), 11),
    (_("Công nhận cao nhất"), 11),
    (_("Quyết định công nhận"), 30),
    (_("Khen thưởng"), 26),
]


def list_header(sheet, title, root, labels):
    sheet.line(title, "title", height=24)
    sheet.line(root.name, "subtitle")
    sheet.append([sheet.cell(str(label), "th") for label in labels], height=32)


def list_sheet(workbook, root, period, rows, progress=None):
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
        if progress and number % PROGRESS_EVERY == 0:
            progress(number)
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
                c(row["review_state"], "list"),
                c(row["top_recognition"] or None, "list"),
                c("; ".join(row["recognitions"]) or None, "list"),
                c("; ".join(row["commendations"]) or None, "list"),
            ]
        )
    sheet.autofilter(3)


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
    sheet.autofilter(3)


def builder_workbook(table, root, period, today=None):
    """Return an open temporary file holding the built ``table`` (``builder.build``), as the page shows it.

    The subtotal rows ("Cộng") are in bold and unnumbered.
    """
    today = today or timezone.localdate()
    output = tempfile.TemporaryFile()  # noqa: SIM115  (returned open: the caller reads and closes it)
    book = Book(output)
    n_rows = len(table["row_dimensions"])
    with_total = table["column_dimension"] is not None
    widths = [6] + [32] * n_rows + [12] * len(table["columns"]) + ([12] if with_total else [])
    sheet = Sheet(book, _("Bảng tùy chọn"), widths, title_rows="5:5", freeze=f"{chr(ord('B') + n_rows)}6")
    sheet.line(describe(table).upper(), "title", height=36)
    sheet.line(
        _("Đơn vị: %(unit)s – %(period)s. Số liệu %(structure)s, trích xuất từ phần mềm ngày %(day)s.")
        % {
            "unit": root.name,
            "period": period.label,
            "structure": period.structure_label.lower(),
            "day": today.strftime("%d/%m/%Y"),
        },
        "subtitle",
        height=32,
    )
    sheet.line(" ".join(table["notes"]), "subtitle")
    sheet.append()
    sheet.append(
        [sheet.cell(_("STT"), "th")]
        + [sheet.cell(str(d.label), "th") for d in table["row_dimensions"]]
        + [sheet.cell(str(column["label"]), "th") for column in table["columns"]]
        + ([sheet.cell(_("Tổng cộng"), "th")] if with_total else []),
        height=32,
    )
    number = 0
    for row in table["rows"]:
        subtotal = row.get("subtotal", False)
        number += not subtotal
        text, figure = ("td_bold", "total_number") if subtotal else ("td", "td_number")
        sheet.append_fitted(
            [sheet.cell(None if subtotal else number, "td_center")]
            + [sheet.cell(label, text) for label in row["labels"]]
            + [sheet.cell(cell["value"], figure) for cell in row["cells"]]
            + ([sheet.cell(row["total"]["value"], "total_number")] if with_total else [])
        )
    sheet.append(
        [sheet.cell(_("Tổng cộng"), "total")]
        + frame("total", n_rows)
        + [sheet.cell(column["total"]["value"], "total_number") for column in table["columns"]]
        + ([sheet.cell(table["total"]["value"], "total_number")] if with_total else [])
    )
    sheet.merge(1, 1 + n_rows)
    book.close()
    output.seek(0)
    return output
