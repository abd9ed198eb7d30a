"""How many rows the model list shows, without counting two million registrations.

When the list's filters are dimensions of the tally (unit, years, field) and at most one
measure (kind, status, grade, level, evaluation, recognition, commendation, as the report's
drill-down links set them), the count is a sum over a few hundred tally rows. Any other filter
(a search, dates, "renewed", ...) is counted in the database, up to ``CAP`` rows (``BROAD_CAP``
when the database expects far more): the list then says "more than 30.000" (or 10.000) and
the reader narrows the filter.
"""

import json

from django.db import connections
from django.db.models import Sum

from .choices import ReviewState
from .measures import TALLY_MEASURES
from .models import CurrentTally, Tally, Unit
from .querysets import plain_rows
from .scope import scope_of

# Up to this many rows are read (ids and years only) to count and order them in one pass;
# only up to BROAD_CAP when the database expects far more (see row_cap).
CAP = 30_000
BROAD_CAP = 10_000
# The model list's default order, newest first (see RegistrationListView).
DEFAULT_ORDER = ("-year", "-pk")

# The list filters a tally measure stands for, and those the tally keeps as columns.
MEASURE_FILTERS = (
    *("kind", "status", "grade", "level", "evaluation"),
    *("recognised", "recognition_level", "commended", "review_state"),
    *("proposed_recognition", "proposed_commendation"),
)
DIMENSION_FILTERS = ("unit", "group", "year", "year_from", "year_to", "field", "standard_field", "structure")
IGNORED = ("o",)
# The count of each set of filters: the first measure counting it (the sums of results share
# their rows' filters, but are not counts).
_BY_PARAMS = {}
for _measure in TALLY_MEASURES:
    if not _measure.column:
        _BY_PARAMS.setdefault(frozenset(_measure.params.items()), _measure.key)
del _measure


def list_count(user, cleaned_data, queryset):
    """Return (count, capped, keys) for the list of ``queryset``.

    ``count`` is the number of rows, cut at ``CAP`` when ``capped``. ``keys`` are, when they
    were read anyway, every row's (year, id), in no order: the newest first are the list's
    order, and a page is taken from them.
    ``cleaned_data`` is None when the filters were not valid (the list is then empty).
    """
    count = None if cleaned_data is None else tally_count(user, cleaned_data)
    if count is not None:
        if not cleaned_data.get("review_state"):  # the list shows the drafts, which the tally does not hold
            count += queryset.filter(review_state=ReviewState.DRAFT).order_by().count()
        return count, False, None
    rows = queryset.order_by().values("year", "pk")
    cap = row_cap(rows)
    if tuple(queryset.query.order_by) == DEFAULT_ORDER:
        # One pass reads the matching rows' years and ids, in no order (a search matching
        # twenty thousand rows: one query instead of a count and a sorted page; sorting them
        # here is faster than in the database, which would sort before it could stop).
        _names, keys = plain_rows(rows[: cap + 1])
        if len(keys) <= cap:
            return len(keys), False, keys
        return cap, True, None
    count = rows[: cap + 1].count()
    return min(count, cap), count > cap, None


def row_cap(rows):
    """Return how many rows to read at most: ``CAP``, or ``BROAD_CAP`` for a list expected far longer.

    Rows read past the cap are only thrown away, and a list capped anyway is shown from an
    index walk: when PostgreSQL's planner expects more than ``CAP`` rows (“nguyen van”:
    some 120.000), reading 10.000 rows instead of 30.000 saves tens of milliseconds. A
    wrong estimate costs only time: the rows and the count shown stay exact below the cap.
    """
    if connections[rows.db].vendor != "postgresql" or rows.query.is_empty():
        return CAP
    plan = json.loads(rows.explain(format="json"))
    return min(BROAD_CAP, CAP) if plan[0]["Plan"]["Plan Rows"] > CAP else CAP


def tally_count(user, cleaned_data):
    """Return the list's count read from the tally, or None when its filters are not tally dimensions."""
    used = {name: value for name, value in cleaned_data.items() if value not in (None, "")}
    if used.get("review_state") == "counted":
        del used["review_state"]  # what the tally holds
    elif used.get("review_state") == ReviewState.DRAFT:
        return None
    if set(used) - set(MEASURE_FILTERS) - set(DIMENSION_FILTERS) - set(IGNORED):
        return None
    key = _BY_PARAMS.get(frozenset((name, str(used[name])) for name in MEASURE_FILTERS if name in used))
    if key is None:
        return None
    if "group" in used:
        # A group's rows are its members' subtrees as reported (``filters.GroupFilter``).
        if "unit" in used or used.get("structure") == "current":
            return None
        roots = _group_roots(user, used["group"])
    else:
        roots = _roots(user, used.get("unit"))
    if roots is None:
        return None
    model = CurrentTally if used.get("structure") == "current" else Tally
    rows = model.objects.filter(unit__in=roots)
    if "year" in used:
        rows = rows.filter(year=used["year"])
    if "year_from" in used:
        rows = rows.filter(year__gte=used["year_from"])
    if "year_to" in used:
        rows = rows.filter(year__lte=used["year_to"])
    if "field" in used:
        rows = rows.filter(field=used["field"])
    if "standard_field" in used:
        rows = rows.filter(field__standard=used["standard_field"])
    return rows.aggregate(count=Sum(key))["count"] or 0


def _roots(user, unit):
    """The units whose whole subtrees are the list's rows, or None when the user sees only part."""
    scope = scope_of(user)
    if unit is not None:
        return [unit] if scope.covers(unit) else None  # else: the user sees part of it, count the rows
    paths = scope.paths()
    if paths is None:
        return Unit.objects.filter(depth=1)
    return Unit.objects.filter(path__in=paths)


def _group_roots(user, group):
    """The members of ``group``, whose subtrees hold the list's rows; None when the user sees part of one."""
    scope = scope_of(user)
    members = list(group.members.all())
    return members if all(scope.covers(member) for member in members) else None
