"""Long work, run by the task worker (``manage.py db_worker``), never inside a request."""

from django.utils.translation import gettext as _
from django_tasks import task

from worker import recovery

from . import services
from .models import BatchStatus, ImportBatch


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


# A check starts over from the file, so a lost one is simply run again.
@recovery.on_failure(check_import, resumable=True)
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


# An import is one transaction, but a connection lost while it commits leaves its outcome
# unknown: running it again could write its rows twice, so a lost import is failed, never resumed.
@recovery.on_failure(run_import)
def run_import_failed(batch_id: int) -> None:
    """Mark a batch whose import could not finish as failed, with what to do."""
    ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.IMPORTING).update(
        status=BatchStatus.FAILED,
        message=_(
            "Việc nhập bị gián đoạn (mất kết nối tới cơ sở dữ liệu hoặc tiến trình xử lý nền dừng). "
            "Một lần nhập ghi tất cả các dòng hoặc không dòng nào: hãy xem danh sách mô hình; nếu các "
            "dòng của tệp chưa có ở đó, hãy hủy lần nhập này và tải tệp lên lại."
        ),
    )
