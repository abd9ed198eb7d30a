"""Writes of the intake: store an upload, check it, import it; year rollover; bulk changes.

Each function takes the acting user. The import and the bulk changes run in one transaction
(all rows or none) and record the acting user in the history.
"""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import lineage, rules, tally
from registry import services as registry_services
from registry.choices import Evaluation, Level, RegistrationStatus
from registry.chunks import batched
from registry.models import Initiative, Registration, Unit
from registry.querysets import CHANGE
from registry.text import fold

from .checks import INITIATIVE_KEYS, REGISTRATION_KEYS, Checker
from .models import BatchStatus, ImportBatch, ImportRow, RowAction

logger = logging.getLogger(__name__)
CHUNK = 500


class StaleImport(Exception):
    """The registry changed between the check and the confirmation."""


def import_create(*, user, name: str, content: bytes) -> ImportBatch:
    """Store an uploaded file as a pending import of ``user``; the check runs as a task."""
    ImportBatch.objects.filter(user=user).expired().delete()
    return ImportBatch.objects.create(
        user=user, file_name=name[:255], file_size=len(content), content=content
    )


def import_check(*, batch: ImportBatch) -> ImportBatch:
    """Check every row of the batch's file and record what the import would do."""
    try:
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
    """Mark a checked batch as importing; False when it is not ready or already started."""
    if not batch.can_confirm:
        return False
    total = batch.rows.filter(action__in=[RowAction.CREATE, RowAction.UPDATE]).count()
    started = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.CHECKED).update(
        status=BatchStatus.IMPORTING, progress_done=0, progress_total=total
    )
    return bool(started)


class _Progress:
    """Write the progress where other requests can read it while the import's transaction runs.

    On PostgreSQL a second connection writes it outside the transaction. SQLite allows one
    writer at a time, so there the page shows a bar without percentage until the end.
    """

    def __init__(self, batch):
        self.batch_id = batch.pk
        self.connection = None
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def update(self, done):
        if self.connection is None:
            return
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '1s'")
                cursor.execute(
                    f"UPDATE {ImportBatch._meta.db_table} SET progress_done = %s WHERE id = %s",
                    [done, self.batch_id],
                )
        except Exception:  # progress is a courtesy; never fail the import for it
            logger.warning("Could not record the progress of import %s", self.batch_id, exc_info=True)

    def close(self):
        if self.connection is not None:
            self.connection.close()


def import_run(*, batch: ImportBatch) -> ImportBatch:
    """Run a started import and record its outcome on the batch."""
    progress = _Progress(batch)
    try:
        created, updated = import_apply(user=batch.user, batch=batch, progress=progress.update)
    except (StaleImport, IntegrityError, ValidationError, PermissionDenied) as error:
        message = str(error) if isinstance(error, StaleImport | PermissionDenied) else ""
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED,
            message=message
            or _(
                "Dữ liệu trên phần mềm đã thay đổi từ lúc kiểm tra. "
                "Không dòng nào được nhập; hãy tải tệp lên lại."
            ),
        )
    except Exception:
        logger.exception("Import %s failed", batch.pk)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED,
            message=_("Có lỗi khi nhập. Không dòng nào được nhập; hãy thử lại hoặc báo quản trị hệ thống."),
        )
    else:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.DONE,
            imported_at=timezone.now(),
            progress_done=created + updated,
            content=b"",
            message=_("Đã nhập %(created)s dòng mới, cập nhật %(updated)s dòng.")
            % {"created": created, "updated": updated},
        )
    finally:
        progress.close()
    batch.refresh_from_db()
    return batch


def _date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _assign(obj, keys, data):
    changed = False
    for key in keys:
        if key in data:
            attribute = "field_id" if key == "field" else key
            value = _date(data[key]) if key in ("start_date", "registered_on", "evaluated_on") else data[key]
            if getattr(obj, attribute) != value:
                setattr(obj, attribute, value)
                changed = True
    return changed


def _check_stamp(obj, stamp, row):
    if stamp and obj.updated_at.isoformat() != stamp:
        raise StaleImport(
            _(
                "Mô hình “%(name)s” (dòng %(row)s) vừa được sửa trên phần mềm sau lúc kiểm tra tệp. "
                "Không dòng nào được nhập; hãy tải tệp lên lại để kiểm tra lại."
            )
            % {"name": obj.name if hasattr(obj, "name") else obj, "row": row.number}
        )


class _History:
    """Save records one by one but write their history rows in bulk, a chunk at a time.

    simple_history's per-save signal costs several times the save itself (it builds a
    manager class per record); its ``bulk_history_create`` writes the same rows, with the
    acting user, in one query per model.
    """

    def __init__(self, user):
        self.user = user
        self.saved = {}  # (model, created?) → {pk: obj}
        self.new_registrations = []

    def save(self, obj):
        created = obj.pk is None
        obj.skip_history_when_saving = True
        obj.save()
        del obj.skip_history_when_saving
        bucket = self.saved.setdefault((type(obj), created), {})
        if not created and obj.pk in self.saved.get((type(obj), True), {}):
            return  # created in this chunk: its "+" record will show the final state
        bucket[obj.pk] = obj

    def add(self, registration):
        """Queue a new registration; it is inserted with the others of the chunk."""
        self.new_registrations.append(registration)

    def flush(self):
        if self.new_registrations:
            Registration.objects.bulk_create(self.new_registrations)
            self.saved.setdefault((Registration, True), {}).update(
                (registration.pk, registration) for registration in self.new_registrations
            )
        for (model, created), objs in self.saved.items():
            if objs:
                model.history.bulk_history_create(
                    list(objs.values()), update=not created, default_user=self.user
                )
        self.saved, self.new_registrations = {}, []


@transaction.atomic
def import_apply(*, user, batch: ImportBatch, progress=None) -> tuple[int, int]:
    """Write the checked rows of ``batch``: all of them, or none. Return (created, updated).

    The rows were validated by the check (every cell, and the registry's rules on the final
    state); here each record is saved once, with its history, instead of calling
    ``full_clean()`` again, which would cost about ten queries a row on a 20.000-row file.
    The database's constraints still guard the invariants, and a record changed since the
    check stops the import (StaleImport).
    """
    rows = batch.rows.filter(action__in=[RowAction.CREATE, RowAction.UPDATE])
    unit_ids = set(rows.values_list("unit_id_checked", flat=True).distinct())
    allowed = set(Unit.objects.restrict(user, CHANGE).filter(pk__in=unit_ids).values_list("pk", flat=True))
    if unit_ids - allowed:
        raise PermissionDenied(_("Tệp có dòng của đơn vị bạn không còn được cập nhật. Hãy tải tệp lên lại."))
    # The report's counts kept ready change for every (unit, year) the rows name, and for
    # every year of an existing initiative whose kind, field or grade a row may change. The
    # initiatives are locked first, as every write does (``registry.services.lock_rows``).
    existing = rows.exclude(initiative_id_checked=None).values_list("initiative_id_checked", flat=True)
    registry_services.lock_rows(Initiative, existing)
    pairs = set(rows.values_list("unit_id_checked", "year").distinct())
    with tally.tracking(
        pairs, stored=lambda: tally.pairs_of(Registration.objects.filter(initiative_id__in=existing))
    ):
        return _write_rows(user, rows, progress)


def _write_rows(user, rows, progress):
    created_initiatives = {}  # (unit, name as checked) → Initiative created by this import
    imported_years = {}  # initiative pk → years registered by this import
    # Earlier years first, so that a new initiative's later rows find it and count as maintained.
    created = updated = done = 0
    ordered = rows.order_by("year", "number").iterator(chunk_size=CHUNK)
    for chunk in batched(ordered, CHUNK):
        initiative_ids = {row.initiative_id_checked for row in chunk if row.initiative_id_checked}
        initiatives = Initiative.objects.in_bulk(initiative_ids)
        registrations = Registration.objects.in_bulk(
            {row.registration_id_checked for row in chunk if row.registration_id_checked}
        )
        registered = set(
            Registration.objects.filter(
                initiative_id__in=initiative_ids, year__in={row.year - 1 for row in chunk}, is_deleted=False
            ).values_list("initiative_id", "year")
        )
        history = _History(user)
        units = Unit.objects.in_bulk({row.unit_id_checked for row in chunk})
        for row in chunk:
            data = row.data
            if row.action == RowAction.UPDATE:
                initiative = initiatives[row.initiative_id_checked]
                registration = registrations[row.registration_id_checked]
                _check_stamp(initiative, data.get("initiative_stamp"), row)
                _check_stamp(registration, data.get("registration_stamp"), row)
                if _assign(initiative, INITIATIVE_KEYS, data):
                    history.save(initiative)
                if _assign(registration, REGISTRATION_KEYS, data):
                    history.save(registration)
                updated += 1
                continue
            key = (row.unit_id_checked, fold(data["name"]))
            if row.initiative_id_checked:
                initiative = initiatives[row.initiative_id_checked]
                _check_stamp(initiative, data.get("initiative_stamp"), row)
            else:
                initiative = created_initiatives.get(key)
            if initiative is None:
                initiative = Initiative(unit_id=row.unit_id_checked, name=data["name"], created_by=user)
                _assign(initiative, INITIATIVE_KEYS, data)
                history.save(initiative)
                created_initiatives[key] = initiative
            elif _assign(initiative, INITIATIVE_KEYS, data):
                history.save(initiative)
            status = data.get("status")
            if not status:
                imported = imported_years.get(initiative.pk, ())
                last_year = (initiative.pk, row.year - 1) in registered or row.year - 1 in imported
                status = rules.default_status(registered_last_year=last_year)
            registration = Registration(
                initiative=initiative,
                initiative_deleted=initiative.is_deleted,
                year=row.year,
                unit_id=row.unit_id_checked,
                carrier=lineage.carrier_of(units[row.unit_id_checked], initiative.pk),
                status=status,
                level=data.get("level") or Level.GRASSROOTS,
                evaluation=data.get("evaluation") or Evaluation.PENDING,
                created_by=user,
            )
            _assign(registration, [k for k in REGISTRATION_KEYS if k not in ("status", "level")], data)
            history.add(registration)
            imported_years.setdefault(initiative.pk, []).append(row.year)
            created += 1
        history.flush()
        done += len(chunk)
        if progress:
            progress(done)
    return created, updated


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
            % {"name": source.initiative.name, "year": year, "reason": " ".join(error.messages)}
        ) from error


# Bulk changes on the model list ----------------------------------------------------------


@transaction.atomic
def initiatives_set(*, user, registrations, **values) -> int:
    """Set ``values`` (field or grade) on the initiatives of ``registrations``; return how many changed."""
    initiatives = (
        Initiative.objects.restrict(user, CHANGE)
        .alive()
        .filter(registrations__in=registrations.values("pk"))
        .distinct()
    )
    changed = 0
    registry_services.lock_rows(Initiative, initiatives.values_list("pk", flat=True))
    with tally.tracking(
        (), stored=lambda: tally.pairs_of(Registration.objects.filter(initiative__in=initiatives))
    ):
        for initiative in initiatives:
            if all(getattr(initiative, key) == value for key, value in values.items()):
                continue
            for key, value in values.items():
                setattr(initiative, key, value)
            initiative._history_user = user
            initiative.full_clean()
            initiative.save()
            changed += 1
    return changed


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
