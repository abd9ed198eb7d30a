"""Long work of the registry, run by the task worker (``manage.py db_worker``), never inside a request."""

from django.utils.translation import gettext as _
from django_tasks import task

from worker import recovery
from worker.languages import speaks

from . import drafts
from .models import Reorganisation


@task()
@speaks
def run_reorganisation(reorganisation_id: int, user_id: int, job: str) -> str:
    """Apply or undo a reorganisation plan that ``drafts.job_start`` marked, for the user who asked."""
    return drafts.job_run(reorganisation_id=reorganisation_id, user_id=user_id, job=job)


# Applying a plan is one transaction whose outcome is unknown if the connection was lost while
# it committed: the plan's status tells, so the run is ended, never started again blindly.
@recovery.on_failure(run_reorganisation)
@speaks
def run_reorganisation_failed(reorganisation_id: int, user_id: int, job: str) -> None:
    """End the job of a plan whose run could not finish, saying so on the plan's page."""
    Reorganisation.objects.filter(pk=reorganisation_id, job=job).update(
        job="",
        job_errors=[
            _(
                "Việc xử lý bị gián đoạn (mất kết nối tới cơ sở dữ liệu hoặc tiến trình xử lý nền dừng). "
                "Hãy xem trạng thái của kế hoạch rồi thử lại."
            )
        ],
    )
