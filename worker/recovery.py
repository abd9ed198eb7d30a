"""What becomes of a task that cannot finish: its database went away, or its worker is gone.

A task records its own outcome on its object (an import, a workbook, a reorganisation plan).
When it cannot (PostgreSQL restarted under it and the outcome could not be written, the worker
process was killed), the object would stay "running" for ever and the task row RUNNING. So each
task module registers, with ``on_failure``, what marks its object failed with a message the
user can act on (retry, cancel). A task that can safely start over from the beginning (a check,
a workbook) is marked ``resumable``: a lost run of it goes back to the queue instead, until it
has been tried ``ATTEMPTS`` times.

Lost tasks are found in two ways: the worker that ran the task sees the write of its outcome
fail, waits for the database and calls ``lost`` itself; and every worker sweeps, now and then,
for RUNNING tasks whose worker has sent no heartbeat for ``LOST`` (``sweep``).
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import Heartbeat

logger = logging.getLogger(__name__)

# A worker beats every BEAT; one silent for LOST is gone (a task's write can hold SQLite's lock
# for tens of seconds, so LOST leaves a wide margin), and so are the tasks it was running.
BEAT = datetime.timedelta(seconds=5)
LOST = datetime.timedelta(seconds=60)
SWEEP_EVERY = datetime.timedelta(seconds=15)
ATTEMPTS = 3


class TaskLost(Exception):
    """A task's run ended without its outcome: its database connection or its worker was lost."""


@dataclass(frozen=True)
class Handler:
    fail: Callable[..., None]
    resumable: bool


_handlers: dict[str, Handler] = {}


def on_failure(task, *, resumable=False):
    """Register ``function(*args, **kwargs)`` as what marks ``task``'s object failed.

    It is called with the task's arguments when a run of the task ended FAILED or was lost,
    and must do nothing when the object already has an outcome.
    """

    def register(function):
        _handlers[task.module_path] = Handler(function, resumable)
        return function

    return register


def handler_of(task_path):
    """Return the Handler of a task, importing its module (which registers it); None if none."""
    try:
        import_string(task_path)
    except ImportError:
        return None
    return _handlers.get(task_path)


def _call(handler, result):
    if handler is not None:
        handler.fail(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])


def failed(result: DBTaskResult) -> None:
    """Mark the object of a task whose run ended FAILED, so that it does not stay running."""
    _call(handler_of(result.task_path), result)


def lost(result: DBTaskResult, reason: str) -> str:
    """Put a lost RUNNING task back in the queue if it may start over, else fail it and its object.

    Returns "resumed", "failed", or "" when the task was no longer running (another worker
    already dealt with it).
    """
    handler = handler_of(result.task_path)
    resume = handler is not None and handler.resumable and len(result.worker_ids) < ATTEMPTS
    running = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING)
    with transaction.atomic():
        if resume:
            done = running.update(status=TaskResultStatus.READY, started_at=None)
        else:
            done = running.update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path=f"{TaskLost.__module__}.{TaskLost.__qualname__}",
                traceback=reason,
                return_value=None,
            )
            if done:
                _call(handler, result)
    if not done:
        return ""
    outcome = "resumed" if resume else "failed"
    logger.warning("Task %s (%s) %s: %s", result.pk, result.task_path, outcome, reason)
    return outcome


def beat(worker_id: str) -> None:
    """Record that the worker ``worker_id`` is alive."""
    Heartbeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": timezone.now()})


def stuck(now=None):
    """Return the RUNNING tasks whose worker has been silent for longer than LOST."""
    now = now or timezone.now()
    alive = set(Heartbeat.objects.filter(seen_at__gte=now - LOST).values_list("worker_id", flat=True))
    running = DBTaskResult.objects.running().filter(started_at__lt=now - LOST)
    return [result for result in running if not result.worker_ids or result.worker_ids[-1] not in alive]


def sweep(now=None) -> dict:
    """Resume or fail the tasks whose worker is gone. Returns {"resumed": n, "failed": n}."""
    now = now or timezone.now()
    counts = {"resumed": 0, "failed": 0}
    for result in stuck(now):
        outcome = lost(result, f"The worker {result.worker_ids[-1:]} stopped sending heartbeats.")
        if outcome:
            counts[outcome] += 1
    Heartbeat.objects.filter(seen_at__lt=now - datetime.timedelta(days=1)).delete()
    return counts
