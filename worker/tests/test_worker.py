"""The task worker survives its database: a restart under a task, or while it waits for one."""

import datetime
import time

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from intake import services as intake_services
from intake import tasks as intake_tasks
from intake.models import BatchStatus, ImportBatch
from registry.tests.factories import UserFactory, make_unit
from reports import tasks as report_tasks
from reports.models import Workbook, WorkbookStatus
from worker import recovery
from worker.management.commands.db_worker import Worker
from worker.models import Heartbeat

# Transactional (the worker opens and closes connections), restored from the serialized
# database afterwards: the browser tests that follow expect its rows (see tests_browser).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def database_tasks(settings, monkeypatch):
    """Tasks go to the database and wait for the worker, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(Worker, "RECONNECT_DELAYS", (0.01,))


def worker():
    """A worker that runs what is queued, then stops (``db_worker --batch``).

    It closes and reopens connections as it goes: only in a transactional test.
    """
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="worker-under-test",
        excluded_queue_names=[],
    )


class Restart:
    """PostgreSQL restarting under the worker: the open connection dies, and for a few
    attempts no new connection is accepted."""

    def __init__(self, monkeypatch, refusals=3):
        self.refusals = refusals
        connect = connection.get_new_connection

        def get_new_connection(params):
            if self.refusals > 0:
                self.refusals -= 1
                raise connection.Database.OperationalError("connection refused: the server is starting up")
            return connect(params)

        monkeypatch.setattr(connection, "get_new_connection", get_new_connection)

    def now(self):
        connection.connection.close()  # the server went away under the open connection
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")  # raises, as the task's next query does


def batch(user, status, content=b"not a spreadsheet"):
    return ImportBatch.objects.create(
        user=user, file_name="mo-hinh.xlsx", file_size=len(content), content=content, status=status
    )


def test_a_restart_under_an_import_fails_it_cleanly_and_the_worker_goes_on(
    database_tasks, monkeypatch, client
):
    user = UserFactory()
    importing = batch(user, BatchStatus.IMPORTING)
    intake_tasks.run_import.enqueue(importing.pk)
    uploaded = batch(user, BatchStatus.QUEUED)
    intake_tasks.check_import.enqueue(uploaded.pk)
    restart = Restart(monkeypatch)
    monkeypatch.setattr(intake_services, "import_write", lambda **kwargs: restart.now())
    monkeypatch.setattr(intake_services, "RETRY_DELAYS", ())  # the import's own wait for the database

    worker().run()  # the library's worker died here: OperationalError in set_failed

    assert restart.refusals == 0
    task = DBTaskResult.objects.get(task_path="intake.tasks.run_import")
    assert task.status == TaskResultStatus.FAILED
    importing.refresh_from_db()
    assert importing.status == BatchStatus.FAILED
    assert "bị gián đoạn" in importing.message
    # The next upload is checked: the worker went on.
    uploaded.refresh_from_db()
    assert uploaded.status == BatchStatus.REJECTED
    # The user sees why, and may cancel the import.
    client.force_login(user)
    assert "bị gián đoạn" in client.get(importing.get_absolute_url()).content.decode()
    client.post(reverse("intake:batch_delete", args=[importing.pk]))
    assert not ImportBatch.objects.filter(pk=importing.pk).exists()


def test_a_restart_while_waiting_for_tasks_does_not_stop_the_worker(database_tasks, monkeypatch):
    uploaded = batch(UserFactory(), BatchStatus.QUEUED)
    intake_tasks.check_import.enqueue(uploaded.pk)
    restart = Restart(monkeypatch, refusals=2)
    get_locked = DBTaskResultQuerySet.get_locked
    calls = []

    def restarting(queryset):
        calls.append(1)
        if len(calls) == 1:
            restart.now()
        return get_locked(queryset)

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", restarting)

    worker().run()

    uploaded.refresh_from_db()
    assert uploaded.status == BatchStatus.REJECTED  # checked once the database was back
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def running_task(task, *args, worker_ids, started=None):
    result = task.enqueue(*args)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=started or timezone.now() - 2 * recovery.LOST,
        worker_ids=worker_ids,
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_the_tasks_of_a_worker_that_is_gone_are_failed_or_resumed(db, database_tasks, client):
    user = UserFactory()
    now = timezone.now()
    Heartbeat.objects.create(worker_id="gone", seen_at=now - 2 * recovery.LOST)
    Heartbeat.objects.create(worker_id="alive", seen_at=now)
    importing = batch(user, BatchStatus.IMPORTING)
    lost_import = running_task(intake_tasks.run_import, importing.pk, worker_ids=["gone"])
    checking = batch(user, BatchStatus.CHECKING)
    lost_check = running_task(intake_tasks.check_import, checking.pk, worker_ids=["killed-before-any-beat"])
    workbook = Workbook.objects.create(
        user=user, unit=make_unit("Tỉnh ủy Bắc Kạn"), title="Bắc Kạn", status=WorkbookStatus.RUNNING
    )
    tried_enough = running_task(
        report_tasks.build_workbook, workbook.pk, worker_ids=["gone"] * recovery.ATTEMPTS
    )
    busy = batch(user, BatchStatus.IMPORTING)
    alive = running_task(intake_tasks.run_import, busy.pk, worker_ids=["alive"])

    assert recovery.sweep() == {"resumed": 2, "failed": 1}

    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    # An import goes on from its last committed chunk, never writing a row twice.
    assert statuses[lost_import.pk] == TaskResultStatus.READY
    assert statuses[lost_check.pk] == TaskResultStatus.READY  # a check starts over
    assert statuses[tried_enough.pk] == TaskResultStatus.FAILED
    assert statuses[alive.pk] == TaskResultStatus.RUNNING
    importing.refresh_from_db()
    assert importing.status == BatchStatus.IMPORTING
    busy.refresh_from_db()
    assert busy.status == BatchStatus.IMPORTING
    client.force_login(user)
    page = client.get(reverse("reports:workbook_detail", args=[workbook.pk])).content.decode()
    assert "Việc lập báo cáo bị gián đoạn" in page
    assert recovery.sweep() == {"resumed": 0, "failed": 0}  # once only


def test_a_task_that_fails_does_not_leave_its_object_running(database_tasks, monkeypatch):
    user = UserFactory()
    workbook = Workbook.objects.create(
        user=user, unit=make_unit("Tỉnh ủy Bắc Kạn"), title="Bắc Kạn", status=WorkbookStatus.QUEUED
    )
    report_tasks.build_workbook.enqueue(workbook.pk)

    def broken(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(report_tasks.selectors, "summary", broken)

    worker().run()

    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    workbook.refresh_from_db()
    assert workbook.status == WorkbookStatus.FAILED


def test_a_worker_beats_and_a_recent_task_is_not_lost(db, database_tasks):
    recovery.beat("w1")
    first = Heartbeat.objects.get().seen_at
    recovery.beat("w1")
    assert Heartbeat.objects.get().seen_at >= first
    importing = batch(UserFactory(), BatchStatus.IMPORTING)
    running_task(intake_tasks.run_import, importing.pk, worker_ids=["w9"], started=timezone.now())
    assert recovery.stuck() == []
    assert len(recovery.stuck(timezone.now() + datetime.timedelta(minutes=5))) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL server ends a backend on request")
def test_a_workbook_whose_connection_the_server_ends_is_made_again(database_tasks, monkeypatch):
    workbook = Workbook.objects.create(
        user=UserFactory(), unit=make_unit("Tỉnh ủy Bắc Kạn"), title="Bắc Kạn", status=WorkbookStatus.QUEUED
    )
    report_tasks.build_workbook.enqueue(workbook.pk)
    summary = report_tasks.selectors.summary
    calls = []

    def ended_by_the_server(*args):
        calls.append(args)
        if len(calls) == 1:  # what a restart does to every open connection
            other = connections.create_connection("default")
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [connection.connection.get_backend_pid()])
            other.close()
        return summary(*args)

    monkeypatch.setattr(report_tasks.selectors, "summary", ended_by_the_server)

    worker().run()

    workbook.refresh_from_db()
    assert workbook.status == WorkbookStatus.DONE
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert len(task.worker_ids) == 2  # run again once the database answered


def test_a_task_running_past_the_time_limit_is_marked_and_its_worker_ends(db, database_tasks, settings):
    from worker.management.commands.db_worker import Heartbeat

    settings.TASK_TIME_LIMIT = 60
    user = UserFactory()
    hung = batch(user, BatchStatus.IMPORTING)
    result = running_task(intake_tasks.run_import, hung.pk, worker_ids=["w1"] * recovery.ATTEMPTS)
    busy = worker()
    ended = []
    heartbeat = Heartbeat("w1", busy)
    heartbeat.end_process = lambda: ended.append(True)

    assert not heartbeat.watch()  # no task running
    busy.current = (result, time.monotonic() - 30)
    assert not heartbeat.watch()  # within the limit
    assert ended == []
    busy.current = (result, time.monotonic() - 61)
    assert heartbeat.watch()

    assert ended == [True]
    result.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED
    assert "longer than 60 s" in result.traceback
    hung.refresh_from_db()
    assert hung.status == BatchStatus.FAILED


def test_the_worker_knows_which_task_it_runs_while_it_runs_it(database_tasks, monkeypatch):
    user = UserFactory()
    workbook = Workbook.objects.create(
        user=user, unit=make_unit("Tỉnh ủy Bắc Kạn"), title="Bắc Kạn", status=WorkbookStatus.QUEUED
    )
    report_tasks.build_workbook.enqueue(workbook.pk)
    busy = worker()
    seen = []
    summary = report_tasks.selectors.summary

    def watched(*args, **kwargs):
        seen.append(busy.current)
        return summary(*args, **kwargs)

    monkeypatch.setattr(report_tasks.selectors, "summary", watched)
    busy.run()

    (current,) = seen
    assert current[0].pk == DBTaskResult.objects.get().pk
    assert busy.current is None
