"""Long work, run by the task worker (``manage.py db_worker``), never inside a request."""

import logging

from django.core.files import File
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task

from registry.text import fold

from . import exports, queries
from .forms import ReportFilterForm
from .models import Workbook, WorkbookStatus
from .periods import REPORTED

logger = logging.getLogger(__name__)


@task()
def build_workbook(workbook_id: int) -> str:
    """Make a summary workbook asked for on the report pages, with its progress written as it goes."""
    workbook = Workbook.objects.select_related("user", "unit").filter(pk=workbook_id).first()
    if workbook is None:
        return "gone"
    user, root = workbook.user, workbook.unit
    form = ReportFilterForm(workbook.params)
    period = form.get_period(default_year=lambda: timezone.localdate().year)
    period = period.in_structure(form.chosen_structure or REPORTED)
    rows = Workbook.objects.filter(pk=workbook.pk)
    total = queries.summary(user, root, period)["current"]["total"]
    rows.update(status=WorkbookStatus.RUNNING, rows_total=total, rows_done=0)
    try:
        with exports.summary_workbook(
            user, root, period, progress=lambda done: rows.update(rows_done=done)
        ) as out:
            name = slugify(fold(f"bao cao {root.name} {period.short_label}"))[:80] + ".xlsx"
            workbook.file.save(name, File(out), save=False)
    except Exception:
        logger.exception("Workbook %s failed", workbook.pk)
        rows.update(status=WorkbookStatus.FAILED, error="error", finished_at=timezone.now())
        return WorkbookStatus.FAILED
    rows.update(
        status=WorkbookStatus.DONE, file=workbook.file.name, rows_done=total, finished_at=timezone.now()
    )
    return WorkbookStatus.DONE
