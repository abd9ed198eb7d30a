"""Reading an uploaded xlsx safely: refuse bad files before parsing, then stream the rows.

The order matters. The container is checked first from its bytes and the zip's directory
(signature, encryption, declared sizes and compression ratios), so a decompression bomb is
refused before a single member is inflated. Then the data sheet's XML is scanned with a
streaming parser for formula cells (``<f>``), and only then does python-calamine (Rust, fast)
read the values, yielding one row at a time.
"""

import datetime
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from registry import rules
from registry.exports import SHEET_NAME
from registry.formats import GROUPED
from registry.text import clean_text, fold

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
# An encrypted xlsx is an OLE container holding an "EncryptionInfo" stream (name in UTF-16).
ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
HEADER_SEARCH_ROWS = 15
MAX_LISTED = 20


def max_bytes():
    return getattr(settings, "INTAKE_MAX_BYTES", 20 * 1024 * 1024)


def max_uncompressed():
    return getattr(settings, "INTAKE_MAX_UNCOMPRESSED_BYTES", 300 * 1024 * 1024)


# Spreadsheet XML compresses well, about 10 to 30 times; a bomb compresses thousands of times.
MAX_RATIO = 200
MAX_MEMBERS = 2000


class FileRejected(Exception):
    """The file cannot be read at all; ``str(error)`` says why, in Vietnamese, and what to do."""


def cell_name(row, col):
    """Return the Excel name of a cell from 1-based row and column numbers: (5, 3) → C5."""
    return f"{get_column_letter(col)}{row}"


def mb(size):
    return f"{size / 1048576:.1f}".replace(".", ",")


def check_container(content):
    """Refuse what is not a readable xlsx, from the bytes and the zip directory only.

    Return the open ``ZipFile``.
    """
    limit = max_bytes()
    if not content:
        raise FileRejected(_("Tệp rỗng (0 byte). Hãy chọn lại tệp Excel đã lưu."))
    if len(content) > limit:
        raise FileRejected(
            _("Tệp nặng %(size)s MB, vượt giới hạn %(limit)s MB. Hãy chia danh sách thành nhiều tệp.")
            % {"size": mb(len(content)), "limit": limit // 1048576}
        )
    if content.startswith(OLE_SIGNATURE):
        if ENCRYPTION_MARK in content:
            raise FileRejected(
                _(
                    "Tệp Excel đang được đặt mật khẩu nên không đọc được. Hãy mở tệp, bỏ mật khẩu "
                    "(Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, để trống) rồi tải lên lại."
                )
            )
        raise FileRejected(
            _(
                "Đây là tệp Excel đời cũ (.xls). Hãy mở tệp và lưu lại dưới dạng “Sổ làm việc Excel (.xlsx)” "
                "rồi tải lên lại."
            )
        )
    if not content.startswith(ZIP_SIGNATURE):
        raise FileRejected(
            _("Tệp không phải là tệp Excel .xlsx. Hãy dùng tệp mẫu tải về từ trang này và lưu dạng .xlsx.")
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise FileRejected(
            _("Tệp .xlsx bị hỏng, không mở được. Hãy mở lại bằng Excel, lưu lại rồi tải lên.")
        ) from error
    if len(members) > MAX_MEMBERS:
        raise FileRejected(_("Tệp có cấu trúc bất thường (quá nhiều thành phần), không đọc được."))
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            raise FileRejected(
                _(
                    "Tệp bị từ chối: một thành phần nén tới %(ratio)s lần, dấu hiệu của tệp “bom nén”. "
                    "Hãy mở bằng Excel, lưu lại rồi tải lên."
                )
                % {"ratio": int(ratio)}
            )
    if total > max_uncompressed():
        raise FileRejected(
            _(
                "Tệp bị từ chối: khi giải nén sẽ chiếm %(size)s MB, vượt giới hạn %(limit)s MB. "
                "Hãy chia danh sách thành nhiều tệp."
            )
            % {"size": mb(total), "limit": max_uncompressed() // 1048576}
        )
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise FileRejected(
            _("Tệp không phải sổ làm việc Excel (có thể là tệp Word hoặc tệp nén khác). Hãy dùng tệp .xlsx.")
        )
    return archive


def sheet_paths(archive):
    """Return {sheet name: path of its XML inside the zip}, in the workbook's order."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError) as error:
        raise FileRejected(_("Tệp .xlsx bị hỏng (không đọc được danh sách trang tính).")) from error
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{PKG_REL_NS}Relationship")}
    paths = {}
    for sheet in workbook.iter(f"{MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{REL_NS}id"), "")
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join("xl", target))
        paths[sheet.get("name")] = path
    return paths


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


def _has_formula_tag(archive, path, chunk_size=1 << 20):
    """Tell whether the sheet's XML has any formula element, by a byte search.

    Nearly every upload has none, and searching bytes is some twenty times faster than
    parsing the XML; only a sheet with formulas is parsed to name their cells.
    """
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(chunk_size):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def formula_cells(archive, path, limit=MAX_LISTED):
    """Return the names of the cells of a sheet that hold a formula (streaming; at most ``limit``).

    Return (names, total count).
    """
    found, total = [], 0
    current = None
    try:
        if not _has_formula_tag(archive, path):
            return found, total
        with archive.open(path) as stream:
            parent = None
            for event, element in ElementTree.iterparse(stream, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    if tag == f"{MAIN_NS}sheetData":
                        parent = element
                    elif tag == f"{MAIN_NS}c":
                        current = element.get("r")
                    continue
                if tag == f"{MAIN_NS}f":
                    total += 1
                    if len(found) < limit and current:
                        found.append(current)
                elif tag == f"{MAIN_NS}row" and parent is not None:
                    # Finished rows are dropped, so memory stays flat whatever the sheet's length.
                    parent.clear()
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError, EOFError) as error:
        raise FileRejected(_("Tệp .xlsx bị hỏng (nội dung trang tính không hợp lệ).")) from error
    return found, total


@dataclass
class Sheet:
    """The data sheet of an upload: where its header is and how to read its rows."""

    name: str
    header_row: int  # 1-based Excel row number
    first_col: int  # 1-based Excel column number of the first cell calamine returns
    headers: list
    rows: object  # iterator of (Excel row number, list of values)
    total_rows: int
    merged: list = field(default_factory=list)


def open_sheet(content, looks_like_header, *, sheet_name=SHEET_NAME, no_header=None):
    """Check the file and return its data ``Sheet``; raise ``FileRejected`` when it cannot be read.

    The data sheet is the one named like the template's (``sheet_name``, “Danh sách mô hình” for
    the models), otherwise the first sheet with a header row in its first rows.
    ``looks_like_header`` receives the values of a row and says whether it is the header row;
    ``no_header`` is the message when no sheet has one.
    """
    archive = check_container(content)
    paths = sheet_paths(archive)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except (CalamineError, ValueError, OSError) as error:
        raise FileRejected(
            _("Tệp .xlsx bị hỏng, không mở được. Hãy mở bằng Excel, lưu lại rồi tải lên.")
        ) from error
    names = list(workbook.sheet_names)
    names.sort(key=lambda name: fold(name) != fold(sheet_name))
    for name in names:
        try:
            sheet = workbook.get_sheet_by_name(name)
        except (CalamineError, ValueError) as error:
            raise FileRejected(
                _("Trang tính “%(name)s” bị hỏng, không đọc được.") % {"name": name}
            ) from error
        if sheet.start is None:
            continue
        rows = sheet.iter_rows()
        for index, values in enumerate(rows):
            if index >= HEADER_SEARCH_ROWS:
                break
            if looks_like_header(values):
                header_row = index + 1
                formulas, formula_total = formula_cells(archive, paths.get(name, ""))
                return Sheet(
                    name=name,
                    header_row=header_row,
                    first_col=sheet.start[1] + 1,
                    headers=values,
                    rows=((number, row) for number, row in enumerate(rows, start=header_row + 1)),
                    total_rows=max(sheet.end[0] + 1 - header_row, 0),
                    merged=[
                        (r1 + 1, c1 + 1, r2 + 1, c2 + 1)
                        for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []
                        if r2 + 1 >= header_row
                    ],
                ), (formulas, formula_total)
    if all(workbook.get_sheet_by_name(name).start is None for name in names):
        raise FileRejected(_("Tệp không có dữ liệu: các trang tính đều trống."))
    raise FileRejected(
        no_header
        or _(
            "Không tìm thấy dòng tiêu đề (có cột “Tên mô hình” và “Năm”) trong %(rows)s dòng đầu của "
            "trang tính. Hãy dùng tệp mẫu tải về từ trang này."
        )
        % {"rows": HEADER_SEARCH_ROWS}
    )


# Cell values -----------------------------------------------------------------------------

DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")
# Excel counts days from 30/12/1899.
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def serial_range():
    """Return the Excel serials of the dates the registry accepts (``rules.check_date``)."""
    return (rules.FIRST_DAY - EXCEL_EPOCH).days, (rules.last_day() - EXCEL_EPOCH).days


class CellError(ValueError):
    """A cell's value cannot be used; the message says how to write it."""


def text(value):
    """Return a cell as clean text: numbers without a trailing .0, spaces trimmed, no hidden characters."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.timedelta | datetime.time):
        return str(value)
    # Invisible, bidirectional-control and control characters go, as on the forms
    # (``registry.text.clean_text``): a name looks as it is stored and is found by search.
    value = clean_text(str(value).replace("\u00a0", " "), multiline=True).strip()
    # A one-line value loses doubled spaces; a multi-line text (content, results) keeps its lines.
    return value if "\n" in value else " ".join(value.split())


def parse_date(value):
    """Read a date cell, or a date written as text dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        first, last = serial_range()
        if value.is_integer() and first <= value <= last:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(_("“%(value)s” không phải là ngày. Hãy ghi ngày dạng dd/mm/yyyy, ví dụ 15/03/2024."))
    raw = text(value)
    match = DATE_TEXT.match(raw)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        match = ISO_DATE.match(raw)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
    except ValueError as error:
        raise CellError(
            _("Ngày “%(value)s” không có thật (ngày hoặc tháng sai). Hãy ghi dạng dd/mm/yyyy.")
        ) from error
    raise CellError(_("“%(value)s” không phải là ngày. Hãy ghi ngày dạng dd/mm/yyyy, ví dụ 15/03/2024."))


def parse_int(value):
    """Read a whole number: a number cell, or text such as 1759, 1.759 or 1,759 (thousands)."""
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” không phải là số."))
    if isinstance(value, int | float):
        if float(value).is_integer():
            number = int(value)
        else:
            raise CellError(
                _(
                    "“%(value)s” có phần thập phân. Cột này chỉ nhận số nguyên; nếu là số có dấu chấm "
                    "ngăn cách hàng nghìn, hãy ghi liền, ví dụ 1759."
                )
            )
    else:
        raw = text(value).replace(" ", "")
        if raw.isdigit():
            number = int(raw)
        elif GROUPED.match(raw):
            number = int(raw.replace(".", "").replace(",", ""))
        elif raw.startswith("-"):
            raise CellError(_("Số không được âm (“%(value)s”)."))
        else:
            raise CellError(
                _(
                    "“%(value)s” không phải là số nguyên. Hãy ghi chữ số, "
                    "ví dụ 1759 hoặc 1.759 (không ghi chữ)."
                )
            )
    if number < 0:
        raise CellError(_("Số không được âm (“%(value)s”)."))
    return number
