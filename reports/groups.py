"""The figures of a group of units (cụm thi đua, khối thi đua): a report root like a unit.

A group's figures are the sums of its members' subtrees, counted "as reported" (each
registration under the unit that registered it, the tree as it stood): a member closed by a
reorganisation keeps its years, and the units carrying it on are not members unless the group
names them. Members never hold one another (``registry.groups``), so every registration is
counted once.

The counts come from the kept counts (``Tally``) of the member units, one query for all of
them, when the user may read a member's whole subtree and the period falls on the tally's
grain; otherwise that member is counted from the registrations the user may see, as
``selectors.figures.Source`` does, one query for all such members. Either way a fixed number of queries,
whatever the number of members and registrations.
"""

from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.choices import PARTY_UNIT_TYPES, Grade, Kind, RegistrationStatus, StandardField
from registry.defaults import default_year
from registry.formats import grouped
from registry.measures import DETAIL_MEASURES, LEVEL_GRADE_MEASURES, MEASURES
from registry.models import Registration, Tally, UnitGroup
from registry.querysets import path_q
from registry.scope import scope_of

from . import tables
from .periods import REPORTED
from .selectors.figures import ALL_KEYS, SUMMARY_MEASURES, _counts, _tally_by_period, _with_change

MEASURE_KEYS = [m.key for m in MEASURES]
SUMMARY_KEYS = [m.key for m in SUMMARY_MEASURES]
LEVEL_GRADE_KEYS = [m.key for m in LEVEL_GRADE_MEASURES]


def group_of(user, pk):
    """Return the group ``pk`` if ``user`` may see it (every member in scope), else raise Http404."""
    return get_object_or_404(UnitGroup.objects.visible_to(user).select_related("owner"), pk=pk)


def group_period(user, group, form):
    """Return the period the group's page shows for the picker ``form``, always as reported."""
    period = form.get_period(default_year=lambda: default_year(user, group.owner))
    return period.in_structure(REPORTED)


def _members(group):
    return list(
        group.members.order_by("path").values("pk", "name", "path", "unit_type", "valid_from", "valid_to")
    )


def _member_counts(user, members, period):
    """Return {member pk: (current counts, previous counts)} over every key of ``ALL_KEYS``.

    One query for the members counted from the tally, one for those counted live.
    """
    periods = [period, period.previous()]
    on_grain = all(item.tally_q() is not None for item in periods)
    scope = scope_of(user)
    kept = [m for m in members if on_grain and scope.covers(m["path"])]
    live = [m for m in members if not (on_grain and scope.covers(m["path"]))]
    counts = {}
    if kept:
        rows = Tally.objects.filter(unit_id__in=[m["pk"] for m in kept])
        for (unit_id,), pair in _tally_by_period(rows, periods, by=("unit_id",)).items():
            counts[unit_id] = tuple(pair)
    if live:
        current, previous = period.q(), period.previous().q()
        member = Case(
            *[When(unit__path__startswith=m["path"], then=Value(m["pk"])) for m in live],
            default=Value(0),
            output_field=IntegerField(),
        )
        measures = MEASURES + LEVEL_GRADE_MEASURES + DETAIL_MEASURES
        rows = (
            Registration.objects.restrict(user)
            .alive()
            .filter(path_q("unit__path", [m["path"] for m in live]))
            .filter(current | previous)
            .annotate(member=member)
            .values("member")
            .annotate(**_counts(current, "cur_", measures), **_counts(previous, "prev_", measures))
            .order_by()
        )
        for row in rows:
            counts[row["member"]] = (
                {key: row[f"cur_{key}"] or 0 for key in ALL_KEYS},
                {key: row[f"prev_{key}"] or 0 for key in ALL_KEYS},
            )
    return counts


def _existed(unit, period):
    return (unit["valid_from"] is None or unit["valid_from"] <= period.end) and (
        unit["valid_to"] is None or unit["valid_to"] >= period.start
    )


def group_figures(user, group, period):
    """Return the group's table by member, its total and participation, and its summary.

    Kept on ``group`` for the request: the summary and the table are read from one counting.
    """
    period = period.in_structure(REPORTED)
    kept = group.__dict__.setdefault("_figures", {})
    key = (getattr(user, "pk", None), period)
    if key in kept:
        return kept[key]
    members = _members(group)
    counts = _member_counts(user, members, period)
    empty = dict.fromkeys(ALL_KEYS, 0)
    rows = []
    total_current, total_previous = dict(empty), dict(empty)
    for unit in members:
        current, previous = counts.get(unit["pk"], (empty, empty))
        for name in ALL_KEYS:
            total_current[name] += current[name]
            total_previous[name] += previous[name]
        rows.append(
            {
                "unit": {
                    "pk": unit["pk"],
                    "path": unit["path"],
                    "name": unit["name"],
                    "valid_to": unit["valid_to"],
                    "closed_in_period": bool(unit["valid_to"] and unit["valid_to"] <= period.end),
                    "existed": _existed(unit, period),
                    "is_party": unit["unit_type"] in PARTY_UNIT_TYPES,
                    "unit_type": unit["unit_type"],
                    "is_root": False,
                },
                **_with_change({k: current[k] for k in MEASURE_KEYS}, {k: previous[k] for k in MEASURE_KEYS}),
            }
        )
    total = _with_change(
        {k: total_current[k] for k in MEASURE_KEYS}, {k: total_previous[k] for k in MEASURE_KEYS}
    )
    whole = _with_change(
        {k: total_current[k] for k in SUMMARY_KEYS}, {k: total_previous[k] for k in SUMMARY_KEYS}
    )
    participation = {
        "existed": len(rows),
        "participating": sum(1 for row in rows if row["current"]["total"]),
        "all_party": all(row["unit"]["is_party"] for row in rows),
        "unit_types": sorted({row["unit"]["unit_type"] for row in rows}),
        "total": total["current"]["total"],
    }
    summary = {**whole, "by_level_grade": {k: total_current[k] for k in LEVEL_GRADE_KEYS}}
    figures = {
        "table": {"rows": rows, "total": total, "participation": participation},
        "summary": summary,
    }
    kept[key] = figures
    return figures


def group_summary(user, group, period):
    """Return every measure of the group for the period and the same period last year, with the change.

    The shape of ``selectors.summary``: current, previous, change, percent and by_level_grade.
    """
    return group_figures(user, group, period)["summary"]


def group_unit_table(user, group, period):
    """Return the table by member unit, in the shape of ``selectors.unit_table``: rows, total, participation.

    Participation: the members with at least one registration in the period, of all members.
    """
    return group_figures(user, group, period)["table"]


def participation_text(table, period):
    """Say the group's participation the way reports do: "45 mô hình của 3/3 đơn vị thành viên"."""
    p, total = table["participation"], table["total"]
    line = _("Tổng số %(total)s mô hình của %(participating)s/%(members)s đơn vị thành viên") % {
        "total": grouped(p["total"]),
        "participating": p["participating"],
        "members": p["existed"],
    }
    change = total["change"]["total"]
    compared = {"n": grouped(abs(change)), "previous": period.previous().label}
    if change > 0:
        line += _("; tăng %(n)s mô hình so với cùng kỳ %(previous)s") % compared
    elif change < 0:
        line += _("; giảm %(n)s mô hình so với cùng kỳ %(previous)s") % compared
    else:
        line += _("; bằng cùng kỳ %(previous)s") % compared
    percent = tables.percent_text(total["percent"]["total"])
    if percent:
        line += f" ({percent})"
    return line + "."


# The lines of the group's summary, on the page and in the workbook: (measure, label, indented).
SUMMARY_LINES = [
    ("total", gettext_lazy("Tổng số mô hình, điển hình"), False),
    *((kind.value, kind.label, True) for kind in Kind),
    (RegistrationStatus.MAINTAINED.value, RegistrationStatus.MAINTAINED.label, True),
    (RegistrationStatus.NEW.value, RegistrationStatus.NEW.label, True),
    *((f"grade_{grade.value}", grade.label, True) for grade in Grade),
    *((f"field_{field.value}", field.label, True) for field in StandardField),
    ("effective", gettext_lazy("Đánh giá hiệu quả"), False),
    ("recognised", gettext_lazy("Được công nhận"), False),
    *((f"recognised_{kind.value}", kind.label, True) for kind in Kind),
    ("commended", gettext_lazy("Được khen thưởng"), False),
    ("proposed_recognition", gettext_lazy("Đề nghị công nhận"), False),
    ("proposed_commendation", gettext_lazy("Đề nghị khen thưởng"), False),
    # The results the registrations report, summed: no rows of their own to list.
    ("results_people", gettext_lazy("Số người tham gia, hưởng lợi"), False),
    ("results_money", gettext_lazy("Kinh phí huy động (đồng)"), False),
    ("results_workdays", gettext_lazy("Ngày công"), False),
]
SUMS = {"results_people", "results_money", "results_workdays"}


def summary_lines(summary):
    """Return the summary's lines: label, this period, the same period last year, the change, per cent."""
    return [
        {
            "key": key,
            "label": str(label),
            "is_sum": key in SUMS,
            "indented": indented,
            "current": summary["current"][key],
            "previous": summary["previous"][key],
            "change": summary["change"][key],
            "percent": tables.percent_text(summary["percent"][key]),
        }
        for key, label, indented in SUMMARY_LINES
    ]
