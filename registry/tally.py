"""Keep the counts kept ready exactly equal to the live counts, in both structures.

``Tally`` counts each registration under the unit that registered it and every unit above
("as reported": the tree as it stood); ``CurrentTally`` under the unit that carries it on
today (``Registration.carrier``) and every unit above that ("in today's structure"). Units are
never moved in the tree, so a unit's ancestors never change.

Every write that can change a count runs inside ``tracking(pairs)``, where ``pairs`` are the
(registering unit, year) pairs it may touch: the registrations of those pairs are counted,
by registering unit and carrier, before and after the write, and the differences are added to
the rows of the units above, in the same transaction. A reorganisation, which changes the
carriers of many registrations at once, recounts the rows above the old and new carriers
(``current_refresh``).

``tally_rebuild()`` recomputes everything from the registrations (after a bulk load),
``tally_expected()`` gives what a table should hold and ``tally_check()`` compares and repairs.
"""

import functools
import hashlib
import threading
import uuid
from collections import defaultdict
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count, F, Max
from django.db.models.functions import ExtractQuarter, ExtractYear, Substr
from django.dispatch import Signal

from .measures import OWN_KEYS, OWN_MEASURES, TALLY_KEYS, TALLY_MEASURES, Measure
from .models import CurrentTally, OwnTally, Registration, Revision, Tally, Unit

KEY_FIELDS = ("unit_id", "year", "quarter", "field_id")
REPORTED = "reported"  # as reported: under the registering unit
CURRENT = "current"  # today's structure: under the unit that carries it on
STRUCTURES = (REPORTED, CURRENT)
OWN = "own"  # each unit's own registrations, not above (``OwnTally``)
CHECKED = (*STRUCTURES, OWN)  # what the checks compare with a recount
MODELS = {REPORTED: Tally, CURRENT: CurrentTally, OWN: OwnTally}
KEYS = {REPORTED: KEY_FIELDS, CURRENT: KEY_FIELDS, OWN: ("unit_id", "year")}
COUNT_KEYS = {REPORTED: TALLY_KEYS, CURRENT: TALLY_KEYS, OWN: OWN_KEYS}
# A write's snapshot counts the tally's measures and then the own counts' (named apart: some
# share a key with a tally measure).
SNAPSHOT_MEASURES = [*TALLY_MEASURES, *(Measure(f"own_{m.key}", m.q, m.params) for m in OWN_MEASURES)]
UNIT_PATH = {REPORTED: "unit__path", CURRENT: "carrier__path"}


def pairs_of(registrations):
    """Return the (unit, year) pairs of registrations (a queryset or model instances), as stored."""
    if not hasattr(registrations, "values_list"):
        # Read what is stored: an instance in hand may be older than the row. One query.
        registrations = Registration.objects.filter(pk__in=[item.pk for item in registrations])
    return set(registrations.values_list("unit_id", "year"))


def _counted(queryset, group_by, measures=TALLY_MEASURES):
    """Group alive registrations and count every tally measure (or ``measures``). One query."""
    return (
        queryset.annotate(quarter=ExtractYear("registered_on") * 10 + ExtractQuarter("registered_on"))
        .values(*group_by)
        .annotate(**{m.key: m.aggregate() for m in measures})
        .order_by()
    )


SNAPSHOT_GROUPS = ["unit_id", "carrier_id", "year", "quarter", "initiative__field_id"]
# Stand-ins for the unit ids and years of a snapshot's query, far from any real value, so that
# the query is compiled once per shape (how many units and years) and reused with new values:
# building its forty-odd filtered counts cost about 25 ms a write.
UNIT_MARK, YEAR_MARK = 9_000_000_000_000, 30_000
_compiled = {}


def _snapshot_query(units, years):
    """Return the SQL and parameters of the snapshot of ``units`` × ``years``."""
    shape = (len(units), len(years), connection.vendor)
    if shape not in _compiled:
        marks = {UNIT_MARK + index for index in range(len(units))}
        marks_years = {YEAR_MARK + index for index in range(len(years))}
        queryset = _counted(
            Registration.objects.counted().filter(unit_id__in=marks, year__in=marks_years),
            SNAPSHOT_GROUPS,
            SNAPSHOT_MEASURES,
        )
        sql, params = queryset.query.sql_with_params()
        names = [*SNAPSHOT_GROUPS[:-1], "field_id"] + [m.key for m in SNAPSHOT_MEASURES]
        _compiled[shape] = (sql, list(params), names)
    sql, params, names = _compiled[shape]
    values = {UNIT_MARK + index: unit for index, unit in enumerate(sorted(units))}
    values |= {YEAR_MARK + index: year for index, year in enumerate(sorted(years))}
    return sql, [values.get(param, param) if isinstance(param, int) else param for param in params], names


def _snapshot(pairs):
    """Count the registrations of ``pairs`` by registering unit, carrier, year, quarter and field."""
    if not pairs:
        return {}
    sql, params, _names = _snapshot_query({unit for unit, _ in pairs}, {year for _, year in pairs})
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    snapshot = {}
    groups = len(SNAPSHOT_GROUPS)
    for row in rows:
        if (row[0], row[2]) in pairs:
            snapshot[tuple(row[:groups])] = list(row[groups:])
    return snapshot


def ancestor_ids(unit_ids):
    """Map each unit to the ids of itself and every unit above it. Two queries."""
    paths = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    steplen = Unit.steplen
    prefixes = {path[:end] for path in paths.values() for end in range(steplen, len(path) + 1, steplen)}
    ids = dict(Unit.objects.filter(path__in=prefixes).values_list("path", "pk"))
    return {
        unit: [ids[path[:end]] for end in range(steplen, len(path) + 1, steplen)]
        for unit, path in paths.items()
    }


def _apply(before, after):
    """Add the difference between two snapshots to the rows of every unit above, in both tables,
    and to the registering units' own counts."""
    zero = [0] * len(SNAPSHOT_MEASURES)
    tallied = len(TALLY_KEYS)
    changed = {}
    for key in before.keys() | after.keys():
        delta = [new - old for new, old in zip(after.get(key, zero), before.get(key, zero), strict=True)]
        if any(delta):
            changed[key] = delta
    if not changed:
        return
    own = defaultdict(lambda: [0] * len(OWN_KEYS))
    for (unit, _carrier, year, _quarter, _field), delta in changed.items():
        total = own[(unit, year)]
        for index, value in enumerate(delta[tallied:]):
            total[index] += value
    own = {key: delta for key, delta in own.items() if any(delta)}
    owners = {unit for unit, _year in own}
    if own:
        _add_all(OwnTally, own, KEYS[OWN], OWN_KEYS)
        OwnTally.objects.filter(unit_id__in=owners, total=0).delete()
    changed = {key: delta[:tallied] for key, delta in changed.items() if any(delta[:tallied])}
    ancestors = ancestor_ids(owners | {key[0] for key in changed} | {key[1] for key in changed if key[1]})
    # The completeness board sums the own counts above each unit (a review state, say, that the
    # tally does not count): its cached counts are renewed with the units above.
    renewed = {ancestor for unit in owners for ancestor in ancestors[unit]}
    for structure in STRUCTURES if changed else ():
        deltas = defaultdict(lambda: [0] * len(TALLY_KEYS))
        for (unit, carrier, year, quarter, field), delta in changed.items():
            counted = unit if structure == REPORTED else carrier
            if counted is None:  # nothing carries it on today (dissolved at the top)
                continue
            for ancestor in ancestors[counted]:
                total = deltas[(ancestor, year, quarter, field)]
                for index, value in enumerate(delta):
                    total[index] += value
        model = MODELS[structure]
        _add_all(model, deltas)
        model.objects.filter(unit_id__in={key[0] for key in deltas}, total=0).delete()
        renewed |= {key[0] for key in deltas}
    renew(renewed)


# SQLite accepts at most 32.766 parameters in one statement.
_PARAMETERS = 30_000


def _add_all(model, deltas, keys=KEY_FIELDS, names=TALLY_KEYS):
    """Add each delta {(unit, year, quarter, field): [counts]} to its row, creating missing rows.

    ``keys`` and ``names`` are the model's key columns and count columns.

    Two statements for hundreds of rows, whatever their number: an import of a province's list
    changes thousands of rows above its units, which one UPDATE each took seconds to write.
    The rows that exist are updated in one ``UPDATE … FROM (VALUES …)``; the others are
    inserted, and a row another transaction inserted meanwhile is added to instead
    (``ON CONFLICT … DO UPDATE``), so that concurrent writers stay exact.
    """
    deltas = {key: delta for key, delta in deltas.items() if any(delta)}
    if not deltas:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    counts = [quote(name) for name in names]
    items = list(deltas.items())
    # The rows that exist are sent only the counts that change: a review step changes two of
    # some seventy, and sending the others as zeros made accepting 20.000 rows a tenth slower.
    moved = [index for index in range(len(names)) if any(delta[index] for _key, delta in items)]
    width = len(keys) + len(moved)
    marks = "(" + ", ".join(["%s"] * width) + ")"
    matched = " AND ".join(f"{table}.{key} = delta.column{index}" for index, key in enumerate(keys, start=1))
    added = ", ".join(
        f"{counts[name]} = {table}.{counts[name]} + delta.column{index}"
        for index, name in enumerate(moved, start=len(keys) + 1)
    )
    found = set()
    with connection.cursor() as cursor:
        for start in range(0, len(items), _PARAMETERS // width):
            part = items[start : start + _PARAMETERS // width]
            cursor.execute(
                f"UPDATE {table} SET {added} FROM (VALUES {', '.join([marks] * len(part))}) AS delta "
                f"WHERE {matched} RETURNING {', '.join(keys)}",
                [value for key, delta in part for value in (*key, *(delta[index] for index in moved))],
            )
            found.update(tuple(row) for row in cursor.fetchall())
        # A new row is written whole.
        missing = [(key, delta) for key, delta in items if key not in found]
        width = len(keys) + len(counts)
        marks = "(" + ", ".join(["%s"] * width) + ")"
        increments = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in counts)
        for start in range(0, len(missing), _PARAMETERS // width):
            part = missing[start : start + _PARAMETERS // width]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(keys)}, {', '.join(counts)}) "
                f"VALUES {', '.join([marks] * len(part))} "
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {increments}",
                [value for key, delta in part for value in (*key, *delta)],
            )


# Every tracked write holds a lock per registering unit it counts, from its first count to its
# commit. Under READ COMMITTED two writers that counted the same unit's rows before and after
# themselves, unlocked, each counted the row the other committed in between (20 creations in
# one unit, four at a time, added 31). The locks are PostgreSQL advisory locks, taken in
# ascending order so that two writers never wait for each other in a circle; they do not touch
# the unit rows, which other writes update. SQLite runs one writing transaction at a time
# (``transaction_mode`` IMMEDIATE in the settings), which gives the same guarantee.
LOCK_SPACE = 7421
_active = threading.local()


def _lock(unit_ids):
    """Take the tally locks of ``unit_ids`` until the end of the transaction. One query."""
    if not unit_ids or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, unit_id)) FROM "
            "(SELECT unit_id FROM unnest(%s::integer[]) AS unit_id ORDER BY unit_id) AS ordered",
            [LOCK_SPACE, sorted(unit_ids)],
        )


@contextmanager
def tracking(pairs, *, stored=None):
    """Keep the tally in step with a write that may change the registrations of ``pairs``.

    Must run inside the write's transaction. ``pairs`` must name every (registering unit,
    year) the write can change, before and after it: an edit that moves a registration to
    another year or unit names both. ``stored``, when given, returns the pairs as the database
    holds them; it is asked again once the locks are held (a registration moved by another
    writer meanwhile), and the pairs it adds are locked too.

    Inside another ``tracking()`` whose pairs cover these, it does nothing: the outer one
    counts the whole write.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("tally.tracking() must run inside the write's transaction")
    pairs = set(pairs) | (stored() if stored else set())
    outer = getattr(_active, "pairs", None)
    if outer is not None:
        if not pairs <= outer:
            raise RuntimeError(f"tally.tracking(): {sorted(pairs - outer)} not covered by the outer write")
        yield
        return
    locked = set()
    while True:
        _lock({unit for unit, _year in pairs} - locked)
        locked |= {unit for unit, _year in pairs}
        more = (stored() - pairs) if stored else set()
        if not more:
            break
        pairs |= more
    before = _snapshot(pairs)
    _active.pairs = pairs
    try:
        yield
    finally:
        _active.pairs = None
    _apply(before, _snapshot(pairs))


def _by_ancestor(depth, structure=REPORTED):
    """Registrations counted by their (or their carrier's) ancestor at ``depth``, year, quarter, field."""
    path = UNIT_PATH[structure]
    return _counted(
        Registration.objects.counted()
        .filter(**{f"{path.split('__')[0]}__depth__gte": depth})
        .annotate(ancestor=Substr(path, 1, Unit.steplen * depth), field_key=F("initiative__field_id")),
        ["ancestor", "year", "quarter", "field_key"],
    )


def _own_counts():
    """Registrations counted by registering unit and year, with the own measures. One query."""
    return (
        Registration.objects.counted()
        .values("unit_id", "year")
        .annotate(**{m.key: Count("pk", filter=m.q) for m in OWN_MEASURES})
        .order_by()
    )


def _expected_rows(structure=REPORTED):
    """Yield (key, counts) of what a table should hold, computed from the registrations.

    One query per depth of the tree: each groups the registrations by the ancestor at that
    depth (a prefix of the registering unit's or carrier's path). Rows stream, so memory stays flat.
    The own counts are one query.
    """
    if structure == OWN:
        for row in _own_counts().iterator(chunk_size=5000):
            yield (row["unit_id"], row["year"]), [row[name] for name in OWN_KEYS]
        return
    max_depth = Unit.objects.aggregate(depth=Max("depth"))["depth"] or 0
    for depth in range(1, max_depth + 1):
        ids = dict(Unit.objects.filter(depth=depth).values_list("path", "pk"))
        for row in _by_ancestor(depth, structure).iterator(chunk_size=5000):
            key = (ids[row["ancestor"]], row["year"], row["quarter"], row["field_key"])
            yield key, [row[name] for name in TALLY_KEYS]


def tally_expected(structure=REPORTED):
    """Return what the table of ``structure`` should hold: {key: [counts]}."""
    return dict(_expected_rows(structure))


def _zeros(width):
    return [0] * width


def tally_expected_all():
    """Return what every table should hold, {structure: {key: [counts]}}, in four queries.

    The same counts as ``tally_expected`` for each structure, summed up the tree in Python from
    one grouped count of the registrations (by registering unit, carrier, year, quarter and
    field: the snapshot a write takes) instead of one query per depth: for the small databases
    of the tests, which check the tables after every test that writes.
    """
    groups = list(_counted(Registration.objects.counted(), SNAPSHOT_GROUPS, SNAPSHOT_MEASURES))
    units = {row["unit_id"] for row in groups} | {row["carrier_id"] for row in groups}
    ancestors = ancestor_ids(units - {None})
    tallied = len(TALLY_KEYS)
    expected = {
        structure: defaultdict(functools.partial(_zeros, len(COUNT_KEYS[structure]))) for structure in CHECKED
    }
    for row in groups:
        counts = [row[m.key] for m in SNAPSHOT_MEASURES]
        key = (row["year"], row["quarter"], row["initiative__field_id"])
        for structure, counted in ((REPORTED, row["unit_id"]), (CURRENT, row["carrier_id"])):
            for ancestor in ancestors.get(counted, ()) if counted is not None else ():
                total = expected[structure][(ancestor, *key)]
                for index, value in enumerate(counts[:tallied]):
                    total[index] += value
        own = expected[OWN][(row["unit_id"], row["year"])]
        for index, value in enumerate(counts[tallied:]):
            own[index] += value
    return {structure: dict(rows) for structure, rows in expected.items()}


def tally_current(structure=REPORTED):
    """Return what the table of ``structure`` holds: {key: [counts]}."""
    keys, names = KEYS[structure], COUNT_KEYS[structure]
    return {
        tuple(row[key] for key in keys): [row[name] for name in names]
        for row in MODELS[structure].objects.values(*keys, *names)
    }


def _insert_counts(table, structure, depth, unit_paths=None):
    """INSERT … SELECT the counts of the units at ``depth`` (those of ``unit_paths`` only, if given)."""
    quote = connection.ops.quote_name
    counts = ", ".join(quote(name) for name in TALLY_KEYS)
    rows = _by_ancestor(depth, structure)
    if unit_paths is not None:
        rows = rows.filter(ancestor__in=unit_paths)
    select, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} (unit_id, year, quarter, field_id, {counts}) "
            'SELECT unit.id, grouped."year", grouped.quarter, grouped.field_key, '
            + ", ".join(f"grouped.{quote(name)}" for name in TALLY_KEYS)
            + f" FROM ({select}) grouped JOIN {quote(Unit._meta.db_table)} unit"
            " ON unit.path = grouped.ancestor",
            params,
        )


def _insert_own(table):
    """INSERT … SELECT every unit's own counts into ``table``."""
    quote = connection.ops.quote_name
    counts = ", ".join(quote(name) for name in OWN_KEYS)
    select, params = _own_counts().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(table)} (unit_id, year, {counts}) {select}", params)


def _fill(table, structure, max_depth):
    """Write the recount of ``structure`` into ``table`` (empty)."""
    if structure == OWN:
        _insert_own(table)
        return
    for depth in range(1, max_depth + 1):
        _insert_counts(table, structure, depth)


@transaction.atomic
def tally_rebuild():
    """Recompute both tables from the registrations (after a bulk load). Returns the row count.

    Bulk loads bypass the services, so the columns registrations keep (recognition, the
    initiative's deletion, the carrier) are refreshed first. Then one INSERT … SELECT per
    depth of the tree and per table: the rows never leave the database.
    """
    from .lineage import carriers_sync
    from .services import registrations_sync

    registrations_sync()
    carriers_sync()
    max_depth = Unit.objects.aggregate(depth=Max("depth"))["depth"] or 0
    for structure in CHECKED:
        MODELS[structure].objects.all().delete()
        _fill(MODELS[structure]._meta.db_table, structure, max_depth)
    renew_all()
    return Tally.objects.count()


# Above this many units a partial recount costs more than recounting the whole table.
REFRESH_LIMIT = 400


def current_refresh(unit_ids):
    """Recount today's structure for ``unit_ids`` and every unit above them (after carriers changed).

    Must run inside the transaction that changed the carriers.
    """
    unit_ids = {pk for pk in unit_ids if pk is not None}
    if not unit_ids:
        return
    ancestors = {pk for chain in ancestor_ids(unit_ids).values() for pk in chain}
    table = CurrentTally._meta.db_table
    if len(ancestors) > REFRESH_LIMIT:
        CurrentTally.objects.all().delete()
        targets = None
    else:
        CurrentTally.objects.filter(unit_id__in=ancestors).delete()
        targets = defaultdict(list)
        for depth, path in Unit.objects.filter(pk__in=ancestors).values_list("depth", "path"):
            targets[depth].append(path)
    max_depth = Unit.objects.aggregate(depth=Max("depth"))["depth"] or 0
    for depth in range(1, max_depth + 1):
        if targets is None:
            _insert_counts(table, CURRENT, depth)
        elif targets.get(depth):
            _insert_counts(table, CURRENT, depth, targets[depth])
    if targets is None:
        renew_all()
    else:
        renew(ancestors)


def tally_check(*, repair=False):
    """Compare the tables (both structures, the own counts) with a recount; with ``repair``,
    rewrite the rows that differ.

    Returns {structure: (rows held, rows expected, rows that differ)}. The recount goes to a
    temporary table and the comparison is one query, so the rows never leave the database.
    """
    quote = connection.ops.quote_name
    report = {}
    max_depth = Unit.objects.aggregate(depth=Max("depth"))["depth"] or 0
    with transaction.atomic(), connection.cursor() as cursor:
        for structure in CHECKED:
            keys = " AND ".join(f"held.{name} = fresh.{name}" for name in KEYS[structure])
            same = " AND ".join(f"held.{quote(name)} = fresh.{quote(name)}" for name in COUNT_KEYS[structure])
            table = quote(MODELS[structure]._meta.db_table)
            cursor.execute("DROP TABLE IF EXISTS recount")
            cursor.execute(f"CREATE TEMPORARY TABLE recount AS SELECT * FROM {table} WHERE 1 = 0")
            _fill("recount", structure, max_depth)
            cursor.execute(f"SELECT count(*) FROM {table}")
            held = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM recount")
            expected = cursor.fetchone()[0]
            wrong = (
                f"SELECT held.id FROM {table} held LEFT JOIN recount fresh ON {keys} "
                f"WHERE fresh.unit_id IS NULL OR NOT ({same})"
            )
            missing = (
                f"SELECT fresh.unit_id FROM recount fresh LEFT JOIN {table} held ON {keys} "
                "WHERE held.id IS NULL"
            )
            cursor.execute(f"SELECT count(*) FROM ({wrong}) w")
            differ = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM ({missing}) m")
            differ += cursor.fetchone()[0]
            if repair and differ:
                cursor.execute(f"DELETE FROM {table} WHERE id IN ({wrong})")
                names = [quote(name) for name in (*KEYS[structure], *COUNT_KEYS[structure])]
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(names)}) "
                    f"SELECT {', '.join('fresh.' + name for name in names)} "
                    f"FROM recount fresh LEFT JOIN {table} held ON {keys} WHERE held.id IS NULL"
                )
            cursor.execute("DROP TABLE recount")
            report[structure] = (held, expected, differ)
    if repair and any(differ for _held, _expected, differ in report.values()):
        renew_all()
    return report


# ---------------------------------------------------------------------------------------------
# Revision tokens: the report figures are cached under a root's token (``reports.cache``)


# Sent once the transaction that renewed tokens has committed, with ``unit_ids`` (None: every
# unit): the reports warm their cached figures from it (``reports.cache``).
revisions_renewed = Signal()


def _announce(unit_ids):
    # Robust: the write has committed; what its listeners do must not fail its answer.
    transaction.on_commit(lambda: revisions_renewed.send(sender=Revision, unit_ids=unit_ids), robust=True)


def new_token():
    return uuid.uuid4().hex


def token_of(root):
    """Return the root unit's revision token, or None when it has none. One query a request.

    Read once per request: kept on the root unit instance the request loaded.
    """
    if "_revision_token" not in root.__dict__:
        root.__dict__["_revision_token"] = (
            Revision.objects.filter(unit_id=root.pk).values_list("token", flat=True).first()
        )
    return root.__dict__["_revision_token"]


def roots_token():
    """Return one token for the whole tree: the tokens of its top units, which every counted write
    renews (None when one has none). For figures whose units lie anywhere in the tree (the
    structure of a past day places a registration under a unit outside its own branch). Two queries.
    """
    tokens = list(Revision.objects.filter(unit__depth=1).order_by("unit_id").values_list("unit_id", "token"))
    if not tokens or len(tokens) != Unit.objects.filter(depth=1).count():
        return None
    return hashlib.sha1(repr(tokens).encode()).hexdigest()


def renew(unit_ids):
    """Give the units new tokens (inside the write's transaction). Two queries."""
    unit_ids = set(unit_ids)
    if not unit_ids:
        return
    token = new_token()
    Revision.objects.filter(unit_id__in=unit_ids).update(token=token)
    Revision.objects.bulk_create(
        [Revision(unit_id=unit_id, token=token) for unit_id in unit_ids], ignore_conflicts=True
    )
    _announce(unit_ids)


def renew_above(unit_ids):
    """Give new tokens to ``unit_ids`` and every unit above them: their figures count the units
    below (their rows, "x/y"), so adding, renaming or closing a unit changes them. Four queries."""
    renew({ancestor for chain in ancestor_ids(unit_ids).values() for ancestor in chain})


def renew_all():
    """Give every unit that has counts a new token (after the tally is rebuilt)."""
    token = new_token()
    Revision.objects.all().delete()
    Revision.objects.bulk_create(
        (
            Revision(unit_id=unit_id, token=token)
            for unit_id in Tally.objects.values_list("unit_id", flat=True).distinct()
        ),
        batch_size=5000,
    )
    _announce(None)
