"""Pending spreadsheet imports: the uploaded file, its checked rows and the progress of the work.

Everything lives in the database, not on one server's disk, so a pending import survives a
restart and works behind several application servers and a separate task worker.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registry.querysets import OwnedUntilExpiryQuerySet

LIFETIME = datetime.timedelta(hours=24)


def default_expiry():
    return timezone.now() + LIFETIME


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ kiểm tra")
    CHECKING = "checking", _("Đang kiểm tra")
    CHECKED = "checked", _("Đã kiểm tra, chờ xác nhận")
    REJECTED = "rejected", _("Tệp không đọc được")
    IMPORTING = "importing", _("Đang nhập")
    DONE = "done", _("Đã nhập xong")
    FAILED = "failed", _("Nhập không thành công")


class RowAction(models.TextChoices):
    CREATE = "create", _("Thêm mới")
    UPDATE = "update", pgettext_lazy("import row", "Cập nhật")  # a row's action, not the role
    UNCHANGED = "unchanged", _("Không thay đổi")
    ERROR = "error", _("Có lỗi")


class ImportKind(models.TextChoices):
    INITIATIVES = "initiatives", _("Mô hình")
    UNITS = "units", _("Đơn vị")


class ImportBatch(models.Model):
    """One uploaded spreadsheet: its bytes, what the check found, and the import's progress."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.CASCADE,
        related_name="import_batches",
    )
    # What the sheet lists: models and their registrations, or new units (``intake.unitimport``).
    kind = models.CharField(
        _("nội dung"), max_length=20, choices=ImportKind.choices, default=ImportKind.INITIATIVES
    )
    file_name = models.CharField(_("tên tệp"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    # The uploaded bytes, kept until the import is confirmed or expires (at most a few MB).
    content = models.BinaryField(_("nội dung tệp"), editable=False)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("đã xử lý"), default=0)
    progress_total = models.PositiveIntegerField(_("tổng số"), default=0)
    # What the check found about the file as a whole: the sheet, the columns, the counts,
    # and the errors that concern the whole file (unreadable, unknown columns...).
    summary = models.JSONField(_("kết quả kiểm tra"), default=dict, blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    created_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)
    checked_at = models.DateTimeField(_("thời điểm kiểm tra xong"), null=True, blank=True)
    imported_at = models.DateTimeField(_("thời điểm nhập xong"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), default=default_expiry, db_index=True)

    objects = OwnedUntilExpiryQuerySet.as_manager()

    class Meta:
        verbose_name = _("lần nhập từ Excel")
        verbose_name_plural = _("các lần nhập từ Excel")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("intake:batch_detail", args=[self.pk])

    @property
    def upload_url(self):
        """The page this kind of file is uploaded from."""
        return reverse("intake:unit_upload" if self.kind == ImportKind.UNITS else "intake:upload")

    @property
    def is_running(self):
        return self.status in {BatchStatus.QUEUED, BatchStatus.CHECKING, BatchStatus.IMPORTING}

    @property
    def percent(self):
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def counts(self):
        return self.summary.get("counts", {})

    @property
    def can_confirm(self):
        counts = self.counts
        return (
            self.status == BatchStatus.CHECKED
            and not self.summary.get("file_errors")
            and not counts.get(RowAction.ERROR)
            and (counts.get(RowAction.CREATE, 0) + counts.get(RowAction.UPDATE, 0)) > 0
        )


class ImportRow(models.Model):
    """One data row of an uploaded sheet, as checked: what it will do, or why it cannot."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("dòng"))
    action = models.CharField(_("kết quả"), max_length=20, choices=RowAction.choices)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    unit_id_checked = models.BigIntegerField(null=True, blank=True)
    initiative_id_checked = models.BigIntegerField(null=True, blank=True)
    registration_id_checked = models.BigIntegerField(null=True, blank=True)
    # The cleaned values, ready to write (dates as ISO text); see intake.checks.
    data = models.JSONField(default=dict, blank=True)
    # For updates: [{"label", "old", "new"}]; for errors: [{"column", "message"}].
    changes = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    label = models.CharField(_("mô hình"), max_length=600, blank=True)
    unit_label = models.CharField(_("đơn vị"), max_length=300, blank=True)
    # Written to the registry: the import commits a chunk of rows at a time and marks them, so
    # that a run stopped half-way (the database restarted, a second worker took the task)
    # continues where it stopped and never writes a row twice.
    done = models.BooleanField(_("đã nhập"), default=False)
    # The initiative the row wrote (created or updated), so that the file's later rows of a new
    # initiative find it after a restart.
    initiative_id_written = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("dòng nhập")
        verbose_name_plural = _("dòng nhập")
        ordering = ["batch", "number"]
        indexes = [models.Index(fields=["batch", "action", "number"], name="importrow_batch_action")]

    def __str__(self):
        return f"{self.batch_id}:{self.number}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ xử lý")
    RUNNING = "running", _("Đang thực hiện")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không thành công")


class BulkJob(models.Model):
    """One bulk action on the model list: what, on which rows, and how far it went.

    The rows are fixed when the action is confirmed (``pks``, in the order they are worked),
    so that a job stopped half-way goes on from ``done`` and never works a row twice; the
    list's filter is kept to go back to it. Each chunk of rows is written in its own
    transaction, which moves ``done`` on in the same commit.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.CASCADE,
        related_name="bulk_jobs",
    )
    action = models.CharField(_("thao tác"), max_length=30)
    parameters = models.JSONField(_("tham số"), default=dict, blank=True)
    query = models.TextField(_("bộ lọc"), blank=True)
    pks = models.JSONField(_("các đăng ký"), default=list, blank=True, editable=False)
    total = models.PositiveIntegerField(_("tổng số"), default=0)
    done = models.PositiveIntegerField(_("đã xử lý"), default=0)
    changed = models.PositiveIntegerField(_("đã thay đổi"), default=0)
    skipped = models.PositiveIntegerField(_("bỏ qua"), default=0)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    message = models.TextField(_("kết quả"), blank=True)
    # The confirmation form's one-time token: the same confirmation sent twice makes one job.
    form_token = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("thời điểm bắt đầu"), auto_now_add=True)
    finished_at = models.DateTimeField(_("thời điểm xong"), null=True, blank=True)

    class Meta:
        verbose_name = _("thao tác hàng loạt")
        verbose_name_plural = _("các thao tác hàng loạt")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "form_token"], condition=~models.Q(form_token=""), name="bulkjob_token_once"
            )
        ]

    def __str__(self):
        return f"{self.action} #{self.pk}"

    def get_absolute_url(self):
        return reverse("intake:bulkjob_detail", args=[self.pk])

    @property
    def is_running(self):
        return self.status in {JobStatus.QUEUED, JobStatus.RUNNING}

    @property
    def percent(self):
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))
