"""``manage.py db_worker``: django-tasks-db's worker, made to survive its database.

The library's worker stops for good when the database goes away: a failed query while it waits
for a task ends the loop, and when PostgreSQL restarts under a running task, recording the
task's failure fails too (on the same dead connection), so the worker dies and leaves the task
RUNNING and its import "importing" for ever. This worker closes the dead connections, waits
for the database to answer again, and then resumes or fails the task (``worker.recovery``);
a thread of its own sends heartbeats and sweeps for the tasks of workers that are gone.
A task that runs past ``TASK_TIME_LIMIT`` seconds (a query waiting on a lock for ever, a bug
that loops) is marked lost by that thread, which then ends the process: a thread cannot be
stopped from outside, so the supervisor (systemd, see docs/deployment.md) starts a fresh worker.
Same options as the library's command.
"""

import logging
import os
import threading
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import Error, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker as base

from worker import recovery

logger = logging.getLogger("django_tasks_db")

# Every ``except Error`` below means any database error: a dead connection raises InterfaceError,
# which is not a DatabaseError.


def close_connections():
    """Close this thread's database connections, dead ones included: the next query reconnects."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Error:
            connection.connection = None


class Worker(base.Worker):
    # Waits between attempts to reach the database again, in seconds: doubling up to the last.
    RECONNECT_DELAYS = (0.2, 0.5, 1, 2, 5)

    def wait_for_database(self) -> bool:
        """Reconnect, waiting as long as it takes (or until asked to stop). False when stopped."""
        attempt = 0
        while self.running:
            close_connections()
            try:
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT 1")
                return True
            except Error as error:
                delay = self.RECONNECT_DELAYS[min(attempt, len(self.RECONNECT_DELAYS) - 1)]
                logger.warning("Database unavailable (%s); trying again in %s s", error, delay)
                time.sleep(delay)
                attempt += 1
        return False

    def run(self) -> None:
        while True:
            try:
                return super().run()
            except Error as error:
                # Waiting for a task needs the database: wait for it instead of stopping.
                logger.warning("Lost the database while waiting for tasks: %s", error)
                if not self.wait_for_database():
                    return None

    # The task being run and when it started (time.monotonic()), for the heartbeat's watchdog.
    current = None

    def run_task(self, db_task_result) -> None:
        self.current = (db_task_result, time.monotonic())
        try:
            self._run_task(db_task_result)
        finally:
            self.current = None

    def _run_task(self, db_task_result) -> None:
        try:
            super().run_task(db_task_result)
        except Error as error:
            # The task's outcome could not be written: the database went away under it.
            logger.warning("Task %s: its outcome could not be written (%s)", db_task_result.pk, error)
            if self.wait_for_database():
                recovery.lost(db_task_result, f"The database connection was lost: {error}")
            return
        if db_task_result.status == TaskResultStatus.FAILED:
            try:
                recovery.failed(db_task_result)
            except Error:
                logger.exception("Task %s failed, and so did marking its object failed", db_task_result.pk)


# The exit status of a worker that ended itself because a task hung (EX_TEMPFAIL: start again).
EXIT_TASK_HUNG = 75


class Heartbeat(threading.Thread):
    """Say every BEAT that the worker is alive, sweep for lost tasks every SWEEP_EVERY, and end
    the worker when its task has run past the time limit."""

    def __init__(self, worker_id, worker=None):
        super().__init__(name="heartbeat", daemon=True)
        self.worker_id = worker_id
        self.worker = worker
        self.stopped = threading.Event()

    def overdue(self):
        """Return the worker's task when it has run longer than TASK_TIME_LIMIT, else None."""
        current = getattr(self.worker, "current", None)
        if current is None:
            return None
        result, started = current
        return result if time.monotonic() - started > settings.TASK_TIME_LIMIT else None

    def watch(self) -> bool:
        """Mark an overdue task lost (resumed or failed, and its object with it) and end the
        process. True when it did (only a test sees it: the process is gone)."""
        result = self.overdue()
        if result is None:
            return False
        limit = settings.TASK_TIME_LIMIT
        recovery.lost(result, f"The task ran longer than {limit} s; its worker stopped it.")
        logger.error(
            "Task %s ran longer than %s s: ending the worker so that a fresh one starts", result.pk, limit
        )
        close_connections()
        self.end_process()
        return True

    def end_process(self):
        os._exit(EXIT_TASK_HUNG)

    def run(self):
        last_sweep = 0.0
        while True:
            try:
                self.watch()
                recovery.beat(self.worker_id)
                if time.monotonic() - last_sweep >= recovery.SWEEP_EVERY.total_seconds():
                    last_sweep = time.monotonic()
                    recovery.sweep()
            except Error as error:
                logger.info("Heartbeat not written: %s", error)
                close_connections()
            if self.stopped.wait(recovery.BEAT.total_seconds()):
                break
        close_connections()


class Command(base.Command):
    help = "Run the background task worker: it survives database restarts and fails lost tasks."

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_name.split(","):
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )

        def main():
            heartbeat = Heartbeat(worker_id, worker)
            heartbeat.start()
            try:
                worker.run()
            finally:
                heartbeat.stopped.set()

        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only in the child, which runs the worker
            run_with_reloader(main)
        else:
            worker.configure_signals()
            main()
