"""A unit's yearly totals, read from the counts kept ready: the figures the report pages show.

The unit page, the home page and the report selectors (``reports.selectors``) read a unit's
totals and the structure a year opens in from here, so that the same year shows the same
number everywhere. One query: from the tally when the user sees the root's whole subtree,
else counted from the registrations the user may see.
"""

import datetime

from django.db.models import Count, Sum

from .models import Registration
from .querysets import path_q
from .scope import scope_of
from .tally import CURRENT, MODELS, REPORTED, UNIT_PATH


def structure_for(root, earliest, end):
    """Return the structure figures from ``earliest`` to ``end`` open in at ``root``: today's when
    ``root`` is open now but did not exist for the whole time (the new Tỉnh ủy Thái Nguyên's 2025
    holds its predecessors'), else as reported. A closed unit is always read as it was."""
    existed = (root.valid_from is None or root.valid_from <= earliest) and (
        root.valid_to is None or root.valid_to >= end
    )
    return CURRENT if root.valid_to is None and not existed else REPORTED


def year_structure(root, year):
    """The structure ``year`` opens in at ``root``, compared with the year before (as the dashboard)."""
    return structure_for(root, datetime.date(year - 1, 1, 1), datetime.date(year, 12, 31))


def yearly_totals(user, root, *, structure=REPORTED, years=None, last=10):
    """Return {year: total} of ``root``'s subtree in ``structure`` (no drafts), for ``years`` or the
    ``last`` latest years with registrations. One query."""
    if scope_of(user).covers(root):
        rows = MODELS[structure].objects.filter(unit=root).values("year").annotate(total=Sum("total"))
    else:
        rows = (
            Registration.objects.restrict(user)
            .counted()
            .filter(path_q(UNIT_PATH[structure], [root.path]))
            .values("year")
            .annotate(total=Count("pk"))
        )
    if years is not None:
        found = {row["year"]: row["total"] for row in rows.filter(year__in=list(years)).order_by()}
        return {year: found.get(year, 0) for year in years}
    return {row["year"]: row["total"] for row in rows.order_by("-year")[:last]}


def list_params(root, year, structure=REPORTED):
    """The registration list's filters that show exactly the rows of a yearly total."""
    params = {"unit": root.pk, "year": year, "review_state": "counted"}
    if structure == CURRENT:
        params["structure"] = CURRENT
    return params
