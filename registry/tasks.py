"""Long work of the registry, run by the task worker (``manage.py db_worker``), never inside a request."""

from django_tasks import task

from . import drafts


@task()
def run_reorganisation(reorganisation_id: int, user_id: int, job: str) -> str:
    """Apply or undo a reorganisation plan that ``drafts.job_start`` marked, for the user who asked."""
    return drafts.job_run(reorganisation_id=reorganisation_id, user_id=user_id, job=job)
