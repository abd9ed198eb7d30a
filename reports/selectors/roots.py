"""The root of a report and the registrations it counts.

A report is asked for a unit (or the user's default) and a period; ``report_root`` raises
``RootNotFound`` for a unit the user may not see, which the views turn into a 404.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from registry import lineage
from registry.defaults import default_root, default_year
from registry.models import Registration, Unit
from registry.querysets import path_q, scope_paths
from registry.scope import scope_of
from registry.totals import structure_for

from ..periods import CURRENT, REPORTED

UNIT_PATH = {REPORTED: "unit__path", CURRENT: "carrier__path"}


class RootNotFound(Exception):
    """The unit asked for does not exist or lies outside the user's scope (or the user has none)."""


def report_root(user, unit_id=None):
    """Return the report's root unit: ``unit_id`` if the user may see it, or the user's default.

    Raises ``RootNotFound`` otherwise.
    """
    if unit_id is None:
        root = default_root(user)
        if root is None:
            raise RootNotFound(_("Tài khoản chưa được phân quyền đơn vị nào."))
        return root
    root = Unit.objects.restrict(user).filter(pk=unit_id).first()
    if root is None:
        raise RootNotFound(_("Không tìm thấy đơn vị, hoặc đơn vị nằm ngoài phạm vi được phân quyền."))
    return root


def sees_whole_subtree(user, root):
    """Whether ``user`` may see every unit under ``root`` (the tally counts whole subtrees)."""
    return scope_of(user).covers(root)


def default_structure(root, period):
    """Return the structure a report opens in (``registry.totals.structure_for``): today's when
    ``root`` is open now but did not exist for the whole period or the period it is compared with,
    else as reported.
    """
    return structure_for(root, period.previous().start, period.end)


def report_period(user, root, form):
    """Return the period a report page shows at ``root`` for the picker ``form`` (its defaults when empty).

    A closed unit carries nothing on today: it is read as it was, or in the structure of a day
    it was open on. The structure of a day is today's when no unit open on it has closed since,
    and the default when ``root`` did not exist on that day; ``form.structure_note`` then says
    why the day asked for is not shown.
    """
    period = form.get_period(default_year=lambda: default_year(user, root))
    structure = form.chosen_structure or default_structure(root, period)
    day = form.chosen_day
    form.structure_note = ""
    if day is not None:
        if not lineage.is_open(root, day):
            form.structure_note = _("“%(unit)s” không hoạt động vào ngày %(day)s.") % {
                "unit": root.name,
                "day": day.strftime("%d/%m/%Y"),
            }
            day = None
            structure = default_structure(root, period)
        elif not lineage.changed_since(day):
            form.structure_note = _(
                "Từ ngày %(day)s đến nay tổ chức không thay đổi: tổ chức tại ngày đó là tổ chức hiện nay."
            ) % {"day": day.strftime("%d/%m/%Y")}
            day = None
            structure = CURRENT
        else:
            structure = CURRENT
    if root.valid_to is not None and day is None:
        structure = REPORTED
    return period.in_structure(structure, day)


def registrations(user, root, period=None, *, structure=None, on=None):
    """Return the alive registrations in ``root``'s subtree that the user may see, in ``period``.

    In today's structure, the subtree is that of the units carrying the registrations on (on the
    day ``on``, or the period's, when it is not today's structure).
    """
    structure = structure or (period.structure if period is not None else REPORTED)
    if on is None and period is not None and structure == period.structure:
        on = period.on
    qs = Registration.objects.restrict(user).alive()
    if on is not None:
        qs = qs.filter(lineage.placement_on(on, user).q([root.path], path_q))
    else:
        qs = qs.filter(path_q(UNIT_PATH[structure], [root.path]))
    if period is not None:
        qs = qs.filter(period.q())
    return qs


def picker_units(user, root):
    """Return the root's ancestors within the user's scope and the user's own top units. One query."""
    steplen = Unit.steplen
    ancestor_paths = [root.path[: steplen * depth] for depth in range(1, root.depth)]
    paths = scope_paths(user, own=True)
    tops = Q(depth=1) if paths is None else Q(path__in=paths)
    units = list(
        Unit.objects.restrict(user)
        .filter(Q(path__in=ancestor_paths) | tops)
        .values("pk", "name", "path", "depth")
    )
    ancestors = [unit for unit in units if unit["path"] in ancestor_paths]
    own = [
        unit for unit in units if (paths is None and unit["depth"] == 1) or (paths and unit["path"] in paths)
    ]
    return {"ancestors": ancestors, "own": own}
