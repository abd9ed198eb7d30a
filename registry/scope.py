"""One answer to every scope question about a user: which paths, does it cover this unit, the
user's own top units, may the user change anything.

Built on ``registry.querysets.scope_paths`` (one query a request, memberships and lineage
together); querysets keep ``restrict(user, action)``, which every list, form and export uses.
"""

from .querysets import CHANGE, VIEW, scope_paths


class Scope:
    """What ``user`` may see and change: subtrees of their units and of the units these carry on."""

    def __init__(self, user):
        self.user = user

    def paths(self, action=VIEW):
        """The paths under which the user may ``action`` (None: everything)."""
        return scope_paths(self.user, action)

    @property
    def everything(self):
        return self.paths() is None

    def covers(self, unit, action=VIEW):
        """Whether the user may ``action`` on the whole subtree of ``unit`` (a Unit or a path)."""
        path = unit if isinstance(unit, str) else unit.path
        paths = self.paths(action)
        return paths is None or any(path.startswith(prefix) for prefix in paths)

    def top_units(self, action=VIEW):
        """The units of the user's own memberships (not their predecessors), in tree order."""
        from .models import Unit

        paths = scope_paths(self.user, action, own=True)
        if paths is None:
            return Unit.objects.get_root_nodes()
        return Unit.objects.filter(path__in=paths).order_by("path")

    def may_change_anything(self):
        return self.paths(CHANGE) != []


def scope_of(user):
    """Return the user's Scope, kept on the user object for the request."""
    scope = getattr(user, "_danvan_scope", None)
    if scope is None:
        scope = Scope(user)
        if user is not None:
            user._danvan_scope = scope
    return scope
