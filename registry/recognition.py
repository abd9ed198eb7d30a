"""Each registration's highest recognition and whether it was commended, kept as columns.

A registration recognised at two levels counts once, at the higher one (``LEVEL_RANK``).
Only alive decisions count. ``refresh()`` recomputes the two columns of the registrations a
decision write touches, inside that write's transaction, and gives the units above those
registrations new revision tokens: the figures counted from the decisions themselves (by award
form, ``reports.selectors.awards``) are cached under them too, and change with a decision even
when no kept column does. ``live()`` computes the columns from the decisions, for the tests that
compare the two.
"""

from django.db.models import Case, Exists, IntegerField, OuterRef, Subquery, Value, When

from .choices import LEVEL_RANK, DecisionKind


def _decisions(kind):
    from .models import Decision

    return Decision.objects.alive().filter(kind=kind, registrations=OuterRef("pk"))


def live():
    """Annotations computing ``recognition_rank`` and ``is_commended`` from the decisions."""
    rank = Case(
        *[When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()],
        output_field=IntegerField(),
    )
    top_rank = _decisions(DecisionKind.RECOGNITION).annotate(rank=rank).order_by("-rank").values("rank")[:1]
    return {
        "live_rank": Subquery(top_rank, output_field=IntegerField()),
        "live_commended": Exists(_decisions(DecisionKind.COMMENDATION)),
    }


def refresh(registrations):
    """Recompute the kept columns of ``registrations`` (a queryset or ids). Two UPDATEs at most.

    Rows covered by a decision are set from the decisions; rows covered by none only when a
    stale value is stored, so a bulk refresh of two million rows writes only the few thousand
    that change.
    """
    from .models import Decision, Registration

    if not hasattr(registrations, "values"):
        registrations = Registration.objects.filter(pk__in=list(registrations))
    annotations = live()
    covered = Exists(Decision.objects.alive().filter(registrations=OuterRef("pk")))
    changed = registrations.filter(covered).update(
        recognition_rank=annotations["live_rank"], is_commended=annotations["live_commended"]
    )
    changed += (
        registrations.exclude(covered)
        .exclude(recognition_rank=None, is_commended=False)
        .update(recognition_rank=None, is_commended=False)
    )
    _renew_above(registrations)
    return changed


def _renew_above(registrations):
    """New revision tokens for every unit above ``registrations`` (registering and carrying). Four queries."""
    from . import tally

    units = set()
    for unit_id, carrier_id in registrations.values_list("unit_id", "carrier_id").distinct().order_by():
        units.add(unit_id)
        if carrier_id:
            units.add(carrier_id)
    if units:
        tally.renew_above(units)
