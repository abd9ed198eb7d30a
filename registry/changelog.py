"""The change log: the history rows of units, models, registrations and decisions, across records.

For administrators: the rows of the records whose unit (a unit itself, an initiative's or a
registration's unit, a decision's issuing unit, the unit a saved filter is shared with, as the
row recorded it) lies in the subtrees they manage, and their own saved filters and columns.
Newest first, read a page at a time from a cursor (keyset), never counted: at a nation's scale
the history holds millions of rows, and each page costs one indexed query per model, stopped at
the page's length, plus the queries that describe the rows.
"""

import datetime
import heapq
from dataclasses import dataclass

from django.utils import timezone

from . import history
from .models import Campaign, Initiative, ListColumns, Proposal, Registration, SavedFilter, Unit, UnitGroup
from .models.lists import own_only_q, owned_or_shared_q
from .querysets import MANAGE, path_q, scope_paths

PAGE_SIZE = 50
# The export is written inside the request: it stops at this many rows and says so.
EXPORT_LIMIT = 5000
# The unit each model's history rows are placed by.
UNIT_PATH = {
    Unit: "path",
    Initiative: "unit__path",
    Registration: "unit__path",
    Campaign: "unit__path",
    Proposal: "unit__path",
    UnitGroup: "owner__path",
    SavedFilter: "unit__path",  # a filter shared with a unit; one kept for its owner is no unit's
    ListColumns: None,  # a user's own choice, no unit's
}
MODELS = list(history.HISTORY_MODELS.values())
MOMENT = "%Y%m%dT%H%M%S%f"  # in UTC: a cursor in a URL without signs to escape


def _unit_lookup(model):
    return UNIT_PATH.get(model, "issuing_unit__path")


def _in_scope(model, user):
    """The history rows of ``model`` an administrator reads: those placed in the units they manage.

    A user's saved filters and columns are theirs alone: an administrator reads their own, and
    the filters shared with a unit they manage, never another user's private ones (a superuser
    reads all).
    """
    if model is SavedFilter:
        return owned_or_shared_q(user, MANAGE)
    if model is ListColumns:
        return own_only_q(user, MANAGE)
    return path_q(_unit_lookup(model), scope_paths(user, MANAGE))


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the last row's moment, model (its place in ``MODELS``) and history id."""

    moment: datetime.datetime
    model: int
    pk: int

    def __str__(self):
        moment = self.moment.astimezone(datetime.UTC).strftime(MOMENT)
        return f"{moment}_{self.model}_{self.pk}"

    @classmethod
    def parse(cls, text):
        """Read a cursor from a URL; anything else gives None (the first page)."""
        try:
            moment, model, pk = str(text or "").split("_")
            moment = datetime.datetime.strptime(moment, MOMENT).replace(tzinfo=datetime.UTC)
            model, pk = int(model), int(pk)
        except ValueError:
            return None
        if not 0 <= model < len(MODELS) or pk < 0:
            return None
        return cls(moment, model, pk)


def _rows(model, index, *, user, unit, actor, date_from, date_to, after, limit):
    rows = model.history.filter(_in_scope(model, user))
    if unit is not None:
        if _unit_lookup(model) is None:
            return []
        rows = rows.filter(path_q(_unit_lookup(model), [unit.path]))
    if actor is not None:
        rows = rows.filter(history_user=actor)
    zone = timezone.get_current_timezone()
    if date_from:
        rows = rows.filter(history_date__gte=datetime.datetime.combine(date_from, datetime.time(), zone))
    if date_to:
        day_after = date_to + datetime.timedelta(days=1)
        rows = rows.filter(history_date__lt=datetime.datetime.combine(day_after, datetime.time(), zone))
    if after is not None:
        # Rows after the cursor in the order (moment, model, id), all descending.
        if index < after.model:
            rows = rows.filter(history_date__lte=after.moment)
        elif index == after.model:
            rows = rows.filter(history_date__lt=after.moment) | rows.filter(
                history_date=after.moment, history_id__lt=after.pk
            )
        else:
            rows = rows.filter(history_date__lt=after.moment)
    return list(rows.select_related("history_user").order_by("-history_date", "-history_id")[:limit])


def page(
    *, user, kind=None, unit=None, actor=None, date_from=None, date_to=None, after=None, limit=PAGE_SIZE
):  # noqa: E501
    """Return (entries, next cursor or None): ``limit`` history rows after ``after``, described.

    ``kind`` is a model of ``MODELS`` (None: all), ``unit`` a Unit whose subtree the rows must lie
    in (the caller takes it from the user's scope), ``actor`` the user who made the change.
    """
    models = [kind] if kind else MODELS
    streams = []
    for model in models:
        index = MODELS.index(model)
        found = _rows(
            model,
            index,
            user=user,
            unit=unit,
            actor=actor,
            date_from=date_from,
            date_to=date_to,
            after=after,
            limit=limit + 1,
        )
        streams.append([((row.history_date, index, row.history_id), model, row) for row in found])
    merged = list(heapq.merge(*streams, key=lambda item: item[0], reverse=True))
    shown, more = merged[:limit], len(merged) > limit
    entries = describe(user, [(model, row) for _key, model, row in shown])
    following = None
    if more and shown:
        (moment, index, pk), _model, _row = shown[-1]
        following = Cursor(moment, index, pk)
    return entries, following


def describe(user, rows):
    """Describe history rows of several models, in their order: a few queries per model on the page."""
    by_model = {}
    for model, row in rows:
        by_model.setdefault(model, []).append(row)
    described = {}
    for model, records in by_model.items():
        previous = history.previous_records(model, records)
        names = {}
        if model is Registration:
            ids = {record.initiative_id for record in records}
            names = dict(Initiative.objects.restrict(user).filter(pk__in=ids).values_list("pk", "name"))
        pairs = [(record, previous.get(record.history_id)) for record in records]
        for entry in history.describe(model, pairs, user):
            entry.label = history.object_label(model, entry.record, names)
            described[(model, entry.record.history_id)] = entry
    return [described[(model, row.history_id)] for model, row in rows]


def all_rows(*, user, limit=EXPORT_LIMIT, **filters):
    """Return (entries, whether more rows matched): the export's rows, read a page at a time."""
    entries, after = [], None
    while len(entries) < limit:
        found, after = page(user=user, after=after, limit=min(500, limit - len(entries)), **filters)
        entries += found
        if after is None:
            return entries, False
    return entries, True
