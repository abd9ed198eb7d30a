"""Row visibility: the one place that decides which rows a user may see or change.

Every list, detail, form choice, report and export starts from ``restrict(user, action)``.
A user belongs to units with a role; the role applies to the unit's whole subtree, found by
the materialized path of the tree (``path`` starts with the unit's path).
"""

from functools import reduce
from operator import or_

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from treebeard.mp_tree import MP_NodeManager, MP_NodeQuerySet

from . import rules
from .choices import Role

VIEW = "view"
CHANGE = "change"
MANAGE = "manage"

ROLES_FOR_ACTION = {
    VIEW: {Role.VIEWER, Role.EDITOR, Role.ADMIN},
    CHANGE: {Role.EDITOR, Role.ADMIN},
    MANAGE: {Role.ADMIN},
}


# The user's memberships with their units' paths, and the version of the applied lineage (its
# rows' count and newest id, the plans' last change and undo): one query a request.
MEMBERSHIPS_SQL = """
SELECT membership.role, unit.path,
       (SELECT count(*) FROM registry_lineage lineage JOIN registry_reorganisation plan
          ON plan.id = lineage.reorganisation_id AND plan.status = 'applied'),
       (SELECT max(lineage.id) FROM registry_lineage lineage),
       (SELECT max(plan.updated_at) FROM registry_reorganisation plan),
       (SELECT max(plan.undone_at) FROM registry_reorganisation plan)
FROM registry_membership membership JOIN registry_unit unit ON unit.id = membership.unit_id
WHERE membership.user_id = %s
"""
# Every applied lineage row: the successor's path and the predecessor's.
LINEAGE_SQL = """
SELECT new.path, old.path
FROM registry_lineage lineage
JOIN registry_reorganisation plan ON plan.id = lineage.reorganisation_id AND plan.status = 'applied'
JOIN registry_unit new ON new.id = lineage.successor_id
JOIN registry_unit old ON old.id = lineage.predecessor_id
"""
# The lineage as read at one version: {path: the paths of the predecessors of the units at or
# below it}. Kept by the process and read again when the version changes.
_lineage = (None, {})


def _predecessors_under(version, cursor):
    global _lineage  # noqa: PLW0603 - swapped whole, never changed in place
    held_version, under = _lineage
    if held_version != version:
        from .models import Unit  # noqa: PLC0415 - the models import this module

        cursor.execute(LINEAGE_SQL)
        found = {}
        step = Unit.steplen
        for new, old in cursor.fetchall():
            for end in range(step, len(new) + 1, step):
                found.setdefault(new[:end], []).append(old)
        _lineage = (version, found)
        under = found
    return under


def _reach_rows(memberships, under):
    """The (role, path, own) rows: each membership, and every unit whose lineage leads into its
    subtree, through any number of reorganisations, with the membership's role.

    A predecessor inside the subtree it is reached from adds nothing (the subtree holds it) and
    is left out: the central commission's staff reach no row beyond their own.
    """
    rows = {(role, path, 1) for role, path in memberships}
    frontier = sorted({(role, path) for role, path in memberships})
    seen = set(frontier)
    while frontier:
        found = []
        for role, path in frontier:
            for old in under.get(path, ()):
                if old.startswith(path) or (role, old) in seen:
                    continue
                seen.add((role, old))
                rows.add((role, old, 0))
                found.append((role, old))
        frontier = found
    return sorted(rows)


def scope_paths(user, action=VIEW, *, own=False):
    """Return the tree paths under which ``user`` may perform ``action``, or None for all.

    With ``own``, only the units of the user's memberships (not those their lineage carries on).

    A role covers the unit's subtree and the subtrees of every unit its lineage carries on.
    Read once per user object and kept on it: a request that restricts several querysets
    costs one query for it.
    """
    reach = _reach(user)
    if reach is None:
        return None
    found = user.__dict__.setdefault("_danvan_scope_paths", {})
    if (action, own) not in found:
        roles = ROLES_FOR_ACTION[action]
        paths = sorted({path for role, path, is_own in reach if role in roles and (is_own or not own)})
        # A path inside another one adds nothing. In sorted order the paths inside one follow it.
        kept = []
        for path in paths:
            if not (kept and path.startswith(kept[-1])):
                kept.append(path)
        found[(action, own)] = kept
    return list(found[(action, own)])


def own_unit_paths(user, action=CHANGE):
    """Return the paths of the units of ``user``'s own memberships with a role for ``action`` (None: all).

    Every one of them, a unit inside another one too: unlike ``scope_paths``, these name units,
    not subtrees (the rows a unit itself must act on). Read from the same query as the scope.
    """
    reach = _reach(user)
    if reach is None:
        return None
    roles = ROLES_FOR_ACTION[action]
    return sorted({path for role, path, is_own in reach if role in roles and is_own})


def _reach(user):
    """The (role, path, own) rows of ``_reach_rows`` for ``user``, read once, kept on it.

    None for a superuser. One query, and one more when the lineage changed since it was read.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cache = getattr(user, "_danvan_memberships", None)
    if cache is None:
        with connections["default"].cursor() as cursor:
            cursor.execute(MEMBERSHIPS_SQL, [user.pk])
            memberships = cursor.fetchall()
            cache = []
            if memberships:
                under = _predecessors_under(tuple(str(value) for value in memberships[0][2:]), cursor)
                cache = _reach_rows([(role, path) for role, path, *_version in memberships], under)
        user._danvan_memberships = cache
    return cache


@models.ForeignKey.register_lookup
class InSubtree(models.Lookup):
    """``unit__in_subtree=paths``: the row's unit is at or below the unit at one of ``paths``.

    The same rows as ``unit__path__startswith`` for each path, written so that PostgreSQL finds
    them from an index on the foreign key: ``unit_id = ANY(ARRAY(SELECT id ... LIKE 'path%'
    OR ...))`` is an index condition, where the join on the unit's path let the planner walk
    the registrations backwards by id to the page's fiftieth row (a province's year: a second
    instead of 8 ms). Several subtrees (a unit and its predecessors) go in one array: one
    array per subtree, OR-ed, kept the planner from the index (a province's list: 2,4 s
    instead of 20 ms).
    """

    lookup_name = "in_subtree"
    prepare_rhs = False  # paths, not ids

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        from .models import Unit  # noqa: PLC0415 - the models import this module

        paths = [self.rhs] if isinstance(self.rhs, str) else list(self.rhs)
        table = connection.ops.quote_name(Unit._meta.db_table)
        units = f"SELECT U.id FROM {table} U WHERE " + " OR ".join(["U.path LIKE %s"] * len(paths))
        patterns = [f"{path}%" for path in paths]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY({units}))", [*lhs_params, *patterns]
        return f"{lhs} IN ({units})", [*lhs_params, *patterns]


@models.ForeignKey.register_lookup
class AnyOf(models.Lookup):
    """``field__any_of=queryset``: the row's foreign key is one of the ids the queryset selects.

    ``IN (SELECT ...)`` lets PostgreSQL plan a join and guess its size; on a list filtered by
    both a subtree and a standard field, the guess put the field table outside a loop over a
    province's registrations (240 ms). ``= ANY(ARRAY(SELECT ...))`` runs the small query first
    and hands its ids to the index (60 ms). Other databases get the plain ``IN``.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]


def path_q(lookup, paths):
    """Return a Q that keeps rows whose ``lookup`` path lies under one of ``paths``."""
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    if _covers_every_root(paths):
        # Every unit lies under one of the paths (a central-level user): the filter would keep
        # every row, at the price of an array of every unit tested on each row (a second for
        # the list). Only a row without a unit is left out, as the filter would.
        return Q() if lookup == "path" else Q(**{f"{lookup.removesuffix('__path')}__isnull": False})
    if lookup.endswith("__path"):  # a unit's foreign key: see InSubtree
        return Q(**{f"{lookup.removesuffix('__path')}__in_subtree": tuple(paths)})
    return reduce(or_, (Q(**{f"{lookup}__startswith": p}) for p in paths))


def _covers_every_root(paths):
    """Whether ``paths`` hold the path of every root unit, hence every unit (one small query)."""
    from .models import Unit  # noqa: PLC0415 - the models import this module

    tops = {path for path in paths if len(path) == Unit.steplen}
    if not tops:
        return False
    roots = Unit.objects.filter(depth=1).values_list("path", flat=True)
    return set(roots) <= tops


def own_q(user, action=CHANGE):
    """Return a Q that keeps the registrations the units of ``user``'s own memberships act on.

    A registration is acted on by the nearest unit at or above it that has staff of its own
    (members with a role for ``action``): a commune's editors act for its cells, which have no
    accounts, but a province's administrator does not act for a commune that has editors. The
    unit is the registering unit in today's structure (``Registration.carrier``), so that the
    rows of a unit a reorganisation closed count for the unit that carries them on, whose staff
    the scope lets correct them. A superuser's are every row, as a superuser acts for every
    unit in a review. Two queries, read once per user object.
    """
    ids = own_unit_ids(user, action)
    if ids is None:
        return Q()
    if not ids:
        return Q(pk__in=[])
    others = getattr(user, f"_danvan_other_units_{action}")
    if len(others) < len(ids) and _covers_every_root(own_unit_paths(user, action)):
        # A central-level user acts for nearly every unit: name the few it does not act for
        # (those below with staff of their own) rather than the 60.000 it does.
        return Q(carrier_id__isnull=False) & ~Q(carrier_id__in=sorted(others))
    return Q(carrier_id__in=sorted(ids))


def own_unit_ids(user, action=CHANGE):
    """Return the ids of the units ``user``'s own units act for (see ``own_q``); None: every unit."""
    paths = own_unit_paths(user, action)
    if paths is None:
        return None
    key = f"_danvan_own_units_{action}"
    if getattr(user, key, None) is None:
        ids, others = _acted_for(paths, ROLES_FOR_ACTION[action]) if paths else (set(), set())
        setattr(user, key, ids)
        setattr(user, f"_danvan_other_units_{action}", others)  # the other units under ``paths``
    return getattr(user, key)


def _acted_for(paths, roles):
    from .models import Membership, Unit  # noqa: PLC0415 - the models import this module

    within = path_q("unit__path", paths)
    staffed = set(
        Membership.objects.filter(within, role__in=roles).values_list("unit__path", flat=True).distinct()
    )
    own = set(paths)
    steplen = Unit.steplen
    ids, others = set(), set()
    for pk, path in Unit.objects.filter(path_q("path", paths)).values_list("pk", "path"):
        # The nearest unit at or above with staff: one of the user's own units, or another's.
        for end in range(len(path), 0, -steplen):
            if path[:end] in staffed:
                (ids if path[:end] in own else others).add(pk)
                break
    return ids, others


class ScopedQuerySetMixin:
    """Restrict rows to the user's subtrees through ``scope_lookup`` (a path lookup)."""

    scope_lookup = "unit__path"

    def restrict(self, user, action=VIEW):
        return self.filter(path_q(self.scope_lookup, scope_paths(user, action)))


class SoftDeleteQuerySetMixin:
    def alive(self):
        return self.filter(is_deleted=False)

    def deleted(self):
        return self.filter(is_deleted=True)


class UnitQuerySet(ScopedQuerySetMixin, MP_NodeQuerySet):
    scope_lookup = "path"

    def open_on(self, day):
        """Keep units that existed on ``day``."""
        return self.filter(rules.open_during_q(day, day))


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):
    """The tree library's manager (ordered by path) with the scoping methods."""

    def get_queryset(self):
        return UnitQuerySet(self.model, using=self._db).order_by("path")


class FieldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class InitiativeQuerySet(ScopedQuerySetMixin, SoftDeleteQuerySetMixin, models.QuerySet):
    def matching(self, text):
        """Keep the initiatives whose search key holds every word of ``text`` (diacritics optional).

        On PostgreSQL each word matches a whole word of the key, and a word typed with a
        trailing ``*`` the start of a word (``registry.text.search_terms``), answered by a
        full-text index (migrations 0006 and 0008): a substring search over a million keys
        took seconds even with a trigram index, and a prefix makes the index gather every
        word it starts (a few times slower than whole words). Elsewhere each word matches
        anywhere in the key.
        """
        ids = self.matching_ids(text)
        return self if ids is None else self.filter(pk__in=ids)

    def matching_ids(self, text):
        """Return the ids of the initiatives ``matching`` keeps, to filter by, or None for no words.

        On PostgreSQL this is the full-text query itself: filtering registrations by
        ``initiative_id__in`` it joins them straight to the index's answer.
        """
        from .text import search_terms

        terms = search_terms(text)
        if not terms:
            return None
        if self.matches_whole_words():
            query = " & ".join(f"{word}:*" if prefix else word for word, prefix in terms)
            return RawSQL(
                "SELECT id FROM registry_initiative "
                "WHERE search_words @@ to_tsquery('simple'::regconfig, %s)",
                [query],
            )
        found = self
        for word, _prefix in terms:
            found = found.filter(search_text__contains=word)
        return found.values("pk")

    def matches_whole_words(self):
        """Whether ``matching`` tells whole words from parts of words (it does on PostgreSQL)."""
        return connections[self.db].vendor == "postgresql"


class RegistrationQuerySet(ScopedQuerySetMixin, SoftDeleteQuerySetMixin, models.QuerySet):
    def alive(self):
        return self.filter(is_deleted=False, initiative_deleted=False)

    def own(self, user, action=CHANGE):
        """Keep the registrations the units of ``user``'s own memberships act on (``own_q``)."""
        return self.filter(own_q(user, action))

    def counted(self):
        """The live registrations the reports count by default: from "submitted" on, no drafts.

        The counts kept ready (``registry.tally``) hold exactly these.
        """
        return self.alive().exclude(review_state="draft")


class DecisionQuerySet(SoftDeleteQuerySetMixin, models.QuerySet):
    def restrict(self, user, action=VIEW):
        """Keep decisions issued inside the user's scope.

        For reading, a decision issued above the user that covers one of the user's
        registrations is visible too: it is the record of their own model's recognition.
        Only the covered registrations inside the scope are ever shown with it.
        """
        paths = scope_paths(user, action)
        issued_here = path_q("issuing_unit__path", paths)
        if action != VIEW or paths is None:
            return self.filter(issued_here)
        from .models import Registration

        covers_mine = Exists(
            Registration.objects.filter(decisions=OuterRef("pk")).filter(path_q("unit__path", paths))
        )
        return self.filter(issued_here | Q(covers_mine))


def ancestor_paths(paths):
    """Return the paths of the units above those at ``paths`` (the tree's steps, without themselves)."""
    from .models import Unit  # noqa: PLC0415 - the models import this module

    step = Unit.steplen
    return sorted({path[:end] for path in paths for end in range(step, len(path), step)})


class CampaignQuerySet(models.QuerySet):
    def restrict(self, user, action=VIEW):
        """Keep the campaigns launched inside the user's scope; for reading, also those over it.

        A campaign launched above the user's units asks something of them: their staff read it
        (its title, deadlines and document), never the figures of the units beside theirs.
        """
        paths = scope_paths(user, action)
        launched_here = path_q("unit__path", paths)
        if action != VIEW or paths is None:
            return self.filter(launched_here)
        return self.filter(launched_here | Q(unit__path__in=ancestor_paths(paths)))

    def over(self, paths):
        """Keep the campaigns launched at or above one of the units at ``paths``."""
        return self.filter(unit__path__in=sorted(set(paths) | set(ancestor_paths(paths))))


class ProposalQuerySet(models.QuerySet):
    def restrict(self, user, action=VIEW):
        """Keep the proposals made inside the user's scope and those sent to a unit inside it.

        The proposing unit reads and changes its own proposals; the receiving unit reads what it
        was sent (a draft stays with its unit) and decides it.
        """
        paths = scope_paths(user, action)
        if paths is None:
            return self
        made_here = path_q("unit__path", paths)
        sent_here = path_q("receiving_unit__path", paths) & ~Q(status="draft")
        return self.filter(made_here | sent_here)


class AttachmentQuerySet(ScopedQuerySetMixin, models.QuerySet):
    scope_lookup = "initiative__unit__path"


class MembershipQuerySet(ScopedQuerySetMixin, models.QuerySet):
    pass


class ReorganisationQuerySet(models.QuerySet):
    def restrict(self, user, action=VIEW):
        """Keep the plans that name at least one unit of the user's scope (``Reorganisation.units``)."""
        paths = scope_paths(user, action)
        if paths is None:
            return self
        touching = self.model.units.through.objects.filter(path_q("unit__path", paths))
        return self.filter(pk__in=touching.values("reorganisation_id"))


class OwnedUntilExpiryQuerySet(models.QuerySet):
    """Rows that belong to the user who made them and live until ``expires_at`` (pending imports,
    generated workbooks): nobody else may see them, whatever their scope."""

    def restrict(self, user, action=None):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user, expires_at__gt=timezone.now())

    def expired(self):
        return self.filter(expires_at__lte=timezone.now())


def plain_rows(queryset):
    """Return the column names and rows of a ``values()`` queryset, read straight from the cursor.

    Without the ORM's per-row iteration: twenty thousand rows of two integers are read some
    30 ms sooner, fifty sums a row about twice as fast. Only for columns that need no
    conversion (integers and text).
    """
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # a filter that can match nothing, such as .none()
        return [], []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [column[0] for column in cursor.description], cursor.fetchall()
