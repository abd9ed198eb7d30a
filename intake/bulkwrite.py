"""Insert thousands of records and their history rows in a few statements.

An import of 20.000 rows writes tens of thousands of records: the initiatives, their
registrations and one history row for each. ``QuerySet.bulk_create`` prepares every value of
every row through the ORM's compiler, which cost more than the database itself (about 17 µs a
value: 500.000 values for 5.000 rows); history rows built as model instances by
``bulk_history_create`` doubled it. Here the values are read once per field, converted only
where the database needs it (dates and times), and sent as multi-row ``INSERT … RETURNING``,
the statement ``bulk_create`` itself sends. History rows take their columns from the history
model (django-simple-history), so they are the rows ``bulk_history_create`` writes.

Nothing here validates: the import's check did (every cell, and the registry's rules), and the
database's constraints still guard the invariants.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import AutoField, BigAutoField, SmallAutoField

from registry.chunks import batched

# SQLite accepts at most 32.766 parameters in one statement.
MAX_PARAMETERS = 30_000
AUTO_FIELDS = (AutoField, BigAutoField, SmallAutoField)


def _converter(field, connection):
    """Return the function that turns a field's Python value into what the database takes, or None."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    if kind in ("JSONField", "BinaryField", "DecimalField", "UUIDField", "TimeField", "DurationField"):
        return lambda value: field.get_db_prep_save(value, connection)
    return None  # text, numbers, booleans and keys go as they are


def _insert(model, columns, rows, connection):
    """INSERT ``rows`` (lists of values for ``columns``) into ``model``'s table; return the new keys."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    pk = quote(model._meta.pk.column)
    keys = []
    per_statement = max(1, MAX_PARAMETERS // len(columns))
    row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for part in batched(rows, per_statement):
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([row_marks] * len(part))} RETURNING {pk}",
                [value for row in part for value in row],
            )
            keys.extend(key for (key,) in cursor.fetchall())
    return keys


def insert(objs, *, using=DEFAULT_DB_ALIAS):
    """Insert unsaved model instances (all of one model) and set their keys, as ``bulk_create`` does.

    Fields with ``auto_now`` or ``auto_now_add`` get the time now, as on a save. Keys of related
    objects saved meanwhile are taken from them (``registration.initiative`` saved before).
    """
    objs = list(objs)
    if not objs:
        return objs
    connection = connections[using]
    model = type(objs[0])
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and isinstance(field, AUTO_FIELDS))
    ]
    stamped = [
        field
        for field in fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    relations = [field for field in fields if field.is_relation and field.many_to_one]
    converters = [_converter(field, connection) for field in fields]
    rows = []
    for obj in objs:
        for field in stamped:
            field.pre_save(obj, add=True)
        for field in relations:  # an object assigned before it was saved
            if getattr(obj, field.attname) is None and field.is_cached(obj):
                related = field.get_cached_value(obj)
                if related is not None:
                    setattr(obj, field.attname, related.pk)
        values = []
        for field, convert in zip(fields, converters, strict=True):
            value = getattr(obj, field.attname)
            values.append(convert(value) if convert is not None and value is not None else value)
        rows.append(values)
    keys = _insert(model, [field.column for field in fields], rows, connection)
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = using
    return objs


def insert_history(objs, *, history_type, user, date, using=DEFAULT_DB_ALIAS):
    """Insert one history row per instance (saved, all of one model), as ``bulk_history_create`` does.

    ``history_type`` is "+" for created records, "~" for changed ones; ``user`` the acting user.
    """
    objs = list(objs)
    if not objs:
        return
    connection = connections[using]
    history = type(objs[0]).history.model
    tracked = {field.attname for field in history.tracked_fields}
    own = {
        "history_date": date,
        "history_change_reason": "",
        "history_type": history_type,
        "history_user_id": user.pk if user is not None else None,
    }
    fields = [field for field in history._meta.concrete_fields if field.attname != "history_id"]
    unknown = [field.attname for field in fields if field.attname not in tracked and field.attname not in own]
    if unknown:  # a column this function does not know how to fill: refuse rather than guess
        raise ValueError(f"history columns not handled: {unknown}")
    converters = [_converter(field, connection) for field in fields]
    rows = []
    for obj in objs:
        values = []
        for field, convert in zip(fields, converters, strict=True):
            value = getattr(obj, field.attname) if field.attname in tracked else own[field.attname]
            values.append(convert(value) if convert is not None and value is not None else value)
        rows.append(values)
    _insert(history, [field.column for field in fields], rows, connection)


def update(objs, field_names, *, using=DEFAULT_DB_ALIAS):
    """Write ``field_names`` of saved instances (all of one model) in one statement per few hundred.

    ``bulk_update`` builds a CASE of one WHEN per row and per field, whose preparation grows with
    both; this sends ``UPDATE … FROM (VALUES …)``, which both databases run as a join.
    """
    objs = list(objs)
    if not objs:
        return
    connection = connections[using]
    model = type(objs[0])
    fields = [model._meta.get_field(name) for name in field_names]
    converters = [_converter(field, connection) for field in fields]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    # VALUES columns are named column1, column2... in both databases; PostgreSQL reads the
    # parameters as text unless told their type.
    postgres = connection.vendor == "postgresql"

    def typed(index, field):
        value = f"changed.column{index}"
        return f"CAST({value} AS {field.db_type(connection)})" if postgres else value

    assignments = ", ".join(
        f"{quote(field.column)} = {typed(index, field)}" for index, field in enumerate(fields, 2)
    )
    key = f"CAST(changed.column1 AS {model._meta.pk.db_type(connection)})" if postgres else "changed.column1"
    row_marks = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    per_statement = max(1, MAX_PARAMETERS // (len(fields) + 1))
    with connection.cursor() as cursor:
        for part in batched(objs, per_statement):
            params = []
            for obj in part:
                params.append(obj.pk)
                for field, convert in zip(fields, converters, strict=True):
                    value = getattr(obj, field.attname)
                    params.append(convert(value) if convert is not None and value is not None else value)
            values = ", ".join([row_marks] * len(part))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS changed "
                f"WHERE {table}.{pk} = {key}",
                params,
            )


def copy_history(model, pks, *, history_type, user, date, using=DEFAULT_DB_ALIAS):
    """Write one history row per stored record of ``model`` among ``pks``, copied by the database.

    The rows ``insert_history`` writes, as they stand after a bulk UPDATE, without loading
    them: ``INSERT … SELECT`` from the record's table, a statement per few thousand keys.
    """
    pks = list(pks)
    if not pks:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    history = model.history.model
    tracked = {field.attname: field for field in history.tracked_fields}
    own = {
        "history_date": connection.ops.adapt_datetimefield_value(date),
        "history_change_reason": "",
        "history_type": history_type,
        "history_user_id": user.pk if user is not None else None,
    }
    fields = [field for field in history._meta.concrete_fields if field.attname != "history_id"]
    unknown = [field.attname for field in fields if field.attname not in tracked and field.attname not in own]
    if unknown:
        raise ValueError(f"history columns not handled: {unknown}")
    names = ", ".join(quote(field.column) for field in fields)
    selected = ", ".join(
        quote(tracked[field.attname].column) if field.attname in tracked else "%s" for field in fields
    )
    constants = [own[field.attname] for field in fields if field.attname not in tracked]
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        for part in batched(pks, MAX_PARAMETERS - len(constants)):
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({names}) "
                f"SELECT {selected} FROM {table} WHERE {pk} IN ({marks})",
                [*constants, *part],
            )
