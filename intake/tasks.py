"""Long work, run by the task worker (``manage.py db_worker``), never inside a request."""

from django.utils.translation import gettext as _
from django_tasks import task

from worker import recovery
from worker.languages import speaks

from . import jobs, services
from .models import BatchStatus, BulkJob, ImportBatch


@task()
@speaks
def check_import(batch_id: int) -> str:
    """Check an uploaded file and record what its import would do."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return "gone"
    return services.import_check(batch=batch).status


@task()
@speaks
def run_import(batch_id: int) -> str:
    """Import a checked and confirmed file, a chunk of rows per transaction (resumable)."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return "gone"
    return services.import_run(batch=batch).status


# A check starts over from the file, so a lost one is simply run again.
@recovery.on_failure(check_import, resumable=True)
@speaks
def check_import_failed(batch_id: int) -> None:
    """Mark a batch whose check could not finish as unreadable for now, with what to do."""
    ImportBatch.objects.filter(pk=batch_id, status__in=[BatchStatus.QUEUED, BatchStatus.CHECKING]).update(
        status=BatchStatus.REJECTED,
        summary={
            "file_errors": [
                _(
                    "Việc kiểm tra tệp bị gián đoạn (mất kết nối tới cơ sở dữ liệu hoặc tiến trình xử lý "
                    "nền dừng). Hãy hủy lần nhập này và tải tệp lên lại."
                )
            ],
            "counts": {},
        },
    )


# An import commits a chunk of rows at a time and marks the rows it wrote; run again, it goes on
# from the last chunk committed and never writes a row twice. So a lost import (its worker was
# killed, the database went away for longer than it waits) goes back to the queue, and is failed
# only once it was tried ``recovery.ATTEMPTS`` times.
@recovery.on_failure(run_import, resumable=True)
@speaks
def run_import_failed(batch_id: int) -> None:
    """Mark a batch whose import could not finish as failed, saying what was written and what to do."""
    batch = ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.IMPORTING).first()
    if batch is None:
        return
    done = batch.rows.filter(done=True).count()
    if done:
        outcome = _(
            "Đã nhập %(done)s dòng đầu; hãy tải tệp lên lại để nhập nốt: các dòng đã nhập sẽ hiện là "
            "“Không thay đổi”."
        ) % {"done": done}
    else:
        outcome = _("Không dòng nào được nhập; hãy hủy lần nhập này và tải tệp lên lại.")
    ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.IMPORTING).update(
        status=BatchStatus.FAILED,
        progress_done=done,
        message=_("Việc nhập bị gián đoạn (mất kết nối tới cơ sở dữ liệu hoặc tiến trình xử lý nền dừng).")
        + " "
        + outcome,
    )


@task()
@speaks
def run_bulk_job(job_id: int) -> str:
    """Run a confirmed bulk action on the model list, a chunk of rows per transaction (resumable)."""
    job = BulkJob.objects.filter(pk=job_id).first()
    if job is None:
        return "gone"
    return jobs.job_run(job=job).status


# A bulk job commits a chunk at a time together with how far it went: run again, it goes on
# from the next chunk; failed only once it was tried ``recovery.ATTEMPTS`` times.
@recovery.on_failure(run_bulk_job, resumable=True)
@speaks
def run_bulk_job_failed(job_id: int) -> None:
    """Mark a bulk job that could not finish as failed, saying how far it went."""
    jobs.job_lost(job_id)
