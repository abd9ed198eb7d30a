"""The root of a report and the registrations it counts.

A report is asked for a unit (or the user's default) and a period; ``report_root`` raises
``RootNotFound`` for a unit the user may not see, which the views turn into a 404.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from registry.defaults import default_root, default_year
from registry.models import Registration, Unit
from registry.querysets import path_q, scope_paths
from registry.scope import scope_of

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
    """Return the structure a report opens in: today's when ``root`` is open now but did not exist
    for the whole period or the period it is compared with (the new Tỉnh ủy Thái Nguyên's 2025
    holds its predecessors', and its 2026 is compared with that), else as reported.
    """
    earliest = period.previous().start
    existed_throughout = (root.valid_from is None or root.valid_from <= earliest) and (
        root.valid_to is None or root.valid_to >= period.end
    )
    return CURRENT if root.valid_to is None and not existed_throughout else REPORTED


def report_period(user, root, form):
    """Return the period a report page shows at ``root`` for the picker ``form`` (its defaults when empty).

    A closed unit carries nothing on today: it is read as it was.
    """
    period = form.get_period(default_year=lambda: default_year(user, root))
    structure = form.chosen_structure or default_structure(root, period)
    if root.valid_to is not None:
        structure = REPORTED
    return period.in_structure(structure)


def registrations(user, root, period=None, *, structure=None):
    """Return the alive registrations in ``root``'s subtree that the user may see, in ``period``.

    In today's structure, the subtree is that of the units carrying the registrations on.
    """
    structure = structure or (period.structure if period is not None else REPORTED)
    qs = Registration.objects.restrict(user).alive().filter(path_q(UNIT_PATH[structure], [root.path]))
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
