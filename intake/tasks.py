"""Long work, run by the task worker (``manage.py db_worker``), never inside a request."""

from django_tasks import task

from . import services
from .models import ImportBatch


@task()
def check_import(batch_id: int) -> str:
    """Check an uploaded file and record what its import would do."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return "gone"
    return services.import_check(batch=batch).status


@task()
def run_import(batch_id: int) -> str:
    """Import a checked and confirmed file, in one transaction."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return "gone"
    return services.import_run(batch=batch).status
