"""Writes of the reports app: asking for a summary workbook."""

from . import tasks
from .models import Workbook


def workbook_request(*, user, root, period) -> Workbook:
    """Ask the task worker for the summary workbook of ``root`` for ``period``.

    The workbooks whose day has passed are deleted first, with their files.
    """
    Workbook.objects.purge_expired()
    workbook = Workbook.objects.create(
        user=user,
        unit=root,
        params=period.form_params(),
        title=f"{root.name}, {period.label} ({period.structure_label.lower()})",
    )
    tasks.build_workbook.enqueue(workbook.pk)
    return workbook
