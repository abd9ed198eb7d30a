"""Checking an uploaded sheet row by row: what each row will do, or how to fix it.

The check reads the rows as a stream and writes its verdicts to ``ImportRow`` in chunks, so
memory does not grow with the file; only the keys needed to catch duplicate rows are kept.
Nothing is written to the registry here: ``services.import_write`` does that after the user
confirms.

A row is identified by its unit, its initiative's name, the person's name for an individual
model (two persons of one commune may carry the same title) and its year. Names are compared
folded (case, diacritics and punctuation ignored); when several models of the unit fold to the
same name, the one written exactly (with its diacritics) is meant. The row will

- create an initiative and its registration when the unit has no initiative of that name;
- create a registration when the initiative exists but has none for the year (status
  "maintained" by default when it was registered the year before, here or in the file);
- update the registration (and its initiative) when it exists and a filled cell differs;
- change nothing when every filled cell equals what is stored.

An empty cell leaves the stored value as it is: a short list from a lower unit never erases
what the commission already entered.

A row only touches what the user may change, by the rule the pages use
(``restrict(user, CHANGE)``): its unit, the initiative whose columns it changes or that it
registers for a new year, the registration it updates. A row that names a model outside that
scope (a model of another branch that the unit once registered) is refused at its row and
column as not found among the user's models.

Every value is checked against what the database accepts, by the model field's own validators
(ranges of the numbers, lengths of the texts), so that a row refused nowhere else cannot fail
at the write with a generic message.

The registry's rules (``registry.rules``) are applied to what a row would write, as the services
apply them to a form: a row the site would refuse is refused here, at its row and column.
"""

import datetime
import re
import unicodedata
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from registry import review, rules
from registry.choices import Evaluation, Kind, Level, RegistrationStatus
from registry.chunks import batched
from registry.exports import COLUMNS, COLUMNS_BY_KEY, FLAG_NO, FLAG_YES, INFO_COLUMNS
from registry.formats import grouped, inner
from registry.models import Decision, Field, Initiative, Registration, decision_reference
from registry.querysets import CHANGE
from registry.text import fold

from . import reader
from .models import BatchStatus, ImportBatch, ImportRow, RowAction
from .template import EXAMPLE_PREFIX
from .units import UnitMatcher

CHUNK = 500
MAX_FORMULA_CELLS = 5000
REQUIRED = ("name", "year")
EXAMPLE_KEY = fold(EXAMPLE_PREFIX)


def header_key(value):
    """Return the comparison key of a column header: no notes in brackets, no asterisks, folded."""
    return fold(re.sub(r"\([^)]*\)|\*", " ", str(value or "")))


HEADERS = {}
for _column in COLUMNS:
    for _header in (_column.header, *_column.aliases):
        HEADERS.setdefault(header_key(_header), _column.key)
# Columns of the export, and row numbers, that are read but never imported.
IGNORED_HEADERS = {header_key(column.header) for column in INFO_COLUMNS} | {
    "stt",
    "tt",
    "so tt",
    "so thu tu",
}

# Words people write for the closed lists, beside the labels themselves.
CHOICE_SYNONYMS = {
    Kind: {"tap the": Kind.COLLECTIVE, "ca nhan": Kind.INDIVIDUAL},
    RegistrationStatus: {
        "moi": RegistrationStatus.NEW,
        "dk moi": RegistrationStatus.NEW,
        "dang ky moi": RegistrationStatus.NEW,
        "duy tri": RegistrationStatus.MAINTAINED,
        "dang ky duy tri": RegistrationStatus.MAINTAINED,
    },
    Evaluation: {"khong hieu qua": Evaluation.NOT_EFFECTIVE, "chua danh gia": Evaluation.PENDING},
}


def choice_map(choices):
    mapping = {}
    for value, label in choices.choices:
        mapping[fold(label)] = value
        mapping[fold(value)] = value
        if choices is Level:
            mapping[fold(label).removeprefix("cap ")] = value
    mapping.update(CHOICE_SYNONYMS.get(choices, {}))
    return mapping


CHOICES = {column.key: choice_map(column.choices) for column in COLUMNS if column.kind == "choice"}
FLAGS = {fold(FLAG_YES): True, "x": True, "1": True, fold(FLAG_NO): False, "0": False}
INITIATIVE_KEYS = [c.key for c in COLUMNS if c.target == "initiative"]
REGISTRATION_KEYS = [c.key for c in COLUMNS if c.target == "registration" and c.key != "year"]


def looks_like_header(values):
    keys = {HEADERS.get(header_key(value)) for value in values if isinstance(value, str)}
    return "name" in keys and "year" in keys


def max_rows():
    """Return the most data rows one upload may hold (``INTAKE_MAX_ROWS``)."""
    return getattr(settings, "INTAKE_MAX_ROWS", 50_000)


def max_length(model, key):
    return getattr(model._meta.get_field(key), "max_length", None)


def target_model(column):
    return Initiative if column.target in ("initiative", "key") else Registration


def number_for_model(model, key, number):
    """Return ``number`` when the model field accepts it; raise ``CellError`` saying why otherwise.

    The field's own validators decide (a range the registry declares on the field), then the
    integer range every database the application runs on accepts: SQLite takes 64-bit integers
    where PostgreSQL's integer column stops at 2.147.483.647, and a number beyond it must be
    refused here, at its cell, not by the database at the write.
    """
    field = model._meta.get_field(key)
    try:
        field.run_validators(number)
    except ValidationError as problem:
        own = [error for error in problem.error_list if error.code not in ("min_value", "max_value")]
        if own:
            raise reader.CellError(" ".join(ValidationError(own).messages)) from problem
    low, high = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]
    if not low <= number <= high:
        raise reader.CellError(
            _("Số %(number)s quá lớn: cột này nhận số từ 0 đến %(limit)s. Hãy kiểm tra lại số.")
            % {"number": grouped(number), "limit": grouped(high)}
        )
    return number


def person_key(name):
    """Return the comparison key of a person's name (collective models have none: "")."""
    return fold(name or "")


_NOT_WORD = re.compile(r"[\W_]+")


def written_key(text):
    """Return ``text`` as written, diacritics kept, without case, punctuation or extra spaces."""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFC", str(text or "")).lower()).strip()


class Candidate:
    """A stored initiative a row may mean: found through the row's unit, by its folded name."""

    __slots__ = ("pk", "name", "person", "is_deleted")

    def __init__(self, pk, name, person_name, is_deleted):
        self.pk, self.name, self.person, self.is_deleted = pk, name, person_key(person_name), is_deleted


def apply_rule(error, check, unit_key="unit"):
    """Run a check of ``registry.rules``; record its errors at their columns. Return whether it passed.

    The rules name model fields, which are the column keys, except the unit: its column is the
    one the row filled (``unit_key``).
    """
    try:
        check()
    except ValidationError as problem:
        for field, messages in problem.message_dict.items():
            for message in messages:
                error(unit_key if field == "unit" else field, message)
        return False
    return True


def display(key, value, fields=None):
    """Return a stored or checked value as the user reads it."""
    if value in (None, ""):
        return "—"
    column = COLUMNS_BY_KEY.get(key)
    if column is None:
        return str(value)
    if column.kind == "choice":
        return str(column.choices(value).label)
    if column.kind == "flag":
        return FLAG_YES if value else FLAG_NO
    if column.kind == "field":
        return str(fields.get(value, value)) if fields else str(value)
    if column.kind == "date":
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        return value.strftime("%d/%m/%Y")
    if column.kind == "int":
        return grouped(value)
    return str(value)


class Checker:
    """Check one batch. ``run()`` fills ``ImportRow`` and the batch's summary."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.user = batch.user
        self.matcher = UnitMatcher(self.user)
        self.fields = {}
        self.field_names = {}
        for field in Field.objects.order_by("-is_active", "order", "name"):
            self.fields.setdefault(fold(field.name), field)
            self.field_names[field.pk] = field.name
        self.seen = {}  # (unit, folded name, folded person, year) → first row number
        self.targets = {}  # (initiative, year) → the first row that writes it
        # (initiative, year) the file registers, the initiative as ("initiative", pk) or, new,
        # ("new", unit, folded name, folded person); and the rows "maintained" on a year before
        # still to come.
        self.file_years = set()
        self.awaiting = []  # (row number, initiative, year)
        self.initiatives_by_unit = {}  # unit → {folded name: [Candidate]}
        self.counts = {action: 0 for action in RowAction.values}
        self.examples = []

    # The file as a whole -------------------------------------------------------------------

    def run(self):
        batch = self.batch
        ImportRow.objects.filter(batch=batch).delete()
        try:
            sheet, (formulas, formula_total) = reader.open_sheet(bytes(batch.content), looks_like_header)
        except reader.FileRejected as error:
            batch.status = BatchStatus.REJECTED
            batch.summary = {"file_errors": [str(error)], "counts": {}}
            batch.checked_at = timezone.now()
            batch.save(update_fields=["status", "summary", "checked_at"])
            return batch
        file_errors, warnings = [], []
        self.columns = self.map_columns(sheet, file_errors, warnings)
        if sheet.merged:
            ranges = [
                f"{reader.cell_name(r1, c1)}:{reader.cell_name(r2, c2)}"
                for r1, c1, r2, c2 in sheet.merged[:20]
            ]
            file_errors.append(
                _(
                    "Bảng có ô gộp (%(ranges)s). Hãy bỏ gộp ô (Trang đầu → Gộp và căn giữa → Bỏ gộp ô), "
                    "ghi giá trị vào từng ô rồi tải lên lại."
                )
                % {"ranges": ", ".join(ranges)}
            )
        self.formula_cells = {}
        for name in formulas[:MAX_FORMULA_CELLS]:
            match = re.match(r"([A-Z]+)(\d+)", name)
            if match:
                self.formula_cells.setdefault(int(match.group(2)), []).append(name)
        if formula_total > len(formulas):
            file_errors.append(
                _(
                    "Bảng có %(count)s ô chứa công thức. Hãy chọn cả bảng, Sao chép rồi Dán đặc biệt → "
                    "Chỉ giá trị, lưu lại rồi tải lên."
                )
                % {"count": formula_total}
            )
        batch.summary = {
            "sheet": sheet.name,
            "header_row": sheet.header_row,
            "columns": [COLUMNS_BY_KEY[key].header for key in self.columns.values()],
            "file_errors": file_errors,
            "warnings": warnings,
            "counts": {},
        }
        batch.status = BatchStatus.CHECKING
        batch.progress_total = sheet.total_rows
        batch.progress_done = 0
        batch.save(update_fields=["summary", "status", "progress_total", "progress_done"])
        if self.missing_columns:
            self.finish(0)
            return batch
        done = 0
        data_rows = 0
        limit = max_rows()
        for chunk in batched(sheet.rows, CHUNK):
            checked = [row for row in (self.parse(number, values) for number, values in chunk) if row]
            data_rows += len(checked)
            if data_rows > limit:
                # Stop reading: a file beyond the cap is refused whole, whatever its rows say.
                ImportRow.objects.filter(batch=batch).delete()
                self.counts = {action: 0 for action in RowAction.values}
                batch.summary["file_errors"].append(
                    _(
                        "Tệp có hơn %(limit)s dòng dữ liệu, vượt giới hạn một lần nhập. "
                        "Hãy chia danh sách thành nhiều tệp, mỗi tệp tối đa %(limit)s dòng."
                    )
                    % {"limit": grouped(limit)}
                )
                self.finish(done)
                return batch
            self.match(checked)
            ImportRow.objects.bulk_create(checked)
            done += len(chunk)
            ImportBatch.objects.filter(pk=batch.pk).update(progress_done=done)
        self.refuse_unfollowed()
        if self.examples:
            batch.summary["warnings"].append(
                _("Dòng %(rows)s là dòng ví dụ của tệp mẫu nên không được nhập.")
                % {"rows": ", ".join(str(number) for number in self.examples[:10])}
            )
        if not data_rows and not file_errors:
            batch.summary["file_errors"].append(
                _("Trang tính “%(sheet)s” không có dòng dữ liệu nào dưới dòng tiêu đề.")
                % {"sheet": sheet.name}
            )
        self.finish(done)
        return batch

    def finish(self, done):
        batch = self.batch
        batch.summary["counts"] = {action: count for action, count in self.counts.items() if count}
        batch.status = BatchStatus.CHECKED
        batch.progress_done = batch.progress_total = done
        batch.checked_at = timezone.now()
        batch.save(update_fields=["summary", "status", "progress_done", "progress_total", "checked_at"])

    def map_columns(self, sheet, file_errors, warnings):
        """Return {position in the row: column key}; report unknown and repeated headers."""
        columns, unknown = {}, []
        for index, header in enumerate(sheet.headers):
            label = reader.text(header)
            if not label:
                continue
            key = header_key(label)
            letter = reader.cell_name(sheet.header_row, sheet.first_col + index)
            if key in HEADERS:
                column_key = HEADERS[key]
                if column_key in columns.values():
                    file_errors.append(
                        _("Cột “%(header)s” (ô %(cell)s) lặp lại một cột đã có. Hãy xóa một trong hai cột.")
                        % {"header": label, "cell": letter}
                    )
                    continue
                columns[index] = column_key
            elif key not in IGNORED_HEADERS:
                unknown.append(f"“{label}” ({letter})")
        if unknown:
            warnings.append(
                _(
                    "Các cột sau không có trong mẫu nên sẽ không được nhập: %(columns)s. "
                    "Nếu là cột cần nhập, "
                    "hãy đổi tiêu đề cho đúng tệp mẫu."
                )
                % {"columns": ", ".join(unknown)}
            )
        keys = set(columns.values())
        self.missing_columns = not ({"unit", "unit_code"} & keys) or any(key not in keys for key in REQUIRED)
        if "unit" not in keys and "unit_code" not in keys:
            file_errors.append(_("Thiếu cột “Đơn vị” (hoặc “Mã đơn vị”). Hãy dùng dòng tiêu đề của tệp mẫu."))
        for key in REQUIRED:
            if key not in keys:
                file_errors.append(
                    _("Thiếu cột “%(header)s”. Hãy dùng dòng tiêu đề của tệp mẫu.")
                    % {"header": COLUMNS_BY_KEY[key].header}
                )
        self.letters = {key: get_column_letter(sheet.first_col + index) for index, key in columns.items()}
        return columns

    # One row -------------------------------------------------------------------------------

    def column_label(self, key):
        return f"{self.letters.get(key, '')} – {COLUMNS_BY_KEY[key].header}"

    def parse(self, number, values):
        """Return an unsaved ``ImportRow`` with cleaned data or errors; None for an empty row."""
        raw = {}
        for index, key in self.columns.items():
            value = values[index] if index < len(values) else ""
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            raw[key] = value
        if not raw and number not in self.formula_cells:
            return None
        if fold(reader.text(raw.get("name", ""))).startswith(EXAMPLE_KEY):
            self.examples.append(number)
            return None
        row = ImportRow(batch=self.batch, number=number, action=RowAction.ERROR)
        errors, data = [], {}

        def error(key, message):
            errors.append({"column": self.column_label(key) if key else "", "message": message})

        for cell in self.formula_cells.get(number, []):
            errors.append(
                {
                    "column": cell,
                    "message": _(
                        "Ô %(cell)s chứa công thức. "
                        "Hãy thay bằng giá trị (Sao chép → Dán đặc biệt → Chỉ giá trị)."
                    )
                    % {"cell": cell},
                }
            )
        for key, value in raw.items():
            column = COLUMNS_BY_KEY[key]
            try:
                if column.kind == "date":
                    day = reader.parse_date(value)
                    if apply_rule(error, lambda: rules.check_date(day, field=key)):  # noqa: B023
                        data[key] = day
                elif column.kind == "year":
                    data[key] = reader.parse_int(value)
                elif column.kind == "int":
                    number = reader.parse_int(value)
                    if key not in rules.RESULT_LIMITS or apply_rule(
                        error,
                        lambda: rules.check_result(number, field=key),  # noqa: B023
                    ):
                        data[key] = number_for_model(target_model(column), key, number)
                elif column.kind == "choice":
                    choice = CHOICES[key].get(fold(reader.text(value)))
                    if choice is None:
                        labels = ", ".join(f"“{label}”" for label in column.choices.labels)
                        raise reader.CellError(
                            _("“%(value)s” không có trong danh sách. Hãy chọn một trong: ") + labels + "."
                        )
                    data[key] = str(choice)
                elif column.kind == "flag":
                    flag = FLAGS.get(fold(reader.text(value)))
                    if flag is None:
                        raise reader.CellError(_("“%(value)s” không hợp lệ: ghi “Có” hoặc để trống."))
                    data[key] = flag
                elif column.kind == "field":
                    field = self.fields.get(fold(reader.text(value)))
                    if field is None:
                        raise reader.CellError(
                            _(
                                "Lĩnh vực “%(value)s” không có trong danh mục. "
                                "Hãy chọn trong danh sách thả xuống."
                            )
                        )
                    data[key] = field.pk
                else:
                    text = reader.text(value)
                    model = target_model(column)
                    limit = None
                    if key not in ("unit", "unit_code"):
                        # A long text (situation, content...) has the forms' limit: pages, not a document.
                        limit = max_length(model, key) or rules.LONG_TEXT_MAX_LENGTH
                    if limit and len(text) > limit:
                        raise reader.CellError(
                            _("Quá dài (%(length)s ký tự, tối đa %(limit)s). Hãy rút gọn.")
                            % {"length": len(text), "limit": limit}
                        )
                    data[key] = text
            except reader.CellError as problem:
                error(key, str(problem) % {"value": reader.text(value)[:80]})

        year = data.get("year")
        if "year" not in raw:
            error("year", _("Chưa ghi năm đăng ký. Hãy ghi năm, ví dụ 2024."))
        elif year is not None and not apply_rule(error, lambda: rules.check_year(year)):
            year = None
        if not data.get("name") and "name" not in raw:
            error("name", _("Chưa ghi tên mô hình."))
        registered_on = data.get("registered_on")
        if year and registered_on:
            apply_rule(error, lambda: rules.check_registered_on(registered_on, year))
        unit = None
        if "unit" in raw or "unit_code" in raw:
            if year or "year" not in raw:
                unit, problem = self.matcher.resolve(
                    code=data.get("unit_code", ""), name=data.get("unit", ""), year=year, on=registered_on
                )
                if problem:
                    error("unit_code" if data.get("unit_code") else "unit", problem)
        else:
            error("unit" if "unit" in self.columns.values() else "unit_code", _("Chưa ghi đơn vị."))

        row.year = year
        row.label = (data.get("name") or reader.text(raw.get("name", "")))[:600]
        row.unit_label = unit.name if unit else reader.text(raw.get("unit", raw.get("unit_code", "")))[:300]
        if unit and data.get("name") and year:
            row.unit_id_checked = unit.pk
            key = (unit.pk, fold(data["name"]), person_key(data.get("person_name")), year)
            if key in self.seen:
                error(
                    "name",
                    _(
                        "Trùng với dòng %(row)s (cùng đơn vị, cùng tên mô hình, cùng người thực hiện, "
                        "cùng năm). Hãy xóa một trong hai dòng."
                    )
                    % {"row": self.seen[key]},
                )
            else:
                self.seen[key] = number
        row.errors = errors
        row.data = data
        return row

    # Against the database, a chunk at a time -----------------------------------------------

    def candidates(self, unit_id, folded_name):
        """Return the ``Candidate`` initiatives of the unit with that folded name (loaded by ``match``)."""
        return self.initiatives_by_unit[unit_id].get(folded_name, [])

    def former_units(self, unit_id):
        """Return the unit and its former units (through successors): their initiatives carry on here."""
        return self.matcher.former_ids(unit_id)

    def load_candidates(self, unit_ids):
        """Read, for units not read yet, their initiatives by folded name. Two queries."""
        missing = {unit_id for unit_id in unit_ids if unit_id not in self.initiatives_by_unit}
        if not missing:
            return
        family = {unit_id: self.former_units(unit_id) for unit_id in missing}
        every_unit = set().union(*family.values())
        # Owned by the unit, or registered by it (an initiative carried over from elsewhere).
        owned = Initiative.objects.filter(unit_id__in=every_unit).values_list(
            "pk", "unit_id", "name", "person_name", "is_deleted"
        )
        registered = (
            Registration.objects.filter(unit_id__in=every_unit)
            .values_list(
                "initiative_id",
                "unit_id",
                "initiative__name",
                "initiative__person_name",
                "initiative__is_deleted",
            )
            .distinct()
        )
        by_unit = {}
        for pk, unit_id, *values in [*owned, *registered]:
            by_unit.setdefault(unit_id, {})[pk] = values
        for unit_id, units in family.items():
            found = {}
            for unit in units:
                found.update(by_unit.get(unit, {}))
            by_name = {}
            for pk in sorted(found):
                name, person_name, is_deleted = found[pk]
                by_name.setdefault(fold(name), []).append(Candidate(pk, name, person_name, is_deleted))
            self.initiatives_by_unit[unit_id] = by_name

    def match(self, rows):
        self.load_candidates({row.unit_id_checked for row in rows if row.unit_id_checked and not row.errors})
        found = {}
        for row in rows:
            if row.unit_id_checked and not row.errors:
                found[row.number] = self.candidates(row.unit_id_checked, fold(row.data["name"]))
        ids = {candidate.pk for matches in found.values() for candidate in matches}
        initiatives = Initiative.objects.select_related("field").in_bulk(ids)
        # What the user may change, by the rule of the pages: a model of another branch that a
        # unit of the scope once registered is found, and refused, rather than written to.
        changeable = Initiative.objects.restrict(self.user, CHANGE).filter(pk__in=ids)
        self.changeable = set(changeable.values_list("pk", flat=True))
        years = {row.year for row in rows if row.year}
        # The rows' years, and the years before them ("maintained" follows one).
        registrations = {
            (r.initiative_id, r.year): r
            for r in Registration.objects.filter(
                initiative_id__in=ids, year__in=years | {year - 1 for year in years}
            ).select_related("unit", "reviewer", "initiative")
        }
        # The decisions that cover them: a registration is not dated after one.
        self.covering = {}
        links = Decision.registrations.through.objects.filter(
            registration_id__in=[r.pk for r in registrations.values()], decision__is_deleted=False
        ).values_list("registration_id", "decision__signed_on", "decision__number", "decision__symbol")
        for registration_id, signed_on, number, symbol in links:
            covering = SimpleNamespace(signed_on=signed_on, reference=decision_reference(number, symbol))
            self.covering.setdefault(registration_id, []).append(covering)
        self.changeable_registrations = set(
            Registration.objects.restrict(self.user, CHANGE)
            .filter(pk__in=[r.pk for r in registrations.values()])
            .values_list("pk", flat=True)
        )
        for row in rows:
            if row.number in found:
                self.decide(row, found[row.number], initiatives, registrations)
            if row.errors:
                row.action = RowAction.ERROR
                row.data = {}
            self.counts[row.action] += 1

    def meant(self, data, matches):
        """Return the candidates a row means: same person when it names one, exact spelling first."""
        if data.get("person_name"):
            person = person_key(data["person_name"])
            matches = [candidate for candidate in matches if candidate.person == person]
        alive = [candidate for candidate in matches if not candidate.is_deleted]
        if len(alive) > 1:
            written = written_key(data["name"])
            exact = [candidate for candidate in alive if written_key(candidate.name) == written]
            alive = exact if len(exact) == 1 else alive
        return matches, alive

    def decide(self, row, matches, initiatives, registrations):
        data = row.data
        matches, alive = self.meant(data, matches)

        def error(key, message):
            row.errors.append({"column": self.column_label(key), "message": message})

        if len(alive) > 1:
            if all(candidate.person for candidate in alive) and "person_name" in self.columns.values():
                return error(
                    "person_name",
                    _(
                        "Đơn vị có %(count)s mô hình cá nhân cùng tên này, của những người khác nhau. "
                        "Hãy ghi họ và tên người thực hiện để chỉ rõ mô hình nào."
                    )
                    % {"count": len(alive)},
                )
            return error(
                "name",
                _(
                    "Đơn vị có %(count)s mô hình cùng tên này. "
                    "Hãy sửa tên trên phần mềm cho khác nhau rồi nhập lại."
                )
                % {"count": len(alive)},
            )
        if not alive and matches:
            return error(
                "name",
                _(
                    "Mô hình này của đơn vị đang ở mục “Đã xóa”. Hãy khôi phục mô hình trên phần mềm "
                    "rồi tải tệp lên lại."
                ),
            )
        initiative = initiatives.get(alive[0].pk) if alive else None
        registration = registrations.get((initiative.pk, row.year)) if initiative else None
        if registration is not None and registration.is_deleted:
            return error(
                "year",
                _("Đăng ký năm %(year)s của mô hình này đang ở mục “Đã xóa”. Hãy khôi phục thay vì nhập lại.")
                % {"year": row.year},
            )
        if initiative is not None:
            target = (initiative.pk, row.year)
            if target in self.targets:
                return error(
                    "name",
                    _("Dòng này và dòng %(row)s cùng ghi một mô hình, một năm. Hãy xóa một trong hai dòng.")
                    % {"row": self.targets[target]},
                )
            self.targets[target] = row.number
        changes = []
        initiative_changes = self.compare(initiative, INITIATIVE_KEYS, data, changes) if initiative else {}
        registration_changes = (
            self.compare(registration, REGISTRATION_KEYS, data, changes) if registration else {}
        )
        # Only what the user may change, as on the pages: the initiative's columns and a new year
        # of it need the initiative in the scope, a changed registration the registration.
        outside = initiative is not None and initiative.pk not in self.changeable
        if outside and (initiative_changes or registration is None):
            return error(
                next(iter(initiative_changes), "name"),
                _(
                    "Không tìm thấy mô hình “%(name)s” trong các mô hình bạn được cập nhật: mô hình "
                    "của đơn vị khác chỉ do đơn vị đó sửa hoặc đăng ký năm mới. Hãy để trống các cột "
                    "của mô hình, hoặc nếu là mô hình khác của đơn vị bạn, hãy đặt tên khác."
                )
                % {"name": inner(initiative.name)},
            )
        if registration_changes and registration.pk not in self.changeable_registrations:
            return error(
                next(iter(registration_changes)),
                _(
                    "Không tìm thấy đăng ký năm %(year)s của mô hình này trong các đăng ký bạn được "
                    "cập nhật: đăng ký của đơn vị khác chỉ do đơn vị đó sửa."
                )
                % {"year": row.year},
            )

        # The final state must satisfy the registry's rules.
        kind = data.get("kind") or (initiative.kind if initiative else None)
        if kind is None:
            kind = Kind.INDIVIDUAL if data.get("person_name") else Kind.COLLECTIVE
            data["kind"] = kind
        person = data.get("person_name") or (initiative.person_name if initiative else "")
        if kind == Kind.COLLECTIVE:
            person = data.get("person_name")  # a stored name of a model now collective is cleared below
        apply_rule(error, lambda: rules.check_person(kind, person))
        if kind == Kind.COLLECTIVE and initiative and initiative.person_name:
            data["person_name"] = data["person_position"] = ""
        evaluation = data.get("evaluation") or (
            registration.evaluation if registration else Evaluation.PENDING
        )
        evaluated_on = data.get("evaluated_on") or (registration.evaluated_on if registration else None)
        if evaluation == Evaluation.PENDING and data.get("evaluated_on"):
            error("evaluated_on", _("Mô hình chưa đánh giá thì không ghi ngày đánh giá."))
        elif evaluation == Evaluation.PENDING and evaluated_on:
            data["evaluated_on"] = None
        if initiative is None and "field" not in data:
            error("field", _("Mô hình mới phải ghi lĩnh vực. Hãy chọn trong danh sách thả xuống."))
        if registration is None and "registered_on" not in data:
            error("registered_on", _("Chưa ghi ngày đăng ký. Hãy ghi dạng dd/mm/yyyy, ví dụ 15/03/2024."))
        if row.errors:
            return None
        key = (
            ("initiative", initiative.pk)
            if initiative
            else ("new", row.unit_id_checked, fold(data["name"]), person_key(data.get("person_name")))
        )
        last_year = self.registered_before(key, row.year, registrations)
        if registration is None or registration_changes:
            self.check_registration(row, key, last_year, registration, error)
        if row.errors:
            return None

        if registration is None:
            row.action = RowAction.CREATE
            data.setdefault("level", Level.GRASSROOTS)
            if "status" not in data:
                data["status_default"] = rules.default_status(registered_last_year=last_year)
            self.file_years.add((key, row.year))
            if initiative is not None:
                row.initiative_id_checked = initiative.pk
                data["initiative_stamp"] = initiative.updated_at.isoformat()
        else:
            row.initiative_id_checked = initiative.pk
            row.registration_id_checked = registration.pk
            if (initiative_changes or registration_changes) and review.is_locked_for(self.user, registration):
                row.errors.append({"column": "", "message": review.locked_message(registration)})
                return None
            if initiative_changes or registration_changes:
                row.action = RowAction.UPDATE
                data["initiative_stamp"] = initiative.updated_at.isoformat()
                data["registration_stamp"] = registration.updated_at.isoformat()
            else:
                row.action = RowAction.UNCHANGED
        if initiative is not None:
            data["name"] = initiative.name  # matched folded: the stored spelling stays
        row.changes = changes
        row.data = {
            key: value.isoformat() if isinstance(value, datetime.date) else value
            for key, value in data.items()
        }
        return None

    def registered_before(self, key, year, registrations):
        """Tell whether the initiative ``key`` has a registration the year before ``year``.

        Stored, or made by an earlier row of the file.
        """
        if key[0] == "initiative":
            previous = registrations.get((key[1], year - 1))
            if previous is not None and not previous.is_deleted:
                return True
        return (key, year - 1) in self.file_years

    def check_registration(self, row, key, last_year, registration, error):
        """Apply the rules of a registration (``services.registration_validate``) to what the row writes.

        A row "maintained" on a year before that a later row of the file registers is let through
        here and settled by ``refuse_unfollowed`` once the whole file is read.
        """
        data = row.data
        status = data.get("status") or (registration.status if registration else "")
        status = status or rules.default_status(registered_last_year=last_year)
        entered_late = data.get("entered_late", registration.entered_late if registration else False)
        waits = status == RegistrationStatus.MAINTAINED and not entered_late and not last_year
        unit = self.matcher.units[row.unit_id_checked] if registration is None else registration.unit
        apply_rule(
            error,
            lambda: rules.check_registration(
                year=row.year,
                registered_on=data.get("registered_on") or registration.registered_on,
                unit=unit,
                status=status,
                entered_late=entered_late,
                registered_last_year=last_year or waits,
                decisions=self.covering.get(registration.pk, ()) if registration else (),
            ),
            unit_key="unit_code" if data.get("unit_code") else "unit",
        )
        if waits:
            self.awaiting.append((row.number, key, row.year))

    def refuse_unfollowed(self):
        """Refuse the rows "maintained" on a year before that the file did not register after all."""
        failed = {}
        settled = False
        while not settled:  # a refused row may be the year before of another one
            settled = True
            for number, key, year in self.awaiting:
                if number not in failed and (key, year - 1) not in self.file_years:
                    failed[number] = year
                    self.file_years.discard((key, year))
                    settled = False
        if not failed:
            return
        rows = list(ImportRow.objects.filter(batch=self.batch, number__in=failed))
        for row in rows:
            try:
                rules.check_status(
                    RegistrationStatus.MAINTAINED,
                    year=failed[row.number],
                    registered_last_year=False,
                    entered_late=False,
                )
            except ValidationError as problem:
                for message in problem.message_dict["status"]:
                    row.errors.append({"column": self.column_label("status"), "message": message})
            self.counts[row.action] -= 1
            self.counts[RowAction.ERROR] += 1
            row.action, row.data = RowAction.ERROR, {}
        ImportRow.objects.bulk_update(rows, ["action", "errors", "data"])

    def compare(self, obj, keys, data, changes):
        """Return {key: new value} for the filled cells that differ from ``obj``; describe them."""
        different = {}
        for key in keys:
            if key not in data:
                continue
            old = getattr(obj, "field_id" if key == "field" else key)
            new = data[key]
            if old != new:
                different[key] = new
                changes.append(
                    {
                        "label": COLUMNS_BY_KEY[key].header,
                        "old": display(key, old, self.field_names),
                        "new": display(key, new, self.field_names),
                    }
                )
        return different
