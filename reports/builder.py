"""The table builder (bảng tùy chọn): counts and sums of registrations by dimensions the user picks.

The dimensions are listed once, in ``DIMENSIONS``: each says what it groups the registrations
by (an ORM expression over ``Registration``), how its values are labelled and ordered, and the
registration list's GET parameters that select exactly the registrations of a value, so that
every cell links to its rows.

The body of the table is one GROUP BY query over ``selectors.registrations`` (scoped, alive, in
the period); by award form, two (the registrations' links to their award forms, and those with
none). The totals and subtotals are summed from it in Python, except across the award form: a
registration commended with two award forms counts once in each, so a total over the award
forms is counted by the database again without them (one query per such total, at most
five). The number of queries stays the same whatever the data.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Sum
from django.db.models.functions import ExtractQuarter, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.choices import (
    LEVEL_RANK,
    DecisionKind,
    Evaluation,
    Grade,
    Kind,
    Level,
    RegistrationStatus,
    ReviewState,
    StandardField,
    UnitType,
)
from registry.models import AwardForm, Decision, Field, Unit

from . import selectors
from .periods import ROMAN
from .selectors.roots import UNIT_PATH

MAX_CELLS = 5000
RANK_LEVEL = {rank: level for level, rank in LEVEL_RANK.items()}


class BuilderError(ValueError):
    """A table the builder refuses to count or show, with the reason in Vietnamese."""


@dataclass(frozen=True)
class Dimension:
    """What the rows or columns of a built table can be: one value per registration (or several).

    ``expression(root, structure, prefix="")`` is what the registrations are grouped by (read
    through ``prefix`` from another model); ``labels(values, root)`` names the values found (at
    most one query), a label may come as (text, the value the list selects it by);
    ``params(value, root, structure)`` are
    the list's GET parameters that select exactly the registrations of a value; ``order`` is
    the sort key of a value, given the labels.
    """

    key: str
    label: Any
    expression: Any
    labels: Any
    params: Any
    order: Any = None
    multi: bool = False  # a registration may have several values (the award forms)
    note: Any = ""


def _choices(enum, none_label=None):
    order = {value: index for index, value in enumerate(enum.values)}

    def labels(values, root):
        named = dict(enum.choices)
        return {value: str(named.get(value, value)) if value is not None else none_label for value in values}

    return labels, lambda value, labels: (value is None, order.get(value, len(order)), labels.get(value))


def _plain(path):
    return lambda root, structure, prefix="": F(f"{prefix}{path}")


def _param(name):
    return lambda value, root, structure: {name: value}


# --- The unit: the direct subordinate unit of the root whose subtree holds the registration.


def _branch(root, structure, prefix=""):
    return Substr(f"{prefix}{UNIT_PATH[structure]}", 1, len(root.path) + Unit.steplen)


def _unit_labels(values, root):
    """Name each branch by its unit; the list selects it by the unit's id (the root: its own rows)."""
    units = {
        path: (name, pk)
        for path, name, pk in Unit.objects.filter(path__in=[v for v in values if v]).values_list(
            "path", "name", "pk"
        )
    }
    labels = {}
    for value in values:
        if value == root.path:
            labels[value] = (_("%(name)s (trực tiếp)") % {"name": root.name}, value)
        else:
            labels[value] = units.get(value, (value, None))
    return labels


def _unit_params(value, root, structure):
    if value == root.path:  # the root's own registrations, without its subordinate units'
        return {"unit_own": root.pk}
    return {"unit": value}


# --- The local field, by its pk.


def _field_labels(values, root):
    names = dict(Field.objects.filter(pk__in=[v for v in values if v]).values_list("pk", "name"))
    return {value: names.get(value, _("(không rõ)")) for value in values}


def _field_order():
    return lambda value, labels: (value is None, labels.get(value) or "")


# --- The highest recognition, kept on the registration as the rank of its level.


def _recognition_labels(values, root):
    named = dict(Level.choices)
    return {
        value: str(named[RANK_LEVEL[value]]) if value in RANK_LEVEL else _("Chưa được công nhận")
        for value in values
    }


def _recognition_params(value, root, structure):
    if value is None:
        return {"recognised": "false"}
    return {"recognition_level": RANK_LEVEL[value]}


# --- The award form, through the decisions covering the registration (not deleted).


def _award_labels(values, root):
    names = dict(AwardForm.objects.filter(pk__in=[v for v in values if v]).values_list("pk", "name"))
    return {value: names.get(value, "") if value else _("Chưa được khen thưởng") for value in values}


def _award_order(value, labels):
    return (value is None, labels.get(value) or "")


def _award_params(value, root, structure):
    return {"award_form": value if value is not None else "null"}


def _year_labels(values, root):
    return {value: str(value) for value in values}


def _quarter(root, structure, prefix=""):
    return ExtractQuarter(f"{prefix}registered_on")


def _quarter_labels(values, root):
    named = {number: _("Quý %(roman)s") % {"roman": roman} for number, roman in ROMAN.items()}
    return {value: named.get(value, _("(không rõ)")) for value in values}


def _dimensions():
    kind_labels, kind_order = _choices(Kind)
    grade_labels, grade_order = _choices(Grade)
    level_labels, level_order = _choices(Level)
    standard_labels, standard_order = _choices(StandardField)
    evaluation_labels, evaluation_order = _choices(Evaluation)
    state_labels, state_order = _choices(ReviewState)
    status_labels, status_order = _choices(RegistrationStatus)
    type_labels, type_order = _choices(UnitType)
    rank_order = {rank: index for index, rank in enumerate(sorted(RANK_LEVEL, reverse=True))}
    return [
        Dimension(
            "unit_type", gettext_lazy("Loại đơn vị đăng ký"), _plain("unit__unit_type"), type_labels,
            _param("unit_type"), type_order,
        ),
        Dimension(
            "unit", gettext_lazy("Đơn vị trực thuộc"), _branch, _unit_labels, _unit_params,
            lambda value, labels: (value is None, value or ""),
        ),
        Dimension(
            "field", gettext_lazy("Lĩnh vực"), _plain("initiative__field"), _field_labels,
            _param("field"), _field_order(),
        ),
        Dimension(
            "standard_field", gettext_lazy("Lĩnh vực chuẩn"), _plain("initiative__field__standard"),
            standard_labels, _param("standard_field"), standard_order,
        ),
        Dimension("kind", gettext_lazy("Loại mô hình"), _plain("initiative__kind"), kind_labels,
                  _param("kind"), kind_order),
        Dimension("grade", gettext_lazy("Xếp loại"), _plain("initiative__grade"), grade_labels,
                  _param("grade"), grade_order),
        Dimension("level", gettext_lazy("Cấp đăng ký"), _plain("level"), level_labels,
                  _param("level"), level_order),
        Dimension("evaluation", gettext_lazy("Đánh giá"), _plain("evaluation"), evaluation_labels,
                  _param("evaluation"), evaluation_order),
        Dimension(
            "recognition", gettext_lazy("Công nhận cao nhất"), _plain("recognition_rank"),
            _recognition_labels, _recognition_params,
            lambda value, labels: (value is None, rank_order.get(value, 0)),
        ),
        Dimension(
            "award_form", gettext_lazy("Hình thức khen thưởng"), _plain("decision__award_form"),
            _award_labels, _award_params, _award_order, multi=True,
            note=gettext_lazy(
                "Một mô hình được khen thưởng bằng nhiều hình thức được tính ở mỗi hình thức; "
                "dòng, cột tổng cộng đếm mỗi mô hình một lần."
            ),
        ),
        Dimension("review_state", gettext_lazy("Trạng thái xét duyệt"), _plain("review_state"),
                  state_labels, _param("review_state"), state_order),
        Dimension("status", gettext_lazy("Đăng ký mới, duy trì"), _plain("status"), status_labels,
                  _param("status"), status_order),
        Dimension("year", gettext_lazy("Năm"), _plain("year"), _year_labels, _param("year"),
                  lambda value, labels: (value is None, value or 0)),
        Dimension(
            "quarter", gettext_lazy("Quý (theo ngày đăng ký)"),
            _quarter, _quarter_labels, _param("quarter"),
            lambda value, labels: (value is None, value or 0),
        ),
    ]  # fmt: skip


DIMENSIONS = {dimension.key: dimension for dimension in _dimensions()}
DIMENSION_CHOICES = [(d.key, d.label) for d in DIMENSIONS.values()]


@dataclass(frozen=True)
class Measure:
    key: str
    label: Any
    column: str | None  # the registration column summed; None: the number of registrations


MEASURES = {
    m.key: m
    for m in (
        Measure("count", gettext_lazy("Số mô hình"), None),
        Measure("people_reached", gettext_lazy("Số người tham gia, hưởng lợi"), "people_reached"),
        Measure("money_mobilised", gettext_lazy("Kinh phí huy động (đồng)"), "money_mobilised"),
        Measure("workdays", gettext_lazy("Ngày công"), "workdays"),
    )
}
MEASURE_CHOICES = [(m.key, m.label) for m in MEASURES.values()]


@dataclass
class Layout:
    """The dimensions chosen: one or two on the rows, at most one on the columns."""

    rows: list = field(default_factory=list)
    columns: list = field(default_factory=list)
    measure: str = "count"

    def __post_init__(self):
        keys = [*self.rows, *self.columns]
        unknown = [key for key in keys if key not in DIMENSIONS]
        if unknown:
            raise BuilderError(_("Không có chiều thống kê “%(key)s”.") % {"key": unknown[0]})
        if len(set(keys)) != len(keys):
            raise BuilderError(_("Mỗi chiều chỉ được chọn một lần (ở dòng hoặc ở cột)."))
        if len(self.rows) > 2 or len(self.columns) > 1:
            raise BuilderError(_("Bảng có tối đa hai chiều ở dòng và một chiều ở cột."))
        if not self.rows:
            raise BuilderError(_("Hãy chọn ít nhất một chiều cho các dòng."))
        if self.measure not in MEASURES:
            raise BuilderError(_("Không có số liệu “%(key)s”.") % {"key": self.measure})

    @property
    def dimensions(self):
        return [DIMENSIONS[key] for key in [*self.rows, *self.columns]]


def _awarded(base):
    """Return the links of ``base``'s registrations to their decisions with an award form, once per form.

    Only commendations not deleted count; of two with the same form for one registration, only
    the first is kept, so that each (registration, award form) is one row.
    """
    through = Decision.registrations.through
    links = through.objects.filter(
        decision__kind=DecisionKind.COMMENDATION,
        decision__is_deleted=False,
        decision__award_form__isnull=False,
    )
    earlier_same_form = links.filter(
        registration_id=OuterRef("registration_id"),
        decision__award_form_id=OuterRef("decision__award_form_id"),
        decision_id__lt=OuterRef("decision_id"),
    )
    return links.filter(registration__in=base.values("pk")).filter(~Exists(earlier_same_form)), links


def _aggregates(prefix=""):
    aggregates = {"m_count": Count(f"{prefix}pk")}
    for measure in MEASURES.values():
        if measure.column:
            aggregates[f"m_{measure.key}"] = Sum(f"{prefix}{measure.column}")
    return aggregates


def _rows(qs, names, aggregates, limit):
    if names:
        qs = qs.values(**names).annotate(**aggregates).order_by()
        return list(qs[: limit + 1] if limit else qs)
    return [qs.aggregate(**aggregates)]


def _grouped(base, dimensions, root, structure, limit=None):
    """Count (and sum) ``base`` by ``dimensions``: {values tuple: {"count", sums...}}. One query.

    By award form: two queries, the registrations' links to their award forms, and the
    registrations with none.
    """
    if any(d.multi for d in dimensions):
        awarded, links = _awarded(base)
        prefix = "registration__"
        names = {f"d_{d.key}": d.expression(root, structure, "" if d.multi else prefix) for d in dimensions}
        rows = _rows(awarded, names, _aggregates(prefix), limit)
        others = {f"d_{d.key}": d.expression(root, structure) for d in dimensions if not d.multi}
        without = base.filter(~Exists(links.filter(registration_id=OuterRef("pk"))))
        for row in _rows(without, others, _aggregates(), limit):
            rows.append({**row, **{f"d_{d.key}": None for d in dimensions if d.multi}})
        rows = [row for row in rows if row["m_count"]]  # an aggregate without a group: no row
    else:
        names = {f"d_{d.key}": d.expression(root, structure) for d in dimensions}
        rows = _rows(base, names, _aggregates(), limit)
    grouped = {}
    for row in rows:
        key = tuple(row[f"d_{d.key}"] for d in dimensions)
        grouped[key] = {m: row[f"m_{m}"] or 0 for m in MEASURES}
    return grouped


def _add(target, counts):
    for key, value in counts.items():
        target[key] = target.get(key, 0) + value


def _totals(body, dimensions, kept, base, root, structure):
    """The totals by the dimensions ``kept`` (indexes into ``dimensions``).

    Summed from ``body`` unless a dimension left out has several values per registration:
    then counted again by the database.
    """
    dropped = [d for index, d in enumerate(dimensions) if index not in kept]
    if any(d.multi for d in dropped):
        return _grouped(base, [dimensions[index] for index in kept], root, structure)
    totals = {}
    for key, counts in body.items():
        _add(totals.setdefault(tuple(key[index] for index in kept), {}), counts)
    return totals


def build(user, root, period, layout):
    """Return the built table of ``root``'s registrations in ``period``, arranged by ``layout``.

    With two row dimensions, the rows of each value of the first end with their subtotal.

    Raises ``BuilderError`` (a Vietnamese message) for a table of more than ``MAX_CELLS`` cells.
    A fixed number of queries: the body, the labels of the units, fields and award forms met,
    and the totals and subtotals across the award form.
    """
    structure = period.structure
    base = selectors.registrations(user, root, period)
    dimensions = layout.dimensions
    n_rows = len(layout.rows)
    body = _grouped(base, dimensions, root, structure, limit=MAX_CELLS)
    if len(body) > MAX_CELLS:
        raise BuilderError(_too_many())
    values = [sorted({key[index] for key in body}, key=_none_last) for index in range(len(dimensions))]
    labels, refs = [], []
    for index, d in enumerate(dimensions):
        # A label may come with the value the list selects it by (a unit's id for its path).
        named = d.labels(values[index], root)
        labels.append({v: text[0] if isinstance(text, tuple) else text for v, text in named.items()})
        refs.append({v: text[1] for v, text in named.items() if isinstance(text, tuple)})
    for index, d in enumerate(dimensions):
        values[index].sort(key=lambda value, d=d, index=index: d.order(value, labels[index]))
    positions = [{value: place for place, value in enumerate(found)} for found in values]
    row_keys = sorted(
        {key[:n_rows] for key in body}, key=lambda key: tuple(positions[i][v] for i, v in enumerate(key))
    )
    column_keys = [(value,) for value in values[n_rows]] if layout.columns else [()]
    if len(row_keys) * max(len(column_keys), 1) > MAX_CELLS:
        raise BuilderError(_too_many())
    row_totals = _totals(body, dimensions, range(n_rows), base, root, structure)
    column_totals = _totals(body, dimensions, range(n_rows, len(dimensions)), base, root, structure)
    grand = _totals(body, dimensions, (), base, root, structure).get((), {})
    empty = dict.fromkeys(MEASURES, 0)
    base_params = {"unit": root.pk, **period.list_params()}

    def params_of(key, offset=0):
        result = {}
        for index, value in enumerate(key, start=offset):
            result.update(dimensions[index].params(refs[index].get(value, value), root, structure))
        return result

    def line(key, cells_of, total_of, **extra):
        row_params = params_of(key)
        cells = [
            _cell(cells_of.get(key + column_key, empty), layout.measure,
                  {**base_params, **row_params, **params_of(column_key, n_rows)})
            for column_key in column_keys
        ]  # fmt: skip
        total = _cell(total_of.get(key, empty), layout.measure, {**base_params, **row_params})
        labels_ = [labels[index][value] for index, value in enumerate(key)]
        return {
            "key": key,
            "labels": labels_,
            "cells": cells,
            "total": total if layout.columns else None,
            **extra,
        }

    if n_rows == 2:  # each value of the first row dimension ends with its subtotal ("Cộng")
        kept = [0, *range(n_rows, len(dimensions))]
        group_cells = _totals(body, dimensions, kept, base, root, structure)
        group_totals = (
            _totals(body, dimensions, [0], base, root, structure) if layout.columns else group_cells
        )
    rows = []
    for index, key in enumerate(row_keys):
        rows.append(line(key, body, row_totals))
        if n_rows == 2 and (index + 1 == len(row_keys) or row_keys[index + 1][0] != key[0]):
            subtotal = line(key[:1], group_cells, group_totals, subtotal=True)
            subtotal["key"] = (key[0], None)
            subtotal["labels"].append(_("Cộng"))
            rows.append(subtotal)
    _span_first_labels(rows, n_rows)
    columns = [
        {
            "key": column_key,
            "label": labels[n_rows][column_key[0]] if column_key else str(MEASURES[layout.measure].label),
            "total": _cell(
                column_totals.get(column_key, empty),
                layout.measure,
                {**base_params, **params_of(column_key, n_rows)},
            ),
        }
        for column_key in column_keys
    ]
    return {
        "layout": layout,
        "measure": MEASURES[layout.measure],
        "row_dimensions": [DIMENSIONS[key] for key in layout.rows],
        "column_dimension": DIMENSIONS[layout.columns[0]] if layout.columns else None,
        "rows": rows,
        "columns": columns,
        "total": _cell(grand or empty, layout.measure, base_params),
        "notes": [str(d.note) for d in dimensions if d.note],
    }


def _none_last(value):
    return (value is None, str(value))


def _span_first_labels(rows, n_rows):
    """With two row dimensions, the first one's label spans the rows it heads (``span``; 0: covered)."""
    if n_rows < 2:
        return
    start = None
    for index, row in enumerate(rows):
        if start is not None and rows[start]["key"][0] == row["key"][0]:
            rows[start]["span"] += 1
            row["span"] = 0
        else:
            start = index
            row["span"] = 1


def _cell(counts, measure, params):
    """A cell: the measure's value, the number of registrations, and the list's parameters behind it."""
    return {"value": counts[measure], "count": counts["count"], "params": params if counts["count"] else None}


def _too_many():
    return _("Bảng này có hơn %(max)s ô: hãy chọn ít chiều hơn, một kỳ ngắn hơn hoặc một đơn vị nhỏ hơn.") % {
        "max": f"{MAX_CELLS:,}".replace(",", ".")
    }


def describe(table):
    """Say what a built table counts: "Số mô hình theo Đơn vị trực thuộc (dòng) và Năm (cột)"."""
    rows = ", ".join(str(d.label) for d in table["row_dimensions"])
    if table["column_dimension"] is None:
        return _("%(measure)s theo %(rows)s") % {"measure": table["measure"].label, "rows": rows}
    return _("%(measure)s theo %(rows)s (dòng) và %(columns)s (cột)") % {
        "measure": table["measure"].label,
        "rows": rows,
        "columns": table["column_dimension"].label,
    }
