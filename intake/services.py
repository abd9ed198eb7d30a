"""Writes of the intake: store an upload, check it, import it; year rollover; bulk changes.

Each function takes the acting user and records it in the history. The import writes a
chunk of rows per transaction, so that a large file never holds the database (on SQLite, every
other writer) for long, and marks the rows it wrote, so that it can continue after a stop and
never writes a row twice; everything that can refuse the import is checked on every row before
the first write. The year rollover and the bulk changes run in one transaction (all rows or
none).
"""

import datetime
import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connections,
    transaction,
)
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import lineage, review, rules, tally
from registry import services as registry_services
from registry.choices import Evaluation, Level, RegistrationStatus, ReviewState
from registry.chunks import batched
from registry.formats import inner
from registry.models import Campaign, Initiative, Registration, Unit, initiative_search_text
from registry.querysets import CHANGE
from registry.scope import scope_of
from registry.text import fold

from . import bulkwrite, unitimport
from .checks import INITIATIVE_KEYS, REGISTRATION_KEYS, Checker, person_key
from .models import BatchStatus, ImportBatch, ImportKind, ImportRow, RowAction

logger = logging.getLogger(__name__)
CHUNK = 500
WRITES = (RowAction.CREATE, RowAction.UPDATE)
PENDING = (BatchStatus.QUEUED, BatchStatus.CHECKING, BatchStatus.CHECKED, BatchStatus.IMPORTING)
# The model fields the import writes, by their names (for ``bulk_update``).
INITIATIVE_FIELDS = INITIATIVE_KEYS
REGISTRATION_FIELDS = REGISTRATION_KEYS


class StaleImport(Exception):
    """The registry changed between the check and the confirmation."""


class DatabaseLost(Exception):
    """The database stayed away longer than the import waits for it."""


def max_pending():
    """Return how many uploads a user may have waiting at once (``INTAKE_MAX_PENDING``)."""
    return getattr(settings, "INTAKE_MAX_PENDING", 5)


def write_chunk():
    """Return how many rows one transaction of the import writes (``INTAKE_WRITE_ROWS``).

    SQLite has one write lock for the whole database: 300 rows hold it for a fraction of a
    second. PostgreSQL locks only what a write touches, so larger chunks spare the fixed cost of
    each transaction (the counts kept ready are counted before and after it).
    """
    default = 300 if connections[DEFAULT_DB_ALIAS].vendor == "sqlite" else 2500
    return getattr(settings, "INTAKE_WRITE_ROWS", default)


def may_import(user) -> bool:
    """Tell whether ``user`` may upload files to import: they may change some unit (not viewers)."""
    return scope_of(user).may_change_anything()


def import_create(*, user, name: str, content: bytes, kind: str = ImportKind.INITIATIVES) -> ImportBatch:
    """Store an uploaded file as a pending import of ``user``; the check runs as a task.

    Refused for a user who may change nothing (a viewer), for a sheet of units to a user who
    administers no unit, and when the user already has ``max_pending()`` uploads waiting:
    checked, being checked or being imported.
    """
    if not may_import(user):
        raise PermissionDenied(_("Bạn chỉ có quyền xem nên không nhập được tệp."))
    if kind == ImportKind.UNITS and not unitimport.may_import_units(user):
        raise PermissionDenied(_("Chỉ quản trị đơn vị được nhập danh sách đơn vị."))
    with transaction.atomic():
        # One upload at a time per user, so that two uploads sent together cannot both pass the cap.
        registry_services.lock_rows(get_user_model(), [user.pk])
        ImportBatch.objects.filter(user=user).expired().delete()
        pending = ImportBatch.objects.restrict(user).filter(status__in=PENDING).count()
        if pending >= max_pending():
            raise ValidationError(
                _(
                    "Bạn đang có %(count)s tệp chờ xử lý (tối đa %(limit)s). Hãy xác nhận nhập hoặc hủy "
                    "bớt các tệp đó (ở danh sách bên dưới) rồi tải tệp mới lên."
                ),
                code="too_many_pending",
                params={"count": pending, "limit": max_pending()},
            )
        return ImportBatch.objects.create(
            user=user, kind=kind, file_name=name[:255], file_size=len(content), content=content
        )


def import_check(*, batch: ImportBatch) -> ImportBatch:
    """Check every row of the batch's file and record what the import would do."""
    try:
        if batch.kind == ImportKind.UNITS:
            return unitimport.check(batch)
        return Checker(batch).run()
    except Exception:
        # A file that trips the reader in an unforeseen way must still end with a message.
        logger.exception("Checking import %s failed", batch.pk)
        ImportRow.objects.filter(batch=batch).delete()
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.REJECTED,
            summary={
                "file_errors": [
                    _("Không đọc được tệp này. Hãy mở bằng Excel, lưu lại dạng .xlsx rồi tải lên lại.")
                ],
                "counts": {},
            },
            checked_at=timezone.now(),
        )
        batch.refresh_from_db()
        return batch


def import_start(*, batch: ImportBatch) -> bool:
    """Mark a checked batch as importing; False when it is not ready or already started.

    One conditional update: of two confirmations sent together (a double click, two tabs),
    one starts the import and the other is told it already has.
    """
    if not batch.can_confirm:
        return False
    total = batch.rows.filter(action__in=WRITES).count()
    started = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.CHECKED).update(
        status=BatchStatus.IMPORTING, progress_done=0, progress_total=total
    )
    return bool(started)


# Connection losses the import waits out (a database restart), and for how long.
RETRY_DELAYS = (1, 2, 4, 8, 15)


def import_run(*, batch: ImportBatch) -> ImportBatch:
    """Run a started import and record its outcome on the batch.

    The rows are written a chunk at a time (``import_write``). When the database goes away
    in the middle (a restart), the chunk being written is rolled back and the import waits
    and continues from the last chunk committed; past ``RETRY_DELAYS`` it gives up, records
    the failure if it can, and raises, so that the task is marked failed too.
    """
    for attempt, delay in enumerate((*RETRY_DELAYS, None)):
        try:
            outcome = import_write(batch=batch)
            break
        except (OperationalError, InterfaceError):
            logger.warning("Import %s lost the database (attempt %s)", batch.pk, attempt + 1, exc_info=True)
            _drop_broken_connections()
            if delay is None:
                _fail_when_possible(batch)
                raise
            time.sleep(delay)
    else:  # pragma: no cover - the loop always breaks or raises
        raise AssertionError
    if outcome is not None:
        _record_outcome(batch, outcome)
    batch.refresh_from_db()
    return batch


def _record_outcome(batch, error):
    """Record why an import stopped: nothing written, or the rows written before the problem."""
    done = batch.rows.filter(done=True).count()
    if isinstance(error, StaleImport | PermissionDenied):
        reason = str(error)
    elif isinstance(error, IntegrityError | ValidationError):
        reason = _("Dữ liệu trên phần mềm đã thay đổi từ lúc kiểm tra.")
    elif isinstance(error, DatabaseLost):
        reason = _("Việc nhập bị gián đoạn (mất kết nối tới cơ sở dữ liệu).")
    else:
        reason = _("Có lỗi khi nhập.")
    if done:
        outcome = _(
            "Đã nhập %(done)s dòng đầu; các dòng từ dòng trên trở đi chưa được nhập. Hãy tải tệp lên lại "
            "để nhập nốt: các dòng đã nhập sẽ hiện là “Không thay đổi”."
        ) % {"done": done}
    elif isinstance(error, StaleImport | IntegrityError | ValidationError | PermissionDenied):
        outcome = _("Không dòng nào được nhập; hãy tải tệp lên lại để kiểm tra lại.")
    else:
        outcome = _("Không dòng nào được nhập; hãy thử lại hoặc báo quản trị hệ thống.")
    # Not over an outcome another run of the same import recorded first.
    ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.IMPORTING).update(
        status=BatchStatus.FAILED, progress_done=done, message=f"{reason} {outcome}"
    )


def _drop_broken_connections():
    """Close the connections a database restart broke; the next query opens a new one."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:  # a test's own transaction, never a broken connection
            connection.close_if_unusable_or_obsolete()


def _fail_when_possible(batch):
    try:
        _record_outcome(batch, DatabaseLost())
    except (OperationalError, InterfaceError):
        logger.exception("Could not record that import %s failed", batch.pk)


class _Written:
    """What this import wrote so far, read back from its rows when a run continues another."""

    def __init__(self, batch):
        self.batch = batch
        self.load()
        self.lineages = None  # read when a row names a closed unit
        # Initiatives others made in the rows' units since the upload: identity → name.
        self.recent, self.recent_pks = {}, set()

    def load(self):
        self.created = {}  # identity of a new initiative → its pk
        self.initiatives = set()  # every initiative the import wrote
        self.years = {}  # identity → years this import registered
        self.done = 0  # rows written, by this run or others
        rows = self.batch.rows.filter(done=True, action__in=WRITES).values_list(
            "unit_id_checked", "initiative_id_checked", "initiative_id_written", "year", "data"
        )
        for unit_id, checked, written, year, data in rows.iterator(chunk_size=5000):
            key = identity(unit_id, checked, data)
            if checked is None:
                self.created[key] = written
            self.initiatives.add(written)
            self.years.setdefault(key, set()).add(year)
            self.done += 1

    def claim(self):
        """Lock the import's row until the end of the transaction; False when it is not importing.

        The batch row is the import's lock: two runs of one import (a second worker, a task
        retried) take turns, chunk by chunk. A run that finds rows written by the other reads
        what they wrote before going on.
        """
        progress = (
            ImportBatch.objects.select_for_update()
            .filter(pk=self.batch.pk, status=BatchStatus.IMPORTING)
            .values_list("progress_done", flat=True)
            .first()
        )
        if progress is None:
            return False
        if progress != self.done:
            self.load()
        return True


def identity(unit_id, initiative_id, data):
    """Return what a row's initiative is: a stored one, or the new one of its unit, name and person."""
    if initiative_id is not None:
        return ("initiative", initiative_id)
    return ("new", unit_id, fold(data["name"]), person_key(data.get("person_name")))


def import_write(*, batch: ImportBatch):
    """Write the rows of a started import not written yet, a chunk per transaction.

    Return None when it finished (or another run finished it), else the error that stopped it:
    a ``StaleImport`` when the registry changed since the check, ``PermissionDenied`` when a
    row left the user's scope. Before the first write every remaining row is compared with
    the registry, so that such a change found there writes nothing at all; the same is
    checked again in each chunk's transaction, under its locks, which also stops two
    identical uploads confirmed together from creating the same models twice: the second
    finds the first one's models and stops.
    """
    if not ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.IMPORTING).exists():
        return None  # not started, or finished by another run
    try:
        if batch.kind == ImportKind.UNITS:
            # A few thousand units at most, written in one transaction: all of them or none.
            refused = unitimport.write(batch)
            return StaleImport(str(refused)) if refused is not None else None
        written = _Written(batch)
        _verify_all(batch, written)
        while _write_next(batch, written):
            _let_others_write()
    except (StaleImport, PermissionDenied, IntegrityError, ValidationError) as error:
        return error
    except (OperationalError, InterfaceError):
        raise
    except Exception as error:
        logger.exception("Import %s failed", batch.pk)
        return error
    return None


def _date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


DATE_KEYS = ("start_date", "registered_on", "evaluated_on")


def _value(key, data):
    return _date(data[key]) if key in DATE_KEYS else data[key]


def _attribute(key):
    return "field_id" if key == "field" else key


def _differs(obj, keys, data):
    """Tell whether writing the row's filled cells of ``keys`` would change ``obj``."""
    return any(key in data and getattr(obj, _attribute(key)) != _value(key, data) for key in keys)


def _assign(obj, keys, data):
    changed = False
    for key in keys:
        if key in data:
            value = _value(key, data)
            if getattr(obj, _attribute(key)) != value:
                setattr(obj, _attribute(key), value)
                changed = True
    return changed


def _check_stamp(obj, stamp, row):
    if stamp and obj.updated_at.isoformat() != stamp:
        raise StaleImport(
            _("Mô hình “%(name)s” (dòng %(row)s) vừa được sửa trên phần mềm sau lúc kiểm tra tệp.")
            % {"name": inner(obj.name if hasattr(obj, "name") else obj), "row": row.number}
        )


def _outside(row, what):
    return PermissionDenied(
        _("Dòng %(row)s ghi vào %(what)s bạn không còn được cập nhật.") % {"row": row.number, "what": what}
    )


def _initiative_ids(rows, written):
    """Return the stored initiatives a chunk of rows writes to (some created by earlier chunks)."""
    ids = {row.initiative_id_checked for row in rows if row.initiative_id_checked}
    return ids | {written.created[key] for key in map(_key, rows) if key in written.created}


def _mark_written(rows):
    """Record, in one query, that ``rows`` are written and which initiative each wrote."""
    table = ImportRow._meta.db_table
    values = ", ".join(["(%s, %s)"] * len(rows))
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        # Both databases name the columns of a VALUES list column1, column2.
        cursor.execute(
            f"UPDATE {table} SET done = %s, initiative_id_written = written.column2 "
            f"FROM (VALUES {values}) AS written WHERE {table}.id = written.column1",
            [True, *(value for row in rows for value in (row.pk, row.initiative_id_written))],
        )


class _Chunk:
    """The registry's records that a chunk of rows names, read in a few queries."""

    def __init__(self, user, rows, written):
        ids = _initiative_ids(rows, written)
        self.initiative_ids = ids
        self.initiatives = Initiative.objects.select_related("unit").in_bulk(ids)
        self.registrations = Registration.objects.in_bulk(
            {row.registration_id_checked for row in rows if row.registration_id_checked}
        )
        self.changeable = set(
            Initiative.objects.restrict(user, CHANGE).filter(pk__in=ids).values_list("pk", flat=True)
        )
        self.changeable_registrations = set(
            Registration.objects.restrict(user, CHANGE)
            .filter(pk__in=list(self.registrations))
            .values_list("pk", flat=True)
        )

    def verify(self, rows, written):
        """Raise ``StaleImport`` or ``PermissionDenied`` for the first row that may not be written."""
        for row in rows:
            data = row.data
            initiative = self.initiatives.get(row.initiative_id_checked)
            if row.initiative_id_checked and initiative is None:
                raise StaleImport(
                    _("Mô hình của dòng %(row)s không còn trên phần mềm.") % {"row": row.number}
                )
            if initiative is not None:
                if initiative.pk not in written.initiatives:  # its stamp is ours once we wrote it
                    _check_stamp(initiative, data.get("initiative_stamp"), row)
                touches = row.action == RowAction.CREATE or _differs(initiative, INITIATIVE_KEYS, data)
                if touches and initiative.pk not in self.changeable:
                    raise _outside(row, _("mô hình"))
            if row.action == RowAction.UPDATE:
                registration = self.registrations.get(row.registration_id_checked)
                if registration is None:
                    raise StaleImport(
                        _("Đăng ký của dòng %(row)s không còn trên phần mềm.") % {"row": row.number}
                    )
                _check_stamp(registration, data.get("registration_stamp"), row)
                changes = _differs(registration, REGISTRATION_KEYS, data)
                if changes and registration.pk not in self.changeable_registrations:
                    raise _outside(row, _("đăng ký"))


def _key(row):
    """Return ``identity`` of a row's initiative, computed once per row (it folds two names)."""
    key = row.__dict__.get("_identity")
    if key is None:
        key = row.__dict__["_identity"] = identity(row.unit_id_checked, row.initiative_id_checked, row.data)
    return key


def _pending(batch):
    return batch.rows.filter(action__in=WRITES, done=False).order_by("year", "number")


def _verify_all(batch, written):
    """Compare every row still to write with the registry, a chunk at a time; write nothing.

    Each chunk is compared under the import's lock (``_Written.claim``), so that what another
    run of the same import wrote meanwhile is known and not taken for a change by someone else.
    """
    rows = _pending(batch)
    unit_ids = set(rows.values_list("unit_id_checked", flat=True).distinct())
    allowed = set(
        Unit.objects.restrict(batch.user, CHANGE).filter(pk__in=unit_ids).values_list("pk", flat=True)
    )
    if unit_ids - allowed:
        raise PermissionDenied(_("Tệp có dòng của đơn vị bạn không còn được cập nhật."))
    for ids in batched(rows.values_list("pk", flat=True).iterator(chunk_size=CHUNK), CHUNK):
        with transaction.atomic():
            if not written.claim():
                return
            chunk = list(ImportRow.objects.filter(pk__in=ids, done=False).order_by("year", "number"))
            _Chunk(batch.user, chunk, written).verify(chunk, written)


# Initiatives made since the upload are compared with the rows creating new ones, with this
# margin for the clocks of several servers and for a transaction that began before the upload.
CREATED_MARGIN = datetime.timedelta(minutes=5)


def _refuse_made_meanwhile(batch, rows, written):
    """Raise ``StaleImport`` when what a creating row would make already exists.

    Run under the chunk's locks (the tally's lock on each unit the rows register in): another
    import or a form that made the same initiative, or the same year of it, since the check
    has committed by then, and is found here.
    """
    new = {_key(row): row for row in rows if row.action == RowAction.CREATE and not row.initiative_id_checked}
    new = {key: row for key, row in new.items() if key not in written.created}
    if new:
        made = Initiative.objects.filter(
            unit_id__in={key[1] for key in new}, created_at__gte=batch.created_at - CREATED_MARGIN
        )
        # Only the keys are read each chunk; the names of those not seen yet, once per import.
        unseen = set(made.values_list("pk", flat=True)) - written.initiatives - written.recent_pks
        for part in batched(sorted(unseen), 5000):
            found = Initiative.objects.filter(pk__in=part).values_list("pk", "unit_id", "name", "person_name")
            for _pk, unit_id, name, person_name in found:
                written.recent[("new", unit_id, fold(name), person_key(person_name))] = name
            written.recent_pks.update(part)
        for key, row in new.items():
            if key in written.recent:
                raise StaleImport(
                    _(
                        "Mô hình “%(name)s” (dòng %(row)s) vừa được thêm trên phần mềm, hoặc bởi một lần "
                        "nhập khác, sau lúc kiểm tra tệp."
                    )
                    % {"name": inner(written.recent[key]), "row": row.number}
                )
    registering = {
        (row.initiative_id_checked, row.year): row
        for row in rows
        if row.action == RowAction.CREATE and row.initiative_id_checked
    }
    existing = Registration.objects.filter(
        initiative_id__in={pk for pk, _year in registering},
        year__in={year for _pk, year in registering},
    ).values_list("initiative_id", "year")
    for pair in existing:
        row = registering.get(pair)
        if row is not None:
            raise StaleImport(
                _(
                    "Năm %(year)s của mô hình ở dòng %(row)s vừa được đăng ký trên phần mềm "
                    "sau lúc kiểm tra tệp."
                )
                % {"year": row.year, "row": row.number}
            )


def _write_next(batch, written) -> bool:
    """Write the next chunk of rows in one transaction; return False when none was left."""
    user = batch.user
    with transaction.atomic():
        if not written.claim():
            return False
        rows = list(_pending(batch)[: write_chunk()])
        if not rows:
            _finish(batch)
            return False
        ids = _initiative_ids(rows, written)
        # Locked first, as every write does (``registry.services.lock_rows``), then the tally's units.
        registry_services.lock_rows(Initiative, ids)
        pairs = {(row.unit_id_checked, row.year) for row in rows}
        existing = Registration.objects.filter(initiative_id__in=ids)
        with tally.tracking(pairs, stored=lambda: tally.pairs_of(existing)):
            chunk = _Chunk(user, rows, written)  # read under the locks
            chunk.verify(rows, written)
            _refuse_made_meanwhile(batch, rows, written)
            _Writer(user, chunk, written).write(rows)
        _mark_written(rows)
        ImportBatch.objects.filter(pk=batch.pk).update(progress_done=F("progress_done") + len(rows))
        written.done += len(rows)
        if len(rows) < write_chunk() or not _pending(batch).exists():
            _finish(batch)
            return False
    return True


def _let_others_write():
    """On SQLite, pause between chunks so that the writers waiting for its one write lock get it.

    They poll for the lock every 100 ms at most (SQLite's busy handler), so a shorter pause
    would let the import take the lock again first. PostgreSQL needs none.
    """
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
        time.sleep(getattr(settings, "INTAKE_SQLITE_PAUSE", 0.12))


def _finish(batch):
    counts = dict(batch.rows.filter(done=True).values_list("action").annotate(count=Count("pk")).order_by())
    created, updated = counts.get(RowAction.CREATE, 0), counts.get(RowAction.UPDATE, 0)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE,
        imported_at=timezone.now(),
        progress_done=created + updated,
        content=b"",
        message=_("Đã nhập %(created)s dòng mới, cập nhật %(updated)s dòng.")
        % {"created": created, "updated": updated},
    )


class _Writer:
    """Write one chunk of checked rows in bulk: a few queries for hundreds of rows.

    The rows were validated by the check (every cell, and the registry's rules on the final
    state), so the records are inserted and updated in bulk, with their history rows and the
    derived columns (search key, carrier) the services would compute, instead of one save and
    ``full_clean()`` each (about ten queries a row). The database's constraints still guard
    the invariants, and the caller's ``tally.tracking()`` updates the counts kept ready once
    for the whole chunk.
    """

    def __init__(self, user, chunk, written):
        self.user = user
        self.chunk = chunk
        self.written = written
        self.now = timezone.now()
        self.new_initiatives = {}  # identity → unsaved Initiative
        self.changed_initiatives = {}
        self.new_registrations = []
        self.changed_registrations = []

    def write(self, rows):
        chunk = self.chunk
        units = Unit.objects.in_bulk({row.unit_id_checked for row in rows})
        # The years before the rows' years, registered (alive) already: "maintained" by default.
        registered = set(
            Registration.objects.filter(
                initiative_id__in=chunk.initiative_ids,
                year__in={row.year - 1 for row in rows},
                is_deleted=False,
            ).values_list("initiative_id", "year")
        )
        placed = []  # (row, initiative)
        for row in rows:
            data = row.data
            key = _key(row)
            if row.action == RowAction.UPDATE:
                initiative = chunk.initiatives[row.initiative_id_checked]
                registration = chunk.registrations[row.registration_id_checked]
                if _assign(initiative, INITIATIVE_KEYS, data):
                    self.changed_initiatives[initiative.pk] = initiative
                if _assign(registration, REGISTRATION_KEYS, data):
                    self.changed_registrations.append(registration)
                placed.append((row, initiative))
                continue
            pk = row.initiative_id_checked or self.written.created.get(key)
            initiative = chunk.initiatives[pk] if pk else self.new_initiatives.get(key)
            if initiative is None:
                initiative = Initiative(
                    unit=units[row.unit_id_checked], name=data["name"], created_by=self.user
                )
                _assign(initiative, INITIATIVE_KEYS, data)
                self.new_initiatives[key] = initiative
            elif _assign(initiative, INITIATIVE_KEYS, data) and initiative.pk:
                self.changed_initiatives[initiative.pk] = initiative
            status = data.get("status")
            if not status:
                imported = self.written.years.get(key, ())
                last_year = (pk, row.year - 1) in registered or row.year - 1 in imported
                status = rules.default_status(registered_last_year=last_year)
            registration = Registration(
                initiative=initiative,
                initiative_deleted=initiative.is_deleted,
                year=row.year,
                unit=units[row.unit_id_checked],
                status=status,
                level=data.get("level") or Level.GRASSROOTS,
                evaluation=data.get("evaluation") or Evaluation.PENDING,
                created_by=self.user,
            )
            _assign(registration, [k for k in REGISTRATION_KEYS if k not in ("status", "level")], data)
            # In a campaign's year, a draft of its unit, as from the form; the unit then submits it.
            registration.campaign = self.campaign(registration.unit, row.year)
            if registration.campaign:
                registration.review_state = ReviewState.DRAFT
            self.new_registrations.append(registration)
            self.written.years.setdefault(key, set()).add(row.year)
            placed.append((row, initiative))
        self.save()
        for row, initiative in placed:
            row.done, row.initiative_id_written = True, initiative.pk
            self.written.initiatives.add(initiative.pk)
            if row.action == RowAction.CREATE and not row.initiative_id_checked:
                self.written.created[_key(row)] = initiative.pk

    def save(self):
        user, now = self.user, self.now
        created = list(self.new_initiatives.values())
        for initiative in created:
            self.derive(initiative)
        bulkwrite.insert(created)
        changed = list(self.changed_initiatives.values())
        for initiative in changed:
            self.derive(initiative)
        bulkwrite.update(changed, [*INITIATIVE_FIELDS, "search_text", "updated_at"])
        for registration in self.changed_registrations:
            registration.updated_at = now
        bulkwrite.update(self.changed_registrations, [*REGISTRATION_FIELDS, "updated_at"])
        for registration in self.new_registrations:
            registration.initiative_id = registration.initiative.pk
            registration.carrier_id = self.carrier(registration.unit, registration.initiative_id)
        bulkwrite.insert(self.new_registrations)
        for records, kind in [
            (created, "+"),
            (changed, "~"),
            (self.new_registrations, "+"),
            (self.changed_registrations, "~"),
        ]:
            bulkwrite.insert_history(records, history_type=kind, user=user, date=now)

    def campaign(self, unit, year):
        """The campaign asking for ``unit``'s registrations of ``year`` (``review.campaign_for``)."""
        launched = self.__dict__.setdefault("launched", {})
        if year not in launched:  # most years have no campaign: one query a year, none a row
            launched[year] = Campaign.objects.filter(year=year).exists()
        if not launched[year]:
            return None
        campaigns = self.__dict__.setdefault("campaigns", {})
        if (unit.pk, year) not in campaigns:
            campaigns[(unit.pk, year)] = review.campaign_for(unit, year)
        return campaigns[(unit.pk, year)]

    def derive(self, initiative):
        """Set what ``Initiative.save`` derives: the search key, and the time of the change."""
        initiative.search_text = initiative_search_text(
            initiative.name, initiative.person_name, initiative.address, initiative.unit.search_name
        )
        initiative.updated_at = self.now

    def carrier(self, unit, initiative_id):
        """Return the id of the unit carrying ``unit`` on today (``registry.lineage``).

        An open unit carries itself on; for closed ones the lineage is read once for the whole
        import (``lineage.Lineages``): a file of an old province's history names hundreds.
        """
        if lineage.is_open(unit, lineage.today()):
            return unit.pk
        if self.written.lineages is None:
            self.written.lineages = lineage.Lineages()
        return self.written.lineages.carrier(unit.pk, initiative_id)


# Year rollover --------------------------------------------------------------------------


def rollover_plan(registrations):
    """Split registrations into (to create in year + 1, already registered in year + 1)."""
    registrations = list(
        registrations.select_related("initiative", "unit").order_by("year", "initiative__name")
    )
    taken = set(
        Registration.objects.filter(
            initiative_id__in={r.initiative_id for r in registrations},
            year__in={r.year + 1 for r in registrations},
        ).values_list("initiative_id", "year")
    )
    create, exist = [], []
    planned = set()
    for registration in registrations:
        key = (registration.initiative_id, registration.year + 1)
        if key in taken or key in planned:
            exist.append(registration)
        else:
            planned.add(key)
            create.append(registration)
    return create, exist


@transaction.atomic
def rollover(*, user, registrations, registered_on: datetime.date | None = None) -> list[Registration]:
    """Register each registration's initiative as maintained in the next year, in one step.

    The new registration keeps the level and the unit, or, when the unit has closed by then, the
    unit that carries it on (``rules.unit_carrying_on``) if the user may change it; it starts
    unevaluated. It is dated ``registered_on`` when that day is in the next year's window, else
    on ``rules.registration_day``. Registrations whose initiative is already registered in the
    next year are left alone. A registration the rules refuse stops the rollover: none is made.
    """
    allowed = Registration.objects.restrict(user, CHANGE).alive()
    registrations = allowed.filter(pk__in=registrations.values("pk"))
    create, _exist = rollover_plan(registrations)
    changeable = Unit.objects.restrict(user, CHANGE)
    made, planned = [], []
    for source in create:
        year = source.year + 1
        first, last = rules.registration_window(year)
        day = (
            registered_on
            if registered_on and first <= registered_on <= last
            else rules.registration_day(year)
        )
        unit = rules.unit_carrying_on(source.unit, day)
        if unit != source.unit and not changeable.filter(pk=unit.pk).exists():
            unit = source.unit  # refused below, with the unit that carries it on named
        planned.append((source, year, day, unit))
    # One lock and one count for the whole selection, in the order every write takes them.
    registry_services.lock_rows(Initiative, [source.initiative_id for source in create])
    with tally.tracking({(unit.pk, year) for _source, year, _day, unit in planned}):
        for source, year, day, unit in planned:
            made.append(_roll_over(user, source, year, day, unit))
    return made


def _roll_over(user, source, year, day, unit):
    """Register ``source``'s initiative as maintained in ``year``, on ``day``, in ``unit``."""
    new = Registration(
        year=year, unit=unit, registered_on=day, status=RegistrationStatus.MAINTAINED, level=source.level
    )
    try:
        return registry_services.registration_create(
            user=user, initiative=source.initiative, registration=new
        )
    except ValidationError as error:
        raise ValidationError(
            _("Mô hình “%(name)s” không đăng ký duy trì được cho năm %(year)s: %(reason)s")
            % {"name": inner(source.initiative.name), "year": year, "reason": " ".join(error.messages)}
        ) from error


# Bulk changes on the model list ----------------------------------------------------------


@transaction.atomic
@transaction.atomic
def registrations_delete(*, user, registrations) -> list[int]:
    """Soft-delete registrations the user may change; return their keys for the undo."""
    pks = []
    chosen = Registration.objects.restrict(user, CHANGE).alive().filter(pk__in=registrations.values("pk"))
    with tally.tracking((), stored=lambda: tally.pairs_of(chosen)):
        for registration in chosen:
            registry_services.soft_delete(user=user, obj=registration)
            pks.append(registration.pk)
    return pks


@transaction.atomic
def registrations_restore(*, user, pks) -> int:
    """Undo ``registrations_delete``."""
    restored = 0
    chosen = (
        Registration.objects.restrict(user, CHANGE).deleted().filter(pk__in=pks, initiative__is_deleted=False)
    )
    with tally.tracking((), stored=lambda: tally.pairs_of(chosen)):
        for registration in chosen:
            registry_services.restore(user=user, obj=registration)
            restored += 1
    return restored
