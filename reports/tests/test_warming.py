"""After a write, the worker computes the figures of the roots users open, not their first request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from registry.choices import Role
from registry.tests.factories import MembershipFactory, UserFactory
from reports import cache
from reports.tests.conftest import register
from worker.management.commands.db_worker import Worker

FIGURE_QUERIES = 6  # summary, the unit table (2), the field table, the trend, the awards


@pytest.fixture
def warming(settings, monkeypatch):
    """A worker beside the servers, sharing their cache (Redis in production)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(cache, "warming_enabled", lambda: True)
    # The worker runs here inside the test's transaction: it must not close its connection.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker():
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="worker-under-test",
        excluded_queue_names=[],
    ).run()


def test_the_first_dashboard_after_a_write_finds_its_figures_ready(
    tree, fields, warming, client_for, django_capture_on_commit_callbacks
):
    admin = UserFactory()
    MembershipFactory(user=admin, unit=tree.a, role=Role.ADMIN)
    client = client_for(admin)

    def dashboard_queries(unit):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:dashboard"), {"unit": unit.pk}).status_code == 200
        return len(queries)

    with django_capture_on_commit_callbacks(execute=True):
        register(tree.a1, field=fields.economy)
    cold = dashboard_queries(tree.a)  # the worker has not run yet: the request counts
    with django_capture_on_commit_callbacks(execute=True):
        register(tree.a1, field=fields.economy)
    # One warming is pending for the roots the writes touched: the tree's root and A (a membership's).
    warm_tasks = DBTaskResult.objects.filter(task_path="reports.tasks.warm_figures")
    assert [task.args_kwargs["args"] for task in warm_tasks] == [[sorted([tree.p.pk, tree.a.pk])]]

    run_worker()

    assert dashboard_queries(tree.a) == cold - FIGURE_QUERIES
    with django_capture_on_commit_callbacks(execute=True):
        register(tree.a1, field=fields.economy)
    assert DBTaskResult.objects.filter(task_path="reports.tasks.warm_figures").count() == 2  # asks again


def test_no_warming_where_it_cannot_help(tree, fields, django_capture_on_commit_callbacks):
    # The tests' settings, as a site with no worker: local memory cache, tasks in the request.
    assert not cache.warming_enabled()
    with django_capture_on_commit_callbacks(execute=True):
        register(tree.a1, field=fields.economy)
    assert not DBTaskResult.objects.exists()
