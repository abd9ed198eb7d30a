"""The report figures: plain functions that take the user and the filter values.

Every function starts from ``restrict(user)``, lets the database count with
``Count(..., filter=Q(...))`` and runs a fixed number of queries whatever the size of the
data. The same functions feed the dashboard, the report page and the Excel workbook, so the
download always equals the screen.

The measures counted for any set of registrations are listed once, in ``registry.measures``,
together with the registration list's GET parameters that select exactly the registrations
behind each count; the drill-down links are built from the same list.
"""

from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr

from registry import lineage, rules
from registry.choices import (
    PARTY_UNIT_TYPES,
    DecisionKind,
    Kind,
    RegistrationStatus,
    ReorganisationStatus,
    ReviewState,
    StandardField,
)
from registry.measures import DETAIL_MEASURES, LEVEL_GRADE_MEASURES, MEASURES, TALLY_KEYS
from registry.models import CurrentTally, Decision, Field, Lineage, Tally, Unit
from registry.querysets import plain_rows

from ..cache import cached
from ..cache import figures as figure_cache
from ..periods import CURRENT, REPORTED
from .roots import UNIT_PATH, registrations, sees_whole_subtree

TALLIES = {REPORTED: Tally, CURRENT: CurrentTally}


TREND_MEASURES = ["total", Kind.COLLECTIVE, Kind.INDIVIDUAL, RegistrationStatus.NEW,
                  RegistrationStatus.MAINTAINED, "recognised"]  # fmt: skip


def _counts(within, prefix="", measures=MEASURES):
    """Return the named Count expressions of the measures, over the registrations matching ``within``."""
    return {f"{prefix}{m.key}": m.aggregate(within) for m in measures}


def _tally_counts(within, prefix="", measures=MEASURES):
    """Return the same figures as ``_counts``, summed over the tally rows matching ``within``."""
    sums = {}
    for m in measures:
        if m.key in TALLY_KEYS:
            sums[f"{prefix}{m.key}"] = Sum(m.key, filter=within)
        else:  # a standard field: the tally keeps the field of each row
            sums[f"{prefix}{m.key}"] = Sum(
                "total", filter=within & Q(field__standard=m.params["standard_field"])
            )
    return sums


# The sums read from the tally: its columns, and the standard fields from its field column.
# Prefixed: a sum may not bear the name of the column it sums.
_TALLY_SUMS = {
    **{f"s_{key}": Sum(key) for key in TALLY_KEYS},
    **{
        f"s_field_{standard.value}": Sum("total", filter=Q(field__standard=standard))
        for standard in StandardField
    },
}
ALL_KEYS = [m.key for m in MEASURES + LEVEL_GRADE_MEASURES + DETAIL_MEASURES]
# The summary holds the main measures and the finer figures reports quote, with their change.
SUMMARY_MEASURES = MEASURES + DETAIL_MEASURES


def _tally_by_period(rows, periods, by=()):
    """Sum tally ``rows`` per ``by`` group into one counts dict per period. One query.

    The database sums plain columns, grouped by the period's grain (year or quarter); each
    group is then given to the period it falls in. Summing with a FILTER per period and
    measure made PostgreSQL three times slower.
    """
    bounds = [period.tally_bounds() for period in periods]
    grain = bounds[0][0]
    within = Q()
    for period in periods:
        within |= period.tally_q()
    grouped = {}
    # Run the compiled query directly: the ORM's per-value conversion of some fifty sums a row
    # cost as much as the query itself.
    names, values = plain_rows(rows.filter(within).values(*by, grain).annotate(**_TALLY_SUMS).order_by())
    fetched = [dict(zip(names, row, strict=True)) for row in values]
    for row in fetched:
        group = tuple(row[name] for name in by)
        counts = grouped.get(group)
        if counts is None:
            counts = grouped[group] = [dict.fromkeys(ALL_KEYS, 0) for _period in periods]
        key = row[grain]
        for index, (_grain, first, last) in enumerate(bounds):
            if first <= key <= last:
                target = counts[index]
                for name in ALL_KEYS:
                    # PostgreSQL sums bigint columns as numeric: keep whole numbers ints.
                    target[name] += int(row[f"s_{name}"] or 0)
    return grouped


class Source:
    """Where the figures of a root's subtree are counted, for some periods.

    From the counts kept ready (``Tally``) when every period falls on their grain (years,
    quarters, half-years, quarter-aligned ranges): a few thousand rows even for the whole
    country. Otherwise from the registrations themselves, which gives the same figures.
    """

    def __init__(self, user, root, *periods):
        self.root = root
        self.structure = periods[0].structure
        self.on = periods[0].on
        # The unit path registrations are placed by: the registering unit's, or its carrier's.
        self.path = UNIT_PATH[self.structure]
        self.model = TALLIES[self.structure]
        # The tally counts a whole subtree: use it only when the user may see all of it. The
        # structure of a past day is counted live: the tally keeps today's and the reported one.
        self.tally = (
            self.on is None
            and sees_whole_subtree(user, root)
            and all(period.tally_q() is not None for period in periods)
        )
        if self.tally:
            self.rows = self.model.objects.filter(unit=root)
            self.counts = _tally_counts
            self.field = "field"
        else:
            self.rows = registrations(user, root, structure=self.structure, on=self.on)
            self.counts = _counts
            self.field = "initiative__field"
            if self.on is not None:
                self.path = "placed_path"
                self.rows = self.rows.annotate(placed_path=lineage.placement_on(self.on, user).path())

    def q(self, period):
        return period.tally_q() if self.tally else period.q()


def _unprefix(row, prefix, measures=MEASURES):
    # Sums of bigint columns come back from PostgreSQL as Decimal: every figure is an int.
    return {m.key: int(row[f"{prefix}{m.key}"] or 0) for m in measures}


def _with_change(current, previous):
    """Return, for every measure, the current and previous counts and the change in number and per cent."""
    change = {key: current[key] - previous[key] for key in current}
    # Exact (a Decimal), so that rounding half up never meets a binary fraction's error.
    percent = {
        key: (Decimal(100 * change[key]) / previous[key]) if previous[key] else None for key in current
    }  # fmt: skip
    return {"current": current, "previous": previous, "change": change, "percent": percent}


def draft_count(user, root, period):
    """Return how many registrations of the period are still drafts in ``root``'s subtree. One query.

    Drafts are few (a campaign's, before their units submit them) and found from their own index.
    """
    qs = registrations(user, root, period.with_drafts(), structure=period.structure)
    return qs.filter(review_state=ReviewState.DRAFT).count()


@figure_cache
def summary(user, root, period):
    """Return every measure for the period and for the same period last year, with the change. One query.

    The measures are the main ones and the finer figures reports quote (``DETAIL_MEASURES``:
    effective by kind and level, grade by kind, commended by kind, the results summed);
    ``by_level_grade`` holds the current counts by registration level and grade.
    """
    source = Source(user, root, period, period.previous())
    if source.tally:
        current, previous = _tally_by_period(source.rows, [period, period.previous()]).get(
            (), [dict.fromkeys(ALL_KEYS, 0)] * 2
        )
        figures = _with_change(
            {m.key: current[m.key] for m in SUMMARY_MEASURES},
            {m.key: previous[m.key] for m in SUMMARY_MEASURES},
        )
        figures["by_level_grade"] = {m.key: current[m.key] for m in LEVEL_GRADE_MEASURES}
        return figures
    current, previous = source.q(period), source.q(period.previous())
    # Every name is prefixed: a tally column may not share its name with a sum over it.
    row = source.rows.filter(current | previous).aggregate(
        **source.counts(current, "cur_", SUMMARY_MEASURES),
        **source.counts(previous, "prev_", SUMMARY_MEASURES),
        **source.counts(current, "cur_", LEVEL_GRADE_MEASURES),
    )
    figures = _with_change(
        _unprefix(row, "cur_", SUMMARY_MEASURES), _unprefix(row, "prev_", SUMMARY_MEASURES)
    )
    figures["by_level_grade"] = _unprefix(row, "cur_", LEVEL_GRADE_MEASURES)
    return figures


@figure_cache
def awards(user, root, period):
    """Return the registrations commended in the period by award form, with their counts by kind. One query.

    Counted live from the decisions (the catalogue of award forms is the administrators'): a
    registration commended twice with one form counts once under it, and once under each form
    it received. The forms given are listed in the catalogue's order. Cached like the figures
    read from the tally: every decision write renews the tokens above its registrations
    (``registry.recognition``).
    """
    through = Decision.registrations.through
    given = (
        through.objects.filter(
            registration__in=registrations(user, root, period).values("pk"),
            decision__is_deleted=False,
            decision__kind=DecisionKind.COMMENDATION,
        )
        .values(
            "decision__award_form_id",
            "decision__award_form__name",
            "decision__award_form__order",
            "registration__initiative__kind",
        )
        .annotate(count=Count("registration_id", distinct=True))
        .order_by()
    )
    forms = {}
    for row in given:
        form = forms.setdefault(
            row["decision__award_form_id"],
            {
                "pk": row["decision__award_form_id"],
                "name": row["decision__award_form__name"],
                "order": row["decision__award_form__order"],
                "kinds": {kind.value: 0 for kind in Kind},
            },
        )
        form["kinds"][row["registration__initiative__kind"]] = row["count"]
    found = sorted(forms.values(), key=lambda form: (form["order"], form["name"]))
    return [
        {"pk": form["pk"], "name": form["name"], "kinds": form["kinds"], "total": sum(form["kinds"].values())}
        for form in found
    ]


@figure_cache
def unit_table(user, root, period):
    """Return the table by direct subordinate unit ("Biểu 1") and the participation. Two queries.

    Each row counts the unit's whole subtree. Registrations made by the root unit itself get a
    row of their own, so the total row equals the sum of the rows. A subordinate unit is listed
    when it existed in the period or has registrations in it or in the previous period (so
    the total row's comparison equals the sum too); participation counts the units
    that existed in the period and have at least one registration.
    """
    source = Source(user, root, period, period.previous())
    # In today's structure the rows are today's units, which hold their predecessors' figures;
    # in that of a past day, the units open on it (and those opened since, with their own).
    if period.on is not None:
        existed, shown = (
            rules.open_during_q(period.on, period.on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=period.on),
        )
    elif period.current:
        existed = shown = Q(valid_to__isnull=True)
    else:
        existed, shown = period.unit_existed_q(), Q()
    children = list(
        Unit.objects.restrict(user)
        .filter(path__startswith=root.path, depth=root.depth + 1)
        .filter(shown)
        .annotate(existed=Case(When(existed, then=Value(1)), default=Value(0)))
        .values("pk", "name", "path", "unit_type", "valid_from", "valid_to", "existed")
        .order_by("path")
    )
    if source.tally:
        by_branch = _tally_by_branch(source, children, period)
    else:
        by_branch = _by_branch(source, source.q(period), source.q(period.previous()))
    empty = {m.key: 0 for m in MEASURES}
    empty_row = {**empty, **{f"prev_{key}": 0 for key in empty}}
    rows = []
    for child in children:
        counts = by_branch.get(child["path"], empty_row)
        current_counts, previous_counts = _unprefix(counts, ""), _unprefix(counts, "prev_")
        if not (child["existed"] or current_counts["total"] or previous_counts["total"]):
            continue
        rows.append(
            {
                "unit": {
                    "pk": child["pk"],
                    "path": child["path"],
                    "name": child["name"],
                    "valid_to": child["valid_to"],
                    "closed_in_period": bool(child["valid_to"] and child["valid_to"] <= period.end),
                    "existed": bool(child["existed"]),
                    "is_party": child["unit_type"] in PARTY_UNIT_TYPES,
                    "unit_type": child["unit_type"],
                    "is_root": False,
                },
                **_with_change(current_counts, previous_counts),
            }
        )
    if root.path in by_branch:
        own = by_branch[root.path]
        rows.append(
            {
                "unit": {
                    "pk": root.pk,
                    "name": root.name,
                    "valid_to": None,
                    "closed_in_period": False,
                    "existed": True,
                    "is_party": False,
                    "is_root": True,
                },
                **_with_change(_unprefix(own, ""), _unprefix(own, "prev_")),
            }
        )
    total_current = {key: sum(row["current"][key] for row in rows) for key in empty}
    total_previous = {key: sum(row["previous"][key] for row in rows) for key in empty}
    children_rows = [row for row in rows if not row["unit"]["is_root"]]
    existed = [row for row in children_rows if row["unit"]["existed"]]
    participation = {
        "existed": len(existed),
        "participating": sum(1 for row in existed if row["current"]["total"]),
        "all_party": all(row["unit"]["is_party"] for row in existed),
        "unit_types": sorted({row["unit"]["unit_type"] for row in existed}),
        "total": total_current["total"],
    }
    return {
        "rows": rows,
        "total": _with_change(total_current, total_previous),
        "participation": participation,
    }


def former_table(user, unit, period, *, own=False):
    """See ``_former_table``; cached under ``unit``'s revision token (counted live, it takes a province
    tenths of a second)."""
    period = period.in_structure(CURRENT)
    name = "former_table_own" if own else "former_table"
    return cached(user, unit, period, name, lambda: _former_table(user, unit, period, own=own))


def _former_table(user, unit, period, *, own=False):
    """Return today's ``unit`` row unfolded: the former units whose figures it holds, then its own.

    In today's structure (``period`` is switched to it). A former unit's row counts the
    registrations made in its subtree that ``unit``'s subtree carries on (after a split, only
    the part it carries); the last row counts those its own units made. The rows add up to
    ``unit``'s row in the table by unit; with ``own``, to the row of what ``unit`` itself
    carries (a report root's own row). One query beside the lineage's.
    """
    period = period.in_structure(CURRENT)
    formers = lineage.former_units(unit)
    whens = [When(unit__path__startswith=former.path, then=Value(former.pk)) for former in formers]
    branch = Case(*whens, default=Value(0), output_field=IntegerField()) if whens else Value(0)
    current, previous = period.q(), period.previous().q()
    counted = {
        row["former"]: row
        for row in registrations(user, unit, structure=CURRENT)
        .filter(current | previous)
        .filter(Q(carrier_id=unit.pk) if own else Q())
        .annotate(former=branch)
        .values("former")
        .annotate(**_counts(current), **_counts(previous, "prev_"))
        .order_by()
    }
    empty = {m.key: 0 for m in MEASURES}
    rows = []
    for former in [*formers, None]:
        counts = counted.get(former.pk if former else 0)
        current_counts = _unprefix(counts, "") if counts else empty
        previous_counts = _unprefix(counts, "prev_") if counts else empty
        if former is None and not (current_counts["total"] or previous_counts["total"]):
            continue
        shown = former or unit
        rows.append(
            {
                "unit": {
                    "pk": shown.pk,
                    "name": shown.name,
                    "valid_to": shown.valid_to,
                    "former": former is not None,
                },
                **_with_change(current_counts, previous_counts),
            }
        )
    return rows


def branches_with_formers(root, children):
    """Return the paths of ``children`` (rows of the table by unit) that carry on former units."""
    if not children:
        return set()
    length = len(root.path) + Unit.steplen
    successors = (
        Lineage.objects.filter(reorganisation__status=ReorganisationStatus.APPLIED)
        .filter(successor__path__startswith=root.path, successor__depth__gt=root.depth)
        .annotate(branch=Substr("successor__path", 1, length))
        .values_list("branch", flat=True)
        .distinct()
    )
    return set(successors) & {child["path"] for child in children}


def _by_branch(source, current, previous):
    """Count each direct subordinate unit's subtree, and the root's own registrations, by path."""
    branch_length = len(source.root.path) + Unit.steplen
    counted = (
        source.rows.filter(current | previous)
        .annotate(branch=Substr(source.path, 1, branch_length))
        .values("branch")
        .annotate(**source.counts(current), **source.counts(previous, "prev_"))
        .order_by()
    )
    return {row["branch"]: row for row in counted}


def _tally_by_branch(source, children, period):
    """The same as ``_by_branch``, read from the tally rows of the root and of its children.

    The tally holds subtrees: the root's own registrations are its subtree less its children's.
    The units are named by id, so that the tally's (unit, year) index is used.
    """
    root = source.root
    paths = {child["pk"]: child["path"] for child in children}
    grouped = _tally_by_period(
        source.model.objects.filter(unit_id__in=[root.pk, *paths]),
        [period, period.previous()],
        by=("unit_id",),
    )
    subtree = grouped.pop((root.pk,), None)
    by_branch = {
        paths[unit_id]: {**current, **{f"prev_{key}": value for key, value in previous.items()}}
        for (unit_id,), (current, previous) in grouped.items()
    }
    if subtree:
        own = {
            **{key: value - sum(row[key] for row in by_branch.values()) for key, value in subtree[0].items()},
            **{
                f"prev_{key}": value - sum(row[f"prev_{key}"] for row in by_branch.values())
                for key, value in subtree[1].items()
            },
        }
        if any(own.values()):
            by_branch[root.path] = own
    return by_branch


@figure_cache
def field_table(user, root, period):
    """Return the counts by local field, rolled up into the four standard fields. One query.

    Standard fields are always listed (in their fixed order), each with its local fields
    that have registrations in the period.
    """
    source = Source(user, root, period)
    field = source.field
    rows = (
        source.rows.filter(source.q(period))
        .values(field_pk=F(field), field_name=F(f"{field}__name"), field_standard=F(f"{field}__standard"))
        .annotate(**source.counts(Q(), "cur_"), order=Max(f"{field}__order"))
        .order_by("order", "field_name")
    )
    details = {standard.value: [] for standard in StandardField}
    for row in rows:
        details[row["field_standard"]].append(
            {"pk": row["field_pk"], "name": row["field_name"], "counts": _unprefix(row, "cur_")}
        )
    standards = []
    for standard in StandardField:
        fields = details[standard.value]
        counts = {m.key: sum(f["counts"][m.key] for f in fields) for m in MEASURES}
        standards.append({"key": standard.value, "name": standard.label, "counts": counts, "fields": fields})
    total = {m.key: sum(s["counts"][m.key] for s in standards) for m in MEASURES}
    return {"standards": standards, "total": total}


def fields_apart(table):
    """Return the local fields reported apart beside the four standard ones, with their counts
    from ``table`` (``field_table``'s), zero when none registered in the period. One query.

    Read apart from the cached table: an administrator's choice shows at once.
    """
    counted = {field["pk"]: field["counts"] for s in table["standards"] for field in s["fields"]}
    empty = dict.fromkeys((m.key for m in MEASURES), 0)
    return [
        {"pk": pk, "name": name, "counts": counted.get(pk, empty)}
        for pk, name in Field.objects.filter(reported_apart=True).values_list("pk", "name")
    ]


@figure_cache
def trend(user, root, period):
    """Return the main counts for each period of the trend (the same period in the last years). One query."""
    periods = period.trend()
    source = Source(user, root, *periods)
    within = Q()
    for index, item in enumerate(periods):
        within = within | source.q(item) if index else source.q(item)
    measures = [m for m in MEASURES if m.key in TREND_MEASURES]
    sums = {}
    for index, item in enumerate(periods):
        sums.update(source.counts(source.q(item), f"p{index}_", measures))
    row = source.rows.filter(within).aggregate(**sums)
    return [
        {"period": item, "counts": {m.key: row[f"p{index}_{m.key}"] or 0 for m in measures}}
        for index, item in enumerate(periods)
    ]
