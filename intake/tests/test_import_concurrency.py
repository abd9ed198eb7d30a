"""Imports confirmed at the same time, for real: threads, each with its own database connection.

The findings: two identical uploads confirmed together made 80 models for 40 rows; a double
click, two tabs or two workers could run one import twice; on SQLite an import of 20.000 rows
held the database's write lock until every other request failed with "database is locked".
The import now writes a chunk of rows per transaction, marks the rows it wrote, and checks,
under the locks every write takes, that what it creates was not made meanwhile.
"""

import threading
import time
from unittest import mock

import pytest
from django.db import OperationalError, connection

from intake import services
from intake.models import BatchStatus, ImportBatch, ImportRow
from registry.choices import Role, StandardField, UnitType
from registry.models import Field, Initiative, Registration
from registry.tests.factories import MembershipFactory, UserFactory, make_unit
from registry.tests.test_tally_concurrency import assert_tally_equals_recount, in_threads

from .conftest import make_xlsx

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADERS = ["Đơn vị", "Tên mô hình", "Lĩnh vực", "Năm", "Ngày đăng ký"]


@pytest.fixture
def world(settings):
    # Small chunks, so that a few dozen rows take several transactions; no pause on SQLite.
    settings.INTAKE_WRITE_ROWS = 7
    settings.INTAKE_SQLITE_PAUSE = 0
    for order, standard in enumerate(StandardField):
        Field.objects.get_or_create(name=standard.label, defaults={"standard": standard, "order": order})
    province = make_unit("Tỉnh ủy", unit_type=UnitType.PROVINCE, code="T")
    district = make_unit("Huyện ủy", province, UnitType.DISTRICT, code="H")
    communes = [make_unit(f"Đảng ủy xã Số {i}", district, UnitType.COMMUNE, code=f"X{i}") for i in range(2)]
    editor = UserFactory(username="bientap")
    MembershipFactory(user=editor, unit=district, role=Role.EDITOR)
    return {"communes": communes, "editor": editor}


def forty_rows(prefix="Mô hình"):
    return make_xlsx(
        [
            [
                f"Đảng ủy xã Số {i % 2}",
                f"{prefix} {i}",
                "Kinh tế",
                2024 + i % 2,
                f"0{1 + i % 9}/03/{2024 + i % 2}",
            ]
            for i in range(40)
        ],
        HEADERS,
    )


def checked(user, content):
    batch = services.import_create(user=user, name="danh-sach.xlsx", content=content)
    batch = services.import_check(batch=batch)
    assert batch.counts == {"create": 40}, batch.summary
    return batch


def run(batch):
    def job():
        return services.import_run(batch=ImportBatch.objects.get(pk=batch.pk)).status

    return job


def test_two_identical_uploads_confirmed_together_make_one_copy(world):
    first, second = checked(world["editor"], forty_rows()), checked(world["editor"], forty_rows())
    assert services.import_start(batch=first) and services.import_start(batch=second)

    statuses = sorted(in_threads([run(first), run(second)], workers=2))

    assert Initiative.objects.count() == 40 and Registration.objects.count() == 40
    assert statuses == [BatchStatus.DONE, BatchStatus.FAILED]
    failed = ImportBatch.objects.get(status=BatchStatus.FAILED)
    assert "lần nhập khác" in failed.message
    assert "Không dòng nào được nhập" in failed.message
    assert_tally_equals_recount()


def test_one_upload_confirmed_four_times_at_once_is_imported_once(world):
    batch = checked(world["editor"], forty_rows())

    def confirm():
        fresh = ImportBatch.objects.get(pk=batch.pk)
        if services.import_start(batch=fresh):
            return services.import_run(batch=fresh).status
        return "refused"

    results = in_threads([confirm] * 4)

    assert sorted(results) == [BatchStatus.DONE, "refused", "refused", "refused"]
    assert Initiative.objects.count() == 40 and Registration.objects.count() == 40
    assert_tally_equals_recount()


def test_two_workers_running_one_import_write_each_row_once(world):
    """A task taken by a second worker (a stuck task retried) while the first still runs it."""
    batch = checked(world["editor"], forty_rows())
    assert services.import_start(batch=batch)

    statuses = in_threads([run(batch), run(batch)], workers=2)

    assert statuses == [BatchStatus.DONE, BatchStatus.DONE]
    assert Initiative.objects.count() == 40 and Registration.objects.count() == 40
    batch.refresh_from_db()
    assert batch.message == "Đã nhập 40 dòng mới, cập nhật 0 dòng."
    assert ImportRow.objects.filter(batch=batch, done=True).count() == 40
    assert_tally_equals_recount()


def test_other_writers_keep_going_while_a_large_import_runs(world, settings):
    """Between two chunks another request writes: it waits for one chunk at most, never for the file."""
    settings.INTAKE_SQLITE_PAUSE = 0.12  # as in production
    settings.INTAKE_WRITE_ROWS = 10
    rows = [[f"Đảng ủy xã Số {i % 2}", f"Mô hình lớn {i}", "Kinh tế", 2024, "01/03/2024"] for i in range(120)]
    batch = services.import_check(
        batch=services.import_create(user=world["editor"], name="lon.xlsx", content=make_xlsx(rows, HEADERS))
    )
    other = services.import_create(user=world["editor"], name="khac.xlsx", content=b"x")
    assert services.import_start(batch=batch)
    running = threading.Event()
    waits = []

    def importer():
        running.set()
        try:
            return services.import_run(batch=ImportBatch.objects.get(pk=batch.pk)).status
        finally:
            running.clear()

    def writer():
        running.wait(timeout=10)
        while running.is_set():
            started = time.perf_counter()
            ImportBatch.objects.filter(pk=other.pk).update(message=str(started))  # a write of its own
            waits.append(time.perf_counter() - started)
            time.sleep(0.02)
        return "ok"

    results = in_threads([importer, writer], workers=2)

    assert results == [BatchStatus.DONE, "ok"]
    assert Registration.objects.count() == 120
    assert len(waits) >= 3, waits  # the other writer got in several times during the import
    assert max(waits) < 1.0, waits
    assert_tally_equals_recount()


def test_an_import_stopped_by_the_database_continues_where_it_stopped(world, settings):
    """The database goes away after two chunks: the import waits, reconnects and goes on."""
    batch = checked(world["editor"], forty_rows())
    assert services.import_start(batch=batch)
    real_save = services._Writer.save
    calls = []

    def flaky_save(self):
        calls.append(1)
        if len(calls) == 3:
            connection.close()  # as a restart drops it
            raise OperationalError("server closed the connection unexpectedly")
        return real_save(self)

    with (
        mock.patch.object(services._Writer, "save", flaky_save),
        mock.patch.object(services, "RETRY_DELAYS", (0,)),
    ):
        batch = services.import_run(batch=batch)

    assert batch.status == BatchStatus.DONE, batch.message
    assert Initiative.objects.count() == 40 and Registration.objects.count() == 40
    assert len(calls) == 7  # 40 rows by 7: six chunks, one of them twice
    assert_tally_equals_recount()


def test_two_workers_updating_the_same_models_take_turns_without_failing_each_other(world):
    """Rows that change stored models: the second run must not take the first one's writes for
    changes made by someone else since the check."""
    first = checked(world["editor"], forty_rows())
    assert services.import_start(batch=first)
    assert services.import_run(batch=first).status == BatchStatus.DONE
    content = make_xlsx(
        [[f"Đảng ủy xã Số {i % 2}", f"Mô hình {i}", "Văn hóa - xã hội", 2024 + i % 2, ""] for i in range(40)],
        HEADERS,
    )
    batch = services.import_check(
        batch=services.import_create(user=world["editor"], name="sua.xlsx", content=content)
    )
    assert batch.counts == {"update": 40}, batch.summary
    assert services.import_start(batch=batch)

    statuses = in_threads([run(batch), run(batch)], workers=2)

    assert statuses == [BatchStatus.DONE, BatchStatus.DONE], ImportBatch.objects.get(pk=batch.pk).message
    assert set(Initiative.objects.values_list("field__name", flat=True)) == {"Văn hóa - xã hội"}
    # One history record of the change per model: each row was written once.
    assert Initiative.history.filter(history_type="~").count() == 40
    assert_tally_equals_recount()
