"""Counts kept ready for the reports (the way DHIS2 keeps analytics tables).

A ``Tally`` row holds, for one unit, every measure of the registrations in that unit's whole
subtree, for one registration year, one quarter of the registration date and one field.
A national dashboard then sums a few thousand rows instead of counting two million
registrations. ``reports.tally`` keeps the rows exactly equal to the live counts.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Field, Unit
from registry.querysets import OwnedUntilExpiryQuerySet

from .measures import TALLY_KEYS


class Tally(models.Model):
    """Registrations of a unit's subtree, counted per year, registration quarter and field."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    # The quarter of the registration date as yyyyq (20241 = Q1 2024): half-years, quarters and
    # quarter-aligned ranges are answered from the tally.
    quarter = models.PositiveIntegerField()
    field = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter", "field"], name="tally_key_unique"),
        ]
        indexes = [
            models.Index(fields=["unit", "year"], name="tally_unit_year"),
            # Half-years, quarters and ranges select on the quarter.
            models.Index(fields=["unit", "quarter"], name="tally_unit_quarter"),
        ]

    def __str__(self):
        return f"{self.unit_id}/{self.year}/{self.quarter}/{self.field_id}: {self.total}"


# One count column per measure: the list lives in reports.measures, next to the filters that
# define each measure, so adding a measure adds its column (and a migration).
for _key in TALLY_KEYS:
    models.PositiveIntegerField(default=0).contribute_to_class(Tally, _key)


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


class Revision(models.Model):
    """A token that changes whenever the counts of a unit's subtree change.

    ``reports.tally`` gives every unit whose tally rows it changes a new token, in the same
    transaction; the report figures are cached under the root's token (``reports.cache``), so
    a cached figure is never read after a write that changed it, on any server.
    """

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, primary_key=True, related_name="+")
    token = models.CharField(max_length=32)

    def __str__(self):
        return f"{self.unit_id}: {self.token}"
