"""New units from a spreadsheet: the template, the check of every row, and the import.

One row per new unit: its name, type, parent (an existing unit, by code or name, or a unit of an
earlier row of the same sheet), code, opening day, a note. The check resolves every parent with
``intake.units.UnitMatcher`` among the units the uploader administers, and applies the rules a
unit added from its form meets (``registry.rules.check_unit_place``, the code's uniqueness, the
dates' range); each refusal names its row and column. The import then creates the units in the
sheet's order through ``registry.services.unit_create``, as the form does (history, tree, the
uploader's scope checked again), all in one transaction: a row refused at that point (the
registry changed since the check) leaves nothing written.
"""

import datetime
import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from intake.template import template_sheets
from registry import celltext, rules
from registry import services as registry_services
from registry.choices import UnitType
from registry.formats import day, grouped
from registry.models import Unit
from registry.querysets import MANAGE
from registry.scope import scope_of
from registry.text import fold

from . import reader
from .checks import header_key
from .models import BatchStatus, ImportBatch, ImportRow, RowAction
from .units import UnitMatcher, exact_key, name_key

SHEET = "Danh sách đơn vị"
GUIDE_SHEET = "Hướng dẫn"
UNITS_SHEET = "Đơn vị"
LISTS_SHEET = "Danh mục"
MAX_ROWS = 3000
DATA_ROWS = 1000
# The history keeps a change's reason in 100 characters.
NOTE_MAX = 100


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    aliases: tuple = ()


COLUMNS = [
    Column("name", "Tên đơn vị", 44, ("don vi", "ten")),
    Column("unit_type", "Loại đơn vị", 34, ("loai",)),
    Column("parent", "Đơn vị cấp trên (mã hoặc tên)", 44, ("don vi cap tren", "truc thuoc", "cap tren")),
    Column("code", "Mã đơn vị", 16, ("ma",)),
    Column("short_name", "Tên viết tắt", 18),
    Column("valid_from", "Hoạt động từ ngày", 16, ("tu ngay", "ngay thanh lap")),
    Column("note", "Ghi chú", 40),
]
BY_KEY = {column.key: column for column in COLUMNS}
HEADERS = {}
for _column in COLUMNS:
    for _header in (_column.header, *_column.aliases):
        HEADERS.setdefault(header_key(_header), _column.key)
REQUIRED = ("name", "unit_type", "parent")
LENGTHS = {"name": 255, "short_name": 100, "code": 40, "note": NOTE_MAX}

# The types as people write them, besides the template's labels.
TYPE_ALIASES = {
    "tinh uy": UnitType.PROVINCE,
    "thanh uy": UnitType.DISTRICT,
    "huyen uy": UnitType.DISTRICT,
    "dang uy xa": UnitType.COMMUNE,
    "dang uy phuong": UnitType.COMMUNE,
    "xa": UnitType.COMMUNE,
    "phuong": UnitType.COMMUNE,
    "dang bo co so": UnitType.GRASSROOTS,
    "chi bo": UnitType.CELL,
    "chi bo co so": UnitType.CELL,
    "mttq": UnitType.FRONT,
    "doan the": UnitType.MASS_ORG,
    "thon": UnitType.RESIDENTIAL,
    "to dan pho": UnitType.RESIDENTIAL,
}


def type_labels():
    """Return the unit types' Vietnamese labels, as the template's drop-down lists them."""
    with translation.override("vi"):
        return [str(label) for label in UnitType.labels]


def unit_types():
    """Return {folded way of writing a type: its value}: the labels in both languages, the aliases."""
    found = {fold(value): value for value in UnitType.values} | {fold(k): v for k, v in TYPE_ALIASES.items()}
    for language in ("en", "vi"):
        with translation.override(language):
            found |= {fold(str(label)): value for value, label in UnitType.choices}
    return found


def may_import_units(user) -> bool:
    """Tell whether ``user`` may add units from a sheet: a unit administrator or a superuser."""
    return bool(user.is_superuser or scope_of(user).paths(MANAGE) != [])


def looks_like_header(values):
    keys = {HEADERS.get(header_key(value)) for value in values if isinstance(value, str)}
    return all(key in keys for key in ("name", "unit_type"))


@dataclass
class _Planned:
    """A unit of an earlier row of the sheet, as its later rows see it (a parent, a sibling)."""

    number: int
    name: str
    code: str
    valid_from: datetime.date | None
    valid_to: None = None


class UnitChecker:
    """Check every row of an uploaded unit sheet and record the rows in the batch."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.user = batch.user
        self.letters = {}
        self.types = unit_types()
        self.type_names = dict(zip(UnitType.values, type_labels(), strict=True))

    # The file ----------------------------------------------------------------------------

    def run(self) -> ImportBatch:
        batch = self.batch
        ImportRow.objects.filter(batch=batch).delete()
        no_header = _(
            "Không tìm thấy dòng tiêu đề (có cột “Tên đơn vị” và “Loại đơn vị”) trong %(rows)s dòng đầu "
            "của trang tính. Hãy dùng tệp mẫu tải về từ trang này."
        ) % {"rows": reader.HEADER_SEARCH_ROWS}
        try:
            sheet, (formulas, formula_total) = reader.open_sheet(
                bytes(batch.content), looks_like_header, sheet_name=SHEET, no_header=no_header
            )
        except reader.FileRejected as error:
            return self.reject([str(error)])
        file_errors = []
        columns = self.map_columns(sheet, file_errors)
        if sheet.merged:
            ranges = [
                f"{reader.cell_name(r1, c1)}:{reader.cell_name(r2, c2)}"
                for r1, c1, r2, c2 in sheet.merged[:20]
            ]
            file_errors.append(
                _("Bảng có ô gộp (%(ranges)s). Hãy bỏ gộp ô, ghi giá trị vào từng ô rồi tải lên lại.")
                % {"ranges": ", ".join(ranges)}
            )
        if formula_total:
            file_errors.append(
                _(
                    "Bảng có %(count)s ô chứa công thức (%(cells)s). Hãy thay bằng giá trị "
                    "(Sao chép → Dán đặc biệt → Chỉ giá trị) rồi tải lên lại."
                )
                % {"count": formula_total, "cells": ", ".join(formulas)}
            )
        raws = []
        if not file_errors:
            for number, values in sheet.rows:
                raw = dict.fromkeys(BY_KEY, "")
                raw |= {key: values[index] for index, key in columns.items() if index < len(values)}
                if not any(reader.text(value) for value in raw.values()):
                    continue
                if len(raws) >= MAX_ROWS:
                    file_errors.append(
                        _("Tệp có hơn %(max)s dòng. Hãy chia danh sách đơn vị thành nhiều tệp.")
                        % {"max": grouped(MAX_ROWS)}
                    )
                    break
                raws.append((number, raw))
            if not raws and not file_errors:
                file_errors.append(
                    _("Trang tính “%(sheet)s” không có dòng dữ liệu nào dưới dòng tiêu đề.")
                    % {"sheet": sheet.name}
                )
        batch.summary = {
            "sheet": sheet.name,
            "header_row": sheet.header_row,
            "columns": [BY_KEY[key].header for key in columns.values()],
            "file_errors": file_errors,
            "warnings": [],
            "counts": {},
        }
        if file_errors:
            raws = []
        batch.status = BatchStatus.CHECKING
        batch.progress_total, batch.progress_done = len(raws), 0
        batch.save(update_fields=["summary", "status", "progress_total", "progress_done"])
        rows = self.check_rows(raws)
        ImportRow.objects.bulk_create(rows, batch_size=500)
        counts = {}
        for row in rows:
            counts[row.action] = counts.get(row.action, 0) + 1
        batch.summary["counts"] = counts
        batch.status = BatchStatus.CHECKED
        batch.progress_done = batch.progress_total = len(raws)
        batch.checked_at = timezone.now()
        batch.save(update_fields=["summary", "status", "progress_done", "progress_total", "checked_at"])
        return batch

    def reject(self, errors):
        batch = self.batch
        batch.status = BatchStatus.REJECTED
        batch.summary = {"file_errors": errors, "counts": {}}
        batch.checked_at = timezone.now()
        batch.save(update_fields=["status", "summary", "checked_at"])
        return batch

    def map_columns(self, sheet, file_errors):
        """Return {position in the row: column key}; report repeated, unknown and missing headers."""
        columns, unknown = {}, []
        for index, value in enumerate(sheet.headers):
            label = reader.text(value)
            if not label:
                continue
            key = HEADERS.get(header_key(label))
            letter = get_column_letter(sheet.first_col + index)
            if key is None:
                unknown.append(f"“{label}” ({letter})")
                continue
            if key in columns.values():
                file_errors.append(
                    _("Cột “%(header)s” (cột %(letter)s) lặp lại một cột đã có. Hãy xóa một trong hai cột.")
                    % {"header": label, "letter": letter}
                )
                continue
            columns[index] = key
            self.letters[key] = letter
        if unknown:
            file_errors.append(
                _("Không biết các cột %(columns)s. Hãy dùng dòng tiêu đề của tệp mẫu (các cột: %(known)s).")
                % {
                    "columns": ", ".join(unknown[:10]),
                    "known": ", ".join(f"“{column.header}”" for column in COLUMNS),
                }
            )
        for key in REQUIRED:
            if key not in columns.values():
                file_errors.append(
                    _("Thiếu cột “%(header)s”. Hãy dùng dòng tiêu đề của tệp mẫu.")
                    % {"header": BY_KEY[key].header}
                )
        return columns

    # The rows ----------------------------------------------------------------------------

    def check_rows(self, raws):
        """Return the batch's rows, checked in the sheet's order (a parent before its units)."""
        if not raws:
            return []
        self.matcher = UnitMatcher(self.user, action=MANAGE)
        codes = {reader.text(raw["code"]).upper() for _number, raw in raws} - {""}
        self.taken_codes = {
            code: name
            for code, name in Unit.objects.annotate(key=Upper("code"))
            .filter(key__in=codes)
            .values_list("key", "name")
        }
        self.siblings = {}  # parent id → the stored units under it, read once each
        # The valid rows so far, as _Planned, by code, by name as written and by folded name.
        self.planned = {"code": {}, "exact": {}, "folded": {}}
        self.planned_under = {}  # ("unit", id) or ("row", number) → planned children
        self.codes_seen = {}  # code → row number
        all_later = {}
        for number, raw in raws:
            for key in (reader.text(raw["code"]).upper(), exact_key(reader.text(raw["name"]))):
                if key:
                    all_later.setdefault(key, number)
        self.first_rows = all_later
        return [self.check_row(number, raw) for number, raw in raws]

    def check_row(self, number, raw):
        errors = []

        def error(key, message):
            errors.append(
                {
                    "column": BY_KEY[key].header,
                    "cell": f"{self.letters.get(key, '')}{number}",
                    "message": message,
                }
            )

        values = {key: reader.text(raw[key]) for key in BY_KEY if key != "valid_from"}
        for key, limit in LENGTHS.items():
            if len(values[key]) > limit:
                error(
                    key,
                    _("Dài %(length)s ký tự, quá %(limit)s ký tự.")
                    % {"length": len(values[key]), "limit": limit},
                )
        name = values["name"]
        if not name:
            error("name", _("Chưa ghi tên đơn vị."))
        unit_type = ""
        if not values["unit_type"]:
            error("unit_type", _("Chưa ghi loại đơn vị. Hãy chọn trong danh sách thả xuống."))
        else:
            unit_type = self.types.get(fold(values["unit_type"]), "")
            if not unit_type:
                error(
                    "unit_type",
                    _("“%(value)s” không phải là loại đơn vị. Hãy chọn trong danh sách thả xuống.")
                    % {"value": values["unit_type"]},
                )
        valid_from = None
        if reader.text(raw["valid_from"]):
            try:
                valid_from = reader.parse_date(raw["valid_from"])
                rules.check_date(valid_from, field="valid_from")
            except reader.CellError as problem:
                error("valid_from", str(problem) % {"value": reader.text(raw["valid_from"])})
                valid_from = None
            except ValidationError as problem:
                error("valid_from", " ".join(problem.messages))
                valid_from = None
        code = values["code"]
        if code:
            upper = code.upper()
            if upper in self.taken_codes:
                error(
                    "code",
                    _("Mã “%(code)s” đã là mã của đơn vị “%(unit)s”. Hãy ghi mã khác hoặc để trống.")
                    % {"code": code, "unit": self.taken_codes[upper]},
                )
            elif upper in self.codes_seen:
                error(
                    "code",
                    _("Mã “%(code)s” đã ghi ở dòng %(row)s. Mỗi đơn vị một mã riêng.")
                    % {"code": code, "row": self.codes_seen[upper]},
                )
            else:
                self.codes_seen[upper] = number
        parent, parent_key, parent_label = self.parent(number, values["parent"], valid_from, error)
        if parent is not None and name:
            siblings = [*self.stored_siblings(parent_key), *self.planned_under.get(parent_key, [])]
            try:
                rules.check_unit_place(
                    parent=parent, name=name, valid_from=valid_from, valid_to=None, siblings=siblings
                )
            except ValidationError as problem:
                for field, messages in problem.message_dict.items():
                    key = {"valid_to": "valid_from"}.get(field, field)
                    for message in messages:
                        if field == "name":
                            message += self.same_name_row(parent_key, name)
                        error(key if key in BY_KEY else "parent", message)
        row = ImportRow(batch=self.batch, number=number, label=name[:600], unit_label=parent_label[:300])
        if errors:
            row.action, row.errors = RowAction.ERROR, errors
            return row
        planned = _Planned(number=number, name=name, code=code.upper(), valid_from=valid_from)
        for index, key in (("code", planned.code), ("exact", exact_key(name)), ("folded", name_key(name))):
            if key:
                self.planned[index].setdefault(key, []).append(planned)
        self.planned_under.setdefault(parent_key, []).append(planned)
        row.action = RowAction.CREATE
        row.data = {
            "name": name,
            "short_name": values["short_name"],
            "unit_type": unit_type,
            "unit_type_label": self.type_names[unit_type],
            "code": code,
            "valid_from": valid_from.isoformat() if valid_from else None,
            "valid_from_label": day(valid_from) if valid_from else "",
            "note": values["note"],
        }
        if parent_key[0] == "row":
            row.data["parent_row"] = parent_key[1]
        else:
            row.unit_id_checked = parent_key[1]
        return row

    def parent(self, number, text, valid_from, error):
        """Return (the parent: a Unit or a _Planned, its key, its label) or Nones after an error."""
        if not text:
            error(
                "parent",
                _("Chưa ghi đơn vị cấp trên (mã hoặc tên của đơn vị có sẵn, hoặc của một dòng trên)."),
            )
            return None, None, ""
        upper, exact, folded = text.strip().upper(), exact_key(text), name_key(text)
        for matches in (
            self.planned["code"].get(upper, []),
            self.planned["exact"].get(exact, []),
            self.planned["folded"].get(folded, []),
        ):
            if len(matches) == 1:
                found = matches[0]
                return (
                    found,
                    ("row", found.number),
                    _("%(name)s (dòng %(row)s)") % {"name": found.name, "row": found.number},
                )
            if len(matches) > 1:
                error(
                    "parent",
                    _(
                        "“%(name)s” là tên của nhiều dòng trên (dòng %(rows)s). Hãy ghi mã ở cột “Mã đơn vị” "
                        "của dòng đơn vị cấp trên và ghi mã đó ở đây."
                    )
                    % {"name": text, "rows": ", ".join(str(unit.number) for unit in matches[:5])},
                )
                return None, None, text
        # The unit the text names, whatever its time (the rules then say whether the new unit fits
        # in it); only a name that several units had tells them apart by the new unit's day.
        unit, message = self.matcher.resolve(name=text)
        if unit is None:
            on = valid_from or timezone.localdate()
            unit, _message = self.matcher.resolve(name=text, year=on.year, on=on)
        if unit is None:
            later = self.first_rows.get(upper) or self.first_rows.get(exact)
            outside = self.outside(text)
            if outside is not None:
                message = _("Đơn vị “%(unit)s” không thuộc phạm vi bạn quản trị.") % {"unit": outside.name}
            if later and later > number:
                message = _(
                    "“%(name)s” ghi ở dòng %(row)s, dưới dòng này: hãy đưa dòng của đơn vị cấp trên "
                    "lên trước."
                ) % {"name": text, "row": later}
            error("parent", message)
            return None, None, text
        return unit, ("unit", unit.pk), unit.name

    def outside(self, text):
        """A unit outside the user's scope that the text names, to say so rather than "not found"."""
        return (
            Unit.objects.filter(
                Q(code__iexact=text.strip()) | Q(search_name__in={fold(text), name_key(text)})
            )
            .exclude(pk__in=self.matcher.scope_ids)
            .first()
        )

    def same_name_row(self, parent_key, name):
        """Say which earlier row of the sheet holds a sibling of the same name, if one does."""
        for sibling in self.planned_under.get(parent_key, []):
            if rules.unit_name_key(sibling.name) == rules.unit_name_key(name):
                return " " + _("(Tên này đã ghi ở dòng %(row)s của tệp.)") % {"row": sibling.number}
        return ""

    def stored_siblings(self, key):
        if key[0] != "unit":
            return []
        if key[1] not in self.siblings:
            self.siblings[key[1]] = list(
                Unit.objects.get_children(self.matcher.units[key[1]]).only("name", "valid_from", "valid_to")
            )
        return self.siblings[key[1]]


def check(batch: ImportBatch) -> ImportBatch:
    """Check a batch of new units and record what its import would do."""
    return UnitChecker(batch).run()


# The import -------------------------------------------------------------------------------


class Refused(Exception):
    """A row the registry refuses now, though the check passed it (the registry changed since)."""


def write(batch: ImportBatch):
    """Create the batch's units in the sheet's order, all in one transaction.

    Return None when done (or when another run did it), else the error that stopped it: nothing
    is written then. The batch row, locked first, makes two runs of one import take turns; the
    second finds it done.
    """
    try:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().filter(pk=batch.pk, status=BatchStatus.IMPORTING)
            if not locked.exists():
                return None
            rows = list(batch.rows.filter(action=RowAction.CREATE).order_by("number"))
            parents = Unit.objects.in_bulk({row.unit_id_checked for row in rows if row.unit_id_checked})
            created = {}
            for row in rows:
                data = row.data
                parent = (
                    created[data["parent_row"]] if "parent_row" in data else parents.get(row.unit_id_checked)
                )
                if parent is None:
                    raise Refused(_("Dòng %(row)s: đơn vị cấp trên không còn.") % {"row": row.number})
                unit = Unit(
                    name=data["name"],
                    short_name=data["short_name"],
                    unit_type=data["unit_type"],
                    code=data["code"],
                    valid_from=datetime.date.fromisoformat(data["valid_from"])
                    if data["valid_from"]
                    else None,
                )
                unit._change_reason = data["note"] or _("Nhập từ tệp “%(name)s”") % {
                    "name": batch.file_name[:60]
                }
                try:
                    created[row.number] = registry_services.unit_create(
                        user=batch.user, parent=parent, unit=unit
                    )
                except (ValidationError, PermissionDenied) as error:
                    reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
                    raise Refused(
                        _("Dòng %(row)s (“%(name)s”): %(reason)s")
                        % {"row": row.number, "name": data["name"], "reason": " ".join(reasons)}
                    ) from error
            batch.rows.filter(action=RowAction.CREATE).update(done=True)
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=BatchStatus.DONE,
                imported_at=timezone.now(),
                progress_done=len(rows),
                content=b"",
                message=_("Đã thêm %(count)s đơn vị.") % {"count": grouped(len(rows))},
            )
    except Refused as error:
        return error
    return None


# The template -----------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")

GUIDE = [
    "MẪU NHẬP DANH SÁCH ĐƠN VỊ",
    "",
    f"1. Ghi ở trang “{SHEET}”: mỗi đơn vị mới một dòng.",
    "2. Tên đơn vị, loại đơn vị (chọn trong danh sách thả xuống) và đơn vị cấp trên là bắt buộc.",
    "3. Đơn vị cấp trên: mã hoặc tên của một đơn vị bạn quản trị (xem trang “Đơn vị”),",
    "   hoặc của một đơn vị mới ghi ở một dòng phía trên trong tệp này.",
    "   Ví dụ: dòng 2 “Đảng ủy xã Cẩm Giàng” trực thuộc tỉnh; dòng 3 “Chi bộ thôn Nà Phải” trực thuộc",
    "   “Đảng ủy xã Cẩm Giàng”. Khi nhiều dòng cùng tên (Chi bộ thôn 1 của nhiều xã), hãy ghi mã đơn vị",
    "   cho đơn vị cấp trên và ghi mã đó ở cột đơn vị cấp trên của các dòng dưới.",
    "4. Mã đơn vị (nếu có) phải chưa dùng cho đơn vị nào. Hoạt động từ ngày: dd/mm/yyyy, có thể để trống.",
    "5. Hai đơn vị đang hoạt động cùng trực thuộc một đơn vị không được trùng tên.",
    "6. Ghi chú được lưu vào lịch sử của đơn vị (tối đa 100 ký tự).",
    "7. Chỉ ghi giá trị: không dùng công thức, không gộp ô.",
    "",
    "Tải tệp lên, phần mềm kiểm tra toàn bộ tệp: mỗi ô sai được báo kèm dòng và cột, chưa có gì được lưu.",
    "Khi không còn lỗi, bấm “Xác nhận nhập”: tất cả đơn vị được thêm trong một lần, hoặc không đơn vị nào.",
]


def build_template(user) -> bytes:
    """Return the unit template for ``user``: the units listed are the open ones the user administers."""
    workbook, data, units, lists = template_sheets(
        guide=GUIDE,
        guide_title=GUIDE_SHEET,
        width=120,
        data_title=SHEET,
        units_title=UNITS_SHEET,
        lists_title=LISTS_SHEET,
    )
    labels = type_labels()
    lists.cell(row=1, column=1, value="Loại đơn vị")
    for row, label in enumerate(labels, start=2):
        lists.cell(row=row, column=1, value=label)
    source = f"={quote_sheetname(LISTS_SHEET)}!$A$2:$A${len(labels) + 1}"

    units.append(["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Trực thuộc"])
    open_units = list(Unit.objects.restrict(user, MANAGE).filter(valid_to__isnull=True).order_by("path"))
    names = {unit.path: unit.name for unit in open_units}
    type_names = dict(zip(UnitType.values, labels, strict=True))
    for unit in open_units:
        celltext.append(
            units,
            [
                unit.code,
                unit.name,
                type_names.get(unit.unit_type, ""),
                names.get(unit.path[: -Unit.steplen], ""),
            ],
        )
    for cell in units[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for letter, width in zip("ABCD", (16, 50, 34, 50), strict=True):
        units.column_dimensions[letter].width = width
    units.freeze_panes = "A2"

    data.append([column.header for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        data.column_dimensions[letter].width = column.width
        header = data.cell(row=1, column=index)
        header.font, header.fill, header.alignment = BOLD, HEADER_FILL, WRAP
        if column.key == "valid_from":
            for row in range(2, DATA_ROWS + 2):
                data.cell(row=row, column=index).number_format = "DD/MM/YYYY"
        if column.key != "unit_type":
            continue
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Giá trị không có trong danh sách",
            error="Hãy chọn một loại đơn vị trong danh sách thả xuống.",
        )
        data.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
    data.freeze_panes = "A2"
    workbook.active = 1
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
