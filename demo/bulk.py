"""Write generated rows in bulk, past ``save()``, signals and the history, and tidy up after.

On PostgreSQL with COPY (ids are assigned by the generator and the sequences moved past them
afterwards), elsewhere with ``bulk_create``.
"""

import io

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from registry.models import Decision, Initiative, Registration, Unit

COPY_BATCH = 20_000
INSERT_BATCH = 5_000


class Writer:
    """Write rows (tuples in the order of ``columns``, attribute names) in bulk."""

    def __init__(self, method):
        self.method = method

    def write(self, model, columns, rows):
        if not rows:
            return
        if self.method == "copy":
            self.copy(model, columns, rows)
        else:
            objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
            model.objects.bulk_create(objs, batch_size=INSERT_BATCH)

    def copy(self, model, columns, rows):
        """COPY the rows; NOT NULL columns left out get their field's default (blank texts, False),
        or now for a time kept by Django (``auto_now``)."""
        opts = model._meta
        names = [opts.get_field(column).column for column in columns]
        constants = []
        now = timezone.now()
        for field in opts.concrete_fields:
            if field.primary_key or field.null or field.attname in columns:
                continue
            names.append(field.column)
            automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            constants.append(now if automatic else field.get_default())
        tail = "".join("\t" + copy_text(value) for value in constants)
        sql = "COPY {} ({}) FROM STDIN".format(
            connection.ops.quote_name(opts.db_table), ", ".join(connection.ops.quote_name(n) for n in names)
        )
        with connection.cursor() as cursor:
            for start in range(0, len(rows), COPY_BATCH):
                buffer = io.StringIO()
                buffer.writelines(
                    "\t".join(map(copy_text, row)) + tail + "\n" for row in rows[start : start + COPY_BATCH]
                )
                buffer.seek(0)
                cursor.copy_expert(sql, buffer)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value):
    """Return ``value`` in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)


class Ids:
    """Hand out primary keys after the largest one in use, table by table."""

    def __init__(self, models):
        self.next = {model: (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1 for model in models}

    def take(self, model):
        value = self.next[model]
        self.next[model] = value + 1
        return value


def reset_sequences():
    """Move the tables' id sequences past the ids the generator handed out."""
    models = [Unit, Initiative, Registration, Decision, Decision.registrations.through]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def compact(*models):
    """Rewrite the tables of ``models`` without their dead row versions (``VACUUM FULL``), on PostgreSQL.

    Applying the national reform rewrites the carrier of 1,9 million registrations: the table
    is left about three times its size, and every scan of it as much slower, until it is
    rewritten. An operator does the same after a reform of that size (docs/deployment.md).
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM (FULL, ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


def analyze(vacuum=False, tables=()):
    """Give the planner the new rows' statistics; with ``vacuum``, mark the pages all-visible too.

    Without VACUUM after a bulk load, every index-only scan (the list's count, the
    registrations of a model) still reads the table pages, and the full-text index keeps its
    pending list. VACUUM cannot run in a transaction (the tests'): ANALYZE alone then.
    """
    if connection.vendor != "postgresql":
        return
    models = [Unit, Initiative, Registration, Decision, Decision.registrations.through]
    statement = "VACUUM (ANALYZE)" if vacuum and not connection.in_atomic_block else "ANALYZE"
    with connection.cursor() as cursor:
        for table in [*(model._meta.db_table for model in models), *tables]:
            cursor.execute(f"{statement} {connection.ops.quote_name(table)}")
