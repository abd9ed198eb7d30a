"""Workbooks asked for by users, made by the task worker; tables of the builder saved by name."""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry import querysets
from registry.models import Unit, form_token_field, token_constraint
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


class SavedTableQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Keep the user's own tables and those shared with a unit inside the user's scope."""
        shared = Q(shared=True) & querysets.path_q("unit__path", querysets.scope_paths(user))
        return self.filter(Q(created_by=user) | shared)


class SavedTable(models.Model):
    """A built table (its rows, columns, measure and period) saved by name for a unit.

    Private to whoever saved it, or shared with the unit's users: everyone whose scope covers
    the unit. The table is counted again each time it is opened, within the opener's scope.
    """

    name = models.CharField(_("tên bảng"), max_length=200)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lưu"),
        on_delete=models.CASCADE,
        related_name="saved_tables",
    )
    shared = models.BooleanField(
        _("chia sẻ với người dùng của đơn vị"),
        default=False,
        help_text=_(
            "Mọi người xem được đơn vị này đều thấy bảng. "
            "Chỉ người có quyền cập nhật đơn vị mới chia sẻ được."
        ),
    )
    # The builder's GET parameters: rows, columns, measure and the period.
    params = models.JSONField(_("tham số"), default=dict)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)
    form_token = form_token_field()

    objects = SavedTableQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bảng tùy chọn đã lưu")
        verbose_name_plural = _("bảng tùy chọn đã lưu")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="savedtable_name_unique",
                violation_error_message=_(
                    "Đơn vị này đã có một bảng mang tên này (có thể là bảng riêng của người khác): "
                    "hãy đặt tên khác."
                ),
            ),
            token_constraint("savedtable_token_unique"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return (
            reverse("reports:builder")
            + "?"
            + urlencode({**self.params, "unit": self.unit_id, "bang": self.pk})
        )
