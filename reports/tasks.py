"""Long work, run by the task worker (``manage.py db_worker``), never inside a request."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tasks import task

from registry.models import Unit
from registry.text import fold
from worker import recovery
from worker.languages import speaks

from . import cache, exports, selectors
from .forms import ReportFilterForm
from .models import Workbook, WorkbookStatus
from .periods import REPORTED

logger = logging.getLogger(__name__)


def failure_message():
    return _("Không lập được báo cáo. Hãy thử lại; nếu vẫn lỗi, hãy báo quản trị hệ thống.")


@task()
@speaks
def build_workbook(workbook_id: int) -> str:
    """Make a summary workbook asked for on the report pages, with its progress written as it goes."""
    workbook = Workbook.objects.select_related("user", "unit").filter(pk=workbook_id).first()
    if workbook is None:
        return "gone"
    user, root = workbook.user, workbook.unit
    form = ReportFilterForm(workbook.params)
    period = form.get_period(default_year=lambda: timezone.localdate().year)
    period = period.in_structure(form.chosen_structure or REPORTED, form.chosen_day)
    rows = Workbook.objects.filter(pk=workbook.pk)
    total = selectors.summary(user, root, period)["current"]["total"]
    rows.update(status=WorkbookStatus.RUNNING, rows_total=total, rows_done=0)
    try:
        with exports.summary_workbook(
            user, root, period, progress=lambda done: rows.update(rows_done=done)
        ) as out:
            name = slugify(fold(f"bao cao {root.name} {period.short_label}"))[:80] + ".xlsx"
            workbook.file.save(name, File(out), save=False)
    except Exception:
        logger.exception("Workbook %s failed", workbook.pk)
        rows.update(status=WorkbookStatus.FAILED, error=failure_message(), finished_at=timezone.now())
        return WorkbookStatus.FAILED
    rows.update(
        status=WorkbookStatus.DONE, file=workbook.file.name, rows_done=total, finished_at=timezone.now()
    )
    return WorkbookStatus.DONE


# A workbook is made again from the start, so a lost run is simply run again.
@recovery.on_failure(build_workbook, resumable=True)
@speaks
def build_workbook_failed(workbook_id: int) -> None:
    """Mark a workbook whose making could not finish as failed, with what to do."""
    Workbook.objects.filter(
        pk=workbook_id, status__in=[WorkbookStatus.QUEUED, WorkbookStatus.RUNNING]
    ).update(
        status=WorkbookStatus.FAILED,
        error=_(
            "Việc lập báo cáo bị gián đoạn (mất kết nối tới cơ sở dữ liệu hoặc tiến trình xử lý nền "
            "dừng). Hãy yêu cầu lập lại."
        ),
        finished_at=timezone.now(),
    )


@task()
def warm_figures(unit_ids: list[int]) -> int:
    """Compute and cache the figures the dashboard opens with at each root, in every language.

    Counted as a user who sees everything: cached figures come from the tally, which counts
    whole subtrees, so they are the same for every user who sees the root's subtree. Returns
    the number of roots warmed.
    """
    cache.release_warming(unit_ids)
    user = get_user_model()(is_superuser=True, is_active=True)
    roots = list(Unit.objects.filter(pk__in=unit_ids))
    for root in roots:
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                period = selectors.report_period(user, root, ReportFilterForm({}))
                for figures in (
                    selectors.summary,
                    selectors.unit_table,
                    selectors.field_table,
                    selectors.trend,
                    selectors.awards,
                ):
                    figures(user, root, period)
    return len(roots)


@recovery.on_failure(warm_figures, resumable=True)
def warm_figures_failed(unit_ids: list[int]) -> None:
    """Nothing to mark: the first request computes the figures, as without warming."""


def warm_after_write(sender, unit_ids, **kwargs):
    """Ask the worker to warm the roots whose tokens a committed write renewed.

    Receives ``registry.tally.revisions_renewed`` (connected in ``ReportsConfig.ready``).
    """
    if not cache.warming_enabled():
        return
    roots = cache.claim_warming(cache.roots_to_warm(unit_ids))
    if roots:
        warm_figures.enqueue(roots)
