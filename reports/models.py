"""Workbooks asked for by users, made by the task worker."""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Unit
from registry.querysets import OwnedUntilExpiryQuerySet


class WorkbookStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ lập")
    RUNNING = "running", _("Đang lập")
    DONE = "done", _("Đã lập xong")
    FAILED = "failed", _("Không lập được")


WORKBOOK_LIFETIME = datetime.timedelta(hours=24)


def workbook_expiry():
    return timezone.now() + WORKBOOK_LIFETIME


class WorkbookQuerySet(OwnedUntilExpiryQuerySet):
    def purge_expired(self):
        """Delete the expired workbooks and their files. Returns how many."""
        expired = list(self.expired())
        for workbook in expired:
            if workbook.file:
                workbook.file.delete(save=False)
            workbook.delete()
        return len(expired)


class Workbook(models.Model):
    """A summary workbook asked for, made by the task worker, kept for a day for its download.

    The file goes to the default storage (shared between servers when there are several, see
    docs/deployment.md), never to one server's disk only.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    # The report form's parameters (the period), to make the same workbook as the page.
    params = models.JSONField(default=dict)
    title = models.CharField(max_length=300)
    status = models.CharField(max_length=20, choices=WorkbookStatus.choices, default=WorkbookStatus.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="bao-cao/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=workbook_expiry)

    objects = WorkbookQuerySet.as_manager()

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:workbook_detail", args=[self.pk])

    @property
    def is_running(self):
        return self.status in (WorkbookStatus.QUEUED, WorkbookStatus.RUNNING)

    @property
    def percent(self):
        if self.status == WorkbookStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, round(100 * self.rows_done / self.rows_total))
