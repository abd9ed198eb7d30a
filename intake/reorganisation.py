"""A reorganisation plan from a spreadsheet, for a reform like that of 1/7/2025: the template,
and reading a filled one into the steps of a draft plan (``registry.drafts.draft_create``).

One row per old unit and unit that carries it on:

- rows with the same new unit make one merger (a renaming or a move has one old unit);
- rows with the same old unit and several new units make one split, one row marked the main part;
- a dissolution has no new unit.

A new unit is known by its code or, without a code, by its name: a new commune often takes the
name of one of the old ones, so a name never means an existing unit. A code that is an active
unit's makes that unit the successor (a merger into an existing unit). The parent of a new unit
is an existing unit or another new unit of the file. Every bad cell gives a message with its row
and column, and nothing is saved while there is one.
"""

import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from intake.template import template_sheets
from registry import celltext, lineage
from registry.choices import ChangeKind, UnitType
from registry.models import Unit
from registry.querysets import MANAGE
from registry.text import fold

from . import reader
from .checks import header_key
from .units import UnitMatcher, name_key

SHEET = "Sắp xếp đơn vị"
GUIDE_SHEET = "Hướng dẫn"
UNITS_SHEET = "Đơn vị"
LISTS_SHEET = "Danh mục"
MAX_ROWS = 5000
DATA_ROWS = 2000
MAX_LISTED = 200


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    aliases: tuple = ()


COLUMNS = [
    Column("old", "Đơn vị cũ (mã hoặc tên)", 40, ("ma don vi cu", "ten don vi cu")),
    Column("kind", "Hình thức sắp xếp", 26, ("hinh thuc",)),
    Column("new_code", "Mã đơn vị mới", 16),
    Column("new_name", "Tên đơn vị mới", 40),
    Column("new_type", "Loại đơn vị mới", 34),
    Column(
        "new_parent", "Đơn vị cấp trên của đơn vị mới (mã hoặc tên)", 40, ("don vi cap tren", "truc thuoc")
    ),
    Column("main", "Phần chính (chia tách: Có/Không)", 18),
]
BY_KEY = {column.key: column for column in COLUMNS}
HEADERS = {}
for _column in COLUMNS:
    for _header in (_column.header, *_column.aliases):
        HEADERS.setdefault(header_key(_header), _column.key)
REQUIRED = ("old", "kind")

KINDS = {fold(label): value for value, label in ChangeKind.choices} | {fold(v): v for v in ChangeKind.values}
KINDS |= {
    "hop nhat": ChangeKind.MERGE,
    "sap nhap": ChangeKind.MERGE,
    "nhap": ChangeKind.MERGE,
    "chia": ChangeKind.SPLIT,
    "tach": ChangeKind.SPLIT,
    "doi ten": ChangeKind.RENAME,
    "doi loai hinh": ChangeKind.RENAME,
    "chuyen": ChangeKind.MOVE,
}
TYPES = {fold(label): value for value, label in UnitType.choices} | {fold(v): v for v in UnitType.values}
TYPES |= {
    "tinh uy": UnitType.PROVINCE,
    "tinh": UnitType.PROVINCE,
    "huyen uy": UnitType.DISTRICT,
    "huyen": UnitType.DISTRICT,
    "dang uy xa": UnitType.COMMUNE,
    "dang uy phuong": UnitType.COMMUNE,
    "xa": UnitType.COMMUNE,
    "phuong": UnitType.COMMUNE,
    "dac khu": UnitType.COMMUNE,
    "dang bo co so": UnitType.GRASSROOTS,
    "chi bo": UnitType.CELL,
}
YES = {"co", "x", "yes", "1", "chinh", "phan chinh", "dung"}
NO = {"", "khong", "no", "0"}


def looks_like_header(values):
    keys = {HEADERS.get(header_key(value)) for value in values if isinstance(value, str)}
    return all(key in keys for key in REQUIRED)


@dataclass
class Row:
    number: int
    raw: dict
    kind: str = ""
    old: Unit = None
    main: bool = False
    new: tuple = None  # the key of its new unit: ("code", CODE) or ("name", folded name)
    target: dict = None  # {"unit": id} or {"new": ref}
    valid: bool = True


@dataclass
class NewUnit:
    ref: str
    row: int
    spec: dict = field(default_factory=dict)
    parent_text: str = ""


class PlanReader:
    """Read a filled template into a plan; ``read()`` returns (plan or None, problems)."""

    def __init__(self, user, effective_on):
        self.user = user
        self.day = effective_on
        self.before = lineage.day_before(effective_on)
        self.matcher = UnitMatcher(user, action=MANAGE)
        self.problems = []
        self.letters = {}

    # Problems ------------------------------------------------------------------------------

    def problem(self, message, row=None, key=None):
        column = BY_KEY[key].header if key else ""
        cell = f"{self.letters[key]}{row}" if key in self.letters and row else ""
        self.problems.append({"row": row, "column": column, "cell": cell, "message": message})

    def error(self, row, key, message):
        row.valid = False
        self.problem(message, row.number, key)

    # The file ------------------------------------------------------------------------------

    def read(self, content):
        no_header = _(
            "Không tìm thấy dòng tiêu đề (có cột “Đơn vị cũ” và “Hình thức sắp xếp”) trong %(rows)s dòng "
            "đầu của trang tính. Hãy dùng tệp mẫu tải về từ trang này."
        ) % {"rows": reader.HEADER_SEARCH_ROWS}
        try:
            sheet, (formulas, formula_total) = reader.open_sheet(
                content, looks_like_header, sheet_name=SHEET, no_header=no_header
            )
        except reader.FileRejected as error:
            self.problem(str(error))
            return None, self.problems
        columns = self.map_columns(sheet)
        if sheet.merged:
            ranges = [
                f"{reader.cell_name(r1, c1)}:{reader.cell_name(r2, c2)}" for r1, c1, r2, c2 in sheet.merged
            ]
            self.problem(
                _("Bảng có ô gộp (%(ranges)s). Hãy bỏ gộp ô, ghi giá trị vào từng ô rồi tải lên lại.")
                % {"ranges": ", ".join(ranges[:20])}
            )
        if formula_total:
            self.problem(
                _(
                    "Bảng có %(count)s ô chứa công thức (%(cells)s). Hãy thay bằng giá trị "
                    "(Sao chép → Dán đặc biệt → Chỉ giá trị) rồi tải lên lại."
                )
                % {"count": formula_total, "cells": ", ".join(formulas)}
            )
        if self.problems:
            return None, self.problems
        rows = []
        for number, values in sheet.rows:
            raw = dict.fromkeys(BY_KEY, "")  # a column left out reads as empty cells
            raw |= {key: reader.text(values[index]) for index, key in columns.items() if index < len(values)}
            if not any(raw.values()):
                continue
            if len(rows) >= MAX_ROWS:
                self.problem(
                    _("Tệp có hơn %(max)s dòng. Hãy chia kế hoạch thành nhiều tệp.") % {"max": MAX_ROWS}
                )
                return None, self.problems
            rows.append(Row(number, raw))
        if not rows:
            self.problem(
                _("Trang tính “%(sheet)s” không có dòng nào dưới dòng tiêu đề.") % {"sheet": sheet.name}
            )
            return None, self.problems
        for row in rows:
            self.parse(row)
        new_units = self.new_units(rows)
        steps = self.steps(rows)
        self.problems.sort(key=lambda problem: (problem["row"] or 0, problem["cell"]))
        if self.problems:
            return None, self.problems
        plan = {"steps": steps, "new_units": {unit.ref: unit.spec for unit in new_units.values()}}
        return plan, []

    def map_columns(self, sheet):
        columns = {}
        for index, value in enumerate(sheet.headers):
            key = HEADERS.get(header_key(reader.text(value)))
            if key is None:
                continue
            letter = get_column_letter(sheet.first_col + index)
            if key in columns.values():
                self.problem(
                    _("Cột “%(header)s” (cột %(letter)s) lặp lại một cột đã có. Hãy xóa một trong hai cột.")
                    % {"header": BY_KEY[key].header, "letter": letter}
                )
                continue
            columns[index] = key
            self.letters[key] = letter
        for key in REQUIRED:
            if key not in columns.values():
                self.problem(
                    _("Thiếu cột “%(header)s”. Hãy dùng dòng tiêu đề của tệp mẫu.")
                    % {"header": BY_KEY[key].header}
                )
        return columns

    # One row -------------------------------------------------------------------------------

    def parse(self, row):
        raw = row.raw
        kinds = ", ".join(f"“{label}”" for label in ChangeKind.labels)
        if not raw["kind"]:
            self.error(
                row,
                "kind",
                _("Chưa ghi hình thức sắp xếp. Hãy chọn một trong: %(kinds)s.") % {"kinds": kinds},
            )
        else:
            row.kind = KINDS.get(fold(raw["kind"]), "")
            if not row.kind:
                self.error(
                    row,
                    "kind",
                    _("“%(value)s” không phải là hình thức sắp xếp. Hãy chọn một trong: %(kinds)s.")
                    % {"value": raw["kind"], "kinds": kinds},
                )
        if not raw["old"]:
            self.error(row, "old", _("Chưa ghi đơn vị cũ (mã hoặc tên)."))
        else:
            row.old, message = self.old_unit(raw["old"])
            if message:
                self.error(row, "old", message)
        main = fold(raw["main"])
        if main in YES:
            row.main = True
        elif main not in NO:
            self.error(row, "main", _("“%(value)s”: hãy ghi “Có” hoặc để trống.") % {"value": raw["main"]})
        if raw["new_type"] and fold(raw["new_type"]) not in TYPES:
            self.error(
                row,
                "new_type",
                _("“%(value)s” không phải là loại đơn vị. Hãy chọn trong danh sách thả xuống.")
                % {"value": raw["new_type"]},
            )
        if raw["new_code"]:
            row.new = ("code", raw["new_code"].strip().upper())
        elif raw["new_name"]:
            row.new = ("name", name_key(raw["new_name"]))

    def old_unit(self, text):
        """The old unit a cell names, open the day before the plan; or (None, why not)."""
        unit, message = self.matcher.resolve(name=text, year=self.before.year, on=self.before)
        if unit is None:
            outside = self.outside(text)
            if outside is not None:
                return None, _("Đơn vị “%(unit)s” không thuộc phạm vi bạn quản trị.") % {"unit": outside.name}
            return None, message
        if not lineage.is_open(unit, self.before):
            return None, _("Đơn vị “%(unit)s” không còn hoạt động ngày %(day)s, không sắp xếp được nữa.") % {
                "unit": unit.name,
                "day": f"{self.before:%d/%m/%Y}",
            }
        return unit, None

    def outside(self, text):
        """A unit outside the user's scope that the text names, to say so rather than "not found"."""
        return (
            Unit.objects.filter(
                Q(code__iexact=text.strip()) | Q(search_name__in={fold(text), name_key(text)})
            )
            .exclude(pk__in=self.matcher.scope_ids)
            .first()
        )

    # New units -----------------------------------------------------------------------------

    def new_units(self, rows):
        """Gather the file's new units, check them, and give each row its target."""
        codes = {row.new[1] for row in rows if row.new and row.new[0] == "code"}
        existing = {
            unit.code.upper(): unit
            for unit in Unit.objects.exclude(code="").annotate(key=Upper("code")).filter(key__in=codes)
        }
        units = {}
        for row in rows:
            if row.new is None:
                continue
            if row.new[0] == "code" and row.new[1] in existing:
                self.existing_target(row, existing[row.new[1]])
                continue
            unit = units.get(row.new)
            if unit is None:
                unit = units[row.new] = NewUnit(ref=f"m{len(units) + 1}", row=row.number)
            self.describe(row, unit)
            row.target = {"new": unit.ref}
        for key, unit in units.items():
            spec = unit.spec
            first = next(row for row in rows if row.new == key)
            if not spec.get("name"):
                self.error(first, "new_name", _("Đơn vị mới mã “%(code)s” chưa có tên.") % {"code": key[1]})
            if not spec.get("unit_type") and not any(
                fold(row.raw["new_type"]) for row in rows if row.new == key
            ):
                self.error(first, "new_type", _("Chưa ghi loại của đơn vị mới."))
            if not unit.parent_text:
                self.error(first, "new_parent", _("Chưa ghi đơn vị cấp trên của đơn vị mới (mã hoặc tên)."))
        closing = {row.old.pk for row in rows if row.old is not None}
        for key, unit in units.items():
            if unit.parent_text:
                first = next(row for row in rows if row.new == key)
                unit.spec["parent"] = self.parent(first, unit, unit.parent_text, units, closing)
        self.refuse_loops(rows, units)
        return units

    def existing_target(self, row, unit):
        if unit.pk not in self.matcher.scope_ids:
            self.error(
                row,
                "new_code",
                _("Đơn vị “%(unit)s” không thuộc phạm vi bạn quản trị.") % {"unit": unit.name},
            )
        elif not lineage.is_open(unit, self.day):
            self.error(
                row,
                "new_code",
                _(
                    "Mã “%(code)s” là của “%(unit)s”, đơn vị không hoạt động ngày %(day)s. "
                    "Đơn vị mới cần mã mới."
                )
                % {"code": unit.code, "unit": unit.name, "day": f"{self.day:%d/%m/%Y}"},
            )
        elif row.raw["new_name"] and name_key(row.raw["new_name"]) != name_key(unit.name):
            self.error(
                row,
                "new_name",
                _(
                    "Mã “%(code)s” là của đơn vị đang hoạt động “%(unit)s”, khác tên ghi ở đây. Đơn vị mới "
                    "cần mã mới; để sáp nhập vào “%(unit)s”, ghi đúng tên hoặc để trống tên."
                )
                % {"code": unit.code, "unit": unit.name},
            )
        else:
            row.target = {"unit": unit.pk}

    def describe(self, row, unit):
        """Take the new unit's name, type, code and parent from a row; a row saying otherwise is an error."""
        raw = row.raw
        values = {
            "name": raw["new_name"],
            "unit_type": TYPES.get(fold(raw["new_type"]), "") if raw["new_type"] else "",
            "code": raw["new_code"].strip(),
        }
        for key, value in values.items():
            if not value:
                continue
            known = unit.spec.get(key)
            compare = {"name": name_key, "code": str.upper}.get(key, str)  # as people write them
            same = compare(known or "") == compare(value)
            if known and not same:
                column = {"name": "new_name", "unit_type": "new_type", "code": "new_code"}[key]
                self.error(
                    row,
                    column,
                    _("Khác với dòng %(row)s cho cùng đơn vị mới: hãy ghi giống nhau hoặc để trống.")
                    % {"row": unit.row},
                )
            elif not known:
                unit.spec[key] = value
        unit.spec.setdefault("code", "")
        parent = raw["new_parent"]
        if parent and unit.parent_text and fold(parent) != fold(unit.parent_text):
            self.error(
                row,
                "new_parent",
                _("Khác với dòng %(row)s cho cùng đơn vị mới: hãy ghi giống nhau hoặc để trống.")
                % {"row": unit.row},
            )
        elif parent:
            unit.parent_text = parent

    def parent(self, row, unit, text, units, closing):
        for key in (("code", text.strip().upper()), ("name", name_key(text))):
            if key in units:
                if units[key] is unit:
                    self.error(row, "new_parent", _("Đơn vị mới không thể trực thuộc chính nó."))
                    return {}
                return {"new": units[key].ref}
        found, message = self.matcher.resolve(name=text, year=self.day.year, on=self.day)
        if found is None:
            outside = self.outside(text)
            if outside is not None:
                message = _("Đơn vị “%(unit)s” không thuộc phạm vi bạn quản trị.") % {"unit": outside.name}
            self.error(row, "new_parent", message)
            return {}
        if found.pk in closing:
            self.error(
                row,
                "new_parent",
                _(
                    "“%(unit)s” kết thúc hoạt động theo chính kế hoạch này nên không làm đơn vị cấp trên "
                    "được: hãy ghi đơn vị tiếp nối nó."
                )
                % {"unit": found.name},
            )
            return {}
        if not lineage.is_open(found, self.day):
            self.error(
                row,
                "new_parent",
                _("“%(unit)s” không hoạt động ngày %(day)s.")
                % {"unit": found.name, "day": f"{self.day:%d/%m/%Y}"},
            )
            return {}
        return {"unit": found.pk}

    def refuse_loops(self, rows, units):
        by_ref = {unit.ref: (key, unit) for key, unit in units.items()}
        for key, unit in units.items():
            seen, ref = set(), unit.ref
            while ref in by_ref and ref not in seen:
                seen.add(ref)
                ref = (by_ref[ref][1].spec.get("parent") or {}).get("new")
            if ref in seen:
                first = next(row for row in rows if row.new == key)
                self.error(first, "new_parent", _("Các đơn vị mới lấy nhau làm cấp trên thành vòng lặp."))

    # Steps ---------------------------------------------------------------------------------

    def steps(self, rows):
        """Group the rows into steps: a merger by new unit, a split by old unit, one dissolution a row."""
        seen = {}
        splits, merges, steps = defaultdict(list), defaultdict(list), []
        for row in rows:
            if row.old is None or not row.kind:
                continue
            first = seen.get(row.old.pk)
            if first is not None and not (row.kind == first.kind == ChangeKind.SPLIT):
                self.error(
                    row,
                    "old",
                    _(
                        "“%(unit)s” đã có ở dòng %(row)s: mỗi đơn vị cũ chỉ sắp xếp một lần "
                        "(chia tách thì ghi mỗi phần một dòng, cùng hình thức “Chia tách”)."
                    )
                    % {"unit": row.old.name, "row": first.number},
                )
                continue
            seen.setdefault(row.old.pk, row)
            if row.kind == ChangeKind.DISSOLVE:
                if row.new is not None:
                    self.error(
                        row, "new_name", _("Giải thể không có đơn vị mới: hãy để trống các cột đơn vị mới.")
                    )
                else:
                    steps.append((row.number, {"kind": row.kind, "olds": [row.old.pk], "targets": []}))
                continue
            if row.new is None:
                self.error(row, "new_name", _("Chưa ghi đơn vị mới (mã hoặc tên) tiếp nối đơn vị cũ."))
                continue
            (splits[row.old.pk] if row.kind == ChangeKind.SPLIT else merges[row.new]).append(row)
        for group in merges.values():
            first = group[0]
            for row in group[1:]:
                if row.kind != first.kind:
                    self.error(
                        row,
                        "kind",
                        _("Cùng đơn vị mới với dòng %(row)s nhưng khác hình thức sắp xếp.")
                        % {"row": first.number},
                    )
                elif first.kind != ChangeKind.MERGE:
                    self.error(
                        row,
                        "kind",
                        _(
                            "Mỗi đơn vị mới chỉ tiếp nối một đơn vị cũ khi đổi tên, chuyển trực thuộc; "
                            "nhiều đơn vị gộp lại thì ghi “Hợp nhất, sáp nhập”."
                        ),
                    )
            if all(row.valid for row in group) and first.target:
                steps.append(
                    (
                        first.number,
                        {
                            "kind": first.kind,
                            "olds": [row.old.pk for row in group],
                            "targets": [first.target],
                        },
                    )
                )
        for group in splits.values():
            first = group[0]
            if len(group) < 2:
                self.error(
                    first,
                    "old",
                    _("Chia tách “%(unit)s” chỉ có một phần: ghi mỗi phần một dòng, ít nhất hai dòng.")
                    % {"unit": first.old.name},
                )
                continue
            mains = [row for row in group if row.main]
            if len(mains) != 1:
                self.error(
                    first,
                    "main",
                    _("Chia tách “%(unit)s”: hãy ghi “Có” ở cột “Phần chính” cho đúng một phần.")
                    % {"unit": first.old.name},
                )
                continue
            parts = [mains[0], *[row for row in group if not row.main]]
            if len({str(row.target) for row in parts}) < len(parts):
                self.error(
                    first,
                    "new_name",
                    _("Chia tách “%(unit)s”: các phần phải khác nhau.") % {"unit": first.old.name},
                )
                continue
            if all(row.valid and row.target for row in group):
                steps.append(
                    (
                        first.number,
                        {
                            "kind": ChangeKind.SPLIT,
                            "olds": [first.old.pk],
                            "targets": [row.target for row in parts],
                        },
                    )
                )
        return [step for _number, step in sorted(steps, key=lambda item: item[0])]


def read_plan(content, *, user, effective_on):
    """Return the plan a filled template describes and its problems (the plan is None when there are any)."""
    return PlanReader(user, effective_on).read(content)


# The template ----------------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")

GUIDE = [
    "MẪU LẬP KẾ HOẠCH SẮP XẾP ĐƠN VỊ",
    "",
    f"1. Ghi ở trang “{SHEET}”: mỗi dòng một đơn vị cũ và đơn vị tiếp nối nó.",
    "2. Hợp nhất, sáp nhập: mỗi đơn vị cũ một dòng, cùng ghi một đơn vị mới",
    "   (cùng mã, hoặc cùng tên nếu không có mã). Ví dụ: xã A, xã B, xã C hợp nhất thành xã A mới:",
    "   ba dòng, cột “Tên đơn vị mới” đều ghi “Đảng ủy xã A”.",
    "3. Chia tách: mỗi phần một dòng, cùng ghi đơn vị cũ và hình thức “Chia tách”;",
    "   ghi “Có” ở cột “Phần chính” cho một phần. Phần chính nhận các mô hình không chỉ định phần khác;",
    "   phần mềm gợi ý phần theo địa danh trong địa chỉ, tên mô hình, sửa được ở trang xem trước.",
    "4. Giải thể: để trống các cột đơn vị mới; mô hình đang thực hiện do đơn vị cấp trên tiếp nhận.",
    "5. Đổi tên, đổi loại hình; Chuyển trực thuộc: mỗi đơn vị cũ một đơn vị mới.",
    "6. Đơn vị cũ: ghi mã hoặc tên (xem trang “Đơn vị”).",
    "   Tên được so không phân biệt hoa thường, có dấu hay không dấu.",
    "7. Đơn vị mới: ghi tên, loại (chọn trong danh sách), mã (nếu có) và đơn vị cấp trên.",
    "   Nếu “Mã đơn vị mới” là mã của một đơn vị đang hoạt động, đơn vị đó là đơn vị kế thừa",
    "   (sáp nhập vào đơn vị có sẵn). Đơn vị cấp trên là một đơn vị đang hoạt động (mã hoặc tên)",
    "   hoặc một đơn vị mới khác ghi trong tệp này.",
    "8. Chỉ ghi giá trị: không dùng công thức, không gộp ô.",
    "",
    "Tải tệp lên, phần mềm kiểm tra toàn bộ tệp: mỗi ô sai được báo kèm dòng và cột, chưa có gì được lưu.",
    "Tệp đúng thành một bản nháp kế hoạch để xem trước: đơn vị kết thúc, đơn vị mới,",
    "mô hình và người dùng chuyển đi đâu. Chỉ khi bấm “Thực hiện” (từ ngày có hiệu lực) đơn vị mới thay đổi;",
    "hoàn tác được khi đơn vị mới chưa có dữ liệu.",
]


def build_template(user) -> bytes:
    """Return the plan template for ``user``: the units listed are the open ones the user administers."""
    workbook, data, units, lists = template_sheets(
        guide=GUIDE,
        guide_title=GUIDE_SHEET,
        width=130,
        data_title=SHEET,
        units_title=UNITS_SHEET,
        lists_title=LISTS_SHEET,
    )
    closed = {
        "kind": [str(label) for label in ChangeKind.labels],
        "type": [str(label) for label in UnitType.labels],
        "main": ["Có", "Không"],
    }
    ranges = {}
    headers = {"kind": BY_KEY["kind"].header, "type": "Loại đơn vị", "main": BY_KEY["main"].header}
    for index, (key, values) in enumerate(closed.items(), start=1):
        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=headers[key])  # in words, as on the plan sheet
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=index, value=value)
        ranges[key] = f"={quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"

    units.append(["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Trực thuộc"])
    open_units = list(Unit.objects.restrict(user, MANAGE).filter(valid_to__isnull=True).order_by("path"))
    names = {unit.path: unit.name for unit in open_units}
    for unit in open_units:
        # Names come from users: through ``registry.celltext``, so that none runs as a formula.
        celltext.append(
            units,
            [unit.code, unit.name, unit.get_unit_type_display(), names.get(unit.path[: -Unit.steplen], "")],
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
        source = {"kind": "kind", "new_type": "type", "main": "main"}.get(column.key)
        if source is None:
            continue
        validation = DataValidation(
            type="list",
            formula1=ranges[source],
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Giá trị không có trong danh sách",
            error="Hãy chọn một giá trị trong danh sách thả xuống.",
        )
        data.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
    data.freeze_panes = "A2"
    workbook.active = 1
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
